"""VAT rates per country and tax category, with the Spanish and Polish rates."""

from decimal import Decimal

from django.db import migrations, models

RATES = {
    "ES": {"standard": "21.00", "reduced": "10.00", "super_reduced": "4.00", "exempt": "0.00"},
    "PL": {"standard": "23.00", "reduced": "8.00", "super_reduced": "5.00", "exempt": "0.00"},
}


def seed(apps, schema_editor):
    TaxRate = apps.get_model("core", "TaxRate")
    for country, rates in RATES.items():
        for category, rate in rates.items():
            TaxRate.objects.get_or_create(
                country=country, category=category, defaults={"rate": Decimal(rate)}
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0004_move_apikey_to_apikeys")]

    operations = [
        migrations.CreateModel(
            name="TaxRate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("country", models.CharField(max_length=2, verbose_name="country")),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("standard", "Standard"),
                            ("reduced", "Reduced"),
                            ("super_reduced", "Super-reduced"),
                            ("exempt", "Exempt"),
                        ],
                        max_length=16,
                        verbose_name="tax category",
                    ),
                ),
                ("rate", models.DecimalField(decimal_places=2, max_digits=5, verbose_name="VAT rate %")),
            ],
            options={
                "verbose_name": "VAT rate",
                "verbose_name_plural": "VAT rates",
                "ordering": ["country", "rate"],
                "constraints": [
                    models.UniqueConstraint(fields=("country", "category"), name="taxrate_country_category"),
                    models.CheckConstraint(
                        condition=models.Q(("rate__gte", 0), ("rate__lte", 100)), name="taxrate_rate_range"
                    ),
                ],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
