"""Signing secrets are stored encrypted, read back to sign, and survive a key rotation."""

import io

import pytest
from django.core.management import call_command

from core import crypto
from webhooks import services
from webhooks.models import Subscription

pytestmark = pytest.mark.django_db

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def subscribe():
    return services.create_subscription(
        actor=None, url="https://erp.example/hooks", events=["order.created"], secret=SECRET
    )


def test_the_secret_is_stored_encrypted_and_read_back():
    """Deliveries are signed with the clear secret (verified in test_webhooks)."""
    subscribe()
    stored = Subscription.objects.values_list("secret_encrypted", flat=True).get()
    assert SECRET not in stored and SECRET[6:] not in stored
    assert Subscription.objects.get().secret == SECRET


def test_a_rotated_key_still_opens_old_secrets_until_they_are_reencrypted(settings):
    settings.SECRET_KEY = "old-key-" + "x" * 50
    subscribe()
    before = Subscription.objects.values_list("secret_encrypted", flat=True).get()

    settings.SECRET_KEY = "new-key-" + "y" * 50
    settings.SECRET_KEY_FALLBACKS = ["old-key-" + "x" * 50]
    assert Subscription.objects.get().secret == SECRET
    out = io.StringIO()
    call_command("reencrypt_secrets", stdout=out)
    assert out.getvalue().startswith("1 signing secrets")
    after = Subscription.objects.values_list("secret_encrypted", flat=True).get()
    assert after != before

    settings.SECRET_KEY_FALLBACKS = []  # the old key can go now
    assert Subscription.objects.get().secret == SECRET
    settings.SECRET_KEY = "old-key-" + "x" * 50  # and the old key cannot open it
    with pytest.raises(crypto.InvalidToken):
        Subscription.objects.get().secret  # noqa: B018
