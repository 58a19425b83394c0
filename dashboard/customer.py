"""The customer 360 panel of a company's back-office page: the company's figures of a
date range (``kpis.customer_summary``), each a link to the filtered list behind it.

Registered in the slot above the timeline (``core.slots``, "backoffice.company") by
``DashboardConfig.ready``; ``customers`` never imports it. The range has its own
query parameters (``c360_range`` for a preset, ``c360_from`` / ``c360_to`` for a
custom range), so they never clash with the page's others (the timeline's ``kind``),
which every link of the panel keeps.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from documents.account import upcoming_due
from orders.models import OrderStatus

from . import kpis
from .periods import PRESETS, PeriodError, parse_period, preset_period
from .views import percent

#: The page's query parameters for the range.
RANGE, FROM, TO = "c360_range", "c360_from", "c360_to"
RANGE_PARAMS = (RANGE, FROM, TO)
#: A customer's figures are read over a quarter unless another range is asked for.
DEFAULT_PRESET = "90d"
#: Unpaid invoices listed under the balance (the earliest due first).
UNPAID_SHOWN = 10


def read_period(params) -> tuple[kpis.Period, str, dict[str, str]]:
    """The range of the query ``params``: (period, preset key or "custom", errors by
    parameter). A bad custom range gives its errors and the default range."""
    if params.get(FROM) or params.get(TO):
        try:
            return parse_period(params.get(FROM, ""), params.get(TO, "")), "custom", {}
        except PeriodError as error:
            names = {"from": FROM, "to": TO}
            errors = {names[name]: message for name, message in error.fields.items()}
            return preset_period(DEFAULT_PRESET), DEFAULT_PRESET, errors
    key = params.get(RANGE, DEFAULT_PRESET)
    if key not in PRESETS:
        key = DEFAULT_PRESET
    return preset_period(key), key, {}


def _url(name: str, *args, **params) -> str:
    url = reverse(name, args=args)
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{url}?{query}" if query else url


def _page_url(request, company, **changes) -> str:
    """The company page with the request's parameters, ``changes`` applied (None drops
    a parameter)."""
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    url = reverse("backoffice:customer_detail", args=[company.pk])
    return f"{url}?{params.urlencode()}" if params else url


def links(company, period: kpis.Period) -> dict[str, str]:
    """The filtered back-office lists behind the figures."""
    start, end = period.date_from.isoformat(), period.date_to.isoformat()
    orders = "backoffice:order_list"
    return {
        "orders": _url(
            orders, tab="all", customer=company.pk, created_after=start, created_before=end
        ),
        "open_orders": _url(orders, tab="all", customer=company.pk),
        "returns": _url(
            "backoffice:return_list", customer=company.pk, created_after=start, created_before=end
        ),
        "complaints_open": _url("backoffice:complaint_list", company=company.pk, open="1"),
        "complaints_overdue": _url("backoffice:complaint_list", company=company.pk, overdue="1"),
        "delivered": _url(orders, tab=OrderStatus.ENTREGADO, customer=company.pk),
    }


def panel_context(request, company) -> dict:
    """The panel's context (the slot's ``context`` function)."""
    period, preset, errors = read_period(request.GET)
    summary = kpis.customer_summary(company, period)
    last = summary["last_order"]
    presets = [
        {
            "key": key,
            "label": label,
            "url": _page_url(request, company, **{RANGE: key, FROM: None, TO: None}),
            "active": key == preset,
        }
        for key, (label, _days) in PRESETS.items()
    ]
    returned = summary["returns"]
    return {
        "company": company,
        "period": period,
        "preset": preset,
        "presets": presets,
        "range_errors": errors,
        "range_params": {"range": RANGE, "from": FROM, "to": TO},
        # The page's other parameters, kept by the custom range's form.
        "kept_params": [
            (key, value)
            for key, values in request.GET.lists()
            if key not in RANGE_PARAMS
            for value in values
        ],
        "time_zone": settings.TIME_ZONE,
        "summary": summary,
        "credit_percent": percent(summary["credit"]["used_rate"]),
        "returns_percent": {
            "units": percent(returned["rate_units"]),
            "orders": percent(returned["rate_orders"]),
        },
        "last_order_url": (
            reverse("backoffice:order_detail", args=[last["number"]]) if last else ""
        ),
        "last_order_status": OrderStatus(last["status"]).label if last else "",
        "unpaid": upcoming_due(company, limit=UNPAID_SHOWN),
        "links": links(company, period),
    }
