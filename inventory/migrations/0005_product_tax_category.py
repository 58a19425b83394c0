"""Products carry a tax category instead of a VAT rate typed per product.

The stored rate becomes the category that has it: 21 standard, 10 reduced, 4
super-reduced, 0 exempt (the Spanish rates); any other rate (the demo's 23 % "Polish"
items) takes the category that rate has in Poland, else standard. Going back gives each
product the Spanish rate of its category.
"""

from decimal import Decimal

from django.db import migrations, models

ES = {"21.00": "standard", "10.00": "reduced", "4.00": "super_reduced", "0.00": "exempt"}
PL = {"23.00": "standard", "8.00": "reduced", "5.00": "super_reduced", "0.00": "exempt"}
ES_RATES = {category: rate for rate, category in ES.items()}


def category_of(rate) -> str:
    key = str(Decimal(rate).quantize(Decimal("0.01")))
    return ES.get(key) or PL.get(key) or "standard"


def forwards(apps, schema_editor):
    Product = apps.get_model("inventory", "Product")
    for product in Product.objects.only("pk", "vat_rate").iterator():
        Product.objects.filter(pk=product.pk).update(tax_category=category_of(product.vat_rate))


def backwards(apps, schema_editor):
    Product = apps.get_model("inventory", "Product")
    for category, rate in ES_RATES.items():
        Product.objects.filter(tax_category=category).update(vat_rate=Decimal(rate))


class Migration(migrations.Migration):
    dependencies = [("inventory", "0004_movement_reasons_from_text")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="tax_category",
            field=models.CharField(
                choices=[
                    ("standard", "Standard"),
                    ("reduced", "Reduced"),
                    ("super_reduced", "Super-reduced"),
                    ("exempt", "Exempt"),
                ],
                default="standard",
                max_length=16,
                verbose_name="tax category",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveConstraint(model_name="product", name="product_vat_rate_range"),
        migrations.RemoveField(model_name="product", name="vat_rate"),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("tax_category__in", ["standard", "reduced", "super_reduced", "exempt"])
                ),
                name="product_tax_category_valid",
            ),
        ),
    ]
