"""Message keys of the inventory domain (``core.messages``): the reasons the system
gives to stock movements (a reason a person typed stays their text)."""

from django.utils.translation import gettext_lazy as _

from core import messages as m

m.define("stock.order_placed", _("Order placed"))
m.define("stock.reservation_released", _("Reservation released"))
m.define("stock.order_shipped", _("Order shipped"))
m.define("stock.order_cancelled", _("Order cancelled"))
m.define("stock.initial", _("Initial stock"))
