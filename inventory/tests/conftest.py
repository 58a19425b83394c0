import pytest

from .factories import ProductFactory, WarehouseFactory


@pytest.fixture
def mad(db):
    return WarehouseFactory(code="MAD", name="Madrid", is_default=True)


@pytest.fixture
def waw(db):
    return WarehouseFactory(code="WAW", name="Warszawa")


@pytest.fixture
def bcn(db):
    return WarehouseFactory(code="BCN", name="Barcelona")


@pytest.fixture
def product(db):
    return ProductFactory(sku="DRILL-18V", name="Taladro 18 V")


@pytest.fixture
def other_product(db):
    return ProductFactory(sku="GLOVES-L", name="Guantes de trabajo talla L")
