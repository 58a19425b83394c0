import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import YES_NO, BootstrapFilterSet, yes_no

from ..models import Carrier, Order, OrderStatus, ShippingMethod
from ..selectors import (
    HOLD_REASONS,
    NO_CARRIER,
    days_q,
    due_today_q,
    hold_reason_q,
    late_against_contract_q,
    late_against_promise_q,
    late_filter,
    late_q,
    on_time_q,
    stuck_q,
    within_contract_q,
)

#: An order number as printed (``PED-2026-000123``), in any letter case.
WHOLE_NUMBER = re.compile(r"[A-Za-z]{1,10}-\d{4}-\d{6,}")

#: ``?ship_due=``: the warehouse's figures (``orders.selectors.due_today_q`` / ``late_q``).
SHIP_DUE_CHOICES = [("today", _("Due to ship today")), ("late", _("Late"))]

#: The filters a dashboard figure's link sets that the filter bar does not show: the
#: list names each of them above the table (a chip that removes it) and keeps them
#: when the bar's filters change.
DRILL_DOWN_FILTERS = [
    "status",
    "on_hold",
    "ship_due",
    "stuck",
    "hold_reason",
    "delivered_after",
    "delivered_before",
    "shipped_after",
    "shipped_before",
    "on_time",
    "within_contract",
]


class SellerDayFilter(django_filters.DateFilter):
    """A calendar day in the seller's time zone (Europe/Madrid): ``bound="first"``
    keeps the rows from 00:00 that day, ``"last"`` those before 00:00 the next day
    (``orders.selectors.days_q``, the dashboard's periods)."""

    def __init__(self, *args, bound: str, **kwargs):
        self.bound = bound
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        if self.bound == "first":
            return qs.filter(days_q(self.field_name, first=value))
        return qs.filter(days_q(self.field_name, last=value))


def carrier_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    """``?carrier=``: one carrier by id, or ``null`` for the orders without one."""
    return django_filters.ModelChoiceFilter(
        queryset=Carrier.objects.order_by("name"),
        label=_("Carrier"),
        empty_label=_("Any carrier"),
        null_label=_("No carrier"),
        null_value=NO_CARRIER,
        **kwargs,
    )


def service_filter(**kwargs) -> django_filters.ChoiceFilter:
    """``?service=``: the order's shipping method (standard or express)."""
    return django_filters.ChoiceFilter(
        field_name="shipping_method",
        choices=ShippingMethod.choices,
        label=_("Service"),
        empty_label=_("Any service"),
        **kwargs,
    )


def _yes_no(label, method: str):
    return django_filters.ChoiceFilter(
        method=method, choices=YES_NO, label=label, empty_label=_("Any")
    )


class OrderQueueFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number or PO"))
    # A text box, not a select of every company: with thousands of customers the
    # options alone took most of the page's time. Links pass the company's id.
    customer = django_filters.CharFilter(
        method="filter_customer",
        label=_("Customer"),
        widget=forms.TextInput(attrs={"placeholder": _("Name, tax id or number")}),
    )
    # Placement days in the seller's zone, as the dashboard's "Orders placed" counts.
    created_after = SellerDayFilter(field_name="created_at", bound="first", label=_("From"))
    created_before = SellerDayFilter(field_name="created_at", bound="last", label=_("To"))
    carrier = carrier_filter()
    service = service_filter()
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Late"),
        widget=forms.Select(
            choices=[("", _("Late or not")), ("true", _("Late only")), ("false", _("On time only"))]
        ),
    )
    # --- the dashboard's drill-downs (DRILL_DOWN_FILTERS) ---------------------------------
    status = django_filters.ChoiceFilter(
        field_name="status",
        choices=OrderStatus.choices,
        label=_("State"),
        empty_label=_("Any state"),
    )
    on_hold = _yes_no(_("On hold"), "filter_on_hold")
    ship_due = django_filters.ChoiceFilter(
        method="filter_ship_due",
        choices=SHIP_DUE_CHOICES,
        label=_("Warehouse today"),
        empty_label=_("Any"),
    )
    stuck = _yes_no(_("Stuck"), "filter_stuck")
    hold_reason = django_filters.ChoiceFilter(
        method="filter_hold_reason",
        choices=list(HOLD_REASONS.items()),
        label=_("Hold reason"),
        empty_label=_("Any"),
    )
    delivered_after = SellerDayFilter(
        field_name="delivered_at", bound="first", label=_("Delivered from")
    )
    delivered_before = SellerDayFilter(
        field_name="delivered_at", bound="last", label=_("Delivered to")
    )
    # The carrier page's shipments: shipped on those days (``shipped_at``).
    shipped_after = SellerDayFilter(field_name="shipped_at", bound="first", label=_("Shipped from"))
    shipped_before = SellerDayFilter(field_name="shipped_at", bound="last", label=_("Shipped to"))
    on_time = _yes_no(_("On time"), "filter_on_time")
    within_contract = _yes_no(_("Within contract"), "filter_within_contract")

    class Meta:
        model = Order
        fields = []

    def search(self, queryset, name, value):
        """A whole order number is looked up exactly (its unique index); anything else
        matches part of the number or the PO (trigram indexes on PostgreSQL)."""
        value = value.strip().replace("\x00", "")
        if not value:
            return queryset
        if WHOLE_NUMBER.fullmatch(value):
            return queryset.filter(Q(number=value.upper()) | Q(po_number__iexact=value))
        return queryset.filter(Q(number__icontains=value) | Q(po_number__icontains=value))

    def filter_customer(self, queryset, name, value):
        """By the company's id (links from its page), its tax id, or part of its name."""
        value = value.strip().replace("\x00", "")
        if not value:
            return queryset
        if value.isascii() and value.isdigit():
            return queryset.filter(company_id=int(value))
        return queryset.filter(
            Q(company__legal_name__icontains=value) | Q(company__tax_id__iexact=value)
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = late_filter(queryset)
        return late if value else queryset.exclude(pk__in=late.values("pk"))

    def filter_on_hold(self, queryset, name, value):
        return yes_no(queryset, "on_hold", value)

    def filter_ship_due(self, queryset, name, value):
        """``today``: the dashboard's *Due to ship today*; ``late``: its *Late* (the same
        set as ``overdue=true``)."""
        if value == "today":
            return queryset.filter(due_today_q())
        if value == "late":
            return queryset.filter(late_q())
        return queryset

    def filter_stuck(self, queryset, name, value):
        """``1``: open orders longer in their state than its threshold (the dashboard's
        ageing *Stuck*, with the tab's state); ``0``: the others."""
        if value == "1":
            return queryset.filter(stuck_q())
        if value == "0":
            return queryset.exclude(stuck_q())
        return queryset

    def filter_hold_reason(self, queryset, name, value):
        return queryset.filter(hold_reason_q(value)) if value else queryset

    def filter_on_time(self, queryset, name, value):
        """Delivered against the promised date: ``1`` on time, ``0`` late (orders
        without a promise, or not delivered, are neither)."""
        if value == "1":
            return queryset.filter(on_time_q())
        if value == "0":
            return queryset.filter(late_against_promise_q())
        return queryset

    def filter_within_contract(self, queryset, name, value):
        """Transit against the carrier's contracted days: ``1`` within, ``0`` over
        (deliveries without a carrier or a measured transit are neither)."""
        if value == "1":
            return queryset.filter(within_contract_q())
        if value == "0":
            return queryset.filter(late_against_contract_q())
        return queryset
