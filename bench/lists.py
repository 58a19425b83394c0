"""Benchmark: the order lists of the three faces on a large history.

    python manage.py generate_orders --orders 1000000      # once, on the bench database
    python bench/lists.py [--repeat 15] [--explain]

Runs in-process against ``DATABASE_URL`` with the Django test client (server time: the
whole request, routing, queries and rendering, no network), signed in as a manager for
the back-office, as a buyer of the busiest customer for the portal, and with a seller
key for the API. For each list it prints the median and p95 of ``--repeat`` requests
(after one warm-up), the number of SQL statements and the slowest one's time;
``--explain`` adds ``EXPLAIN (ANALYZE, BUFFERS)`` of each list's slowest statement.
The last line: ``lists: <n> lists, slowest median <ms> ms (<name>), budget 100 ms``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import inprocess  # noqa: E402 (bench/inprocess.py, beside this script)
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from inprocess import bench_manager, host  # noqa: E402

from apikeys.services import create_api_key  # noqa: E402
from customers.models import CustomerRole, User  # noqa: E402
from orders.models import Order, OrderStatus  # noqa: E402
from orders.selectors import QUEUE_TABS  # noqa: E402

BUDGET_MS = 100


def clients():
    manager = bench_manager()
    busiest = (
        Order.objects.values("company").annotate(n=Count("id")).order_by("-n").first()["company"]
    )
    buyer, _ = User.objects.get_or_create(
        email="bench-buyer@example.com",
        defaults={"company_id": busiest, "role": CustomerRole.BUYER},
    )
    staff = Client(HTTP_HOST=host())
    staff.force_login(manager)
    portal = Client(HTTP_HOST=host())
    portal.force_login(buyer)
    api = Client(
        HTTP_HOST=host(), HTTP_AUTHORIZATION=f"Api-Key {create_api_key(name='bench lists')[1]}"
    )
    return staff, portal, api, busiest


def cases(busiest: int):
    middle = Order.objects.order_by("id").values_list("id", flat=True)[Order.objects.count() // 2]
    small = Order.objects.values("company").annotate(n=Count("id")).order_by("n").first()["company"]
    sample = Order.objects.exclude(po_number="").order_by("-id").values("number", "po_number")[500]
    yield "api", "API first page", "/api/v1/orders/", {"page_size": 50}
    yield (
        "api",
        "API deep cursor page",
        "/api/v1/orders/",
        {"page_size": 50, "cursor": f"p{middle}"},
    )
    yield "api", "API by customer (busiest)", "/api/v1/orders/", {"customer": busiest}
    yield "api", "API by customer (smallest)", "/api/v1/orders/", {"customer": small}
    yield "api", "API by status", "/api/v1/orders/", {"status": OrderStatus.EN_PREPARACION}
    for tab in QUEUE_TABS:
        yield "staff", f"queue tab {tab}", "/backoffice/orders/", {"tab": tab}
    yield (
        "staff",
        "queue search number",
        "/backoffice/orders/",
        {"tab": "all", "q": sample["number"]},
    )
    yield (
        "staff",
        "queue search PO",
        "/backoffice/orders/",
        {"tab": "all", "q": sample["po_number"]},
    )
    yield "portal", "portal order list", "/portal/orders/", {}


def measure(client, path, params, repeat):
    times, statements = inprocess.measure(client, path, params, repeat)
    slowest = max(statements, key=lambda q: float(q["time"]))
    return times, statements, slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    settings.DEBUG = True  # the captured queries carry their times
    staff, portal, api, busiest = clients()
    by_face = {"staff": staff, "portal": portal, "api": api}
    print(f"{Order.objects.count()} orders; {args.repeat} requests per list", flush=True)
    worst = (0.0, "")
    count = 0
    for face, name, path, params in cases(busiest):
        times, statements, slowest = measure(by_face[face], path, params, args.repeat)
        median = statistics.median(times)
        p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
        count += 1
        worst = max(worst, (median, name))
        print(
            f"{name}: median {median:.1f} ms, p95 {p95:.1f} ms, {len(statements)} queries, "
            f"slowest statement {float(slowest['time']) * 1000:.1f} ms",
            flush=True,
        )
        if args.explain:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest['sql']}")
                print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))
    print(
        f"lists: {count} lists, slowest median {worst[0]:.0f} ms ({worst[1]}), "
        f"budget {BUDGET_MS} ms"
    )


if __name__ == "__main__":
    main()
