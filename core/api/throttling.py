"""Rate limits per client (API key or staff user), fixed windows counted in the cache.

Rates come from ``settings.API_RATE_LIMITS`` (``{"seller": "6000/min", ...}``, read from
the environment). A counter per client and window with ``cache.incr`` is atomic on
Redis and costs one round trip, unlike DRF's timestamp-list throttles, which rewrite
the whole history on every request (too heavy at thousands of requests a minute).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

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
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period + 1)
            count = 1
        self._wait = (window + 1) * period - now
        return count <= limit

    def wait(self):
        return getattr(self, "_wait", None)
