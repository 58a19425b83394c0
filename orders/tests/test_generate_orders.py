"""``manage.py generate_orders``: a history the application reads and keeps numbering after."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Max, Min

from inventory.models import StockItem, StockMovement
from orders.models import Order, OrderEvent, OrderStatus

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL"),
]


@pytest.fixture
def generated(mad, drill, gloves):
    call_command("generate_orders", orders=600, customers=20, skus=30, batch=250, seed=7)
    return Order.objects.all()


def test_it_generates_orders_with_lines_events_and_a_realistic_spread(generated):
    assert generated.count() == 600
    per_order = generated.annotate(n=Count("lines")).aggregate(low=Min("n"), high=Max("n"))
    assert per_order["low"] >= 1
    assert per_order["high"] <= 40
    statuses = set(generated.values_list("status", flat=True))
    assert statuses <= set(OrderStatus.values)
    assert {OrderStatus.ENTREGADO, OrderStatus.CANCELADO} <= statuses
    # Every order has the events of its path, ending in its current state.
    for order in generated.order_by("?")[:25]:
        events = list(order.events.order_by("created_at", "id"))
        assert events[0].kind == "placed"
        assert events[-1].to_status == order.status
    # Skewed volume: the busiest customer has several times the median customer's orders.
    counts = sorted(generated.values("company").annotate(n=Count("id")).values_list("n", flat=True))
    assert counts[-1] >= 3 * counts[len(counts) // 2]
    # Totals add up on every order.
    for order in generated.order_by("?")[:25]:
        assert order.subtotal == sum(line.line_total for line in order.lines.all())
        assert order.total == order.subtotal + order.shipping + order.tax


def test_it_moves_no_stock_and_the_application_keeps_numbering_after_it(generated, place, buyer):
    assert not StockMovement.objects.filter(reference__in=generated.values("number")).exists()
    assert all(item.reserved == 0 for item in StockItem.objects.all())
    numbers = set(generated.values_list("number", flat=True))
    assert len(numbers) == 600
    order = place(buyer)
    assert order.number not in numbers
    assert OrderEvent.objects.filter(order=order, kind="placed").exists()


def test_generated_orders_are_served_by_the_api(generated, api, seller_key):
    response = api(seller_key).get("/api/v1/orders/", {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50
    number = generated.order_by("?").first().number
    detail = api(seller_key).get(f"/api/v1/orders/{number}/")
    assert detail.status_code == 200
    assert detail.json()["number"] == number
