"""The portal's cart in the database (``orders.portal.cart``): per user, across
sign-ins and devices, the session cart of earlier versions moved in at sign-in, the
limits, the menu's count badge."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from customers.tests.factories import PASSWORD, CustomerUserFactory
from orders.models import CartLine
from orders.portal import cart
from orders.services import MAX_LINE_QUANTITY

pytestmark = pytest.mark.django_db


def sign_in(user) -> Client:
    client = Client()
    response = client.post(reverse("portal:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def test_the_cart_lasts_across_sign_ins_and_devices(buyer, drill, gloves):
    laptop = sign_in(buyer)
    laptop.post(reverse("portal:cart_update"), {"action": "add", "sku": "DRILL-18V", "quantity": 2})
    laptop.post(reverse("portal:cart_update"), {"action": "add", "sku": "GLOVES-L", "quantity": 5})
    laptop.post(reverse("portal:logout"))
    phone = sign_in(buyer)
    page = phone.get(reverse("portal:cart"))
    assert [(row.sku, row.quantity) for row in page.context["rows"]] == [
        ("DRILL-18V", 2),
        ("GLOVES-L", 5),
    ]
    assert cart.get(buyer) == {"DRILL-18V": 2, "GLOVES-L": 5}


def test_carts_are_per_user(buyer, customer_admin, other_buyer, drill):
    assert cart.add(buyer, drill, 3) == []
    assert cart.count(customer_admin) == 0 and cart.count(other_buyer) == 0
    page = sign_in(other_buyer).get(reverse("portal:cart"))
    assert page.context["rows"] == []


def test_add_merges_and_keeps_the_limits(buyer, drill, gloves, settings):
    settings.LANGUAGE_CODE = "en"
    assert cart.add(buyer, drill, 2) == []
    assert cart.add(buyer, "DRILL-18V", 3) == []
    assert cart.get(buyer) == {"DRILL-18V": 5}
    # The price the buyer saw is remembered (the review shows a change from it).
    assert CartLine.objects.get(user=buyer).unit_price == Decimal("100.00")
    assert cart.add(buyer, drill, MAX_LINE_QUANTITY) == [
        f"DRILL-18V: at most {MAX_LINE_QUANTITY} units in total."
    ]
    assert cart.get(buyer) == {"DRILL-18V": 5}  # all or nothing
    assert cart.add(buyer, "NOPE", 1) and cart.add(buyer, drill, 0)
    assert cart.add_items(buyer, {"DRILL-18V": 1, "NOPE": 1})
    assert cart.get(buyer) == {"DRILL-18V": 5}


def test_the_cart_holds_at_most_max_items_products(buyer, drill, gloves, monkeypatch):
    monkeypatch.setattr(cart, "MAX_ITEMS", 1)
    assert cart.add(buyer, drill, 1) == []
    assert cart.add(buyer, gloves, 1)
    assert cart.get(buyer) == {"DRILL-18V": 1}


def test_count_is_one_query_cached_for_the_request(buyer, drill, django_assert_num_queries):
    cart.add(buyer, drill, 1)
    with django_assert_num_queries(1):
        assert cart.count(buyer) == 1
        assert cart.count(buyer) == 1
    cart.remove(buyer, drill)
    assert cart.count(buyer) == 0


def test_a_session_cart_moves_into_the_database_at_sign_in(buyer, drill, gloves):
    client = Client()
    session = client.session
    session[cart.SESSION_KEY] = {"DRILL-18V": 2, "GLOVES-L": 4, "GONE": 1, "BAD": "x"}
    session.save()
    client.cookies["sessionid"] = session.session_key
    response = client.post(reverse("portal:login"), {"username": buyer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert cart.get(buyer) == {"DRILL-18V": 2, "GLOVES-L": 4}
    assert cart.SESSION_KEY not in client.session


def test_set_remove_and_clear(client_for, buyer, drill, gloves):
    client = client_for(buyer)
    cart.add_items(buyer, {"DRILL-18V": 2, "GLOVES-L": 4})
    url = reverse("portal:cart_update")
    client.post(url, {"action": "set", "qty-DRILL-18V": "7", "qty-GLOVES-L": "0"})
    assert cart.get(buyer) == {"DRILL-18V": 7}
    response = client.post(
        url, {"action": "set", "qty-DRILL-18V": "x"}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "whole number" in response.text and cart.get(buyer) == {"DRILL-18V": 7}
    client.post(url, {"action": "remove", "sku": "DRILL-18V"})
    assert cart.get(buyer) == {}
    cart.add(buyer, gloves, 1)
    client.post(url, {"action": "clear"})
    assert cart.get(buyer) == {}


def test_a_viewer_cannot_change_the_cart(client_for, company, drill):
    viewer = CustomerUserFactory(company=company, role="viewer")
    response = client_for(viewer).post(
        reverse("portal:cart_update"), {"action": "add", "sku": "DRILL-18V", "quantity": 1}
    )
    assert response.status_code in (403, 404)
    assert cart.count(viewer) == 0


def test_the_menu_shows_catalog_and_cart_with_its_count(client_for, buyer, drill, gloves):
    client = client_for(buyer)
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'href="/portal/catalog/"' in page.text and 'href="/portal/cart/"' in page.text
    assert 'id="menu-badge-cart"' not in page.text
    cart.add_items(buyer, {"DRILL-18V": 1, "GLOVES-L": 3})
    page = client.get(reverse("portal:cart"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="menu-badge-cart"' in page.text
    badge = page.text.split('id="menu-badge-cart"')[1]
    assert ">2<" in badge.split("</span>")[0] + "<"
    assert 'aria-current="page">Cart' in page.text
