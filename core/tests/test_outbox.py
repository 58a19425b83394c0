"""The transactional outbox: publish in the caller's transaction, relay after commit,
survive a broker outage, consumers run once per event."""

import pytest
from django.db import transaction

from config.celery import app
from core import outbox
from core.models import OutboxEvent, ProcessedEvent
from core.tasks import relay_outbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def received():
    """A consumer of "test.event" that records the event ids it handled."""
    calls = []
    outbox.register("test.event", lambda event: calls.append(event.pk), name="tests.recorder")
    yield calls
    outbox._consumers["test.event"].pop("tests.recorder")


@pytest.fixture
def broker_down():
    """Celery sends to a Redis that is not there (a closed local port), not in-process."""
    saved = {
        "task_always_eager": app.conf.task_always_eager,
        "broker_url": app.conf.broker_url,
        "broker_transport_options": app.conf.broker_transport_options,
    }
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.broker_transport_options = {"max_retries": 0, "socket_connect_timeout": 1}
    _reset_connections()
    yield
    app.conf.update(saved)
    _reset_connections()


def _reset_connections():
    app._pool = None
    app.amqp._producer_pool = None


def test_publish_writes_in_the_callers_transaction(received):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.publish("test.event", {"n": 1})
        raise RuntimeError("rolled back")
    assert not OutboxEvent.objects.exists()
    assert received == []


def test_commit_relays_and_the_consumer_runs_once(received):
    with transaction.atomic():
        event = outbox.publish("test.event", {"n": 1})
        assert received == []  # nothing leaves before the commit
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert received == [event.pk]
    # A repeat (a redelivered task, a second sweep) does nothing.
    outbox.process(event.pk)
    relay_outbox()
    assert received == [event.pk]
    assert ProcessedEvent.objects.filter(event_id=event.pk, consumer="tests.recorder").count() == 1


def test_an_event_survives_a_broker_outage_and_the_sweep_delivers_it_once(received, broker_down):
    with transaction.atomic():
        event = outbox.publish("test.event", {"order": "PED-1"})
    event.refresh_from_db()
    assert event.dispatched_at is None  # Redis was down at commit: still pending
    assert event.last_error
    assert received == []
    assert relay_outbox() == 0  # still down: still pending

    # The broker is back (in-process execution stands for the worker here).
    app.conf.task_always_eager = True
    assert relay_outbox() == 1
    assert relay_outbox() == 0
    event.refresh_from_db()
    assert event.dispatched_at is not None and event.last_error == ""
    assert received == [event.pk]


def test_a_failing_consumer_is_retried_by_the_sweep_and_others_run_once(received):
    attempts = []

    def flaky(event):
        attempts.append(event.pk)
        if len(attempts) == 1:
            raise ValueError("temporary")

    outbox.register("test.event", flaky, name="tests.flaky")
    try:
        with transaction.atomic():
            event = outbox.publish("test.event", {})
        event.refresh_from_db()
        assert event.dispatched_at is None
        assert received == [event.pk]
        relay_outbox()
        event.refresh_from_db()
        assert event.dispatched_at is not None
        assert attempts == [event.pk, event.pk]
        assert received == [event.pk]  # the other consumer did not run again
    finally:
        outbox._consumers["test.event"].pop("tests.flaky")


def test_wildcard_consumers_see_every_event():
    seen = []
    outbox.register(outbox.ALL_EVENTS, lambda e: seen.append(e.event_type), name="tests.all")
    try:
        with transaction.atomic():
            outbox.publish("a.b", {})
            outbox.publish("c.d", {})
        assert sorted(seen) == ["a.b", "c.d"]
    finally:
        outbox._consumers[outbox.ALL_EVENTS].pop("tests.all")


def test_old_dispatched_events_are_purged():
    from datetime import timedelta

    from django.utils import timezone

    with transaction.atomic():
        event = outbox.publish("test.event", {})
    OutboxEvent.objects.filter(pk=event.pk).update(
        dispatched_at=timezone.now() - timedelta(days=40)
    )
    assert outbox.purge_dispatched(older_than=timedelta(days=30)) == 1


# --- events the broker took but nobody processed --------------------------------------


def _lost_in_the_broker(event, *, seconds_ago):
    """As if the broker took the event ``seconds_ago`` and then lost the message (a
    restarted Redis without persistence, a killed worker): dispatched, never processed."""
    from datetime import timedelta

    from django.utils import timezone

    OutboxEvent.objects.filter(pk=event.pk).update(
        dispatched_at=timezone.now() - timedelta(seconds=seconds_ago), processed_at=None
    )


def test_processing_an_event_marks_it_processed(received):
    with transaction.atomic():
        event = outbox.publish("test.event", {})
    event.refresh_from_db()
    assert event.processed_at is not None and event.dispatched_at is not None


def test_a_dispatched_event_never_processed_is_dispatched_again_once(received, settings):
    settings.OUTBOX_REDISPATCH_SECONDS = 60
    with transaction.atomic():
        event = outbox.publish("test.event", {})
    ProcessedEvent.objects.all().delete()  # the consumer's work was lost with the message
    received.clear()
    _lost_in_the_broker(event, seconds_ago=30)
    assert relay_outbox() == 0  # not yet: it may still be in the queue
    assert received == []

    _lost_in_the_broker(event, seconds_ago=90)
    assert relay_outbox() == 1
    assert received == [event.pk]
    event.refresh_from_db()
    assert event.processed_at is not None and event.attempts == 2
    assert relay_outbox() == 0  # processed now: never again
    assert received == [event.pk]


def test_a_redispatched_event_whose_consumers_ran_does_nothing_again(received, settings):
    """The message was only slow, not lost: its consumers ran, only the final mark is
    missing (the worker was killed right before it). The repeat has no effect."""
    settings.OUTBOX_REDISPATCH_SECONDS = 60
    with transaction.atomic():
        event = outbox.publish("test.event", {})
    _lost_in_the_broker(event, seconds_ago=90)
    assert relay_outbox() == 1
    assert received == [event.pk]  # ran once, at the first dispatch
    event.refresh_from_db()
    assert event.processed_at is not None


def test_redispatch_gives_up_after_max_attempts(received, settings):
    settings.OUTBOX_REDISPATCH_SECONDS = 60
    with transaction.atomic():
        event = outbox.publish("test.event", {})
    ProcessedEvent.objects.all().delete()
    received.clear()
    _lost_in_the_broker(event, seconds_ago=90)
    OutboxEvent.objects.filter(pk=event.pk).update(attempts=outbox.MAX_REDISPATCHES)
    assert relay_outbox() == 0
    assert received == []


def test_a_leased_unprocessed_event_is_not_redispatched(received, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.OUTBOX_REDISPATCH_SECONDS = 60
    with transaction.atomic():
        event = outbox.publish("test.event", {})
    ProcessedEvent.objects.all().delete()
    received.clear()
    _lost_in_the_broker(event, seconds_ago=90)
    OutboxEvent.objects.filter(pk=event.pk).update(
        lease_until=timezone.now() + timedelta(minutes=1)
    )
    assert relay_outbox() == 0
    assert received == []
