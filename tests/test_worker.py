"""A real Celery worker against Redis runs the tasks the web side enqueues after commit.

Needs what CI has: PostgreSQL (the worker process must see the test database) and
Redis (``REDIS_URL``). With the embedded defaults (SQLite in memory, no broker) there is
no second process to talk to, so these tests say so and do not run.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from customers import services

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="needs REDIS_URL and PostgreSQL (CI runs it: .ci/run)",
    ),
]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """Starts ``celery worker`` in its own process on the test database."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # Four slashes: django-environ reads the path after "filemail:///" as relative.
        "EMAIL_URL": f"filemail:///{mail_dir}",
    }
    celery_app.control.purge()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "-l",
            "info",
            "-f",
            str(tmp_path / "celery.log"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    # The web side of this test sends to Redis instead of running tasks in-process.
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield mail_dir
    finally:
        celery_app.conf.task_always_eager = was_eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        # Shown by pytest when the test fails.
        print(log.read_text())
        if (tmp_path / "celery.log").exists():
            print((tmp_path / "celery.log").read_text())


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def test_invitation_email_is_sent_by_a_real_worker(worker, company):
    user = services.create_customer_user(
        company=company, actor=None, email="nuevo@gomez.example", role="buyer"
    )
    assert wait_for(lambda: any(worker.iterdir())), "the worker did not send the invitation"
    (message_file,) = list(worker.iterdir())
    content = message_file.read_text()
    assert "nuevo@gomez.example" in content
    assert "/portal/invitation/" in content
    assert wait_for(lambda: company.timeline.filter(kind="email", object_id=str(user.pk)).exists())
