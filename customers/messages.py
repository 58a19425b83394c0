"""Message keys of the customers domain (``core.messages``): timeline lines about
accounts and their users, rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from core import messages as m

from .models import Company, CustomerRole


def _company_fields() -> dict:
    """Company field names and their translated labels (tags included)."""
    fields = {
        field.name: field.verbose_name
        for field in Company._meta.get_fields()
        if getattr(field, "verbose_name", None) is not None
    }
    return fields


m.define("customer.created", _("Customer account created"))
m.define(
    "customer.changed",
    _("Customer data changed: %(fields)s"),
    fields=m.labels(_company_fields),
)
m.define("customer_user.added", _("User %(email)s added as %(role)s"), role=m.choice(CustomerRole))
m.define(
    "customer_user.invitation_refused",
    _("Invitation not sent: %(email)s already has an account"),
)
m.define(
    "customer_user.role_changed", _("User %(email)s is now %(role)s"), role=m.choice(CustomerRole)
)
m.define(
    "customer_user.order_limit",
    _("Orders of %(email)s above %(limit)s wait for approval"),
    limit=m.AMOUNT,
)
m.define("customer_user.no_order_limit", _("Orders of %(email)s need no approval"))
m.define("customer_user.reactivated", _("User %(email)s reactivated"))
m.define("customer_user.deactivated", _("User %(email)s deactivated"))
