"""Redis down or hanging: the cache and the broker are helpers, never the system of record.

Orders placed through the API and the portal while Redis is unreachable are saved and
answered normally (rate limits, sessions and sign-in do without it); their emails go
out exactly once when Redis is back (the outbox sweep relays what the outage left).

Each test runs its own ``redis-server`` on a free loopback port (never the shared one)
and stops, pauses (SIGSTOP: accepts connections, answers nothing) and restarts it.
"""

from __future__ import annotations

import logging
import re
import shutil
import signal
import socket
import subprocess
import time
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from apikeys.services import create_api_key
from config.celery import app as celery_app
from core import cache as fail_open
from core import outbox
from core.models import OutboxEvent
from customers.tests.factories import PASSWORD

from .worker import WORKER_MARKS, wait_for

REDIS_SERVER = shutil.which("redis-server")
needs_redis_server = pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server")

API_ORDERS = "/api/v1/orders/"
CUSTOMERS = "/api/v1/customers/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throw-away ``redis-server`` (no persistence) on a loopback port."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.answers, timeout=10), "redis-server did not start"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def pause(self) -> None:
        """Hung, not gone: connections are accepted, nothing is answered."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.kill()  # also ends a paused server
        self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server():
    if REDIS_SERVER is None:
        pytest.skip("needs redis-server")
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _fresh_degradation_state():
    """Warnings and back-offs are per process: each test starts with none."""
    for state in (fail_open._warned_at, fail_open._suppressed, fail_open._down_until):
        state.clear()
    outbox._broker_down_until.clear()
    yield
    for state in (fail_open._warned_at, fail_open._suppressed, fail_open._down_until):
        state.clear()
    outbox._broker_down_until.clear()


def fail_open_caches(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def unreachable_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there


def use_broker(url: str | None, *, eager: bool) -> dict:
    """Point the web side's Celery at ``url`` (not in-process); returns what to restore."""
    saved = {"task_always_eager": celery_app.conf.task_always_eager}
    if url is not None:
        saved["broker_url"] = celery_app.conf.broker_url
        celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = eager
    _reset_connections()
    return saved


def restore_broker(saved: dict) -> None:
    celery_app.conf.update(saved)
    _reset_connections()


def _reset_connections():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


# --- the fail-open cache --------------------------------------------------------------


def test_unreachable_redis_is_an_empty_cache_with_one_warning(caplog, monkeypatch):
    monkeypatch.setattr(fail_open, "RETRY_AFTER", 0.0)  # try Redis on every call
    with override_settings(CACHES=fail_open_caches(unreachable_url())):
        cache = caches["default"]
        with caplog.at_level(logging.WARNING, logger="core.cache"):
            assert cache.get("k") is None
            assert cache.get("k", "default") == "default"
            assert cache.add("k", 1) is False
            assert cache.set("k", 1) is False
            assert cache.incr("k") == 1 and cache.incr("k", 5) == 5 and cache.decr("k") == -1
            assert cache.get_or_set("k", 7) == 7
            assert cache.has_key("k") is False
            assert cache.touch("k") is False
            assert cache.delete("k") is False
            assert cache.get_many(["a", "b"]) == {}
            assert sorted(cache.set_many({"a": 1, "b": 2})) == ["a", "b"]
            assert cache.delete_many(["a", "b"]) is None
            assert cache.clear() is False
        warnings = [r for r in caplog.records if r.name == "core.cache"]
        # One line for the outage, not one per call.
        assert len(warnings) == 1, [r.getMessage() for r in warnings]
        assert "Cache unavailable" in warnings[0].getMessage()
        assert warnings[0].exc_info is None


def test_rate_limited_warning_counts_what_it_left_out(caplog, monkeypatch):
    monkeypatch.setattr(fail_open, "WARNING_INTERVAL", 0.3)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for _ in range(4):
            fail_open.warn_degraded("test", "down: %s", "x")
        time.sleep(0.35)
        fail_open.warn_degraded("test", "down: %s", "y")
    lines = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert lines == ["down: x", "down: y (3 more since the last warning)"]


@needs_redis_server
def test_the_cache_works_with_redis_and_again_after_an_outage(redis_server, monkeypatch):
    monkeypatch.setattr(fail_open, "RETRY_AFTER", 0.0)
    with override_settings(CACHES=fail_open_caches(redis_server.url)):
        cache = caches["default"]
        cache.set("k", {"n": 1}, 30)
        assert cache.get("k") == {"n": 1}
        assert cache.add("c", 0, 30) is True and cache.incr("c") == 1 and cache.incr("c") == 2
        with pytest.raises(ValueError):  # a missing key is still the caller's business
            cache.incr("missing")

        redis_server.stop()
        assert cache.get("k", "gone") == "gone"
        assert cache.incr("c") == 1

        redis_server.start()  # empty again: no persistence
        assert cache.get("k") is None
        cache.set("k", 2, 30)
        assert cache.get("k") == 2


@needs_redis_server
def test_a_hanging_redis_costs_one_short_timeout_then_nothing(redis_server):
    with override_settings(CACHES=fail_open_caches(redis_server.url)):
        cache = caches["default"]
        cache.set("k", 1, 30)
        redis_server.pause()
        try:
            value, first = timed(lambda: cache.get("k", "default"))
            assert value == "default"
            assert first < 2.0, first  # socket_timeout 0.5 s
            # Within RETRY_AFTER Redis is not asked again.
            value, second = timed(lambda: cache.get("k", "default"))
            assert value == "default" and second < 0.05, second
        finally:
            redis_server.resume()


# --- API rate limits ------------------------------------------------------------------

ONE_A_MINUTE = {"seller": "1/min", "company": "1/min", "staff": "1/min"}


def _api():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {create_api_key(name='ERP')[1]}")
    return client


@pytest.mark.django_db
@override_settings(API_RATE_LIMITS=ONE_A_MINUTE)
def test_rate_limit_fails_open_when_redis_is_unreachable(caplog):
    with override_settings(CACHES=fail_open_caches(unreachable_url())):
        client = _api()
        with caplog.at_level(logging.WARNING):
            statuses = [client.get(CUSTOMERS).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert len([r for r in caplog.records if r.name == "core.cache"]) == 1


@pytest.mark.django_db
@override_settings(API_RATE_LIMITS=ONE_A_MINUTE)
def test_rate_limit_fails_open_on_any_cache_error(monkeypatch, caplog):
    class BrokenCache:
        def add(self, *args, **kwargs):
            return True

        def incr(self, *args, **kwargs):
            raise RuntimeError("the cache backend broke")

    monkeypatch.setattr("core.api.throttling.cache", BrokenCache())
    client = _api()
    with caplog.at_level(logging.WARNING):
        statuses = [client.get(CUSTOMERS).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    lines = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert lines == [
        "API rate limit not applied (cache error): RuntimeError: the cache backend broke"
    ]


@needs_redis_server
@pytest.mark.django_db
@override_settings(API_RATE_LIMITS=ONE_A_MINUTE)
def test_rate_limit_still_counts_in_a_working_redis(redis_server):
    with override_settings(CACHES=fail_open_caches(redis_server.url)):
        client = _api()
        assert client.get(CUSTOMERS).status_code == 200
        assert client.get(CUSTOMERS).status_code == 429


# --- tasks queued after commit --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_writes_whose_emails_need_the_broker_succeed_when_it_is_down(company):
    """The invitation and low-stock emails leave through the outbox: a broker outage
    leaves their events pending for the sweep, it does not turn a committed write into
    a server error."""
    from customers import services as customers
    from customers.models import User
    from inventory import services as inventory
    from inventory.models import LowStockAlert
    from inventory.tests.factories import WarehouseFactory
    from orders.tests.factories import stocked_product

    mad = WarehouseFactory(code="MAD", is_default=True)
    product = stocked_product(5, mad, sku="LOW-1")
    saved = use_broker(unreachable_url(), eager=False)
    try:
        customers.create_customer_user(
            company=company, actor=None, email="nueva@gomez.example", role="buyer"
        )
        inventory.set_reorder_levels(
            actor=None, product=product, warehouse=mad, reorder_point=10, reorder_quantity=20
        )
    finally:
        restore_broker(saved)
    assert User.objects.filter(email="nueva@gomez.example").exists()
    alert = LowStockAlert.objects.get()
    assert alert.emailed_at is None
    pending = OutboxEvent.objects.filter(dispatched_at__isnull=True)
    assert set(pending.values_list("event_type", flat=True)) >= {
        "customer_user.invited",
        "stock.low",
    }  # the outbox sweep relays them once the broker is back


# --- the outage, end to end, with a real worker ---------------------------------------


def _order_body(company, po):
    return {
        "po_number": po,
        "customer": company.pk,
        "lines": [{"sku": "OUT-DRILL", "quantity": 1}, {"sku": "OUT-GLOVES", "quantity": 2}],
        "shipping_method": "standard",
    }


def _checkout(client, company, po):
    added = client.post(
        reverse("portal:cart_update"), {"action": "quick", "lines": "OUT-DRILL 1\nOUT-GLOVES 3"}
    )
    assert added.status_code == 302
    return client.post(
        reverse("portal:checkout", args=["place"]),
        {
            "po_number": po,
            "shipping_address": company.addresses.get().pk,
            "shipping_method": "standard",
            "notes": "",
            "coupon": "",
        },
    )


@pytest.fixture
def celery_restored():
    """Celery's web-side configuration as it was, once everything else is torn down
    (the ``worker`` fixture restores ``task_always_eager`` to what it found)."""
    saved = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "broker_url": celery_app.conf.broker_url,
    }
    yield
    restore_broker(saved)


@pytest.fixture
def outage_worker(request, celery_restored, redis_server, settings, tmp_path):
    """The web side (cache, broker) and a real worker, all on ``redis_server``.

    The whole test is bounded: a request blocked on a hung Redis fails it (SIGALRM)
    instead of hanging the run."""

    def too_long(signum, frame):
        # pytest.fail raises a BaseException: redis and kombu, which retry on
        # OSError/TimeoutError, do not swallow it.
        pytest.fail("the outage test took more than 240 s (a request hung?)")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(240)
    request.addfinalizer(lambda: (signal.alarm(0), signal.signal(signal.SIGALRM, previous)))
    settings.REDIS_URL = redis_server.url
    settings.CACHES = fail_open_caches(redis_server.url)
    settings.MEDIA_ROOT = tmp_path / "media"
    use_broker(redis_server.url, eager=False)
    return request.getfixturevalue("worker")


def worker_test(func):
    for mark in WORKER_MARKS:
        func = mark(func)
    return func


@worker_test
def test_orders_placed_while_redis_is_down_are_saved_and_emailed_once(
    outage_worker, redis_server, company, buyer, settings
):
    from customers.tests.factories import CustomerUserFactory
    from inventory.tests.factories import WarehouseFactory
    from notifications.models import NotificationKind, NotificationStatus, SentNotification
    from orders.models import Order
    from orders.tests.factories import stocked_product

    settings.API_RATE_LIMITS = {"seller": "1000/min", "company": "1000/min", "staff": "1000/min"}
    mail_dir = outage_worker
    warehouse = WarehouseFactory(code="MAD", is_default=True)
    stocked_product(1000, warehouse, sku="OUT-DRILL", unit_price=Decimal("10.00"))
    stocked_product(1000, warehouse, sku="OUT-GLOVES", unit_price=Decimal("2.00"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {create_api_key(name='ERP')[1]}")
    portal = Client()
    portal.force_login(buyer)
    numbers: list[str] = []
    timings: dict[str, list[float]] = {"up": [], "hung": [], "down": []}

    def place(phase: str, po: str, client=None) -> None:
        if client is None:
            response, took = timed(
                lambda: api.post(API_ORDERS, _order_body(company, po), format="json")
            )
            assert response.status_code == 201, (phase, response.content[:500])
            numbers.append(response.json()["number"])
        else:
            response, took = timed(lambda: _checkout(client, company, po))
            assert response.status_code == 302, (phase, response.content[:500])
            numbers.append(response.url.rstrip("/").rsplit("/", 1)[-1])
        timings[phase].append(took)

    def emailed() -> dict[str, int]:
        texts = [path.read_text(errors="replace") for path in mail_dir.iterdir()]
        return {
            number: sum(bool(re.search(rf"{re.escape(number)}(?!\d)", text)) for text in texts)
            for number in numbers
        }

    # Redis up: orders are emailed by the worker as usual.
    place("up", "UP-1")
    place("up", "UP-2")
    place("up", "UP-3", portal)
    assert wait_for(lambda: all(emailed().values())), emailed()

    # Redis hanging, then gone: every order is still taken and saved.
    redis_server.pause()
    try:
        place("hung", "HUNG-1")
        place("hung", "HUNG-2")
        place("hung", "HUNG-3", portal)
    finally:
        redis_server.stop()
    place("down", "DOWN-1")
    # Signing in (sessions, the sign-in limiter) does not need Redis either.
    other = CustomerUserFactory(company=company, role="buyer", email="otro@gomez.example")
    signed_in = Client()
    login = signed_in.post(reverse("portal:login"), {"username": other.email, "password": PASSWORD})
    assert login.status_code == 302, login.content[:500]
    place("down", "DOWN-2", signed_in)
    place("down", "DOWN-3", portal)

    assert Order.objects.filter(number__in=numbers).count() == 9
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() >= 6
    # Requests are not held up by the outage (the broker and cache timeouts are short).
    assert max(timings["hung"] + timings["down"]) < 15, timings
    print("request seconds:", {k: [round(t, 2) for t in v] for k, v in timings.items()})

    # Redis is back: the sweep relays what the outage left; each order emailed once.
    redis_server.start()
    from core.tasks import relay_outbox

    def swept() -> bool:
        relay_outbox()
        return not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()

    assert wait_for(swept, timeout=60), list(OutboxEvent.objects.values("last_error"))
    assert wait_for(lambda: all(emailed().values()), timeout=120), emailed()
    time.sleep(3)  # anything sent twice would show up by now
    assert relay_outbox() == 0
    assert emailed() == dict.fromkeys(numbers, 1)
    received = SentNotification.objects.filter(
        kind=NotificationKind.ORDER_RECEIVED, order__number__in=numbers
    )
    assert received.count() == 9
    assert set(received.values_list("status", flat=True)) == {NotificationStatus.SENT}


@worker_test
def test_an_invitation_made_while_the_broker_is_down_is_sent_once_when_it_is_back(
    outage_worker, redis_server, company
):
    from core.tasks import relay_outbox
    from customers import services as customers
    from customers.models import User
    from notifications.models import NotificationKind, NotificationStatus, SentNotification

    mail_dir = outage_worker

    def invitations_to(address: str) -> int:
        return sum(address in path.read_text(errors="replace") for path in mail_dir.iterdir())

    redis_server.stop()
    user, took = timed(
        lambda: customers.create_customer_user(
            company=company, actor=None, email="tarde@gomez.example", role="buyer"
        )
    )
    assert took < 15, took
    assert User.objects.filter(pk=user.pk).exists()  # committed, no error to the caller
    event = OutboxEvent.objects.get(event_type="customer_user.invited")
    assert event.dispatched_at is None
    time.sleep(2)
    assert invitations_to("tarde@gomez.example") == 0

    redis_server.start()
    outbox._broker_down_until.clear()

    def swept() -> bool:
        relay_outbox()
        return not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()

    assert wait_for(swept, timeout=60), list(OutboxEvent.objects.values("last_error"))
    assert wait_for(lambda: invitations_to("tarde@gomez.example") >= 1, timeout=120)
    time.sleep(3)  # anything sent twice would show up by now
    assert relay_outbox() == 0
    assert invitations_to("tarde@gomez.example") == 1
    (notification,) = SentNotification.objects.filter(kind=NotificationKind.INVITATION)
    assert notification.status == NotificationStatus.SENT and notification.user_id == user.pk


@pytest.mark.django_db(transaction=True)
@needs_redis_server
def test_a_hanging_broker_does_not_hold_up_commits(redis_server):
    """Publishing to a Redis that accepts but never answers gives up within the
    broker timeouts, and the next commits do not wait at all (the sweep sends)."""
    saved = use_broker(redis_server.url, eager=False)
    redis_server.pause()
    try:
        took = []
        for n in range(3):

            def publish(n=n):
                with transaction.atomic():
                    outbox.publish("test.hung", {"n": n})

            took.append(timed(publish)[1])
    finally:
        redis_server.resume()
        restore_broker(saved)
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 3
    assert took[0] < 10, took
    assert max(took[1:]) < 0.5, took
