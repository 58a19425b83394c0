"""What a transaction may retry: the database gave up on it, not on its data.

PostgreSQL aborts one of two transactions that wait for each other (a deadlock) or
that would break serializability; redone from the start, the same work succeeds.
``inventory.locks.retry_on_conflict`` retries a block inside a savepoint; the API's
write transaction (``core.api.views``) retries the whole request's work.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: PostgreSQL SQLSTATEs worth retrying: serialization_failure, deadlock_detected.
RETRYABLE_PGCODES = {"40001", "40P01"}
MAX_ATTEMPTS = 4


def is_retryable(error: BaseException) -> bool:
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if getattr(cause, "pgcode", None) in RETRYABLE_PGCODES:
        return True
    # SQLite (embedded mode): another process holds the write lock beyond the timeout.
    return "database is locked" in str(error)


def backoff(attempt: int) -> float:
    """Seconds to wait before ``attempt`` + 1: exponential, with jitter."""
    import random

    return random.uniform(0.01, 0.05) * 2**attempt  # noqa: S311 - jitter only


def atomic_with_retries(block: Callable[[], T], *, label: str) -> T:
    """``block()`` in an atomic block (a savepoint when nested), redone a few times when
    the database aborts it for a deadlock or a serialization failure."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return block()
        except OperationalError as error:
            if attempt == MAX_ATTEMPTS or not is_retryable(error):
                raise
            logger.warning("%s: retrying after %s (attempt %d)", label, error, attempt)
            time.sleep(backoff(attempt))
    raise AssertionError("unreachable")
