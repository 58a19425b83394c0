"""SLA clocks computed from their history, purely.

A clock is a list of marks (start, pause, resume, stop, each at a moment) and a target
(an amount of time in a calendar). Nothing is counted incrementally: every answer —
the deadline, the time paused, the time used and left, breached or met — is computed
again from the whole history, so pausing twice, pausing across a weekend, filing on a
holiday or resuming on one all follow from the same arithmetic.

The arithmetic is "consume the budget over the running intervals": the target is
spent interval by interval in the clock's calendar; the deadline is the moment the
budget runs out in the interval where it does, or, while the clock runs, the moment
it would run out if nothing changes. A paused clock has no deadline (only time left);
a stopped clock keeps the deadline it would have had, to say whether it was met.

Two calendars:

- ``BusinessCalendar`` counts working time only (``core.calendar``: working days and
  hours in the seller's time zone, public holidays, closure days). A clock started
  outside working hours starts at the next opening; a pause over a night or a
  weekend costs nothing. "n business days" is n working days' worth of hours, so filed
  Tuesday 10:00, 2 business days are due Thursday 10:00 (SPEC's convention).
- ``CalendarDays`` counts wall-clock time in a time zone: 14 days after 10:00 is
  10:00 fourteen days later, across a daylight-saving change too; paused time is
  measured in the same wall-clock time.

This module reads no database row itself (the business calendar asks
``core.calendar``, which reads closure days through its cache).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from core import calendar as business

START, PAUSE, RESUME, STOP = "start", "pause", "resume", "stop"
NOT_STARTED, RUNNING, PAUSED, STOPPED = "not_started", "running", "paused", "stopped"
ZERO = dt.timedelta(0)


@dataclass(frozen=True)
class Mark:
    kind: str
    at: dt.datetime


class BusinessCalendar:
    """Working time of the business calendar of ``country`` (default: the seller's)."""

    business = True

    def __init__(self, country: str | None = None):
        self.country = country
        self.zone = business.time_zone(country)

    @staticmethod
    def day_length() -> dt.timedelta:
        start, end = business.working_hours()
        return dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)

    def days(self, count: int) -> dt.timedelta:
        """``count`` business days as working time."""
        return self.day_length() * int(count)

    def add(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        return business.add_business_time(start, amount, country=self.country)

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return business.business_time_between(start, end, country=self.country)


class CalendarDays:
    """Wall-clock time in ``zone`` (default: the seller's time zone)."""

    business = False

    def __init__(self, zone: dt.tzinfo | None = None, country: str | None = None):
        self.zone = zone or business.time_zone(country)

    def days(self, count: int) -> dt.timedelta:
        return dt.timedelta(days=int(count))

    def _wall(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def add(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        wall = self._wall(start) + amount
        # A wall time skipped by a daylight-saving jump is read with the offset before it.
        return wall.replace(tzinfo=self.zone).astimezone(self.zone)

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return self._wall(end) - self._wall(start)


@dataclass(frozen=True)
class ClockState:
    """Everything a clock says at ``now``, computed from its marks."""

    target: dt.timedelta
    state: str
    started_at: dt.datetime | None
    stopped_at: dt.datetime | None
    due: dt.datetime | None
    paused: dt.timedelta
    elapsed: dt.timedelta
    remaining: dt.timedelta
    breached: bool
    breached_at: dt.datetime | None
    intervals: list[tuple[dt.datetime, dt.datetime | None]] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.state == RUNNING

    @property
    def met(self) -> bool:
        return self.state == STOPPED and not self.breached


def intervals_of(marks: Iterable[Mark]):
    """The running intervals ``[(from, to or None)]``, the pauses ``[(from, to or
    None)]`` and the final state. Marks that change nothing (a pause while paused, a
    start while running) are ignored; a resume after a stop restarts the clock (a
    reopened complaint)."""
    ordered = sorted(marks, key=lambda mark: mark.at)
    running: list[list] = []
    pauses: list[list] = []
    state = NOT_STARTED
    started_at = stopped_at = None
    for mark in ordered:
        if mark.kind == START and state in (NOT_STARTED, STOPPED):
            if state == NOT_STARTED:
                started_at = mark.at
            running.append([mark.at, None])
            state, stopped_at = RUNNING, None
        elif mark.kind == PAUSE and state == RUNNING:
            running[-1][1] = mark.at
            pauses.append([mark.at, None])
            state = PAUSED
        elif mark.kind == RESUME and state == PAUSED:
            pauses[-1][1] = mark.at
            running.append([mark.at, None])
            state = RUNNING
        elif mark.kind == RESUME and state == STOPPED:
            running.append([mark.at, None])
            state, stopped_at = RUNNING, None
        elif mark.kind == STOP and state in (RUNNING, PAUSED):
            if state == RUNNING:
                running[-1][1] = mark.at
            else:
                pauses[-1][1] = mark.at
            state, stopped_at = STOPPED, mark.at
    return (
        [tuple(item) for item in running],
        [tuple(item) for item in pauses],
        state,
        started_at,
        stopped_at,
    )


def compute(
    marks: Iterable[Mark], *, target: dt.timedelta, calendar, now: dt.datetime
) -> ClockState:
    """The clock of ``marks`` with ``target`` in ``calendar`` (``BusinessCalendar`` or
    ``CalendarDays``), as it stands at ``now``."""
    running, pauses, state, started_at, stopped_at = intervals_of(marks)
    if state == NOT_STARTED:
        return ClockState(
            target=target,
            state=state,
            started_at=None,
            stopped_at=None,
            due=None,
            paused=ZERO,
            elapsed=ZERO,
            remaining=target,
            breached=False,
            breached_at=None,
        )
    remaining = target
    due = None
    for begin, end in running:
        if end is None:
            due = calendar.add(begin, remaining)
            break
        used = calendar.between(begin, end)
        if used >= remaining:
            # The budget ran out inside this interval.
            due = calendar.add(begin, remaining)
            break
        remaining -= used
    else:
        if state == STOPPED and running and running[-1][1] == stopped_at:
            # Stopped while running, in time: the deadline it had then.
            begin = running[-1][0]
            due = calendar.add(begin, remaining + calendar.between(begin, stopped_at))
    elapsed = ZERO
    for begin, end in running:
        elapsed += calendar.between(begin, end if end is not None else max(now, begin))
    paused = ZERO
    for begin, end in pauses:
        paused += calendar.between(begin, end if end is not None else max(now, begin))
    if state == RUNNING:
        breached = due is not None and now > due
    else:
        # Stopped or paused: breached when more than the budget was used.
        breached = elapsed > target
        if state == PAUSED and not breached:
            due = None
    return ClockState(
        target=target,
        state=state,
        started_at=started_at,
        stopped_at=stopped_at,
        due=due,
        paused=paused,
        elapsed=elapsed,
        remaining=target - elapsed,
        breached=breached,
        breached_at=due if breached else None,
        intervals=running,
    )


def business_seconds(
    marks: Iterable[Mark], *, now: dt.datetime, calendar: BusinessCalendar | None = None
) -> int | None:
    """The working time a *stopped* clock ran: its running intervals counted in the
    business calendar (default: the seller's), the pauses left out, whatever calendar
    its target counts in. ``None`` while it runs, is paused or never started. The KPIs
    store this on the complaint (their percentiles need a column to aggregate)."""
    calendar = calendar or BusinessCalendar()
    state = compute(marks, target=ZERO, calendar=calendar, now=now)
    if state.state != STOPPED:
        return None
    return int(state.elapsed.total_seconds())
