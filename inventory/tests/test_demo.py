import pytest

from inventory import demo
from inventory.models import Category, Product, StockItem, StockMovement, Warehouse
from inventory.selectors import ledger_mismatches


@pytest.mark.django_db
def test_demo_seed_is_idempotent_and_explained_by_the_ledger():
    demo.seed()
    models = (Category, Product, Warehouse, StockItem, StockMovement)
    counts = [m.objects.count() for m in models]
    assert counts[1] >= 200
    assert Warehouse.objects.get(is_default=True).code == "MAD"
    assert not Category.objects.get(name="Productos personalizados").returnable
    assert Category.objects.get(name="Ropa laboral").return_window_days == 30
    demo.seed()
    assert [m.objects.count() for m in models] == counts
    assert not ledger_mismatches().exists()
