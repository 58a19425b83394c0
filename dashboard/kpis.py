"""The KPI arithmetic: one selector per figure, shared by the back-office dashboard and
``/api/v1/kpis/`` so a number means the same wherever it is shown.

Conventions every figure follows:

- A **period** is a range of calendar days, both ends included, in the seller's time
  zone (``settings.TIME_ZONE``, Europe/Madrid by default): ``from=2026-03-01`` starts
  at 00:00 Madrid time on 1 March and ``to=2026-03-31`` ends before 00:00 on 1 April,
  whatever the UTC offset (summer time included). ``Period.start`` / ``Period.end``
  are those instants as aware datetimes, ``end`` excluded.
- A figure *in the period* counts the rows whose defining timestamp falls in it: an
  order by its placement (``created_at``), a delivery by ``delivered_at``, a return by
  its request (``created_at``), a complaint by ``filed_at``, a rating by its
  ``rated_at``. Figures marked *now* describe the present state (open orders,
  holds, open complaints, low stock) and ignore the period.
- ``company`` (optional) scopes every figure to one customer company; low stock is
  the seller's and is not scoped.
- Rates are ``Decimal`` between 0 and 1 rounded to 4 places, ``None`` when there is
  nothing to divide by. Durations are in hours (wall-clock time), ``None`` when no
  row has one. Complaint times are given twice: wall-clock hours, and *business
  hours* (working time of the seller's business calendar, ``core.calendar``: working
  hours, weekends, public holidays and closure days), the time the SLA clocks count.
- Everything is aggregated by the database (``COUNT``, ``SUM``,
  ``percentile_cont``), one query per selector, never a Python loop over rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Trunc, TruncDate
from django.utils import timezone

from complaints.models import OPEN_STATUSES as COMPLAINT_OPEN_STATUSES
from complaints.models import (
    Category,
    Complaint,
    ResponsibleParty,
    first_contact_resolved,
)
from complaints.selectors import carrier_claims
from inventory.models import StockItem
from notifications.models import SatisfactionRating
from orders.models import OPEN_STATUSES, Order, OrderLine, OrderStatus, ShippingMethod
from orders.selectors import (
    AGEING_THRESHOLD_HOURS,
    contracted_days,
    day_start,
    days_q,
    delivered_day,
    due_today_q,
    hold_reason_counts,
    late_q,
    measured_transit_q,
    on_time_q,
    seller_today,
    seller_zone,
    stuck_q,
    time_in_state,
    to_prepare_q,
    within_contract_q,
)
from returns.models import (
    CLOSED_WITHOUT_GOODS,
    AbuseFlag,
    ReasonCode,
    Return,
    ReturnLine,
    refund_overdue_q,
)

FOUR_PLACES = Decimal("0.0001")

# ``AGEING_THRESHOLD_HOURS`` (hours an open order may stay in its current state before
# it counts as *stuck*) and ``SHIP_AHEAD_DAYS`` (days ahead of the promised date by
# which an order must leave) live in ``orders.selectors``, with the sets they define:
# the order queue's filters list those sets, these selectors count them.

#: A score from this value up counts as satisfied (CSAT = satisfied / responses).
SATISFIED_FROM = 4


# --- the period ------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Calendar days ``date_from`` to ``date_to`` (inclusive) in the seller's zone."""

    date_from: dt.date
    date_to: dt.date

    @property
    def tz(self) -> dt.tzinfo:
        return seller_zone()

    @property
    def start(self) -> dt.datetime:
        return day_start(self.date_from)

    @property
    def end(self) -> dt.datetime:
        return day_start(self.date_to + dt.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def q(self, field: str) -> Q:
        """``field`` falls in the period (``orders.selectors.days_q``: the same days
        the lists' date filters select)."""
        return days_q(field, self.date_from, self.date_to)

    @classmethod
    def last_days(cls, days: int, *, today: dt.date | None = None) -> Period:
        today = today or seller_today()
        return cls(today - dt.timedelta(days=days - 1), today)


def rate(part, whole) -> Decimal | None:
    """``part / whole`` to 4 places; ``None`` when ``whole`` is 0 or missing."""
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(FOUR_PLACES, ROUND_HALF_UP)


def _hours(value) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(str(value)) / 3600).quantize(Decimal("0.1"), ROUND_HALF_UP)


class Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``.
    On SQLite (the embedded mode) the same continuous percentile is the aggregate
    ``dashboard.sqlite.PercentileCont``, registered on each connection."""

    function = "percentile_cont"
    name = "Percentile"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="%(function)s(%(expressions)s, %(fraction)s)", **extra
        )


class Epoch(Func):
    """Seconds in an interval (on SQLite an interval is a number of microseconds)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="((%(expressions)s) / 1000000.0)")


def _seconds(later: str, earlier: str) -> Epoch:
    return Epoch(ExpressionWrapper(F(later) - F(earlier), output_field=DurationField()))


def _scoped(queryset, company, field: str = "company"):
    return queryset.filter(**{field: company}) if company is not None else queryset


# --- orders ----------------------------------------------------------------------------


def placed_by_currency(period: Period, company=None) -> list[dict]:
    """Orders placed in the period (by ``created_at``), one row per currency: ``placed``
    and one count per status today, and ``orders`` and ``revenue`` (their totals) of
    those not cancelled. ``orders_placed`` and ``revenue`` read it; both figures of a
    page come from this one query."""
    statuses = OrderStatus.values
    kept = ~Q(status=OrderStatus.CANCELADO)
    return list(
        _scoped(Order.objects.filter(period.q("created_at")), company)
        .values("currency")
        .annotate(
            placed=Count("id"),
            orders=Count("id", filter=kept),
            revenue=Sum("total", filter=kept),
            **{status: Count("id", filter=Q(status=status)) for status in statuses},
        )
        .order_by("currency")
    )


def orders_placed(period: Period, company=None, *, rows: list[dict] | None = None) -> dict:
    """Orders placed in the period (by ``created_at``), in total and by their status
    today (``by_status`` has every status, 0 included), whatever their currency. The
    rows of ``placed_by_currency`` may be given (they save the query)."""
    rows = placed_by_currency(period, company) if rows is None else rows
    return {
        "placed": sum(row["placed"] for row in rows),
        "by_status": {status: sum(row[status] for row in rows) for status in OrderStatus.values},
    }


def order_ageing(company=None) -> list[dict]:
    """*Now*: per open status (pending, in preparation, shipped), the number of orders,
    the average and oldest time in that status (hours) and how many are *stuck*
    (longer than ``AGEING_THRESHOLD_HOURS`` of that status: ``orders.selectors.stuck_q``,
    the order queue's ``?tab=<status>&stuck=1``). Orders waiting for their company's
    approval are not yet the seller's work and are left out of pending (the queue's
    pending tab leaves them out too). The time in the state is
    ``orders.selectors.time_in_state`` (since ``prepared_at`` / ``shipped_at``, or the
    placement)."""
    age = Epoch(time_in_state())
    queryset = (
        _scoped(Order.objects.filter(status__in=OPEN_STATUSES), company)
        .exclude(status=OrderStatus.PENDIENTE, awaiting_approval=True)
        .annotate(age=age)
    )
    cases = {f"stuck_{status}": Count("id", filter=stuck_q(status)) for status in OPEN_STATUSES}
    counts = {f"n_{status}": Count("id", filter=Q(status=status)) for status in OPEN_STATUSES}
    averages = {f"avg_{status}": Avg("age", filter=Q(status=status)) for status in OPEN_STATUSES}
    maxima = {f"max_{status}": Max("age", filter=Q(status=status)) for status in OPEN_STATUSES}
    row = queryset.aggregate(**cases, **counts, **averages, **maxima)
    return [
        {
            "status": status,
            "count": row[f"n_{status}"],
            "average_hours": _hours(row[f"avg_{status}"]),
            "oldest_hours": _hours(row[f"max_{status}"]),
            "threshold_hours": AGEING_THRESHOLD_HOURS[status],
            "stuck": row[f"stuck_{status}"],
        }
        for status in OPEN_STATUSES
    ]


def holds_by_reason(company=None) -> dict:
    """*Now*: orders on hold (not cancelled) in total and per reason. Each automatic
    reason (the keys of ``Order.hold_messages``, e.g. ``order.hold.credit_limit``)
    counts once per order it holds; an order held by a person with only a typed reason
    counts under ``manual``. An order held for two reasons appears under both, so the
    reasons may add up to more than ``total``. The held orders and their reasons are
    ``orders.selectors.held_q`` / ``hold_reason_counts``; the order queue lists them
    (``?tab=held``, ``?tab=held&hold_reason=<key>``, ``orders.selectors.hold_reason_q``)."""
    total, reasons = hold_reason_counts(company)
    return {"total": total, "by_reason": dict(sorted(reasons.items(), key=lambda kv: -kv[1]))}


def shipping_due(company=None, *, today: dt.date | None = None) -> dict:
    """*Now*, for the warehouse: ``to_prepare`` = pending orders (not held, not waiting
    for approval); ``due_today`` = pending or in-preparation orders, not on hold nor
    waiting for approval, whose promised delivery date is today or within
    ``SHIP_AHEAD_DAYS`` (1; they must leave today to arrive on time); ``late`` = open
    orders (shipped included) past their promised date. "Today" is the seller's
    (``today`` may be given). The sets are
    ``orders.selectors.to_prepare_q`` / ``due_today_q`` / ``late_q``, which the order
    queue lists: ``?tab=pendiente&on_hold=0``, ``?tab=all&ship_due=today``,
    ``?tab=all&overdue=true`` (or ``ship_due=late``)."""
    today = today or seller_today()
    return _scoped(Order.objects.filter(status__in=OPEN_STATUSES), company).aggregate(
        to_prepare=Count("id", filter=to_prepare_q()),
        due_today=Count("id", filter=due_today_q(today)),
        late=Count("id", filter=late_q(today)),
    )


def delivered_orders(period: Period, company=None):
    """The orders delivered in the period (by ``delivered_at``), annotated with
    ``delivered_day`` (the delivery's calendar day in the seller's zone) and
    ``contracted_days``: the rows ``delivery_by_carrier`` counts and the late-delivery
    list shows (``orders.selectors.late_against_promise_q`` /
    ``late_against_contract_q``). The order queue lists the same deliveries with
    ``?tab=all&delivered_after=<from>&delivered_before=<to>`` (``delivered_q``)."""
    return _scoped(Order.objects.filter(period.q("delivered_at")), company).annotate(
        delivered_day=delivered_day(),
        contracted_days=contracted_days(),
    )


def _days(value) -> Decimal | None:
    """Average business days, one decimal."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def delivery(period: Period, company=None, *, by_carrier: list[dict] | None = None) -> dict:
    """Orders delivered in the period (by ``delivered_at``) and how many arrived on
    time: delivered on or before the promised delivery date (the delivery's calendar
    day in the seller's zone). Orders without a promised date (replacements) are
    delivered but neither on time nor late: they are left out of ``on_time_rate``'s
    denominator (``with_promise``). The totals of ``delivery_by_carrier`` (its rows
    may be given, to save the query); ``average_transit_days`` and ``contracted_days``
    are averages over every measured delivery (``with_transit``), whatever its
    carrier."""
    rows = by_carrier if by_carrier is not None else delivery_by_carrier(period, company)
    row = {
        key: sum(r[key] for r in rows)
        for key in (
            "delivered",
            "with_promise",
            "on_time",
            "with_transit",
            "within_contract",
            "transit_days_total",
            "contracted_days_total",
        )
    }
    row["late"] = row["with_promise"] - row["on_time"]
    row["on_time_rate"] = rate(row["on_time"], row["with_promise"])
    row["late_contract"] = row["with_transit"] - row["within_contract"]
    row["within_contract_rate"] = rate(row["within_contract"], row["with_transit"])
    measured = row["with_transit"]
    row["average_transit_days"] = (
        _days(Decimal(row["transit_days_total"]) / measured) if measured else None
    )
    row["contracted_days"] = (
        _days(Decimal(row["contracted_days_total"]) / measured) if measured else None
    )
    return row


def delivery_by_carrier(period: Period, company=None) -> list[dict]:
    """``delivery`` per carrier and service (the order's shipping method), busiest
    first; orders delivered without a carrier come under carrier ``None``.

    Against the contract: ``transit`` is ``Order.transit_business_days``, the business
    days from shipment to delivery on the seller's calendar (holidays and closure days
    excluded; ``orders.transit``), stored when the order is delivered;
    ``contracted_days`` is the carrier's transit days for the service
    (``Carrier.transit_days_standard`` / ``_express``, read now). ``with_transit``: the
    deliveries with a carrier and a measured transit; ``within_contract``: those whose
    transit is at most the contracted days; ``late_contract`` the others;
    ``within_contract_rate`` = within ÷ with transit; ``average_transit_days`` (one
    decimal) over the same deliveries. Without a carrier all of these are 0 or
    ``None``. ``transit_days_total`` / ``contracted_days_total`` are the sums the
    averages come from."""
    rows = (
        delivered_orders(period, company)
        .values("carrier_id", "carrier__code", "carrier__name", "shipping_method")
        .annotate(
            delivered=Count("id"),
            with_promise=Count("id", filter=Q(promised_delivery_date__isnull=False)),
            on_time=Count("id", filter=on_time_q()),
            with_transit=Count("id", filter=measured_transit_q()),
            within_contract=Count("id", filter=within_contract_q()),
            transit_days_total=Coalesce(
                Sum("transit_business_days", filter=measured_transit_q()), 0
            ),
            contract=Max("contracted_days"),
        )
        .order_by("-delivered", "carrier__name", "shipping_method")
    )
    result = []
    for row in rows:
        measured = row["with_transit"]
        result.append(
            {
                "carrier_id": row["carrier_id"],
                "carrier": row["carrier__code"],
                "carrier_name": row["carrier__name"],
                "service": row["shipping_method"],
                "delivered": row["delivered"],
                "with_promise": row["with_promise"],
                "on_time": row["on_time"],
                "late": row["with_promise"] - row["on_time"],
                "on_time_rate": rate(row["on_time"], row["with_promise"]),
                "with_transit": measured,
                "within_contract": row["within_contract"],
                "late_contract": measured - row["within_contract"],
                "within_contract_rate": rate(row["within_contract"], measured),
                "average_transit_days": (
                    _days(Decimal(row["transit_days_total"]) / measured) if measured else None
                ),
                "contracted_days": row["contract"],
                "transit_days_total": row["transit_days_total"],
                "contracted_days_total": (row["contract"] or 0) * measured,
            }
        )
    return result


def carrier_claims_filed(period: Period) -> int:
    """The complaints with a carrier claim filed in the period, against any carrier
    (``complaints.selectors.carrier_claims``): the carrier page's total, each complaint
    once even when claimed against two carriers."""
    return (
        carrier_claims(first=period.date_from, last=period.date_to)
        .values("complaint")
        .distinct()
        .count()
    )


def carrier_performance(period: Period) -> list[dict]:
    """The carrier performance page: per carrier and service (shipping method), the
    rows of ``delivery_by_carrier`` (deliveries in the period) with ``shipments``:
    orders shipped in the period (by ``shipped_at``, with that carrier and service),
    and ``claims``: the complaints with a carrier claim filed in the period against
    that carrier (``complaints.selectors.carrier_claims``), under the service of the
    complaint's order (a carrier claim is always about an order); a complaint claimed
    twice counts once, as the complaint register lists it. A carrier and service
    with shipments or claims but no delivery in the period has a row too, its delivery
    figures 0 or ``None``. Ordered by carrier name (no carrier last), standard before
    express. Three queries."""
    shipments = {
        (row["carrier_id"], row["shipping_method"]): row
        for row in Order.objects.filter(period.q("shipped_at"))
        .annotate(contracted_days=contracted_days())
        .values("carrier_id", "carrier__code", "carrier__name", "shipping_method")
        .annotate(n=Count("id"), contract=Max("contracted_days"))
        .order_by()
    }
    claims = {
        (row["carrier_id"], row["complaint__order__shipping_method"]): row
        for row in carrier_claims(first=period.date_from, last=period.date_to)
        .values("carrier_id", "carrier__code", "carrier__name", "complaint__order__shipping_method")
        .annotate(n=Count("complaint", distinct=True))
        .order_by()
    }
    rows = {(row["carrier_id"], row["service"]): row for row in delivery_by_carrier(period)}
    empty = delivery(period, by_carrier=[])
    for key, source in (*shipments.items(), *claims.items()):
        if key not in rows:
            rows[key] = {
                **empty,
                "carrier_id": key[0],
                "carrier": source["carrier__code"],
                "carrier_name": source["carrier__name"],
                "service": key[1],
                "contracted_days": source.get("contract"),
            }
    services = {value: index for index, value in enumerate(ShippingMethod.values)}
    result = [
        {
            **row,
            "shipments": shipments[key]["n"] if key in shipments else 0,
            "claims": claims[key]["n"] if key in claims else 0,
        }
        for key, row in rows.items()
    ]
    result.sort(
        key=lambda row: (
            row["carrier_name"] is None,
            row["carrier_name"] or "",
            services.get(row["service"], len(services)),
        )
    )
    return result


# --- returns ---------------------------------------------------------------------------


#: ``live_from`` not given: the selector's own query reads where the daily summaries end
#: (``dashboard.summaries``); ``all_figures`` reads it once and passes it, so the planner
#: sees how few orders are read live.
UNSET = object()


def _live_from(live_from):
    from .summaries import IN_QUERY

    return IN_QUERY if live_from is UNSET else live_from


def _counted_returns(period: Period, company=None):
    """Returns requested in the period that were not rejected or cancelled."""
    return _scoped(
        Return.objects.filter(period.q("created_at")).exclude(status__in=CLOSED_WITHOUT_GOODS),
        company,
    )


def returns(period: Period, company=None, *, live_from=UNSET) -> dict:
    """Return rates of the period.

    - ``units_returned``: units on the lines of returns requested in the period (not
      rejected or cancelled); ``units_delivered``: units on the lines of orders
      delivered in the period; ``rate_units`` = returned / delivered.
    - ``orders_with_returns``: distinct orders of those returns; ``orders_delivered``:
      orders delivered in the period; ``rate_orders`` = the first / the second.
    - ``by_currency``: per currency, ``credited`` (refunds of those returns,
      ``refund_total``) against ``net_sales`` (subtotal less discount, before VAT and
      shipping, of the orders delivered in the period), and ``rate_value``.

    The two sides are different sets of orders on purpose (a return requested in March
    may be of February's delivery): a rolling rate, as B2B teams read it. The delivered
    side (orders, units, net sales) is one grouped query per currency
    (``_delivered_by_currency``: the daily summaries and the live orders after them)."""
    counted = _counted_returns(period, company)
    returned_row = ReturnLine.objects.filter(ret__in=counted).aggregate(
        units=Coalesce(Sum("quantity"), 0), orders=Count("ret__order", distinct=True)
    )
    returned, returned_orders = returned_row["units"], returned_row["orders"]
    sales = _delivered_by_currency(period, company, live_from=live_from)
    delivered_units = sum(row["units"] for row in sales.values())
    credits = {
        row["currency"]: row["credited"]
        for row in counted.filter(refund_total__isnull=False)
        .values("currency")
        .annotate(credited=Sum("refund_total"))
        .order_by("currency")
    }
    delivered_count = sum(row["orders"] for row in sales.values())
    by_currency = {}
    for currency in sorted(set(sales) | set(credits)):
        net = sales.get(currency, {}).get("net") or Decimal("0.00")
        credited = credits.get(currency) or Decimal("0.00")
        by_currency[currency] = {
            "credited": credited,
            "net_sales": net,
            "rate_value": rate(credited, net),
        }
    return {
        "units_returned": returned,
        "units_delivered": delivered_units,
        "rate_units": rate(returned, delivered_units),
        "orders_with_returns": returned_orders,
        "orders_delivered": delivered_count,
        "rate_orders": rate(returned_orders, delivered_count),
        "by_currency": by_currency,
    }


def _delivered_by_currency(period: Period, company=None, *, live_from=UNSET) -> dict[str, dict]:
    """Per currency, the orders delivered in the period (by ``delivered_at``): ``orders``,
    ``net`` (subtotal less discount) and ``units`` (on their lines), in one query: the
    days the daily summaries cover from their rows, the rest from the orders
    (``dashboard.summaries``; ``live_from`` as ``summaries.live_from()`` gives it)."""
    from .summaries import live_deliveries, summary_rows

    since = _live_from(live_from)

    line_units = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .values("order")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    live = (
        _scoped(Order.objects.filter(live_deliveries(period, since)), company)
        .values("currency")
        .annotate(
            orders=Count("id"),
            net=Sum(F("subtotal") - F("discount")),
            units=Coalesce(Sum(Subquery(line_units)), 0),
        )
        .order_by()
    )
    summarised = (
        summary_rows(period, company, since=since)
        .values("currency")
        .annotate(orders=Sum("orders"), net=Sum("net_sales"), units=Sum("units"))
        .order_by()
    )
    sales: dict[str, dict] = {}
    for row in live.union(summarised, all=True):
        into = sales.setdefault(row["currency"], {"orders": 0, "net": Decimal("0.00"), "units": 0})
        into["orders"] += int(row["orders"])
        into["net"] += row["net"] or Decimal("0.00")
        into["units"] += int(row["units"] or 0)
    return dict(sorted(sales.items()))


def _reason_label(code: str, name: str) -> str:
    """A reason's name as ``ReturnReason.label`` gives it (built-in ones translated)."""
    if code in ReasonCode.values:
        return str(ReasonCode(code).label)
    return name or code


def return_reasons(period: Period, company=None) -> list[dict]:
    """Pareto of return reasons: units per reason on the returns counted by
    ``returns``, biggest first, with each reason's share of the units and the
    cumulative share."""
    rows = list(
        ReturnLine.objects.filter(ret__in=_counted_returns(period, company))
        .values("reason_id", "reason__code", "reason__name")
        .annotate(units=Sum("quantity"), lines=Count("id"))
        .order_by("-units", "reason__code")
    )
    total = sum(row["units"] for row in rows)
    cumulative = 0
    out = []
    for row in rows:
        cumulative += row["units"]
        out.append(
            {
                "reason_id": row["reason_id"],
                "reason": row["reason__code"],
                "name": _reason_label(row["reason__code"], row["reason__name"]),
                "units": row["units"],
                "share": rate(row["units"], total),
                "cumulative": rate(cumulative, total),
            }
        )
    return out


def refund_time(period: Period, company=None) -> dict:
    """Hours from a return's request to its credit note, for the returns whose credit
    note was issued in the period: ``count``, ``median_hours``, ``p90_hours``.

    Of those, the ones with a refund due date (``refund_due``, 7 business days after
    the inspection): ``with_due``; ``late``: the credit note's day (seller's zone) after
    that date; ``late_rate`` = late ÷ with_due."""
    queryset = _scoped(
        Return.objects.filter(credit_note__isnull=False).filter(period.q("credit_note__issued_at")),
        company,
    ).annotate(
        seconds=_seconds("credit_note__issued_at", "created_at"),
        issued_day=TruncDate("credit_note__issued_at", tzinfo=period.tz),
    )
    row = queryset.aggregate(
        count=Count("id"),
        median=Percentile("seconds", 0.5),
        p90=Percentile("seconds", 0.9),
        with_due=Count("id", filter=Q(refund_due__isnull=False)),
        late=Count("id", filter=Q(issued_day__gt=F("refund_due"))),
    )
    return {
        "count": row["count"],
        "median_hours": _hours(row["median"]),
        "p90_hours": _hours(row["p90"]),
        "with_due": row["with_due"],
        "late": row["late"],
        "late_rate": rate(row["late"], row["with_due"]),
    }


def returns_watch(company=None, *, today: dt.date | None = None) -> dict:
    """*Now*, one query:

    - ``refunds_overdue``: returns inspected but not resolved (no credit note, refund
      or replacement yet) whose refund due date (``refund_due``, 7 business days after
      the inspection) is before today, in the seller's zone
      (``returns.models.refund_overdue_q``; the return register's ``refund_overdue=1``);
    - ``abuse_flagged``: customers the returns abuse watch flags now
      (``AbuseFlag.flagged``; the abuse-watch list)."""
    return _returns_watch(company, today=today)[0]


def _returns_watch(company=None, *, today: dt.date | None = None, summarised=False):
    """``returns_watch`` and, with ``summarised``, the last day the daily delivery
    summaries cover (``dashboard.summaries``) read in the same statement, so that
    ``all_figures`` spends no query of its own on it: ``(watch, last day or None)``."""
    from .models import DeliverySummaryDay

    overdue = _scoped(Return.objects.filter(refund_overdue_q(today)), company)
    flagged = _scoped(AbuseFlag.objects.filter(flagged=True), company)
    overdue_sql, overdue_params = overdue.values("pk").query.sql_with_params()
    flagged_sql, flagged_params = flagged.values("pk").query.sql_with_params()
    sql = (
        f"SELECT (SELECT COUNT(*) FROM ({overdue_sql}) AS overdue),"  # noqa: S608 (the ORM's SQL)
        f" (SELECT COUNT(*) FROM ({flagged_sql}) AS flagged)"
    )
    if summarised:
        sql += f", (SELECT MAX(day) FROM {DeliverySummaryDay._meta.db_table})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, (*overdue_params, *flagged_params))
        refunds_overdue, abuse_flagged, *last = cursor.fetchone()
    watch = {"refunds_overdue": refunds_overdue, "abuse_flagged": abuse_flagged}
    return watch, (last[0] if last else None)


#: How many products ``top_returned_products`` lists.
TOP_PRODUCTS = 10


def top_returned_products(period: Period, company=None, *, limit: int = TOP_PRODUCTS) -> list:
    """The ``limit`` products with the most units on the returns counted by
    ``returns`` (requested in the period, not rejected or cancelled), most first (ties
    by SKU): per SKU of the return line, ``units`` and ``returns`` (distinct returns,
    what the return register filtered by that SKU lists)."""
    rows = (
        ReturnLine.objects.filter(ret__in=_counted_returns(period, company))
        .values("sku")
        .annotate(
            product_name=Max("name"), units=Sum("quantity"), returns=Count("ret", distinct=True)
        )
        .order_by("-units", "sku")[:limit]
    )
    return [
        {
            "sku": row["sku"],
            "name": row["product_name"],
            "units": row["units"],
            "returns": row["returns"],
        }
        for row in rows
    ]


#: Ranges up to this many days are drawn per day, longer ones per week.
TREND_DAILY_UP_TO = 31


def trend_unit(period: Period) -> str:
    """``day`` for ranges up to ``TREND_DAILY_UP_TO`` days, else ``week``."""
    return "day" if period.days <= TREND_DAILY_UP_TO else "week"


def returns_trend(period: Period, company=None, *, live_from=UNSET) -> list[dict]:
    """The return rate by units over the range, one grouped query: per day, or per
    week (Monday to Sunday) for ranges longer than ``TREND_DAILY_UP_TO`` days, in the
    seller's zone, ``units_returned`` (as ``returns`` counts them, by the return's
    request), ``units_delivered`` (lines of orders delivered then, by ``delivered_at``)
    and ``rate_units``. Every day or week of the range is listed, empty ones with 0;
    ``start`` is the bucket's first day (a week may start before the range, its counts
    stay within the range)."""
    unit = trend_unit(period)

    def bucket(field: str):
        return Trunc(field, unit, output_field=DateField(), tzinfo=period.tz)

    returned = (
        ReturnLine.objects.filter(ret__in=_counted_returns(period, company))
        .annotate(side=Value(0, output_field=IntegerField()), bucket=bucket("ret__created_at"))
        .values("side", "bucket")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    # Delivered units: the days the daily summaries cover from their rows, the rest from
    # the orders' lines (dashboard.summaries); the two never overlap.
    from .summaries import live_deliveries, summary_rows

    since = _live_from(live_from)
    live_orders = _scoped(Order.objects.filter(live_deliveries(period, since)), company)
    delivered = (
        OrderLine.objects.filter(order__in=live_orders)
        .annotate(side=Value(1, output_field=IntegerField()), bucket=bucket("order__delivered_at"))
        .values("side", "bucket")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    summarised = (
        summary_rows(period, company, since=since)
        .annotate(
            side=Value(1, output_field=IntegerField()),
            bucket=Trunc("day", unit, output_field=DateField()),
        )
        .values("side", "bucket")
        .annotate(units=Sum("units"))
        .order_by()
    )
    units: dict[tuple, int] = {}
    for row in returned.union(delivered, summarised, all=True):
        key = (row["side"], row["bucket"])
        units[key] = units.get(key, 0) + int(row["units"])
    step = dt.timedelta(days=1 if unit == "day" else 7)
    day = period.date_from
    if unit == "week":
        day -= dt.timedelta(days=day.weekday())
    rows = []
    while day <= period.date_to:
        returned_units, delivered_units = units.get((0, day), 0), units.get((1, day), 0)
        rows.append(
            {
                "start": day,
                "units_returned": returned_units,
                "units_delivered": delivered_units,
                "rate_units": rate(returned_units, delivered_units),
            }
        )
        day += step
    return rows


# --- complaints ------------------------------------------------------------------------


def complaints_open(company=None) -> dict:
    """*Now*: open complaints (opened, in analysis, decided) in total and per status,
    and how many are overdue (a running deadline, ``next_due``, already passed)."""
    statuses = [str(status) for status in COMPLAINT_OPEN_STATUSES]
    now = timezone.now()
    row = _scoped(Complaint.objects.filter(status__in=statuses), company).aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(next_due__lt=now)),
        **{status: Count("id", filter=Q(status=status)) for status in statuses},
    )
    return {
        "total": row["total"],
        "overdue": row["overdue"],
        "by_status": {status: row[status] for status in statuses},
    }


def complaints(period: Period, company=None) -> dict:
    """Complaints filed in the period (by ``filed_at``):

    - ``first_response_median_hours`` / ``_p90_hours``: from filing to the first
      staff reply (``first_responded_at``), wall-clock hours, of those answered;
    - ``resolution_median_hours`` / ``_p90_hours``: from filing to ``resolved_at``;
    - ``first_response_within_sla_rate``: answered by ``first_response_due`` ÷ those
      whose first response is settled (answered, or unanswered past the due time);
    - ``resolved_within_sla_rate``: resolved by ``resolution_due`` (the deadline the
      clocks keep, moved by pauses) ÷ those resolved or unresolved past it;
    - ``breaches``: complaints that missed either deadline (late or still open past it);
    - ``first_response_business_median_hours`` / ``_p90_hours`` and
      ``resolution_business_median_hours`` / ``_p90_hours``: the same times in business
      hours (the seller's working hours, without weekends, public holidays and closure
      days), as the SLA clocks count them; resolution leaves out the time the clock was
      paused waiting for the customer, as the clock does (stored on the complaint when
      the clock stops: ``first_response_business_seconds``,
      ``resolution_business_seconds``);
    - ``first_contact_resolved``: resolved at the first contact — resolved, never
      reopened, and no customer message after filing
      (``complaints.models.first_contact_resolved``);
      ``first_contact_resolution_rate`` = that ÷ ``resolved``;
    - ``by_responsible_party``: complaints per responsible party recorded by the
      analysis (every party, 0 included), ``responsible_party_not_recorded`` the rest;
      ``by_category``: complaints per category. The root cause itself is free text, so
      causes are counted by responsible party and by category.
    """
    now = timezone.now()
    fr_met = Q(first_responded_at__isnull=False, first_responded_at__lte=F("first_response_due"))
    fr_missed = Q(first_responded_at__gt=F("first_response_due")) | Q(
        first_responded_at__isnull=True, first_response_due__lt=now
    )
    rs_met = Q(resolved_at__isnull=False, resolved_at__lte=F("resolution_due"))
    rs_missed = Q(resolved_at__gt=F("resolution_due")) | Q(
        resolved_at__isnull=True, resolution_due__lt=now
    )
    queryset = _scoped(Complaint.objects.filter(period.q("filed_at")), company).annotate(
        fr_seconds=_seconds("first_responded_at", "filed_at"),
        rs_seconds=_seconds("resolved_at", "filed_at"),
    )
    row = queryset.aggregate(
        opened=Count("id"),
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        fr_median=Percentile("fr_seconds", 0.5),
        fr_p90=Percentile("fr_seconds", 0.9),
        rs_median=Percentile("rs_seconds", 0.5),
        rs_p90=Percentile("rs_seconds", 0.9),
        fr_met=Count("id", filter=fr_met),
        fr_settled=Count("id", filter=fr_met | fr_missed),
        rs_met=Count("id", filter=rs_met),
        rs_settled=Count("id", filter=rs_met | rs_missed),
        breaches=Count("id", filter=fr_missed | rs_missed),
        frb_median=Percentile("first_response_business_seconds", 0.5),
        frb_p90=Percentile("first_response_business_seconds", 0.9),
        rsb_median=Percentile("resolution_business_seconds", 0.5),
        rsb_p90=Percentile("resolution_business_seconds", 0.9),
        first_contact=Count("id", filter=first_contact_resolved()),
        party_none=Count("id", filter=Q(responsible_party="")),
        **{
            f"party_{party}": Count("id", filter=Q(responsible_party=party))
            for party in ResponsibleParty.values
        },
        **{
            f"category_{category}": Count("id", filter=Q(category=category))
            for category in Category.values
        },
    )
    return {
        "opened": row["opened"],
        "resolved": row["resolved"],
        "first_response_median_hours": _hours(row["fr_median"]),
        "first_response_p90_hours": _hours(row["fr_p90"]),
        "resolution_median_hours": _hours(row["rs_median"]),
        "resolution_p90_hours": _hours(row["rs_p90"]),
        "first_response_within_sla_rate": rate(row["fr_met"], row["fr_settled"]),
        "resolved_within_sla_rate": rate(row["rs_met"], row["rs_settled"]),
        "breaches": row["breaches"],
        "first_response_business_median_hours": _hours(row["frb_median"]),
        "first_response_business_p90_hours": _hours(row["frb_p90"]),
        "resolution_business_median_hours": _hours(row["rsb_median"]),
        "resolution_business_p90_hours": _hours(row["rsb_p90"]),
        "first_contact_resolved": row["first_contact"],
        "first_contact_resolution_rate": rate(row["first_contact"], row["resolved"]),
        "by_responsible_party": {party: row[f"party_{party}"] for party in ResponsibleParty.values},
        "responsible_party_not_recorded": row["party_none"],
        "by_category": {category: row[f"category_{category}"] for category in Category.values},
    }


# --- satisfaction ----------------------------------------------------------------------


def csat(period: Period, company=None, *, delivered: int | None = None) -> dict:
    """Satisfaction ratings given in the period (by ``rated_at``): delivery ratings
    (one per order, the rating email's click) and complaint ratings (after closing).

    - ``responses`` / ``average`` (1-5, 2 places) / ``satisfied_rate`` (scores from
      ``SATISFIED_FROM`` up ÷ responses) over both kinds;
    - per kind the same, and the ``response_rate``: delivery ratings ÷ orders delivered
      in the period; complaint ratings ÷ complaints whose rating was asked for in the
      period (``rating_requested_at``). ``delivered`` (``delivery``'s count) may be
      given, to save the query."""
    deliveries = _scoped(
        SatisfactionRating.objects.filter(period.q("rated_at")), company, "order__company"
    ).aggregate(
        n=Count("id"),
        total=Coalesce(Sum("score"), 0),
        satisfied=Count("id", filter=Q(score__gte=SATISFIED_FROM)),
    )
    complaint_scope = _scoped(Complaint.objects.all(), company)
    complaint_row = complaint_scope.aggregate(
        n=Count("id", filter=period.q("rated_at") & Q(rating_score__isnull=False)),
        total=Coalesce(
            Sum("rating_score", filter=period.q("rated_at")), Value(0), output_field=IntegerField()
        ),
        satisfied=Count("id", filter=period.q("rated_at") & Q(rating_score__gte=SATISFIED_FROM)),
        asked=Count("id", filter=period.q("rating_requested_at")),
    )
    if delivered is None:
        delivered = _scoped(Order.objects.filter(period.q("delivered_at")), company).count()

    def _average(total, n):
        return (Decimal(total) / n).quantize(Decimal("0.01"), ROUND_HALF_UP) if n else None

    n = deliveries["n"] + complaint_row["n"]
    return {
        "responses": n,
        "average": _average(deliveries["total"] + complaint_row["total"], n),
        "satisfied_rate": rate(deliveries["satisfied"] + complaint_row["satisfied"], n),
        "delivery": {
            "responses": deliveries["n"],
            "average": _average(deliveries["total"], deliveries["n"]),
            "satisfied_rate": rate(deliveries["satisfied"], deliveries["n"]),
            "response_rate": rate(deliveries["n"], delivered),
        },
        "complaints": {
            "responses": complaint_row["n"],
            "average": _average(complaint_row["total"], complaint_row["n"]),
            "satisfied_rate": rate(complaint_row["satisfied"], complaint_row["n"]),
            "response_rate": rate(complaint_row["n"], complaint_row["asked"]),
        },
    }


# --- stock and money -------------------------------------------------------------------


def low_stock() -> int:
    """*Now*: stock items (product × warehouse) flagged low (at or under their reorder
    point, ``StockItem.low_stock``) of active products."""
    return StockItem.objects.filter(low_stock=True, product__active=True).count()


def revenue(period: Period, company=None, *, rows: list[dict] | None = None) -> list[dict]:
    """Per currency, orders placed in the period and not cancelled: ``orders``,
    ``revenue`` (order totals, VAT and shipping included) and ``average_order_value``
    (revenue ÷ orders, 2 places). Currencies are never added together. The rows of
    ``placed_by_currency`` may be given (they save the query)."""
    rows = placed_by_currency(period, company) if rows is None else rows
    return [
        {
            "currency": row["currency"],
            "orders": row["orders"],
            "revenue": row["revenue"],
            "average_order_value": (row["revenue"] / row["orders"]).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            ),
        }
        for row in rows
        if row["orders"]
    ]


def all_figures(period: Period, company=None) -> dict:
    """Every figure of the period (a constant number of queries)."""
    from .summaries import live_from_after

    by_carrier = delivery_by_carrier(period, company)
    delivered = delivery(period, company, by_carrier=by_carrier)
    watch, summarised_through = _returns_watch(company, summarised=True)
    since = live_from_after(summarised_through)
    trend = returns_trend(period, company, live_from=since)
    placed = placed_by_currency(period, company)
    return {
        "orders": orders_placed(period, company, rows=placed),
        "ageing": order_ageing(company),
        "holds": holds_by_reason(company),
        "shipping": shipping_due(company),
        "delivery": delivered,
        "delivery_by_carrier": by_carrier,
        "returns": returns(period, company, live_from=since),
        "returns_trend": trend,
        "trend_unit": trend_unit(period),
        "return_reasons": return_reasons(period, company),
        "top_returned_products": top_returned_products(period, company),
        "refund_time": refund_time(period, company),
        "returns_watch": watch,
        "complaints_open": complaints_open(company),
        "complaints": complaints(period, company),
        "csat": csat(period, company, delivered=delivered["delivered"]),
        "low_stock": low_stock(),
        "revenue": revenue(period, company, rows=placed),
    }


# --- one customer ----------------------------------------------------------------------


def customer_summary(company, period: Period) -> dict:
    """The customer 360 of ``company`` (its back-office page), from the selectors above
    scoped to it and the account figures of ``documents.account``; 11 queries.

    - ``orders``: ``orders_placed`` (every order placed in the period, by its status
      today; ``cancelled`` among them);
    - ``revenue``: ``revenue`` per currency (orders placed in the period and not
      cancelled, their totals with VAT and shipping, and the ``average_order_value``);
      currencies are never added together;
    - ``credit``: *now*, ``documents.account.credit_figures`` in the company's
      currency: ``limit``, ``used`` (the unpaid balances of its non-cancelled orders,
      as the credit-limit hold counts them), ``available``, ``used_rate`` (used ÷
      limit, above 1 when over it, ``None`` without a limit); ``open_invoices`` (the
      *open balance*: invoices neither paid nor credited) and ``overdue`` (those past
      their due date);
    - ``returns``: ``returns`` (``rate_units`` and ``rate_orders`` on the returns
      requested and the orders delivered in the period);
    - ``complaints_open``: *now*, ``complaints_open`` (total, overdue, per status);
    - ``csat``: ``csat`` (``average`` 1-5 over the delivery and complaint ratings
      given in the period, ``responses``);
    - ``last_order``: *now*, the company's most recently placed order (any status)
      as ``number``, ``created_at`` and ``status``, or ``None``."""
    # Imported here to keep this selector's change in one place of the module.
    from documents.account import credit_figures

    from .summaries import live_from

    placed = placed_by_currency(period, company)
    orders = orders_placed(period, company, rows=placed)
    orders["cancelled"] = orders["by_status"][OrderStatus.CANCELADO]
    credit = credit_figures(company, open_orders=False)
    returned = returns(period, company, live_from=live_from())
    return {
        "orders": orders,
        "revenue": revenue(period, company, rows=placed),
        "credit": {
            "currency": credit.currency,
            "limit": credit.limit,
            "used": credit.used,
            "available": credit.available,
            "used_rate": rate(credit.used, credit.limit),
            "open_invoices": credit.open_invoices,
            "overdue": credit.overdue,
        },
        "returns": returned,
        "complaints_open": complaints_open(company),
        "csat": csat(period, company, delivered=returned["orders_delivered"]),
        "last_order": Order.objects.filter(company=company)
        .order_by("-created_at", "-id")
        .values("number", "created_at", "status")
        .first(),
    }
