"""The six return reasons with the rules of the issue (editable afterwards), and the
database sequence behind return numbers (``DEV-<year>-<6 digits>``)."""

from django.db import migrations

from core.numbering import create_sequence, drop_sequence, sequence_name

SERIES = "DEV"  # returns.services.RETURN_SERIES when this migration was written

# code, evidence, seller pays shipping, category policy applies, notice days, fee
REASONS = [
    ("wrong_item", False, True, False, 30, False),
    ("defective", True, True, False, 30, False),
    ("damaged_in_transport", True, True, False, 7, False),
    ("not_as_described", False, True, False, 30, False),
    ("no_longer_needed", False, False, True, 30, True),
    ("other", False, False, True, 30, True),
]


def add_reasons(apps, schema_editor):
    """The six reasons (also re-created after a transactional test's flush: conftest)."""
    reason = apps.get_model("returns", "ReturnReason")
    for position, (code, evidence, seller, policy, days, fee) in enumerate(REASONS, start=1):
        reason.objects.update_or_create(
            code=code,
            defaults={
                "evidence_required": evidence,
                "seller_pays_shipping": seller,
                "applies_category_policy": policy,
                "notice_window_days": days,
                "restocking_fee_applies": fee,
                "position": position,
            },
        )


def forwards(apps, schema_editor):
    add_reasons(apps, schema_editor)
    create_sequence(schema_editor, sequence_name(SERIES))


def backwards(apps, schema_editor):
    apps.get_model("returns", "ReturnReason").objects.filter(
        code__in=[row[0] for row in REASONS]
    ).delete()
    drop_sequence(schema_editor, sequence_name(SERIES))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_sequence_counter"),
        ("returns", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
