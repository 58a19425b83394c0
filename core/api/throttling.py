"""Rate limits per client (API key or staff user), fixed windows counted in the cache.

Rates come from ``settings.API_RATE_LIMITS`` (``{"seller": "6000/min", ...}``, read from
the environment). A counter per client and window with ``cache.incr`` is atomic on
Redis and costs one round trip, unlike DRF's timestamp-list throttles, which rewrite
the whole history on every request (too heavy at thousands of requests a minute).

The cache is a helper, not the system of record: when it cannot count (Redis down, or
any other cache error) the request is let through and a warning logged (rate-limited,
``core.cache.warn_degraded``); refusing orders because the counter is away would be
worse than an uncounted minute.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from core.cache import warn_degraded

from .permissions import client_of

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """``"6000/min"`` -> ``(6000, 60)``; None or ``"0"`` disables the limit."""
    if not rate or rate in ("0", "none", "off"):
        return None
    count, _sep, period = rate.partition("/")
    return int(count), PERIODS[period.strip()[0].lower()]


class ClientRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        client = client_of(request)
        if client is None:
            return True  # unauthenticated requests are refused before doing any work
        parsed = parse_rate(settings.API_RATE_LIMITS.get(client.rate_scope))
        if parsed is None:
            return True
        limit, period = parsed
        now = time.time()
        window = int(now // period)
        key = f"api-throttle:{client.ident}:{period}:{window}"
        try:
            count = self._count(key, period)
        except Exception as exc:  # fail open, whatever the cache did
            warn_degraded(
                "api-throttle",
                "API rate limit not applied (cache error): %s: %s",
                type(exc).__name__,
                exc,
            )
            return True
        self._wait = (window + 1) * period - now
        return count <= limit

    @staticmethod
    def _count(key: str, period: int) -> int:
        cache.add(key, 0, timeout=period + 1)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period + 1)
            return 1

    def wait(self):
        return getattr(self, "_wait", None)
