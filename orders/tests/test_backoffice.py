import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.models import Carrier, Coupon, Order, OrderStatus

from .factories import stocked_product

pytestmark = pytest.mark.django_db


def detail_url(order):
    return reverse("backoffice:order_detail", args=[order.number])


def action_url(order, action):
    return reverse("backoffice:order_action", args=[order.number, action])


def test_queue_tabs_filters_and_search(client_for, service_agent, place, buyer, other_buyer):
    first = place(buyer, po_number="PO-AAA")
    second = place(other_buyer, po_number="PO-BBB")
    services.hold_order(order=second, actor=service_agent, note="Revisar")
    client = client_for(service_agent)
    page = client.get(reverse("backoffice:order_list"))
    assert page.status_code == 200
    assert first.number in page.text and second.number in page.text
    held = client.get(reverse("backoffice:order_list"), {"tab": "held"})
    assert second.number in held.text and first.number not in held.text
    shipped = client.get(reverse("backoffice:order_list"), {"tab": "enviado"})
    assert first.number not in shipped.text
    found = client.get(reverse("backoffice:order_list"), {"tab": "all", "q": "bbb"})
    assert second.number in found.text and first.number not in found.text
    by_customer = client.get(
        reverse("backoffice:order_list"), {"tab": "all", "customer": buyer.company_id}
    )
    assert first.number in by_customer.text and second.number not in by_customer.text
    Order.objects.filter(pk=first.pk).update(promised_delivery_date=dt.date(2020, 1, 1))
    late = client.get(reverse("backoffice:order_list"), {"tab": "all", "overdue": "true"})
    assert first.number in late.text and second.number not in late.text
    partial = client.get(reverse("backoffice:order_list"), {"tab": "all"}, HTTP_HX_REQUEST="true")
    assert '<nav class="navbar' not in partial.text and first.number in partial.text
    bad = client.get(reverse("backoffice:order_list"), {"created_after": "not-a-date"})
    assert bad.status_code == 200


@pytest.mark.parametrize("page_size", [2, 20])
def test_queue_query_count_is_constant(
    client_for, manager, buyer, mad, page_size, django_assert_max_num_queries, settings
):
    stocked_product(1000, mad, sku="BULK")
    for _ in range(page_size):
        services.place_order(actor=buyer, lines=[{"sku": "BULK", "quantity": 1}])
    client = client_for(manager)
    client.get(reverse("backoffice:order_list"))  # warm up session / content types
    with django_assert_max_num_queries(14):
        response = client.get(reverse("backoffice:order_list"), {"tab": "all"})
    assert response.text.count("data-order=") == page_size


def test_detail_shows_checklist_timeline_and_only_allowed_buttons(
    client_for, service_agent, warehouse_worker, place, buyer
):
    order = place(buyer)
    page = client_for(service_agent).get(detail_url(order))
    assert page.status_code == 200
    assert 'data-check="customer_data" data-passed="true"' in page.text
    assert 'data-check="payment" data-passed="true"' in page.text
    assert 'data-check="stock" data-passed="true"' in page.text
    assert 'value="prepare"' in page.text
    assert 'data-bs-target="#form-ship"' not in page.text
    assert "DRILL-18V" in page.text
    assert 'id="order-events"' in page.text
    warehouse_page = client_for(warehouse_worker).get(detail_url(order))
    assert 'value="prepare"' not in warehouse_page.text
    assert 'data-bs-target="#form-cancel"' not in warehouse_page.text


def test_failed_checks_are_red_and_hide_prepare(client_for, service_agent, place, buyer):
    buyer.company.payment_terms = "prepaid"
    buyer.company.save()
    order = place(buyer)
    page = client_for(service_agent).get(detail_url(order))
    assert 'data-check="payment" data-passed="false"' in page.text
    assert 'value="prepare"' not in page.text


def test_staff_drive_an_order_to_delivered(
    client_for, service_agent, warehouse_worker, place, buyer
):
    order = place(buyer)
    client = client_for(service_agent)
    response = client.post(action_url(order, "prepare"))
    assert response.status_code == 302
    client = client_for(warehouse_worker)
    page = client.get(detail_url(order))
    assert 'data-bs-target="#form-ship"' in page.text
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = client.post(
        action_url(order, "ship"),
        {
            "ship-carrier": "mrw",
            "ship-tracking_number": "MRW-1",
            "ship-estimated_delivery": tomorrow,
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.ENVIADO and order.carrier.code == "mrw"
    response = client.post(action_url(order, "deliver"), {"deliver-delivered_at": ""})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.ENTREGADO


def test_ship_form_errors_rerender_with_field_errors(client_for, manager, place, buyer):
    order = services.prepare_order(order=place(buyer), actor=manager)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client_for(manager).post(
        action_url(order, "ship"),
        {"ship-carrier": "seur", "ship-tracking_number": "", "ship-estimated_delivery": yesterday},
    )
    assert response.status_code == 400
    assert "is-invalid" in response.text
    assert "collapse mt-3 show" in response.text
    order.refresh_from_db()
    assert order.status == OrderStatus.EN_PREPARACION


def test_state_conflict_shows_a_message(client_for, manager, place, buyer):
    order = place(buyer)
    response = client_for(manager).post(action_url(order, "deliver"), {"deliver-delivered_at": ""})
    assert response.status_code == 409
    assert "alert-danger" in response.text


def test_wrong_role_action_is_refused(client_for, warehouse_worker, place, buyer):
    order = place(buyer)
    response = client_for(warehouse_worker).post(action_url(order, "prepare"))
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDIENTE


def test_unknown_action_and_order_are_404(client_for, manager, place, buyer):
    order = place(buyer)
    client = client_for(manager)
    assert client.post(action_url(order, "explode")).status_code == 404
    assert (
        client.get(reverse("backoffice:order_detail", args=["PED-1999-000001"])).status_code == 404
    )


def test_hold_release_payment_note_and_cancel_from_the_page(client_for, manager, place, buyer):
    order = place(buyer)
    client = client_for(manager)
    assert client.post(action_url(order, "hold"), {"hold-note": "Llamar"}).status_code == 302
    assert client.post(action_url(order, "release"), {"release-note": "OK"}).status_code == 302
    assert (
        client.post(
            action_url(order, "record_payment"), {"record_payment-amount": "10.00"}
        ).status_code
        == 302
    )
    assert (
        client.post(action_url(order, "add_note"), {"add_note-note": "Cliente llamó"}).status_code
        == 302
    )
    assert client.post(action_url(order, "cancel"), {"cancel-reason": ""}).status_code == 400
    assert (
        client.post(action_url(order, "cancel"), {"cancel-reason": "Duplicado"}).status_code == 302
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELADO
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == ["placed", "held", "released", "payment", "note", "cancelled"]


def test_customers_cannot_reach_the_backoffice(client_for, buyer, place):
    order = place(buyer)
    assert client_for(buyer).get(detail_url(order)).status_code == 404


def test_create_order_for_customer(client_for, service_agent, company, drill):
    client = client_for(service_agent)
    assert client.get(reverse("backoffice:order_create")).status_code == 200
    response = client.post(
        reverse("backoffice:order_create"),
        {
            "company": company.pk,
            "lines": "DRILL-18V 2\nDRILL-18V, 1\n",
            "po_number": "TEL-1",
            "shipping_method": "standard",
            "shipping_address": "",
            "notes": "",
            "coupon": "",
        },
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.channel == "backoffice" and order.lines.get().quantity == 3
    assert order.placed_by == service_agent


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("NOPE 1", "Unknown SKU"),
        ("DRILL-18V 0", "at least 1"),
        ("DRILL-18V", "Row 1"),
        ("DRILL-18V 999", "Insufficient stock"),
        ("DRILL-18V 2.5", "whole number"),
    ],
)
def test_create_order_errors_are_clear(
    client_for, service_agent, company, drill, lines, message, settings
):
    settings.LANGUAGE_CODE = "en"
    client = client_for(service_agent)
    response = client.post(
        reverse("backoffice:order_create"),
        {"company": company.pk, "lines": lines, "shipping_method": "standard"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.text
    assert not Order.objects.exists()


def test_create_order_refuses_another_customers_address(
    client_for, service_agent, company, other_company, drill
):
    response = client_for(service_agent).post(
        reverse("backoffice:order_create"),
        {
            "company": company.pk,
            "lines": "DRILL-18V 1",
            "shipping_method": "standard",
            "shipping_address": other_company.addresses.get().pk,
        },
    )
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_bulk_prepare_reports_per_order(client_for, service_agent, place, buyer):
    good = place(buyer)
    held = place(buyer)
    services.hold_order(order=held, actor=service_agent, note="x")
    client = client_for(service_agent)
    response = client.post(
        reverse("backoffice:order_bulk"),
        {"action": "prepare", "orders": [good.pk, held.pk], "next": "/backoffice/orders/?tab=all"},
        follow=True,
    )
    text = response.text
    assert f"{good.number}:" in text and f"{held.number}:" in text
    good.refresh_from_db()
    held.refresh_from_db()
    assert good.status == OrderStatus.EN_PREPARACION
    assert held.status == OrderStatus.PENDIENTE
    assert response.redirect_chain[-1][0] == "/backoffice/orders/?tab=all"


def test_bulk_needs_editor_role(client_for, warehouse_worker, place, buyer):
    order = place(buyer)
    response = client_for(warehouse_worker).post(
        reverse("backoffice:order_bulk"), {"action": "prepare", "orders": [order.pk]}
    )
    assert response.status_code == 403


def test_coupon_pages(client_for, service_agent, warehouse_worker):
    client = client_for(service_agent)
    assert client.get(reverse("backoffice:coupon_list")).status_code == 200
    response = client.post(
        reverse("backoffice:coupon_create"),
        {
            "code": "spring10",
            "kind": "percent",
            "value": "10",
            "minimum_order": "0",
            "valid_from": "2026-03-01",
            "valid_until": "2026-05-31",
            "active": "on",
        },
    )
    assert response.status_code == 302
    coupon = Coupon.objects.get(code="SPRING10")
    bad = client.post(
        reverse("backoffice:coupon_edit", args=[coupon.pk]),
        {
            "code": "SPRING10",
            "kind": "percent",
            "value": "150",
            "minimum_order": "0",
            "valid_from": "2026-06-01",
            "valid_until": "2026-05-31",
        },
    )
    assert bad.status_code == 400
    coupon.refresh_from_db()
    assert coupon.value == 10
    assert client_for(warehouse_worker).get(reverse("backoffice:coupon_create")).status_code == 403


def test_carrier_pages(client_for, manager):
    client = client_for(manager)
    page = client.get(reverse("backoffice:carrier_list"))
    assert page.status_code == 200 and "Correos Express" in page.text and "InPost" in page.text
    response = client.post(
        reverse("backoffice:carrier_create"),
        {
            "code": "Nacex",
            "name": "Nacex",
            "tracking_url_template": "https://nacex.example/{tracking}",
            "transit_days_standard": 2,
            "transit_days_express": 1,
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Carrier.objects.get(code="nacex").tracking_url("A B") == "https://nacex.example/A%20B"
    bad = client.post(
        reverse("backoffice:carrier_create"),
        {
            "code": "x",
            "name": "X",
            "tracking_url_template": "javascript:alert(1)",
            "transit_days_standard": 2,
            "transit_days_express": 1,
        },
    )
    assert bad.status_code == 400


def test_eight_carriers_exist_from_the_migration(db):
    codes = set(Carrier.objects.values_list("code", flat=True))
    assert {"seur", "mrw", "correos-express", "gls", "dhl", "dpd", "inpost", "ups"} <= codes
    assert all("{tracking}" in c.tracking_url_template for c in Carrier.objects.all())
