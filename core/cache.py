"""A Redis cache that fails open: Redis is a helper here, never the system of record.

``FailOpenRedisCache`` is Django's ``RedisCache`` with every operation guarded: when
Redis is unreachable or slow (a connection or timeout error) the operation answers as
an empty cache would (``get`` -> the default, ``add``/``touch``/``delete``/``has_key``
-> False, ``incr`` -> ``delta``, as on a fresh counter) instead of raising, and a
warning is logged, one line at most every ``WARNING_INTERVAL`` seconds per process.

After a failure Redis is not tried again for ``RETRY_AFTER`` seconds: with Redis
hanging (no answer rather than a refused connection) every request would otherwise
wait for the socket timeouts of each of its cache calls.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: What "Redis is unavailable" looks like (refused, reset, timed out, loading, a
#: replica after a failover). Other errors (a bad value for ``incr``...) still raise.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ReadOnlyError, OSError)

WARNING_INTERVAL = 60.0
RETRY_AFTER = 2.0

_lock = threading.Lock()
_warned_at: dict[str, float] = {}
_suppressed: dict[str, int] = {}
# Per cache location (caches are per-thread objects; an outage is per process).
_down_until: dict[str, float] = {}


def warn_degraded(topic: str, message: str, *args) -> None:
    """Log ``message % args`` as a warning, at most once every ``WARNING_INTERVAL``
    seconds per ``topic``; the line says how many were left out since the last one."""
    now = time.monotonic()
    with _lock:
        last = _warned_at.get(topic)
        if last is not None and now - last < WARNING_INTERVAL:
            _suppressed[topic] = _suppressed.get(topic, 0) + 1
            return
        _warned_at[topic] = now
        suppressed = _suppressed.pop(topic, 0)
    if suppressed:
        message += " (%d more since the last warning)"
        args = (*args, suppressed)
    logger.warning(message, *args)


class FailOpenRedisCache(RedisCache):
    """``RedisCache`` that degrades to an empty cache while Redis is unavailable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = ",".join(self._servers)

    def _guarded(self, operation: str, fallback, call, *args, **kwargs):
        if time.monotonic() < _down_until.get(self._location, 0.0):
            return fallback
        try:
            return call(*args, **kwargs)
        except UNAVAILABLE as exc:
            _down_until[self._location] = time.monotonic() + RETRY_AFTER
            warn_degraded(
                "cache",
                "Cache unavailable, carrying on without it (%s failed): %s: %s",
                operation,
                type(exc).__name__,
                exc,
            )
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set", False, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # As on a counter that starts now: a rate limit counting with it lets the
        # request through.
        return self._guarded("incr", delta, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that could not be stored: all of them.
        return self._guarded("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded("clear", False, super().clear)
