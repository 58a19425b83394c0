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


@pytest.mark.django_db
def test_demo_catalog_has_real_names_in_every_language():
    demo.seed()
    missing = Product.objects.filter(name_en__isnull=True) | Product.objects.filter(
        name_pl__isnull=True
    )
    assert not missing.exists()
    headphones = Product.objects.get(sku="EL-AUR-01")
    assert headphones.name_es == "Auriculares inalámbricos Bluetooth · Negro"
    assert headphones.name_en == "Wireless Bluetooth headphones · Black"
    assert headphones.name_pl == "Słuchawki bezprzewodowe Bluetooth · Czarny"
    shovel_es = Product.objects.get(sku="RL-PL-KUR-02").name_es
    assert shovel_es == "Chaqueta de trabajo acolchada · M"
    workwear = Category.objects.get(name_es="Ropa laboral")
    assert workwear.name_pl == "Odzież robocza"
    assert workwear.return_conditions_en == "Unworn, with the tags attached."
