"""Thin Celery tasks around webhooks.services."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import services
from .models import Subscription


@shared_task(acks_late=True)
def deliver_webhook(delivery_id: int) -> None:
    """Attempt one delivery (a no-op when it is not due or already being sent)."""
    services.attempt_delivery(delivery_id)


@shared_task
def retry_due_deliveries() -> int:
    """Periodic: send due retries; disable subscriptions failing for days."""
    return services.sweep()


@shared_task(bind=True, acks_late=True, max_retries=8)
def notify_subscription_disabled(self, subscription_id: int) -> None:
    """Email staff that a webhook subscription was disabled after failing for days."""
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.SITE_URL.rstrip("/") + reverse(
            "backoffice:webhook_detail", args=[subscription.pk]
        )
        subject = _("Webhook disabled: %(url)s") % {"url": subscription.url}
        body = _(
            "Deliveries to %(url)s have failed for %(days)s days, so the subscription was "
            "disabled. Check the receiver and enable it again: %(link)s"
        ) % {"url": subscription.url, "days": settings.WEBHOOK_DISABLE_AFTER_DAYS, "link": link}
    try:
        send_mail(subject, body, None, [settings.STAFF_ALERT_EMAIL])
    except OSError as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
