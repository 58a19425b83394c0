"""What the in-process benchmarks (``lists.py``, ``dashboard.py``) share: the host their
test clients send, the manager they sign in as, and the timing of one page. Imported
after ``django.setup()``."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import StaffRole
from customers.models import User


def host() -> str:
    """A host the settings allow (``ALLOWED_HOSTS``' first concrete one)."""
    name = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
    return name.lstrip(".") or "localhost"


def bench_manager() -> User:
    """The staff manager the benchmarks sign in as (created once)."""
    manager, _ = User.objects.get_or_create(
        email="bench-manager@example.com", defaults={"is_staff": True}
    )
    manager.groups.add(Group.objects.get(name=StaffRole.MANAGER))
    return manager


def measure(client, path, params, repeat):
    """GET ``path`` once to warm up, then ``repeat`` times: the times (ms) and the SQL
    statements of the last request. A page that does not answer 200 stops the run."""
    client.get(path, params, secure=True)
    times, statements = [], None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(path, params, secure=True)
            times.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} {params} answered {response.status_code}")
        statements = ctx.captured_queries
    return times, statements
