"""How the pages show a complaint's clocks: each clock computed from its history
(``complaints.clocks.compute`` over the ``ClockMark`` rows, the one arithmetic the
domain uses) and drawn as a countdown: ``ok``, ``near`` (less than ``NEAR`` left),
``over``, ``paused`` or ``met``. The first-response clock counts business time (the
business calendar's working hours); the resolution clock counts what its target says
(calendar days by default), and its remaining time is shown in that calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .. import clocks
from ..models import Clock

#: Less time than this left on a running clock: shown as near its deadline (one
#: working day of the default calendar).
NEAR = dt.timedelta(hours=8)

OK, NEAR_STATE, OVER, PAUSED, MET, IDLE = "ok", "near", "over", "paused", "met", "idle"
CSS = {
    OK: "text-bg-success",
    NEAR_STATE: "text-bg-warning",
    OVER: "text-bg-danger",
    PAUSED: "text-bg-secondary",
    MET: "text-bg-light border",
    IDLE: "text-bg-light border",
}


def duration_text(delta: dt.timedelta, *, business: bool) -> str:
    """``3 h 05 min`` of business time, or ``2 d 4 h`` of calendar time; no sign."""
    minutes = int(abs(delta).total_seconds() // 60)
    if not business and minutes >= 24 * 60:
        days, rest = divmod(minutes, 24 * 60)
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": rest // 60}
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(hours)s h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


@dataclass(frozen=True)
class ClockView:
    key: str
    label: str
    short_label: str
    state: str
    due: dt.datetime | None
    remaining: dt.timedelta
    business: bool
    detail: clocks.ClockState | None = None

    @property
    def css(self) -> str:
        return CSS[self.state]

    @property
    def text(self) -> str:
        if self.state == MET:
            return _("Met")
        if self.state == IDLE:
            return _("Not running")
        time = duration_text(self.remaining, business=self.business)
        if self.state == OVER:
            return _("%(time)s overdue") % {"time": time}
        if self.state == PAUSED:
            return _("Paused, %(time)s left") % {"time": time}
        if self.business:
            return _("%(time)s left (business time)") % {"time": time}
        return _("%(time)s left") % {"time": time}

    @property
    def urgent(self) -> bool:
        return self.state in (NEAR_STATE, OVER)


def clock_views(complaint, now=None) -> list[ClockView]:
    """The first-response and resolution clocks of ``complaint`` at ``now``, from the
    domain's computation over its (prefetched) marks."""
    from .. import services

    now = now or timezone.now()
    states = services.clocks_of(complaint, now, rows=complaint.clock_marks.all())
    specs = [
        (Clock.FIRST_RESPONSE, _("First response"), pgettext("clock, short", "Reply"), True),
        (
            Clock.RESOLUTION,
            _("Resolution"),
            pgettext("clock, short", "Resolve"),
            complaint.resolution_target_business,
        ),
    ]
    return [
        _view(key, label, short, states[key], in_business_time, now)
        for key, label, short, in_business_time in specs
    ]


def _view(key, label, short, state: clocks.ClockState, business, now) -> ClockView:
    remaining = state.remaining
    if state.state == clocks.STOPPED:
        shown = OVER if state.breached else MET
    elif state.state == clocks.NOT_STARTED:
        shown = IDLE
    elif state.breached:
        shown = OVER  # ``remaining`` is negative: the time over, in the clock's calendar
    elif state.state == clocks.PAUSED:
        shown = PAUSED
    elif remaining < NEAR:
        shown = NEAR_STATE
    else:
        shown = OK
    return ClockView(
        key=key,
        label=label,
        short_label=short,
        state=shown,
        due=state.due,
        remaining=remaining,
        business=business,
        detail=state,
    )
