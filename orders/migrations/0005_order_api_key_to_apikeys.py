# Order.api_key now points at apikeys.ApiKey (the same table, core_apikey): state only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("apikeys", "0001_initial"),
        ("orders", "0004_order_number_sequence"),
    ]
    # Before core forgets its ApiKey model, nothing may still point at it.
    run_before = [("core", "0004_move_apikey_to_apikeys")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="order",
                    name="api_key",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="apikeys.apikey", verbose_name="API client"),
                ),
            ],
            database_operations=[],
        ),
    ]
