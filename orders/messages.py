"""Message keys of the orders domain (``core.messages``): order history lines on the
timeline and the automatic hold reasons, rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from core import messages as m
from core.fiscal import FiscalPosition

m.define("order.placed", _("Order %(number)s placed: %(total)s %(currency)s"), total=m.AMOUNT)
m.define("order.prepared", _("Order %(number)s is being prepared"))
m.define("order.shipped", _("Order %(number)s shipped"))
m.define("order.delivered", _("Order %(number)s delivered"))
m.define("order.cancelled", _("Order %(number)s cancelled"))
m.define("order.held", _("Order %(number)s held for review"))
m.define("order.released", _("Order %(number)s released from hold"))
m.define(
    "order.payment",
    _("Payment of %(amount)s %(currency)s received for order %(number)s"),
    amount=m.AMOUNT,
)
m.define("order.note", _("Note on order %(number)s"))
m.define("order.approval_requested", _("Order %(number)s waits for an administrator's approval"))
m.define("order.approved", _("Order %(number)s approved"))
m.define("order.backorder_reserved", _("Order %(number)s: backordered units reserved"))
m.define("order.backorder_line", _("%(sku)s: %(count)s units reserved"))
m.define(
    "order.fiscal_position",
    _("Order %(number)s: fiscal position changed from %(old)s to %(new)s"),
    old=m.choice(FiscalPosition),
    new=m.choice(FiscalPosition),
)

# Automatic hold reasons (``orders.services.placement``), one per line of Order.hold_messages.
m.define(
    "order.hold.first_order",
    _("First order of this customer above %(amount)s."),
    amount=m.AMOUNT,
)
m.define(
    "order.hold.credit_limit",
    _("Over the credit limit: %(exposure)s open of %(limit)s."),
    exposure=m.AMOUNT,
    limit=m.AMOUNT,
)
m.define("order.hold.address_not_on_file", _("Shipping address not on file."))
