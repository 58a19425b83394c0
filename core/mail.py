"""Sending an email from a Celery task: one message shape, one failure policy.

Every task that emails (invitations, low-stock alerts, customer notifications) claims
its work first, then calls :func:`send_or_retry`. On an SMTP or network error the claim
is undone (``on_failure``) and:

- on a worker, the task is retried with a growing delay (30 s, 1 min, 2 min, ... at most
  an hour);
- in embedded mode (tasks executed in-process, inside the request that queued them) the
  error is logged and the task gives up: retrying there would block the request and end
  in a server error. The periodic sweeps send the notifications and low-stock alerts
  left unsent; an invitation is not sent again (the warning in the log says which).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable

from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger(__name__)

# smtplib.SMTPException is an OSError since Python 3.4; both named for the reader.
SEND_ERRORS = (OSError, smtplib.SMTPException)
MAX_RETRY_DELAY = 3600


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


def send_or_retry(
    task, message: EmailMultiAlternatives, *, on_failure: Callable[[Exception], None] | None = None
) -> bool:
    """Send ``message`` from the bound Celery ``task``; True once sent.

    On failure: ``on_failure(exc)`` (undo the caller's claim), then a retry on a worker
    (raises ``celery.exceptions.Retry``), or False in embedded mode.
    """
    try:
        message.send()
    except SEND_ERRORS as exc:
        if on_failure is not None:
            on_failure(exc)
        if task.request.is_eager:
            logger.warning("Email %r not sent, left for a later attempt: %s", message.subject, exc)
            return False
        raise task.retry(exc=exc, countdown=retry_delay(task.request.retries)) from exc
    return True
