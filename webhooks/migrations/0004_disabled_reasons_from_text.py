"""Why a subscription was disabled, written as text in whichever language was active,
becomes a message key (``core.messages``); texts no template recognises stay."""

from django.db import migrations

KEYS = ["webhook.disabled_failing", "webhook.disabled_by_staff"]


def forwards(apps, schema_editor):
    from core.messages import convert_rows

    convert_rows(
        apps.get_model("webhooks", "Subscription")
        .objects.exclude(disabled_reason="")
        .filter(disabled_message={}),
        text_field="disabled_reason",
        message_field="disabled_message",
        keys=KEYS,
    )


def backwards(apps, schema_editor):
    from core.messages import restore_rows

    restore_rows(
        apps.get_model("webhooks", "Subscription").objects.exclude(disabled_message={}),
        text_field="disabled_reason",
        message_field="disabled_message",
        max_length=255,
    )


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0003_subscription_disabled_message")]

    operations = [migrations.RunPython(forwards, backwards)]
