import datetime as dt

import pytest
from django.utils import timezone

from apikeys.services import create_api_key
from orders import services
from orders.models import Order, OrderStatus

from .factories import stocked_product

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/"


def body(company=None, **extra):
    data = {
        "po_number": "ERP-PO-1",
        "lines": [{"sku": "DRILL-18V", "quantity": 2}, {"sku": "GLOVES-L", "quantity": 10}],
        "shipping_method": "standard",
    }
    if company is not None:
        data["customer"] = company.pk
    data.update(extra)
    return data


def post(client, url, data=None, **headers):
    return client.post(url, data or {}, format="json", **headers)


def test_seller_key_places_an_order(api, seller_key, company, drill, gloves):
    response = post(api(seller_key), URL, body(company))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "pendiente" and data["number"].startswith("PED-")
    assert data["customer"] == company.pk and data["on_hold"] is False
    assert data["lines"][0] == {
        "sku": "DRILL-18V",
        "name": "Taladro 18 V",
        "quantity": 2,
        "backordered_quantity": 0,
        "list_price": "100.00",
        "unit_price": "100.00",
        "price_source": "list",
        "tax_category": "standard",
        "vat_rate": "21.00",
        "line_total": "200.00",
        "allocations": [{"warehouse": "MAD", "quantity": 2}],
    }
    assert data["totals"] == {
        "subtotal": "249.50",
        "discount": "0.00",
        "tax": "49.03",
        "shipping": "9.90",
        "total": "308.43",
    }
    assert [c["name"] for c in data["checks"]] == ["customer_data", "payment", "stock"]
    assert all(c["passed"] for c in data["checks"])
    assert response["Location"] == f"/api/v1/orders/{data['number']}/"
    assert Order.objects.get().channel == "api"


def test_company_key_may_omit_customer(api, company_key, company, drill, gloves):
    response = post(api(company_key), URL, body())
    assert response.status_code == 201
    assert response.json()["customer"] == company.pk


def test_company_key_cannot_order_for_another_company(
    api, company_key, other_company, drill, gloves
):
    response = post(api(company_key), URL, body(other_company))
    assert response.status_code == 400
    assert "customer" in response.json()["fields"]
    assert not Order.objects.exists()


def test_seller_key_must_name_the_customer(api, seller_key, drill, gloves):
    response = post(api(seller_key), URL, body())
    assert response.status_code == 400 and "customer" in response.json()["fields"]
    response = post(api(seller_key), URL, body(customer=999999))
    assert response.status_code == 400 and "customer" in response.json()["fields"]


def test_insufficient_stock_is_409_with_per_line_availability(
    api, seller_key, company, drill, gloves
):
    response = post(
        api(seller_key), URL, body(company, lines=[{"sku": "DRILL-18V", "quantity": 60}])
    )
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "insufficient_stock"
    assert data["lines"] == [{"sku": "DRILL-18V", "requested": 60, "available": 50}]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([{"sku": "NOPE", "quantity": 1}], "lines.0.sku"),
        ([{"sku": "DRILL-18V", "quantity": 0}], "lines.0.quantity"),
        ([{"sku": "DRILL-18V", "quantity": -1}], "lines.0.quantity"),
        ([{"sku": "DRILL-18V", "quantity": 1.5}], "lines.0.quantity"),
        ([{"sku": "DRILL-18V", "quantity": "many"}], "lines.0.quantity"),
        ([{"sku": "DRILL-18V", "quantity": 10**30}], "lines.0.quantity"),
        ([{"sku": "DRILL-18V"}], "lines.0.quantity"),
        ("DRILL", "lines"),
    ],
)
def test_bad_lines_are_400_with_field_errors(api, seller_key, company, drill, gloves, lines, field):
    response = post(api(seller_key), URL, body(company, lines=lines))
    assert response.status_code == 400, response.json()
    fields = response.json()["fields"]
    assert field in fields or f"{field}.non_field_errors" in fields
    assert not Order.objects.exists()


def test_duplicate_skus_are_merged(api, seller_key, company, drill):
    lines = [{"sku": "DRILL-18V", "quantity": 1}, {"sku": "DRILL-18V", "quantity": 2}]
    response = post(api(seller_key), URL, body(company, lines=lines))
    assert response.status_code == 201
    assert [(line["sku"], line["quantity"]) for line in response.json()["lines"]] == [
        ("DRILL-18V", 3)
    ]


def test_address_missing_fields_and_coupon_not_applicable(api, seller_key, company, drill):
    response = post(api(seller_key), URL, body(company, shipping_address={"line1": "X"}))
    assert response.status_code == 400
    assert "shipping_address.city" in response.json()["fields"]
    response = post(
        api(seller_key),
        URL,
        body(company, lines=[{"sku": "DRILL-18V", "quantity": 1}], coupon="NOPE"),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "coupon_not_applicable"
    assert "coupon" in response.json()["fields"]


def test_new_address_holds_the_order(api, seller_key, company, drill, gloves):
    address = {"line1": "Obra 7", "postal_code": "28100", "city": "Alcobendas", "country": "ES"}
    response = post(api(seller_key), URL, body(company, shipping_address=address))
    assert response.status_code == 201
    assert response.json()["on_hold"] is True


def test_idempotent_placement(api, seller_key, company, drill, gloves):
    client = api(seller_key)
    first = post(client, URL, body(company), HTTP_IDEMPOTENCY_KEY="abc-1")
    again = post(client, URL, body(company), HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert Order.objects.count() == 1


@pytest.fixture
def order(place, buyer):
    return place(buyer)


def test_full_lifecycle_with_a_seller_key(api, seller_key, order):
    client = api(seller_key)
    url = f"{URL}{order.number}/"
    assert client.get(url).json()["status"] == "pendiente"
    response = post(client, url + "prepare/")
    assert response.status_code == 200 and response.json()["status"] == "en_preparacion"
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = post(
        client,
        url + "ship/",
        {"carrier": "SEUR", "tracking_number": "S-9", "estimated_delivery": tomorrow},
    )
    assert response.status_code == 200, response.json()
    shipment = response.json()["shipment"]
    assert shipment["carrier"] == "seur" and shipment["tracking_url"].endswith("S-9")
    response = post(client, url + "deliver/", {"delivered_at": "2026-01-10T10:00:00Z"})
    assert response.status_code == 200 and response.json()["status"] == "entregado"
    events = client.get(url + "events/").json()
    assert [e["kind"] for e in events] == ["placed", "prepared", "shipped", "delivered"]
    assert events[1]["from_status"] == "pendiente" and events[1]["to_status"] == "en_preparacion"


def test_transition_out_of_order_is_409(api, seller_key, order):
    response = post(api(seller_key), f"{URL}{order.number}/deliver/")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"


def test_checks_failed_lists_the_failing_checks(api, seller_key, order):
    order.company.payment_terms = "prepaid"
    order.company.save()
    response = post(api(seller_key), f"{URL}{order.number}/prepare/")
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "checks_failed"
    assert [c["name"] for c in data["checks"] if not c["passed"]] == ["payment"]


def test_unknown_carrier_and_past_date_are_field_errors(api, seller_key, order, service_agent):
    services.prepare_order(order=order, actor=service_agent)
    client = api(seller_key)
    response = post(
        client,
        f"{URL}{order.number}/ship/",
        {"carrier": "pigeon", "tracking_number": "1", "estimated_delivery": "2001-01-01"},
    )
    assert response.status_code == 400
    assert {"carrier", "estimated_delivery"} <= set(response.json()["fields"])


def test_future_delivery_is_refused(
    api, seller_key, order, service_agent, warehouse_worker, tomorrow
):
    services.prepare_order(order=order, actor=service_agent)
    services.ship_order(
        order=order,
        actor=warehouse_worker,
        carrier=services.resolve_carrier("dpd"),
        tracking_number="1",
        estimated_delivery=tomorrow,
    )
    response = post(
        api(seller_key), f"{URL}{order.number}/deliver/", {"delivered_at": "2999-01-01T00:00:00Z"}
    )
    assert response.status_code == 400 and "delivered_at" in response.json()["fields"]


def test_payments_hold_release_and_cancel(api, seller_key, order):
    client = api(seller_key)
    url = f"{URL}{order.number}/"
    response = post(client, url + "payments/", {"amount": "50.00", "reference": "TR-7"})
    assert response.status_code == 201
    assert response.json()["payment_status"] == "partial"
    assert post(client, url + "payments/", {"amount": "0"}).status_code == 400
    assert (
        post(
            client, url + "payments/", {"amount": "5", "paid_at": "2999-01-01T00:00:00Z"}
        ).status_code
        == 400
    )
    assert post(client, url + "hold/", {"note": "Revisar"}).json()["on_hold"] is True
    assert post(client, url + "hold/", {"note": "Otra"}).status_code == 409
    assert post(client, url + "release/", {"note": "OK"}).json()["on_hold"] is False
    assert post(client, url + "cancel/", {}).status_code == 400
    response = post(client, url + "cancel/", {"reason": "ERP cancel"})
    assert response.status_code == 200 and response.json()["status"] == "cancelado"


def test_company_key_scoping(api, company_key, other_company_key, place, buyer, other_buyer):
    mine, theirs = place(buyer), place(other_buyer)
    client = api(company_key)
    listed = client.get(URL).json()["results"]
    assert [o["number"] for o in listed] == [mine.number]
    assert client.get(f"{URL}{theirs.number}/").status_code == 404
    assert client.get(f"{URL}{theirs.number}/events/").status_code == 404
    assert post(client, f"{URL}{theirs.number}/cancel/", {"reason": "x"}).status_code == 404
    assert client.get(f"{URL}{mine.number}/").status_code == 200


def test_company_key_may_cancel_only_while_pending_and_not_prepare(
    api, company_key, place, buyer, service_agent
):
    order = place(buyer)
    client = api(company_key)
    assert post(client, f"{URL}{order.number}/prepare/").status_code == 403
    assert post(client, f"{URL}{order.number}/hold/", {"note": "x"}).status_code == 403
    other = place(buyer)
    services.prepare_order(order=other, actor=service_agent)
    response = post(client, f"{URL}{other.number}/cancel/", {"reason": "x"})
    assert response.status_code == 409
    response = post(client, f"{URL}{order.number}/cancel/", {"reason": "Duplicado"})
    assert response.status_code == 200
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELADO


def test_company_key_sees_only_customer_visible_events(api, company_key, order, service_agent):
    services.hold_order(order=order, actor=service_agent, note="riesgo interno")
    events = api(company_key).get(f"{URL}{order.number}/events/").json()
    assert [e["kind"] for e in events] == ["placed"]


def test_staff_session_roles_apply(client_for, warehouse_worker, service_agent, order):
    client = client_for(warehouse_worker)
    response = client.post(f"{URL}{order.number}/prepare/", {}, content_type="application/json")
    assert response.status_code == 403
    client = client_for(service_agent)
    response = client.post(f"{URL}{order.number}/prepare/", {}, content_type="application/json")
    assert response.status_code == 200


def test_list_filters(api, seller_key, place, buyer, other_buyer, service_agent):
    first = place(buyer, po_number="A-1")
    second = place(other_buyer, po_number="B-2")
    services.hold_order(order=second, actor=service_agent, note="x")
    client = api(seller_key)

    def numbers(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.json()
        return [o["number"] for o in response.json()["results"]]

    assert numbers(customer=buyer.company_id) == [first.number]
    assert numbers(on_hold="true") == [second.number]
    assert numbers(po_number="B-2") == [second.number]
    assert numbers(status="pendiente") == [first.number, second.number]
    assert numbers(status="enviado") == []
    assert numbers(created_after="2000-01-01T00:00:00Z", created_before="2999-01-01T00:00:00Z")
    assert numbers(updated_since="2999-01-01T00:00:00Z") == []
    assert client.get(URL, {"status": "bogus"}).status_code == 400
    assert client.get(URL, {"customer": "99999999999999999999"}).status_code == 400
    assert client.get(URL, {"on_hold": "maybe"}).status_code == 400


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_is_constant(
    api, seller_key, buyer, mad, count, django_assert_max_num_queries
):
    stocked_product(1000, mad, sku="BULK")
    for _ in range(count):
        services.place_order(actor=buyer, lines=[{"sku": "BULK", "quantity": 1}])
    client = api(seller_key)
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page_size": 50})
    assert len(response.json()["results"]) == count


def test_missing_or_wrong_key_is_refused(api, order):
    assert api().get(URL).status_code == 401
    assert api("nope-not-a-key").get(f"{URL}{order.number}/").status_code == 401
    raw = create_api_key(name="y")[1]
    assert api(raw).get(f"{URL}{order.number}/").status_code == 200
