"""From the cart to the order: totals from the order's pricing (equal to the placed
order's to the cent), stock per line with the over-stock choices (reduce, remove,
backorder), prices re-checked at review, and the page's query budget."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.urls import reverse

from customers.tests.factories import CompanyFactory, CustomerUserFactory
from inventory.errors import InsufficientStock
from inventory.models import Product, StockItem
from inventory.tests.factories import WarehouseFactory
from orders import services
from orders.models import CartLine, Order
from orders.portal import cart

from .factories import stocked_product

pytestmark = pytest.mark.django_db

CART = reverse("portal:cart")
UPDATE = reverse("portal:cart_update")
REVIEW = reverse("portal:checkout", args=["review"])
PLACE = reverse("portal:checkout", args=["place"])


def checkout(company, **extra):
    return {
        "shipping_method": "standard",
        "shipping_address": company.addresses.get().pk,
        **extra,
    }


def test_cart_totals_equal_the_placed_orders_to_the_cent(client_for, buyer, drill, gloves):
    cart.add_items(buyer, {"DRILL-18V": 3, "GLOVES-L": 7})  # two VAT rates
    client = client_for(buyer)
    page = client.get(CART, HTTP_ACCEPT_LANGUAGE="en")
    totals = page.context["summary"].totals
    assert len(totals.tax_by_rate) == 2 and 'id="cart-totals"' in page.text
    assert page.text.count('class="col-7 small fw-normal ps-4 vat-rate"') == 2
    client.post(PLACE, checkout(buyer.company))
    order = Order.objects.get()
    assert (totals.subtotal, totals.discount, totals.shipping, totals.tax, totals.total) == (
        order.subtotal,
        order.discount,
        order.shipping,
        order.tax,
        order.total,
    )
    assert cart.count(buyer) == 0


def test_each_line_shows_its_stock_and_an_over_stock_line_is_marked(
    client_for, buyer, drill, gloves
):
    cart.add_items(buyer, {"DRILL-18V": 52, "GLOVES-L": 1})
    page = client_for(buyer).get(CART, HTTP_ACCEPT_LANGUAGE="en")
    rows = {row.sku: row for row in page.context["rows"]}
    assert (rows["DRILL-18V"].available, rows["DRILL-18V"].short) == (50, 2)
    assert rows["GLOVES-L"].short == 0
    assert 'data-short="2"' in page.text and "Reduce to 50" in page.text
    assert "as a backorder" not in page.text  # the company does not allow backorders


def test_reduce_to_what_is_available(client_for, buyer, drill):
    cart.add(buyer, drill, 60)
    client_for(buyer).post(UPDATE, {"action": "reduce", "sku": "DRILL-18V"})
    assert cart.get(buyer) == {"DRILL-18V": 50}


def test_reduce_with_nothing_available_removes(client_for, buyer, mad):
    stocked_product(0, mad, sku="NONE")
    cart.add(buyer, "NONE", 3)
    client_for(buyer).post(UPDATE, {"action": "reduce", "sku": "NONE"})
    assert cart.get(buyer) == {}


def test_placing_is_refused_while_a_line_is_over_the_stock(client_for, buyer, drill):
    cart.add(buyer, drill, 60)
    client = client_for(buyer)
    review = client.post(REVIEW, checkout(buyer.company), HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="stock-warnings"' in review.text and "60 ordered, 50 available" in review.text
    assert "disabled" in review.text.split('id="place-order"')[1].split("</form>")[0]
    placed = client.post(PLACE, checkout(buyer.company), HTTP_ACCEPT_LANGUAGE="en")
    assert placed.status_code == 409 and "reduce them" in placed.text
    assert not Order.objects.exists() and cart.get(buyer) == {"DRILL-18V": 60}


def test_keep_the_rest_as_a_backorder_when_the_company_allows_it(client_for, buyer, company, drill):
    cart.add(buyer, drill, 60)
    client = client_for(buyer)
    refused = client.post(
        UPDATE, {"action": "backorder", "sku": "DRILL-18V"}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "does not allow backorders" in refused.text
    assert not CartLine.objects.get(user=buyer).backorder
    company.allows_backorders = True
    company.save()
    client.post(UPDATE, {"action": "backorder", "sku": "DRILL-18V"})
    assert CartLine.objects.get(user=buyer).backorder
    page = client.get(CART, HTTP_ACCEPT_LANGUAGE="en")
    assert "10 as a backorder" in page.text
    placed = client.post(PLACE, checkout(company))
    assert placed.status_code == 302
    line = Order.objects.get().lines.get()
    assert (line.quantity, line.backordered_quantity) == (60, 10)


def test_a_backorder_choice_counts_only_while_the_company_allows_it(
    client_for, buyer, company, drill
):
    company.allows_backorders = True
    company.save()
    cart.add(buyer, drill, 60)
    client = client_for(buyer)
    client.post(UPDATE, {"action": "backorder", "sku": "DRILL-18V"})
    company.allows_backorders = False
    company.save()
    assert client.post(PLACE, checkout(company)).status_code == 409
    assert not Order.objects.exists()


def test_prices_are_rechecked_at_review_and_the_change_shown(client_for, buyer, drill):
    cart.add(buyer, drill, 1)
    # The default EUR list's price is the catalog's (``PriceRow``).
    Product.objects.filter(pk=drill.pk).update(unit_price=Decimal("120.00"))
    client = client_for(buyer)
    review = client.post(REVIEW, checkout(buyer.company), HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="price-changes"' in review.text
    changes = review.text.split('id="price-changes"')[1].split("</div>")[0]
    assert "100.00" in changes and "120.00" in changes
    assert CartLine.objects.get(user=buyer).unit_price == Decimal("120.00")
    again = client.post(REVIEW, checkout(buyer.company))
    assert 'id="price-changes"' not in again.text  # seen: no change to show any more


def test_an_empty_cart_cannot_be_reviewed(client_for, buyer):
    response = client_for(buyer).post(REVIEW, checkout(buyer.company), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Your cart is empty" in response.text


def test_the_cart_page_costs_the_same_for_2_and_20_lines(
    client_for, buyer, mad, django_assert_max_num_queries
):
    from django.test.utils import CaptureQueriesContext

    client = client_for(buyer)
    for n in range(20):
        stocked_product(5, mad, sku=f"P-{n:02d}")
    cart.add_items(buyer, {"P-00": 1, "P-01": 1})
    client.get(CART)  # warm: the default price lists are cached

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(CART).status_code == 200
        return len(captured)

    two = queries()
    cart.add_items(buyer, {f"P-{n:02d}": 1 for n in range(2, 20)})
    assert queries() == two
    # The menu's count is not a query of its own on the cart page (the lines are read).
    with CaptureQueriesContext(connection) as captured:
        client.get(CART)
    assert not [q for q in captured if "COUNT(" in q["sql"] and "cartline" in q["sql"]]


def test_the_menu_badge_is_at_most_one_count_on_other_pages(client_for, buyer, drill):
    from django.test.utils import CaptureQueriesContext

    cart.add(buyer, drill, 1)
    client = client_for(buyer)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("portal:order_list"))
    cart_queries = [q["sql"] for q in captured if "orders_cartline" in q["sql"]]
    assert len(cart_queries) == 1 and "COUNT(" in cart_queries[0]


def test_a_viewer_sees_no_badge_query_problem(client_for, company, drill):
    viewer = CustomerUserFactory(company=company, role="viewer")
    page = client_for(viewer).get(CART, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "read-only" in page.text


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_buyers_of_one_company_placing_the_last_units_never_oversell():
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    product = stocked_product(3, mad, sku="LAST")
    company = CompanyFactory()
    buyers = [CustomerUserFactory(company=company, role="buyer") for _ in range(2)]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def place(index):
        try:
            barrier.wait()
            results.append(
                services.place_order(
                    actor=buyers[index], lines=[{"sku": "LAST", "quantity": 2}]
                ).number
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=place, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], InsufficientStock)
    item = StockItem.objects.get(product=product)
    assert (item.on_hand, item.reserved) == (3, 2)
    ContentType.objects.clear_cache()
