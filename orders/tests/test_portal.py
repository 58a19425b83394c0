import io

import pytest
from django.urls import reverse

from orders import services
from orders.models import Order, OrderStatus
from orders.portal import cart

pytestmark = pytest.mark.django_db


def cart_of(client) -> dict:
    """The signed-in user's cart as ``{sku: quantity}`` (stored in the database)."""
    from customers.models import User

    return cart.get(User.objects.get(pk=client.session["_auth_user_id"]))


def checkout_data(company, **extra):
    data = {
        "po_number": "PO-9",
        "shipping_address": company.addresses.get().pk,
        "shipping_method": "standard",
        "notes": "",
        "coupon": "",
    }
    data.update(extra)
    return data


def test_catalog_shows_company_prices_and_availability(client_for, buyer, drill, gloves):
    buyer.company.discount_percent = 10
    buyer.company.save()
    page = client_for(buyer).get(reverse("portal:catalog"))
    assert page.status_code == 200
    assert "DRILL-18V" in page.text and "90,00" in page.text
    assert 'data-sku="DRILL-18V"' in page.text
    assert page.context["products"][0].stock_level == "in_stock" and ": 50 " in page.text
    found = client_for(buyer).get(reverse("portal:catalog"), {"q": "guantes"})
    assert "GLOVES-L" in found.text and "DRILL-18V" not in found.text


def test_viewer_browses_but_cannot_order(client_for, viewer, drill):
    client = client_for(viewer)
    page = client.get(reverse("portal:catalog"))
    assert page.status_code == 200 and 'name="quantity"' not in page.text
    response = client.post(
        reverse("portal:cart_update"), {"action": "add", "sku": "DRILL-18V", "quantity": 1}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("portal:checkout", args=["place"]), checkout_data(viewer.company)
    )
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_quick_order_review_and_place(client_for, buyer, drill, gloves):
    client = client_for(buyer)
    response = client.post(
        reverse("portal:cart_update"), {"action": "quick", "lines": "DRILL-18V 2\ngloves-l;5"}
    )
    assert response.status_code == 302
    page = client.get(reverse("portal:cart"))
    assert "DRILL-18V" in page.text and "GLOVES-L" in page.text
    review = client.post(reverse("portal:checkout", args=["review"]), checkout_data(buyer.company))
    assert review.status_code == 200
    assert "224,75" in review.text  # subtotal 200 + 24.75
    assert not Order.objects.exists()
    placed = client.post(reverse("portal:checkout", args=["place"]), checkout_data(buyer.company))
    order = Order.objects.get()
    assert placed.status_code == 302 and placed.url == reverse(
        "portal:order_detail", args=[order.number]
    )
    assert order.channel == "portal" and order.po_number == "PO-9"
    assert cart_of(client) == {}
    detail = client.get(placed.url)
    assert detail.status_code == 200 and 'data-step="pendiente"' in detail.text
    home = client.get(reverse("portal:home"))
    assert order.number in home.text


def test_quick_order_with_unknown_sku_adds_nothing(client_for, buyer, drill, settings):
    client = client_for(buyer)
    response = client.post(
        reverse("portal:cart_update"),
        {"action": "quick", "lines": "DRILL-18V 1\nNOPE 2\nDRILL-18V x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "whole number" in response.text
    assert not cart_of(client)


def test_csv_upload(client_for, buyer, drill, gloves):
    client = client_for(buyer)
    upload = io.BytesIO(b"sku,quantity\nDRILL-18V,1\nGLOVES-L,4\n")
    upload.name = "lines.csv"
    response = client.post(reverse("portal:cart_update"), {"action": "csv", "file": upload})
    assert response.status_code == 302
    assert cart_of(client) == {"DRILL-18V": 1, "GLOVES-L": 4}
    bad = io.BytesIO(b"\xff\xfe\x00garbage")
    bad.name = "bad.csv"
    response = client.post(reverse("portal:cart_update"), {"action": "csv", "file": bad})
    assert response.status_code == 400


def test_insufficient_stock_at_placement_is_shown(client_for, buyer, drill):
    client = client_for(buyer)
    client.post(reverse("portal:cart_update"), {"action": "quick", "lines": "DRILL-18V 80"})
    response = client.post(reverse("portal:checkout", args=["place"]), checkout_data(buyer.company))
    assert response.status_code == 409
    assert "DRILL-18V" in response.text and 'id="checkout-errors"' in response.text
    assert not Order.objects.exists()


def test_coupon_refused_with_reason_on_review(client_for, buyer, drill):
    client = client_for(buyer)
    client.post(reverse("portal:cart_update"), {"action": "quick", "lines": "DRILL-18V 1"})
    response = client.post(
        reverse("portal:checkout", args=["review"]), checkout_data(buyer.company, coupon="GHOST")
    )
    assert response.status_code == 400 and "is-invalid" in response.text


def test_foreign_address_choice_is_refused(client_for, buyer, other_company, drill):
    client = client_for(buyer)
    client.post(reverse("portal:cart_update"), {"action": "quick", "lines": "DRILL-18V 1"})
    response = client.post(
        reverse("portal:checkout", args=["place"]),
        checkout_data(buyer.company, shipping_address=other_company.addresses.get().pk),
    )
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_another_companys_order_is_404(client_for, buyer, other_buyer, place):
    order = place(other_buyer)
    client = client_for(buyer)
    assert client.get(reverse("portal:order_detail", args=[order.number])).status_code == 404
    assert (
        client.post(
            reverse("portal:order_cancel", args=[order.number]), {"reason": "x"}
        ).status_code
        == 404
    )
    assert client.post(reverse("portal:order_reorder", args=[order.number])).status_code == 404
    assert order.number not in client.get(reverse("portal:order_list")).text
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDIENTE


def test_staff_get_404_in_the_portal(client_for, manager):
    assert client_for(manager).get(reverse("portal:order_list")).status_code == 404


def test_customer_cancels_pending_order_and_sees_timeline(client_for, buyer, place, service_agent):
    order = place(buyer)
    services.hold_order(order=order, actor=service_agent, note="Interno: revisar riesgo")
    client = client_for(buyer)
    page = client.get(reverse("portal:order_detail", args=[order.number]))
    assert "Interno: revisar riesgo" not in page.text
    assert 'id="cancel-form"' in page.text
    response = client.post(reverse("portal:order_cancel", args=[order.number]), {"reason": ""})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDIENTE
    client.post(reverse("portal:order_cancel", args=[order.number]), {"reason": "Pedido duplicado"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELADO


def test_no_cancel_button_once_in_preparation(client_for, buyer, place, service_agent):
    order = services.prepare_order(order=place(buyer), actor=service_agent)
    page = client_for(buyer).get(reverse("portal:order_detail", args=[order.number]))
    assert 'id="cancel-form"' not in page.text
    assert 'data-step="en_preparacion"' in page.text


def test_reorder_copies_lines_into_the_cart(client_for, buyer, place):
    order = place(buyer)
    client = client_for(buyer)
    response = client.post(reverse("portal:order_reorder", args=[order.number]))
    assert response.status_code == 302
    assert cart_of(client) == {"DRILL-18V": 2, "GLOVES-L": 10}


def test_order_list_filters_by_status(client_for, buyer, place, service_agent):
    first = place(buyer)
    second = place(buyer)
    services.cancel_order(order=second, actor=service_agent, reason="x")
    page = client_for(buyer).get(reverse("portal:order_list"), {"status": "cancelado"})
    assert second.number in page.text and first.number not in page.text


def test_cart_set_and_remove(client_for, buyer, drill, gloves):
    client = client_for(buyer)
    client.post(
        reverse("portal:cart_update"), {"action": "quick", "lines": "DRILL-18V 2\nGLOVES-L 1"}
    )
    client.post(
        reverse("portal:cart_update"), {"action": "set", "qty-DRILL-18V": "5", "qty-GLOVES-L": "0"}
    )
    assert cart_of(client) == {"DRILL-18V": 5}
    client.post(reverse("portal:cart_update"), {"action": "set", "qty-DRILL-18V": "-1"})
    assert cart_of(client) == {"DRILL-18V": 5}
    client.post(reverse("portal:cart_update"), {"action": "remove", "sku": "DRILL-18V"})
    assert cart_of(client) == {}
