"""Trigram indexes for the back-office search by order number or PO (``icontains``).

They index ``UPPER(column::text)``, the expression Django's ``icontains`` compares on
PostgreSQL, so the planner can use them (an index on the bare column is never chosen).

PostgreSQL only (the ``pg_trgm`` extension, trusted since PostgreSQL 13: a database
owner may create it); on other databases (SQLite, the embedded mode) nothing happens
and the search scans, which is fine at their sizes.
"""

from django.db import migrations

INDEXES = {
    "order_number_trgm": "number",
    "order_po_number_trgm": "po_number",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON orders_order "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )
    # Statistics of the indexed expressions: without them the planner guesses that an
    # exact PO matches 0.5 % of the orders and walks the date index instead.
    schema_editor.execute("ANALYZE orders_order")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("orders", "0006_list_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
