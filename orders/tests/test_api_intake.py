"""Placing through the API: the answer is built from the placed order without reading it
back, the statements stay few and constant in the lines, and a deadlock is retried."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import OperationalError
from django.utils import timezone

from core import tasks as core_tasks
from customers.tests.factories import CompanyFactory
from orders import services
from orders.models import Order, OrderStatus

from .factories import stocked_product

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/"


def post_order(client, data):
    return client.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def lines(*skus):
    return [{"sku": sku, "quantity": 2} for sku in skus]


def overdue_order(company, buyer_actor):
    order = services.place_order(actor=buyer_actor, company=company, lines=lines("DRILL-18V"))
    Order.objects.filter(pk=order.pk).update(
        payment_due=timezone.localdate() - dt.timedelta(days=3)
    )


@pytest.mark.parametrize("case", ["plain", "new_address", "over_credit", "overdue", "coupon"])
def test_the_answer_is_the_order_as_read_back(
    api, seller_key, company, drill, gloves, manager, case
):
    body = {"customer": company.pk, "po_number": "PO-9", "lines": lines("DRILL-18V", "GLOVES-L")}
    if case == "new_address":
        body["shipping_address"] = {
            "line1": "Calle Nueva 7",
            "postal_code": "28002",
            "city": "Madrid",
            "country": "ES",
        }
    elif case == "over_credit":
        company.credit_limit = Decimal("10.00")
        company.save()
    elif case == "overdue":
        overdue_order(company, manager)
    elif case == "coupon":
        from orders.tests.factories import CouponFactory

        CouponFactory(code="TEN")
        body["coupon"] = "ten"
    client = api(seller_key)
    placed = post_order(client, body)
    assert placed.status_code == 201, placed.json()
    answer = placed.json()
    read_back = client.get(f"{URL}{answer['number']}/").json()
    assert answer == read_back
    checks = {check["name"]: check["passed"] for check in answer["checks"]}
    assert checks["stock"] is True
    assert checks["payment"] is (case not in ("over_credit", "overdue"))
    assert answer["on_hold"] is (case in ("new_address", "over_credit"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("count", [1, 5, 20])
def test_placement_costs_at_most_twenty_statements_whatever_the_lines(
    api, seller_key, count, django_assert_max_num_queries, monkeypatch
):
    """Counted as in production: the request's own transaction, its commit and the
    relay that hands the outbox event to the broker (here a broker that takes it)."""
    from inventory.tests.factories import WarehouseFactory

    monkeypatch.setattr(core_tasks.process_event, "apply_async", lambda *a, **k: None)
    company = CompanyFactory()
    mad = WarehouseFactory(code="MAD", is_default=True)
    skus = [stocked_product(100, mad, sku=f"Q-{i:02d}").sku for i in range(count)]
    client = api(seller_key)
    post_order(client, {"customer": company.pk, "lines": lines(skus[0])})  # warm caches
    with django_assert_max_num_queries(20) as captured:
        response = post_order(client, {"customer": company.pk, "lines": lines(*skus)})
    assert response.status_code == 201, response.json()
    assert len(response.json()["lines"]) == count
    statements = [query["sql"] for query in captured.captured_queries]
    assert statements[-1].startswith('UPDATE "core_outboxevent"')  # marked dispatched


def test_a_deadlocked_write_transaction_is_redone(api, seller_key, company, drill, monkeypatch):
    from inventory import services as inventory

    real_reserve = inventory.reserve
    calls = []

    class Deadlock(Exception):
        pgcode = "40P01"

    def reserve_once_deadlocked(**kwargs):
        calls.append(kwargs["reference"])
        if len(calls) == 1:
            error = OperationalError("deadlock detected")
            error.__cause__ = Deadlock()
            raise error
        return real_reserve(**kwargs)

    monkeypatch.setattr(inventory, "reserve", reserve_once_deadlocked)
    response = post_order(api(seller_key), {"customer": company.pk, "lines": lines("DRILL-18V")})
    assert response.status_code == 201, response.json()
    assert len(calls) == 2
    # The first attempt's order was rolled back with its transaction.
    assert list(Order.objects.values_list("number", "status")) == [
        (response.json()["number"], OrderStatus.PENDIENTE)
    ]
    drill.refresh_from_db()
    assert drill.stock_items.get().reserved == 2
