"""Order numbers do not serialize placements (issue 12, item 6): real threads, each on
its own connection, on PostgreSQL."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from core.numbering import next_sequence_value, sequence_name
from customers.tests.factories import CompanyFactory, StaffUserFactory
from inventory.errors import InsufficientStock
from inventory.tests.factories import WarehouseFactory
from orders import services
from orders.models import Order

from .factories import stocked_product

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent connections need PostgreSQL"
    ),
]

#: A placement that does not wait for another one finishes well within this.
SHORT = 5.0


@pytest.fixture(autouse=True)
def _fresh_content_types():
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def test_a_placement_commits_while_another_holds_its_transaction_open():
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    stocked_product(10, mad, sku="SLOW")
    stocked_product(10, mad, sku="FAST")
    staff = StaffUserFactory(is_superuser=True)
    slow_company, fast_company = CompanyFactory(), CompanyFactory()
    placed, release = threading.Event(), threading.Event()
    slow, fast, errors = {}, {}, []

    def slow_placement():
        try:
            with transaction.atomic():
                order = services.place_order(
                    actor=staff, company=slow_company, lines=[{"sku": "SLOW", "quantity": 1}]
                )
                slow["number"] = order.number
                placed.set()
                # Hold the transaction (and whatever it locked) open until released.
                assert release.wait(30)
        except Exception as exc:  # reported by the assertions below
            errors.append(exc)
            placed.set()
        finally:
            connections.close_all()

    def fast_placement():
        try:
            started = time.monotonic()
            order = services.place_order(
                actor=staff, company=fast_company, lines=[{"sku": "FAST", "quantity": 2}]
            )
            fast["number"] = order.number
            fast["seconds"] = time.monotonic() - started
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    slow_thread = threading.Thread(target=slow_placement)
    fast_thread = threading.Thread(target=fast_placement)
    slow_thread.start()
    try:
        assert placed.wait(30)
        assert errors == []
        fast_thread.start()
        fast_thread.join(SHORT)
        # Committed while the first placement is still open (not after it).
        assert not fast_thread.is_alive(), "the second placement waited for the first"
        assert slow_thread.is_alive()
        assert errors == []
        assert fast["seconds"] < SHORT
        committed = set(Order.objects.values_list("number", flat=True))
        assert committed == {fast["number"]}  # the first one is not committed yet
    finally:
        release.set()
        slow_thread.join(30)
        fast_thread.join(30)
    assert errors == []
    assert slow["number"] != fast["number"]
    assert set(Order.objects.values_list("number", flat=True)) == {
        slow["number"],
        fast["number"],
    }


def test_parallel_placements_get_distinct_numbers():
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    skus = [f"SKU-{i}" for i in range(8)]
    for sku in skus:
        stocked_product(5, mad, sku=sku)
    staff = StaffUserFactory(is_superuser=True)
    companies = [CompanyFactory() for _ in skus]
    barrier = threading.Barrier(len(skus))
    numbers, errors = [], []

    def place(index):
        try:
            barrier.wait(30)
            order = services.place_order(
                actor=staff, company=companies[index], lines=[{"sku": skus[index], "quantity": 1}]
            )
            numbers.append(order.number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=place, args=(i,)) for i in range(len(skus))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(numbers) == len(set(numbers)) == len(skus)
    assert set(Order.objects.values_list("number", flat=True)) == set(numbers)


def test_a_failed_placement_burns_its_number_gaps_are_allowed():
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    stocked_product(1, mad, sku="ONE")
    staff = StaffUserFactory(is_superuser=True)
    company = CompanyFactory()
    before = next_sequence_value(sequence_name(services.ORDER_SERIES))
    with pytest.raises(InsufficientStock):
        services.place_order(actor=staff, company=company, lines=[{"sku": "ONE", "quantity": 2}])
    order = services.place_order(
        actor=staff, company=company, lines=[{"sku": "ONE", "quantity": 1}]
    )
    # The failed placement took before + 1 inside its rolled-back transaction.
    assert int(order.number.split("-")[-1]) == before + 2
    assert Order.objects.count() == 1
