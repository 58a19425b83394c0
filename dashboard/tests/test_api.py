"""``/api/v1/kpis/``: the figures per API.md, who may read them, bad input."""

import datetime as dt

import pytest

from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures

from .builders import madrid, make_complaint, make_order, make_return

URL = "/api/v1/kpis/"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def _delivered(company, quantity, day, promised_day, total="60.00"):
    return make_order(
        company,
        placed=madrid(2026, 3, 1, 9),
        status="entregado",
        quantity=quantity,
        total=total,
        delivered_at=madrid(2026, 3, day, 12),
        promised_delivery_date=dt.date(2026, 3, promised_day),
    )


@pytest.fixture
def march(company, other_company):
    a = _delivered(company, 4, 10, 10)
    b = _delivered(company, 2, 12, 11)  # a day late
    make_return(a, requested=madrid(2026, 3, 15), quantity=1)
    make_complaint(company, filed=madrid(2026, 3, 20, 10))
    _delivered(other_company, 10, 10, 10)
    return a, b


def test_seller_key_gets_the_figures_per_the_contract(api, seller_key, march, company):
    response = api(seller_key).get(URL, MARCH)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == {
        "from": "2026-03-01",
        "to": "2026-03-31",
        "time_zone": "Europe/Madrid",
        "customer": None,
    }
    assert body["orders"]["placed"] == 3
    assert body["orders"]["by_status"]["entregado"] == 3
    assert body["delivery"]["delivered"] == 3
    assert body["delivery"]["on_time"] == 2
    assert body["delivery"]["on_time_rate"] == "0.6667"
    assert body["returns"]["units_returned"] == 1
    assert body["returns"]["units_delivered"] == 16
    assert body["returns"]["rate_units"] == "0.0625"
    assert body["returns"]["orders_with_returns"] == 1
    assert body["returns"]["rate_orders"] == "0.3333"
    assert body["complaints"]["opened"] == 1
    assert body["complaints"]["first_response_within_sla_rate"] is None
    assert body["csat"] == {
        "responses": 0,
        "average": None,
        "satisfied_rate": None,
        "delivery": {
            "responses": 0,
            "average": None,
            "satisfied_rate": None,
            "response_rate": "0.0000",
        },
        "complaints": {
            "responses": 0,
            "average": None,
            "satisfied_rate": None,
            "response_rate": None,
        },
    }
    assert body["revenue"][0]["currency"] == "EUR"


def test_customer_scopes_every_figure(api, seller_key, march, company):
    body = api(seller_key).get(URL, {**MARCH, "customer": company.pk}).json()
    assert body["period"]["customer"] == company.pk
    assert body["delivery"]["delivered"] == 2
    assert body["delivery"]["on_time_rate"] == "0.5000"
    assert body["returns"]["rate_units"] == "0.1667"


def test_staff_session_may_read_it(client_for, service_agent, march):
    response = client_for(service_agent).get(URL, MARCH)
    assert response.status_code == 200
    assert response.json()["orders"]["placed"] == 3


def test_company_keys_and_customer_users_get_403(api, company_key, client_for, buyer, march):
    response = api(company_key).get(URL, MARCH)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert client_for(buyer).get(URL, MARCH).status_code in (401, 403)


def test_without_a_key_401(api, db):
    response = api().get(URL, MARCH)
    assert response.status_code == 401
    assert "code" in response.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "from"),
        ({"from": "2026-03-01"}, "to"),
        ({"from": "yesterday", "to": "2026-03-31"}, "from"),
        ({"from": "2026-02-30", "to": "2026-03-31"}, "from"),
        ({"from": "2026-03-31", "to": "2026-03-01"}, "to"),
        ({"from": "0001-01-01", "to": "9999-12-31"}, "to"),
        ({**MARCH, "customer": "abc"}, "customer"),
        ({**MARCH, "customer": "999999999"}, "customer"),
    ],
)
def test_bad_input_is_a_400_with_the_api_error_body(api, seller_key, params, field):
    response = api(seller_key).get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["detail"]
    assert field in body["fields"]


def test_messages_are_translated(api, seller_key):
    response = api(seller_key).get(URL, {"from": "x", "to": "y"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["fields"]["from"] == ["Enter a valid date (YYYY-MM-DD)."]


def test_a_constant_number_of_queries(api, seller_key, march, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        assert api(seller_key).get(URL, MARCH).status_code == 200


def test_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/kpis/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"from", "to", "customer"} <= names
    assert "200" in operation["responses"] and "400" in operation["responses"]
    assert "Kpis" in schema["components"]["schemas"]


def test_the_service_figures_per_the_contract(api, seller_key, march, company):
    a, _b = march
    body = api(seller_key).get(URL, MARCH).json()
    returns = body["returns"]
    assert returns["refunds_overdue"] == 0
    assert returns["refunded_with_due"] == returns["refunded_late"] == 0
    assert returns["refunded_late_rate"] is None
    assert returns["abuse_flagged"] == 0
    line = a.lines.get()
    assert returns["top_products"] == [
        {"sku": line.sku, "name": line.name, "units": 1, "returns": 1}
    ]
    assert returns["trend_unit"] == "day"
    assert len(returns["trend"]) == 31
    assert returns["trend"][9] == {
        "start": "2026-03-10",
        "units_returned": 0,
        "units_delivered": 14,
        "rate_units": "0.0000",
    }
    assert returns["trend"][14]["units_returned"] == 1
    assert returns["trend"][14]["rate_units"] is None
    complaints = body["complaints"]
    assert complaints["first_response_business_median_hours"] is None
    assert complaints["resolution_business_p90_hours"] is None
    assert complaints["first_contact_resolved"] == 0
    assert complaints["first_contact_resolution_rate"] is None
    assert complaints["by_responsible_party"]["carrier"] == 0
    assert complaints["responsible_party_not_recorded"] == 1
    assert complaints["by_category"]["quality"] == 1


def test_the_service_figures_are_in_the_openapi_schema(client):
    schemas = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"][
        "schemas"
    ]
    returns = schemas["KpiReturns"]["properties"]
    assert {
        "refunds_overdue",
        "refunded_late_rate",
        "top_products",
        "trend",
        "abuse_flagged",
    } <= set(returns)
    complaints = schemas["KpiComplaints"]["properties"]
    assert {
        "first_response_business_median_hours",
        "resolution_business_p90_hours",
        "first_contact_resolution_rate",
        "by_responsible_party",
        "by_category",
    } <= set(complaints)
