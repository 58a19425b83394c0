"""Order numbers shown in the customer timeline (back-office and portal) and in the stock
ledger are links to the order's page for that reader, at a constant number of queries
per page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.tests.factories import WarehouseFactory
from orders import services
from orders.tests.factories import stocked_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def mad(db):
    return WarehouseFactory(code="MAD", name="Madrid", is_default=True)


def place(buyer, mad, count):
    from inventory.models import Product

    if not Product.objects.filter(sku="BULK").exists():
        stocked_product(1000, mad, sku="BULK")
    return [
        services.place_order(actor=buyer, lines=[{"sku": "BULK", "quantity": 1}])
        for _ in range(count)
    ]


def links_to(html, url) -> bool:
    return re.search(rf'<a [^>]*href="{re.escape(url)}"', html) is not None


def queries_for(client, url) -> int:
    client.get(url)  # warm up session, content types
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_backoffice_customer_timeline_links_orders(client_for, service_agent, buyer, mad):
    order, other = place(buyer, mad, 2)
    page = client_for(service_agent).get(
        reverse("backoffice:customer_detail", args=[buyer.company_id])
    )
    html = page.text
    for placed in (order, other):
        assert links_to(html, reverse("backoffice:order_detail", args=[placed.number]))
    assert reverse("portal:order_detail", args=[order.number]) not in html


def test_portal_home_timeline_links_orders_to_the_portal(client_for, buyer, mad):
    (order,) = place(buyer, mad, 1)
    html = client_for(buyer).get(reverse("portal:home")).text
    timeline = html[html.index('class="list-unstyled timeline') :]
    assert links_to(timeline, reverse("portal:order_detail", args=[order.number]))
    assert "/backoffice/" not in timeline


def test_timeline_entries_without_an_order_are_plain_text(client_for, service_agent, company):
    from customers.services import add_staff_note

    add_staff_note(
        company=company,
        actor=service_agent,
        kind="call",
        summary="Llamada sobre PED-2026-000001",
        visibility="staff",
    )
    html = (
        client_for(service_agent).get(reverse("backoffice:customer_detail", args=[company.pk])).text
    )
    assert "Llamada sobre PED-2026-000001" in html
    assert "/backoffice/orders/PED-2026-000001/" not in html


@pytest.mark.parametrize(
    "url_of",
    [
        lambda buyer: reverse("backoffice:customer_detail", args=[buyer.company_id]),
        lambda buyer: reverse("backoffice:movement_list"),
    ],
    ids=["customer-timeline", "stock-movements"],
)
def test_backoffice_pages_with_order_links_have_constant_queries(
    client_for, manager, buyer, mad, url_of, django_assert_max_num_queries
):
    client = client_for(manager)
    place(buyer, mad, 1)
    few = queries_for(client, url_of(buyer))
    place(buyer, mad, 8)
    with django_assert_max_num_queries(few):
        response = client.get(url_of(buyer))
    assert response.status_code == 200


def test_portal_home_has_constant_queries(client_for, buyer, mad, django_assert_max_num_queries):
    client = client_for(buyer)
    place(buyer, mad, 1)
    few = queries_for(client, reverse("portal:home"))
    place(buyer, mad, 8)
    with django_assert_max_num_queries(few):
        client.get(reverse("portal:home"))


def test_stock_movements_link_to_their_order(client_for, warehouse_worker, buyer, mad):
    order, other = place(buyer, mad, 2)
    client = client_for(warehouse_worker)
    html = client.get(reverse("backoffice:movement_list")).text
    for placed in (order, other):
        assert links_to(html, reverse("backoffice:order_detail", args=[placed.number]))
    product = order.lines.first().product
    html = client.get(reverse("backoffice:product_detail", args=[product.pk])).text
    assert links_to(html, reverse("backoffice:order_detail", args=[order.number]))


def test_stock_movements_without_an_order_keep_their_reference(client_for, warehouse_worker, mad):
    from inventory import services as inventory

    product = stocked_product(5, mad, sku="BOLT")
    inventory.receive(
        actor=warehouse_worker,
        product=product,
        warehouse=mad,
        quantity=3,
        reference="ALB-77",
    )
    html = client_for(warehouse_worker).get(reverse("backoffice:movement_list")).text
    assert "ALB-77" in html
    assert "/backoffice/orders/ALB-77/" not in html


def test_link_reference_escapes_the_text_and_links_the_number():
    from core.templatetags.ui import link_reference

    html = link_reference("<b>Order</b> PED-1 & more", "PED-1", "/backoffice/orders/PED-1/")
    assert html == (
        '&lt;b&gt;Order&lt;/b&gt; <a class="text-nowrap" href="/backoffice/orders/PED-1/">'
        "PED-1</a> &amp; more"
    )
    assert link_reference("Email sent", "PED-1", "/o/") == (
        'Email sent · <a class="text-nowrap" href="/o/">PED-1</a>'
    )
    assert link_reference("<i>x</i>", None, "") == "&lt;i&gt;x&lt;/i&gt;"
