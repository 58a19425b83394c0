"""Stock-movement reasons the system wrote as text (in whichever language was active:
"Pedido realizado", "Order placed"...) become message keys (``core.messages``). Only
movements of orders (reservations, releases, shipments) and the demo's opening stock are
read; every reason a person typed keeps its text."""

from django.db import migrations

ORDER_KEYS = [
    "stock.order_placed",
    "stock.reservation_released",
    "stock.order_shipped",
    "stock.order_cancelled",
]
#: The demo data's opening stock, written in Spanish before it had a key.
ALIASES = {"Stock inicial": {"key": "stock.initial", "params": {}}}


def forwards(apps, schema_editor):
    from core.messages import convert_rows

    StockMovement = apps.get_model("inventory", "StockMovement")
    convert_rows(
        StockMovement.objects.filter(
            kind__in=["reservation", "release", "shipment"], reason_message={}
        ).exclude(reason=""),
        text_field="reason",
        message_field="reason_message",
        keys=ORDER_KEYS,
    )
    convert_rows(
        StockMovement.objects.filter(kind="receipt", reason_message={}, reason="Stock inicial"),
        text_field="reason",
        message_field="reason_message",
        keys=["stock.initial"],
        aliases=ALIASES,
    )


def backwards(apps, schema_editor):
    from core.messages import restore_rows

    restore_rows(
        apps.get_model("inventory", "StockMovement").objects.exclude(reason_message={}),
        text_field="reason",
        message_field="reason_message",
        max_length=255,
    )


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_movement_reason_message")]

    operations = [migrations.RunPython(forwards, backwards)]
