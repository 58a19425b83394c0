"""The price imports through their HTTP views with awkward files: a redirect or a form
error (400), never a server error, and nothing written on error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers.tests.factories import CompanyFactory
from inventory.tests.factories import ProductFactory
from pricing.models import ContractPrice, Price

from .factories import default_list

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CELL = st.sampled_from(
    [
        "SKU-1",
        "sku-1",
        "",
        "12.50",
        "12,50",
        "-1",
        "0",
        "1e3",
        "NaN",
        "٣",
        "10",
        "2026-01-01",
        "2026-13-01",
        "=cmd()",
        "\x00",
        '"',
        "1 000.00",
        "9999999999999.99",
        " 7 ",
    ]
)
ROW = st.lists(CELL, min_size=0, max_size=5)


def _file(header, rows, sep):
    text = "\n".join([sep.join(header), *(sep.join(row) for row in rows)])
    return SimpleUploadedFile("f.csv", text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(
    rows=st.lists(ROW, min_size=0, max_size=6),
    sep=st.sampled_from([",", ";", "\t"]),
    raw=st.one_of(st.none(), st.binary(max_size=200)),
)
def test_price_import_never_fails_badly(client, manager, rows, sep, raw):
    if not _has_product():
        ProductFactory(sku="SKU-1")
    client.force_login(manager)
    pln = default_list("PLN")
    upload = (
        SimpleUploadedFile("f.csv", raw)
        if raw is not None
        else _file(["sku", "price", "min_quantity"], rows, sep)
    )
    before = Price.objects.count()
    response = client.post(reverse("backoffice:price_import", args=[pln.pk]), {"file": upload})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert Price.objects.count() == before


@FUZZ
@given(rows=st.lists(ROW, min_size=0, max_size=6), sep=st.sampled_from([",", ";"]))
def test_contract_import_never_fails_badly(client, manager, rows, sep):
    if not _has_product():
        ProductFactory(sku="SKU-1")
    client.force_login(manager)
    company = CompanyFactory()
    upload = _file(["sku", "price", "valid_from", "valid_to"], rows, sep)
    response = client.post(
        reverse("backoffice:contract_price_import", args=[company.pk]), {"file": upload}
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert not ContractPrice.objects.filter(company=company).exists()


def _has_product():
    from inventory.models import Product

    return Product.objects.filter(sku="SKU-1").exists()
