"""The business calendar: which days and hours the business works, per country.

A day is a working day when its weekday is in ``settings.BUSINESS_WORKING_DAYS``
(0 = Monday; default Monday to Friday), it is not a public holiday of the country (the
maintained ``holidays`` package; Spain with the optional region
``settings.BUSINESS_CALENDAR_REGION``, e.g. ``MD`` for Madrid) and it is not a
``core.ClosureDay`` of that country or of every country (edited by managers in the
back-office). Working hours are ``settings.BUSINESS_HOURS_START`` to
``BUSINESS_HOURS_END`` (default 09:00-17:00) in the country's time zone.

``country`` defaults to ``settings.SELLER_COUNTRY`` (else "ES"). Holidays are cached per
(country, year) in the process; closure days (they change at any time, in any process)
per (country, year) in the shared cache, deleted there when one is saved or deleted
(``core.apps``), and read once per call and year.

Day arithmetic counts the days *after* the start: Friday + 3 business days is the next
Wednesday, and ``business_days_between(start, add_business_days(start, n)) == n``.
Business time counts only the working hours, wherever the start falls (on a weekend,
a holiday, before opening or after closing, the clock starts at the next opening).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

#: The time zone a country's working hours are in (others fall back to TIME_ZONE).
COUNTRY_TIME_ZONES = {"ES": "Europe/Madrid", "PL": "Europe/Warsaw"}
#: Countries whose holidays take ``BUSINESS_CALENDAR_REGION`` (the seller is in Spain).
REGION_COUNTRIES = frozenset({"ES"})


def default_country() -> str:
    return (getattr(settings, "SELLER_COUNTRY", "") or "ES").upper()


def _country(country: str | None) -> str:
    return (country or default_country()).upper()


def _region(country: str) -> str | None:
    region = getattr(settings, "BUSINESS_CALENDAR_REGION", "") or ""
    return region.upper() if region and country in REGION_COUNTRIES else None


@lru_cache(maxsize=256)
def _public_holidays(country: str, region: str | None, year: int) -> dict[dt.date, str]:
    try:
        calendar = holidays.country_holidays(country, subdiv=region, years=year)
    except NotImplementedError:
        # A country the package does not know: no public holidays (weekdays only).
        return {}
    return dict(calendar.items())


def public_holidays(year: int, *, country: str | None = None) -> dict[dt.date, str]:
    """The public holidays of ``country`` (with the configured region) in ``year``."""
    code = _country(country)
    return dict(_public_holidays(code, _region(code), year))


def time_zone(country: str | None = None) -> dt.tzinfo:
    name = COUNTRY_TIME_ZONES.get(_country(country), settings.TIME_ZONE)
    return zoneinfo.ZoneInfo(name)


def _parse_time(value: str) -> dt.time:
    return dt.time.fromisoformat(str(value))


def working_hours() -> tuple[dt.time, dt.time]:
    start = _parse_time(getattr(settings, "BUSINESS_HOURS_START", "09:00"))
    end = _parse_time(getattr(settings, "BUSINESS_HOURS_END", "17:00"))
    if end <= start:
        raise ValueError("BUSINESS_HOURS_END must be after BUSINESS_HOURS_START")
    return start, end


def _working_weekdays() -> frozenset[int]:
    return frozenset(int(day) for day in getattr(settings, "BUSINESS_WORKING_DAYS", range(5)))


#: How long the closure days of a (country, year) stay in the shared cache. Every change
#: deletes them there at once; the expiry only bounds how stale they can be after a
#: change made while the cache was unreachable.
CLOSURES_CACHE_SECONDS = 300
#: Outbox event published when a closure day is added, moved or removed, so that what
#: was computed on the calendar (a complaint's deadlines) is computed again.
CLOSURES_CHANGED = "calendar.closures_changed"


def _closures_key(country: str, year: int) -> str:
    return f"calendar:closures:{country}:{year}"


def closure_days(country: str, year: int) -> frozenset[dt.date]:
    """The closure days of ``country`` (and of every country) in ``year``: from the
    shared cache (Redis), else one query. Placing an order asks for them (its promised
    date), so the cache spares every placement a query."""
    from django.core.cache import cache
    from django.db.models import Q

    from .models import ClosureDay

    key = _closures_key(country, year)
    cached = cache.get(key)
    if cached is not None:
        return frozenset(dt.date.fromordinal(day) for day in cached)
    days = frozenset(
        ClosureDay.objects.filter(Q(country="") | Q(country=country))
        .filter(date__year=year)
        .values_list("date", flat=True)
    )
    cache.set(key, sorted(day.toordinal() for day in days), CLOSURES_CACHE_SECONDS)
    return days


def forget_closure_days(year: int) -> None:
    """Drop ``year``'s cached closure days of every country (a closure day changed)."""
    from django.core.cache import cache

    from .countries import COUNTRIES

    cache.delete_many([_closures_key(code, year) for code, _name in COUNTRIES])


class _Calendar:
    """One country's calendar for the length of one call (closure days read once per
    year asked about)."""

    def __init__(self, country: str | None):
        self.country = _country(country)
        self.region = _region(self.country)
        self.weekdays = _working_weekdays()
        if not self.weekdays:
            raise ValueError("BUSINESS_WORKING_DAYS names no working day")
        self._closures: dict[int, frozenset[dt.date]] = {}

    def closures(self, year: int) -> frozenset[dt.date]:
        if year not in self._closures:
            self._closures[year] = closure_days(self.country, year)
        return self._closures[year]

    def is_working_day(self, day: dt.date) -> bool:
        if day.weekday() not in self.weekdays:
            return False
        if day in _public_holidays(self.country, self.region, day.year):
            return False
        return day not in self.closures(day.year)

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first one after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day


def is_working_day(day: dt.date, *, country: str | None = None) -> bool:
    """True when ``day`` is a working weekday, no public holiday and no closure day."""
    return _Calendar(country).is_working_day(_as_date(day))


def add_business_days(start: dt.date, days: int, *, country: str | None = None) -> dt.date:
    """The date ``days`` working days after ``start`` (before it when negative);
    ``start`` itself for 0. ``start`` need not be a working day."""
    calendar = _Calendar(country)
    current = _as_date(start)
    step = dt.timedelta(days=1 if days >= 0 else -1)
    remaining = abs(int(days))
    while remaining:
        current += step
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def business_days_between(start: dt.date, end: dt.date, *, country: str | None = None) -> int:
    """The working days after ``start`` up to and including ``end`` (negative when
    ``end`` is before ``start``): the inverse of ``add_business_days``."""
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -business_days_between(end, start, country=country)
    calendar = _Calendar(country)
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if calendar.is_working_day(current):
            count += 1
    return count


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _local(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, zone)
    return moment.astimezone(zone)


def _opening(day: dt.date, zone, hours) -> tuple[dt.datetime, dt.datetime]:
    start, end = hours
    return (
        dt.datetime.combine(day, start, tzinfo=zone),
        dt.datetime.combine(day, end, tzinfo=zone),
    )


def add_business_time(
    start: dt.datetime, delta: dt.timedelta, *, country: str | None = None
) -> dt.datetime:
    """The moment ``delta`` of working time after ``start`` (an aware datetime in the
    country's time zone). Outside working hours the clock starts at the next opening; a
    result that lands exactly on a closing time stays on that day."""
    if delta < dt.timedelta(0):
        raise ValueError("delta must not be negative")
    calendar = _Calendar(country)
    zone = time_zone(calendar.country)
    hours = working_hours()
    moment = _local(start, zone)
    remaining = delta
    day = moment.date()
    while True:
        if calendar.is_working_day(day):
            opens, closes = _opening(day, zone, hours)
            begin = max(moment, opens)
            if begin <= closes:
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(zone)
                remaining -= available
        day += dt.timedelta(days=1)
        moment = dt.datetime.combine(day, dt.time(0), tzinfo=zone)


def business_time_between(
    start: dt.datetime, end: dt.datetime, *, country: str | None = None
) -> dt.timedelta:
    """The working time between two moments (negative when ``end`` is before ``start``)."""
    calendar = _Calendar(country)
    zone = time_zone(calendar.country)
    hours = working_hours()
    start, end = _local(start, zone), _local(end, zone)
    if end < start:
        return -business_time_between(end, start, country=country)
    total = dt.timedelta(0)
    day = start.date()
    while day <= end.date():
        if calendar.is_working_day(day):
            opens, closes = _opening(day, zone, hours)
            begin, finish = max(start, opens), min(end, closes)
            if finish > begin:
                total += finish - begin
        day += dt.timedelta(days=1)
    return total
