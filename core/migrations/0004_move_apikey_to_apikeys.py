# ApiKey moved to the ``apikeys`` app (``apikeys.0001_initial``); its table and rows
# stay. This removes the model from core's state only. Apps whose foreign keys pointed
# at core.ApiKey re-point them first (their migration runs before this one).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_sequence_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiKey")],
            database_operations=[],
        ),
    ]
