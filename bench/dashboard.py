"""Benchmark: the operations dashboard and the customer 360 page on a large history.

    python manage.py generate_orders --orders 1000000      # once, on the bench database
    python bench/dashboard.py [--repeat 15] [--explain] [--top 3]

Runs in-process against ``DATABASE_URL`` with the Django test client (server time: the
whole request, routing, queries and rendering, no network), signed in as a manager for
the back-office and with a seller key for the API. Pages: the back-office home
(``backoffice:home?range=90d``), the company page (``backoffice:customer_detail``, its
customer 360 over its default 90 days) of the largest customer by order count, and
``/api/v1/kpis/`` for the same 90 days (all customers, then that customer). For each
it prints the median and p95 of ``--repeat`` requests (after one warm-up), the number
of SQL statements and the slowest one's time; ``--top`` lists that many of the slowest
statements (time and the start of their SQL); ``--explain`` adds
``EXPLAIN (ANALYZE, BUFFERS)`` of each page's slowest statement.
The last line: ``dashboard: <n> pages, slowest median <ms> ms (<name>), most queries <n>
(<name>), budget 500 ms and 30 queries``.
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

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from inprocess import bench_manager, host, measure  # noqa: E402

from apikeys.services import create_api_key  # noqa: E402
from dashboard.kpis import Period  # noqa: E402
from orders.models import Order  # noqa: E402

BUDGET_MS = 500
BUDGET_QUERIES = 30
DAYS = 90


def clients():
    manager = bench_manager()
    staff = Client(HTTP_HOST=host())
    staff.force_login(manager)
    api = Client(
        HTTP_HOST=host(),
        HTTP_AUTHORIZATION=f"Api-Key {create_api_key(name='bench dashboard')[1]}",
    )
    return staff, api


def largest_customer() -> tuple[int, int]:
    row = Order.objects.values("company").annotate(n=Count("id")).order_by("-n").first()
    return row["company"], row["n"]


def cases(largest: int):
    period = Period.last_days(DAYS)
    dates = {"from": period.date_from.isoformat(), "to": period.date_to.isoformat()}
    yield "staff", "dashboard 90d", reverse("backoffice:home"), {"range": "90d"}
    yield (
        "staff",
        "company page (largest customer)",
        reverse("backoffice:customer_detail", args=[largest]),
        {},
    )
    yield "api", "API kpis 90d", "/api/v1/kpis/", dates
    yield "api", "API kpis 90d (largest customer)", "/api/v1/kpis/", {**dates, "customer": largest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--top", type=int, default=0, help="list the N slowest statements")
    args = parser.parse_args()
    settings.DEBUG = True  # the captured queries carry their times
    staff, api = clients()
    by_face = {"staff": staff, "api": api}
    largest, largest_orders = largest_customer()
    print(
        f"{Order.objects.count()} orders; largest customer {largest} ({largest_orders} orders); "
        f"{args.repeat} requests per page",
        flush=True,
    )
    slowest_page = (0.0, "")
    most_queries = (0, "")
    count = 0
    for face, name, path, params in cases(largest):
        times, statements = measure(by_face[face], path, params, args.repeat)
        median = statistics.median(times)
        p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
        ranked = sorted(statements, key=lambda q: float(q["time"]), reverse=True)
        slowest = ranked[0]
        total_sql = sum(float(q["time"]) for q in statements) * 1000
        count += 1
        slowest_page = max(slowest_page, (median, name))
        most_queries = max(most_queries, (len(statements), name))
        print(
            f"{name}: median {median:.1f} ms, p95 {p95:.1f} ms, {len(statements)} queries "
            f"({total_sql:.1f} ms in SQL), "
            f"slowest statement {float(slowest['time']) * 1000:.1f} ms",
            flush=True,
        )
        for query in ranked[: args.top]:
            sql = " ".join(query["sql"].split())
            print(f"    {float(query['time']) * 1000:7.1f} ms  {sql[:160]}")
        if args.explain:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest['sql']}")
                print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))
    print(
        f"dashboard: {count} pages, slowest median {slowest_page[0]:.0f} ms ({slowest_page[1]}), "
        f"most queries {most_queries[0]} ({most_queries[1]}), "
        f"budget {BUDGET_MS} ms and {BUDGET_QUERIES} queries"
    )


if __name__ == "__main__":
    main()
