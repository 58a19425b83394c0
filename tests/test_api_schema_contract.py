"""The schema states what the API accepts: cursor format, decimal patterns, non-empty
lists, webhook secrets and ids (what schemathesis' "schema-valid data is accepted"
check found refused)."""

import base64
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from core.api import serializers
from core.api.pagination import CURSOR_SCHEMA_PATTERN
from core.api.schema import NOT_BLANK_PATTERN, decimal_pattern
from customers.tests.factories import CompanyFactory

CUSTOMERS = "/api/v1/customers/"


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()


def component(openapi, name):
    return openapi["components"]["schemas"][name]["properties"]


# --- cursors ------------------------------------------------------------------------------


def test_cursor_parameter_has_the_pattern(openapi):
    parameters = openapi["paths"][CUSTOMERS]["get"]["parameters"]
    (cursor,) = [p for p in parameters if p["name"] == "cursor"]
    assert cursor["schema"] == {"type": "string", "pattern": CURSOR_SCHEMA_PATTERN}


def _cursor(link):
    return re.search(r"[?&]cursor=([^&]*)", link).group(1)


def test_cursors_in_links_match_the_pattern_both_ways(api, seller_key):
    ids = [CompanyFactory().pk for _ in range(5)]
    client = api(seller_key)
    page1 = client.get(CUSTOMERS, {"page_size": 2}).json()
    page2 = client.get(page1["next"]).json()
    back = client.get(page2["previous"]).json()
    for link in (page1["next"], page2["next"], page2["previous"]):
        assert re.fullmatch(CURSOR_SCHEMA_PATTERN, _cursor(link)), link
    assert [r["id"] for r in page1["results"] + page2["results"]] == ids[:4]
    assert [r["id"] for r in back["results"]] == ids[:2]


@pytest.mark.parametrize("cursor", ["", "p0", "r", "o3", "o1rp5", "p999999999999999999"])
def test_every_cursor_of_the_pattern_is_accepted(api, seller_key, cursor):
    CompanyFactory()
    response = api(seller_key).get(CUSTOMERS, {"cursor": cursor})
    assert response.status_code == 200, response.content


def test_cursors_in_drf_format_still_work(api, seller_key):
    first, second = CompanyFactory(), CompanyFactory()
    legacy = base64.b64encode(f"p={first.pk}".encode()).decode()
    response = api(seller_key).get(CUSTOMERS, {"cursor": legacy})
    assert [r["id"] for r in response.json()["results"]] == [second.pk]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "p",
        "pr1",
        "p1\n",
        "p٣",
        "p1000000000000000000",
        # DRF's format, decoding to p=abc, x=1 and r=2&p=1
        "cD1hYmM=",
        "eD0x",
        "cj0yJnA9MQ==",
    ],
)
def test_cursors_outside_the_pattern_are_400(api, seller_key, cursor):
    response = api(seller_key).get(CUSTOMERS, {"cursor": cursor})
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


def test_page_size_in_other_digits_is_400(api, seller_key):
    response = api(seller_key).get(CUSTOMERS, {"page_size": "٣"})
    assert response.status_code == 400 and "page_size" in response.json()["fields"]


# --- decimals -----------------------------------------------------------------------------


def test_decimal_fields_have_ascii_patterns_with_their_bounds(openapi):
    product = component(openapi, "ProductRequest")
    payment = component(openapi, "PaymentInputRequest")
    assert product["unit_price"]["pattern"] == r"^[0-9]{1,10}(?:\.[0-9]{1,2})?$"
    assert product["vat_rate"]["pattern"] == r"^(?:100(?:\.0{1,2})?|[0-9]{1,2}(?:\.[0-9]{1,2})?)$"
    assert payment["amount"]["pattern"] == r"^(?=.*[1-9])[0-9]{1,10}(?:\.[0-9]{1,2})?$"
    totals = component(openapi, "Totals")
    assert totals["total"]["pattern"] == r"^-?[0-9]{1,10}(?:\.[0-9]{1,2})?$"


DECIMALS = [
    serializers.DecimalField(max_digits=12, decimal_places=2),
    serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0),
    serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01")),
    serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100),
    serializers.DecimalField(max_digits=10, decimal_places=3, min_value=0),
]


@pytest.mark.parametrize("field", DECIMALS, ids=lambda f: repr(f._kwargs))
def test_decimal_patterns_match_exactly_what_the_field_takes(field):
    pattern = re.compile(decimal_pattern(field))

    @settings(max_examples=100, deadline=None)
    @given(st.from_regex(pattern, fullmatch=True))
    def accepted(text):
        field.run_validation(text)

    accepted()
    for text in ["", "-", ".", "1.", "٣", "1e3", "+1"]:
        assert not pattern.fullmatch(text)
    refused = {"-0.01": field.min_value is not None, "0.00": bool(field.min_value)}
    for text, expected_refusal in refused.items():
        assert bool(pattern.fullmatch(text)) is not expected_refusal
    if field.max_value is not None:
        assert not pattern.fullmatch("100.01") and pattern.fullmatch("100.00")


def test_a_bound_the_pattern_cannot_state_is_refused():
    with pytest.raises(ValueError):
        decimal_pattern(serializers.DecimalField(max_digits=5, decimal_places=2, max_value=50))


# --- lists, webhooks, status codes ----------------------------------------------------------


def test_lines_must_not_be_empty(openapi):
    lines = component(openapi, "OrderCreateRequest")["lines"]
    assert lines["minItems"] == 1 and lines["maxItems"] >= 1


def test_webhook_secret_and_delete_id_are_stated(openapi):
    from webhooks.api.serializers import SECRET_PATTERN

    secret = component(openapi, "SubscriptionCreateRequest")["secret"]
    assert secret["pattern"] == SECRET_PATTERN
    (param,) = openapi["paths"]["/api/v1/webhooks/"]["delete"]["parameters"]
    assert param["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    url = component(openapi, "SubscriptionCreateRequest")["url"]
    assert url["pattern"].startswith("^https?://")


def test_length_required_is_documented_on_posts(openapi):
    assert "411" in openapi["paths"]["/api/v1/orders/"]["post"]["responses"]
    assert "411" not in openapi["paths"]["/api/v1/orders/"]["get"]["responses"]


def test_required_trimmed_text_must_hold_a_non_space(openapi):
    """DRF trims text before checking it is not blank: the schema says so (only-spaces
    text was schema-valid and refused)."""
    request = component(openapi, "CustomerRequest")
    assert request["name"]["pattern"] == NOT_BLANK_PATTERN
    assert request["tags"]["items"]["pattern"] == NOT_BLANK_PATTERN
    assert "pattern" not in component(openapi, "Customer")["name"]  # answers
    secret = component(openapi, "SubscriptionCreateRequest")["secret"]
    assert secret["pattern"].startswith("^whsec_")  # a field's own pattern stays


@settings(max_examples=300)
@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=4))
def test_the_not_blank_pattern_agrees_with_the_field(text):
    # NUL and lone surrogates are refused everywhere, by the parser before any field.
    field = serializers.CharField()
    try:
        field.run_validation(text)
        accepted = True
    except serializers.ValidationError:
        accepted = False
    assert accepted == (re.search(NOT_BLANK_PATTERN, text) is not None)
