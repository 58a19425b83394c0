"""Re-encrypt every webhook signing secret with the current SECRET_KEY (after a rotation,
while the old key is still in SECRET_KEY_FALLBACKS)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from core import crypto
from webhooks.models import Subscription


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for subscription in Subscription.objects.select_for_update().only(
                "pk", "secret_encrypted"
            ):
                Subscription.objects.filter(pk=subscription.pk).update(
                    secret_encrypted=crypto.reencrypt(subscription.secret_encrypted)
                )
                count += 1
        self.stdout.write(f"{count} signing secrets re-encrypted with the current key.")
