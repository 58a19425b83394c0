"""Catalog, warehouse and stock-setting changes write an audit row (who, what, the
fields before and after) in the service's transaction; stock movements do not (the
ledger is their history). The default warehouse rule lives in the service."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.audit import entries_for
from core.models import AuditAction, AuditEntry
from inventory import services
from inventory.errors import DefaultWarehouseRequired, InvalidData
from inventory.models import StockItem, Warehouse

from .factories import CategoryFactory

pytestmark = pytest.mark.django_db


class Key:
    is_api_key = True
    company_id = None
    revoked_at = None

    def __init__(self, pk, name):
        self.pk, self.name = pk, name


def only_entry(instance):
    [entry] = entries_for(instance)
    return entry


def test_product_created_and_changed_are_audited(manager):
    category = CategoryFactory(name="Herramientas")
    product = services.create_product(
        actor=manager, sku="SAW-1", name="Sierra", category=category, unit_price=Decimal("9.90")
    )
    created = only_entry(product)
    assert created.action == AuditAction.CREATED
    assert created.actor_user == manager
    assert created.changes["sku"] == [None, "SAW-1"]
    assert created.changes["unit_price"] == [None, "9.90"]
    assert created.changes["category"] == [None, category.pk]

    # What the service compares with is the stored row, not the instance in memory
    # (a model form changes it before the service runs).
    product.name = "changed in memory only"
    services.update_product(
        actor=manager, product=product, name="Sierra de calar", unit_price=Decimal("12.00")
    )
    changed = entries_for(product)[0]
    assert changed.action == AuditAction.CHANGED
    # A translated field is audited per language column.
    assert changed.changes == {
        "name_es": ["Sierra", "Sierra de calar"],
        "unit_price": ["9.90", "12.00"],
    }
    assert changed.actor_label == str(manager)


def test_an_unchanged_save_writes_no_row_and_a_refused_one_rolls_back(manager, product):
    services.update_product(actor=manager, product=product, name=product.name)
    assert not entries_for(product)
    with pytest.raises(InvalidData):
        services.update_product(actor=manager, product=product, unit_price=Decimal("-1"))
    assert not entries_for(product)


def test_category_changes_are_audited_with_the_key_that_made_them():
    key = Key(pk=41, name="ERP")
    category = services.create_category(actor=key, name="Jardín", return_window_days=14)
    services.update_category(actor=key, category=category, return_window_days=30)
    changed, created = entries_for(category)
    assert created.action == AuditAction.CREATED and changed.action == AuditAction.CHANGED
    assert changed.changes == {"return_window_days": [14, 30]}
    assert (changed.actor_user, changed.actor_key_id) == (None, 41)
    assert "ERP" in changed.actor_label


def test_warehouse_default_moves_with_an_audit_row_on_both(manager):
    mad = services.create_warehouse(actor=manager, code="MAD", name="Madrid")
    waw = services.create_warehouse(actor=manager, code="WAW", name="Warszawa")
    assert mad.is_default and not waw.is_default
    assert only_entry(mad).changes["is_default"] == [None, True]

    services.update_warehouse(actor=manager, warehouse=waw, is_default=True)
    mad.refresh_from_db()
    waw.refresh_from_db()
    assert waw.is_default and not mad.is_default
    assert entries_for(waw)[0].changes == {"is_default": [False, True]}
    assert entries_for(mad)[0].changes == {"is_default": [True, False]}
    assert Warehouse.objects.filter(is_default=True).count() == 1


def test_the_default_warehouse_cannot_be_unset(manager):
    mad = services.create_warehouse(actor=manager, code="MAD", name="Madrid")
    services.create_warehouse(actor=manager, code="WAW", name="Warszawa")
    with pytest.raises(DefaultWarehouseRequired) as error:
        services.update_warehouse(actor=manager, warehouse=mad, name="Madrid 2", is_default=False)
    assert error.value.code == "default_warehouse_required"
    assert "is_default" in error.value.fields
    mad.refresh_from_db()
    assert mad.is_default and mad.name == "Madrid"
    assert Warehouse.objects.filter(is_default=True).get() == mad
    # Leaving it out, or unticking a warehouse that is not the default, is fine.
    services.update_warehouse(actor=manager, warehouse=mad, name="Madrid 2")
    waw = Warehouse.objects.get(code="WAW")
    services.update_warehouse(actor=manager, warehouse=waw, is_default=False)
    assert Warehouse.objects.filter(is_default=True).get().name == "Madrid 2"


def test_the_first_warehouse_is_the_default_whatever_is_asked(manager):
    first = services.create_warehouse(actor=manager, code="BCN", name="Barcelona")
    assert first.is_default


def test_stock_settings_are_audited_but_movements_are_not(warehouse_worker, product, mad):
    services.receive(actor=warehouse_worker, product=product, quantity=5)
    services.write_off(actor=warehouse_worker, product=product, quantity=1, reason="Rota")
    assert not AuditEntry.objects.exists()

    item = services.set_stock_settings(
        actor=warehouse_worker,
        product=product,
        warehouse=mad,
        reorder_point=2,
        reorder_quantity=10,
        bin_location="  A-01   2 ",
    )
    entry = only_entry(item)
    assert entry.actor_user == warehouse_worker
    assert entry.changes == {
        "bin_location": ["", "A-01 2"],
        "reorder_point": [0, 2],
        "reorder_quantity": [0, 10],
    }
    services.set_reorder_levels(
        actor=warehouse_worker, product=product, warehouse=mad, reorder_point=2, reorder_quantity=10
    )
    assert len(entries_for(item)) == 1  # nothing changed: no row
    services.set_bin_location(
        actor=warehouse_worker, product=product, warehouse=mad, bin_location="B-02"
    )
    assert entries_for(item)[0].changes == {"bin_location": ["A-01 2", "B-02"]}
    assert StockItem.objects.get(pk=item.pk).bin_location == "B-02"


def test_bulk_upsert_writes_one_row_per_product_created_or_changed(product):
    key = Key(pk=5, name="ERP")
    result = services.bulk_upsert_products(
        actor=key,
        items=[
            {"sku": product.sku, "name": "Taladro nuevo"},
            {"sku": "NEW-1", "name": "Nuevo", "category": product.category_id, "unit_price": 3},
            {"sku": "NEW-2", "name": "Otro", "category": product.category_id, "unit_price": 4},
        ],
    )
    assert result.updated == [product.sku] and result.created == ["NEW-1", "NEW-2"]
    assert entries_for(product)[0].changes == {"name_es": ["Taladro 18 V", "Taladro nuevo"]}
    new = result.products[1]
    created = only_entry(new)
    assert created.action == AuditAction.CREATED and created.actor_key_id == 5
    assert created.changes["sku"] == [None, "NEW-1"]
    services.bulk_upsert_products(actor=key, items=[{"sku": "NEW-1", "name": "Nuevo"}])
    assert len(entries_for(new)) == 1  # sent unchanged: no row


def test_pages_show_the_change_history(client_for, manager, product, mad):
    services.update_product(actor=manager, product=product, name="Taladro percutor")
    services.update_warehouse(actor=manager, warehouse=mad, name="Madrid Norte")
    services.update_category(actor=manager, category=product.category, return_window_days=21)
    item = services.set_reorder_levels(
        actor=manager, product=product, warehouse=mad, reorder_point=4, reorder_quantity=8
    )
    client = client_for(manager)
    pages = [
        (reverse("backoffice:product_detail", args=[product.pk]), "Taladro percutor"),
        (reverse("backoffice:warehouse_edit", args=[mad.pk]), "Madrid Norte"),
        (reverse("backoffice:category_edit", args=[product.category.pk]), "21"),
        (reverse("backoffice:stock_levels", args=[item.pk]), "reorder_point"),
    ]
    for url, text in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        trail = html[html.index('class="card mt-3 audit-trail"') :]
        assert text in trail, url
        assert str(manager) in trail, url


def test_the_admin_cannot_change_the_catalog_behind_the_services(db):
    from django.contrib import admin
    from django.test import RequestFactory

    from inventory.models import Category, Product

    request = RequestFactory().get("/")
    for model in (Category, Product, Warehouse):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
