"""Celery tasks of the notifications: thin, idempotent (claim before send)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone, translation

from core.mail import build_message, send_or_retry

from . import services
from .emails import SPECS, attachments_for, context_for
from .models import NotificationStatus, SentNotification

logger = logging.getLogger(__name__)

MAX_RETRIES = 10


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def send_notification(self, notification_id: int) -> bool:
    """Send one notification exactly once: claimed (pending -> sending) before sending;
    an SMTP failure puts it back to pending and retries with a growing delay."""
    if not services.claim(notification_id):
        return False
    notification = SentNotification.objects.select_related("company", "order").get(
        pk=notification_id
    )
    try:
        with translation.override(notification.language):
            subject, text, html = SPECS[notification.kind].render(context_for(notification))
            attachments = attachments_for(notification)
    except Exception as exc:  # a bug or missing data: not worth retrying blindly
        logger.exception("Notification %s could not be built", notification_id)
        services.release(notification_id, error=f"{type(exc).__name__}: {exc}", failed=True)
        return False
    message = build_message(subject, text, html, notification.recipients, attachments)
    sent = send_or_retry(
        self,
        message,
        on_failure=lambda exc: services.release(
            notification_id, error=f"{type(exc).__name__}: {exc}"
        ),
    )
    if sent:
        services.mark_sent(notification, subject=subject)
    return sent


@shared_task
def sweep_pending_notifications() -> int:
    """Periodic: queue notifications left pending (broker outage, SMTP down in eager
    mode) for a few minutes."""
    cutoff = timezone.now() - timedelta(minutes=5)
    ids = list(
        SentNotification.objects.filter(
            status=NotificationStatus.PENDING, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:200]
    )
    for notification_id in ids:
        send_notification.delay(notification_id)
    return len(ids)


@shared_task
def send_held_orders_digest() -> bool:
    """Daily (Celery beat): email staff the orders held for review, if any."""
    notification = services.held_digest_notification()
    if notification is None:
        return False
    return send_notification.delay(notification.pk) is not None
