"""Customer emails: content per language, exactly once per event, none for
en_preparacion, attachments, timeline, SMTP failures and the satisfaction link."""

import smtplib
from unittest import mock

import pytest
from django.core import mail, signing
from django.utils import translation

from core import outbox
from core.models import OutboxEvent
from customers.models import TimelineEntry
from notifications import services, tasks
from notifications.emails import rating_token
from notifications.models import (
    NotificationKind,
    NotificationStatus,
    SatisfactionRating,
    SentNotification,
)
from orders.events import ORDER_STATUS_CHANGED

pytestmark = pytest.mark.django_db

# Strings whose translations already exist in locale/ (the rest of the catalogue is
# translated at the end of the project): the emails must use the company's language.
PAYMENT_TERMS = {"es": "Condiciones de pago", "en": "Payment terms", "pl": "Warunki płatności"}
NET_30 = {"es": "30 días netos", "en": "Net 30 days", "pl": "30 dni netto"}
REASON = {"es": "Motivo", "en": "Reason", "pl": "Powód"}


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_order_received_email_in_the_company_language(language, company, place):
    company.language = language
    company.save()
    order = place(company)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert company.email in message.to
    assert order.number in message.subject
    for text in (message.body, html):
        assert "DRILL-18V" in text and "Łopata żółta ąćęłńóśźż" in text
        assert "PO-2026-77" in text
        assert "Entregar por la mañana" in text
        assert company.tax_id in text
        assert "pedidos@example.com" in text  # seller contact
    with translation.override(language):
        from documents.templatetags.documents_tags import amount

        assert f"{amount(order.total)} EUR" in message.body
        assert f"{amount(order.shipping)} EUR" in message.body
        assert f"{amount(order.tax)} EUR" in message.body
    assert PAYMENT_TERMS[language] in message.body
    assert PAYMENT_TERMS[language] in html
    assert NET_30[language] in message.body
    entry = TimelineEntry.objects.get(company=company, kind="email")
    assert entry.visibility == "customer"
    with translation.override(language):
        assert message.subject in entry.summary_text


def test_nothing_is_sent_for_en_preparacion(company, place, prepare):
    order = place(company)
    mail.outbox.clear()
    prepare(order)
    assert mail.outbox == []
    assert (
        not SentNotification.objects.filter(order=order)
        .exclude(kind=NotificationKind.ORDER_RECEIVED)
        .exists()
    )


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_shipped_email_has_tracking_and_the_invoice(language, company, place, prepare, ship):
    from pypdf import PdfReader

    company.language = language
    company.save()
    order = prepare(place(company))
    mail.outbox.clear()
    ship(order)
    (message,) = mail.outbox
    assert "SEUR" in message.body
    assert "TRK123456" in message.body
    assert "TRK123456" in message.alternatives[0][0]
    order.refresh_from_db()
    assert order.tracking_url and order.tracking_url in message.body
    from django.utils.formats import date_format

    with translation.override(language):
        estimated = date_format(order.estimated_delivery, "DATE_FORMAT")
    assert estimated in message.body  # "27 de noviembre de 2026", "27 listopada 2026"...
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename.startswith("FV-") and mimetype == "application/pdf"
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert order.number in text


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_delivered_email_carries_five_signed_rating_links(
    language, company, place, prepare, ship, deliver
):
    company.language = language
    company.save()
    order = ship(prepare(place(company)))
    mail.outbox.clear()
    deliver(order)
    (message,) = mail.outbox
    assert message.attachments == []
    from django.utils import timezone
    from django.utils.formats import date_format

    order.refresh_from_db()
    with translation.override(language):
        delivered = date_format(timezone.localtime(order.delivered_at), "SHORT_DATETIME_FORMAT")
    assert delivered in message.body
    # The tokens are signed with a timestamp: read them back from the email (signing
    # again here could fall on the next second) and check what each one says.
    import re

    from notifications.emails import RATING_SALT

    tokens = re.findall(r"/rate/([^/\s]+)/", message.body)
    assert [signing.loads(t, salt=RATING_SALT) for t in tokens] == [
        {"o": order.pk, "s": score} for score in range(1, 6)
    ]


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_cancelled_email_has_the_reason_and_the_credit_note(
    language, company, place, prepare, cancel
):
    company.language = language
    company.save()
    order = prepare(place(company))
    mail.outbox.clear()
    cancel(order, reason="Dirección equivocada")
    (message,) = mail.outbox
    assert "Dirección equivocada" in message.body
    assert REASON[language] in message.body
    (attachment,) = message.attachments
    assert attachment[0].startswith("AB-")
    assert attachment[0][:-4] in message.body


def test_cancelling_a_pending_order_mails_without_attachment(company, place, cancel):
    order = place(company)
    mail.outbox.clear()
    cancel(order)
    (message,) = mail.outbox
    assert message.attachments == []


def test_the_same_event_delivered_twice_sends_once(company, place):
    order = place(company)
    assert len(mail.outbox) == 1
    event = OutboxEvent.objects.get(event_type="order.created")
    # The relay hands it over again (a redelivery), and the consumers run again.
    from core.models import ProcessedEvent

    ProcessedEvent.objects.filter(event_id=event.pk).delete()
    outbox.process(event.pk)
    notification = SentNotification.objects.get(order=order)
    tasks.send_notification.apply(args=[notification.pk])
    assert len(mail.outbox) == 1
    assert SentNotification.objects.filter(order=order).count() == 1
    assert TimelineEntry.objects.filter(company=company, kind="email").count() == 1


def test_a_failing_smtp_server_leaves_the_email_pending_and_it_is_sent_later(company, place):
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPServerDisconnected("down"),
    ):
        order = place(company)
    notification = SentNotification.objects.get(order=order)
    assert notification.status == NotificationStatus.PENDING
    assert "down" in notification.last_error
    assert mail.outbox == []
    assert tasks.send_notification.apply(args=[notification.pk]).get() is True
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 2


def test_smtp_failure_on_a_worker_retries_with_backoff(company, place):
    with mock.patch.object(tasks.send_notification, "delay"):
        order = place(company)
    notification = SentNotification.objects.get(order=order)
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=smtplib.SMTPServerDisconnected("down"),
        ),
        mock.patch.object(tasks.send_notification, "retry", side_effect=RuntimeError) as retry,
        mock.patch("celery.app.task.Context.is_eager", False, create=True),
        pytest.raises(RuntimeError),
    ):
        tasks.send_notification.run(notification.pk)
    assert retry.call_args.kwargs["countdown"] == 30
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING


def test_status_event_replayed_for_the_consumer_sends_nothing_more(company, place, prepare, ship):
    ship(prepare(place(company)))
    shipped = [m for m in mail.outbox if "TRK123456" in m.body]
    assert len(shipped) == 1
    event = OutboxEvent.objects.filter(event_type=ORDER_STATUS_CHANGED, payload__to="enviado").get()
    from notifications.consumers import on_order_status_changed

    on_order_status_changed(event)  # a consumer run twice writes nothing new
    assert SentNotification.objects.filter(kind=NotificationKind.ORDER_SHIPPED).count() == 1
    assert len([m for m in mail.outbox if "TRK123456" in m.body]) == 1


def test_held_orders_digest_goes_to_staff_once_a_day(settings, company, place, service_agent):
    from orders import services as orders

    settings.STAFF_ALERT_EMAIL = "staff@example.com"
    order = place(company)
    orders.hold_order(order=order, actor=service_agent, note="Dirección sospechosa")
    mail.outbox.clear()
    assert tasks.send_held_orders_digest.apply().get() is True
    assert tasks.send_held_orders_digest.apply().get() is False
    (message,) = mail.outbox
    assert message.to == ["staff@example.com"]
    assert order.number in message.body and "Dirección sospechosa" in message.body


def test_no_digest_when_nothing_is_held(company, place):
    place(company)
    mail.outbox.clear()
    assert tasks.send_held_orders_digest.apply().get() is False
    assert mail.outbox == []


# --- satisfaction rating ----------------------------------------------------------------


@pytest.fixture
def delivered(company, place, prepare, ship, deliver):
    return deliver(ship(prepare(place(company))))


def test_opening_the_rating_link_records_nothing(client, delivered):
    """Link scanners fetch every link of a message: a GET only shows the page that
    submits itself (static/js/rating.js), with a button if scripts do not run."""
    response = client.get(f"/rate/{rating_token(delivered.pk, 4)}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<form method="post" data-auto-submit>' in content
    assert "js/rating.js" in content
    assert not SatisfactionRating.objects.exists()
    assert response["Cache-Control"] == "no-store"


def test_the_rating_is_recorded_once(client, delivered, company):
    response = client.post(f"/rate/{rating_token(delivered.pk, 4)}/")
    assert response.status_code == 200
    assert SatisfactionRating.objects.get(order=delivered).score == 4
    again = client.post(f"/rate/{rating_token(delivered.pk, 1)}/")
    assert again.status_code == 200
    assert SatisfactionRating.objects.get(order=delivered).score == 4
    rated = TimelineEntry.objects.filter(company=company, summary_message__key="order.rated")
    assert [entry.summary_message["params"]["score"] for entry in rated] == [4]
    # Opening a link again shows the recorded rating instead of a new form.
    page = client.get(f"/rate/{rating_token(delivered.pk, 2)}/")
    assert page.status_code == 200 and "data-auto-submit" not in page.content.decode()
    assert SatisfactionRating.objects.get(order=delivered).score == 4


def test_a_tampered_rating_link_is_rejected(client, delivered):
    token = rating_token(delivered.pk, 5)
    forged = signing.dumps({"o": delivered.pk, "s": 5}, salt="another-salt", compress=True)
    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    bad_score = signing.dumps(
        {"o": delivered.pk, "s": 9}, salt="notifications.rating", compress=True
    )
    for bad in (tampered, forged, "nonsense", bad_score):
        assert client.get(f"/rate/{bad}/").status_code == 400
        assert client.post(f"/rate/{bad}/").status_code == 400
    assert not SatisfactionRating.objects.exists()


def test_an_undelivered_order_cannot_be_rated(client, company, place):
    order = place(company)
    assert client.get(f"/rate/{rating_token(order.pk, 5)}/").status_code == 400
    assert client.post(f"/rate/{rating_token(order.pk, 5)}/").status_code == 400
    with pytest.raises(services.InvalidRatingLink):
        services.record_rating(order_id=order.pk, score=5)


# --- recipients and the language of the HTML ------------------------------------------


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_customer_html_emails_carry_their_language(language, company, place, prepare, ship):
    company.language = language
    company.save()
    ship(prepare(place(company)))
    assert len(mail.outbox) == 2  # received, shipped
    for message in mail.outbox:
        assert f'<html lang="{language}">' in message.alternatives[0][0]


def test_an_order_staff_place_for_a_customer_mails_the_company_only(
    client_for, company, buyer, place, service_agent
):
    """The back-office places it as the staff member (``placed_by``); the emails and the
    customer's activity are the company's, never the staff member's."""
    service_agent.first_name = service_agent.last_name = ""
    service_agent.save()
    order = place(company)  # actor: service_agent
    assert order.placed_by == service_agent
    (message,) = mail.outbox
    assert message.to == [company.email]
    assert SentNotification.objects.get(order=order).recipients == [company.email]
    home = client_for(buyer).get("/portal/").content.decode()
    assert service_agent.email not in home
    assert order.number in home


def test_an_order_a_customer_user_places_also_mails_them(company, buyer, products, flush):
    from orders import services as orders

    with flush():
        orders.place_order(
            actor=buyer, lines=[{"sku": "DRILL-18V", "quantity": 1}], po_number="PO-1"
        )
    (message,) = mail.outbox
    assert message.to == [company.email, buyer.email]


def test_an_order_by_a_user_of_another_company_does_not_mail_them(
    company, other_buyer, products, flush, service_agent
):
    """Defensive: only the company's own users are its contacts."""
    from notifications.services import customer_recipients
    from orders import services as orders

    with flush():
        order = orders.place_order(
            actor=service_agent, company=company, lines=[{"sku": "DRILL-18V", "quantity": 1}]
        )
    order.placed_by = other_buyer
    assert customer_recipients(order) == [company.email]
