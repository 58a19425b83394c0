"""Message keys of the notifications domain (``core.messages``): the timeline's email
log lines (with the email's subject as a nested message) and ratings."""

from django.utils.translation import gettext_lazy as _

from core import messages as m

from .emails import SPECS

m.define("notification.sent", _("Email sent: %(subject)s"), subject=m.MESSAGE)
m.define("order.rated", _("Order %(number)s rated %(score)s/5 by the customer"), score=m.NUMBER)

# Each email's subject, so that the email log reads in the reader's language.
for _kind, _spec in SPECS.items():
    m.define(f"email.{_kind}", _spec.subject)


def subject_key(kind: str) -> str:
    return f"email.{kind}"
