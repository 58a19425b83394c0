"""``?export=csv`` on the lists: the same rows as the page (filters, tab, company)."""

import csv
import io

import pytest
from django.urls import reverse

from inventory.tests.factories import WarehouseFactory
from orders import services as orders
from orders.tests.factories import stocked_product

pytestmark = pytest.mark.django_db


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def two_orders(buyer, other_buyer):
    stocked_product(100, WarehouseFactory(code="MAD", is_default=True), sku="BULK")
    line = [{"sku": "BULK", "quantity": 1}]
    return (
        orders.place_order(actor=buyer, lines=line, po_number="=1+1"),
        orders.place_order(actor=other_buyer, lines=line),
    )


def test_portal_export_has_only_the_companys_orders(client_for, buyer, two_orders):
    mine, theirs = two_orders
    rows = _rows(client_for(buyer).get(reverse("portal:order_list"), {"export": "csv"}))
    assert rows[0][:3] == ["number", "date", "po_number"]
    assert [row[0] for row in rows[1:]] == [mine.number]
    assert theirs.number not in str(rows)
    assert rows[1][2] == "'=1+1"  # formula-injection guarded


def test_back_office_queue_export_follows_the_tab_and_filters(
    client_for, service_agent, two_orders, company
):
    mine, theirs = two_orders
    client = client_for(service_agent)
    everything = _rows(
        client.get(reverse("backoffice:order_list"), {"tab": "all", "export": "csv"})
    )
    assert {row[0] for row in everything[1:]} == {mine.number, theirs.number}
    assert everything[0][0] == "number" and "select" not in everything[0]
    one = _rows(
        client.get(
            reverse("backoffice:order_list"),
            {"tab": "all", "customer": company.pk, "export": "csv"},
        )
    )
    assert [row[0] for row in one[1:]] == [mine.number]


def test_customer_list_export(client_for, service_agent, company, other_company):
    rows = _rows(
        client_for(service_agent).get(
            reverse("backoffice:customer_list"), {"q": company.legal_name, "export": "csv"}
        )
    )
    assert rows[0][:3] == ["legal_name", "tax_id", "city"]
    assert [row[0] for row in rows[1:]] == [company.legal_name]


def test_export_keeps_the_lists_permissions(client_for, buyer, service_agent):
    # A customer user never reaches the back-office export; non-managers not the audit one.
    assert (
        client_for(buyer).get(reverse("backoffice:customer_list"), {"export": "csv"}).status_code
        == 404
    )
    audit = client_for(service_agent).get(reverse("backoffice:audit_list"), {"export": "csv"})
    assert audit.status_code == 403
