"""Read queries used by more than one face (back-office queue, portal, API, KPIs)."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.pagination import capped_counts
from inventory.models import Product

from .models import (
    OPEN_STATUSES,
    Carrier,
    Coupon,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    ShoppingList,
    ShoppingListItem,
)

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


def _line_count():
    """An order's number of lines as a correlated subquery: computed for the rows of
    the page only (a ``Count("lines")`` join would group the whole filtered table)."""
    lines = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(lines, output_field=IntegerField()), 0)


def tab_filter(queryset: QuerySet[Order], tab: str) -> QuerySet[Order]:
    if tab == "held":
        return queryset.filter(on_hold=True).exclude(status=OrderStatus.CANCELADO)
    if tab == OrderStatus.PENDIENTE:
        # Orders waiting for their company's approval are not the seller's work yet.
        return queryset.filter(status=tab, awaiting_approval=False)
    if tab in OrderStatus.values:
        return queryset.filter(status=tab)
    return queryset


def order_queue(tab: str = "pendiente") -> QuerySet[Order]:
    """The back-office queue of one tab (a state, ``held`` or ``all``)."""
    return tab_filter(order_list().annotate(line_count=_line_count()), tab)


def queue_counts(*, cap: int | None = None) -> dict[str, tuple[int, bool]]:
    """How many orders each tab holds, as ``(count, more than cap)``, in one query
    whose count per tab reads at most ``cap`` + 1 index entries (``core.pagination``;
    default the ``LIST_COUNT_CAP`` setting)."""
    return capped_counts({tab: tab_filter(Order.objects.all(), tab) for tab in QUEUE_TABS}, cap)


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


#: The order pad's look-back: what the company bought in the last twelve months.
USUAL_PRODUCTS_DAYS = 365


def usual_products(company, *, products=None, now=None) -> QuerySet:
    """The products ``company`` bought in the last twelve months (its non-cancelled
    orders), from ``products`` (default: every product), annotated with
    ``last_ordered_at``, ``last_price`` (the unit price of its latest line),
    ``last_quantity``, ``ordered_quantity`` (units over the period) and
    ``times_ordered``: one query, sortable on every annotation."""
    since = (now or timezone.now()) - dt.timedelta(days=USUAL_PRODUCTS_DAYS)
    lines = OrderLine.objects.filter(
        order__company=company, order__created_at__gte=since, product=OuterRef("pk")
    ).exclude(order__status=OrderStatus.CANCELADO)
    latest = lines.order_by("-order__created_at", "-order_id")
    totals = lines.order_by().values("product")
    queryset = products if products is not None else Product.objects.all()
    return queryset.filter(Exists(lines)).annotate(
        last_ordered_at=Subquery(latest.values("order__created_at")[:1]),
        last_price=Subquery(latest.values("unit_price")[:1]),
        last_currency=Subquery(latest.values("order__currency")[:1]),
        last_quantity=Subquery(latest.values("quantity")[:1]),
        ordered_quantity=Subquery(
            totals.annotate(s=Sum("quantity")).values("s"), output_field=IntegerField()
        ),
        times_ordered=Subquery(
            totals.annotate(n=Count("order", distinct=True)).values("n"),
            output_field=IntegerField(),
        ),
    )


def shopping_lists_for(company) -> QuerySet:
    """The company's shopping lists with ``item_count``, by name."""
    items = (
        ShoppingListItem.objects.filter(shopping_list=OuterRef("pk"))
        .order_by()
        .values("shopping_list")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        ShoppingList.objects.filter(company=company)
        .select_related("created_by")
        .annotate(item_count=Coalesce(Subquery(items, output_field=IntegerField()), 0))
        .order_by("name", "id")
    )
