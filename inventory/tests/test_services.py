from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from core.errors import DomainError
from core.models import OutboxEvent
from customers.tests.factories import CompanyFactory
from inventory import services
from inventory.errors import (
    InsufficientStock,
    InvalidData,
    InvalidQuantity,
    InvalidStockChanges,
    LedgerIsAppendOnly,
    NegativeStock,
    NotReserved,
    ProductInactive,
    UnknownWarehouse,
)
from inventory.models import LowStockAlert, MovementKind, StockItem, StockMovement
from inventory.selectors import ledger_mismatches, reserved_for

from .factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def levels(product, warehouse):
    item = StockItem.objects.get(product=product, warehouse=warehouse)
    return item.on_hand, item.reserved


def test_receive_creates_stock_and_movement(product, mad, warehouse_worker):
    movement = services.receive(
        actor=warehouse_worker, product=product, quantity=10, reason="Albarán 123"
    )
    assert levels(product, mad) == (10, 0)
    assert movement.kind == MovementKind.RECEIPT
    assert (movement.on_hand_delta, movement.reserved_delta) == (10, 0)
    assert (movement.on_hand_after, movement.reserved_after) == (10, 0)
    assert movement.user == warehouse_worker
    assert movement.reason == "Albarán 123"


def test_receive_in_another_warehouse_than_the_default(product, mad, waw):
    services.receive(actor=None, product=product, warehouse=waw, quantity=3)
    assert levels(product, waw) == (3, 0)
    assert not StockItem.objects.filter(warehouse=mad).exists()


@pytest.mark.parametrize("quantity", [0, -1, 2.5, Decimal("2"), "3", True, None])
def test_receive_rejects_bad_quantities(product, mad, quantity):
    with pytest.raises(InvalidQuantity) as error:
        services.receive(actor=None, product=product, quantity=quantity)
    assert error.value.code == "invalid_quantity"
    assert "quantity" in error.value.fields
    assert not StockMovement.objects.exists()


def test_no_default_warehouse_is_a_clear_error(product, waw):
    with pytest.raises(UnknownWarehouse):
        services.receive(actor=None, product=product, quantity=1)


def test_write_off_cannot_touch_reserved_units(product, mad):
    services.receive(actor=None, product=product, quantity=5)
    services.reserve(lines=[(product, 4)])
    with pytest.raises(NegativeStock) as error:
        services.write_off(actor=None, product=product, quantity=2, reason="Roto")
    assert error.value.code == "negative_stock"
    services.write_off(actor=None, product=product, quantity=1, reason="Roto")
    assert levels(product, mad) == (4, 4)


def test_write_off_and_adjust_need_a_reason(product, mad):
    services.receive(actor=None, product=product, quantity=5)
    with pytest.raises(InvalidQuantity) as error:
        services.write_off(actor=None, product=product, quantity=1, reason="  ")
    assert "reason" in error.value.fields
    with pytest.raises(InvalidQuantity):
        services.adjust(actor=None, product=product, quantity=-1, reason="")


def test_adjust_by_delta_and_by_count(product, mad):
    services.receive(actor=None, product=product, quantity=10)
    services.reserve(lines=[(product, 3)])
    services.adjust(actor=None, product=product, quantity=-2, reason="Recuento")
    assert levels(product, mad) == (8, 3)
    movement = services.adjust(actor=None, product=product, counted=5, reason="Inventario anual")
    assert movement.on_hand_delta == -3
    assert services.adjust(actor=None, product=product, counted=5, reason="Igual") is None
    with pytest.raises(NegativeStock):
        services.adjust(actor=None, product=product, counted=2, reason="Recuento")  # 3 are reserved
    with pytest.raises(InvalidQuantity):
        services.adjust(actor=None, product=product, quantity=0, reason="Nada")
    assert levels(product, mad) == (5, 3)


def test_reserve_prefers_default_warehouse_then_most_available(product, mad, waw, bcn):
    services.receive(actor=None, product=product, warehouse=mad, quantity=5)
    services.receive(actor=None, product=product, warehouse=waw, quantity=8)
    services.receive(actor=None, product=product, warehouse=bcn, quantity=20)

    [allocation] = services.reserve(lines=[(product, 5)])
    assert (allocation.warehouse_code, allocation.quantity) == ("MAD", 5)

    # MAD is empty now: the single warehouse with most available serves the whole line.
    [allocation] = services.reserve(lines=[(product, 7)])
    assert (allocation.warehouse_code, allocation.quantity) == ("BCN", 7)

    # Nobody can serve 20 alone (BCN 13, WAW 8): split, most available first.
    allocations = services.reserve(lines=[(product, 20)])
    assert [(a.warehouse_code, a.quantity) for a in allocations] == [("BCN", 13), ("WAW", 7)]
    assert all(a.line == 0 for a in allocations)
    assert levels(product, bcn) == (20, 20)


def test_reserve_is_all_or_nothing_and_lists_shortages(product, other_product, mad, waw):
    services.receive(actor=None, product=product, warehouse=mad, quantity=5)
    services.receive(actor=None, product=product, warehouse=waw, quantity=2)
    services.receive(actor=None, product=other_product, quantity=1)
    with pytest.raises(InsufficientStock) as error:
        services.reserve(lines=[(product, 3), (other_product, 2), (product, 3)])
    assert error.value.code == "insufficient_stock"
    assert error.value.status == 409
    assert error.value.lines == [{"sku": "GLOVES-L", "requested": 2, "available": 1}]
    assert not StockMovement.objects.filter(kind=MovementKind.RESERVATION).exists()

    with pytest.raises(InsufficientStock) as error:
        services.reserve(lines=[(product, 8)])
    assert error.value.lines == [{"sku": "DRILL-18V", "requested": 8, "available": 7}]


def test_reserve_rejects_inactive_products_and_bad_lines(product, mad):
    services.receive(actor=None, product=product, quantity=5)
    with pytest.raises(InvalidQuantity):
        services.reserve(lines=[(product, 0)])
    with pytest.raises(InvalidQuantity):
        services.reserve(lines=[])
    product.active = False
    product.save()
    with pytest.raises(ProductInactive) as error:
        services.reserve(lines=[(product, 1)])
    assert error.value.code == "product_inactive"


def test_release_and_ship_take_allocations_back(product, mad, waw):
    services.receive(actor=None, product=product, warehouse=mad, quantity=3)
    services.receive(actor=None, product=product, warehouse=waw, quantity=5)
    allocations = services.reserve(lines=[(product, 6)])
    services.ship(allocations=allocations[:1])
    services.release(allocations=allocations[1:])
    assert [(a.warehouse_code, a.quantity) for a in allocations] == [("MAD", 3), ("WAW", 3)]
    assert levels(product, mad) == (0, 0)
    assert levels(product, waw) == (5, 0)
    with pytest.raises(NotReserved) as error:
        services.release(allocations=allocations[1:])
    assert error.value.code == "not_reserved"


def test_release_and_ship_by_reference(product, other_product, mad):
    order = CompanyFactory()  # any model works as a reference; the orders app passes its Order
    other_order = CompanyFactory()
    services.receive(actor=None, product=product, quantity=10)
    services.receive(actor=None, product=other_product, quantity=10)
    services.reserve(
        lines=[(product, 2), (other_product, 3)], reference_object=order, reference="PED-1"
    )
    services.reserve(lines=[(product, 4)], reference_object=other_order)
    assert [(r["sku"], r["quantity"]) for r in reserved_for(order)] == [
        ("DRILL-18V", 2),
        ("GLOVES-L", 3),
    ]

    services.ship(reference_object=order)
    assert levels(product, mad) == (8, 4)
    assert levels(other_product, mad) == (7, 0)
    assert reserved_for(order) == []
    # Nothing is left for this order: a second ship / release does nothing.
    assert services.release(reference_object=order) == []
    # Allocations + reference: cannot take another order's units.
    with pytest.raises(NotReserved):
        services.release(
            allocations=[{"product_id": product.pk, "warehouse_id": mad.pk, "quantity": 1}],
            reference_object=order,
        )
    services.release(reference_object=other_order)
    assert levels(product, mad) == (8, 0)


def test_restock_return(product, mad):
    movement = services.restock_return(actor=None, product=product, quantity=2, reason="RMA-1")
    assert movement.kind == MovementKind.RETURN_RESTOCK
    assert levels(product, mad) == (2, 0)


def test_record_stock_changes_is_all_or_nothing(product, other_product, mad, waw):
    services.receive(actor=None, product=product, quantity=2)
    changes = [
        {"sku": "DRILL-18V", "warehouse": "MAD", "quantity": 5, "kind": "receipt", "reason": ""},
        {"sku": "NOPE", "warehouse": "MAD", "quantity": 1, "kind": "receipt"},
        {"sku": "GLOVES-L", "warehouse": "ZZZ", "quantity": "1.5", "kind": "receipt"},
        {"sku": "DRILL-18V", "warehouse": "MAD", "quantity": -1, "kind": "adjustment"},
        {"sku": "DRILL-18V", "warehouse": "MAD", "quantity": 1, "kind": "reservation"},
    ]
    with pytest.raises(InvalidStockChanges) as error:
        services.record_stock_changes(
            actor=None, changes=[services.StockChange(**change) for change in changes]
        )
    assert set(error.value.errors) == {1, 2, 3, 4}
    assert "sku" in error.value.errors[1]
    assert set(error.value.errors[2]) == {"warehouse", "quantity"}
    assert "reason" in error.value.errors[3]
    assert "kind" in error.value.errors[4]
    assert levels(product, mad) == (2, 0)

    # Within a batch, later items see earlier ones: -8 after +5 leaves -1.
    with pytest.raises(InvalidStockChanges) as error:
        services.record_stock_changes(
            actor=None,
            changes=[
                services.StockChange(sku="DRILL-18V", quantity=5),
                services.StockChange(
                    sku="DRILL-18V", quantity=-8, kind="adjustment", reason="Recuento"
                ),
            ],
        )
    assert list(error.value.errors) == [1]
    movements = services.record_stock_changes(
        actor=None,
        changes=[
            services.StockChange(sku="DRILL-18V", quantity=5, reason="Albarán 9"),
            services.StockChange(
                sku="DRILL-18V", quantity=-7, kind="adjustment", reason="Recuento"
            ),
            services.StockChange(sku="GLOVES-L", warehouse="WAW", quantity=4),
        ],
    )
    assert len(movements) == 3
    assert levels(product, mad) == (0, 0)
    assert levels(other_product, waw) == (4, 0)
    assert not ledger_mismatches().exists()


def test_ledger_is_append_only(product, mad):
    movement = services.receive(actor=None, product=product, quantity=1)
    movement.reason = "changed"
    with pytest.raises(LedgerIsAppendOnly):
        movement.save()
    with pytest.raises(LedgerIsAppendOnly):
        movement.delete()
    with pytest.raises(LedgerIsAppendOnly):
        StockMovement.objects.update(reason="x")
    with pytest.raises(LedgerIsAppendOnly):
        StockMovement.objects.filter(pk=movement.pk).delete()
    with pytest.raises(LedgerIsAppendOnly):
        StockMovement.objects.bulk_update([movement], ["reason"])
    assert StockMovement.objects.get().reason == ""


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE inventory_stockitem SET reserved = on_hand + 1",
        "UPDATE inventory_stockitem SET reserved = -1",
        "UPDATE inventory_stockitem SET on_hand = -1, reserved = -1",
        "UPDATE inventory_stockitem SET on_hand = 0",
    ],
)
def test_check_constraints_hold_for_raw_sql(product, mad, sql):
    services.receive(actor=None, product=product, quantity=5)
    services.reserve(lines=[(product, 2)])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert levels(product, mad) == (5, 2)


def test_check_stock_ledger_exit_codes(product, mad, capsys):
    services.receive(actor=None, product=product, quantity=5)
    services.reserve(lines=[(product, 2)])
    call_command("check_stock_ledger")
    assert "OK" in capsys.readouterr().out

    with connection.cursor() as cursor:  # someone bypasses the service
        cursor.execute("UPDATE inventory_stockitem SET on_hand = on_hand + 1")
    with pytest.raises(CommandError) as error:
        call_command("check_stock_ledger")
    assert error.value.returncode == 1
    assert "DRILL-18V @ MAD" in capsys.readouterr().err


def test_low_stock_alerts_once_per_crossing(
    product, mad, django_capture_on_commit_callbacks, settings
):
    settings.STAFF_ALERT_EMAIL = "compras@example.com"
    services.receive(actor=None, product=product, quantity=10)
    services.set_reorder_levels(
        actor=None, product=product, warehouse=mad, reorder_point=5, reorder_quantity=20
    )
    assert LowStockAlert.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.reserve(lines=[(product, 6)])  # available 4 < 5: crossing
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.reserve(lines=[(product, 1)])  # still below: no new alert
        services.write_off(actor=None, product=product, quantity=1, reason="Roto")
    assert callbacks == []
    assert LowStockAlert.objects.count() == 1
    assert OutboxEvent.objects.filter(event_type="stock.low").count() == 1
    event = OutboxEvent.objects.get(event_type="stock.low")
    assert (event.payload["sku"], event.payload["available"]) == ("DRILL-18V", 4)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["compras@example.com"]
    assert "DRILL-18V" in mail.outbox[0].subject
    item = StockItem.objects.get(product=product)
    assert item.low_stock

    services.receive(actor=None, product=product, quantity=10)  # back above: flag cleared
    item.refresh_from_db()
    assert not item.low_stock
    assert LowStockAlert.objects.get().resolved_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        services.reserve(lines=[(product, 10)])  # second crossing: second alert
    assert LowStockAlert.objects.count() == 2
    assert OutboxEvent.objects.filter(event_type="stock.low").count() == 2
    assert len(mail.outbox) == 2


def test_sweep_raises_missed_alerts_and_clears_stale_flags(product, other_product, mad):
    services.receive(actor=None, product=product, quantity=1)
    services.receive(actor=None, product=other_product, quantity=10)
    # Levels changed outside the services (e.g. the admin or a data migration).
    StockItem.objects.filter(product=product).update(reorder_point=5)
    StockItem.objects.filter(product=other_product).update(low_stock=True)
    stats = services.sweep_low_stock()
    assert (stats["raised"], stats["cleared"]) == (1, 1)
    assert services.sweep_low_stock()["raised"] == 0


def test_catalog_services_validate(mad):
    category = services.create_category(
        actor=None, name="Electrónica", return_window_days=14, return_shipping_paid_by="buyer"
    )
    with pytest.raises(InvalidData) as error:
        services.create_product(
            actor=None,
            sku="bad sku",
            name="X",
            category=category,
            unit_price=Decimal("-1"),
            tax_category="standard",
        )
    assert {"sku", "unit_price"} <= set(error.value.fields)
    product = services.create_product(
        actor=None,
        sku="TV-55",
        name="Televisor 55",
        category=category,
        unit_price=Decimal("399.00"),
        external_ref="",
    )
    assert product.external_ref is None
    with pytest.raises(InvalidData):
        services.update_category(
            actor=None, category=category, restocking_fee_percent=Decimal("101")
        )


def test_only_one_default_warehouse(db):
    first = services.create_warehouse(actor=None, code="MAD", name="Madrid")
    assert first.is_default and first.code == "MAD"
    second = services.create_warehouse(actor=None, code="WAW", name="Warszawa", is_default=True)
    first.refresh_from_db()
    assert second.is_default and not first.is_default


def test_return_deadline_follows_category_policy():
    from datetime import datetime

    delivered = datetime(2026, 3, 1, 12, 0)
    assert CategoryFactory.build(return_window_days=14).return_deadline(delivered).day == 15
    assert CategoryFactory.build(returnable=False).return_deadline(delivered) is None


def test_reserve_query_count_is_constant(product, mad, waw, django_assert_max_num_queries):
    products = [ProductFactory() for _ in range(10)]
    for p in products:
        services.receive(actor=None, product=p, warehouse=mad, quantity=3)
        services.receive(actor=None, product=p, warehouse=waw, quantity=3)
    with django_assert_max_num_queries(8):
        services.reserve(lines=[(p, 5) for p in products])


def test_bin_location_is_tidied_and_bounded(product, mad):
    item = services.set_bin_location(
        actor=None, product=product, warehouse=mad, bin_location=" A-03\t2 "
    )
    assert item.bin_location == "A-03 2"  # a stock item is created if there was none
    assert StockItem.objects.get(pk=item.pk).bin_location == "A-03 2"
    with pytest.raises(DomainError) as error:
        services.set_bin_location(actor=None, product=product, warehouse=mad, bin_location="Z" * 41)
    assert "bin_location" in error.value.fields
    assert StockItem.objects.get(pk=item.pk).bin_location == "A-03 2"
    services.set_bin_location(actor=None, product=product, warehouse=mad, bin_location="")
    assert StockItem.objects.get(pk=item.pk).bin_location == ""


@pytest.mark.parametrize(
    "levels, field",
    [
        ({"reorder_point": -1, "reorder_quantity": 0}, "reorder_point"),
        ({"reorder_point": 0, "reorder_quantity": 1_000_001}, "reorder_quantity"),
        ({"reorder_point": True, "reorder_quantity": 0}, "reorder_point"),
    ],
)
def test_reorder_levels_are_bounded_in_the_service(product, mad, levels, field):
    with pytest.raises(InvalidQuantity) as error:
        services.set_reorder_levels(actor=None, product=product, warehouse=mad, **levels)
    assert field in error.value.fields
    assert not StockItem.objects.filter(reorder_point__gt=0).exists()
