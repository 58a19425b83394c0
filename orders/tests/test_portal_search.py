"""The portal's search box: products and the company's own orders, never another
company's; an exact order number opens the order; bad input is a clear message."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders import services

from .factories import stocked_product

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def orders(buyer, other_buyer, drill, gloves, manager):
    ours = services.place_order(
        actor=manager,
        company=buyer.company,
        lines=[{"sku": "DRILL-18V", "quantity": 1}],
        po_number="PO-GOMEZ-1",
    )
    theirs = services.place_order(
        actor=manager,
        company=other_buyer.company,
        lines=[{"sku": "DRILL-18V", "quantity": 1}],
        po_number="PO-KOWALSKI-1",
    )
    return ours, theirs


def test_exact_order_number_opens_the_order(client_for, buyer, orders):
    ours, _theirs = orders
    response = client_for(buyer).get(reverse("portal:search"), {"q": ours.number.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:order_detail", args=[ours.number])


def test_search_finds_own_orders_and_products_only(client_for, buyer, orders):
    ours, theirs = orders
    client = client_for(buyer)
    page = client.get(reverse("portal:search"), {"q": ours.number[:8]}, **EN)
    assert page.status_code == 200
    assert ours.number in page.text and theirs.number not in page.text
    # Another company's exact number is not found (and does not redirect).
    page = client.get(reverse("portal:search"), {"q": theirs.number}, **EN)
    assert page.status_code == 200 and not page.context["orders"]
    assert f'data-number="{theirs.number}"' not in page.text and "No orders match." in page.text
    by_po = client.get(reverse("portal:search"), {"q": "po-gomez"})
    assert [o.number for o in by_po.context["orders"]] == [ours.number]
    assert not client.get(reverse("portal:search"), {"q": "KOWALSKI"}).context["orders"]
    products = client.get(reverse("portal:search"), {"q": "guantes"}, **EN)
    assert [p.sku for p in products.context["products"]] == ["GLOVES-L"]
    assert 'data-sku="GLOVES-L"' in products.text


def test_products_the_company_may_not_buy_are_not_found(client_for, buyer, mad):
    stocked_product(5, mad, sku="HIDDEN-1", name="Oculto", active=False)
    page = client_for(buyer).get(reverse("portal:search"), {"q": "HIDDEN"})
    assert not page.context["products"]


def test_empty_and_too_long_searches(client_for, buyer):
    client = client_for(buyer)
    empty = client.get(reverse("portal:search"), **EN)
    assert empty.status_code == 200 and "Type a SKU" in empty.text
    long = client.get(reverse("portal:search"), {"q": "x" * 101}, **EN)
    assert long.status_code == 400 and "at most 100 characters" in long.text
    nul = client.get(reverse("portal:search"), {"q": "a\x00b"})
    assert nul.status_code == 200


def test_every_portal_page_has_the_search_box(client_for, viewer):
    page = client_for(viewer).get(reverse("portal:home"))
    assert f'action="{reverse("portal:search")}"' in page.text and 'role="search"' in page.text


def test_search_costs_the_same_for_few_and_many_results(client_for, buyer, mad, manager):
    client = client_for(buyer)
    products = [stocked_product(50, mad, sku=f"SRCH-{i:02d}") for i in range(20)]
    services.place_order(
        actor=manager, company=buyer.company, lines=[{"sku": products[0].sku, "quantity": 1}]
    )
    client.get(reverse("portal:search"), {"q": "SRCH"})
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("portal:search"), {"q": "SRCH-0"})
    for product in products[1:]:
        services.place_order(
            actor=manager, company=buyer.company, lines=[{"sku": product.sku, "quantity": 1}]
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("portal:search"), {"q": "SRCH"})
    assert len(response.context["products"]) == 20
    assert len(large) == len(small) <= 12
