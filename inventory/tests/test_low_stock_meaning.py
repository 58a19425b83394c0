""" "Low stock" means one thing on every face (SPEC: available below the reorder point),
whatever the alert flag (``StockItem.low_stock``, kept for "once per crossing") says."""

import pytest
from django.urls import reverse

from inventory import services
from inventory.models import StockItem

STOCK_API = "/api/v1/stock/"


@pytest.fixture
def drifted(product, other_product, mad, waw):
    """Levels changed behind the services' back: the alert flag is stale both ways."""
    services.receive(actor=None, product=product, warehouse=mad, quantity=10)
    services.receive(actor=None, product=other_product, warehouse=mad, quantity=10)
    services.receive(actor=None, product=other_product, warehouse=waw, quantity=10)
    # 10 available, reorder point 20, flag not raised: low.
    StockItem.objects.filter(product=product, warehouse=mad).update(reorder_point=20)
    # 10 available, reorder point 0, flag left raised: not low.
    StockItem.objects.filter(product=other_product, warehouse=mad).update(low_stock=True)
    low = StockItem.objects.get(product=product, warehouse=mad)
    assert (low.is_below_reorder_point, low.low_stock) == (True, False)
    return low


def test_the_back_office_and_the_api_agree(client_for, manager, drifted):
    client = client_for(manager)
    page = client.get(reverse("backoffice:stock_list"), {"low_stock": "1"})
    assert [item.pk for item in page.context["stock_items"]] == [drifted.pk]
    api = client.get(STOCK_API, {"below_reorder_point": "true"})
    assert api.status_code == 200
    assert [(r["sku"], r["warehouse"]) for r in api.json()["results"]] == [("DRILL-18V", "MAD")]

    not_low_page = client.get(reverse("backoffice:stock_list"), {"low_stock": "0"})
    not_low_api = client.get(STOCK_API, {"below_reorder_point": "false"}).json()["results"]
    assert {i.pk for i in not_low_page.context["stock_items"]} == set(
        StockItem.objects.exclude(pk=drifted.pk).values_list("pk", flat=True)
    )
    assert len(not_low_api) == len(not_low_page.context["stock_items"]) == 2


def test_badges_counts_and_products_use_the_same_meaning(client_for, manager, drifted):
    client = client_for(manager)
    stock = client.get(reverse("backoffice:stock_list"))
    assert stock.context["low_stock_count"] == 1
    html = stock.text
    assert html.count('class="table-danger"') == 1
    products = client.get(reverse("backoffice:product_list"), {"low_stock": "1"})
    assert [p.sku for p in products.context["products"]] == ["DRILL-18V"]
    warehouses = {
        w.code: w for w in client.get(reverse("backoffice:warehouse_list")).context["warehouses"]
    }
    assert (warehouses["MAD"].low_stock_count, warehouses["WAW"].low_stock_count) == (1, 0)


def test_the_stock_csv_says_the_same(client_for, manager, drifted):
    response = client_for(manager).get(reverse("backoffice:stock_list"), {"export": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    header = lines[0].split(",")
    flags = {
        tuple(row.split(",")[i] for i in (0, 3)): row.split(",")[
            header.index("below_reorder_point")
        ]
        for row in lines[1:]
    }
    assert flags == {("DRILL-18V", "MAD"): "1", ("GLOVES-L", "MAD"): "0", ("GLOVES-L", "WAW"): "0"}
