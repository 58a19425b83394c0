"""An order's transit time: the business days from its shipment to its delivery.

Counted on the seller's calendar (``core.calendar``: working weekdays, the public
holidays of ``settings.SELLER_COUNTRY`` with its region, and its closure days), between
the calendar days of the two moments in that country's time zone: the working days
*after* the shipment day up to and including the delivery day. Shipped on Friday and
delivered on Monday is 1; delivered the day it shipped is 0. A delivery recorded
before its shipment counts 0 (a data entry slip, not a negative transit).

The figure is stored on the order when it is delivered (``Order.transit_business_days``)
so the carrier figures are a ``COUNT``/``AVG`` in the database. ``TransitCounter``
gives the same number for many orders at once (the data migration, the generator).
"""

from __future__ import annotations

import datetime as dt

from core import calendar


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(calendar.time_zone()).date()


def transit_business_days(shipped_at: dt.datetime | None, delivered_at: dt.datetime | None):
    """The business days from ``shipped_at`` to ``delivered_at`` (None if either is)."""
    if shipped_at is None or delivered_at is None:
        return None
    days = calendar.business_days_between(_local_day(shipped_at), _local_day(delivered_at))
    return max(days, 0)


class TransitCounter:
    """``transit_business_days`` for any pair of moments between ``first`` and ``last``
    (calendar days), from one pass over the calendar: each call is two look-ups.

    ``working_days_through[i]`` is the number of working days from ``first`` (excluded)
    to ``first + i`` (included)."""

    def __init__(self, first: dt.date, last: dt.date):
        self.first = first
        self.last = last
        counts = [0]
        day = first
        while day < last:
            day += dt.timedelta(days=1)
            counts.append(counts[-1] + calendar.is_working_day(day))
        self.working_days_through = counts

    def between(self, shipped_at: dt.datetime | None, delivered_at: dt.datetime | None):
        if shipped_at is None or delivered_at is None:
            return None
        start, end = _local_day(shipped_at), _local_day(delivered_at)
        if not (self.first <= start <= self.last and self.first <= end <= self.last):
            return transit_business_days(shipped_at, delivered_at)
        through = self.working_days_through
        days = through[(end - self.first).days] - through[(start - self.first).days]
        return max(days, 0)
