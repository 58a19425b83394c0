"""Timeline lines written as rendered text (in whichever language was active) become
message keys and parameters (``core.messages``), so each reader sees them in theirs.
Lines no template recognises (typed notes, unknown texts) keep their text."""

from django.db import migrations

SUMMARY_KEYS = [
    "customer.created",
    "customer.changed",
    "customer_user.added",
    "customer_user.invitation_refused",
    "customer_user.role_changed",
    "customer_user.reactivated",
    "customer_user.deactivated",
    "order.placed",
    "order.prepared",
    "order.shipped",
    "order.delivered",
    "order.cancelled",
    "order.held",
    "order.released",
    "order.payment",
    "order.note",
    "order.rated",
    "document.invoice_issued",
    "document.credit_note_issued",
    "notification.sent",
]
HOLD_KEYS = ["order.hold.first_order", "order.hold.credit_limit", "order.hold.address_not_on_file"]
SYSTEM_KINDS = ["order", "email", "account"]


def forwards(apps, schema_editor):
    from core.messages import convert_rows

    # Notes, calls and meetings are typed by staff: only the system's kinds are read.
    entries = apps.get_model("customers", "TimelineEntry").objects.filter(kind__in=SYSTEM_KINDS)
    convert_rows(
        entries.filter(summary_message={}),
        text_field="summary",
        message_field="summary_message",
        keys=SUMMARY_KEYS,
    )
    # The automatic hold reasons were the body of "held for review" lines.
    convert_rows(
        entries.filter(kind="order", body_message={}).exclude(body=""),
        text_field="body",
        message_field="body_message",
        keys=HOLD_KEYS,
        lines=True,
    )


def backwards(apps, schema_editor):
    from core.messages import restore_rows

    entries = apps.get_model("customers", "TimelineEntry").objects.all()
    restore_rows(entries, text_field="summary", message_field="summary_message", max_length=255)
    restore_rows(entries, text_field="body", message_field="body_message")


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_timeline_entry_message_fields")]

    operations = [migrations.RunPython(forwards, backwards)]
