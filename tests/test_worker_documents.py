"""A real Celery worker (Redis broker, PostgreSQL) generates an order's documents.

Same gating and fixture pattern as ``tests/test_worker.py``: it needs what CI has
(PostgreSQL, so the worker process sees the test database, and ``REDIS_URL``).
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
from documents.models import DocumentFile, DocumentStatus, Invoice
from documents.tests.fixtures import products, warehouses  # noqa: F401 - fixtures
from orders import services as orders

ROOT = Path(__file__).resolve().parents[1]
WORKER_ARGS = ["--pool", "solo", "-l", "warning"]

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
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_URL": f"filemail:///{mail_dir}",  # django-environ drops one leading slash
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    celery_app.control.purge()
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", *WORKER_ARGS],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    # The web side of this test sends to Redis instead of running tasks in-process.
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield mail_dir
    finally:
        celery_app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        print(log_path.read_text()[-3000:])  # shown when the test fails


def wait_for(predicate, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.usefixtures("products")
def test_preparing_an_order_makes_its_pdfs_on_a_real_worker(worker, company):
    order = orders.place_order(
        actor=None,
        company=company,
        lines=[{"sku": "DRILL-18V", "quantity": 1}, {"sku": "SHOVEL-PL", "quantity": 2}],
        po_number="PO-WORKER",
    )
    assert wait_for(lambda: any(worker.iterdir())), "the order-received email was not sent"
    orders.prepare_order(order=order, actor=None)

    def ready():
        return DocumentFile.objects.filter(order=order, status=DocumentStatus.READY).count() == 3

    assert wait_for(ready), list(DocumentFile.objects.values_list("kind", "status", "last_error"))
    invoice = Invoice.objects.get(order=order)
    assert invoice.document.status == DocumentStatus.READY
    for document in DocumentFile.objects.filter(order=order):
        # The worker stored it in the private media directory both processes share.
        with document.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-", document.kind
        document.file.storage.delete(document.file.name)
    # Preparation sends no email: only the order-received one is there.
    time.sleep(1)
    assert len(list(worker.iterdir())) == 1
