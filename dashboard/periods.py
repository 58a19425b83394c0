"""Reading a date range from a request (the API's ``from``/``to``, the page's picker)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kpis import Period

#: The dates a range may use (outside them the time zone arithmetic overflows).
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(9998, 12, 31)


class PeriodError(ValueError):
    """``fields``: the parameter names and their messages."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(str(message) for message in fields.values()))
        self.fields = fields


def _date(value: str, name: str, errors: dict) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value.strip())
    except (TypeError, ValueError):
        errors[name] = _("Enter a valid date (YYYY-MM-DD).")
        return None
    if not EARLIEST <= day <= LATEST:
        errors[name] = _("Enter a date between 1900-01-01 and 9998-12-31.")
        return None
    return day


def parse_period(date_from: str, date_to: str) -> Period:
    """The period of two ISO dates, both required; ``PeriodError`` otherwise."""
    errors: dict[str, str] = {}
    start = _date(date_from, "from", errors)
    end = _date(date_to, "to", errors)
    if start and end and end < start:
        errors["to"] = _("The last day cannot be before the first.")
    if errors:
        raise PeriodError(errors)
    return Period(start, end)


#: The picker's presets: key -> (label, days back including today); "month" is the
#: calendar month so far.
PRESETS = {
    "today": (_("Today"), 1),
    "7d": (_("7 days"), 7),
    "30d": (_("30 days"), 30),
    "90d": (_("90 days"), 90),
    "month": (_("This month"), None),
}
DEFAULT_PRESET = "30d"


def preset_period(key: str, *, today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    _label, days = PRESETS[key]
    if days is None:
        return Period(today.replace(day=1), today)
    return Period.last_days(days, today=today)


def period_from_query(params) -> tuple[Period, str, dict[str, str]]:
    """The range a page asks for: ``from``/``to`` (custom) or ``range`` (a preset key);
    ``(period, preset key or "custom", errors)``. Bad dates give their messages and the
    default preset, an unknown preset the default: never an exception."""
    if params.get("from") or params.get("to"):
        try:
            return parse_period(params.get("from", ""), params.get("to", "")), "custom", {}
        except PeriodError as error:
            return preset_period(DEFAULT_PRESET), DEFAULT_PRESET, error.fields
    key = params.get("range", DEFAULT_PRESET)
    if key not in PRESETS:
        key = DEFAULT_PRESET
    return preset_period(key), key, {}


def range_context(params, url_name: str) -> dict:
    """What the range picker (``dashboard/_range.html``) shows on the page ``url_name``:
    ``period``, ``preset``, ``presets`` (links), ``range_errors``, ``time_zone``."""
    period, preset, errors = period_from_query(params)
    return {
        "period": period,
        "preset": preset,
        "presets": [
            {
                "key": key,
                "label": label,
                "url": f"{reverse(url_name)}?{urlencode({'range': key})}",
                "active": key == preset,
            }
            for key, (label, _days) in PRESETS.items()
        ],
        "range_errors": errors,
        "time_zone": settings.TIME_ZONE,
    }
