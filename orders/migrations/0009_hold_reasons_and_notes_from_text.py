"""Automatic hold reasons written as text (in the seller's language) become message
keys and parameters (``core.messages``): on the order (``hold_messages``) and on its
automatic "held" events (``note_message``). Reasons a person typed keep their text."""

from django.db import migrations

HOLD_KEYS = ["order.hold.first_order", "order.hold.credit_limit", "order.hold.address_not_on_file"]


def forwards(apps, schema_editor):
    from core.messages import convert_rows

    Order = apps.get_model("orders", "Order")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    convert_rows(
        Order.objects.exclude(hold_reason="").filter(hold_messages=[]),
        text_field="hold_reason",
        message_field="hold_messages",
        keys=HOLD_KEYS,
        lines=True,
    )
    convert_rows(
        OrderEvent.objects.filter(kind="held", data__automatic=True, note_message={}),
        text_field="note",
        message_field="note_message",
        keys=HOLD_KEYS,
        lines=True,
    )


def backwards(apps, schema_editor):
    from core.messages import restore_rows

    restore_rows(
        apps.get_model("orders", "Order").objects.exclude(hold_messages=[]),
        text_field="hold_reason",
        message_field="hold_messages",
    )
    restore_rows(
        apps.get_model("orders", "OrderEvent").objects.exclude(note_message={}),
        text_field="note",
        message_field="note_message",
    )


class Migration(migrations.Migration):
    dependencies = [("orders", "0008_order_hold_messages_event_note_message")]

    operations = [migrations.RunPython(forwards, backwards)]
