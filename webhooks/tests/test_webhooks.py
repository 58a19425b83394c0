"""Webhook subscriptions (API), signed deliveries, retries, the delivery log."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from standardwebhooks import Webhook

from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from core import outbox
from webhooks import services
from webhooks.models import Delivery, DeliveryStatus, Subscription
from webhooks.tasks import retry_due_deliveries

from .receiver import Receiver

WEBHOOKS = "/api/v1/webhooks/"
SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # 24 bytes


@pytest.fixture
def client(api, seller_key):
    return api(seller_key)


@pytest.fixture
def allow_local(settings, db):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True


def make_due(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


# --- subscriptions through the API ----------------------------------------------------


def test_create_returns_a_generated_secret_once(client, allow_local):
    response = client.post(
        WEBHOOKS, {"url": "http://127.0.0.1:9/x", "events": ["order.created"]}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert 24 <= len(__import__("base64").b64decode(body["secret"][6:])) <= 64
    assert body["events"] == ["order.created"] and body["active"] is True
    listed = client.get(WEBHOOKS).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in client.get(f"{WEBHOOKS}{body['id']}/").json()


def test_create_keeps_a_given_secret(client, allow_local):
    response = client.post(
        WEBHOOKS,
        {"url": "https://127.0.0.1/x", "events": ["stock.low"], "secret": SECRET},
        format="json",
    )
    assert response.status_code == 201
    assert Subscription.objects.get().secret == SECRET


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/x", "events": ["order.created"]}, "url"),
        ({"url": "https://example.com/x", "events": []}, "events"),
        ({"url": "https://example.com/x", "events": ["order.deleted"]}, "events.0"),
        ({"url": "https://example.com/x", "events": ["stock.low"], "secret": "abc"}, "secret"),
        (
            {"url": "https://example.com/x", "events": ["stock.low"], "secret": "whsec_AAAA"},
            "secret",
        ),
    ],
)
def test_invalid_subscriptions_are_400(client, allow_local, body, field):
    response = client.post(WEBHOOKS, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_private_destinations_are_refused_in_production(client, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    response = client.post(WEBHOOKS, {"url": url, "events": ["order.created"]}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "webhook_url_not_allowed"
    assert "url" in response.json()["fields"]


def test_public_destinations_are_accepted_in_production(client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    response = client.post(
        WEBHOOKS, {"url": "https://93.184.215.14/hook", "events": ["order.created"]}, format="json"
    )
    assert response.status_code == 201


def test_delete_by_path_and_by_query(client, allow_local):
    first = services.create_subscription(actor=None, url="http://127.0.0.1/a", events=["stock.low"])
    second = services.create_subscription(
        actor=None, url="http://127.0.0.1/b", events=["stock.low"]
    )
    assert client.delete(f"{WEBHOOKS}{first.pk}/").status_code == 204
    assert client.delete(f"{WEBHOOKS}?id={second.pk}").status_code == 204
    assert not Subscription.objects.exists()
    assert client.delete(f"{WEBHOOKS}?id={second.pk}").status_code == 404
    response = client.delete(WEBHOOKS)
    assert response.status_code == 400 and "id" in response.json()["fields"]


def test_company_keys_cannot_manage_webhooks(api, company_key, allow_local):
    subscription = services.create_subscription(
        actor=None, url="http://127.0.0.1/a", events=["stock.low"]
    )
    client = api(company_key)
    assert client.get(WEBHOOKS).status_code == 403
    assert (
        client.post(WEBHOOKS, {"url": "http://x.example", "events": []}, format="json").status_code
        == 403
    )
    assert client.delete(f"{WEBHOOKS}{subscription.pk}/").status_code == 403
    assert client.get(f"{WEBHOOKS}{subscription.pk}/deliveries/").status_code == 403


def test_deliveries_of_an_unknown_subscription_are_404(client):
    assert client.get(f"{WEBHOOKS}999/deliveries/").status_code == 404


# --- deliveries -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_signed_delivery_retried_after_a_failure_with_one_id(api, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    from apikeys.services import create_api_key

    client = api(create_api_key(name="ERP")[1])
    with Receiver(statuses=[500, 200]) as receiver:
        created = client.post(
            WEBHOOKS, {"url": receiver.url, "events": ["order.created"]}, format="json"
        ).json()
        secret = created["secret"]
        with transaction.atomic():
            event = outbox.publish("order.created", {"number": "PED-2026-000001", "total": "12.50"})

        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
        assert delivery.last_status_code == 500
        assert delivery.next_attempt_at > timezone.now()
        assert retry_due_deliveries() == 0  # not due yet

        make_due(delivery)
        assert retry_due_deliveries() == 1
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 2

    assert len(receiver.requests) == 2
    ids = {request["headers"]["webhook-id"] for request in receiver.requests}
    assert ids == {str(event.pk)}
    for request in receiver.requests:
        payload = Webhook(secret).verify(request["body"], request["headers"])
        assert payload == {
            "id": str(event.pk),
            "type": "order.created",
            "created_at": event.created_at.isoformat(),
            "data": {"number": "PED-2026-000001", "total": "12.50"},
        }
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]

    log = client.get(f"{WEBHOOKS}{created['id']}/deliveries/").json()["results"]
    assert len(log) == 1
    assert log[0]["event_id"] == str(event.pk) and log[0]["status"] == "succeeded"
    assert log[0]["attempts"] == 2
    assert [a["status_code"] for a in log[0]["attempt_log"]] == [500, 200]
    assert log[0]["attempt_log"][0]["response_excerpt"] == "status 500"


@pytest.mark.django_db(transaction=True)
def test_events_reach_only_subscribed_active_endpoints(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    with Receiver() as receiver:
        services.create_subscription(actor=None, url=receiver.url, events=["stock.low"])
        inactive = services.create_subscription(
            actor=None, url=receiver.url, events=["order.created"]
        )
        services.set_subscription_active(actor=None, subscription=inactive, active=False)
        with transaction.atomic():
            outbox.publish("order.created", {})
        assert receiver.requests == []
        with transaction.atomic():
            outbox.publish("stock.low", {"sku": "A-1"})
        assert len(receiver.requests) == 1


def test_redirects_are_not_followed(allow_local, django_capture_on_commit_callbacks):
    with Receiver(statuses=[302], location="http://127.0.0.1:9/elsewhere") as receiver:
        subscription = services.create_subscription(
            actor=None, url=receiver.url, events=["stock.low"]
        )
        event = outbox.OutboxEvent.objects.create(event_type="stock.low", payload={})
        with django_capture_on_commit_callbacks(execute=True):
            services.enqueue_deliveries(event)
    delivery = Delivery.objects.get(subscription=subscription)
    assert len(receiver.requests) == 1
    assert delivery.last_status_code == 302 and delivery.status == DeliveryStatus.PENDING


def test_network_errors_are_logged_and_retried(allow_local, django_capture_on_commit_callbacks):
    subscription = services.create_subscription(
        actor=None, url="http://127.0.0.1:1/closed", events=["stock.low"]
    )
    event = outbox.OutboxEvent.objects.create(event_type="stock.low", payload={})
    with django_capture_on_commit_callbacks(execute=True):
        services.enqueue_deliveries(event)
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.last_status_code is None and "ConnectionError" in delivery.last_error
    assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at
    assert subscription.__class__.objects.get().failing_since is not None


def test_private_destination_refused_at_send_time(db, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    subscription = services.create_subscription(
        actor=None, url="http://127.0.0.1:1/x", events=["stock.low"]
    )
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    event = outbox.OutboxEvent.objects.create(event_type="stock.low", payload={})
    with django_capture_on_commit_callbacks(execute=True):
        services.enqueue_deliveries(event)
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.attempts == 1 and "loopback" in delivery.last_error


def test_gives_up_after_the_retry_window(allow_local):
    subscription = services.create_subscription(
        actor=None, url="http://127.0.0.1:1/x", events=["stock.low"]
    )
    delivery = Delivery.objects.create(
        subscription=subscription,
        event_id="6f1c1b7e-2f0e-4c89-9d38-111111111111",
        event_type="stock.low",
        body="{}",
        next_attempt_at=timezone.now(),
    )
    Delivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - timedelta(hours=27))
    services.attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None


def test_backoff_grows_with_jitter_and_is_capped():
    delays = [services.retry_delay(n).total_seconds() for n in range(1, 15)]
    assert 24 <= delays[0] <= 36
    assert 48 <= delays[1] <= 72
    assert all(d <= 6 * 3600 * 1.2 for d in delays)
    # The schedule keeps retrying for more than 24 hours before the window closes.
    assert sum(delays) > 24 * 3600


def test_failing_for_three_days_disables_and_tells_staff(
    allow_local, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_ALERT_EMAIL = "ops@example.com"
    subscription = services.create_subscription(
        actor=None, url="http://127.0.0.1:1/x", events=["stock.low"]
    )
    Subscription.objects.filter(pk=subscription.pk).update(
        failing_since=timezone.now() - timedelta(days=3, minutes=1)
    )
    other = Delivery.objects.create(
        subscription=subscription,
        event_id="6f1c1b7e-2f0e-4c89-9d38-222222222222",
        event_type="stock.low",
        body="{}",
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )
    event = outbox.OutboxEvent.objects.create(event_type="stock.low", payload={})
    with django_capture_on_commit_callbacks(execute=True):
        services.enqueue_deliveries(event)
    subscription.refresh_from_db()
    assert subscription.active is False and subscription.disabled_reason == ""
    assert subscription.disabled_message["key"] == "webhook.disabled_failing"
    with translation.override("pl"):
        assert subscription.disabled_reason_text.startswith("Dostarczenia nieudane od ")
    other.refresh_from_db()
    assert other.status == DeliveryStatus.FAILED
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ops@example.com"]
    assert subscription.url in mail.outbox[0].subject


def test_a_success_clears_the_failure_streak(allow_local, django_capture_on_commit_callbacks):
    with Receiver(statuses=[200]) as receiver:
        subscription = services.create_subscription(
            actor=None, url=receiver.url, events=["stock.low"]
        )
        Subscription.objects.filter(pk=subscription.pk).update(
            failing_since=timezone.now() - timedelta(days=1)
        )
        event = outbox.OutboxEvent.objects.create(event_type="stock.low", payload={})
        with django_capture_on_commit_callbacks(execute=True):
            services.enqueue_deliveries(event)
    subscription.refresh_from_db()
    assert subscription.failing_since is None and subscription.active


def test_the_body_is_the_standard_envelope():
    event = outbox.OutboxEvent(event_type="stock.low", payload={"sku": "Ñ-1", "qty": 2})
    body = json.loads(services.event_body(event))
    assert set(body) == {"id", "type", "created_at", "data"}
    assert body["data"] == {"sku": "Ñ-1", "qty": 2}


def test_a_seller_key_subscription_and_its_deletion_are_audited(client, allow_local):
    from core.audit import MASK
    from core.models import AuditAction, AuditEntry

    response = client.post(
        WEBHOOKS, {"url": "http://127.0.0.1/a", "events": ["stock.low"]}, format="json"
    )
    assert response.status_code == 201, response.content
    secret = response.json()["secret"]
    created = AuditEntry.objects.get(content_type__model="subscription")
    assert created.action == AuditAction.CREATED and created.changes["secret"] == [None, MASK]
    assert secret not in str(created.changes)
    assert client.delete(f"{WEBHOOKS}{response.json()['id']}/").status_code == 204
    assert AuditEntry.objects.filter(action=AuditAction.DELETED).count() == 1
