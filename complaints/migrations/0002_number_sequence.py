"""The database sequence behind complaint numbers (``REC-<year>-<6 digits>``)."""

from django.db import migrations

from core.numbering import create_sequence, drop_sequence, sequence_name

SERIES = "REC"  # complaints.services.COMPLAINT_SERIES when this migration was written


def forwards(apps, schema_editor):
    create_sequence(schema_editor, sequence_name(SERIES))


def backwards(apps, schema_editor):
    drop_sequence(schema_editor, sequence_name(SERIES))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_sequence_counter"),
        ("complaints", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
