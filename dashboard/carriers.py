"""Carrier performance (back office): per carrier and service, the shipments, deliveries,
on-time and within-contract rates, transit against the contract, late deliveries and
claims of a date range (``kpis.carrier_performance``), and the list of the late
deliveries behind each count (``kpis.delivered_orders`` with the same late rules, so the
list's count is the page's figure), exportable as CSV."""

from __future__ import annotations

from urllib.parse import urlencode

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.filters import BootstrapFilterSet
from core.tables import Column, Table
from core.views import FilteredListView, StaffRequiredMixin
from orders.backoffice.filters import carrier_filter, service_filter
from orders.models import Order, ShippingMethod
from orders.selectors import NO_CARRIER, late_against_contract_q, late_against_promise_q

from . import kpis
from .charts import hbars
from .periods import range_context
from .views import carrier_row_urls, delivered_urls, percent

#: The late-delivery list's ``basis``: against what a delivery counts as late.
PROMISE, CONTRACT = "promise", "contract"
BASES = [
    (PROMISE, _("After the promised date")),
    (CONTRACT, _("Over the contracted transit days")),
]


def _range_params(period) -> dict:
    return {"from": period.date_from.isoformat(), "to": period.date_to.isoformat()}


def claims_url(period, row: dict | None = None) -> str:
    """The complaint register's complaints with a carrier claim filed in ``period``
    (``complaints.selectors.carrier_claims``), against ``row``'s carrier and under its
    service (every carrier without a row: the page's total)."""
    params = {
        "claimed_after": period.date_from.isoformat(),
        "claimed_before": period.date_to.isoformat(),
    }
    if row is not None:
        carrier = row["carrier_id"] if row["carrier_id"] is not None else NO_CARRIER
        params.update(claim_carrier=carrier, claim_service=row["service"])
    return f"{reverse('backoffice:complaint_list')}?{urlencode(params)}"


def late_url(period, row: dict, basis: str) -> str:
    """The late-delivery list of one row of the page, against ``basis``."""
    params = {
        **_range_params(period),
        "basis": basis,
        "carrier": row["carrier_id"] if row["carrier_id"] is not None else NO_CARRIER,
        "service": row["service"],
    }
    return f"{reverse('backoffice:late_deliveries')}?{urlencode(params)}"


class CarrierPerformanceView(StaffRequiredMixin, TemplateView):
    template_name = "dashboard/carriers.html"

    def get_context_data(self, **kwargs):
        picker = range_context(self.request.GET, "backoffice:carrier_performance")
        period = picker["period"]
        rows = [
            {
                **row,
                "label": row["carrier_name"] or _("No carrier"),
                "service_label": ShippingMethod(row["service"]).label,
                "on_time_percent": percent(row["on_time_rate"]),
                "contract_percent": percent(row["within_contract_rate"]),
                "late_url": late_url(period, row, PROMISE),
                "late_contract_url": late_url(period, row, CONTRACT),
                "urls": carrier_row_urls(period, row),
                "claims_url": claims_url(period, row),
            }
            for row in kpis.carrier_performance(period)
        ]
        chart = hbars(
            [
                (
                    f"{row['carrier'] or NO_CARRIER}-{row['service']}",
                    f"{row['label']} · {row['service_label']}",
                    row["contract_percent"] or 0,
                    row["contract_percent"],
                    row["late_contract_url"],
                )
                for row in rows
                if row["with_transit"]
            ],
            scale=100,
        )
        totals = kpis.delivery(period, by_carrier=rows)
        totals.update(
            on_time_percent=percent(totals["on_time_rate"]),
            contract_percent=percent(totals["within_contract_rate"]),
            shipments=sum(row["shipments"] for row in rows),
            # Each complaint once, even when claimed against two carriers.
            claims=kpis.carrier_claims_filed(period),
        )
        return super().get_context_data(
            **picker,
            rows=rows,
            totals=totals,
            total_urls={**delivered_urls(period), "claims": claims_url(period)},
            chart=chart,
            all_late_url=(
                f"{reverse('backoffice:late_deliveries')}?{urlencode(_range_params(period))}"
            ),
            **kwargs,
        )


class LateDeliveryFilterSet(BootstrapFilterSet):
    basis = django_filters.ChoiceFilter(
        choices=BASES,
        method="filter_basis",
        label=_("Late"),
        empty_label=_("Late either way"),
    )
    carrier = carrier_filter()
    service = service_filter()

    class Meta:
        model = Order
        fields = []

    def filter_basis(self, queryset, name, value):
        if value == PROMISE:
            return queryset.filter(late_against_promise_q())
        if value == CONTRACT:
            return queryset.filter(late_against_contract_q())
        return queryset


def _iso(field: str):
    def value(order):
        moment = getattr(order, field)
        return moment.isoformat() if moment is not None else ""

    return value


class LateDeliveryTable(Table):
    row_name = "order"
    html_id = "late-table"
    export_name = "late-deliveries"
    empty_text = _("No late deliveries match.")
    default_ordering = "-delivered"
    columns = [
        Column(
            "number",
            _("Number"),
            order_by="number",
            export="number",
            template_code="<a href=\"{% url 'backoffice:order_detail' order.number %}\" "
            'class="font-monospace">{{ order.number }}</a>',
        ),
        Column(
            "customer", _("Customer"), accessor="company.legal_name", order_by="company__legal_name"
        ),
        Column("carrier", _("Carrier"), accessor="carrier.name", order_by="carrier__name"),
        Column(
            "service",
            _("Service"),
            accessor="get_shipping_method_display",
            export="shipping_method",
            order_by="shipping_method",
        ),
        Column(
            "shipped",
            _("Shipped"),
            css="small text-nowrap",
            order_by="shipped_at",
            export=_iso("shipped_at"),
            template_code='{{ order.shipped_at|date:"SHORT_DATETIME_FORMAT" }}',
        ),
        Column(
            "delivered",
            _("Delivered"),
            css="small text-nowrap",
            order_by="delivered_at",
            export=_iso("delivered_at"),
            template_code='{{ order.delivered_at|date:"SHORT_DATETIME_FORMAT" }}',
        ),
        Column(
            "promised",
            _("Promised"),
            css="small text-nowrap",
            order_by="promised_delivery_date",
            export=_iso("promised_delivery_date"),
            template_code='{{ order.promised_delivery_date|date:"SHORT_DATE_FORMAT" }}',
        ),
        Column(
            "transit",
            _("Transit (business days)"),
            accessor="transit_business_days",
            css="text-end",
            order_by="transit_business_days",
        ),
        Column(
            "contracted",
            _("Contracted (business days)"),
            accessor="contracted_days",
            css="text-end",
            order_by="contracted_days",
        ),
    ]


class LateDeliveryListView(StaffRequiredMixin, FilteredListView):
    """The deliveries of the range that were late against the promise or the contract
    (``basis``), per carrier and service; ``?export=csv`` gives them all."""

    template_name = "dashboard/carriers_late.html"
    filterset_class = LateDeliveryFilterSet
    table_class = LateDeliveryTable
    context_object_name = "orders"
    capped_count = False

    def get_picker(self) -> dict:
        if not hasattr(self, "_picker"):
            self._picker = range_context(self.request.GET, "backoffice:late_deliveries")
        return self._picker

    def get_base_queryset(self):
        late = late_against_promise_q() | late_against_contract_q()
        return (
            kpis.delivered_orders(self.get_picker()["period"])
            .filter(late)
            .select_related("company", "carrier")
        )

    def get_context_data(self, **kwargs):
        picker = self.get_picker()
        return super().get_context_data(
            **picker,
            performance_url=(
                f"{reverse('backoffice:carrier_performance')}?"
                f"{urlencode(_range_params(picker['period']))}"
            ),
            **kwargs,
        )
