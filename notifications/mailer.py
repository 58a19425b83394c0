"""The one mail helper: every email of the project leaves through :func:`deliver`.

A ``SentNotification`` row is the unit of work (written once per event and kind by an
outbox consumer). :func:`deliver`, called from the ``send_notification`` task:

1. **claims** the row: under a row lock, ``pending`` (or a ``sending`` whose claim
   expired: a worker died mid-send) becomes ``sending`` until ``locked_until``. A second
   worker finds nothing to claim and sends nothing;
2. **composes** it in the recipient's language (``emails.compose``). Nothing left to
   send (the invited user has set a password) marks it ``skipped``; an attachment that
   does not exist yet (the invoice PDF of a shipped order) puts it back to ``pending``
   and the task retries with a countdown, at most ``DOCUMENT_WAIT_ATTEMPTS`` times, then
   sends without it (the document is in the portal);
3. **sends** it. On an SMTP or network error the row goes back to ``pending`` and, on
   a worker, the task retries with a growing delay (30 s, 1 min, 2 min, ... at most an
   hour); in embedded mode (tasks executed in-process, inside the request that queued
   them) it gives up quietly and the periodic sweep sends it later. Retrying there
   would block the request and end in a server error;
4. **marks** it ``sent`` (and writes the timeline entry) in one transaction.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from .models import NotificationStatus, SentNotification

logger = logging.getLogger(__name__)

# smtplib.SMTPException is an OSError since Python 3.4; both named for the reader.
SEND_ERRORS = (OSError, smtplib.SMTPException)
MAX_RETRY_DELAY = 3600
#: How long a claim holds: a worker that died while sending leaves it to the sweep.
CLAIM_LEASE = timedelta(minutes=10)
#: How many times an email waits for its attachment before it goes without it.
DOCUMENT_WAIT_ATTEMPTS = 8


class Skip(Exception):
    """Nothing to send any more (raised by ``emails.compose``)."""


class AttachmentNotReady(Exception):
    """The document to attach is not rendered yet (raised by ``emails.compose``)."""


def build_message(
    subject: str,
    text: str,
    html: str,
    to: Iterable[str],
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> EmailMultiAlternatives:
    """A plain-text email with its HTML alternative and ``(filename, content, mimetype)``
    attachments."""
    message = EmailMultiAlternatives(subject, text, to=list(to))
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def retry_delay(retries: int) -> int:
    """Seconds before retry number ``retries + 1``: 30 s doubling, at most an hour."""
    return min(MAX_RETRY_DELAY, 30 * 2**retries)


def wait_delay(attempts: int) -> int:
    """Seconds before looking again for a missing attachment: 10 s doubling, at most
    five minutes."""
    return min(300, 10 * 2 ** max(0, attempts - 1))


# --- the row's states -------------------------------------------------------------------


def claim(notification_id: int) -> SentNotification | None:
    """Take a notification for sending; None when it is sent, skipped, failed or being
    sent by someone else (whose claim has not expired)."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            SentNotification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id)
            .filter(
                Q(status=NotificationStatus.PENDING)
                | Q(status=NotificationStatus.SENDING, locked_until__lt=now)
            )
            .first()
        )
        if row is None:
            return None
        SentNotification.objects.filter(pk=row.pk).update(
            status=NotificationStatus.SENDING,
            attempts=F("attempts") + 1,
            locked_until=now + CLAIM_LEASE,
        )
    row.refresh_from_db()
    return row


def release(notification_id: int, *, error: str, status: str = NotificationStatus.PENDING):
    """Back to ``pending`` (tried again), or ``failed`` / ``skipped`` for good."""
    SentNotification.objects.filter(pk=notification_id).update(
        status=status, last_error=error[:2000], locked_until=None
    )


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


# --- the one way out --------------------------------------------------------------------


def deliver(task, notification_id: int) -> bool:
    """Send one notification at most once from the bound Celery ``task``; True once sent.

    Raises ``celery.exceptions.Retry`` on a worker when it must be tried again later."""
    from . import emails, services

    notification = claim(notification_id)
    if notification is None:
        return False
    eager = task.request.is_eager
    waited_enough = notification.attempts >= DOCUMENT_WAIT_ATTEMPTS
    try:
        with translation.override(notification.language):
            composed = emails.compose(notification, require_attachments=not waited_enough)
    except Skip as exc:
        release(notification_id, error=str(exc), status=NotificationStatus.SKIPPED)
        return False
    except AttachmentNotReady as exc:
        release(notification_id, error=_error(exc))
        if eager:  # the sweep tries again once the document is rendered
            return False
        raise task.retry(countdown=wait_delay(notification.attempts)) from exc
    except Exception as exc:  # a bug or missing data: not worth retrying blindly
        logger.exception("Notification %s could not be built", notification_id)
        release(notification_id, error=_error(exc), status=NotificationStatus.FAILED)
        return False
    if waited_enough and composed.missing_attachment:
        logger.warning(
            "Notification %s sent without its attachment after %s attempts",
            notification_id,
            notification.attempts,
        )
    message = build_message(
        composed.subject, composed.text, composed.html, notification.recipients,
        composed.attachments,
    )  # fmt: skip
    try:
        message.send()
    except SEND_ERRORS as exc:
        release(notification_id, error=_error(exc))
        if eager:
            logger.warning("Email %r not sent, left for a later attempt: %s", message.subject, exc)
            return False
        if task.request.retries >= task.max_retries:
            release(notification_id, error=_error(exc), status=NotificationStatus.FAILED)
            logger.error("Notification %s failed for good: %s", notification_id, exc)
            return False
        raise task.retry(exc=exc, countdown=retry_delay(task.request.retries)) from exc
    services.mark_sent(
        notification, subject=composed.subject, subject_message=composed.subject_message
    )
    return True
