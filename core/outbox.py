"""Reliable events: the transactional outbox.

- ``publish(event_type, payload)`` writes an ``OutboxEvent`` in the caller's transaction
  and, once that commits, asks the relay to hand it to Celery at once.
- ``relay()`` sends pending events to the ``core.tasks.process_event`` task and marks
  them dispatched. When the broker is down the events stay pending and the periodic
  sweep (Celery beat, ``core.tasks.relay_outbox``) delivers them later. After a broker
  failure the on-commit relays of the process leave their events to the sweep for
  ``BROKER_BACKOFF`` seconds: with Redis hanging rather than refusing, each request
  would otherwise wait for the broker's timeouts.
- An event the broker took but nobody processed (``processed_at`` still empty
  ``OUTBOX_REDISPATCH_SECONDS`` after it was dispatched: its message was lost with a
  restarted Redis, or its worker was killed) is dispatched again by the same sweep, at
  most ``MAX_REDISPATCHES`` times.
- Consumers register per event type (``@consumer("order.created")``, or ``"*"`` for
  all); ``process_event`` runs each once per event: a ``ProcessedEvent`` row, written
  in the consumer's own transaction, makes repeats no-ops. A consumer should do only
  database work in it and leave I/O to tasks scheduled with ``transaction.on_commit``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.models import OutboxEvent, ProcessedEvent

logger = logging.getLogger(__name__)

ALL_EVENTS = "*"
# While one relay hands an event to the broker, no other relay does.
LEASE = timedelta(minutes=2)
SWEEP_BATCH = 500
BROKER_BACKOFF = 10.0
# Dispatches of one event (the first one included) before the sweep gives up on it.
MAX_REDISPATCHES = 10
# Per broker URL: until when (time.monotonic()) on-commit relays do not try it.
_broker_down_until: dict[str, float] = {}

Consumer = Callable[[OutboxEvent], Any]
_consumers: dict[str, dict[str, Consumer]] = {}


def publish(event_type: str, payload: dict[str, Any]) -> OutboxEvent:
    """Record an event in the current transaction; it is relayed after commit.

    The row is written already leased to this process (``lease_until``), so the sweep
    leaves it to the on-commit relay, which then needs one statement: marking it
    dispatched once the broker took it (or, when the broker is down, giving the lease
    back so the next sweep sends it)."""
    event = OutboxEvent.objects.create(
        event_type=event_type,
        payload=payload,
        lease_until=timezone.now() + LEASE,
        attempts=1,
    )
    event_id = event.pk
    transaction.on_commit(lambda: relay_published(event_id), robust=True)
    return event


def relay_published(event_id) -> bool:
    """Hand one event this process has just published (and leased) to Celery; True
    when the broker took it. Never raises."""
    from core.tasks import process_event

    broker = None if process_event.app.conf.task_always_eager else process_event.app.conf.broker_url
    if time.monotonic() < _broker_down_until.get(broker, 0.0):
        # The broker failed a moment ago: give the event to the sweep at once.
        OutboxEvent.objects.filter(pk=event_id, dispatched_at__isnull=True).update(lease_until=None)
        return False
    try:
        process_event.apply_async(args=[str(event_id)])
    except Exception as exc:
        logger.warning("Outbox event %s not relayed (will retry): %s", event_id, exc)
        OutboxEvent.objects.filter(pk=event_id, dispatched_at__isnull=True).update(
            lease_until=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        if not _is_task_failure(exc) and broker is not None:
            _broker_down_until[broker] = time.monotonic() + BROKER_BACKOFF
        return False
    _broker_down_until.pop(broker, None)
    OutboxEvent.objects.filter(pk=event_id).update(
        dispatched_at=timezone.now(), lease_until=None, last_error=""
    )
    return True


# --- consumers ------------------------------------------------------------------------


def register(event_type: str, func: Consumer, *, name: str | None = None) -> Consumer:
    """Register ``func`` for ``event_type`` (``"*"``: every event) under a stable name."""
    name = name or f"{func.__module__}.{func.__qualname__}"
    _consumers.setdefault(event_type, {})[name] = func
    return func


def consumer(event_type: str, *, name: str | None = None):
    """Decorator form of ``register``."""

    def decorator(func: Consumer) -> Consumer:
        return register(event_type, func, name=name)

    return decorator


def consumers_for(event_type: str) -> dict[str, Consumer]:
    found = dict(_consumers.get(ALL_EVENTS, {}))
    found.update(_consumers.get(event_type, {}))
    return found


def process(event_id) -> list[str]:
    """Run every consumer of the event that has not handled it yet.

    Returns the names of the consumers that failed (their work was rolled back and
    they run again on the next attempt); the others are recorded as done.
    """
    event = OutboxEvent.objects.filter(pk=event_id).first()
    if event is None:
        return []
    failed = []
    for name, func in consumers_for(event.event_type).items():
        try:
            with transaction.atomic():
                ProcessedEvent.objects.create(event_id=event.pk, consumer=name)
                func(event)
        except IntegrityError:
            if not ProcessedEvent.objects.filter(event_id=event.pk, consumer=name).exists():
                logger.exception("Consumer %s failed on event %s", name, event.pk)
                failed.append(name)
        except Exception:
            logger.exception("Consumer %s failed on event %s", name, event.pk)
            failed.append(name)
    if not failed:
        OutboxEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
            processed_at=timezone.now()
        )
    return failed


# --- relay ----------------------------------------------------------------------------


def relay(*, event_ids=None, limit: int = SWEEP_BATCH) -> int:
    """Hand pending events to Celery, and again those dispatched but not processed for
    ``OUTBOX_REDISPATCH_SECONDS``; returns how many were dispatched.

    Never raises: a broker outage leaves the events pending for the next sweep.
    """
    from core.tasks import process_event

    # In-process (eager) mode has no broker to spare.
    broker = None if process_event.app.conf.task_always_eager else process_event.app.conf.broker_url
    if event_ids is not None and time.monotonic() < _broker_down_until.get(broker, 0.0):
        return 0  # the broker failed a moment ago: the sweep sends these
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    pending = OutboxEvent.objects.filter(dispatched_at__isnull=True).filter(free)
    if event_ids is not None:
        pending = pending.filter(pk__in=event_ids)
    candidates = list(pending.order_by("created_at").values_list("pk", flat=True)[:limit])
    if event_ids is None and len(candidates) < limit:
        lost = (
            OutboxEvent.objects.filter(
                processed_at__isnull=True,
                dispatched_at__lt=cutoff,
                attempts__lt=MAX_REDISPATCHES,
            )
            .filter(free)
            .order_by("dispatched_at")
            .values_list("pk", flat=True)[: limit - len(candidates)]
        )
        candidates += list(lost)
    dispatched = 0
    for event_id in candidates:
        claimed = (
            OutboxEvent.objects.filter(pk=event_id, processed_at__isnull=True)
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=cutoff))
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=timezone.now()))
            .update(lease_until=timezone.now() + LEASE, attempts=F("attempts") + 1)
        )
        if not claimed:
            continue
        try:
            process_event.apply_async(args=[str(event_id)])
        except Exception as exc:
            logger.warning("Outbox event %s not relayed (will retry): %s", event_id, exc)
            OutboxEvent.objects.filter(pk=event_id).update(
                lease_until=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            if not _is_task_failure(exc):
                if broker is not None:
                    _broker_down_until[broker] = time.monotonic() + BROKER_BACKOFF
                break  # the broker is down: the sweep tries the rest later
            continue
        _broker_down_until.pop(broker, None)
        OutboxEvent.objects.filter(pk=event_id).update(
            dispatched_at=timezone.now(), lease_until=None, last_error=""
        )
        dispatched += 1
    return dispatched


def _is_task_failure(exc: Exception) -> bool:
    """True when the task itself failed (eager mode) rather than the broker."""
    return isinstance(exc, ConsumerFailed)


class ConsumerFailed(Exception):
    """Raised by ``process_event`` when some consumer failed (retried later)."""


def purge_dispatched(*, older_than: timedelta) -> int:
    """Delete dispatched events (and their processed marks) older than ``older_than``."""
    cutoff = timezone.now() - older_than
    old = OutboxEvent.objects.filter(dispatched_at__lt=cutoff)
    ProcessedEvent.objects.filter(event_id__in=old.values("pk")).delete()
    deleted, _details = old.delete()
    return deleted
