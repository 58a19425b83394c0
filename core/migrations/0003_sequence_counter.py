"""``SequenceCounter`` moves from ``orders`` to ``core``, keeping its table and rows.

An existing database has the counters in ``orders_sequencecounter`` (created by
``orders.0001``): the table is renamed to ``core_sequencecounter`` (and, on PostgreSQL,
its unique constraint too), so invoice and credit-note numbering continues where it was.
A new database gets a new table; ``orders.0003`` then drops the empty one ``orders.0001``
made. This migration deliberately does not depend on ``orders``: ``core`` comes first.

Also ``SequenceTicket``, the database-sequence fallback for SQLite.
"""

from django.db import migrations, models

OLD_TABLE = "orders_sequencecounter"
OLD_CONSTRAINT = "sequencecounter_series_year"
NEW_CONSTRAINT = "core_sequencecounter_series_year"


def _rename_constraint(schema_editor, table, old, new):
    # SQLite keeps constraint names inside the table definition (not as schema objects):
    # only PostgreSQL has one to rename.
    if schema_editor.connection.vendor == "postgresql":
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} RENAME CONSTRAINT {quote(old)} TO {quote(new)}"
        )


def forwards(apps, schema_editor):
    counter = apps.get_model("core", "SequenceCounter")
    new_table = counter._meta.db_table
    tables = schema_editor.connection.introspection.table_names()
    if OLD_TABLE in tables and new_table not in tables:
        schema_editor.alter_db_table(counter, OLD_TABLE, new_table)
        _rename_constraint(schema_editor, new_table, OLD_CONSTRAINT, NEW_CONSTRAINT)
    elif new_table not in tables:
        schema_editor.create_model(counter)


def backwards(apps, schema_editor):
    counter = apps.get_model("core", "SequenceCounter")
    new_table = counter._meta.db_table
    tables = schema_editor.connection.introspection.table_names()
    if OLD_TABLE not in tables:
        schema_editor.alter_db_table(counter, new_table, OLD_TABLE)
        _rename_constraint(schema_editor, OLD_TABLE, NEW_CONSTRAINT, OLD_CONSTRAINT)
    else:
        schema_editor.delete_model(counter)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_entry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SequenceCounter",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("series", models.CharField(max_length=10)),
                        ("year", models.PositiveSmallIntegerField()),
                        ("last_value", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "verbose_name": "numbering counter",
                        "verbose_name_plural": "numbering counters",
                        "constraints": [
                            models.UniqueConstraint(fields=("series", "year"), name=NEW_CONSTRAINT)
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
        migrations.CreateModel(
            name="SequenceTicket",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sequence", models.CharField(db_index=True, max_length=63)),
            ],
            options={
                "verbose_name": "sequence value",
                "verbose_name_plural": "sequence values",
            },
        ),
    ]
