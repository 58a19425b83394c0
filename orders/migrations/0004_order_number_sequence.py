"""Order numbers come from a database sequence (``core.numbering.next_sequence_number``)
instead of the locked gap-free counter, so placements no longer wait for each other.

The sequence starts after every order number already taken (the ``PED`` counters and the
orders themselves), so a new number never repeats an existing one. On SQLite the
fallback table is seeded instead.
"""

import re

from django.db import migrations

from core.numbering import create_sequence, drop_sequence, sequence_name

SERIES = "PED"  # orders.services.ORDER_SERIES when this migration was written
NUMBER = re.compile(r"^[A-Za-z0-9]+-\d{4}-(\d+)$")


def _taken(apps):
    counter = apps.get_model("core", "SequenceCounter")
    order = apps.get_model("orders", "Order")
    values = list(counter.objects.filter(series=SERIES).values_list("last_value", flat=True))
    for number in order.objects.values_list("number", flat=True).iterator(chunk_size=2000):
        match = NUMBER.match(number)
        if match:
            values.append(int(match.group(1)))
    return max(values, default=0)


def forwards(apps, schema_editor):
    create_sequence(schema_editor, sequence_name(SERIES), start=_taken(apps) + 1)


def backwards(apps, schema_editor):
    drop_sequence(schema_editor, sequence_name(SERIES))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_sequence_counter"),
        ("orders", "0003_sequence_counter_moved_to_core"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
