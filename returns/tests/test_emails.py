"""The return emails (notifications consumers of return.created, return.status_changed
and return.reminder): one per event, in the company's language, with the label at
authorization and the credit note at resolution, never twice for one event."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.models import OutboxEvent
from core.outbox import process
from customers.tests.factories import CompanyFactory, CustomerUserFactory
from notifications.models import NotificationKind, SentNotification
from returns import services

pytestmark = pytest.mark.django_db


def _kinds():
    return list(
        SentNotification.objects.filter(kind__startswith="return_")
        .order_by("created_at", "id")
        .values_list("kind", flat=True)
    )


@pytest.fixture
def polish(delivered):
    company = CompanyFactory(
        legal_name="Hurtownia Kowalski Sp. z o.o.", country="PL", language="pl", currency="PLN"
    )
    buyer = CustomerUserFactory(company=company, role="buyer", email="jan@kowalski.example")
    return company, buyer, delivered(company)


def test_one_email_per_step_with_label_and_credit_note(order, request_return, walk, buyer):
    mail.outbox.clear()
    ret = request_return(order)
    ret = walk(ret, to="resuelta", resolution="refund")
    assert _kinds() == [
        NotificationKind.RETURN_REQUESTED,
        NotificationKind.RETURN_AUTHORIZED,
        NotificationKind.RETURN_RECEIVED,
        NotificationKind.RETURN_RESOLVED,
    ]
    assert len(mail.outbox) == 4 and all(ret.number in m.subject for m in mail.outbox)
    authorized = mail.outbox[1]
    assert buyer.email in authorized.to and ret.company.email in authorized.to
    label = [a for a in authorized.attachments if a[0] == f"{ret.number}-label.pdf"]
    assert label and label[0][1].startswith(b"%PDF")
    resolved = mail.outbox[-1]
    assert ret.number in resolved.subject
    assert ret.credit_note.number in resolved.body
    assert any(a[0] == f"{ret.credit_note.number}.pdf" for a in resolved.attachments)


def test_emails_in_polish_for_a_polish_company(polish, request_return, walk):
    _company, buyer, order = polish
    mail.outbox.clear()
    ret = request_return(order, actor=buyer)
    walk(ret, to="autorizada")
    _requested, authorized = [m for m in mail.outbox if ret.number in m.subject]
    html = authorized.alternatives[0][0]
    assert '<html lang="pl">' in html
    assert jan_in(authorized)


def jan_in(message):
    return "jan@kowalski.example" in message.to


def test_rejection_email_carries_the_reason(order, request_return, manager, flush):
    ret = request_return(order)
    mail.outbox.clear()
    with flush():
        services.reject_return(ret=ret, actor=manager, reason="Las unidades están usadas")
    (message,) = mail.outbox
    assert "Las unidades están usadas" in message.body
    assert _kinds()[-1] == NotificationKind.RETURN_REJECTED


def test_a_repeated_event_sends_nothing_more(order, request_return, flush):
    mail.outbox.clear()
    ret = request_return(order)
    assert len(mail.outbox) == 1
    event = OutboxEvent.objects.filter(event_type="return.created").latest("created_at")
    # The consumer ran already (recorded); a second delivery of the event and a
    # second notification row for it are both refused.
    with flush():
        process(event.pk)
    from notifications.consumers import on_return_created

    with flush():
        on_return_created(event)
    assert len(mail.outbox) == 1
    assert SentNotification.objects.filter(event_id=event.pk).count() == 1
    assert ret.number in mail.outbox[0].subject


def test_reminder_email_once_before_expiry(order, request_return, walk, flush, settings):
    ret = walk(request_return(order), to="autorizada")
    mail.outbox.clear()
    later = timezone.now() + dt.timedelta(days=settings.RETURN_REMINDER_DAYS, hours=1)
    with flush():
        services.remind_and_expire(now=later)
    with flush():
        services.remind_and_expire(now=later + dt.timedelta(hours=1))
    assert [m for m in mail.outbox if ret.number in m.subject] == mail.outbox
    assert len(mail.outbox) == 1
    assert _kinds()[-1] == NotificationKind.RETURN_REMINDER


def test_inspection_and_cancellation_send_no_email(
    order, request_return, walk, buyer, manager, flush
):
    ret = walk(request_return(order), to="recibida")
    mail.outbox.clear()
    with flush():
        services.inspect_return(
            ret=ret, actor=manager, lines=[{"sku": "DRILL-18V", "condition": "resellable"}]
        )
    assert mail.outbox == []
    other = request_return(order, lines=[{"sku": "PAPER-A4", "quantity": 1, "reason": "other"}])
    mail.outbox.clear()
    with flush():
        services.cancel_return(ret=other, actor=buyer)
    assert mail.outbox == []
