"""An email that attaches a PDF (shipped: the invoice; cancelled: the credit note)
waits until the documents worker has rendered it, then is sent once with it. The
emails never issue nor render documents themselves."""

from __future__ import annotations

from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail

from core.models import OutboxEvent
from documents import tasks as document_tasks
from documents.models import DocumentStatus, Invoice, InvoiceKind
from notifications import mailer, tasks
from notifications.consumers import on_order_status_changed
from notifications.models import NotificationKind, NotificationStatus, SentNotification
from orders.events import ORDER_STATUS_CHANGED
from orders.models import Order, OrderStatus

pytestmark = pytest.mark.django_db

ON_A_WORKER = mock.patch("celery.app.task.Context.is_eager", False, create=True)


@pytest.fixture
def no_rendering():
    """Documents are issued but their PDFs are not rendered (the worker is slow)."""
    with mock.patch.object(document_tasks.generate_document, "delay"):
        yield


@pytest.fixture
def no_sending():
    """Notifications are recorded but their task does not run on its own."""
    with mock.patch.object(tasks.send_notification, "delay"):
        yield


def _retry_on_a_worker(notification):
    with (
        ON_A_WORKER,
        mock.patch.object(tasks.send_notification, "retry", side_effect=Retry) as retry,
        pytest.raises(Retry),
    ):
        tasks.send_notification.run(notification.pk)
    return retry


def test_the_shipped_email_waits_for_the_invoice_pdf_then_carries_it(
    company, place, prepare, ship, no_rendering
):
    order = prepare(place(company))
    invoice = Invoice.objects.get(order=order, kind=InvoiceKind.INVOICE)
    assert invoice.document.status == DocumentStatus.PENDING
    mail.outbox.clear()
    with mock.patch.object(tasks.send_notification, "delay"):
        ship(order)
    notification = SentNotification.objects.get(kind=NotificationKind.ORDER_SHIPPED)

    # The email task runs before the document is rendered: it retries, sends nothing.
    retry = _retry_on_a_worker(notification)
    assert retry.call_args.kwargs["countdown"] == mailer.wait_delay(1)
    retry = _retry_on_a_worker(notification)
    assert retry.call_args.kwargs["countdown"] == mailer.wait_delay(2) > mailer.wait_delay(1)
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert invoice.number in notification.last_error
    invoice.document.refresh_from_db()
    assert invoice.document.status == DocumentStatus.PENDING  # the email rendered nothing

    # The documents worker renders it; the next retry sends it, once, with the PDF.
    document_tasks.generate_document.apply(args=[invoice.document.pk])
    with ON_A_WORKER:
        assert tasks.send_notification.run(notification.pk) is True
        assert tasks.send_notification.run(notification.pk) is False
    (message,) = mail.outbox
    ((filename, content, mimetype),) = message.attachments
    assert filename == f"{invoice.number}.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert invoice.number in message.body


def test_in_embedded_mode_the_waiting_email_is_left_to_the_sweep(
    company, place, prepare, ship, no_rendering
):
    order = prepare(place(company))
    mail.outbox.clear()
    ship(order)  # the eager task finds no PDF: it gives up quietly, no retry loop
    assert mail.outbox == []
    notification = SentNotification.objects.get(kind=NotificationKind.ORDER_SHIPPED)
    assert notification.status == NotificationStatus.PENDING
    invoice = Invoice.objects.get(order=order, kind=InvoiceKind.INVOICE)
    document_tasks.generate_document.apply(args=[invoice.document.pk])
    SentNotification.objects.filter(pk=notification.pk).update(
        created_at=notification.created_at - mailer.CLAIM_LEASE
    )
    assert tasks.sweep_pending_notifications.apply().get() == 1
    (message,) = mail.outbox
    assert message.attachments[0][0] == f"{invoice.number}.pdf"


def test_the_cancelled_email_waits_for_the_credit_note(
    company, place, prepare, cancel, no_rendering, no_sending
):
    order = prepare(place(company))
    cancel(order)
    notification = SentNotification.objects.get(kind=NotificationKind.ORDER_CANCELLED)
    _retry_on_a_worker(notification)
    assert mail.outbox == []
    credit = Invoice.objects.get(order=order, kind=InvoiceKind.CREDIT_NOTE)
    document_tasks.generate_document.apply(args=[credit.document.pk])
    with ON_A_WORKER:
        assert tasks.send_notification.run(notification.pk) is True
    (message,) = mail.outbox
    assert message.attachments[0][0] == f"{credit.number}.pdf"


def test_a_cancelled_order_never_invoiced_does_not_wait(company, place, cancel, no_sending):
    order = place(company)
    cancel(order)
    notification = SentNotification.objects.get(kind=NotificationKind.ORDER_CANCELLED)
    with ON_A_WORKER:
        assert tasks.send_notification.run(notification.pk) is True
    (cancelled,) = [m for m in mail.outbox if order.number in m.subject and m.attachments == []]
    assert not Invoice.objects.filter(order=order).exists()
    assert cancelled.to


def test_the_wait_is_bounded_then_the_email_goes_without_the_pdf(
    company, place, prepare, ship, no_rendering, no_sending, caplog
):
    order = ship(prepare(place(company)))
    notification = SentNotification.objects.get(kind=NotificationKind.ORDER_SHIPPED)
    SentNotification.objects.filter(pk=notification.pk).update(
        attempts=mailer.DOCUMENT_WAIT_ATTEMPTS - 1
    )
    mail.outbox.clear()
    with ON_A_WORKER:
        assert tasks.send_notification.run(notification.pk) is True
    (message,) = mail.outbox
    assert message.attachments == [] and order.number in message.subject
    assert "without its attachment" in caplog.text


def test_the_notifications_consumer_issues_no_document(company, place, flush):
    order = place(company)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.ENVIADO)
    with mock.patch.object(tasks.send_notification, "delay"), flush():
        on_order_status_changed(
            OutboxEvent.objects.create(
                event_type=ORDER_STATUS_CHANGED,
                payload={"order_id": order.pk, "to": OrderStatus.ENVIADO},
            )
        )
    assert not Invoice.objects.filter(order=order).exists()
