"""core.mail: the one failure policy of every task that sends email."""

import smtplib
from unittest import mock

import pytest
from celery import shared_task
from celery.exceptions import Retry
from django.core import mail

from core.mail import build_message, retry_delay, send_or_retry

SMTP_DOWN = mock.patch(
    "django.core.mail.backends.locmem.EmailBackend.send_messages",
    side_effect=smtplib.SMTPServerDisconnected("down"),
)


@shared_task(bind=True, max_retries=3)
def _send(self, fail_log: list) -> bool:
    message = build_message(
        "Asunto", "texto", "<p>html</p>", ["a@example.com"], [("f.pdf", b"%PDF", "application/pdf")]
    )
    return send_or_retry(self, message, on_failure=fail_log.append)


def test_a_message_has_text_html_and_attachments():
    failures = []
    assert _send.apply(args=[failures]).get() is True
    (sent,) = mail.outbox
    assert sent.subject == "Asunto" and sent.to == ["a@example.com"] and sent.body == "texto"
    assert sent.alternatives[0][1] == "text/html" and sent.attachments[0][0] == "f.pdf"
    assert failures == []


def test_embedded_mode_gives_up_quietly_after_undoing_the_claim(caplog):
    """In-process tasks run inside the request that queued them: no retry loop, no
    server error; the claim is released for the sweeps."""
    failures = []
    with SMTP_DOWN:
        assert _send.apply(args=[failures]).get() is False
    assert len(failures) == 1 and isinstance(failures[0], smtplib.SMTPServerDisconnected)
    assert "not sent" in caplog.text


def test_a_worker_retries_with_a_growing_delay():
    failures = []
    with (
        SMTP_DOWN,
        mock.patch("celery.app.task.Context.is_eager", False, create=True),
        mock.patch("celery.app.task.Context.retries", 2, create=True),
        mock.patch.object(_send, "retry", side_effect=Retry) as retry,
        pytest.raises(Retry),
    ):
        _send.run(failures)
    assert retry.call_args.kwargs["countdown"] == 120
    assert len(failures) == 1


def test_retry_delays_double_up_to_an_hour():
    assert [retry_delay(n) for n in range(8)] == [30, 60, 120, 240, 480, 960, 1920, 3600]
