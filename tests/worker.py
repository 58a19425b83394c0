"""A real Celery worker for integration tests: its marks, its fixture's helpers.

The worker runs in its own process on the test database, so these tests need what CI
has: PostgreSQL (a second process can't see SQLite's in-memory test database) and a
Redis broker (``REDIS_URL``). With the embedded defaults they say so and do not run.
"""

import time

import pytest
from django.conf import settings
from django.db import connection

WORKER_MARKS = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="needs REDIS_URL and PostgreSQL (CI runs it: .ci/run)",
    ),
]


def database_url() -> str:
    """The test database, as the worker process's ``DATABASE_URL``."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(predicate, timeout=90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False
