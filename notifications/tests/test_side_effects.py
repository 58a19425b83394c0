"""Every email leaves through the outbox and ``notifications``: invitations, invitation
attempts, low-stock alerts and disabled webhooks, end to end from the service call (the
relay and Celery run in-process), each exactly once; the one mail helper (claim,
retry, wait for an attachment) and the one layout."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from core import outbox
from core.models import OutboxEvent, ProcessedEvent
from customers import services as customers
from customers.models import TimelineEntry
from customers.tests.factories import CompanyFactory, CustomerUserFactory
from notifications import mailer, tasks
from notifications.emails import SPECS, sample_context
from notifications.models import NotificationKind, NotificationStatus, SentNotification

pytestmark = pytest.mark.django_db


def redeliver(event: OutboxEvent) -> None:
    """The relay hands an event over again and every consumer runs again."""
    ProcessedEvent.objects.filter(event_id=event.pk).delete()
    outbox.process(event.pk)


def send_again(notification: SentNotification) -> bool:
    return tasks.send_notification.apply(args=[notification.pk]).get()


# --- invitations --------------------------------------------------------------------------


def test_an_invitation_is_an_event_and_one_email(manager, flush):
    company = CompanyFactory(language="pl")
    with flush():
        user = customers.create_customer_user(
            company=company, actor=manager, email="nowy@firma.example", role="buyer"
        )
    event = OutboxEvent.objects.get(event_type="customer_user.invited")
    assert event.payload == {"user_id": user.pk, "company_id": company.pk, "resend": False}
    (message,) = mail.outbox
    assert message.to == ["nowy@firma.example"] and "/portal/invitation/" in message.body
    notification = SentNotification.objects.get(kind=NotificationKind.INVITATION)
    assert (notification.user, notification.company) == (user, company)
    assert notification.status == NotificationStatus.SENT
    entry = TimelineEntry.objects.get(company=company, kind="email")
    assert entry.visibility == "customer" and entry.object_id == str(user.pk)

    redeliver(event)
    assert send_again(notification) is False
    assert len(mail.outbox) == 1
    assert SentNotification.objects.filter(kind=NotificationKind.INVITATION).count() == 1


def test_a_resend_sends_again_exactly_once(manager, company, flush):
    with flush():
        user = customers.create_customer_user(
            company=company, actor=manager, email="nuevo@gomez.example", role="buyer"
        )
    with flush():
        customers.resend_invitation(user=user, actor=manager)
    assert len(mail.outbox) == 2
    assert all("/portal/invitation/" in message.body for message in mail.outbox)
    resend = OutboxEvent.objects.filter(event_type="customer_user.invited").latest("created_at")
    assert resend.payload == {"user_id": user.pk, "company_id": company.pk, "resend": True}
    redeliver(resend)
    for notification in SentNotification.objects.filter(kind=NotificationKind.INVITATION):
        assert send_again(notification) is False
    assert len(mail.outbox) == 2


def test_no_invitation_once_the_password_is_chosen(manager, company, flush):
    with mock.patch.object(tasks.send_notification, "delay"), flush():
        user = customers.create_customer_user(
            company=company, actor=manager, email="x@gomez.example", role="buyer"
        )
    user.set_password("chosen-password-1")
    user.save()
    notification = SentNotification.objects.get(kind=NotificationKind.INVITATION)
    assert send_again(notification) is False
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SKIPPED


def _attempt(customer_admin, company, email, flush):
    with flush():
        assert (
            customers.invite_customer_user(
                company=company, actor=customer_admin, email=email, role="buyer"
            )
            is None
        )


def test_an_invitation_attempt_tells_the_holder_once_per_quiet_period(
    customer_admin, company, other_company, flush
):
    holder = CustomerUserFactory(company=other_company, email="tomek@kowalski.example")
    _attempt(customer_admin, company, holder.email, flush)
    event = OutboxEvent.objects.get(event_type="customer_user.invitation_attempted")
    assert event.payload == {"user_id": holder.pk, "company_id": company.pk}
    (notice,) = mail.outbox
    assert notice.to == [holder.email] and company.legal_name in notice.body
    # The holder's company timeline notes it for staff only.
    entry = TimelineEntry.objects.get(company=other_company, kind="email")
    assert entry.visibility == "staff"

    # The quiet mark is the notification row, not the cache: emptying it changes nothing.
    from django.core.cache import cache

    cache.clear()
    _attempt(customer_admin, company, holder.email, flush)
    assert len(mail.outbox) == 1
    assert SentNotification.objects.filter(kind=NotificationKind.INVITATION_ATTEMPT).count() == 1

    # Another company's attempt is another notice; and after the quiet period, again.
    third = CompanyFactory(legal_name="Construcciones Norte S.A.")
    third_admin = CustomerUserFactory(company=third, role="admin", email="admin@norte.example")
    _attempt(third_admin, third, holder.email, flush)
    assert len(mail.outbox) == 2
    SentNotification.objects.filter(kind=NotificationKind.INVITATION_ATTEMPT).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    _attempt(customer_admin, company, holder.email, flush)
    assert len(mail.outbox) == 3


def test_a_failed_attempt_notice_does_not_keep_the_next_one_quiet(
    customer_admin, company, manager, flush
):
    from notifications import emails

    broken = mock.Mock(side_effect=RuntimeError("bug"))
    with mock.patch.dict(emails.STAFF_CONTEXTS, {NotificationKind.INVITATION_ATTEMPT: broken}):
        _attempt(customer_admin, company, manager.email, flush)
    failed = SentNotification.objects.get(kind=NotificationKind.INVITATION_ATTEMPT)
    assert failed.status == NotificationStatus.FAILED and mail.outbox == []
    _attempt(customer_admin, company, manager.email, flush)
    assert [m.to for m in mail.outbox] == [[manager.email]]


def test_inviting_with_the_broker_down_commits_and_sends_after_the_sweep(
    manager, company, django_capture_on_commit_callbacks
):
    """The broker refuses the relay: the caller sees no error, the event stays pending,
    and the sweep (once it is back) has it sent, once."""
    from kombu.exceptions import OperationalError

    from core.tasks import process_event, relay_outbox

    with (
        mock.patch.object(process_event, "apply_async", side_effect=OperationalError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        user = customers.create_customer_user(
            company=company, actor=manager, email="tarde@gomez.example", role="buyer"
        )
    assert user.pk and mail.outbox == []
    event = OutboxEvent.objects.get(event_type="customer_user.invited")
    assert event.dispatched_at is None and "down" in event.last_error
    outbox._broker_down_until.clear()
    with django_capture_on_commit_callbacks(execute=True):
        relay_outbox.apply()
    with django_capture_on_commit_callbacks(execute=True):
        assert relay_outbox.apply().get() == 0
    assert [m.to for m in mail.outbox] == [["tarde@gomez.example"]]


# --- staff emails ---------------------------------------------------------------------------


def test_a_low_stock_alert_is_emailed_exactly_once(settings, products, flush):
    from inventory import services as inventory
    from inventory.models import LowStockAlert, Warehouse

    settings.STAFF_ALERT_EMAIL = "compras@example.com"
    drill = products[0]
    with flush():
        inventory.set_reorder_levels(
            actor=None,
            product=drill,
            warehouse=Warehouse.objects.get(code="MAD"),
            reorder_point=60,
            reorder_quantity=100,
        )
    alert = LowStockAlert.objects.get()
    (message,) = mail.outbox
    assert message.to == ["compras@example.com"]
    assert "DRILL-18V" in message.subject and "MAD" in message.subject
    assert "60" in message.body and "/backoffice/" in message.body
    assert '<html lang="' in message.alternatives[0][0]
    alert.refresh_from_db()
    assert alert.emailed_at is not None

    event = OutboxEvent.objects.get(event_type="stock.low")
    redeliver(event)
    notification = SentNotification.objects.get(kind=NotificationKind.LOW_STOCK)
    assert send_again(notification) is False
    with flush():
        inventory.sweep_low_stock()
    assert len(mail.outbox) == 1


def test_a_malformed_stock_low_event_emails_nobody(settings):
    settings.STAFF_ALERT_EMAIL = "compras@example.com"
    event = OutboxEvent.objects.create(event_type="stock.low", payload={"sku": "A-1"})
    assert outbox.process(event.pk) == []
    assert not SentNotification.objects.exists() and mail.outbox == []


def test_a_disabled_webhook_subscription_is_emailed_once(settings, flush):
    from webhooks import services as webhooks
    from webhooks.models import Subscription

    settings.STAFF_ALERT_EMAIL = "ops@example.com"
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True  # no DNS look-up in tests
    subscription = webhooks.create_subscription(
        url="https://erp.example.com/h", events=["stock.low"], actor=None
    )
    Subscription.objects.filter(pk=subscription.pk).update(
        failing_since=timezone.now()
        - timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS, minutes=1)
    )
    with flush():
        webhooks.sweep()
    with flush():
        webhooks.sweep()  # already disabled: nothing more
    (message,) = mail.outbox
    assert message.to == ["ops@example.com"] and subscription.url in message.subject
    assert f"/backoffice/webhooks/{subscription.pk}/" in message.body
    event = OutboxEvent.objects.get(event_type="webhook.subscription_disabled")
    assert event.payload == {"subscription_id": subscription.pk}
    redeliver(event)
    assert send_again(SentNotification.objects.get(kind=NotificationKind.WEBHOOK_DISABLED)) is False
    assert len(mail.outbox) == 1


def test_internal_events_are_never_delivered_to_webhooks(settings):
    from webhooks import services as webhooks
    from webhooks.models import Delivery, Subscription

    settings.STAFF_ALERT_EMAIL = "ops@example.com"
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    subscription = webhooks.create_subscription(
        url="https://erp.example.com/h", events=["stock.low"], actor=None
    )
    # Even a subscription that lists them (written behind the API's back).
    Subscription.objects.filter(pk=subscription.pk).update(
        events=["customer_user.invited", "webhook.subscription_disabled", "stock.low"]
    )
    internal = OutboxEvent.objects.create(
        event_type="webhook.subscription_disabled", payload={"subscription_id": 999999}
    )
    public = OutboxEvent.objects.create(event_type="stock.low", payload={"sku": "A-1"})
    assert outbox.process(internal.pk) == [] and outbox.process(public.pk) == []
    assert list(Delivery.objects.values_list("event_type", flat=True)) == ["stock.low"]


# --- the mail helper --------------------------------------------------------------------------


def _pending(company, **kwargs) -> SentNotification:
    with mock.patch.object(tasks.send_notification, "delay"):
        user = CustomerUserFactory(company=company, email="p@gomez.example")
        user.set_unusable_password()
        user.save()
        return SentNotification.objects.create(
            event_id="6f1c1b7e-2f0e-4c89-9d38-000000000001",
            kind=NotificationKind.INVITATION,
            company=company,
            user=user,
            recipients=[user.email],
            language="es",
            **kwargs,
        )


def test_a_claim_is_taken_once_and_expires(company):
    notification = _pending(company)
    claimed = mailer.claim(notification.pk)
    assert claimed.status == NotificationStatus.SENDING and claimed.attempts == 1
    assert mailer.claim(notification.pk) is None  # a second worker gets nothing
    SentNotification.objects.filter(pk=notification.pk).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert mailer.claim(notification.pk).attempts == 2  # the first worker died
    SentNotification.objects.filter(pk=notification.pk).update(status=NotificationStatus.SENT)
    assert mailer.claim(notification.pk) is None


def test_the_sweep_requeues_expired_claims_and_old_pending_rows(company):
    notification = _pending(company)
    SentNotification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENDING, locked_until=timezone.now() - timedelta(minutes=1)
    )
    assert tasks.sweep_pending_notifications.apply().get() == 1
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


SMTP_DOWN = mock.patch(
    "django.core.mail.backends.locmem.EmailBackend.send_messages",
    side_effect=smtplib.SMTPServerDisconnected("down"),
)


def test_smtp_failure_on_a_worker_retries_with_a_growing_delay(company):
    notification = _pending(company)
    with (
        SMTP_DOWN,
        mock.patch("celery.app.task.Context.is_eager", False, create=True),
        mock.patch("celery.app.task.Context.retries", 2, create=True),
        mock.patch.object(tasks.send_notification, "retry", side_effect=Retry) as retry,
        pytest.raises(Retry),
    ):
        tasks.send_notification.run(notification.pk)
    assert retry.call_args.kwargs["countdown"] == 120
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING and "down" in notification.last_error


def test_smtp_failure_after_the_last_retry_fails_for_good(company):
    notification = _pending(company)
    with (
        SMTP_DOWN,
        mock.patch("celery.app.task.Context.is_eager", False, create=True),
        mock.patch("celery.app.task.Context.retries", tasks.MAX_RETRIES, create=True),
    ):
        assert tasks.send_notification.run(notification.pk) is False
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED


def test_retry_delays():
    assert [mailer.retry_delay(n) for n in range(8)] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert [mailer.wait_delay(n) for n in (1, 2, 3, 6, 9)] == [10, 20, 40, 300, 300]


def test_a_message_has_text_html_and_attachments():
    message = mailer.build_message(
        "Asunto", "texto", "<p>html</p>", ["a@example.com"], [("f.pdf", b"%PDF", "application/pdf")]
    )
    message.send()
    (sent,) = mail.outbox
    assert sent.subject == "Asunto" and sent.to == ["a@example.com"] and sent.body == "texto"
    assert sent.alternatives[0][1] == "text/html" and sent.attachments[0][0] == "f.pdf"


# --- one layout -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SPECS))
def test_every_email_extends_the_one_layout(kind, settings):
    subject, text, html = SPECS[kind].render(sample_context(kind))
    assert subject and subject in html and text.startswith(subject)
    assert '<html lang="' in html and "#1f4e79" in html  # the base layout's header
    for body in (text, html):
        assert settings.SELLER["legal_name"] in body and settings.SELLER["tax_id"] in body


def test_the_sweep_takes_the_age_of_a_pending_row_as_an_argument(company):
    """The default waits five minutes for a pending email (its task may still be in the
    queue); the fault benches, compressing time, pass a shorter age."""
    notification = _pending(company)
    SentNotification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(seconds=30)
    )
    with mock.patch.object(tasks.send_notification, "delay") as delay:
        assert tasks.sweep_pending_notifications() == 0
        assert tasks.sweep_pending_notifications(older_than_seconds=10) == 1
    delay.assert_called_once_with(notification.pk)
