"""The packing list of an order with a backorder: the reserved units are picked per
warehouse; the backordered ones are listed apart, not in this shipment."""

import pytest

from documents.pdf import packing_list_context
from orders import services

pytestmark = pytest.mark.django_db


def test_the_packing_list_shows_the_backorder_apart(company, buyer, products):
    company.allows_backorders = True
    company.save()
    order = services.place_order(
        actor=buyer,
        lines=[{"sku": "DRILL-18V", "quantity": 53}, {"sku": "GLOVES-L", "quantity": 2}],
        allow_backorder=True,
    )
    context = packing_list_context(order)
    assert [(line.sku, line.backordered_quantity) for line in context["backorders"]] == [
        ("DRILL-18V", 3)
    ]
    picked = {row["sku"]: row["quantity"] for g in context["groups"] for row in g["rows"]}
    assert picked == {"DRILL-18V": 50, "GLOVES-L": 2}


def test_a_wholly_backordered_line_is_not_picked(company, buyer, products):
    company.allows_backorders = True
    company.save()
    services.place_order(actor=buyer, lines=[{"sku": "DRILL-18V", "quantity": 50}])
    order = services.place_order(
        actor=buyer,
        lines=[{"sku": "DRILL-18V", "quantity": 4}, {"sku": "GLOVES-L", "quantity": 1}],
        allow_backorder=True,
    )
    context = packing_list_context(order)
    picked = {row["sku"]: row["quantity"] for g in context["groups"] for row in g["rows"]}
    assert picked == {"GLOVES-L": 1}
    assert [line.sku for line in context["backorders"]] == ["DRILL-18V"]
