"""The back-office landing page: the KPI dashboard.

The figures come from ``dashboard.kpis`` (the same as ``/api/v1/kpis/``); each links to
the filtered list behind it. The range is a preset (``?range=7d``) or custom
(``?from=&to=``); bad dates show an error and the default range, never a 500. Each
role sees its work first (``ROLE_SECTIONS``); the figures other apps register on the
home page (``core.navigation.register_home_figure``) stay, under *Customers*."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from complaints.models import Category, ComplaintStatus, ResponsibleParty
from core.navigation import home_figures
from core.roles import StaffRole, staff_roles
from core.views import StaffRequiredMixin
from orders.models import OrderStatus, ShippingMethod
from orders.selectors import HOLD_REASONS, NO_CARRIER
from returns.charts import pareto

from . import kpis
from .charts import columns, hbars
from .periods import range_context

#: Every section, in the managers' order.
SECTIONS = ["shipping", "orders", "service", "delivery", "returns", "satisfaction", "business"]
#: The sections a role works on, shown first (the rest follow in ``SECTIONS`` order).
ROLE_SECTIONS = {
    StaffRole.WAREHOUSE: ["shipping", "orders", "delivery"],
    StaffRole.CUSTOMER_SERVICE: ["service", "orders", "returns", "satisfaction"],
}

#: The order queue (``orders.backoffice``) every order figure drills into.
ORDERS_URL = "backoffice:order_list"


def percent(value) -> Decimal | None:
    """A 0-1 rate as a percentage with one decimal (None stays None)."""
    if value is None:
        return None
    return (Decimal(value) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def sections_for(user) -> list[str]:
    roles = staff_roles(user)
    if StaffRole.MANAGER in roles:
        return list(SECTIONS)
    first: list[str] = []
    for role in (StaffRole.WAREHOUSE, StaffRole.CUSTOMER_SERVICE):
        if role in roles:
            first += [s for s in ROLE_SECTIONS[role] if s not in first]
    return first + [s for s in SECTIONS if s not in first]


def _url(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def delivered_urls(period, **params) -> dict[str, str]:
    """The order queue's lists behind a delivery figure of ``period``: ``delivered``
    (the orders delivered in the range, ``kpis.delivered_orders``), ``on_time`` (those
    delivered by the promised date) and ``within_contract`` (transit within the
    carrier's contracted days), and ``shipments`` (the orders shipped in the range, the
    carrier page's figure), narrowed by ``params`` (``carrier``, ``service``)."""
    delivered = {
        "tab": "all",
        **params,
        "delivered_after": period.date_from.isoformat(),
        "delivered_before": period.date_to.isoformat(),
    }
    shipped = {
        "tab": "all",
        **params,
        "shipped_after": period.date_from.isoformat(),
        "shipped_before": period.date_to.isoformat(),
    }
    return {
        "shipments": _url(ORDERS_URL, **shipped),
        "delivered": _url(ORDERS_URL, **delivered),
        "on_time": _url(ORDERS_URL, **delivered, on_time="1"),
        "within_contract": _url(ORDERS_URL, **delivered, within_contract="1"),
    }


def carrier_row_urls(period, row: dict) -> dict[str, str]:
    """``delivered_urls`` of one carrier and service row (``kpis.delivery_by_carrier``);
    the deliveries without a carrier are ``carrier=null``."""
    carrier = row["carrier_id"] if row["carrier_id"] is not None else NO_CARRIER
    return delivered_urls(period, carrier=carrier, service=row["service"])


def _returns_service_context(figures: dict, period) -> dict:
    """What the returns, complaints (service) and satisfaction sections add to the
    page: the returns trend, top returned products, refunds overdue, the abuse watch,
    complaint times in business hours, first-contact resolution and the causes, each
    with the link to the filtered list whose count is the figure."""
    start, end = period.date_from.isoformat(), period.date_to.isoformat()
    ranged_returns = {"counted": "1", "created_after": start, "created_before": end}
    trend = figures["returns_trend"]
    weekly = kpis.trend_unit(period) == "week"
    trend_rows = []
    for row in trend:
        first = max(row["start"], period.date_from)
        last = min(row["start"] + dt.timedelta(days=6), period.date_to) if weekly else first
        trend_rows.append(
            {
                **row,
                "label": date_format(row["start"], "SHORT_DATE_FORMAT"),
                "percent": percent(row["rate_units"]),
                "url": _url(
                    "backoffice:return_list",
                    counted="1",
                    created_after=first.isoformat(),
                    created_before=last.isoformat(),
                ),
            }
        )
    trend_chart = columns(
        [
            (
                row["start"].isoformat(),
                row["label"],
                row["units_returned"],
                row["units_returned"],
                row["url"],
            )
            for row in trend_rows
        ],
        line=[row["percent"] for row in trend_rows],
    )
    products = [
        {**row, "url": _url("backoffice:return_list", sku=row["sku"], **ranged_returns)}
        for row in figures["top_returned_products"]
    ]
    products_chart = hbars(
        (row["sku"], f"{row['sku']} · {row['name']}", row["units"], row["units"], row["url"])
        for row in products
    )
    complaints = figures["complaints"]
    filed = {"filed_after": start, "filed_before": end}

    def by_count(counts: dict, choices, field: str):
        """Bars of the non-zero counts, biggest first, each linked to its complaints."""
        rows = sorted(
            ((key, label, counts[key]) for key, label in choices if counts[key]),
            key=lambda row: -row[2],
        )
        return hbars(
            (key, label, n, n, _url("backoffice:complaint_list", **{field: key}, **filed))
            for key, label, n in rows
        )

    parties = by_count(
        complaints["by_responsible_party"], ResponsibleParty.choices, "responsible_party"
    )
    categories = by_count(complaints["by_category"], Category.choices, "category")
    return {
        "trend_rows": trend_rows,
        "trend_chart": trend_chart,
        "trend_weekly": weekly,
        "top_products": products,
        "products_chart": products_chart,
        "parties_chart": parties,
        "categories_chart": categories,
        "fcr_percent": percent(complaints["first_contact_resolution_rate"]),
        "refunded_late_percent": percent(figures["refund_time"]["late_rate"]),
        "service_links": {
            "refunds_overdue": _url("backoffice:return_list", refund_overdue="1"),
            "abuse": _url("backoffice:return_abuse"),
            "first_contact": _url("backoffice:complaint_list", first_contact="1", **filed),
            "resolved": _url("backoffice:complaint_list", open="0", **filed),
        },
    }


class DashboardView(StaffRequiredMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        picker = range_context(self.request.GET, "backoffice:home")
        period = picker["period"]
        figures = kpis.all_figures(period)
        start, end = period.date_from.isoformat(), period.date_to.isoformat()
        orders_url = ORDERS_URL
        ranged = {"created_after": start, "created_before": end}

        by_status = figures["orders"]["by_status"]
        status_chart = hbars(
            (
                status,
                label,
                by_status[status],
                by_status[status],
                _url(orders_url, tab="all", status=status, **ranged),
            )
            for status, label in OrderStatus.choices
        )
        ageing = [
            {
                **row,
                "label": OrderStatus(row["status"]).label,
                "url": _url(orders_url, tab=row["status"]),
                "stuck_url": _url(orders_url, tab=row["status"], stuck="1"),
            }
            for row in figures["ageing"]
        ]
        holds = [
            {
                "key": key,
                "label": HOLD_REASONS.get(key, key),
                "count": count,
                # A reason the queue's filter does not know has no list of its own.
                "url": _url(orders_url, tab="held", hold_reason=key)
                if key in HOLD_REASONS
                else None,
            }
            for key, count in figures["holds"]["by_reason"].items()
        ]
        carriers = [
            {
                **row,
                "label": row["carrier_name"] or _("No carrier"),
                "percent": percent(row["on_time_rate"]),
                "contract_percent": percent(row["within_contract_rate"]),
                "service_label": ShippingMethod(row["service"]).label,
                "urls": carrier_row_urls(period, row),
            }
            for row in figures["delivery_by_carrier"]
        ]
        carrier_chart = hbars(
            [
                (
                    f"{row['carrier']}-{row['service']}",
                    f"{row['label']} · {row['service_label']}",
                    row["percent"] or 0,
                    row["percent"],
                    row["urls"]["on_time"],
                )
                for row in carriers
            ],
            scale=100,
        )
        links_returns = _url("backoffice:return_list", created_after=start, created_before=end)
        reasons = pareto(
            (row["reason"], row["name"], row["units"]) for row in figures["return_reasons"]
        )
        reasons_chart = hbars(
            [
                (
                    row["reason"],
                    row["name"],
                    row["units"],
                    row["units"],
                    _url(
                        "backoffice:return_list",
                        reason=row["reason_id"],
                        created_after=start,
                        created_before=end,
                    ),
                )
                for row in figures["return_reasons"]
            ]
        )
        complaints_open = figures["complaints_open"]
        complaint_states = [
            {
                "status": status,
                "label": ComplaintStatus(status).label,
                "count": count,
                "url": _url("backoffice:complaint_list", status=status),
            }
            for status, count in complaints_open["by_status"].items()
        ]
        links = {
            "placed": _url(orders_url, tab="all", **ranged),
            "held": _url(orders_url, tab="held"),
            "to_prepare": _url(orders_url, tab=OrderStatus.PENDIENTE, on_hold="0"),
            "due_today": _url(orders_url, tab="all", ship_due="today"),
            "late": _url(orders_url, tab="all", overdue="true"),
            **delivered_urls(period),
            "returns": links_returns,
            "return_stats": _url("backoffice:return_stats"),
            "complaints": _url("backoffice:complaint_list", filed_after=start, filed_before=end),
            "complaints_open": _url("backoffice:complaint_list", open="1"),
            "complaints_overdue": _url("backoffice:complaint_list", overdue="1"),
            "low_stock": _url("backoffice:stock_list", low_stock="1"),
        }
        return super().get_context_data(
            **picker,
            figures=figures,
            sections=sections_for(self.request.user),
            status_chart=status_chart,
            ageing=ageing,
            holds=holds,
            carriers=carriers,
            carrier_chart=carrier_chart,
            reasons=reasons,
            reasons_chart=reasons_chart,
            complaint_states=complaint_states,
            on_time_percent=percent(figures["delivery"]["on_time_rate"]),
            within_contract_percent=percent(figures["delivery"]["within_contract_rate"]),
            returns_percent={
                "units": percent(figures["returns"]["rate_units"]),
                "orders": percent(figures["returns"]["rate_orders"]),
            },
            returns_value=[
                {"currency": currency, **values, "percent": percent(values["rate_value"])}
                for currency, values in figures["returns"]["by_currency"].items()
            ],
            complaint_percent={
                "first_response": percent(figures["complaints"]["first_response_within_sla_rate"]),
                "resolution": percent(figures["complaints"]["resolved_within_sla_rate"]),
            },
            csat_percent=percent(figures["csat"]["satisfied_rate"]),
            csat_response={
                "delivery": percent(figures["csat"]["delivery"]["response_rate"]),
                "complaints": percent(figures["csat"]["complaints"]["response_rate"]),
            },
            links=links,
            home_figures=home_figures(),
            **_returns_service_context(figures, period),
            **kwargs,
        )
