import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apikeys.tests.api_fixtures import api, company_key, other_company_key, seller_key  # noqa: F401
from inventory.tests.factories import WarehouseFactory
from orders import services

from .factories import stocked_product


@pytest.fixture
def mad(db):
    return WarehouseFactory(code="MAD", name="Madrid", is_default=True)


@pytest.fixture
def drill(mad):
    return stocked_product(
        50, mad, sku="DRILL-18V", name="Taladro 18 V", unit_price=Decimal("100.00")
    )


@pytest.fixture
def gloves(mad):
    return stocked_product(
        200,
        mad,
        sku="GLOVES-L",
        name="Guantes L",
        unit_price=Decimal("4.95"),
        tax_category="reduced",
    )


@pytest.fixture
def place(drill, gloves):
    """``place(actor, **overrides)``: a valid order of 2 drills + 10 gloves."""

    def _place(actor, **kwargs):
        kwargs.setdefault(
            "lines", [{"sku": "DRILL-18V", "quantity": 2}, {"sku": "GLOVES-L", "quantity": 10}]
        )
        return services.place_order(actor=actor, **kwargs)

    return _place


@pytest.fixture
def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
