"""Webhook signing secrets move from a clear column to an encrypted one (core.crypto)."""

from django.db import migrations, models


def encrypt_secrets(apps, schema_editor):
    from core import crypto

    Subscription = apps.get_model("webhooks", "Subscription")
    for subscription in Subscription.objects.only("pk", "secret"):
        Subscription.objects.filter(pk=subscription.pk).update(
            secret_encrypted=crypto.encrypt(subscription.secret)
        )


def decrypt_secrets(apps, schema_editor):
    from core import crypto

    Subscription = apps.get_model("webhooks", "Subscription")
    for subscription in Subscription.objects.only("pk", "secret_encrypted"):
        Subscription.objects.filter(pk=subscription.pk).update(
            secret=crypto.decrypt(subscription.secret_encrypted)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="secret_encrypted",
            field=models.TextField(
                default="", editable=False, verbose_name="signing secret (encrypted)"
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="subscription",
            name="secret",
            field=models.CharField(
                blank=True, editable=False, max_length=200, verbose_name="signing secret"
            ),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.RemoveField(model_name="subscription", name="secret"),
    ]
