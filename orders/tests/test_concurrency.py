"""Real threads, each on its own connection, on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from core.errors import DomainError
from customers.tests.factories import CompanyFactory, StaffUserFactory
from inventory.errors import InsufficientStock
from inventory.models import StockItem
from inventory.selectors import ledger_mismatches
from inventory.tests.factories import WarehouseFactory
from orders import services
from orders.errors import TransitionNotAllowed
from orders.models import Coupon, Order, OrderStatus

from .factories import CarrierFactory, CouponFactory, stocked_product

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _fresh_content_types():
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def run_in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(index):
        try:
            barrier.wait()
            results.append(target(index))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_parallel_placements_on_a_hot_sku_never_oversell():
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    product = stocked_product(5, mad, sku="HOT")
    staff = StaffUserFactory(is_superuser=True)
    companies = [CompanyFactory() for _ in range(8)]

    def place(index):
        return services.place_order(
            actor=staff, company=companies[index], lines=[{"sku": "HOT", "quantity": 1}]
        ).number

    numbers, errors = run_in_threads(8, place)
    assert len(numbers) == 5
    assert len(errors) == 3 and all(isinstance(e, InsufficientStock) for e in errors)
    assert len(set(numbers)) == 5
    item = StockItem.objects.get(product=product)
    assert (item.on_hand, item.reserved) == (5, 5)
    assert Order.objects.count() == 5
    assert not ledger_mismatches().exists()


def test_double_ship_ships_once():
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    product = stocked_product(10, mad, sku="BOX")
    staff = StaffUserFactory(is_superuser=True)
    order = services.place_order(
        actor=staff, company=CompanyFactory(), lines=[{"sku": "BOX", "quantity": 3}]
    )
    services.prepare_order(order=order, actor=staff)
    CarrierFactory(code="seur", name="SEUR")

    def ship(index):
        fresh = Order.objects.get(pk=order.pk)
        return services.ship_order(
            order=fresh,
            actor=staff,
            carrier=services.resolve_carrier("seur"),
            tracking_number=f"T{index}",
            estimated_delivery=timezone.localdate(),
        ).status

    results, errors = run_in_threads(4, ship)
    assert results == [OrderStatus.ENVIADO]
    assert len(errors) == 3 and all(isinstance(e, TransitionNotAllowed) for e in errors)
    item = StockItem.objects.get(product=product)
    assert (item.on_hand, item.reserved) == (7, 0)
    assert Order.objects.get(pk=order.pk).events.filter(kind="shipped").count() == 1
    assert not ledger_mismatches().exists()


def test_coupon_usage_limit_holds_under_concurrency():
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    stocked_product(100, mad, sku="PEN")
    CouponFactory(code="FIRST3", usage_limit=3)
    staff = StaffUserFactory(is_superuser=True)
    companies = [CompanyFactory() for _ in range(6)]

    def place(index):
        return services.place_order(
            actor=staff,
            company=companies[index],
            coupon="FIRST3",
            lines=[{"sku": "PEN", "quantity": 1}],
        ).number

    numbers, errors = run_in_threads(6, place)
    assert len(numbers) == 3
    assert all(isinstance(e, DomainError) and e.code == "coupon_not_applicable" for e in errors)
    assert Coupon.objects.get(code="FIRST3").times_used == 3
