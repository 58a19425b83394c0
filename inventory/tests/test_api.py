"""Inventory API: /api/v1/categories/, /products/ (+ bulk), /warehouses/, /stock/ and
/stock/movements/, with seller keys, company keys and staff sessions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from inventory import services
from inventory.models import Category, Product, StockItem, StockMovement, Warehouse
from inventory.selectors import ledger_mismatches

from .factories import CategoryFactory, ProductFactory

CATEGORIES = "/api/v1/categories/"
PRODUCTS = "/api/v1/products/"
BULK = "/api/v1/products/bulk/"
WAREHOUSES = "/api/v1/warehouses/"
STOCK = "/api/v1/stock/"
MOVEMENTS = "/api/v1/stock/movements/"


@pytest.fixture
def seller(api, seller_key):
    return api(seller_key)


@pytest.fixture
def buyer_api(api, company_key):
    """A company key's client (read-only catalog and availability)."""
    return api(company_key)


@pytest.fixture
def tools(db):
    return CategoryFactory(name="Herramientas")


def levels(sku, code):
    item = StockItem.objects.get(product__sku=sku, warehouse__code=code)
    return item.on_hand, item.reserved


def product_body(**changes):
    body = {
        "sku": "SAW-600",
        "name": "Sierra de calar 600 W",
        "category": Category.objects.get(name="Herramientas").pk,
        "unit_price": "59.90",
        "vat_rate": "21.00",
        "weight_kg": "2.100",
    }
    body.update(changes)
    return body


def change(sku="DRILL-18V", warehouse="MAD", quantity=5, kind="receipt", reason="Albarán 7"):
    return {
        "sku": sku,
        "warehouse": warehouse,
        "quantity": quantity,
        "kind": kind,
        "reason": reason,
    }


# --- categories -------------------------------------------------------------------------


def test_seller_creates_and_lists_categories(seller):
    body = {
        "name": "Ropa laboral",
        "returnable": True,
        "return_window_days": 30,
        "return_shipping_paid_by": "seller",
        "restocking_fee_percent": "5.00",
        "return_conditions": "Sin usar, con etiquetas",
    }
    response = seller.post(CATEGORIES, body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    category = Category.objects.get(pk=created["id"])
    assert category.return_window_days == 30 and category.return_shipping_paid_by == "seller"
    assert created["restocking_fee_percent"] == "5.00"
    assert category.return_conditions == "Sin usar, con etiquetas"
    listed = seller.get(CATEGORIES).json()["results"]
    assert [row["name"] for row in listed] == ["Ropa laboral"]
    assert seller.get(f"{CATEGORIES}{category.pk}/").json()["name"] == "Ropa laboral"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"restocking_fee_percent": "150"}, "restocking_fee_percent"),
        ({"return_window_days": "14"}, "return_window_days"),
        ({"return_window_days": 14.5}, "return_window_days"),
        ({"return_window_days": 400}, "return_window_days"),
        ({"return_shipping_paid_by": "nobody"}, "return_shipping_paid_by"),
        ({"name": ""}, "name"),
        ({"name": "Herramientas"}, "name"),  # taken
    ],
)
def test_invalid_category_fields_are_named(seller, tools, changes, field):
    body = {"name": "Oficina", "return_window_days": 7, **changes}
    response = seller.post(CATEGORIES, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert Category.objects.count() == 1


# --- warehouses -------------------------------------------------------------------------


def test_seller_creates_warehouses_and_moves_the_default(seller, mad):
    response = seller.post(
        WAREHOUSES, {"code": "bcn", "name": "Barcelona", "is_default": True}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "BCN" and response.json()["is_default"] is True
    mad.refresh_from_db()
    assert not mad.is_default
    plain = seller.post(WAREHOUSES, {"code": "WAW", "name": "Warszawa"}, format="json")
    assert plain.status_code == 201 and plain.json()["is_default"] is False
    assert [row["code"] for row in seller.get(WAREHOUSES).json()["results"]] == [
        "MAD",
        "BCN",
        "WAW",
    ]
    assert seller.get(f"{WAREHOUSES}BCN/").json()["name"] == "Barcelona"
    assert seller.get(f"{WAREHOUSES}bcn/").json()["code"] == "BCN"
    assert seller.get(WAREHOUSES, {"code": "waw"}).json()["results"][0]["code"] == "WAW"
    assert seller.get(f"{WAREHOUSES}ZZZ/").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"code": "M AD", "name": "x"},
        {"code": "MAD", "name": "Otra vez"},  # taken
        {"code": "", "name": "x"},
        {"code": "TOOLONGCODE1", "name": "x"},
        {"name": "Sin código"},
    ],
)
def test_invalid_warehouses_are_400(seller, mad, body):
    response = seller.post(WAREHOUSES, body, format="json")
    assert response.status_code == 400, response.content
    assert "code" in response.json()["fields"]
    assert Warehouse.objects.count() == 1


# --- products ---------------------------------------------------------------------------


def test_seller_creates_retrieves_and_patches_a_product(seller, tools):
    response = seller.post(PRODUCTS, product_body(sku="SAW-600.v2"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["unit_price"] == "59.90" and body["category"] == tools.pk
    assert body["active"] is True and body["external_ref"] is None
    url = f"{PRODUCTS}SAW-600.v2/"
    assert seller.get(url).json()["name"] == "Sierra de calar 600 W"
    patched = seller.patch(url, {"unit_price": "49.90", "active": False}, format="json")
    assert patched.status_code == 200, patched.content
    product = Product.objects.get(sku="SAW-600.v2")
    assert product.unit_price == Decimal("49.90") and not product.active
    assert product.name == "Sierra de calar 600 W"  # the rest kept


def test_skus_with_slashes_dots_and_dashes_are_addressable(seller, tools):
    ProductFactory(sku="A/B-1.0_x", category=tools)
    response = seller.get(f"{PRODUCTS}A/B-1.0_x/")
    assert response.status_code == 200 and response.json()["sku"] == "A/B-1.0_x"
    assert seller.get(f"{PRODUCTS}NOPE-1/").status_code == 404


def test_the_smallest_product_body_is_enough(seller, tools):
    body = product_body()
    body.pop("vat_rate"), body.pop("weight_kg")
    response = seller.post(PRODUCTS, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["vat_rate"] == "21.00"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"unit_price": "abc"}, "unit_price"),
        ({"unit_price": "-1.00"}, "unit_price"),
        ({"unit_price": "1.999"}, "unit_price"),
        ({"vat_rate": "150"}, "vat_rate"),
        ({"weight_kg": "-0.5"}, "weight_kg"),
        ({"category": str(0)}, "category"),
        ({"category": "1"}, "category"),  # text for a number
        ({"category": 1.0}, "category"),
        ({"category": 999_999}, "category"),  # unknown
        ({"sku": "bad sku"}, "sku"),
        ({"sku": ""}, "sku"),
        ({"name": ""}, "name"),
        ({"active": "maybe"}, "active"),
    ],
)
def test_invalid_product_fields_are_named(seller, tools, changes, field):
    response = seller.post(PRODUCTS, product_body(**changes), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_error"
    assert field in response.json()["fields"], response.json()
    assert not Product.objects.exists()


def test_taken_sku_and_external_ref_are_field_errors(seller, tools):
    ProductFactory(sku="SAW-600", external_ref="ERP-1")
    response = seller.post(PRODUCTS, product_body(external_ref="ERP-1"), format="json")
    assert response.status_code == 400
    assert {"sku", "external_ref"} <= set(response.json()["fields"])


def test_patch_validates_and_writes_nothing_on_error(seller, tools):
    product = ProductFactory(sku="SAW-600", category=tools)
    response = seller.patch(
        f"{PRODUCTS}SAW-600/", {"unit_price": "-5", "name": "Nueva"}, format="json"
    )
    assert response.status_code == 400 and "unit_price" in response.json()["fields"]
    response = seller.patch(f"{PRODUCTS}SAW-600/", {"category": 424242}, format="json")
    assert response.status_code == 400 and "category" in response.json()["fields"]
    product.refresh_from_db()
    assert product.name != "Nueva" and product.category == tools


def test_product_filters(seller, tools):
    other = CategoryFactory(name="Oficina")
    a = ProductFactory(sku="A-1", category=tools, external_ref="E-A")
    b = ProductFactory(sku="B-1", category=other, active=False)
    old = timezone.now() - timedelta(days=2)
    Product.objects.filter(pk=a.pk).update(updated_at=old)

    def skus(**params):
        response = seller.get(PRODUCTS, params)
        assert response.status_code == 200, response.content
        return [row["sku"] for row in response.json()["results"]]

    assert skus() == ["A-1", "B-1"]
    assert skus(sku="B-1") == ["B-1"]
    assert skus(category=tools.pk) == ["A-1"]
    assert skus(active="false") == ["B-1"]
    assert skus(active="true") == ["A-1"]
    assert skus(external_ref="E-A") == ["A-1"]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert skus(updated_since=since) == ["B-1"]
    for bad in (
        {"active": "maybe"},
        {"category": "x"},
        {"category": "1.5"},
        {"updated_since": "x"},
    ):
        assert seller.get(PRODUCTS, bad).status_code == 400, bad
    assert b.pk


# --- bulk upsert ------------------------------------------------------------------------


def test_bulk_upsert_creates_updates_and_skips_unchanged(seller, tools):
    kept = ProductFactory(sku="KEEP-1", category=tools, unit_price=Decimal("10.00"))
    changed = ProductFactory(sku="CHANGE-1", category=tools, unit_price=Decimal("10.00"))
    before = Product.objects.get(pk=kept.pk).updated_at
    items = [
        product_body(sku="NEW-1", external_ref="ERP-N1"),
        product_body(
            sku="CHANGE-1",
            name=changed.name,
            unit_price="12.50",
            vat_rate="21.00",
            weight_kg=str(changed.weight_kg),
        ),
        {
            "sku": "KEEP-1",
            "name": kept.name,
            "category": tools.pk,
            "unit_price": "10.00",
            "vat_rate": "21.00",
            "weight_kg": str(kept.weight_kg),
        },
    ]
    response = seller.post(BULK, items, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == ["NEW-1"]
    assert body["updated"] == ["CHANGE-1"]
    assert body["unchanged"] == ["KEEP-1"]
    assert [row["sku"] for row in body["results"]] == ["NEW-1", "CHANGE-1", "KEEP-1"]
    assert all(row["id"] for row in body["results"])
    assert Product.objects.get(sku="NEW-1").external_ref == "ERP-N1"
    assert Product.objects.get(sku="CHANGE-1").unit_price == Decimal("12.50")
    assert Product.objects.get(pk=kept.pk).updated_at == before  # not touched


def test_bulk_upsert_is_all_or_nothing_with_errors_per_item(seller, tools):
    existing = ProductFactory(sku="OLD-1", category=tools, unit_price=Decimal("10.00"))
    items = [
        product_body(sku="NEW-1"),
        product_body(sku="OLD-1", unit_price="11.00"),
        product_body(sku="NEW-2"),
        product_body(sku="NEW-3", unit_price="abc"),
    ]
    response = seller.post(BULK, items, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert list(response.json()["fields"]) == ["3.unit_price"]
    # Service-level rules: unknown category, bad SKU; reported with the item index.
    items[3] = product_body(sku="NEW-3", category=987_654)
    items.append(product_body(sku="bad sku"))
    response = seller.post(BULK, items, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_products"
    assert set(body["fields"]) == {"3.category", "4.sku"}
    assert Product.objects.count() == 1
    existing.refresh_from_db()
    assert existing.unit_price == Decimal("10.00")


def test_bulk_upsert_refuses_duplicate_skus_naming_them(seller, tools):
    items = [
        product_body(sku="DUP-1"),
        product_body(sku="OK-1"),
        product_body(sku="DUP-1"),
        product_body(sku="DUP-2"),
        product_body(sku="DUP-2"),
    ]
    response = seller.post(BULK, items, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "duplicate_sku"
    assert "DUP-1" in body["detail"] and "DUP-2" in body["detail"]
    assert set(body["fields"]) == {"0.sku", "2.sku", "3.sku", "4.sku"}
    assert not Product.objects.exists()


def test_bulk_upsert_refuses_external_refs_held_by_others(seller, tools):
    ProductFactory(sku="HOLDER", external_ref="ERP-9", category=tools)
    items = [product_body(sku="N-1", external_ref="ERP-9"), product_body(sku="N-2")]
    response = seller.post(BULK, items, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"0.external_ref"}
    assert Product.objects.count() == 1


def test_bulk_upsert_limits_and_body_shape(seller, tools):
    too_many = [product_body(sku=f"S-{n}") for n in range(1001)]
    response = seller.post(BULK, too_many, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_items"
    for body in ({"items": []}, [], "SAW", [1, 2]):
        response = seller.post(BULK, body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert response.json()["fields"], body
    assert not Product.objects.exists()


def test_bulk_upsert_of_a_thousand_products_takes_a_bounded_number_of_queries(
    seller, tools, django_assert_max_num_queries
):
    ProductFactory.create_batch(3, category=tools)
    existing = list(Product.objects.values_list("sku", flat=True))
    items = [product_body(sku=sku, unit_price="99.00") for sku in existing]
    items += [product_body(sku=f"BULK-{n:04d}", external_ref=f"R-{n}") for n in range(997)]
    # Key lookup, product lock, categories, external refs, then one INSERT and one
    # UPDATE, and one INSERT of the audit rows: 7 on PostgreSQL; SQLite splits them in
    # batches of 999 parameters (~18, and ~9 for the audit rows).
    with django_assert_max_num_queries(35):
        response = seller.post(BULK, items, format="json")
    assert response.status_code == 200, response.content[:500]
    assert len(response.json()["created"]) == 997
    assert len(response.json()["updated"]) == 3
    assert Product.objects.count() == 1000
    assert Product.objects.filter(unit_price=Decimal("99.00")).count() == 3


def test_bulk_upsert_queries_do_not_grow_with_items(seller, tools):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(prefix, count):
        items = [product_body(sku=f"{prefix}-{n}") for n in range(count)]
        with CaptureQueriesContext(connection) as queries:
            assert seller.post(BULK, items, format="json").status_code == 200
        return len(queries)

    # The key's last_used_at is written on the first request; the VAT rates a
    # ``vat_rate`` is matched against are read once per process (core.fiscal).
    run("W", 1)
    small, large = run("S", 5), run("L", 50)
    assert large == small


# --- stock ------------------------------------------------------------------------------


def test_stock_lists_levels_per_product_and_warehouse(seller, product, other_product, mad, waw):
    services.receive(actor=None, product=product, quantity=10, warehouse=mad)
    services.receive(actor=None, product=product, quantity=3, warehouse=waw)
    services.receive(actor=None, product=other_product, quantity=1, warehouse=mad)
    services.reserve(lines=[(product, 4)])
    services.set_reorder_levels(
        actor=None, product=other_product, warehouse=mad, reorder_point=5, reorder_quantity=20
    )
    services.set_bin_location(
        actor=None, product=other_product, warehouse=mad, bin_location="C-01-2"
    )
    rows = seller.get(STOCK).json()["results"]
    by_key = {(row["sku"], row["warehouse"]): row for row in rows}
    drill = by_key[("DRILL-18V", "MAD")]
    assert (drill["on_hand"], drill["reserved"], drill["available"]) == (10, 4, 6)
    gloves = by_key[("GLOVES-L", "MAD")]
    assert gloves["reorder_point"] == 5 and gloves["reorder_quantity"] == 20
    assert (gloves["bin_location"], drill["bin_location"]) == ("C-01-2", "")
    assert gloves["below_reorder_point"] is True

    def keys(**params):
        response = seller.get(STOCK, params)
        assert response.status_code == 200, response.content
        return [(row["sku"], row["warehouse"]) for row in response.json()["results"]]

    assert set(keys(sku="DRILL-18V")) == {("DRILL-18V", "MAD"), ("DRILL-18V", "WAW")}
    assert set(keys(warehouse="waw")) == {("DRILL-18V", "WAW")}
    assert keys(below_reorder_point="true") == [("GLOVES-L", "MAD")]
    assert ("GLOVES-L", "MAD") not in keys(below_reorder_point="false")
    assert len(keys(below_reorder_point="false")) == 2
    StockItem.objects.update(updated_at=timezone.now() - timedelta(days=3))
    services.receive(actor=None, product=product, quantity=1, warehouse=waw)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert keys(updated_since=since) == [("DRILL-18V", "WAW")]
    assert seller.get(STOCK, {"below_reorder_point": "yes"}).status_code == 400


# --- stock movements --------------------------------------------------------------------


def test_movements_post_records_a_batch_and_the_ledger_reconciles(
    seller, product, other_product, mad, waw
):
    body = [
        change(quantity=10),
        change(quantity=-2, kind="adjustment", reason="Recuento"),
        change(quantity=1, kind="write_off", reason="Caja rota"),
        change(sku="GLOVES-L", warehouse="waw", quantity=4),
    ]
    response = seller.post(MOVEMENTS, body, format="json")
    assert response.status_code == 201, response.content
    rows = response.json()
    assert [(r["sku"], r["warehouse"], r["kind"], r["on_hand_delta"]) for r in rows] == [
        ("DRILL-18V", "MAD", "receipt", 10),
        ("DRILL-18V", "MAD", "adjustment", -2),
        ("DRILL-18V", "MAD", "write_off", -1),
        ("GLOVES-L", "WAW", "receipt", 4),
    ]
    assert rows[2]["on_hand_after"] == 7 and rows[2]["reason"] == "Caja rota"
    assert levels("DRILL-18V", "MAD") == (7, 0)
    assert levels("GLOVES-L", "WAW") == (4, 0)
    assert not ledger_mismatches().exists()
    # The API's stock view agrees with the ledger.
    stock = {(r["sku"], r["warehouse"]): r["on_hand"] for r in seller.get(STOCK).json()["results"]}
    assert stock == {("DRILL-18V", "MAD"): 7, ("GLOVES-L", "WAW"): 4}


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (change(quantity="5"), "quantity"),  # text for a number
        (change(quantity=1.5), "quantity"),  # a decimal
        (change(quantity=2.0), "quantity"),
        (change(quantity=True), "quantity"),
        (change(quantity=0), "quantity"),
        (change(quantity=-3), "quantity"),  # receipts are positive
        (change(quantity=-3, kind="write_off"), "quantity"),
        (change(quantity=0, kind="adjustment", reason="x"), "quantity"),
        (change(sku="NOPE"), "sku"),
        (change(warehouse="ZZZ"), "warehouse"),
        (change(kind="reservation"), "kind"),
        (change(kind="write_off", reason=""), "reason"),
        (change(kind="adjustment", reason="  "), "reason"),
        ({"sku": "DRILL-18V", "quantity": 1, "kind": "receipt"}, "warehouse"),
        ("DRILL-18V", "non_field_errors"),
    ],
)
def test_bad_movements_are_400_per_item_and_nothing_is_written(seller, product, mad, item, field):
    services.receive(actor=None, product=product, quantity=5)
    response = seller.post(MOVEMENTS, [change(quantity=1), item], format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert f"1.{field}" in body["fields"], body
    assert "0.quantity" not in body["fields"]
    assert levels("DRILL-18V", "MAD") == (5, 0)
    assert StockMovement.objects.count() == 1


def test_movements_that_take_stock_that_is_not_there_are_409(seller, product, mad):
    services.receive(actor=None, product=product, quantity=5)
    services.reserve(lines=[(product, 2)])
    body = [
        change(quantity=1),
        change(quantity=4, kind="write_off", reason="Robo"),  # 6 on hand, 2 reserved
        change(quantity=-10, kind="adjustment", reason="Recuento"),
    ]
    response = seller.post(MOVEMENTS, body, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "negative_stock"
    assert set(response.json()["fields"]) == {"2.quantity"}
    assert levels("DRILL-18V", "MAD") == (5, 2)
    assert StockMovement.objects.count() == 2
    body[2] = change(quantity=1, kind="write_off", reason="Robo")  # 6 - 4 - 1 >= 2? no
    response = seller.post(MOVEMENTS, body, format="json")
    assert response.status_code == 409 and set(response.json()["fields"]) == {"2.quantity"}
    assert not ledger_mismatches().exists()


def test_movements_body_must_be_a_non_empty_array_within_the_limit(seller, product, mad):
    for body in (change(), {"items": [change()]}, [], "x", [[change()]]):
        response = seller.post(MOVEMENTS, body, format="json")
        assert response.status_code == 400, (body, response.content)
    response = seller.post(MOVEMENTS, [change(quantity=1)] * 501, format="json")
    assert response.status_code == 413 and response.json()["code"] == "too_many_items"
    response = seller.post(MOVEMENTS, "[1,", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    assert not StockMovement.objects.exists()


def test_a_full_batch_of_movements_takes_a_bounded_number_of_queries(
    seller, tools, mad, django_assert_max_num_queries
):
    Product.objects.bulk_create(
        [Product(sku=f"P-{n:03d}", name="x", category=tools, unit_price=1) for n in range(500)]
    )
    body = [change(sku=f"P-{n:03d}", quantity=n + 1) for n in range(500)]
    seller.get(STOCK)  # the key's last_used_at is written on the first request
    # About 9 on PostgreSQL; SQLite splits the INSERTs in batches of 999 parameters.
    with django_assert_max_num_queries(25):
        response = seller.post(MOVEMENTS, body, format="json")
    assert response.status_code == 201, response.content[:300]
    assert len(response.json()) == 500
    assert StockMovement.objects.count() == 500
    assert levels("P-499", "MAD") == (500, 0)
    assert not ledger_mismatches().exists()


def test_movements_replay_with_the_same_idempotency_key_does_not_receive_twice(
    seller, api, seller_key, product, mad
):
    client = api(seller_key, HTTP_IDEMPOTENCY_KEY="receipt-2024-0001")
    body = [change(quantity=7)]
    first = client.post(MOVEMENTS, body, format="json")
    assert first.status_code == 201
    again = client.post(MOVEMENTS, body, format="json")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert levels("DRILL-18V", "MAD") == (7, 0)
    assert StockMovement.objects.count() == 1
    other = client.post(MOVEMENTS, [change(quantity=8)], format="json")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert levels("DRILL-18V", "MAD") == (7, 0)


def test_movements_list_filters(seller, product, other_product, mad, waw):
    services.receive(actor=None, product=product, quantity=5, warehouse=mad)
    services.receive(actor=None, product=other_product, quantity=5, warehouse=waw)
    services.write_off(actor=None, product=product, quantity=1, reason="Rota", warehouse=mad)

    def kinds(**params):
        response = seller.get(MOVEMENTS, params)
        assert response.status_code == 200, response.content
        return [(r["sku"], r["warehouse"], r["kind"]) for r in response.json()["results"]]

    assert kinds() == [
        ("DRILL-18V", "MAD", "receipt"),
        ("GLOVES-L", "WAW", "receipt"),
        ("DRILL-18V", "MAD", "write_off"),
    ]
    assert kinds(sku="GLOVES-L") == [("GLOVES-L", "WAW", "receipt")]
    assert kinds(warehouse="mad", kind="write_off") == [("DRILL-18V", "MAD", "write_off")]
    future = (timezone.now() + timedelta(minutes=5)).isoformat()
    assert kinds(updated_since=future) == []
    assert seller.get(MOVEMENTS, {"kind": "theft"}).status_code == 400


# --- scopes -----------------------------------------------------------------------------


def test_company_keys_read_catalog_and_stock(buyer_api, product, mad):
    services.receive(actor=None, product=product, quantity=3)
    for url in (CATEGORIES, PRODUCTS, WAREHOUSES, STOCK):
        response = buyer_api.get(url)
        assert response.status_code == 200, url
        assert response.json()["results"], url
    assert buyer_api.get(f"{PRODUCTS}DRILL-18V/").status_code == 200
    assert buyer_api.get(f"{WAREHOUSES}MAD/").status_code == 200
    assert buyer_api.get(STOCK).json()["results"][0]["available"] == 3


def test_company_keys_change_nothing_and_do_not_see_the_ledger(buyer_api, tools, product, mad):
    categories = Category.objects.count()
    attempts = [
        buyer_api.post(CATEGORIES, {"name": "Mía"}, format="json"),
        buyer_api.post(PRODUCTS, product_body(), format="json"),
        buyer_api.patch(f"{PRODUCTS}DRILL-18V/", {"name": "Mío"}, format="json"),
        buyer_api.post(BULK, [product_body()], format="json"),
        buyer_api.post(WAREHOUSES, {"code": "X", "name": "X"}, format="json"),
        buyer_api.post(MOVEMENTS, [change()], format="json"),
        buyer_api.get(MOVEMENTS),
    ]
    for response in attempts:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "permission_denied"
    assert Category.objects.count() == categories and Warehouse.objects.count() == 1
    assert list(Product.objects.values_list("sku", "name")) == [("DRILL-18V", product.name)]
    assert not StockMovement.objects.exists()


def test_staff_sessions_follow_the_back_office_roles(warehouse_worker, manager, tools, mad):
    ProductFactory(sku="DRILL-18V", category=tools)
    worker = Client()
    worker.force_login(warehouse_worker)
    response = worker.post(MOVEMENTS, [change(quantity=2)], content_type="application/json")
    assert response.status_code == 201, response.content
    movement = StockMovement.objects.get()
    assert movement.user == warehouse_worker
    assert worker.get(PRODUCTS).status_code == 200
    refused = worker.post(PRODUCTS, product_body(), content_type="application/json")
    assert refused.status_code == 403
    boss = Client()
    boss.force_login(manager)
    created = boss.post(PRODUCTS, product_body(), content_type="application/json")
    assert created.status_code == 201, created.content


def test_requests_without_a_key_are_401(api):
    for url in (CATEGORIES, PRODUCTS, WAREHOUSES, STOCK, MOVEMENTS):
        assert api().get(url).status_code == 401


# --- query counts -----------------------------------------------------------------------


@pytest.fixture
def stocked(tools, mad, waw):
    products = ProductFactory.create_batch(12, category=tools)
    services.record_stock_changes(
        actor=None,
        changes=[
            services.StockChange(sku=p.sku, warehouse=code, quantity=5)
            for p in products
            for code in ("MAD", "WAW")
        ],
    )
    return products


@pytest.mark.parametrize("url", [CATEGORIES, PRODUCTS, WAREHOUSES, STOCK, MOVEMENTS])
@pytest.mark.parametrize("page_size", [2, 20])
def test_lists_take_a_constant_number_of_queries(
    seller, stocked, django_assert_max_num_queries, url, page_size
):
    seller.get(url)  # the key's last_used_at is written on the first request
    with django_assert_max_num_queries(3):
        response = seller.get(url, {"page_size": page_size})
    assert response.status_code == 200
    rows = {CATEGORIES: 1, PRODUCTS: 12, WAREHOUSES: 2, STOCK: 24, MOVEMENTS: 24}[url]
    assert len(response.json()["results"]) == min(page_size, rows)


def test_lists_walk_every_row_once_in_a_stable_order(seller, stocked):
    seen, url, params = [], STOCK, {"page_size": 5}
    while url:
        body = seller.get(url, params).json()
        seen += [(row["sku"], row["warehouse"]) for row in body["results"]]
        url, params = body["next"], None
    assert len(seen) == len(set(seen)) == 24


# --- schema -----------------------------------------------------------------------------


def test_schema_documents_the_inventory_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths[CATEGORIES])
    assert {"get", "post"} <= set(paths[PRODUCTS])
    assert {"get", "patch"} <= set(paths["/api/v1/products/{sku}/"])
    assert "put" not in paths["/api/v1/products/{sku}/"]
    assert set(paths[BULK]) == {"post"}
    assert {"get", "post"} <= set(paths[WAREHOUSES])
    assert set(paths[STOCK]) == {"get"}
    movements = paths[MOVEMENTS]["post"]
    body = movements["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "array" and body["maxItems"] == 500 and body["minItems"] == 1
    assert movements["responses"]["201"]["content"]["application/json"]["schema"]["type"] == (
        "array"
    )
    assert {"400", "403", "409", "413"} <= set(movements["responses"])
    assert "Idempotency-Key" in str(movements["parameters"])
    bulk = paths[BULK]["post"]
    assert bulk["requestBody"]["content"]["application/json"]["schema"]["type"] == "array"
    assert "3.unit_price" in bulk["responses"]["400"]["description"]
    stock_params = {p["name"] for p in paths[STOCK]["get"]["parameters"]}
    assert {"sku", "warehouse", "below_reorder_point", "updated_since", "cursor"} <= stock_params
    product_params = {p["name"] for p in paths[PRODUCTS]["get"]["parameters"]}
    assert {"sku", "category", "active", "updated_since"} <= product_params


def test_writes_through_the_api_are_audited_with_the_key(seller, tools):
    from core.audit import entries_for
    from core.models import AuditAction

    response = seller.post(PRODUCTS, product_body(), format="json")
    assert response.status_code == 201, response.content
    product = Product.objects.get(sku="SAW-600")
    [entry] = entries_for(product)
    assert entry.action == AuditAction.CREATED
    assert entry.actor_user is None and entry.actor_key_id is not None
    assert "ERP" in entry.actor_label
    response = seller.patch(f"{PRODUCTS}SAW-600/", {"name": "Sierra nueva"}, format="json")
    assert response.status_code == 200, response.content
    assert entries_for(product)[0].changes == {"name_es": ["Sierra de calar 600 W", "Sierra nueva"]}
