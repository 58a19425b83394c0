"""Benchmark: order intake through the API against a running stack, with a database baseline.

    python bench/intake.py --url http://127.0.0.1:8000 [--clients 8] [--seconds 20]
        [--lines 1,5,20] [--skus 3000] [--customers 300] [--hot-sku] [--no-pgbench]

Run it with the same ``DATABASE_URL`` as the server it measures: it prepares its own
catalog there (``BENCH-`` SKUs with plenty of stock in the default warehouse, ``BENCH``
customers, a seller API key), which it keeps for the next run. It starts nothing it
does not stop: the web tier (gunicorn), Redis and any Celery worker are yours to start
(``bench/README.md`` shows the commands); the server must not throttle the bench's key
(``API_RATE_SELLER=1000000/min``).

For each line count it runs closed-loop clients (each posts a new order as soon as the
previous one is answered, each with a fresh ``Idempotency-Key``) and prints orders/s,
p50/p95/p99 and error counts; then the SQL statements one placement costs, counted in
this process through the Django test client on the same database. In the same run,
``pgbench`` replays the writes one five-line order needs (idempotency row, five
conditional stock updates, the order, its lines and stock movements, the outbox row, in
one transaction) copied from a real order of the run, on the same schema: the database's
own limit for this workload. The last line reads
``intake: <n> orders/s = <r>% of DB limit <t> tps; p99 <ms> ms``.

``--hot-sku``: 50 clients buy one SKU whose stock runs out during the run; it prints the
throughput, p99, and the counts that prove it safe: units sold against the stock (no
oversell), deadlocks reported by PostgreSQL during the run, and 5xx answers.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apikeys.services import create_api_key  # noqa: E402
from customers.models import Company  # noqa: E402
from customers.validators import spanish_cif_controls  # noqa: E402
from inventory.models import Category, Product, StockItem, StockMovement, Warehouse  # noqa: E402
from orders.models import Order  # noqa: E402

PREFIX = "BENCH"
KEY_FILE = ROOT / "bench" / ".intake-key"
STOCK = 100_000_000


# --- the catalog ------------------------------------------------------------------------


def _cif(n: int) -> str:
    digits = f"{n:07d}"
    return f"B{digits}{spanish_cif_controls(digits)[0]}"


def prepare(*, skus: int, customers: int) -> tuple[list[int], list[str]]:
    """Customers and SKUs of the bench (created once, topped up when asked for more)."""
    warehouse = Warehouse.objects.filter(is_default=True).first() or Warehouse.objects.first()
    if warehouse is None:
        warehouse = Warehouse.objects.create(code="BENCH", name="Bench", is_default=True)
    category, _ = Category.objects.get_or_create(name=f"{PREFIX} category")
    have = set(Product.objects.filter(sku__startswith=f"{PREFIX}-").values_list("sku", flat=True))
    new = [
        Product(
            sku=f"{PREFIX}-{i:05d}",
            name=f"Bench product {i}",
            category=category,
            unit_price=f"{random.randint(100, 20000) / 100:.2f}",
            weight_kg="0.500",
        )
        for i in range(1, skus + 1)
        if f"{PREFIX}-{i:05d}" not in have
    ]
    with transaction.atomic():
        created = Product.objects.bulk_create(new, batch_size=1000)
        items = StockItem.objects.bulk_create(
            [StockItem(product=p, warehouse=warehouse, on_hand=STOCK) for p in created],
            batch_size=1000,
        )
        StockMovement.objects.bulk_create(
            [
                StockMovement(
                    stock_item=item,
                    kind="receipt",
                    on_hand_delta=STOCK,
                    reserved_delta=0,
                    on_hand_after=STOCK,
                    reserved_after=0,
                    reason="bench stock",
                )
                for item in items
            ],
            batch_size=1000,
        )
    have_companies = Company.objects.filter(legal_name__startswith=f"{PREFIX} ").count()
    Company.objects.bulk_create(
        [
            Company(
                legal_name=f"{PREFIX} customer {i}",
                tax_id=_cif(9_000_000 + i),
                email=f"bench{i}@example.com",
                line1="Calle Bench 1",
                postal_code="28001",
                city="Madrid",
                country="ES",
                payment_terms="net30",
                credit_limit="100000000.00",
            )
            for i in range(have_companies + 1, customers + 1)
        ],
        batch_size=1000,
    )
    company_ids = list(
        Company.objects.filter(legal_name__startswith=f"{PREFIX} ").values_list("pk", flat=True)
    )[:customers]
    sku_list = list(
        Product.objects.filter(sku__startswith=f"{PREFIX}-").values_list("sku", flat=True)
    )[:skus]
    return company_ids, sku_list


def api_key():
    """The bench's seller key (row, raw key), minted once and kept in ``bench/.intake-key``."""
    from apikeys.models import ApiKey

    if KEY_FILE.exists():
        raw = KEY_FILE.read_text().strip()
        row = ApiKey.objects.filter(name=f"{PREFIX} intake", revoked_at__isnull=True).first()
        if row is not None and raw.split("_")[1:2] == [row.prefix]:
            return row, raw
    row, raw = create_api_key(name=f"{PREFIX} intake")
    KEY_FILE.write_text(raw + "\n")
    return row, raw


# --- the load ---------------------------------------------------------------------------


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    started: float = 0.0
    ended: float = 0.0

    @property
    def ok(self) -> int:
        return self.statuses[201]

    def rate(self) -> float:
        return self.ok / (self.ended - self.started) if self.ended > self.started else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def _weighted_customers(company_ids: list[int]) -> list[float]:
    """Skewed volume: a few customers place most orders (Zipf-like weights)."""
    return [1 / (rank + 1) ** 0.8 for rank in range(len(company_ids))]


def load(
    *,
    url: str,
    key: str,
    clients: int,
    seconds: float,
    lines: int,
    company_ids: list[int],
    skus: list[str],
    quantity: int = 1,
) -> Run:
    run = Run()
    lock = threading.Lock()
    weights = _weighted_customers(company_ids)
    stop_at = time.perf_counter() + seconds

    def client(seed: int):
        rng = random.Random(seed)
        session = requests.Session()
        session.headers.update({"Authorization": f"Api-Key {key}"})
        while time.perf_counter() < stop_at:
            body = {
                "customer": rng.choices(company_ids, weights)[0],
                "po_number": f"B-{seed}-{rng.randrange(10**9)}",
                "shipping_method": "standard",
                "lines": [
                    {"sku": sku, "quantity": quantity}
                    for sku in rng.sample(skus, min(lines, len(skus)))
                ],
            }
            t0 = time.perf_counter()
            try:
                response = session.post(
                    f"{url}/api/v1/orders/",
                    json=body,
                    headers={"Idempotency-Key": str(uuid.uuid4())},
                    timeout=30,
                )
                status = response.status_code
            except requests.RequestException:
                status = "connection error"
            elapsed = time.perf_counter() - t0
            with lock:
                run.statuses[status] += 1
                if status == 201:
                    run.latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    run.started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.ended = time.perf_counter()
    return run


def web_cpu_seconds(master_pid: int | None) -> float:
    """User + system CPU seconds used so far by the children of ``master_pid`` (the
    gunicorn workers), read from /proc (Linux). 0.0 without a pid."""
    if not master_pid:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the command: state, ppid, ..., utime (14th field) and stime (15th)
        if int(fields[1]) == master_pid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def queries_per_order(*, key: str, company_id: int, skus: list[str], lines: int) -> int:
    """SQL statements of one placement through the whole API stack, in this process.

    The second of two placements is counted: the first may also record the key's
    last use or fill the shared cache (closure days), as the first request of a
    worker does."""
    from django.conf import settings

    host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
    host = host.lstrip(".") or "localhost"
    client = Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Api-Key {key}")
    count = 0
    for _attempt in range(2):
        body = {
            "customer": company_id,
            "po_number": "B-queries",
            "lines": [{"sku": sku, "quantity": 1} for sku in random.sample(skus, lines)],
        }
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(
                "/api/v1/orders/",
                data=json.dumps(body),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
                secure=True,
            )
        if response.status_code != 201:
            raise SystemExit(f"placement for the query count answered {response.status_code}")
        count = len(ctx.captured_queries)
    return count


# --- the database baseline --------------------------------------------------------------


def _columns(table: str) -> list[tuple[str, str, bool]]:
    """(name, data type, is an identity/serial id) of ``table``'s columns."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type, column_default LIKE 'nextval%%' OR is_identity = 'YES'"
            " FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [(name, kind, bool(serial)) for name, kind, serial in cursor.fetchall()]


def _copy(
    table: str, where: str, overrides: dict[str, str], *, join: str = "", tail: str = ""
) -> str:
    """``INSERT INTO table (...) SELECT ... FROM table t [join] WHERE where``: a template
    row copied with some columns replaced by SQL expressions; serial ids are left out,
    uuid columns get new values."""
    names, values = [], []
    for name, kind, serial in _columns(table):
        if serial:
            continue
        names.append(f'"{name}"')
        if name in overrides:
            values.append(overrides[name])
        elif kind == "uuid":
            values.append("gen_random_uuid()")
        else:
            values.append(f't."{name}"')
    columns, selected = ", ".join(names), ", ".join(values)
    sql = f"INSERT INTO {table} ({columns}) SELECT {selected} FROM {table} t {join} WHERE {where}"
    return f"{sql} {tail}".strip()


#: Marks on what the baseline writes, so ``cleanup_baseline`` finds it.
BASELINE_MARK = "pgbench-baseline"


def pgbench_script(template: Order) -> str:
    """The writes of one placement like ``template`` (a five-line order) as one pgbench
    transaction, statement for statement as the application issues them: the
    idempotency row, a conditional relative update per stock item (random BENCH items),
    the order, its lines in one insert, their movements in one insert (with the levels
    the updates returned), the outbox row."""
    from core.models import IdempotencyRecord, OutboxEvent

    lines = template.lines.count()
    movement = StockMovement.objects.filter(reference=template.number).values_list("pk", flat=True)
    event = (
        OutboxEvent.objects.filter(event_type="order.created", payload__number=template.number)
        .values_list("pk", flat=True)
        .first()
    )
    idem = IdempotencyRecord.objects.order_by("-created_at").values_list("pk", flat=True).first()
    if not movement or event is None or idem is None:
        raise SystemExit("the template order has no movements, outbox event or idempotency row")
    bench_items = StockItem.objects.filter(product__sku__startswith=f"{PREFIX}-").order_by("pk")
    low = bench_items.values_list("pk", flat=True).first()
    high = bench_items.reverse().values_list("pk", flat=True).first()
    out = [f"\\set s{i} random({low}, {high})" for i in range(lines)]
    out.append("BEGIN;")
    out.append(
        _copy(
            "core_idempotencyrecord",
            f"t.id = {idem}",
            {"client": f"'{BASELINE_MARK}'", "key": "md5(random()::text)", "created_at": "now()"},
        )
        + ";"
    )
    for i in range(lines):
        out.append(
            "UPDATE inventory_stockitem SET reserved = reserved + 1, updated_at = now() "
            f"WHERE id = :s{i} AND on_hand - reserved >= 1 "
            f"RETURNING on_hand AS o{i}, reserved AS r{i} \\gset"
        )
    out.append(
        _copy(
            "orders_order",
            f"t.id = {template.pk}",
            {
                "number": "left(md5(random()::text), 20)",
                "created_at": "now()",
                "updated_at": "now()",
            },
            tail="RETURNING id AS oid \\gset",
        )
    )
    out.append(_copy("orders_orderline", f"t.order_id = {template.pk}", {"order_id": ":oid"}) + ";")
    values = ", ".join(f"(:s{i}, :o{i}, :r{i})" for i in range(lines))
    out.append(
        _copy(
            "inventory_stockmovement",
            f"t.id = {movement[0]}",
            {
                "stock_item_id": "v.sid",
                "on_hand_after": "v.o",
                "reserved_after": "v.r",
                "reference": f"'{BASELINE_MARK}'",
                "object_id": "(:oid)::text",
                "created_at": "now()",
                "updated_at": "now()",
            },
            join=f", (VALUES {values}) AS v(sid, o, r)",
        )
        + ";"
    )
    out.append(
        _copy(
            "core_outboxevent",
            f"t.id = '{event}'",
            {"created_at": "now()", "last_error": f"'{BASELINE_MARK}'"},
        )
        + ";"
    )
    out.append("COMMIT;")
    return "\n".join(out) + "\n"


def pgbench(script: str, *, clients: int, seconds: int) -> float:
    settings_db = connection.settings_dict
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write(script)
        path = handle.name
    env = {**os.environ, "PGPASSWORD": settings_db.get("PASSWORD") or ""}
    command = [
        "pgbench",
        "-n",
        "-c",
        str(clients),
        "-j",
        str(min(clients, os.cpu_count() or 2)),
        "-T",
        str(seconds),
        "-f",
        path,
        "-h",
        settings_db.get("HOST") or "127.0.0.1",
        "-p",
        str(settings_db.get("PORT") or 5432),
        "-U",
        settings_db.get("USER") or "postgres",
        settings_db["NAME"],
    ]
    try:
        result = subprocess.run(  # noqa: S603 - pgbench with arguments built here
            command, capture_output=True, text=True, env=env, check=True
        )
    finally:
        os.unlink(path)
    for line in result.stdout.splitlines():
        if line.startswith("tps = "):
            return float(line.split()[2])
    raise SystemExit(f"pgbench printed no tps:\n{result.stdout}\n{result.stderr}")


def cleanup_baseline() -> None:
    """Undo what pgbench wrote, so the bench database stays consistent (the stock
    ledger reconciles): its reservations, movements, orders, outbox and idempotency
    rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inventory_stockitem s SET reserved = s.reserved - m.n FROM ("
            " SELECT stock_item_id, sum(reserved_delta) AS n FROM inventory_stockmovement"
            " WHERE reference = %s GROUP BY stock_item_id) m WHERE s.id = m.stock_item_id",
            [BASELINE_MARK],
        )
        cursor.execute("DELETE FROM inventory_stockmovement WHERE reference = %s", [BASELINE_MARK])
        cursor.execute(
            "DELETE FROM orders_orderline WHERE order_id IN "
            "(SELECT id FROM orders_order WHERE number ~ '^[0-9a-f]{20}$')"
        )
        cursor.execute("DELETE FROM orders_order WHERE number ~ '^[0-9a-f]{20}$'")
        cursor.execute("DELETE FROM core_outboxevent WHERE last_error = %s", [BASELINE_MARK])
        cursor.execute("DELETE FROM core_idempotencyrecord WHERE client = %s", [BASELINE_MARK])


def deadlocks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


# --- main -------------------------------------------------------------------------------


def report(label: str, run: Run) -> None:
    errors = {k: v for k, v in run.statuses.items() if k != 201}
    print(
        f"{label}: {run.rate():.1f} orders/s, p50 {run.pct(50):.0f} ms, "
        f"p95 {run.pct(95):.0f} ms, p99 {run.pct(99):.0f} ms, "
        f"{run.ok} placed, errors {dict(errors) or 0}",
        flush=True,
    )


def hot_sku(args, key_row, key: str, company_ids: list[int]) -> None:
    """50 clients buy one SKU until its stock runs out: zero oversell, zero deadlocks,
    zero 5xx, counted."""
    from inventory.services import receive

    warehouse = Warehouse.objects.filter(is_default=True).first() or Warehouse.objects.first()
    product = Product.objects.filter(sku=f"{PREFIX}-HOT").first()
    if product is None:
        category = Category.objects.get(name=f"{PREFIX} category")
        product = Product.objects.create(
            sku=f"{PREFIX}-HOT", name="Bench hot product", category=category, unit_price="10.00"
        )
    item = StockItem.objects.filter(product=product, warehouse=warehouse).first()
    available = (item.on_hand - item.reserved) if item else 0
    if available < args.hot_units:
        receive(
            actor=key_row,
            product=product,
            warehouse=warehouse,
            quantity=args.hot_units - available,
            reason="bench hot SKU",
        )
    before = StockItem.objects.get(product=product, warehouse=warehouse)
    deadlocks_before = deadlocks()
    run = load(
        url=args.url,
        key=key,
        clients=50,
        seconds=args.seconds,
        lines=1,
        company_ids=company_ids,
        skus=[product.sku],
        quantity=3,
    )
    after = StockItem.objects.get(product=product, warehouse=warehouse)
    reserved = after.reserved - before.reserved
    five_xx = sum(v for k, v in run.statuses.items() if isinstance(k, int) and k >= 500)
    report("hot SKU, 50 clients, 3 units an order", run)
    print(
        f"hot SKU: {before.on_hand - before.reserved} available before; {run.ok} orders placed "
        f"= {run.ok * 3} units, {reserved} reserved; {after.on_hand - after.reserved} left; "
        f"oversold {max(0, after.reserved - after.on_hand)}; "
        f"mismatch {abs(reserved - run.ok * 3)}; deadlocks {deadlocks() - deadlocks_before}; "
        f"5xx {five_xx}; refused 409 {run.statuses[409]}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--lines", default="1,5,20")
    parser.add_argument("--skus", type=int, default=3000)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--hot-sku", action="store_true")
    parser.add_argument("--hot-units", type=int, default=3000)
    parser.add_argument("--no-pgbench", action="store_true")
    parser.add_argument(
        "--server-pid",
        type=int,
        help="the gunicorn master's pid: also print its workers' CPU time per order",
    )
    args = parser.parse_args()

    company_ids, skus = prepare(skus=args.skus, customers=args.customers)
    key_row, key = api_key()
    print(
        f"catalog: {len(skus)} SKUs, {len(company_ids)} customers; "
        f"{args.clients} clients, {args.seconds:g} s per run against {args.url}",
        flush=True,
    )
    if args.hot_sku:
        hot_sku(args, key_row, key, company_ids)
        return
    load(
        url=args.url,
        key=key,
        clients=args.clients,
        seconds=args.warmup,
        lines=5,
        company_ids=company_ids,
        skus=skus,
    )
    results = {}
    for lines in [int(n) for n in args.lines.split(",")]:
        cpu_before = web_cpu_seconds(args.server_pid)
        run = load(
            url=args.url,
            key=key,
            clients=args.clients,
            seconds=args.seconds,
            lines=lines,
            company_ids=company_ids,
            skus=skus,
        )
        cpu = web_cpu_seconds(args.server_pid) - cpu_before
        results[lines] = run
        queries = queries_per_order(key=key, company_id=company_ids[0], skus=skus, lines=lines)
        report(f"{lines:>2} lines", run)
        print(f"{lines:>2} lines: {queries} queries per order", flush=True)
        if args.server_pid and run.ok:
            # CPU per order does not depend on what else the machine runs; orders/s does.
            print(f"{lines:>2} lines: web CPU {1000 * cpu / run.ok:.1f} ms per order", flush=True)
    main_run = results.get(5) or next(iter(results.values()))
    if args.no_pgbench:
        print(f"intake: {main_run.rate():.1f} orders/s; p99 {main_run.pct(99):.0f} ms")
        return
    template = (
        Order.objects.filter(company_id__in=company_ids, lines__isnull=False)
        .annotate(n=django.db.models.Count("lines"))
        .filter(n=5)
        .order_by("-pk")
        .first()
    )
    if template is None:
        raise SystemExit("no five-line order to copy for the baseline")
    try:
        tps = pgbench(
            pgbench_script(template), clients=args.clients, seconds=max(5, int(args.seconds))
        )
    finally:
        cleanup_baseline()
    share = 100 * main_run.rate() / tps if tps else 0.0
    print(f"baseline: pgbench, same writes as one 5-line order: {tps:.0f} tps")
    print(
        f"intake: {main_run.rate():.1f} orders/s = {share:.1f}% of DB limit {tps:.0f} tps; "
        f"p99 {main_run.pct(99):.0f} ms"
    )


if __name__ == "__main__":
    main()
