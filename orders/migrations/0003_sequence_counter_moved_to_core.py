"""``SequenceCounter`` now lives in ``core`` (``core.0003`` took over its table and rows):
remove it from this app's state. On a new database ``core.0003`` made its own table, so
the empty ``orders_sequencecounter`` that ``orders.0001`` created is dropped here."""

from django.db import migrations

OLD_TABLE = "orders_sequencecounter"


def drop_leftover_table(apps, schema_editor):
    if OLD_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(OLD_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_sequence_counter"),
        ("orders", "0002_carriers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SequenceCounter")],
            database_operations=[
                migrations.RunPython(drop_leftover_table, migrations.RunPython.noop)
            ],
        ),
    ]
