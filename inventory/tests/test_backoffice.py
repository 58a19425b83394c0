import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory import services
from inventory.models import Category, MovementKind, Product, StockItem, StockMovement, Warehouse

from .factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

LIST_URLS = [
    "backoffice:product_list",
    "backoffice:stock_list",
    "backoffice:movement_list",
    "backoffice:category_list",
    "backoffice:warehouse_list",
]
STOCK_FORMS = ["backoffice:stock_receive", "backoffice:stock_adjust", "backoffice:stock_import"]
CATALOG_FORMS = [
    "backoffice:product_create",
    "backoffice:category_create",
    "backoffice:warehouse_create",
]


@pytest.fixture
def catalog(mad, waw):
    categories = [CategoryFactory(name=f"Cat {i}") for i in range(3)]
    products = [ProductFactory(category=categories[i % 3]) for i in range(30)]
    for i, product in enumerate(products):
        services.receive(actor=None, product=product, warehouse=mad, quantity=10 + i)
        services.receive(actor=None, product=product, warehouse=waw, quantity=5)
        services.set_reorder_levels(
            actor=None, product=product, warehouse=mad, reorder_point=12, reorder_quantity=50
        )
    services.reserve(lines=[(products[0], 3), (products[1], 4)])
    return products


@pytest.mark.parametrize("url_name", LIST_URLS + STOCK_FORMS + CATALOG_FORMS)
def test_anonymous_goes_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:login"))


@pytest.mark.parametrize("url_name", LIST_URLS + STOCK_FORMS + ["backoffice:stock_export"])
def test_customer_users_get_404(client_for, buyer, url_name):
    assert client_for(buyer).get(reverse(url_name)).status_code == 404


@pytest.mark.parametrize("url_name", [*LIST_URLS, "backoffice:stock_export"])
def test_every_staff_member_sees_inventory(client_for, service_agent, catalog, url_name):
    assert client_for(service_agent).get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("url_name", STOCK_FORMS)
def test_only_warehouse_staff_and_managers_change_stock(
    client_for, service_agent, warehouse_worker, manager, mad, url_name
):
    assert client_for(service_agent).get(reverse(url_name)).status_code == 403
    assert client_for(warehouse_worker).get(reverse(url_name)).status_code == 200
    assert client_for(manager).get(reverse(url_name)).status_code == 200


def test_non_warehouse_staff_cannot_post_a_receipt(client_for, service_agent, product, mad):
    response = client_for(service_agent).post(
        reverse("backoffice:stock_receive"),
        {"product": product.sku, "warehouse": mad.pk, "quantity": 5},
    )
    assert response.status_code == 403
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize("url_name", CATALOG_FORMS)
def test_only_managers_edit_the_catalog(client_for, warehouse_worker, manager, url_name):
    assert client_for(warehouse_worker).get(reverse(url_name)).status_code == 403
    assert client_for(manager).get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    "url_name,per_page",
    [
        ("backoffice:product_list", 25),
        ("backoffice:stock_list", 50),
        ("backoffice:movement_list", 50),
        ("backoffice:category_list", 25),
        ("backoffice:warehouse_list", 25),
    ],
)
def test_lists_run_a_constant_number_of_queries(
    client_for, manager, catalog, django_assert_max_num_queries, url_name, per_page
):
    client = client_for(manager)
    client.get(reverse(url_name))  # warm up (content types, sessions)
    # 11: the page's own queries plus the menu's badges (low stock, returns to review,
    # invoices waiting for an exchange rate), one each, whatever the rows.
    with django_assert_max_num_queries(11):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    ProductFactory.create_batch(30)
    waw = Warehouse.objects.get(code="WAW")
    for product in Product.objects.all()[:20]:
        services.receive(actor=None, product=product, warehouse=waw, quantity=1)
    with django_assert_max_num_queries(11):
        assert client.get(reverse(url_name)).status_code == 200


def test_product_detail_query_count(client_for, manager, catalog, django_assert_max_num_queries):
    client = client_for(manager)
    url = reverse("backoffice:product_detail", args=[catalog[0].pk])
    client.get(url)
    with django_assert_max_num_queries(13):  # with the menu's badges
        response = client.get(url)
    assert response.status_code == 200
    assert catalog[0].sku in response.content.decode()


def test_product_list_filters(client_for, manager, catalog):
    client = client_for(manager)
    low = client.get(reverse("backoffice:product_list"), {"low_stock": "1"}).context["products"]
    # Products 0..2 started at 10/11/12 in MAD with reorder point 12; 0 and 1 also got reservations.
    assert {p.sku for p in low} == {catalog[0].sku, catalog[1].sku}
    found = client.get(reverse("backoffice:product_list"), {"q": catalog[5].sku}).context[
        "products"
    ]
    assert [p.sku for p in found] == [catalog[5].sku]
    htmx = client.get(
        reverse("backoffice:product_list"), {"q": catalog[5].sku}, HTTP_HX_REQUEST="true"
    )
    assert b"<html" not in htmx.content


def test_low_stock_badge_on_inventory_pages(client_for, service_agent, catalog):
    response = client_for(service_agent).get(reverse("backoffice:stock_list"))
    assert response.context["low_stock_count"] == 2
    assert "badge text-bg-danger" in response.content.decode()


def test_receive_form_records_a_receipt(client_for, warehouse_worker, product, mad):
    response = client_for(warehouse_worker).post(
        reverse("backoffice:stock_receive"),
        {
            "product": product.sku,
            "warehouse": mad.pk,
            "quantity": 7,
            "reference": "ALB-1",
            "reason": "",
        },
    )
    assert response.status_code == 302
    movement = StockMovement.objects.get()
    assert (movement.kind, movement.on_hand_delta, movement.user) == (
        MovementKind.RECEIPT,
        7,
        warehouse_worker,
    )


@pytest.mark.parametrize(
    "data,field",
    [
        ({"product": "NOPE", "quantity": 1}, "product"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": -3}, "quantity"),
        ({"quantity": "2.5"}, "quantity"),
    ],
)
def test_receive_form_field_errors(client_for, warehouse_worker, product, mad, data, field):
    payload = {"product": product.sku, "warehouse": mad.pk, **data}
    response = client_for(warehouse_worker).post(reverse("backoffice:stock_receive"), payload)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not StockMovement.objects.exists()


def test_adjust_form_shows_service_errors_on_fields(client_for, warehouse_worker, product, mad):
    services.receive(actor=None, product=product, quantity=5)
    services.reserve(lines=[(product, 4)])
    client = client_for(warehouse_worker)
    url = reverse("backoffice:stock_adjust")
    base = {"product": product.sku, "warehouse": mad.pk, "reason": "Recuento"}
    response = client.post(url, {**base, "mode": "adjustment", "quantity": -2})
    assert response.status_code == 400
    assert "quantity" in response.context["form"].errors  # would leave 3 on hand, 4 reserved
    response = client.post(url, {**base, "mode": "write_off", "quantity": 1})
    assert response.status_code == 302
    response = client.post(url, {**base, "mode": "count", "quantity": 6})
    assert response.status_code == 302
    assert StockItem.objects.get().on_hand == 6
    response = client.post(url, {**base, "mode": "adjustment", "quantity": 1, "reason": ""})
    assert "reason" in response.context["form"].errors


def _csv(rows, header="sku,warehouse,quantity,reason"):
    return SimpleUploadedFile(
        "receipts.csv", (header + "\n" + "\n".join(rows) + "\n").encode(), "text/csv"
    )


def test_csv_import_is_all_or_nothing_with_row_numbers(
    client_for, warehouse_worker, product, other_product, mad, waw
):
    client = client_for(warehouse_worker)
    url = reverse("backoffice:stock_import")
    rows = [
        f"{product.sku},MAD,10,Albarán 1",
        "NOPE,MAD,1,x",
        f"{other_product.sku},XXX,2.5,x",
        f"{other_product.sku},WAW,0,x",
    ]
    response = client.post(url, {"file": _csv(rows)})
    assert response.status_code == 400
    errors = {(e["row"], e["field"]) for e in response.context["row_errors"]}
    assert errors == {(3, "sku"), (4, "warehouse"), (4, "quantity"), (5, "quantity")}
    assert not StockMovement.objects.exists()

    response = client.post(
        url, {"file": _csv([f"{product.sku},MAD,10,Albarán 1", f"{other_product.sku};x"])}
    )
    assert response.status_code == 400
    assert not StockMovement.objects.exists()

    rows = [f"{product.sku};mad;10;Albarán 1", f"{other_product.sku};WAW;4;"]
    response = client.post(url, {"file": _csv(rows, header="SKU;Warehouse;Quantity;Reason")})
    assert response.status_code == 302
    assert StockItem.objects.get(product=product, warehouse=mad).on_hand == 10
    assert StockItem.objects.get(product=other_product, warehouse=waw).on_hand == 4


def test_csv_import_rejects_a_bad_file(client_for, warehouse_worker, mad):
    client = client_for(warehouse_worker)
    url = reverse("backoffice:stock_import")
    response = client.post(url, {"file": _csv(["A,MAD,1"], header="sku,quantity")})
    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    bad = SimpleUploadedFile("x.csv", "sku,warehouse,quantity,reason\nÁ,MAD,1,x".encode("latin-1"))
    assert "file" in client.post(url, {"file": bad}).context["form"].errors


def test_stock_export_csv(client_for, service_agent, catalog):
    response = client_for(service_agent).get(
        reverse("backoffice:stock_export"), {"warehouse": Warehouse.objects.get(code="MAD").pk}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["sku", "name", "category", "warehouse"]
    assert len(rows) == 31
    assert {row[3] for row in rows[1:]} == {"MAD"}
    first = next(row for row in rows if row[0] == catalog[0].sku)
    assert first[4:7] == ["10", "3", "7"]
    assert rows[0][-1] == "bin_location"


def test_manager_creates_and_edits_catalog(client_for, manager, mad):
    client = client_for(manager)
    response = client.post(
        reverse("backoffice:category_create"),
        {
            "name_es": "Ropa laboral",
            "returnable": "on",
            "return_window_days": 30,
            "return_conditions_es": "Sin usar y con etiquetas",
            "return_shipping_paid_by": "buyer",
            "restocking_fee_percent": "0",
        },
    )
    assert response.status_code == 302
    category = Category.objects.get(name="Ropa laboral")
    data = {
        "sku": "WW-JKT-M",
        "name_es": "Chaqueta de trabajo M",
        "category": category.pk,
        "unit_price": "24.90",
        "tax_category": "standard",
        "weight_kg": "0.800",
        "active": "on",
        "external_ref": "",
    }
    assert client.post(reverse("backoffice:product_create"), data).status_code == 302
    product = Product.objects.get(sku="WW-JKT-M")
    assert product.unit_price == Decimal("24.90") and product.external_ref is None
    response = client.post(reverse("backoffice:product_create"), data)
    assert response.status_code == 400 and "sku" in response.context["form"].errors
    data["name_es"] = "Chaqueta de trabajo talla M"
    assert (
        client.post(reverse("backoffice:product_edit", args=[product.pk]), data).status_code == 302
    )
    product.refresh_from_db()
    assert product.name == "Chaqueta de trabajo talla M"

    response = client.post(
        reverse("backoffice:warehouse_create"),
        {"code": "bcn", "name": "Barcelona", "is_default": "on"},
    )
    assert response.status_code == 302
    assert Warehouse.objects.get(is_default=True).code == "BCN"
    bcn = Warehouse.objects.get(code="BCN")
    response = client.post(
        reverse("backoffice:warehouse_edit", args=[bcn.pk]), {"code": "BCN", "name": "Barcelona"}
    )
    assert response.status_code == 400  # the default cannot be unticked, only replaced
    assert "is_default" in response.context["form"].errors
    assert Warehouse.objects.get(is_default=True) == bcn


def test_reorder_levels_form(client_for, warehouse_worker, product, mad):
    services.receive(actor=None, product=product, quantity=3)
    item = StockItem.objects.get()
    client = client_for(warehouse_worker)
    url = reverse("backoffice:stock_levels", args=[item.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reorder_point": 5, "reorder_quantity": 20}).status_code == 302
    item.refresh_from_db()
    assert (item.reorder_point, item.low_stock) == (5, True)
    assert client.post(url, {"reorder_point": -1, "reorder_quantity": 20}).status_code == 400


def test_the_levels_page_records_the_bin_location(client_for, warehouse_worker, product, mad):
    services.receive(actor=None, product=product, quantity=3)
    item = StockItem.objects.get()
    client = client_for(warehouse_worker)
    url = reverse("backoffice:stock_levels", args=[item.pk])
    data = {"reorder_point": 0, "reorder_quantity": 0, "bin_location": "  B-07   3 "}
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.bin_location == "B-07 3"
    detail = client.get(reverse("backoffice:product_detail", args=[product.pk]))
    assert "B-07 3" in detail.content.decode()
    assert "B-07 3" in client.get(reverse("backoffice:stock_list")).content.decode()
    # Too long: the form says so and nothing changes (levels included).
    too_long = {"reorder_point": 9, "reorder_quantity": 0, "bin_location": "X" * 41}
    assert client.post(url, too_long).status_code == 400
    item.refresh_from_db()
    assert (item.bin_location, item.reorder_point) == ("B-07 3", 0)


def test_movement_history_filters(client_for, service_agent, product, mad, waw):
    services.receive(actor=None, product=product, warehouse=mad, quantity=3)
    services.receive(actor=None, product=product, warehouse=waw, quantity=3)
    services.reserve(lines=[(product, 2)])
    client = client_for(service_agent)
    url = reverse("backoffice:product_detail", args=[product.pk])
    assert len(client.get(url).context["movements"]) == 3
    assert len(client.get(url, {"kind": "reservation"}).context["movements"]) == 1
    assert len(client.get(url, {"warehouse": waw.pk}).context["movements"]) == 1
    assert (
        len(
            client.get(url, {"date_from": "2000-01-01", "date_to": "2000-01-02"}).context[
                "movements"
            ]
        )
        == 0
    )
    listed = client.get(reverse("backoffice:movement_list"), {"sku": product.sku.lower()}).context[
        "movements"
    ]
    assert len(listed) == 3
