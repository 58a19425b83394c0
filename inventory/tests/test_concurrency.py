"""Stock under real concurrency: threads, each on its own database connection.

These need PostgreSQL's row locks (SQLite serialises whole transactions, and its
in-memory test database is not shared between threads).
"""

import threading

import pytest
from django.db import connection, connections

from inventory import services
from inventory.errors import InsufficientStock
from inventory.models import StockItem, StockMovement
from inventory.selectors import ledger_mismatches

from .factories import ProductFactory, WarehouseFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL"),
]


def run_in_threads(targets):
    """Start all targets at once (barrier) and collect each one's result or exception."""
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def runner(index, target):
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


def test_forty_buyers_race_for_twenty_units():
    mad = WarehouseFactory(code="MAD", is_default=True)
    waw = WarehouseFactory(code="WAW")
    product = ProductFactory()
    services.receive(actor=None, product=product, warehouse=mad, quantity=12)
    services.receive(actor=None, product=product, warehouse=waw, quantity=8)

    results = run_in_threads([lambda: services.reserve(lines=[(product, 1)]) for _ in range(40)])

    succeeded = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert len(succeeded) == 20
    assert len(refused) == 20, [r for r in results if not isinstance(r, list | InsufficientStock)]
    assert sum(StockItem.objects.filter(product=product).values_list("reserved", flat=True)) == 20
    assert all(item.reserved == item.on_hand for item in StockItem.objects.filter(product=product))
    assert StockMovement.objects.filter(kind="reservation").count() == 20
    assert not ledger_mismatches().exists()


def test_opposite_order_multi_line_reservations_never_deadlock(caplog):
    mad = WarehouseFactory(code="MAD", is_default=True)
    bcn = WarehouseFactory(code="BCN")
    products = [ProductFactory() for _ in range(4)]
    for product in products:
        services.receive(actor=None, product=product, warehouse=mad, quantity=1000)
        services.receive(actor=None, product=product, warehouse=bcn, quantity=1000)
    forward = [(p, 3) for p in products]
    backward = [(p, 5) for p in reversed(products)]

    for _round in range(25):
        results = run_in_threads(
            [
                lambda: services.reserve(lines=forward),
                lambda: services.reserve(lines=backward),
                lambda: services.reserve(lines=forward[1:] + forward[:1]),
                lambda: services.release(
                    allocations=services.reserve(lines=backward[2:] + backward[:2])
                ),
            ]
        )
        errors = [r for r in results if isinstance(r, Exception)]
        assert errors == []
    # Not even a retried deadlock: the pk-ordered locks make them impossible.
    assert "retrying" not in caplog.text

    for product in products:
        reserved = sum(StockItem.objects.filter(product=product).values_list("reserved", flat=True))
        assert reserved == 25 * (3 + 5 + 3)
    assert not ledger_mismatches().exists()


def test_concurrent_receipts_create_one_stock_item():
    WarehouseFactory(code="MAD", is_default=True)
    product = ProductFactory()
    results = run_in_threads(
        [lambda: services.receive(actor=None, product=product, quantity=2) for _ in range(10)]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    item = StockItem.objects.get(product=product)
    assert item.on_hand == 20
    assert not ledger_mismatches().exists()


def test_concurrent_ship_and_release_of_one_order_never_double_count():
    from customers.tests.factories import CompanyFactory

    WarehouseFactory(code="MAD", is_default=True)
    product = ProductFactory()
    order = CompanyFactory()  # stands in for an Order
    services.receive(actor=None, product=product, quantity=10)
    services.reserve(lines=[(product, 4)], reference_object=order)

    results = run_in_threads(
        [
            lambda: services.ship(reference_object=order),
            lambda: services.release(reference_object=order),
        ]
        * 3
    )
    assert not [r for r in results if isinstance(r, Exception)]
    item = StockItem.objects.get(product=product)
    assert item.reserved == 0
    assert item.on_hand in (6, 10)  # shipped or released, exactly once
    assert not ledger_mismatches().exists()
