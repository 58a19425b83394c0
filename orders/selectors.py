"""Read queries used by more than one face (back-office queue, portal, API, KPIs)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Now, TruncDate
from django.db.models.lookups import GreaterThan, IsNull, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    ShippingMethod,
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


#: ``carrier=`` of the orders (and claims) without a carrier, in every list's address.
NO_CARRIER = "null"


# --- the figures' sets ------------------------------------------------------------------
#
# Each set below is counted by a dashboard figure (``dashboard.kpis``) and listed by the
# back-office order queue (``orders.backoffice.filters``), from the same definition, so
# a figure and the list behind it cannot drift apart. Days are calendar days in the
# seller's time zone (``settings.TIME_ZONE``, Europe/Madrid by default).


def seller_zone() -> dt.tzinfo:
    """The seller's time zone: the calendar every figure's days are counted in."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def seller_today() -> dt.date:
    """Today in the seller's time zone."""
    return timezone.localdate(timezone=seller_zone())


def day_start(day: dt.date) -> dt.datetime:
    """00:00 of ``day`` in the seller's time zone (an aware datetime)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=seller_zone())


def days_q(field: str, first: dt.date | None = None, last: dt.date | None = None) -> Q:
    """``field`` (a datetime) falls on the calendar days ``first`` to ``last``, both
    included, in the seller's zone: from 00:00 on ``first`` to before 00:00 on the day
    after ``last``, whatever the UTC offset (summer time included). A missing end is
    open; so is ``last`` = 9999-12-31 (there is no day after it)."""
    q = Q()
    if first is not None:
        q &= Q(**{f"{field}__gte": day_start(first)})
    if last is not None and last < dt.date.max:
        q &= Q(**{f"{field}__lt": day_start(last + dt.timedelta(days=1))})
    return q


# Shipping (the warehouse's day) -----------------------------------------------------------

#: Days ahead of the promised delivery date by which an order must leave.
SHIP_AHEAD_DAYS = 1


def to_prepare_q() -> Q:
    """*To prepare*: pending orders, not on hold and not waiting for their company's
    approval."""
    return Q(status=OrderStatus.PENDIENTE, on_hold=False, awaiting_approval=False)


def due_today_q(today: dt.date | None = None) -> Q:
    """*Due to ship today*: pending or in-preparation orders, not on hold and not waiting
    for their company's approval (the warehouse may not ship those), whose promised
    delivery date is today or within ``SHIP_AHEAD_DAYS`` days (they must leave today to
    arrive on time). ``today``: the seller's today by default."""
    today = today or seller_today()
    return Q(
        status__in=(OrderStatus.PENDIENTE, OrderStatus.EN_PREPARACION),
        on_hold=False,
        awaiting_approval=False,
        promised_delivery_date__gte=today,
        promised_delivery_date__lte=today + dt.timedelta(days=SHIP_AHEAD_DAYS),
    )


def late_q(today: dt.date | None = None) -> Q:
    """*Late*: open orders (pending, in preparation or shipped) whose promised delivery
    date is before today (the seller's today by default)."""
    return Q(status__in=OPEN_STATUSES, promised_delivery_date__lt=today or seller_today())


def late_filter(queryset: QuerySet[Order]) -> QuerySet[Order]:
    """Open orders past the delivery date promised to the customer (``late_q``)."""
    return queryset.filter(late_q())


# Ageing -------------------------------------------------------------------------------

#: Hours an open order may stay in its current state before it counts as *stuck*.
AGEING_THRESHOLD_HOURS = {
    OrderStatus.PENDIENTE: 24,
    OrderStatus.EN_PREPARACION: 24,
    OrderStatus.ENVIADO: 120,
}


def entered_current_state():
    """When an order entered its current status: placement, start of preparation or
    shipment (``prepared_at`` / ``shipped_at``, set by the transitions; placement when
    they are missing)."""
    return Coalesce(
        Case(
            When(status=OrderStatus.EN_PREPARACION, then=F("prepared_at")),
            When(status=OrderStatus.ENVIADO, then=F("shipped_at")),
            default=F("created_at"),
            output_field=DateTimeField(),
        ),
        F("created_at"),
    )


def time_in_state():
    """How long an order has been in its current status, now (the database's now)."""
    return ExpressionWrapper(Now() - entered_current_state(), output_field=DurationField())


def stuck_q(status: str | None = None) -> Q:
    """*Stuck*: an open order longer in its current state (``time_in_state``) than
    that state's ``AGEING_THRESHOLD_HOURS``, now; pending orders waiting for their
    company's approval are not the seller's work yet and are never stuck. ``status``
    narrows to one open state (another state: nothing)."""
    q = Q(pk__in=[])
    for state, hours in AGEING_THRESHOLD_HOURS.items():
        if status is not None and state != status:
            continue
        over = GreaterThan(time_in_state(), Value(dt.timedelta(hours=hours), DurationField()))
        part = Q(over, status=state)
        if state == OrderStatus.PENDIENTE:
            part &= Q(awaiting_approval=False)
        q |= part
    return q


# Holds --------------------------------------------------------------------------------

#: The hold reason of an order a person held with only a typed reason.
MANUAL_HOLD = "manual"
#: Why orders are held: the automatic reasons (the keys of ``Order.hold_messages``,
#: ``orders.messages``) and ``manual``, with their short labels.
HOLD_REASONS = {
    "order.hold.first_order": _("First order"),
    "order.hold.credit_limit": _("Credit limit"),
    "order.hold.address_not_on_file": _("Address not on file"),
    MANUAL_HOLD: _("Held by staff"),
}


def held_q() -> Q:
    """*On hold*: orders held for review (a flag, not a state), cancelled ones left out."""
    return Q(on_hold=True) & ~Q(status=OrderStatus.CANCELADO)


def _hold_reason_rows(scope: str = "") -> str:
    """SQL of the rows ``(id, reason)`` of the held orders (``held_q``): one per
    automatic reason in ``hold_messages`` (its ``key``), and ``manual`` for an order
    without one (held by a person). Parameters: the cancelled status, then those of
    ``scope``."""
    table = Order._meta.db_table
    if connection.vendor != "postgresql":
        # SQLite (the embedded mode): the same rows through json_each.
        return f"""
            SELECT o.id, COALESCE(json_extract(m.value, '$.key'), '{MANUAL_HOLD}') AS reason
            FROM {table} o LEFT JOIN json_each(
                CASE WHEN json_type(o.hold_messages) = 'array'
                     THEN o.hold_messages ELSE '[]' END
            ) AS m ON 1
            WHERE o.on_hold AND o.status <> %s{scope}
        """  # noqa: S608 (the table name is the model's, the values are parameters)
    return f"""
        SELECT o.id, COALESCE(m.item ->> 'key', '{MANUAL_HOLD}') AS reason
        FROM {table} o LEFT JOIN LATERAL jsonb_array_elements(
            CASE WHEN jsonb_typeof(o.hold_messages) = 'array'
                 THEN o.hold_messages ELSE '[]'::jsonb END
        ) AS m(item) ON TRUE
        WHERE o.on_hold AND o.status <> %s{scope}
    """  # noqa: S608 (the table name is the model's, the values are parameters)


def hold_reason_counts(company=None) -> tuple[int, dict[str, int]]:
    """*Now*: the held orders (``held_q``) and, per reason (``_hold_reason_rows``), the
    orders it holds, in one query. An order held for two reasons counts under both."""
    scope, params = "", [OrderStatus.CANCELADO]
    if company is not None:
        scope = " AND o.company_id = %s"
        params.append(company.pk)
    table = Order._meta.db_table
    sql = f"""
        SELECT '' AS reason, COUNT(*) FROM {table} o WHERE o.on_hold AND o.status <> %s{scope}
        UNION ALL
        SELECT r.reason, COUNT(DISTINCT r.id) FROM ({_hold_reason_rows(scope)}) r GROUP BY 1
    """  # noqa: S608 (the table name is the model's, the values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params + params)
        rows = cursor.fetchall()
    total, reasons = 0, {}
    for reason, count in rows:
        if reason == "":
            total = count
        else:
            reasons[reason] = count
    return total, reasons


def hold_reason_q(reason: str) -> Q:
    """Held orders (``held_q``) held for ``reason``: the rows ``hold_reason_counts``
    counts under it."""
    sql = f"SELECT r.id FROM ({_hold_reason_rows()}) r WHERE r.reason = %s"  # noqa: S608
    # S611: the SQL is this module's; the reason is a parameter.
    return Q(pk__in=RawSQL(sql, [OrderStatus.CANCELADO, reason]))  # noqa: S611


# Deliveries ---------------------------------------------------------------------------


def delivered_day():
    """The calendar day of the delivery (``delivered_at``) in the seller's zone."""
    return TruncDate("delivered_at", tzinfo=seller_zone())


def contracted_days():
    """The carrier's contracted transit days (business days) for the order's shipping
    method; NULL without a carrier."""
    return Case(
        When(carrier__isnull=True, then=Value(None)),
        When(shipping_method=ShippingMethod.EXPRESS, then=F("carrier__transit_days_express")),
        default=F("carrier__transit_days_standard"),
        output_field=IntegerField(),
    )


def on_time_q() -> Q:
    """*On time*: delivered on or before the date promised to the customer (the
    delivery's calendar day in the seller's zone). Without a promised date (a
    replacement) or not delivered: neither on time nor late."""
    return Q(LessThanOrEqual(delivered_day(), F("promised_delivery_date")))


def late_against_promise_q() -> Q:
    """*Late against the promise*: delivered after the promised date (same calendar)."""
    return Q(GreaterThan(delivered_day(), F("promised_delivery_date")))


def measured_transit_q() -> Q:
    """The transit can be held against a contract: a carrier (so contracted days) and
    a measured transit (``transit_business_days``, stored on delivery)."""
    return Q(IsNull(contracted_days(), False), transit_business_days__isnull=False)


def within_contract_q() -> Q:
    """*Within contract*: a measured transit of at most the carrier's contracted days
    for the service (business days)."""
    return measured_transit_q() & Q(LessThanOrEqual(F("transit_business_days"), contracted_days()))


def late_against_contract_q() -> Q:
    """*Late against the contract*: a measured transit longer than the contracted days."""
    return measured_transit_q() & Q(GreaterThan(F("transit_business_days"), contracted_days()))


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
        return queryset.filter(held_q())
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
