"""Message keys of the documents domain (``core.messages``): timeline lines about issued
invoices and credit notes."""

from django.utils.translation import gettext_lazy as _

from core import messages as m

m.define("document.invoice_issued", _("Invoice %(number)s issued for order %(order)s"))
m.define("document.credit_note_issued", _("Credit note %(number)s issued for order %(order)s"))
