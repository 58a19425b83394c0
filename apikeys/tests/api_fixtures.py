"""API fixtures shared by the apps' API tests: import the ones a module uses.

from apikeys.tests.api_fixtures import api, company_key, seller_key  # noqa: F401
"""

import pytest
from rest_framework.test import APIClient

from apikeys.services import create_api_key


@pytest.fixture
def seller_key(db):
    """The raw key of a seller key (sees everything)."""
    return create_api_key(name="ERP")[1]


@pytest.fixture
def company_key(company):
    """The raw key of a key bound to the ``company`` fixture."""
    return create_api_key(name="Procurement", company=company)[1]


@pytest.fixture
def other_company_key(other_company):
    return create_api_key(name="Other procurement", company=other_company)[1]


@pytest.fixture
def api():
    """``api(raw_key)``: a DRF test client sending ``Authorization: Api-Key <raw_key>``."""

    def make(raw_key=None, **headers):
        client = APIClient()
        if raw_key:
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}", **headers)
        return client

    return make
