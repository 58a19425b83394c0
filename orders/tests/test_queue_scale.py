"""The order queue on a large table: capped counts, exact number search, customer box."""

import pytest
from django.urls import reverse

from orders import services

from .factories import stocked_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_orders(mad, buyer):
    stocked_product(100, mad, sku="BULK")
    return [
        services.place_order(
            actor=buyer, lines=[{"sku": "BULK", "quantity": 1}], po_number=f"PO-{i}"
        )
        for i in range(5)
    ]


def test_counts_stop_at_the_cap_and_say_so(client_for, manager, five_orders, settings):
    settings.LIST_COUNT_CAP = 3
    page = client_for(manager).get(reverse("backoffice:order_list"), {"tab": "all"})
    assert page.status_code == 200
    assert "3+</span>" in page.text  # the tab badges
    assert "1 / 1+</span>" in page.text  # the pages: more exist than were counted
    settings.LIST_COUNT_CAP = 10
    page = client_for(manager).get(reverse("backoffice:order_list"), {"tab": "all"})
    assert "5</span>" in page.text and "5+</span>" not in page.text
    assert "1 / 1+" not in page.text


def test_capped_pages_list_the_newest_up_to_the_cap(client_for, manager, five_orders, settings):
    settings.LIST_COUNT_CAP = 3
    page = client_for(manager).get(reverse("backoffice:order_list"), {"tab": "all"})
    newest_first = [o.number for o in sorted(five_orders, key=lambda o: o.pk, reverse=True)]
    shown = [number for number in newest_first if number in page.text]
    assert shown == newest_first[:3]
    positions = [page.text.index(number) for number in shown]
    assert positions == sorted(positions)


def test_a_whole_order_number_is_found_exactly_in_any_case(client_for, manager, five_orders):
    target = five_orders[2]
    client = client_for(manager)
    for query in (target.number, target.number.lower(), f"  {target.number} "):
        page = client.get(reverse("backoffice:order_list"), {"tab": "all", "q": query})
        found = [o.number for o in five_orders if o.number in page.text]
        assert found == [target.number]
    # Part of a number or of a PO still matches.
    tail = target.number[-3:]
    page = client.get(reverse("backoffice:order_list"), {"tab": "all", "q": tail})
    assert target.number in page.text
    page = client.get(reverse("backoffice:order_list"), {"tab": "all", "q": "po-3"})
    assert [o.number for o in five_orders if o.number in page.text] == [five_orders[3].number]


def test_the_customer_box_takes_a_name_a_tax_id_or_an_id(
    client_for, manager, five_orders, other_buyer, mad
):
    other = services.place_order(actor=other_buyer, lines=[{"sku": "BULK", "quantity": 1}])
    mine = five_orders[0].company
    client = client_for(manager)
    for value in (mine.legal_name[:8].lower(), mine.tax_id.lower(), str(mine.pk)):
        page = client.get(reverse("backoffice:order_list"), {"tab": "all", "customer": value})
        assert five_orders[0].number in page.text, value
        assert other.number not in page.text, value
    page = client.get(reverse("backoffice:order_list"), {"tab": "all", "customer": "no such"})
    assert page.status_code == 200
    assert not any(o.number in page.text for o in [*five_orders, other])
    # The box is a text input, not a select of every company.
    assert '<select name="customer"' not in page.text
