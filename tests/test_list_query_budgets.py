"""Every list on the generic list layer runs the same number of queries for one row
as for a full page (no query per row). Lists with their own budget tests elsewhere:
inventory (``inventory/tests/test_backoffice.py``), the order queue
(``orders/tests/test_backoffice.py``), the audit page (``core/tests``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.tests.factories import CompanyFactory, CustomerUserFactory, TagFactory
from inventory.tests.factories import WarehouseFactory
from orders import services as orders
from orders.tests.factories import CarrierFactory, CouponFactory, stocked_product
from webhooks.models import Subscription

pytestmark = pytest.mark.django_db


def _companies(n, **_):
    for _i in range(n):
        company = CompanyFactory()
        company.tags.add(TagFactory())
        CustomerUserFactory(company=company)


def _coupons(n, **_):
    CouponFactory.create_batch(n)


def _carriers(n, **_):
    CarrierFactory.create_batch(n)


def _subscriptions(n, **_):
    for index in range(n):
        subscription = Subscription(url=f"https://hooks.example/{index}", events=["order.placed"])
        subscription.secret = "s" * 40
        subscription.save()


def _orders(n, *, buyer, **_):
    for _i in range(n):
        orders.place_order(actor=buyer, lines=[{"sku": "BULK", "quantity": 1}])


def _products(n, *, warehouse, **_):
    for _i in range(n):
        stocked_product(5, warehouse)


LISTS = [
    ("manager", "backoffice:customer_list", _companies),
    ("manager", "backoffice:coupon_list", _coupons),
    ("manager", "backoffice:carrier_list", _carriers),
    ("manager", "backoffice:webhook_list", _subscriptions),
    ("buyer", "portal:order_list", _orders),
    ("buyer", "portal:catalog", _products),
]


@pytest.mark.parametrize("who,url_name,make", LISTS, ids=[name for _w, name, _m in LISTS])
def test_one_row_and_a_full_page_cost_the_same_queries(
    client_for, manager, buyer, who, url_name, make
):
    warehouse = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    stocked_product(1000, warehouse, sku="BULK")
    client = client_for({"manager": manager, "buyer": buyer}[who])
    url = reverse(url_name)
    make(1, buyer=buyer, warehouse=warehouse)
    client.get(url)  # warm up: session, content types
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    make(15, buyer=buyer, warehouse=warehouse)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["table"].rows) >= 16
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
    assert len(one) <= 14
