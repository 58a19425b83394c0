"""The daily delivery summaries (``dashboard.models``): writing them, and the two halves
``dashboard.kpis`` reads a range's deliveries from.

What is summarised: per calendar day of ``delivered_at`` in the seller's zone, company
and currency (and per day and currency for every company together), the number of
orders delivered, the units on their lines and their net sales (``subtotal -
discount``). Those are the figures of ``kpis.returns`` and ``kpis.returns_trend`` that
add up order lines; the others read the orders (indexed, ``bench/README.md``).

How the rows stay true, off the transactions that place and deliver orders:

- ``summarise_deliveries()`` (the nightly beat task ``dashboard.tasks.summarise_deliveries``,
  and ``manage.py summarise_deliveries``) summarises every day after the last one
  summarised (or from the first delivery) up to yesterday, so the days covered never
  have gaps; today is always read live.
- A delivery dated on a day already summarised (``deliver_order`` takes a past
  ``delivered_at``) makes the consumer of ``order.status_changed``
  (``dashboard.consumers``) summarise that day again.
- A day is summarised in one transaction (its rows replaced and its marker written),
  so a reader sees a day either summarised or not, never half.

Readers take a covered day from the rows and every later instant from the orders:
``live_from()`` is the first instant not summarised, ``live_deliveries(period,
since)`` filters the orders delivered in the period from then on, ``summary_rows(period,
company, since=...)`` the rows of the period's days before it; the two never overlap
and together are exactly the period's deliveries.
Without any summarised day (a fresh database, the tests) everything is read live. The
summaries are a PostgreSQL optimisation: on SQLite (the embedded mode, a demo's few
thousand orders) none are written and every figure reads the orders live.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from orders.models import Order, OrderLine

from .models import DeliverySummary, DeliverySummaryDay


def _zone() -> dt.tzinfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_zone())


def enabled() -> bool:
    """Whether the database keeps summaries (PostgreSQL; not SQLite's embedded mode)."""
    return connection.vendor == "postgresql"


def summarised_through() -> dt.date | None:
    """The last day summarised (every day up to it is), or ``None``."""
    return DeliverySummaryDay.objects.order_by("-day").values_list("day", flat=True).first()


def summarise_days(first: dt.date, last: dt.date) -> int:
    """Summarise the deliveries of ``first`` to ``last`` (inclusive) again, in one
    transaction: their rows replaced, their markers written. Returns the rows written
    (none on a database that keeps no summaries, ``enabled()``)."""
    if last < first or not enabled():
        return 0
    start, end = _start_of(first), _start_of(last + dt.timedelta(days=1))
    summary, marker = DeliverySummary._meta.db_table, DeliverySummaryDay._meta.db_table
    orders, lines = Order._meta.db_table, OrderLine._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_summarisers(cursor)
        DeliverySummary.objects.filter(day__gte=first, day__lte=last).delete()
        cursor.execute(
            f"""
            INSERT INTO {summary} (day, company_id, currency, orders, units, net_sales)
            SELECT d.day, d.company_id, d.currency, COUNT(*), SUM(d.units), SUM(d.net)
            FROM (
                SELECT (o.delivered_at AT TIME ZONE %s)::date AS day, o.company_id,
                       o.currency, o.subtotal - o.discount AS net,
                       (SELECT COALESCE(SUM(l.quantity), 0) FROM {lines} l
                        WHERE l.order_id = o.id) AS units
                FROM {orders} o
                WHERE o.delivered_at >= %s AND o.delivered_at < %s
            ) d
            GROUP BY GROUPING SETS ((d.day, d.company_id, d.currency), (d.day, d.currency))
            """,  # noqa: S608 (the models' tables; the values are parameters)
            [settings.TIME_ZONE, start, end],
        )
        written = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {marker} (day, computed_at)
            SELECT g::date, %s FROM generate_series(%s::date, %s::date, '1 day') AS g
            ON CONFLICT (day) DO UPDATE SET computed_at = EXCLUDED.computed_at
            """,  # noqa: S608
            [timezone.now(), first, last],
        )
    return written


def _lock_summarisers(cursor) -> None:
    """Another summariser (the nightly task, the consumer) waits for this one until its
    transaction ends; readers do not (they read the rows and the markers in one
    snapshot). Taken again in the same transaction, it is a no-op."""
    marker = DeliverySummaryDay._meta.db_table
    cursor.execute(f"LOCK TABLE {marker} IN SHARE ROW EXCLUSIVE MODE")


def summarise_deliveries(*, through: dt.date | None = None, batch_days: int = 31) -> int:
    """Summarise every day after the last one summarised (from the first delivery on a
    fresh database) up to ``through`` (default: yesterday in the seller's zone), a
    month per transaction. Returns the rows written."""
    through = through or timezone.localdate() - dt.timedelta(days=1)
    last = summarised_through()
    if last is not None:
        first = last + dt.timedelta(days=1)
    else:
        earliest = (
            Order.objects.filter(delivered_at__isnull=False)
            .order_by("delivered_at")
            .values_list("delivered_at", flat=True)
            .first()
        )
        if earliest is None:
            return 0
        first = timezone.localdate(earliest, _zone())
    written = 0
    while first <= through:
        last_of_batch = min(through, first + dt.timedelta(days=batch_days - 1))
        written += summarise_days(first, last_of_batch)
        first = last_of_batch + dt.timedelta(days=1)
    return written


def resummarise_delivery(delivered_at: dt.datetime) -> bool:
    """A delivery was recorded at ``delivered_at``: summarise its day again if that day
    is already summarised (later days are read live). Whether it did.

    The check is made under the summarisers' lock: a nightly run summarising that day
    while this delivery committed (its snapshot without the delivery) has committed by
    then, and its marker is seen, so the day is summarised again rather than missed."""
    if not enabled():
        return False
    day = timezone.localdate(delivered_at, _zone())
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_summarisers(cursor)
        last = summarised_through()
        if last is None or day > last:
            return False
        summarise_days(day, day)
    return True


# --- reading ---------------------------------------------------------------------------


def live_from() -> dt.datetime | None:
    """The first instant no summary row counts: midnight after the last summarised day
    in the seller's zone (``None``: nothing is summarised). Readers take it once and
    pass it to ``live_deliveries`` and ``summary_rows``, so the two halves agree even if
    a day is summarised in between; as a value, it lets the planner see how few orders
    the live half reads."""
    return live_from_after(summarised_through())


def live_from_after(last: dt.date | None) -> dt.datetime | None:
    """``live_from()`` when the last summarised day is ``last`` (read by the caller)."""
    return None if last is None else _start_of(last + dt.timedelta(days=1))


#: ``since`` for a reader of one query: the bound is read in that query (a scalar
#: subquery, the same snapshot as the rows), at the price of the planner not knowing it.
IN_QUERY = object()


def _live_from_in_query() -> RawSQL:
    marker = DeliverySummaryDay._meta.db_table
    return RawSQL(  # noqa: S611 (the model's table; the zone is a parameter)
        f"SELECT ((MAX(day) + 1)::timestamp AT TIME ZONE %s) FROM {marker}",  # noqa: S608
        [settings.TIME_ZONE],
        output_field=DateTimeField(),
    )


def live_deliveries(period, since) -> Q:
    """The orders delivered in ``period`` from ``since`` on (``live_from()``'s answer,
    or ``IN_QUERY``)."""
    q = period.q("delivered_at")
    if since is IN_QUERY and not enabled():
        since = None  # no summaries: every delivery is live
    if since is IN_QUERY:
        q &= Q(delivered_at__gte=Coalesce(_live_from_in_query(), Value(period.start)))
    elif since is not None and since > period.start:
        q &= Q(delivered_at__gte=since)
    return q


def summary_rows(period, company=None, *, since=IN_QUERY):
    """The summary rows of the period's days before ``since`` (``live_from()``'s
    answer, none when it is ``None``; ``IN_QUERY``: every row, as rows exist only for
    summarised days): ``company``'s, or the totals of every company."""
    if since is None:
        return DeliverySummary.objects.none()
    last = period.date_to
    if since is not IN_QUERY:
        last = min(last, timezone.localdate(since, _zone()) - dt.timedelta(days=1))
    rows = DeliverySummary.objects.filter(day__gte=period.date_from, day__lte=last)
    if company is None:
        return rows.filter(company__isnull=True)
    return rows.filter(company=company)
