"""Celery tasks of the notifications: thin, idempotent (claim before send)."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from . import mailer, services
from .models import NotificationStatus, SentNotification

logger = logging.getLogger(__name__)

MAX_RETRIES = 10


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def send_notification(self, notification_id: int) -> bool:
    """Send one notification at most once (``notifications.mailer.deliver``: claimed
    before sending; an SMTP failure or a missing attachment retries with a delay)."""
    return mailer.deliver(self, notification_id)


@shared_task
def sweep_pending_notifications(older_than_seconds: int = 300) -> int:
    """Periodic: queue notifications left pending (broker outage, SMTP down in eager
    mode, an attachment not rendered yet) for a few minutes, and those whose sender
    died while sending (an expired claim). (``older_than_seconds``: the fault benches
    compress time.)"""
    now = timezone.now()
    ids = list(
        SentNotification.objects.filter(
            Q(
                status=NotificationStatus.PENDING,
                created_at__lt=now - timedelta(seconds=older_than_seconds),
            )
            | Q(status=NotificationStatus.SENDING, locked_until__lt=now)
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
