"""The OpenAPI schema is valid, served locally with Swagger UI, and the API conforms
to it: schemathesis against the WSGI app, authenticated with a seller key, on a
database holding orders in every state (``tests.api_seed``), every operation on
its own and then stateful (links inferred from the schema), failing on any 5xx, on
answers that do not match the schema and on schema-valid data refused (except the
business rules listed in ``BUSINESS_RULES``).

Kept small for the suite; ``SCHEMATHESIS_MAX_EXAMPLES=500`` for a deeper run (random
then, not derandomized), ``SCHEMATHESIS_STATEFUL_EXAMPLES`` for the stateful part.
"""

import fnmatch
import os
import re
import tempfile

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apikeys.services import create_api_key

from .api_seed import Seed, seed_orders_in_every_state


def test_schema_is_valid_openapi(tmp_path):
    # --validate checks against the OpenAPI 3 meta-schema; warnings fail the test.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    text = (tmp_path / "s.yml").read_text()
    for path in (
        "/api/v1/customers/",
        "/api/v1/customers/{id}/",
        "/api/v1/webhooks/",
        "/api/v1/webhooks/{subscription_id}/deliveries/",
    ):
        assert f"  {path}:" in text


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/customers/"])
    assert {"get", "patch"} <= set(paths["/api/v1/customers/{id}/"])
    assert "Idempotency-Key" in str(paths["/api/v1/customers/"]["post"]["parameters"])
    assert "ApiKey" in schema.json()["components"]["securitySchemes"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    # No asset from a CDN host (a random token in the page may well contain "cdn").
    assert not re.search(r"//[^/\s\"']*cdn", html.lower())


#: The coverage phase (every boundary and type the schema implies: 50-80 calls an
#: operation) takes minutes; the suite runs the examples and fuzzing phases and the
#: stateful test. SCHEMATHESIS_PHASES=examples,coverage,fuzzing,stateful for all of it.
PHASES = os.environ.get("SCHEMATHESIS_PHASES", "examples,fuzzing,stateful").split(",")


def _load_schema():
    from config.wsgi import application

    # Serving the schema touches no table, so it loads at collection time.
    loaded = schemathesis.openapi.from_wsgi("/api/schema/", application)
    loaded.config.phases.update(phases=PHASES)
    # The API refuses NUL characters anywhere (PostgreSQL cannot store them; the JSON
    # parser answers 400 before any view runs), also in object keys, which the schema's
    # free-form bodies cannot rule out.
    loaded.config.generation.update(allow_x00=False)
    return loaded


schema = _load_schema()
SEED = Seed()

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
DERANDOMIZE = "SCHEMATHESIS_MAX_EXAMPLES" not in os.environ

#: Schema-valid requests the API rightly refuses with a 400: rules on the data that no
#: OpenAPI schema can state (uniqueness, checksums, rows that must exist, rules that
#: depend on another field or on the order's state). Operation -> the fields (globs over
#: the dotted names of ``fields``) such a refusal may name; any other 400 fails.
BUSINESS_RULES = {
    "POST /api/v1/categories/": {"name"},  # unique
    "POST /api/v1/customers/": {"tax_id", "external_ref", "vat_number", "price_list"},
    "PATCH /api/v1/customers/{id}/": {"tax_id", "external_ref", "vat_number", "price_list"},
    "POST /api/v1/orders/": {"customer", "shipping_address_id", "coupon", "lines.*"},
    # Unique SKU and reference, a category and a supplier that exist, a VAT rate that
    # one tax category has.
    "POST /api/v1/products/": {
        "sku",
        "category",
        "supplier",
        "external_ref",
        "vat_rate",
        "tax_category",
    },
    "PATCH /api/v1/products/{sku}/": {"sku", "category", "supplier", "external_ref", "vat_rate"},
    "POST /api/v1/products/bulk/": {
        "*.sku",
        "*.category",
        "*.supplier",
        "*.external_ref",
        "*.vat_rate",
    },
    "POST /api/v1/stock/movements/": {"*.sku", "*.warehouse", "*.quantity", "*.reason"},
    "POST /api/v1/warehouses/": {"code", "is_default"},  # unique code
    "POST /api/v1/orders/{number}/ship/": {"carrier", "estimated_delivery"},
    "POST /api/v1/orders/{number}/deliver/": {"delivered_at"},
    "POST /api/v1/orders/{number}/payments/": {"amount", "paid_at"},
    # Unique code, a window that ends before it starts, the default EUR list stays.
    "POST /api/v1/price-lists/": {"code", "valid_to", "is_default"},
    "POST /api/v1/price-lists/{price_list_code}/prices/": {"*.sku"},  # unknown SKUs
    # Unknown SKUs, overlapping contract windows.
    "POST /api/v1/customers/{customer_pk}/contract-prices/": {
        "*.sku",
        "*.valid_from",
        "*.valid_to",
    },
    "POST /api/v1/orders/{number}/fiscal-position/": {"fiscal_position", "note"},
    # An unknown currency, a rate <= 0 or too precise, a second rate for the same date.
    "POST /api/v1/exchange-rates/": {"currency", "rate_to_eur", "date"},
    # Returns: the order must exist and be the caller's; eligibility per line.
    "POST /api/v1/returns/": {"order", "lines", "lines.*", "notes", "override_note"},
    "POST /api/v1/returns/eligibility/": {"order", "lines", "lines.*"},
    "POST /api/v1/returns/{number}/attachments/": {"file"},
    "POST /api/v1/returns/{number}/reject/": {"reason"},
    "POST /api/v1/returns/{number}/receive/": {"lines", "lines.*", "warehouse", "shipping_cost"},
    "POST /api/v1/returns/{number}/inspect/": {"lines", "lines.*"},
    "POST /api/v1/returns/{number}/resolve/": {"resolution"},
    # Complaints: the customer (or an order naming it) for seller keys, the caller's
    # order and its lines, a description that is more than spaces.
    "POST /api/v1/complaints/": {"customer", "order", "sku", "description"},
    "POST /api/v1/complaints/{number}/messages/": {"body", "internal", "awaiting_customer"},
    "POST /api/v1/complaints/{number}/attachments/": {"file"},
    "POST /api/v1/complaints/{number}/decide/": {"decision", "reasoning"},
    "POST /api/v1/complaints/{number}/resolve/": {
        "resolution",
        "lines",
        "lines.*",
        "discount_percent",
    },
    "POST /api/v1/complaints/{number}/dispute/": {"reason"},
    # KPIs: a range that ends before it starts or beyond the calendar, an unknown customer.
    "GET /api/v1/kpis/": {"from", "to", "customer"},
}


def _refused_by_a_business_rule(case, response) -> bool:
    if response.status_code != 400:
        return False
    allowed = BUSINESS_RULES.get(case.operation.label)
    try:
        fields = response.json().get("fields") or {}
    except ValueError:
        return False
    return bool(allowed and fields) and all(
        any(fnmatch.fnmatchcase(name, pattern) for pattern in allowed) for name in fields
    )


def positive_data_accepted(ctx, response, case):
    """schemathesis' "schema-valid data is accepted", minus ``BUSINESS_RULES``."""
    if _refused_by_a_business_rule(case, response):
        return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = {
    "excluded_checks": [positive_data_acceptance],
    "additional_checks": [positive_data_accepted],
}


# --- generated path parameters point at seeded rows half of the time ----------------------

SEEDED_PARAMETERS = {
    ("/api/v1/orders/", "number"): "order_numbers",
    ("/api/v1/invoices/", "number"): "invoice_numbers",
    ("/api/v1/customers/", "id"): "company_ids",
    ("/api/v1/categories/", "id"): "category_ids",
    ("/api/v1/products/", "sku"): "skus",
    ("/api/v1/warehouses/", "code"): "warehouse_codes",
}


@schema.hook("flatmap_path_parameters")
def _seeded_path_parameters(context, path_parameters):
    path = context.operation.path
    if not path_parameters:
        return st.just(path_parameters)
    choices = {}
    for (prefix, name), attribute in SEEDED_PARAMETERS.items():
        values = getattr(SEED, attribute)
        if path.startswith(prefix) and name in path_parameters and values:
            choices[name] = st.sampled_from(values)
    if not choices:
        return st.just(path_parameters)
    seeded = st.fixed_dictionaries(choices).map(lambda chosen: {**path_parameters, **chosen})
    return st.one_of(st.just(path_parameters), seeded)


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed, created once for the module inside a transaction that is rolled back at
    its end; each test runs in a savepoint within it (pytest-django's ``db``)."""
    with (
        django_db_blocker.unblock(),
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media, WEBHOOK_ALLOW_PRIVATE_URLS=True),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            seed = seed_orders_in_every_state()
            for name, values in vars(seed).items():
                setattr(SEED, name, values)
            yield seed
        finally:
            for name in vars(SEED):
                setattr(SEED, name, [])
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seller_auth(seeded, db):
    # Requests go straight to the WSGI app; like Django's test client, keep the request
    # signals from closing the test's database connection (and its transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Api-Key {create_api_key(name='schemathesis')[1]}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_seed_has_orders_in_every_state(seeded, db):
    assert len(seeded.order_numbers) == 6 and seeded.invoice_numbers


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, seller_auth):
    # Every default check: no server errors (not_a_server_error), documented status
    # codes and content types, bodies and headers matching the schema, malformed input
    # rejected, schema-valid input accepted (but for BUSINESS_RULES).
    case.call_and_validate(headers=seller_auth, **CHECKS)


@pytest.mark.skipif("stateful" not in PHASES, reason="SCHEMATHESIS_PHASES leaves it out")
def test_api_stateful(seller_auth):
    """Sequences of calls along the links schemathesis infers from the schema (a created
    resource's id into its detail, an order's number into its transitions...)."""
    machine = schema.as_state_machine()

    class Stateful(machine):
        def get_call_kwargs(self, case):
            return {"headers": seller_auth}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response, headers=kwargs.get("headers"), transport_kwargs=kwargs, **CHECKS
            )

    Stateful.run(
        settings=hypothesis_settings(
            max_examples=int(os.environ.get("SCHEMATHESIS_STATEFUL_EXAMPLES", "15")),
            stateful_step_count=6,
            deadline=None,
            derandomize=DERANDOMIZE,
            suppress_health_check=list(HealthCheck),
        )
    )
