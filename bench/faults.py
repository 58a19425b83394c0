"""Fault runs: the stack survives Redis, a worker, PostgreSQL and webhook receivers failing.

    python bench/faults.py [redis] [worker-kill] [postgres] [webhook-hang] [--quick]
        [--json FILE] [--keep]

Everything runs on private services this script starts and stops itself (``tests/
faults.py``): a PostgreSQL cluster (``initdb`` in a temporary folder, on a free port),
a ``redis-server`` without persistence, gunicorn, Celery workers and a webhook receiver.
The shared PostgreSQL and Redis of the machine are never touched. Without a scenario
name it runs all four; ``--quick`` is the smaller run ``tests/test_faults.py`` makes in
CI. Each scenario prints its counts and ``<name>: PASS`` or ``<name>: FAIL (<why>)``;
the last line is ``faults: <n>/<m> scenarios passed``; the exit status is 0 when all
passed. ``--json FILE`` writes every count.

The periodic jobs (Celery beat's ``relay_outbox``, ``retry_due_deliveries`` and the
pending sweeps) are run by this script itself once a second while it waits for the
recovery, with their waiting times shortened (``OUTBOX_REDISPATCH_SECONDS`` 3 s, the
sweeps' ages 2 s) so that minutes of production time fit in seconds.

- ``redis``: closed-loop clients place orders through the API while Redis is killed
  (its queues lost with it) and started again empty; every answer must be a 201, every
  order saved, and once Redis is back every order-received email and ``order.created``
  webhook delivered exactly once (counted in the mail folder and at the receiver).
- ``worker-kill``: one worker renders the documents of prepared orders; it is killed
  (SIGKILL to the worker and its pool) while a PDF is being rendered; a second worker
  started afterwards runs the task again once the visibility timeout has passed. Each
  document is stored once (one file each), invoice numbers have no gap, and each email
  and webhook went out once.
- ``postgres``: API clients and a back-office reader run while PostgreSQL is stopped
  (``pg_ctl stop -m fast``) and started again. While it is down every answer is a fast
  503 with the API's JSON error (``service_unavailable``) or the friendly page; after
  it is back every request succeeds without restarting gunicorn (``CONN_HEALTH_CHECKS``).
  The clients retry a 503 with the same ``Idempotency-Key``: each order is placed once.
- ``webhook-hang``: order intake timed with a webhook receiver that answers at once,
  then with one that hangs, then with a slow one; webhook deliveries run on their own
  queue and worker, so intake latency and order emails are unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import faults  # noqa: E402 - no Django in it

# worker-kill first: it needs the only workers of the run; the others share theirs.
SCENARIOS = ["worker-kill", "redis", "postgres", "webhook-hang"]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> int:
    return round(seconds * 1000)


# --- set-up -----------------------------------------------------------------------------


class Context:
    """The private services, the seeded data and the environment of the processes."""

    def __init__(self, stack: faults.Stack, pg: faults.Postgres, redis: faults.Redis, db_url):
        self.stack = stack
        self.pg = pg
        self.redis = redis
        self.db_url = db_url
        self.media = stack.root / "media"
        self.media.mkdir()
        self.key = ""
        self.company_id = 0
        self.skus: list[str] = []
        self.staff_cookie = ""
        self.quick = False
        self.webhook_timeout = 5
        self.visibility_timeout = 10
        self.mail = self.mail_dir("run")
        self._shared = None

    def shared(self):
        """gunicorn, a worker for the ``celery`` queue and one for ``webhooks``, as
        production runs them (``docker-compose.yml``); started once for the scenarios
        that do not kill them."""
        if self._shared is None:
            env = self.env(self.mail)
            web = self.stack.add(faults.Gunicorn(self.stack.root, env))
            tasks = self.stack.add(
                faults.Worker(self.stack.root, env, name="tasks", queues="celery", concurrency=2)
            )
            hooks = self.stack.add(
                faults.Worker(self.stack.root, env, name="hooks", queues="webhooks", concurrency=2)
            )
            for thing in (web, tasks, hooks):  # starting together, ready together
                thing.start(wait=False)
            for thing in (web, tasks, hooks):
                thing.wait_ready()
            self._shared = (web, tasks, hooks)
        return self._shared

    def stop_shared(self) -> None:
        if self._shared is not None:
            for thing in self._shared:
                thing.stop()
            self._shared = None

    def env(self, mail_dir: Path, **extra) -> dict[str, str]:
        return faults.app_env(
            DATABASE_URL=self.db_url,
            REDIS_URL=self.redis.url,
            EMAIL_URL=f"filemail:///{mail_dir}",
            MEDIA_ROOT=str(self.media),
            WEBHOOK_TIMEOUT=str(self.webhook_timeout),
            CELERY_VISIBILITY_TIMEOUT=str(self.visibility_timeout),
            DATABASE_CONNECT_TIMEOUT="2",
            **extra,
        )

    def mail_dir(self, name: str) -> Path:
        path = self.stack.root / f"mail-{name}"
        path.mkdir()
        return path


def configure_django(ctx_env: dict[str, str]) -> None:
    """This process becomes a Django process on the private database (before setup)."""
    os.environ.update(ctx_env)
    os.environ["OUTBOX_REDISPATCH_SECONDS"] = "3"
    import django

    django.setup()


def seed(ctx: Context, *, lines: int = 2) -> None:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from apikeys.services import create_api_key
    from core.roles import StaffRole
    from customers.models import CustomerRole
    from customers.tests.factories import CompanyFactory, CustomerUserFactory, StaffUserFactory
    from inventory.tests.factories import WarehouseFactory
    from orders.tests.factories import stocked_product

    warehouse = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    ctx.skus = []
    for n in range(max(lines, 2)):
        sku = f"FAULT-{n:03d}"
        stocked_product(1_000_000, warehouse, sku=sku, unit_price=Decimal("1.50"))
        ctx.skus.append(sku)
    company = CompanyFactory(
        legal_name="Ferretería Avería S.L.", credit_limit=Decimal("100000000.00")
    )
    CustomerUserFactory(company=company, role=CustomerRole.BUYER, email="compras@averia.example")
    ctx.company_id = company.pk
    ctx.key = create_api_key(name="faults")[1]
    manager = StaffUserFactory(email="manager@faults.example", roles=[StaffRole.MANAGER])
    session = SessionStore()
    session[SESSION_KEY] = str(manager.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = manager.get_session_auth_hash()
    session["_idle_refreshed_at"] = int(time.time())
    session.create()
    ctx.staff_cookie = session.session_key


def subscribe(url: str, events: list[str]):
    """A webhook subscription to ``url`` (the earlier ones are switched off: workers may
    still be writing deliveries for them)."""
    from webhooks import services
    from webhooks.models import Subscription

    Subscription.objects.update(active=False)
    return services.create_subscription(actor=None, url=url, events=events)


def run_sweeps() -> None:
    """What Celery beat would run, with the waiting times of a compressed clock."""
    from core.tasks import relay_outbox
    from documents.tasks import sweep_pending_documents
    from notifications.tasks import sweep_pending_notifications
    from webhooks.tasks import retry_due_deliveries

    for job, kwargs in (
        (relay_outbox, {}),
        (retry_due_deliveries, {}),
        (sweep_pending_notifications, {"older_than_seconds": 2}),
        (sweep_pending_documents, {"older_than_seconds": 2}),
    ):
        try:
            job(**kwargs)
        except Exception as exc:  # the broker may still be coming back
            print(f"  sweep {job.name} failed: {type(exc).__name__}: {exc}")


def purge_queues() -> None:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            for queue in ("celery", "webhooks"):
                conn.default_channel.queue_purge(queue)
    except Exception as exc:
        print(f"  purge failed: {exc}")


# --- the API client ---------------------------------------------------------------------


class Orders:
    """Closed-loop API clients placing two-line orders; counts every answer."""

    def __init__(self, ctx: Context, url: str, tag: str):
        self.ctx = ctx
        self.url = url
        self.tag = tag
        self.statuses: Counter = Counter()
        self.latencies: list[float] = []
        self.numbers: list[str] = []
        self.created_at: dict[str, float] = {}
        self.bad: list[str] = []
        self._lock = threading.Lock()
        self._n = 0

    def body(self, po: str) -> dict:
        return {
            "customer": self.ctx.company_id,
            "po_number": po,
            "shipping_method": "standard",
            "lines": [{"sku": sku, "quantity": 1} for sku in self.ctx.skus[:2]],
        }

    def place_one(self, session: requests.Session, *, retry_503: bool = False) -> int:
        with self._lock:
            self._n += 1
            po = f"{self.tag}-{self._n}"
        key = str(uuid.uuid4())
        while True:
            started = time.perf_counter()
            try:
                response = session.post(
                    f"{self.url}/api/v1/orders/",
                    json=self.body(po),
                    headers={
                        "Authorization": f"Api-Key {self.ctx.key}",
                        "Idempotency-Key": key,
                        "Accept-Language": "en",
                    },
                    timeout=30,
                )
                status = response.status_code
            except requests.RequestException as exc:
                status, response = 0, None
                self.bad.append(f"{type(exc).__name__}: {exc}"[:200])
            took = time.perf_counter() - started
            with self._lock:
                self.statuses[status] += 1
                self.latencies.append(took)
                if status == 201:
                    number = response.json()["number"]
                    self.numbers.append(number)
                    self.created_at[number] = time.monotonic()
                elif status != 503 or not retry_503:
                    self.bad.append(f"{status}: {response.text[:200] if response else ''}")
            if status == 503 and retry_503:
                time.sleep(0.2)  # the answer says Retry-After; the bench is impatient
                continue
            return status

    def run(self, *, clients: int, total: int | None = None, until=None, retry_503=False):
        """``total`` orders, or until ``until()`` is true, over ``clients`` threads."""
        remaining = [total] if total is not None else None

        def client():
            session = requests.Session()
            while True:
                with self._lock:
                    if remaining is not None:
                        if remaining[0] <= 0:
                            return
                        remaining[0] -= 1
                if until is not None and until():
                    return
                self.place_one(session, retry_503=retry_503)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def emailed(mail_dir: Path, numbers: list[str]) -> Counter:
    """How many messages mention each order number."""
    counts: Counter = Counter(dict.fromkeys(numbers, 0))
    for message in faults.emails(mail_dir):
        for number in numbers:
            if re.search(rf"{re.escape(number)}(?!\d)", message):
                counts[number] += 1
    return counts


def settle(predicate, *, timeout: float, sweeps: bool = True) -> bool:
    """Run the periodic jobs every second until ``predicate()`` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if sweeps:
            run_sweeps()
        time.sleep(1.0)
    return predicate()


# --- scenarios --------------------------------------------------------------------------


def scenario_redis(ctx: Context, quick: bool) -> dict:
    from core.models import OutboxEvent
    from orders.models import Order

    per_phase = 8 if quick else 20
    mail = ctx.mail
    receiver = ctx.stack.add(faults.Receiver())
    receiver.start()
    subscribe(receiver.url, ["order.created"])
    web, _tasks, _hooks = ctx.shared()

    orders = Orders(ctx, web.url, "REDIS")
    phases = {}
    orders.run(clients=4, total=per_phase)
    up_numbers = list(orders.numbers)
    phases["up"] = dict(orders.statuses)
    processed_before_kill = sum(
        1
        for payload in OutboxEvent.objects.filter(
            event_type="order.created", processed_at__isnull=False
        ).values_list("payload", flat=True)
        if payload.get("number") in up_numbers
    )
    ctx.redis.stop()  # its queues go with it: nothing is persisted
    down_started = time.monotonic()
    min_down = 2.0 if quick else 5.0
    while time.monotonic() - down_started < min_down:  # at least per_phase, min_down s
        orders.run(clients=4, total=per_phase)
    phases["down"] = dict(orders.statuses - Counter(phases["up"]))
    ctx.redis.start()
    down_seconds = time.monotonic() - down_started
    before_back = Counter(orders.statuses)
    orders.run(clients=4, total=per_phase)
    phases["back"] = dict(orders.statuses - before_back)
    total = sum(orders.statuses.values())
    recovery_started = time.monotonic()

    def delivered() -> bool:
        counts = emailed(mail, orders.numbers)
        return all(counts.values()) and all(receiver.numbers[n] for n in orders.numbers)

    settled = settle(delivered, timeout=90)
    recovery = time.monotonic() - recovery_started
    time.sleep(3)  # a duplicate would show up by now
    run_sweeps()
    time.sleep(2)
    mails = emailed(mail, orders.numbers)
    saved = Order.objects.filter(po_number__startswith="REDIS-").count()
    relayed_again = OutboxEvent.objects.filter(event_type="order.created", attempts__gt=1)
    redispatched = relayed_again.count()
    # Orders placed with Redis up whose event had to be sent again: its message was in
    # Redis when it was killed (lost), or its worker could not finish it.
    lost_in_redis = sum(
        1
        for payload in relayed_again.values_list("payload", flat=True)
        if payload.get("number") in up_numbers
    )
    result = {
        "orders": total,
        "answers": dict(orders.statuses),
        "answers_by_phase": phases,
        "saved": saved,
        "redis_down_seconds": round(down_seconds, 1),
        "p99_ms_overall": ms(percentile(orders.latencies, 99)),
        "emails_once": sum(1 for n in orders.numbers if mails[n] == 1),
        "emails_duplicated": sum(1 for n in orders.numbers if mails[n] > 1),
        "emails_missing": sum(1 for n in orders.numbers if mails[n] == 0),
        "webhooks_once": sum(1 for n in orders.numbers if receiver.numbers[n] == 1),
        "webhooks_duplicated": sum(1 for n in orders.numbers if receiver.numbers[n] > 1),
        "webhooks_missing": sum(1 for n in orders.numbers if receiver.numbers[n] == 0),
        "webhook_ids_answered_twice": sum(1 for c in receiver.answered.values() if c > 1),
        "events_relayed_again": redispatched,
        "events_lost_in_redis_and_redispatched": lost_in_redis,
        "events_processed_before_the_kill": processed_before_kill,
        "recovery_seconds": round(recovery, 1),
        "workers_restarted": {w.name: w.restarts for w in (_tasks, _hooks)},
        "settled": settled,
        "bad_answers": orders.bad[:5],
    }
    problems = []
    if orders.statuses[201] != total or len(orders.statuses) != 1:
        problems.append(f"answers {dict(orders.statuses)}")
    if saved != total:
        problems.append(f"{saved}/{total} orders saved")
    if result["emails_once"] != total:
        problems.append("emails not exactly once")
    if result["webhooks_once"] != total or result["webhook_ids_answered_twice"]:
        problems.append("webhooks not exactly once")
    print(
        f"  orders {total}: answers {dict(orders.statuses)}, saved {saved}; "
        f"Redis down {down_seconds:.1f} s (answers while down {phases['down']}); "
        f"emails once {result['emails_once']}/{total} (duplicates "
        f"{result['emails_duplicated']}, missing {result['emails_missing']}); webhooks once "
        f"{result['webhooks_once']}/{total} (duplicates {result['webhooks_duplicated']}, "
        f"missing {result['webhooks_missing']}); events relayed again {redispatched}, of "
        f"which {lost_in_redis} taken by Redis before it died ({processed_before_kill} of "
        f"the {len(up_numbers)} placed before were processed by then); all delivered "
        f"{recovery:.1f} s after Redis was back; workers restarted by the supervisor "
        f"{result['workers_restarted']}"
    )
    receiver.stop()
    return {**result, "problems": problems}


def scenario_worker_kill(ctx: Context, quick: bool) -> dict:
    from customers.models import Company
    from documents.models import DocumentFile, DocumentStatus, Invoice
    from orders import services as orders_services

    n_orders = 2 if quick else 6
    lines = 30
    visibility = ctx.visibility_timeout
    ctx.stop_shared()  # the doomed worker must be the only one when it is killed
    mail = ctx.mail_dir("kill")
    receiver = ctx.stack.add(faults.Receiver())
    receiver.start()
    subscribe(receiver.url, ["order.created", "order.status_changed", "invoice.issued"])
    env = ctx.env(mail)
    first = ctx.stack.add(
        faults.Worker(ctx.stack.root, env, name="doomed", queues="celery,webhooks")
    )
    first.start()

    company = Company.objects.get(pk=ctx.company_id)
    placed = []
    for n in range(n_orders):
        placed.append(
            orders_services.place_order(
                actor=None,
                company=company,
                po_number=f"KILL-{n}",
                lines=[{"sku": sku, "quantity": 1} for sku in ctx.skus[:lines]],
            )
        )
    numbers = [o.number for o in placed]
    settle(lambda: all(emailed(mail, numbers).values()), timeout=60)
    for order in placed:
        orders_services.prepare_order(order=order, actor=None)

    # Kill the worker while it renders a PDF: a document whose render has begun
    # (attempts counted) and is not stored yet.
    rendering = DocumentFile.objects.filter(
        order__in=placed, status=DocumentStatus.PENDING, attempts__gte=1
    )
    caught = faults.wait_for(rendering.exists, timeout=60, interval=0.01)
    victim = rendering.values("pk", "kind", "attempts").first() if caught else None
    first.kill()
    killed_at = time.monotonic()
    victim_after_kill = (
        DocumentFile.objects.filter(pk=victim["pk"]).values("status", "attempts").first()
        if victim
        else None
    )
    second = ctx.stack.add(
        faults.Worker(ctx.stack.root, env, name="survivor", queues="celery,webhooks")
    )
    second.start()
    # Preparing issues an invoice, a packing list and a shipping label per order.
    expected_docs = 3 * n_orders

    def done() -> bool:
        ready = DocumentFile.objects.filter(order__in=placed, status=DocumentStatus.READY)
        return ready.count() == expected_docs and expected_docs > 0

    # The sweeps are not run here: the rerun must come from Celery (visibility timeout).
    settled = settle(done, timeout=visibility + 60, sweeps=False)
    rerun_after = time.monotonic() - killed_at
    # Emails and webhooks of the status change and the invoices, then a pause for
    # duplicates.
    time.sleep(4)
    victim_final = (
        DocumentFile.objects.filter(pk=victim["pk"]).values("status", "attempts").first()
        if victim
        else None
    )
    files = list(ctx.media.rglob("*.pdf"))
    ready_names = set(
        DocumentFile.objects.filter(order__in=placed, status=DocumentStatus.READY).values_list(
            "file", flat=True
        )
    )
    order_files = [p for p in files if str(p.relative_to(ctx.media)) in ready_names]
    invoice_numbers = sorted(
        Invoice.objects.filter(order__in=placed).values_list("number", flat=True)
    )
    sequence = [int(re.sub(r"\D", "", n.rsplit("-", 1)[-1])) for n in invoice_numbers]
    gapless = (
        sequence == list(range(sequence[0], sequence[0] + len(sequence))) if sequence else False
    )
    mails = emailed(mail, numbers)
    result = {
        "orders": n_orders,
        "documents": expected_docs,
        "documents_ready": DocumentFile.objects.filter(
            order__in=placed, status=DocumentStatus.READY
        ).count(),
        "killed_mid_render": bool(
            victim and victim_after_kill and victim_after_kill["status"] == DocumentStatus.PENDING
        ),
        "victim": {"kind": victim["kind"], "attempts_at_kill": victim["attempts"]}
        if victim
        else None,
        "victim_final": victim_final,
        "rerun_seconds_after_kill": round(rerun_after, 1),
        "visibility_timeout": visibility,
        "pdf_files_of_these_documents": len(order_files),
        "pdf_files_total": len(files),
        "invoices": len(invoice_numbers),
        "invoice_numbers_gapless": gapless,
        "emails_per_order": sorted(set(mails.values())),
        "webhook_ids_answered_twice": sum(1 for c in receiver.answered.values() if c > 1),
        "webhooks_answered": sum(receiver.answered.values()),
        "settled": settled,
    }
    problems = []
    if not result["killed_mid_render"]:
        problems.append("the worker was not killed mid-render")
    if result["documents_ready"] != expected_docs:
        problems.append(f"{result['documents_ready']}/{expected_docs} documents ready")
    if victim_final is None or victim_final["attempts"] < 2:
        problems.append("the killed render did not run again")
    if len(order_files) != expected_docs or len(files) != expected_docs:
        problems.append(f"{len(files)} PDF files for {expected_docs} documents")
    if len(invoice_numbers) != n_orders or not gapless:
        problems.append(f"invoices {invoice_numbers}")
    # Each order: its order-received email only (preparing sends none, the invoice
    # email goes with shipping).
    if result["emails_per_order"] != [1]:
        problems.append(f"emails per order {result['emails_per_order']}")
    if result["webhook_ids_answered_twice"]:
        problems.append("a webhook delivered twice")
    print(
        f"  {n_orders} orders, {expected_docs} documents ({lines} lines each); worker killed "
        f"while rendering a {victim['kind'] if victim else '?'} (attempt "
        f"{victim['attempts'] if victim else '?'}, not stored); run again by the second "
        f"worker: attempts {victim_final['attempts'] if victim_final else '?'}, "
        f"{result['documents_ready']}/{expected_docs} ready {rerun_after:.1f} s after the kill "
        f"(visibility timeout {visibility} s); PDF files {len(files)}; invoices "
        f"{len(invoice_numbers)} gapless {gapless}; emails per order "
        f"{result['emails_per_order']}; webhooks {result['webhooks_answered']}, twice "
        f"{result['webhook_ids_answered_twice']}"
    )
    for thing in (second, receiver):
        thing.stop()
    return {**result, "problems": problems}


def scenario_postgres(ctx: Context, quick: bool) -> dict:
    from django.db import connection

    from orders.models import Order

    before_s, down_s, after_s = (2.0, 2.0, 3.0) if quick else (5.0, 5.0, 8.0)
    web, _tasks, _hooks = ctx.shared()
    pids_before = web.process.pid
    connection.close()  # this process's own connection does not outlive the restart

    log: list[tuple[float, str, int, float, bool]] = []  # (t, kind, status, seconds, shape ok)
    lock = threading.Lock()
    stop = threading.Event()
    t0 = time.monotonic()
    orders = Orders(ctx, web.url, "PG")

    def api_client():
        session = requests.Session()
        while not stop.is_set():
            key = str(uuid.uuid4())
            with orders._lock:
                orders._n += 1
                po = f"PG-{orders._n}"
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    response = session.post(
                        f"{web.url}/api/v1/orders/",
                        json=orders.body(po),
                        headers={
                            "Authorization": f"Api-Key {ctx.key}",
                            "Idempotency-Key": key,
                            "Accept-Language": "en",
                        },
                        timeout=30,
                    )
                    status = response.status_code
                except requests.RequestException:
                    status, response = 0, None
                took = time.perf_counter() - started
                shape = False
                if status == 503:
                    try:
                        body = response.json()
                        shape = (
                            body.get("code") == "service_unavailable"
                            and bool(body.get("detail"))
                            and response.headers.get("Retry-After") == "5"
                        )
                    except ValueError:
                        shape = False
                elif status == 201:
                    shape = True
                    with orders._lock:
                        orders.numbers.append(response.json()["number"])
                elif status == 409 and response is not None:
                    shape = response.json().get("code") == "idempotency_key_in_progress"
                with lock:
                    log.append((time.monotonic() - t0, "api", status, took, shape))
                if status in (201, 409) or status not in (0, 503):
                    break
                time.sleep(0.2)

    def ui_client():
        session = requests.Session()
        session.cookies.set("sessionid", ctx.staff_cookie)
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = session.get(
                    f"{web.url}/backoffice/", headers={"Accept-Language": "en"}, timeout=30
                )
                status = response.status_code
                text = response.text
            except requests.RequestException:
                status, text = 0, ""
            took = time.perf_counter() - started
            if status == 503:
                shape = (
                    "The service is temporarily unavailable." in text
                    and 'data-status="503"' in text
                    and "Traceback" not in text
                )
            else:
                shape = status == 200
            with lock:
                log.append((time.monotonic() - t0, "ui", status, took, shape))
            time.sleep(0.05)

    threads = [threading.Thread(target=api_client) for _ in range(3)]
    threads.append(threading.Thread(target=ui_client))
    for thread in threads:
        thread.start()
    time.sleep(before_s)
    stop_at = time.monotonic() - t0
    ctx.pg.stop("fast")
    time.sleep(down_s)
    ctx.pg.start()
    start_at = time.monotonic() - t0
    time.sleep(after_s)
    stop.set()
    for thread in threads:
        thread.join()
    recovered_alive = web.process.poll() is None and web.process.pid == pids_before

    def phase(t):
        if t < stop_at:
            return "before"
        if t < start_at + 0.5:
            return "outage"
        return "after"

    summary: dict[str, Counter] = {p: Counter() for p in ("before", "outage", "after")}
    slowest_503 = 0.0
    bad_shape = 0
    first_ok_after = None
    failures_after_first_ok = 0
    for t, kind, status, took, shape in sorted(log):
        p = phase(t)
        summary[p][f"{kind} {status}"] += 1
        if status == 503:
            slowest_503 = max(slowest_503, took)
        if not shape and status != 409:
            bad_shape += 1
        if p == "after":
            if status in (200, 201):
                first_ok_after = first_ok_after or t
            elif first_ok_after is not None:
                failures_after_first_ok += 1
    statuses = Counter(status for _t, _k, status, _s, _ok in log)
    saved = Order.objects.filter(po_number__startswith="PG-").count()
    placed = len(orders.numbers)
    five_hundreds = sum(c for s, c in statuses.items() if s >= 500 and s != 503)
    result = {
        "phases": {p: dict(c) for p, c in summary.items()},
        "answers": {str(k): v for k, v in statuses.items()},
        "answers_503": statuses[503],
        "answers_5xx_other": five_hundreds,
        "connection_errors": statuses[0],
        "bad_bodies": bad_shape,
        "slowest_503_ms": ms(slowest_503),
        "down_seconds": round(start_at - stop_at, 1),
        "recovered_seconds_after_start": round(first_ok_after - start_at, 2)
        if first_ok_after
        else None,
        "failures_after_recovery": failures_after_first_ok,
        "gunicorn_not_restarted": recovered_alive,
        "orders_placed": placed,
        "orders_saved": saved,
        "orders_unique": len(set(orders.numbers)) == placed,
    }
    problems = []
    if statuses[503] == 0:
        problems.append("no 503 during the outage")
    if five_hundreds or statuses[0]:
        problems.append(f"answers {dict(statuses)}")
    if bad_shape:
        problems.append(f"{bad_shape} answers without the expected body")
    if slowest_503 > 3.0:
        problems.append(f"a 503 took {slowest_503:.1f} s")
    if first_ok_after is None or failures_after_first_ok:
        problems.append("did not recover cleanly")
    if saved != placed or not result["orders_unique"]:
        problems.append(f"{saved} orders saved for {placed} placed")
    print(
        f"  PostgreSQL down {result['down_seconds']} s: answers {dict(statuses)}; "
        f"before {dict(summary['before'])}; outage {dict(summary['outage'])}; after "
        f"{dict(summary['after'])}; slowest 503 {ms(slowest_503)} ms; bodies not as "
        f"API.md {bad_shape}; first success {result['recovered_seconds_after_start']} s "
        f"after the start, failures after it {failures_after_first_ok}; same gunicorn "
        f"{recovered_alive}; orders placed {placed} = saved {saved}"
    )
    return {**result, "problems": problems}


def scenario_webhook_hang(ctx: Context, quick: bool) -> dict:
    from webhooks.models import Delivery

    per_phase = 8 if quick else 40
    timeout = ctx.webhook_timeout
    mail = ctx.mail
    receiver = ctx.stack.add(faults.Receiver())
    receiver.start()
    subscription = subscribe(receiver.url, ["order.created"])
    web, _tasks, _hooks = ctx.shared()

    Orders(ctx, web.url, "HANG-warm").run(clients=2, total=4)  # warm the web workers
    phases = {}
    for mode in ("ok", "hang", "slow"):
        receiver.mode = mode
        orders = Orders(ctx, web.url, f"HANG-{mode}")
        orders.run(clients=2, total=per_phase)
        sent = faults.wait_for(
            lambda o=orders: all(emailed(mail, o.numbers).values()), timeout=60, interval=0.2
        )
        email_lag = []
        for number in orders.numbers:
            path_times = [
                p.stat().st_mtime
                for p in mail.iterdir()
                if re.search(rf"{re.escape(number)}(?!\d)", p.read_text(errors="replace"))
            ]
            if path_times:
                # Wall-clock file time against the answer's wall-clock time.
                email_lag.append(
                    min(path_times) - (time.time() - (time.monotonic() - orders.created_at[number]))
                )
        phases[mode] = {
            "answers": dict(orders.statuses),
            "p50_ms": ms(statistics.median(orders.latencies)),
            "p95_ms": ms(percentile(orders.latencies, 95)),
            "emails_sent": sent,
            "email_lag_p95_ms": ms(percentile(email_lag, 95)) if email_lag else None,
        }
        if mode == "ok":
            phases[mode]["webhooks_delivered"] = faults.wait_for(
                lambda o=orders: all(receiver.numbers[n] for n in o.numbers), timeout=30
            )
        print(f"  receiver {mode}: {phases[mode]}")
    mine = Delivery.objects.filter(subscription=subscription, last_error__icontains="timed out")
    faults.wait_for(mine.exists, timeout=timeout + 10)
    timed_out = mine.count()
    receiver.mode = "ok"
    base, hang = phases["ok"], phases["hang"]
    result = {"phases": phases, "deliveries_timed_out": timed_out, "webhook_timeout": timeout}
    problems = []
    for mode in ("hang", "slow"):
        p = phases[mode]
        if p["answers"] != {201: per_phase}:
            problems.append(f"{mode}: answers {p['answers']}")
        if p["p95_ms"] > max(2 * base["p95_ms"], base["p95_ms"] + 150):
            problems.append(f"{mode}: p95 {p['p95_ms']} ms against {base['p95_ms']} ms")
        if not p["emails_sent"]:
            problems.append(f"{mode}: order emails not sent")
    if not phases["ok"]["webhooks_delivered"]:
        problems.append("webhooks not delivered to a working receiver")
    if not timed_out:
        problems.append("no delivery timed out against the hanging receiver")
    print(
        f"  intake p50/p95: receiver ok {base['p50_ms']}/{base['p95_ms']} ms, hanging "
        f"{hang['p50_ms']}/{hang['p95_ms']} ms, slow {phases['slow']['p50_ms']}/"
        f"{phases['slow']['p95_ms']} ms; deliveries timed out {timed_out} "
        f"(WEBHOOK_TIMEOUT {timeout} s); order emails sent in every phase"
    )
    receiver.stop()
    return {**result, "problems": problems}


RUNNERS = {
    "redis": scenario_redis,
    "worker-kill": scenario_worker_kill,
    "postgres": scenario_postgres,
    "webhook-hang": scenario_webhook_hang,
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", metavar="scenario", help=", ".join(SCENARIOS))
    parser.add_argument("--quick", action="store_true", help="the smaller CI run")
    parser.add_argument("--json", type=Path, help="write every count to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    chosen = args.scenarios or SCENARIOS
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {unknown[0]!r}: choose from {', '.join(SCENARIOS)}")
    why_not = faults.available()
    if why_not:
        print(f"faults: cannot run: {why_not}")
        return 2

    stack = faults.Stack()
    results: dict[str, dict] = {}
    started = time.monotonic()
    try:
        pg = stack.add(faults.Postgres(stack.root))
        pg.init()
        db_url = pg.create_database("faults")
        redis = stack.add(faults.Redis())
        redis.start()
        ctx = Context(stack, pg, redis, db_url)
        ctx.quick = args.quick
        ctx.webhook_timeout = 2 if args.quick else 5
        ctx.visibility_timeout = 5 if args.quick else 10
        configure_django(ctx.env(stack.root))
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        seed(ctx, lines=30)
        print(f"faults: private PostgreSQL :{pg.port}, Redis :{redis.port}, in {stack.root}")
        for name in chosen:
            print(f"{name}:")
            purge_queues()
            t = time.monotonic()
            try:
                result = RUNNERS[name](ctx, args.quick)
            except Exception as exc:
                import traceback

                traceback.print_exc()
                result = {"problems": [f"{type(exc).__name__}: {exc}"]}
            result["seconds"] = round(time.monotonic() - t, 1)
            results[name] = result
            verdict = (
                "PASS" if not result["problems"] else f"FAIL ({'; '.join(result['problems'])})"
            )
            print(f"{name}: {verdict} in {result['seconds']} s")
    finally:
        stack.close()
        if not args.keep and not any(r.get("problems") for r in results.values()):
            shutil.rmtree(stack.root, ignore_errors=True)
        else:
            print(f"faults: logs kept in {stack.root}")
    passed = sum(1 for r in results.values() if not r["problems"])
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"faults: machine load average {load} ({os.cpu_count()} CPUs)")
    print(f"faults: {passed}/{len(chosen)} scenarios passed in {time.monotonic() - started:.0f} s")
    return 0 if passed == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
