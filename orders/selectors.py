"""Read queries used by more than one face (back-office queue, portal, API, KPIs)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import OPEN_STATUSES, Carrier, Coupon, Order, OrderEvent, OrderLine, OrderStatus

#: Back-office queue tabs: one per state plus "held" (a flag, not a state).
QUEUE_TABS = [*OrderStatus.values, "held", "all"]


def order_list() -> QuerySet[Order]:
    """Orders with their customer and carrier (constant queries per page)."""
    return Order.objects.select_related("company", "carrier").order_by("-created_at", "-id")


def orders_for(company) -> QuerySet[Order]:
    """One company's orders: every portal and company-key query starts here."""
    return order_list().filter(company=company)


def late_filter(queryset: QuerySet[Order]) -> QuerySet[Order]:
    """Open orders past the delivery date promised to the customer."""
    return queryset.filter(
        status__in=OPEN_STATUSES, promised_delivery_date__lt=timezone.localdate()
    )


def order_queue(tab: str = "pendiente") -> QuerySet[Order]:
    """The back-office queue of one tab (a state, ``held`` or ``all``)."""
    orders = order_list().annotate(line_count=Count("lines"))
    if tab == "held":
        return orders.filter(on_hold=True).exclude(status=OrderStatus.CANCELADO)
    if tab in OrderStatus.values:
        return orders.filter(status=tab)
    return orders


def queue_counts() -> dict[str, int]:
    """How many orders each tab holds, in one query."""
    counts = Order.objects.aggregate(
        all=Count("pk"),
        held=Count("pk", filter=Q(on_hold=True) & ~Q(status=OrderStatus.CANCELADO)),
        **{status: Count("pk", filter=Q(status=status)) for status in OrderStatus.values},
    )
    return counts


def order_detail(queryset: QuerySet[Order] | None = None) -> QuerySet[Order]:
    """Orders with everything their page or API detail shows, prefetched."""
    queryset = order_list() if queryset is None else queryset
    return queryset.select_related("placed_by", "coupon", "api_key").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("position")),
        Prefetch(
            "events",
            queryset=OrderEvent.objects.select_related("actor").order_by("created_at", "id"),
        ),
        "payments",
    )


def events_for(order: Order, *, customer_view: bool = False) -> QuerySet[OrderEvent]:
    """An order's timeline; customers see only the customer-visible part."""
    events = OrderEvent.objects.filter(order=order).select_related("actor")
    if customer_view:
        events = events.filter(customer_visible=True)
    return events.order_by("created_at", "id")


def carrier_list() -> QuerySet[Carrier]:
    return Carrier.objects.annotate(order_count=Count("orders")).order_by("name")


def coupon_list() -> QuerySet[Coupon]:
    return Coupon.objects.order_by("-valid_until", "code")
