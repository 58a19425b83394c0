"""The complaints entries of the menus and the complaints' places on other apps' pages
(the company page's badge and panel, the order pages) through ``core.slots``.

The back-office badge (open complaints waiting for staff) is read on every back-office
page, so it is cached for ``BADGE_SECONDS``: the pages' query budgets stay as they were
(one count a minute, not one per page view)."""

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from core.navigation import register_backoffice, register_portal
from core.roles import StaffRole, has_staff_role
from core.slots import register_slot

ANY_STAFF = (StaffRole.CUSTOMER_SERVICE, StaffRole.WAREHOUSE, StaffRole.MANAGER)
SERVICE = (StaffRole.CUSTOMER_SERVICE, StaffRole.MANAGER)
BADGE_KEY = "complaints:needing-staff"
BADGE_SECONDS = 60


def needing_staff_count() -> int:
    """Open complaints waiting for staff (not for the customer), cached for a minute."""
    count = cache.get(BADGE_KEY)
    if count is None:
        from .backoffice.selectors import needing_staff

        count = needing_staff().count()
        cache.set(BADGE_KEY, count, BADGE_SECONDS)
    return count


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
    from .backoffice.selectors import complaint_register

    complaints = list(complaint_register().filter(company=company).order_by("-created_at")[:5])
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
