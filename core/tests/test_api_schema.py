"""The OpenAPI schema is valid, served locally with Swagger UI, and the API conforms
to it (schemathesis against the WSGI app, authenticated with a seller key)."""

import os

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from core.api.keys import create_api_key


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
    assert "cdn" not in html.lower()


def _load_schema():
    from config.wsgi import application

    # Serving the schema touches no table, so it loads at collection time.
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


schema = _load_schema()


@pytest.fixture
def seller_auth(db, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True  # random webhook hosts: no DNS lookups
    # Requests go straight to the WSGI app; like Django's test client, keep the request
    # signals from closing the test's database connection (and its transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Api-Key {create_api_key(name='schemathesis')[1]}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    # Kept small for the suite; SCHEMATHESIS_MAX_EXAMPLES=500 for a deeper run.
    max_examples=int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15")),
    deadline=None,
    derandomize="SCHEMATHESIS_MAX_EXAMPLES" not in os.environ,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, seller_auth):
    # Every default check (no server errors, documented status codes and content types,
    # response bodies and headers matching the schema, malformed input rejected) except
    # "schema-valid data must be accepted": business rules that no OpenAPI schema can
    # express (tax id checksums, uniqueness, webhook destinations) rightly answer 400.
    case.call_and_validate(headers=seller_auth, excluded_checks=[positive_data_acceptance])
