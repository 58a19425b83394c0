"""The clocks' arithmetic (``complaints.clocks``): known answers on the business
calendar (Friday afternoons, Spanish and Polish public holidays, weekends, both time
zones, daylight saving) and properties that must hold for any history (Hypothesis)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints import clocks
from complaints.clocks import PAUSE, RESUME, START, STOP, Mark

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def no_closure_days():
    """The public holidays only (closure days are the managers' data: none here)."""
    with mock.patch("core.calendar.closure_days", return_value=frozenset()):
        yield


def at(*args, zone=MADRID):
    return dt.datetime(*args, tzinfo=zone)


def business(country="ES"):
    return clocks.BusinessCalendar(country)


def run(marks, *, days=2, calendar=None, now=None):
    calendar = calendar or business()
    marks = [Mark(kind, moment) for kind, moment in marks]
    now = now or max(m.at for m in marks)
    return clocks.compute(marks, target=calendar.days(days), calendar=calendar, now=now)


class TestKnownAnswers:
    def test_filed_tuesday_morning_due_thursday_same_time(self):
        state = run([(START, at(2026, 12, 1, 10, 0))])
        assert state.due == at(2026, 12, 3, 10, 0)
        assert state.due.utcoffset() == HOUR  # CET, with its offset

    def test_filed_friday_afternoon_skips_weekend_and_immaculate_conception(self):
        # Fri 15:00: 2 h that day, Monday 8 h, Tuesday 8 December is a holiday, Wednesday 6 h.
        state = run([(START, at(2026, 12, 4, 15, 0))])
        assert state.due == at(2026, 12, 9, 15, 0)

    def test_filed_on_a_public_holiday_starts_at_the_next_opening(self):
        state = run([(START, at(2026, 12, 8, 11, 0))])  # Inmaculada Concepción
        assert state.due == at(2026, 12, 10, 17, 0)

    def test_constitution_day_and_immaculate_conception_2025(self):
        # Friday 5 December 2025 12:00: Sat 6 (Constitución), Sun, Mon 8 (Inmaculada).
        state = run([(START, at(2025, 12, 5, 12, 0))])
        assert state.due == at(2025, 12, 10, 12, 0)

    def test_filed_at_night_starts_at_opening(self):
        state = run([(START, at(2026, 12, 1, 22, 30))])
        assert state.due == at(2026, 12, 3, 17, 0)

    def test_polish_independence_day_in_warsaw_time(self):
        calendar = business("PL")
        state = run([(START, at(2026, 11, 10, 12, 0, zone=WARSAW))], calendar=calendar)
        # Tue 12-17 (5 h), Wed 11 November holiday, Thu 8 h, Fri 9-12 (3 h).
        assert state.due == at(2026, 11, 13, 12, 0, zone=WARSAW)
        assert str(state.due.tzinfo) == "Europe/Warsaw"

    def test_same_instant_in_madrid_and_warsaw_calendars(self):
        moment = at(2026, 11, 10, 12, 0, zone=MADRID)
        spain = run([(START, moment)], calendar=business("ES"))
        poland = run([(START, moment)], calendar=business("PL"))
        assert spain.due == at(2026, 11, 12, 12, 0)  # no holiday in Spain that week
        assert poland.due == at(2026, 11, 13, 12, 0, zone=WARSAW)

    def test_pause_across_a_weekend_costs_only_the_working_hours(self):
        state = run(
            [
                (START, at(2026, 11, 25, 10, 0)),  # Wednesday
                (PAUSE, at(2026, 11, 27, 16, 0)),  # Friday 16:00
                (RESUME, at(2026, 11, 30, 10, 0)),  # Monday 10:00
            ],
            days=3,
        )
        # Paused: Friday 16-17 and Monday 9-10, two working hours; the weekend is free.
        assert state.paused == 2 * HOUR
        # 24 h from Wed 10:00 is Mon 10:00 without the pause; two hours later with it.
        assert state.due == at(2026, 11, 30, 12, 0)

    def test_pausing_twice_adds_both_pauses(self):
        calendar = clocks.CalendarDays(MADRID)
        marks = [
            (START, at(2026, 12, 1, 10, 0)),
            (PAUSE, at(2026, 12, 4, 12, 0)),
            (RESUME, at(2026, 12, 7, 12, 0)),  # three days
            (PAUSE, at(2026, 12, 9, 10, 0)),
            (RESUME, at(2026, 12, 10, 10, 0)),  # one more day
        ]
        state = run(marks, days=14, calendar=calendar)
        assert state.paused == dt.timedelta(days=4)
        assert state.due == at(2026, 12, 19, 10, 0)
        assert state.running and not state.breached

    def test_calendar_days_keep_the_wall_time_across_daylight_saving(self):
        calendar = clocks.CalendarDays(MADRID)
        state = run([(START, at(2026, 10, 20, 10, 0))], days=14, calendar=calendar)
        assert state.due == at(2026, 11, 3, 10, 0)
        assert state.due.utcoffset() == HOUR

    def test_resuming_on_a_holiday(self):
        state = run(
            [
                (START, at(2026, 12, 3, 9, 0)),  # Thursday
                (PAUSE, at(2026, 12, 7, 12, 0)),  # Monday noon
                (RESUME, at(2026, 12, 8, 11, 0)),  # on the holiday
            ],
            days=3,
        )
        assert state.paused == 5 * HOUR  # Monday 12-17; the holiday costs nothing
        # Used before the pause: Thu 8 h + Fri 8 h + Mon 3 h = 19 h; 5 h left from Wed 9:00.
        assert state.due == at(2026, 12, 9, 14, 0)

    def test_paused_clock_has_no_deadline_but_time_left(self):
        state = run(
            [(START, at(2026, 12, 1, 10, 0)), (PAUSE, at(2026, 12, 2, 10, 0))],
            now=at(2026, 12, 20, 10, 0),
        )
        assert state.state == clocks.PAUSED
        assert state.due is None and not state.breached
        assert state.remaining == 8 * HOUR
        assert state.paused > dt.timedelta(0)

    def test_paused_then_resolved_stops_met(self):
        state = run(
            [
                (START, at(2026, 12, 1, 10, 0)),
                (PAUSE, at(2026, 12, 2, 10, 0)),
                (STOP, at(2026, 12, 21, 10, 0)),
            ],
            now=at(2027, 1, 10, 10, 0),
        )
        assert state.state == clocks.STOPPED
        assert state.met and not state.breached
        assert state.elapsed == 8 * HOUR

    def test_breached_while_running(self):
        state = run([(START, at(2026, 12, 1, 10, 0))], now=at(2026, 12, 3, 10, 1))
        assert state.breached and state.breached_at == at(2026, 12, 3, 10, 0)
        assert state.remaining < dt.timedelta(0)

    def test_stopped_late_is_breached(self):
        state = run([(START, at(2026, 12, 1, 10, 0)), (STOP, at(2026, 12, 3, 11, 0))])
        assert state.breached and not state.met

    def test_reopened_clock_resumes_after_its_stop(self):
        state = run(
            [
                (START, at(2026, 12, 1, 10, 0)),
                (STOP, at(2026, 12, 2, 10, 0)),  # resolved after 8 h
                (RESUME, at(2026, 12, 14, 10, 0)),  # reopened (Monday)
            ],
        )
        assert state.running
        assert state.due == at(2026, 12, 15, 10, 0)

    def test_redundant_marks_change_nothing(self):
        plain = run([(START, at(2026, 12, 1, 10, 0))])
        noisy = run(
            [
                (START, at(2026, 12, 1, 10, 0)),
                (START, at(2026, 12, 1, 11, 0)),
                (RESUME, at(2026, 12, 1, 12, 0)),
            ]
        )
        assert noisy.due == plain.due

    def test_not_started(self):
        state = clocks.compute([], target=8 * HOUR, calendar=business(), now=at(2026, 12, 1, 10, 0))
        assert state.state == clocks.NOT_STARTED and state.due is None


# --- properties ---------------------------------------------------------------------------

START_AT = at(2026, 11, 2, 0, 0)  # a Monday; the next weeks hold 8 December
moments = st.integers(min_value=0, max_value=60 * 24 * 40).map(
    lambda minutes: START_AT + dt.timedelta(minutes=minutes)
)
durations = st.integers(min_value=0, max_value=60 * 24 * 10).map(
    lambda minutes: dt.timedelta(minutes=minutes)
)
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(filed=moments, days=st.integers(min_value=1, max_value=10))
def test_elapsed_plus_remaining_is_the_target(filed, days):
    calendar = business()
    now = filed + dt.timedelta(days=3)
    state = clocks.compute(
        [Mark(START, filed)], target=calendar.days(days), calendar=calendar, now=now
    )
    assert state.elapsed + state.remaining == state.target
    assert state.elapsed == calendar.between(filed, now)


@PROPERTY
@given(filed=moments, offset=durations, length=durations)
def test_a_pause_moves_the_deadline_by_its_business_time(filed, offset, length):
    calendar = business()
    target = calendar.days(3)
    plain = clocks.compute([Mark(START, filed)], target=target, calendar=calendar, now=filed)
    pause = filed + offset
    if pause >= plain.due:
        return  # a pause after the deadline is a different story (breached)
    resume = pause + length
    paused = clocks.compute(
        [Mark(START, filed), Mark(PAUSE, pause), Mark(RESUME, resume)],
        target=target,
        calendar=calendar,
        now=resume,
    )
    assert paused.paused == calendar.between(pause, resume)
    assert calendar.between(plain.due, paused.due) == paused.paused
    assert paused.due >= plain.due


@PROPERTY
@given(
    filed=moments,
    first=durations,
    first_length=durations,
    gap=durations,
    second_length=durations,
)
def test_two_pauses_add_up(filed, first, first_length, gap, second_length):
    calendar = business()
    target = calendar.days(5)
    p1 = filed + first
    r1 = p1 + first_length
    p2 = r1 + gap
    r2 = p2 + second_length
    plain = clocks.compute([Mark(START, filed)], target=target, calendar=calendar, now=filed)
    if p2 >= plain.due:
        return
    both = clocks.compute(
        [Mark(START, filed), Mark(PAUSE, p1), Mark(RESUME, r1), Mark(PAUSE, p2), Mark(RESUME, r2)],
        target=target,
        calendar=calendar,
        now=r2,
    )
    expected = calendar.between(p1, r1) + calendar.between(p2, r2)
    assert both.paused == expected
    if both.due is not None and not both.breached:
        assert calendar.between(plain.due, both.due) == expected


@PROPERTY
@given(filed=moments)
def test_filing_outside_hours_equals_filing_at_the_next_opening(filed):
    calendar = business()
    target = calendar.days(2)
    opening = calendar.add(filed, dt.timedelta(0))
    a = clocks.compute([Mark(START, filed)], target=target, calendar=calendar, now=filed)
    b = clocks.compute([Mark(START, opening)], target=target, calendar=calendar, now=opening)
    assert a.due == b.due


@PROPERTY
@given(filed=moments, offset=durations)
def test_a_zero_length_pause_changes_nothing(filed, offset):
    calendar = clocks.CalendarDays(MADRID)
    target = calendar.days(14)
    plain = clocks.compute([Mark(START, filed)], target=target, calendar=calendar, now=filed)
    pause = filed + offset
    if pause >= plain.due:
        return
    same = clocks.compute(
        [Mark(START, filed), Mark(PAUSE, pause), Mark(RESUME, pause)],
        target=target,
        calendar=calendar,
        now=pause,
    )
    assert same.due == plain.due
