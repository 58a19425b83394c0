"""The business time stored on a complaint when a clock stops (the dashboard's
first-response and resolution percentiles aggregate these columns)."""

import datetime as dt
import importlib
import zoneinfo

import pytest
import time_machine
from django.apps import apps

from complaints import clocks, services
from complaints.models import Complaint

pytestmark = pytest.mark.django_db
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
HOUR = 3600


def madrid(*args):
    return dt.datetime(*args, tzinfo=MADRID)


@pytest.fixture
def answered(file_complaint, service_agent, buyer, flush):
    """Filed Friday 5 December 2025 at 16:00; staff ask a question on Tuesday 9 at
    11:00 (after the weekend and Monday 8, the Immaculate Conception); the customer
    answers on Wednesday 10 at 09:00."""
    with time_machine.travel(madrid(2025, 12, 5, 16), tick=False):
        complaint = file_complaint(category="service")
    assert complaint.first_response_business_seconds is None
    with time_machine.travel(madrid(2025, 12, 9, 11), tick=False), flush():
        services.post_message(
            complaint=complaint,
            actor=service_agent,
            body="¿Nos envía una foto?",
            awaiting_customer=True,
        )
    with time_machine.travel(madrid(2025, 12, 10, 9), tick=False), flush():
        services.post_message(complaint=complaint, actor=buyer, body="Adjunta.")
    complaint.refresh_from_db()
    return complaint


def test_first_response_counts_working_hours_across_the_weekend_and_the_holiday(answered):
    # Friday 16:00-17:00 and Tuesday 09:00-11:00: 3 working hours (91 wall-clock hours).
    assert answered.first_response_business_seconds == 3 * HOUR
    # The resolution clock still runs: nothing stored yet.
    assert answered.resolution_business_seconds is None


def test_resolution_leaves_out_the_wait_for_the_customer_and_follows_reopening(
    answered, walk, service_agent, flush
):
    with time_machine.travel(madrid(2025, 12, 10, 13), tick=False):
        complaint = walk(answered, to="resuelta")
    complaint.refresh_from_db()
    # 3 h until the question (Tuesday 11:00), paused until Wednesday 09:00, then 4 h.
    assert complaint.resolution_business_seconds == 7 * HOUR
    with time_machine.travel(madrid(2025, 12, 11, 9), tick=False), flush():
        complaint = services.reopen_complaint(
            complaint=complaint, actor=service_agent, reason="Sigue fallando."
        )
    complaint.refresh_from_db()
    assert complaint.resolved_at is None
    assert complaint.resolution_business_seconds is None
    # The first response stays answered.
    assert complaint.first_response_business_seconds == 3 * HOUR
    with time_machine.travel(madrid(2025, 12, 11, 10, 30), tick=False):
        complaint = walk(complaint, to="resuelta")
    complaint.refresh_from_db()
    # The time it stood resolved does not count: 7 h + Thursday 09:00-10:30.
    assert complaint.resolution_business_seconds == int(8.5 * HOUR)


def test_business_seconds_of_a_clock_that_never_stopped_is_none():
    start = clocks.Mark(kind=clocks.START, at=madrid(2025, 12, 5, 16))
    assert clocks.business_seconds([], now=madrid(2025, 12, 9)) is None
    assert clocks.business_seconds([start], now=madrid(2025, 12, 9)) is None
    paused = [start, clocks.Mark(kind=clocks.PAUSE, at=madrid(2025, 12, 5, 16, 30))]
    assert clocks.business_seconds(paused, now=madrid(2025, 12, 9)) is None
    stopped = [start, clocks.Mark(kind=clocks.STOP, at=madrid(2025, 12, 9, 9, 15))]
    assert clocks.business_seconds(stopped, now=madrid(2025, 12, 9, 12)) == HOUR + 15 * 60


def test_the_data_migration_backfills_existing_rows(answered, walk):
    with time_machine.travel(madrid(2025, 12, 10, 13), tick=False):
        walk(answered, to="resuelta")
    Complaint.objects.update(first_response_business_seconds=None, resolution_business_seconds=None)
    migration = importlib.import_module("complaints.migrations.0004_backfill_business_time")
    migration.backfill(apps, None)
    answered.refresh_from_db()
    assert answered.first_response_business_seconds == 3 * HOUR
    assert answered.resolution_business_seconds == 7 * HOUR
