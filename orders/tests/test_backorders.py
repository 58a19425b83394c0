"""Backorders: a company that allows them may place more than is available; the rest
is a line's ``backordered_quantity``, reserved first (oldest order first) when stock is
received; the stock check counts what is not backordered and the order ships what is
reserved. The API answers 409 unless ``allow_backorder`` is true for such a company."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from core.models import OutboxEvent
from inventory import services as inventory
from inventory.errors import InsufficientStock
from inventory.models import StockItem
from inventory.selectors import ledger_mismatches
from inventory.services import StockChange
from orders import services
from orders.models import EventKind, Order, OrderLine, OrderStatus
from orders.services.backorders import fill_backorders

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/"


@pytest.fixture
def allowing(company):
    company.allows_backorders = True
    company.save()
    return company


def stock(product):
    item = StockItem.objects.get(product=product)
    return item.on_hand, item.reserved


def place(actor, quantity, *, allow=True, sku="DRILL-18V", **kwargs):
    return services.place_order(
        actor=actor,
        lines=[{"sku": sku, "quantity": quantity}, {"sku": "GLOVES-L", "quantity": 2}],
        allow_backorder=allow,
        **kwargs,
    )


def test_the_rest_over_the_stock_is_backordered(allowing, buyer, drill, gloves):
    order = place(buyer, 80)  # 50 in stock
    line = order.lines.get(sku="DRILL-18V")
    assert (line.quantity, line.backordered_quantity, line.reserved_quantity) == (80, 30, 50)
    assert sum(a["quantity"] for a in line.allocations) == 50
    assert order.lines.get(sku="GLOVES-L").backordered_quantity == 0
    assert stock(drill) == (50, 50)
    # The checks of the just-placed order and those read back agree.
    stock_check = {c.name: c for c in order.preparation_checklist()}["stock"]
    fresh = {c.name: c for c in Order.objects.get(pk=order.pk).preparation_checklist()}["stock"]
    assert stock_check.passed and fresh.passed and "DRILL-18V (30)" in fresh.reason


def test_only_the_skus_allowed_are_backordered(allowing, buyer, drill, gloves):
    with pytest.raises(InsufficientStock):
        services.place_order(
            actor=buyer,
            lines=[{"sku": "DRILL-18V", "quantity": 60}, {"sku": "GLOVES-L", "quantity": 300}],
            allow_backorder={"DRILL-18V"},
        )
    assert not Order.objects.exists() and stock(drill) == (50, 0)


def test_a_company_that_does_not_allow_backorders_gets_insufficient_stock(
    company, buyer, drill, gloves
):
    assert company.allows_backorders is False  # off by default
    with pytest.raises(InsufficientStock):
        place(buyer, 80)
    assert not Order.objects.exists() and stock(drill) == (50, 0)


def test_a_fully_backordered_line_reserves_nothing(allowing, buyer, drill, gloves):
    first = place(buyer, 50)
    second = place(buyer, 5)
    line = second.lines.get(sku="DRILL-18V")
    assert (line.backordered_quantity, line.allocations) == (5, [])
    assert first.lines.get(sku="DRILL-18V").backordered_quantity == 0


def test_receipts_fill_backorders_oldest_order_first(allowing, buyer, drill, gloves, mad):
    older = place(buyer, 60)  # 10 backordered
    newer = place(buyer, 4)  # 4 backordered
    inventory.receive(actor=None, product=drill, quantity=12, warehouse=mad)
    assert fill_backorders(product_ids=[drill.pk]) == {older.number: 10, newer.number: 2}
    assert OrderLine.objects.get(order=older, sku="DRILL-18V").backordered_quantity == 0
    line = OrderLine.objects.get(order=newer, sku="DRILL-18V")
    assert line.backordered_quantity == 2 and sum(a["quantity"] for a in line.allocations) == 2
    assert stock(drill) == (62, 62)
    assert older.events.filter(kind=EventKind.BACKORDER, customer_visible=True).exists()
    # Nothing more to reserve: a second run changes nothing.
    assert fill_backorders(product_ids=[drill.pk]) == {}
    assert not ledger_mismatches().exists()


def test_a_receipt_fills_backorders_through_the_outbox(
    allowing, buyer, drill, gloves, mad, manager, django_capture_on_commit_callbacks
):
    order = place(buyer, 55)
    with django_capture_on_commit_callbacks(execute=True):
        inventory.record_stock_changes(
            actor=manager, changes=[StockChange(sku="DRILL-18V", quantity=3, kind="receipt")]
        )
    assert OutboxEvent.objects.filter(event_type="stock.received").exists()
    assert OrderLine.objects.get(order=order, sku="DRILL-18V").backordered_quantity == 2
    with django_capture_on_commit_callbacks(execute=True):
        inventory.receive(actor=manager, product=drill, quantity=5, warehouse=mad)
    assert OrderLine.objects.get(order=order, sku="DRILL-18V").backordered_quantity == 0
    assert stock(drill) == (58, 55)
    del mail.outbox[:]


def test_cancelled_orders_are_not_filled_and_release_only_what_was_reserved(
    allowing, buyer, drill, gloves, mad
):
    order = place(buyer, 70)
    services.cancel_order(order=order, actor=buyer, reason="Too many")
    assert stock(drill) == (50, 0)
    inventory.receive(actor=None, product=drill, quantity=30, warehouse=mad)
    assert fill_backorders(product_ids=[drill.pk]) == {}
    assert stock(drill) == (80, 0)


def test_the_order_ships_what_is_reserved(allowing, buyer, drill, gloves, manager, tomorrow):
    from .factories import CarrierFactory

    allowing.payment_terms = "net30"
    allowing.credit_limit = 100000
    allowing.save()
    order = place(buyer, 60)
    if order.on_hold:  # the first order above the threshold is held for review
        services.release_order(order=order, actor=manager, note="Checked")
    services.prepare_order(order=order, actor=manager)
    services.ship_order(
        order=order,
        actor=manager,
        carrier=CarrierFactory(),
        tracking_number="T-1",
        estimated_delivery=tomorrow,
    )
    assert order.status == OrderStatus.ENVIADO
    assert stock(drill) == (0, 0)  # the 50 reserved left; the 10 backordered did not


def test_the_order_page_shows_the_backorder(allowing, client_for, buyer, drill, gloves):
    order = place(buyer, 53)
    page = client_for(buyer).get(
        reverse("portal:order_detail", args=[order.number]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "3 backordered" in page.text


# --- API ---------------------------------------------------------------------------------


def post(client, body):
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def body(**extra):
    return {"lines": [{"sku": "DRILL-18V", "quantity": 70}], **extra}


def test_api_answers_409_unless_allow_backorder(api, company_key, allowing, drill, gloves):
    client = api(company_key)
    refused = post(client, body())
    assert refused.status_code == 409 and refused.json()["code"] == "insufficient_stock"
    placed = post(client, body(allow_backorder=True))
    assert placed.status_code == 201, placed.json()
    [line] = placed.json()["lines"]
    assert (line["quantity"], line["backordered_quantity"]) == (70, 20)
    assert placed.json() == client.get(f"{URL}{placed.json()['number']}/").json()


def test_api_allow_backorder_is_refused_for_a_company_that_does_not_allow_it(
    api, company_key, company, drill
):
    response = post(api(company_key), body(allow_backorder=True))
    assert response.status_code == 409 and response.json()["code"] == "insufficient_stock"
    assert not Order.objects.exists()


def test_api_allow_backorder_must_be_a_boolean(api, company_key, allowing, drill):
    response = post(api(company_key), body(allow_backorder="perhaps"))
    assert response.status_code == 400
    assert "allow_backorder" in response.json()["fields"]
