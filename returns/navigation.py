"""The returns entries of the menus and the returns' places on other apps' pages (the
company page's badge and panel, the order pages) through ``core.slots``."""

from django.utils.translation import gettext_lazy as _

from core.navigation import register_backoffice, register_portal
from core.roles import has_staff_role
from core.slots import register_slot

from .permissions import ANY_STAFF, SERVICE


def _open_returns() -> int:
    from .models import Return, ReturnStatus

    return Return.objects.filter(status=ReturnStatus.SOLICITADA).count()


register_backoffice(
    "returns",
    _("Returns"),
    "backoffice:return_list",
    order=50,
    roles=ANY_STAFF,
    badge=_open_returns,
    badge_title=_("Returns waiting for a decision"),
)
register_portal("returns", _("Returns"), "portal:return_list", order=30)


def _flag(company):
    """The company's abuse flag (or None), read once per company object: the page's
    badge and panel both show it."""
    from .models import AbuseFlag

    if "_abuse_flag" not in company.__dict__:
        company.__dict__["_abuse_flag"] = AbuseFlag.objects.filter(company=company).first()
    return company.__dict__["_abuse_flag"]


def _company_badge(request, company):
    flag = _flag(company)
    return {"flag": flag} if flag is not None and flag.flagged else None


def _company_panel(request, company):
    from .credit import company_credit

    return {"flag": _flag(company), **company_credit(company)}


def _portal_company(request, company):
    from .credit import company_credit

    return company_credit(company)


def _portal_account(request, company):
    from .services import store_credit_balance

    return {"store_credit": store_credit_balance(company), "currency": company.currency}


def _portal_order(request, order):
    from .portal.views import order_panel

    return order_panel(request, order)


def _backoffice_order(request, order):
    from .credit import order_credit
    from .models import Return

    user = getattr(request, "user", None)
    may = user is not None and has_staff_role(user, *SERVICE)
    context = order_credit(order)
    context["can_apply_credit"] = context["can_apply_credit"] and may
    return {
        **context,
        "returns": list(Return.objects.filter(order=order).order_by("-created_at")),
        "can_create": may,
    }


register_slot(
    "backoffice.company.badges", "returns/includes/company_badge.html", context=_company_badge
)
register_slot("backoffice.company", "returns/includes/company_panel.html", context=_company_panel)
register_slot(
    "portal.company", "returns/includes/portal_company_credit.html", context=_portal_company
)
register_slot(
    "portal.account", "returns/includes/portal_account_credit.html", context=_portal_account
)
register_slot("portal.order", "returns/includes/portal_order_button.html", context=_portal_order)
register_slot(
    "backoffice.order", "returns/includes/backoffice_order_returns.html", context=_backoffice_order
)
