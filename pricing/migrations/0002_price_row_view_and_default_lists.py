"""The ``pricing_price_row`` view (every list's prices; the default EUR list's base
prices are the products' ``unit_price``) and the default lists: ``EUR`` (it holds
every product's current unit price, being that column) and ``PLN`` (empty)."""

from django.db import migrations

VIEW = """
CREATE VIEW pricing_price_row AS
    SELECT 2 * p.id AS id, p.price_list_id, p.product_id, p.min_quantity, p.price,
           p.updated_at, FALSE AS from_catalog
      FROM pricing_price p
    UNION ALL
    SELECT 2 * pr.id + 1 AS id, pl.id AS price_list_id, pr.id AS product_id,
           1 AS min_quantity, pr.unit_price AS price, pr.updated_at, TRUE AS from_catalog
      FROM inventory_product pr
      JOIN pricing_pricelist pl ON pl.is_default AND pl.currency = 'EUR'
     WHERE pr.unit_price > 0
"""


def default_lists(apps, schema_editor):
    PriceList = apps.get_model("pricing", "PriceList")
    PriceList.objects.get_or_create(
        code="EUR",
        defaults={"name": "Tarifa general EUR", "currency": "EUR", "is_default": True},
    )
    PriceList.objects.get_or_create(
        code="PLN",
        defaults={"name": "Cennik ogólny PLN", "currency": "PLN", "is_default": True},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pricing", "0001_price_lists"),
        ("inventory", "0002_stock_item_bin_location"),
    ]

    operations = [
        migrations.RunSQL(VIEW, "DROP VIEW IF EXISTS pricing_price_row"),
        migrations.RunPython(default_lists, migrations.RunPython.noop),
    ]
