"""The write services decide who may change the catalog and the stock
(``inventory.permissions``): each actor kind is allowed or refused with ``NotAllowed``,
and a refused call writes nothing."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from core.errors import NotAllowed
from core.models import AuditEntry
from core.roles import StaffRole
from customers.tests.factories import StaffUserFactory
from inventory import permissions, services
from inventory.models import Category, Product, StockItem, StockMovement, Warehouse

from .factories import CategoryFactory

pytestmark = pytest.mark.django_db


@dataclass
class Key:
    """An API key as ``core.actors`` sees it (duck-typed by ``is_api_key``)."""

    pk: int
    name: str
    company_id: int | None = None
    revoked_at: object = None
    is_api_key: bool = True


class _Rollback(Exception):
    pass


@pytest.fixture
def actors(manager, warehouse_worker, service_agent, buyer, customer_admin, company):
    inactive = StaffUserFactory(email="former@example.com", roles=[StaffRole.MANAGER])
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    return {
        "system": None,
        "manager": manager,
        "seller_key": Key(pk=7, name="ERP"),
        "warehouse_worker": warehouse_worker,
        "service_agent": service_agent,
        "buyer": buyer,
        "customer_admin": customer_admin,
        "company_key": Key(pk=9, name="Procurement", company_id=company.pk),
        "revoked_seller_key": Key(pk=8, name="Old ERP", revoked_at=timezone.now()),
        "inactive_manager": inactive,
    }


def each_actor(actors, kinds, check):
    """Run ``check(kind, actor)`` for each actor kind, each in a savepoint rolled back
    afterwards, so every actor meets the same data."""
    for kind in kinds:
        try:
            with transaction.atomic():
                check(kind, actors[kind])
                raise _Rollback
        except _Rollback:
            pass


#: Actor kind -> (may change the catalog, may change stock).
ACTORS = {
    "system": (True, True),
    "manager": (True, True),
    "seller_key": (True, True),
    "warehouse_worker": (False, True),
    "service_agent": (False, False),
    "buyer": (False, False),
    "customer_admin": (False, False),
    "company_key": (False, False),
    "revoked_seller_key": (False, False),
    "inactive_manager": (False, False),
}


@pytest.fixture
def stocked(product, mad):
    services.receive(actor=None, product=product, quantity=10)
    return product


def _catalog_calls(product, mad):
    category = product.category
    return {
        "create_category": lambda actor: services.create_category(actor=actor, name="Jardín"),
        "update_category": lambda actor: services.update_category(
            actor=actor, category=category, return_window_days=30
        ),
        "create_product": lambda actor: services.create_product(
            actor=actor, sku="NEW-1", name="Nuevo", category=category, unit_price=Decimal("5")
        ),
        "update_product": lambda actor: services.update_product(
            actor=actor, product=product, name="Otro nombre"
        ),
        "create_warehouse": lambda actor: services.create_warehouse(
            actor=actor, code="VLC", name="Valencia"
        ),
        "update_warehouse": lambda actor: services.update_warehouse(
            actor=actor, warehouse=mad, name="Madrid Sur"
        ),
        "bulk_upsert_products": lambda actor: services.bulk_upsert_products(
            actor=actor, items=[{"sku": product.sku, "name": "Por lote"}]
        ),
    }


def _stock_calls(product, mad):
    return {
        "receive": lambda actor: services.receive(actor=actor, product=product, quantity=2),
        "adjust": lambda actor: services.adjust(
            actor=actor, product=product, quantity=-1, reason="Recuento"
        ),
        "adjust_counted": lambda actor: services.adjust(
            actor=actor, product=product, counted=4, reason="Recuento"
        ),
        "write_off": lambda actor: services.write_off(
            actor=actor, product=product, quantity=1, reason="Rota"
        ),
        "restock_return": lambda actor: services.restock_return(
            actor=actor, product=product, quantity=1
        ),
        "record_stock_changes": lambda actor: services.record_stock_changes(
            actor=actor, changes=[services.StockChange(sku=product.sku, quantity=3)]
        ),
        "set_reorder_levels": lambda actor: services.set_reorder_levels(
            actor=actor, product=product, warehouse=mad, reorder_point=3, reorder_quantity=9
        ),
        "set_bin_location": lambda actor: services.set_bin_location(
            actor=actor, product=product, warehouse=mad, bin_location="A-01-1"
        ),
        "set_stock_settings": lambda actor: services.set_stock_settings(
            actor=actor,
            product=product,
            warehouse=mad,
            reorder_point=3,
            reorder_quantity=9,
            bin_location="A-01-1",
        ),
    }


def _state():
    """Everything a refused call must leave as it was."""
    return (
        list(Category.objects.order_by("pk").values()),
        list(Product.objects.order_by("pk").values()),
        list(Warehouse.objects.order_by("pk").values()),
        list(StockItem.objects.order_by("pk").values()),
        StockMovement.objects.count(),
        AuditEntry.objects.count(),
    )


CATALOG_SERVICES = [
    "create_category",
    "update_category",
    "create_product",
    "update_product",
    "create_warehouse",
    "update_warehouse",
    "bulk_upsert_products",
]
STOCK_SERVICES = [
    "receive",
    "adjust",
    "adjust_counted",
    "write_off",
    "restock_return",
    "record_stock_changes",
    "set_reorder_levels",
    "set_bin_location",
    "set_stock_settings",
]


@pytest.mark.parametrize("service", CATALOG_SERVICES)
def test_catalog_services_check_the_actor(actors, stocked, mad, service):
    call = _catalog_calls(stocked, mad)[service]

    def check(kind, actor):
        allowed = ACTORS[kind][0]
        assert permissions.can_edit_catalog(actor) is allowed, kind
        if allowed:
            assert call(actor) is not None
            assert AuditEntry.objects.exists(), kind
        else:
            before = _state()
            with pytest.raises(NotAllowed) as error:
                call(actor)
            assert error.value.code == "permission_denied" and error.value.status == 403
            assert _state() == before, kind

    each_actor(actors, ACTORS, check)


@pytest.mark.parametrize("service", STOCK_SERVICES)
def test_stock_services_check_the_actor(actors, stocked, mad, service):
    call = _stock_calls(stocked, mad)[service]

    def check(kind, actor):
        allowed = ACTORS[kind][1]
        assert permissions.can_keep_stock(actor) is allowed, kind
        if allowed:
            before = (StockMovement.objects.count(), AuditEntry.objects.count())
            call(actor)
            assert (StockMovement.objects.count(), AuditEntry.objects.count()) != before, kind
        else:
            before = _state()
            with pytest.raises(NotAllowed):
                call(actor)
            assert _state() == before, kind

    each_actor(actors, ACTORS, check)


def test_stock_movements_record_the_person_not_a_key(actors, stocked, warehouse_worker):
    by_person = services.receive(actor=warehouse_worker, product=stocked, quantity=1)
    by_key = services.receive(actor=actors["seller_key"], product=stocked, quantity=1)
    assert by_person.user == warehouse_worker
    assert by_key.user is None


#: Reservations are made by the orders service for an order it authorised (a customer
#: placing an order included): only inactive actors are refused.
RESERVERS = {
    "system": True,
    "manager": True,
    "service_agent": True,
    "buyer": True,
    "seller_key": True,
    "company_key": True,
    "revoked_seller_key": False,
    "inactive_manager": False,
}


def test_reservations_are_refused_only_to_inactive_actors(actors, stocked, mad):
    order = CategoryFactory(name="any reference")

    def check(kind, actor):
        if not RESERVERS[kind]:
            for call in (
                lambda: services.reserve(actor=actor, lines=[(stocked, 2)], reference_object=order),
                lambda: services.ship(actor=actor, reference_object=order),
                lambda: services.release(actor=actor, reference_object=order),
            ):
                with pytest.raises(NotAllowed):
                    call()
            assert StockItem.objects.get(product=stocked).reserved == 0
            return
        services.reserve(actor=actor, lines=[(stocked, 2)], reference_object=order)
        services.ship(actor=actor, reference_object=order)
        assert StockItem.objects.get(product=stocked).on_hand == 8, kind
        services.reserve(actor=actor, lines=[(stocked, 1)], reference_object=order)
        services.release(actor=actor, reference_object=order)
        assert StockItem.objects.get(product=stocked).reserved == 0, kind

    each_actor(actors, RESERVERS, check)


def test_reservations_record_the_person_behind_the_actor(stocked, mad, warehouse_worker):
    [allocation] = services.reserve(actor=warehouse_worker, lines=[(stocked, 2)])
    [movement] = services.release(actor=warehouse_worker, allocations=[allocation])
    assert movement.user == warehouse_worker
