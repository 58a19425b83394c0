"""Benchmark: invoices per minute from the real task, database to stored PDF.

    python bench/documents_worker.py [--invoices 60] [--lines 5] [--concurrency 2]

Starts its own private services (``tests/faults.py``: a PostgreSQL cluster and a Redis
server on free ports, never the shared ones) and stops them at the end. It places and
prepares ``--invoices`` orders of ``--lines`` lines in-process (the preparation's
consumers issue the invoices: numbers, fiscal data, a pending document each), drops the
queued tasks, then starts one ``celery worker`` with ``--concurrency`` pool processes
(2: the ``docker-compose.yml`` worker) and, once it is ready, queues
``documents.tasks.generate_document`` for every invoice at once. It measures from that
moment to the last invoice stored (read from the database, ``generated_at``) and prints
the per-task times the worker logged. Last line:
``documents: <n> invoices/min with <c> worker processes (<lines>-line invoices)``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import faults  # noqa: E402 - no Django in it


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=60)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args(argv)
    why_not = faults.available()
    if why_not:
        print(f"documents: cannot run: {why_not}")
        return 2

    stack = faults.Stack()
    try:
        pg = stack.add(faults.Postgres(stack.root))
        pg.init()
        db_url = pg.create_database("documents")
        redis = stack.add(faults.Redis())
        redis.start()
        media = stack.root / "media"
        mail = stack.root / "mail"
        media.mkdir()
        mail.mkdir()
        env = faults.app_env(
            DATABASE_URL=db_url,
            REDIS_URL=redis.url,
            EMAIL_URL=f"filemail:///{mail}",
            MEDIA_ROOT=str(media),
        )
        os.environ.update(env)
        import django

        django.setup()
        return run(args, stack, env, media)
    finally:
        stack.close()
        shutil.rmtree(stack.root, ignore_errors=True)


def run(args, stack: faults.Stack, env: dict, media: Path) -> int:
    from decimal import Decimal

    from django.core.management import call_command

    from config.celery import app
    from core import outbox
    from core.models import OutboxEvent
    from customers.tests.factories import CompanyFactory
    from documents.models import DocumentFile, DocumentKind, DocumentStatus
    from documents.tasks import generate_document
    from inventory.tests.factories import WarehouseFactory
    from orders import services as orders
    from orders.tests.factories import stocked_product

    call_command("migrate", verbosity=0)
    warehouse = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    skus = [f"DOC-{n:03d}" for n in range(args.lines)]
    for n, sku in enumerate(skus):
        stocked_product(
            1_000_000, warehouse, sku=sku, unit_price=Decimal("3.25") + n, name=f"Tornillo {n}"
        )
    company = CompanyFactory(legal_name="Suministros Bench S.L.", credit_limit=Decimal("1e9"))

    prepared_at = time.monotonic()
    for n in range(args.invoices):
        order = orders.place_order(
            actor=None,
            company=company,
            po_number=f"DOC-{n}",
            lines=[{"sku": sku, "quantity": 1 + n % 3} for sku in skus],
        )
        orders.prepare_order(order=order, actor=None)
    # The preparation's consumers, run here (no worker yet): invoices issued, documents
    # pending; then every task they queued is dropped.
    for event_id in OutboxEvent.objects.filter(processed_at__isnull=True).values_list(
        "pk", flat=True
    ):
        outbox.process(event_id)
    with app.connection_for_write() as conn:
        for queue in ("celery", "webhooks"):
            conn.default_channel.queue_purge(queue)
    invoices = list(
        DocumentFile.objects.filter(kind=DocumentKind.INVOICE, status=DocumentStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    print(
        f"documents: {len(invoices)} invoices of {args.lines} lines issued, pending "
        f"({time.monotonic() - prepared_at:.0f} s to prepare)"
    )

    worker = stack.add(
        faults.Worker(
            stack.root, env, name="documents", queues="celery", concurrency=args.concurrency
        )
    )
    worker.start()
    from django.utils import timezone

    started = timezone.now()
    t0 = time.monotonic()
    for document_id in invoices:
        generate_document.delay(document_id)
    ready = DocumentFile.objects.filter(pk__in=invoices, status=DocumentStatus.READY)
    if not faults.wait_for(lambda: ready.count() == len(invoices), timeout=600, interval=0.2):
        print(f"documents: only {ready.count()}/{len(invoices)} stored in 600 s")
        return 1
    wall = time.monotonic() - t0
    last = max(ready.values_list("generated_at", flat=True))
    elapsed = (last - started).total_seconds()
    task_times = [
        float(s)
        for s in re.findall(
            r"generate_document\[[^\]]+\] succeeded in ([0-9.]+)s", worker.log_text()
        )
    ]
    files = list(media.rglob("*.pdf"))
    sizes = [p.stat().st_size for p in files]
    per_minute = len(invoices) / elapsed * 60
    print(
        f"documents: {len(invoices)} invoices stored in {elapsed:.1f} s (polled {wall:.1f} s); "
        f"task median {statistics.median(task_times) * 1000:.0f} ms, p95 "
        f"{sorted(task_times)[int(0.95 * (len(task_times) - 1))] * 1000:.0f} ms "
        f"(first {task_times[0] * 1000:.0f} ms); {len(files)} PDF files, median "
        f"{statistics.median(sizes) / 1024:.0f} KB"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"documents: machine load average {load} ({os.cpu_count()} CPUs)")
    print(
        f"documents: {per_minute:.0f} invoices/min with {args.concurrency} worker processes "
        f"({args.lines}-line invoices)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
