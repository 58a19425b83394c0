"""The complaints entries of the menus and the complaints' places on other apps' pages
(the company page's badge and panel, the order pages) through ``core.slots``.

The back-office badge (open complaints waiting for staff) is cached for a minute, as
every back-office badge is (``core.navigation.BADGE_SECONDS``)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import register_backoffice, register_portal
from core.roles import StaffRole, has_staff_role
from core.slots import register_slot

ANY_STAFF = (StaffRole.CUSTOMER_SERVICE, StaffRole.WAREHOUSE, StaffRole.MANAGER)
SERVICE = (StaffRole.CUSTOMER_SERVICE, StaffRole.MANAGER)


def needing_staff_count() -> int:
    """Open complaints waiting for staff (not for the customer)."""
    from .backoffice.selectors import needing_staff

    return needing_staff().count()


register_backoffice(
    "complaints",
    _("Complaints"),
    "backoffice:complaint_desk",
    order=60,
    roles=ANY_STAFF,
    badge=needing_staff_count,
    badge_title=_("Complaints waiting for staff"),
)
register_portal("complaints", _("Complaints"), "portal:complaint_list", order=40)


def _company_badge(request, company):
    from .backoffice.selectors import open_complaints

    count = open_complaints().filter(company=company).count()
    return {"open_count": count} if count else None


def _company_panel(request, company):
    from .models import Complaint

    # Number, category and status: no clocks or related rows to fetch.
    complaints = list(Complaint.objects.filter(company=company).order_by("-created_at")[:5])
    user = getattr(request, "user", None)
    return {
        "complaints": complaints,
        "can_create": user is not None and has_staff_role(user, *SERVICE),
    }


def _backoffice_order(request, order):
    from .backoffice.selectors import complaint_register

    user = getattr(request, "user", None)
    return {
        "complaints": list(complaint_register().filter(order=order).order_by("-created_at")),
        "can_create": user is not None and has_staff_role(user, *SERVICE),
    }


def _portal_order(request, order):
    from .portal.views import order_panel

    return order_panel(request, order)


register_slot(
    "backoffice.company.badges", "complaints/includes/company_badge.html", context=_company_badge
)
register_slot(
    "backoffice.company", "complaints/includes/company_panel.html", context=_company_panel, order=60
)
register_slot(
    "backoffice.order",
    "complaints/includes/backoffice_order_complaints.html",
    context=_backoffice_order,
    order=60,
)
register_slot(
    "portal.order", "complaints/includes/portal_order_button.html", context=_portal_order, order=60
)
