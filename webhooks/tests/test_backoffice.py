"""Back-office webhook pages: managers create (secret shown once), see the delivery
log, enable/disable and delete subscriptions."""

import pytest

from webhooks import services
from webhooks.models import Attempt, Delivery, Subscription

LIST = "/backoffice/webhooks/"


@pytest.fixture(autouse=True)
def _allow_local(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True


def test_non_managers_are_refused(client_for, service_agent):
    assert client_for(service_agent).get(LIST).status_code == 403


def test_manager_creates_a_subscription_and_sees_the_secret_once(client_for, manager):
    client = client_for(manager)
    assert client.get(f"{LIST}new/").status_code == 200
    response = client.post(
        f"{LIST}new/", {"url": "http://127.0.0.1:9/hook", "events": ["order.created", "stock.low"]}
    )
    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.secret.startswith("whsec_")
    assert subscription.secret in response.content.decode()
    assert subscription.events == ["order.created", "stock.low"]
    detail = client.get(f"{LIST}{subscription.pk}/").content.decode()
    assert subscription.secret not in detail


def test_refused_urls_show_a_field_error(client_for, manager, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    response = client_for(manager).post(
        f"{LIST}new/", {"url": "http://127.0.0.1/hook", "events": ["stock.low"]}
    )
    assert response.status_code == 400
    assert "url" in response.context["form"].errors
    assert not Subscription.objects.exists()


def test_detail_shows_the_delivery_log(client_for, manager):
    subscription = services.create_subscription(
        actor=None, url="http://127.0.0.1:9/h", events=["stock.low"]
    )
    delivery = Delivery.objects.create(
        subscription=subscription,
        event_id="6f1c1b7e-2f0e-4c89-9d38-333333333333",
        event_type="stock.low",
        body="{}",
        attempts=1,
        last_status_code=503,
    )
    Attempt.objects.create(
        delivery=delivery,
        attempted_at=delivery.created_at,
        status_code=503,
        response_excerpt="Service Unavailable",
        error="HTTP 503",
    )
    page = client_for(manager).get(f"{LIST}{subscription.pk}/").content.decode()
    assert "6f1c1b7e-2f0e-4c89-9d38-333333333333" in page
    assert "Service Unavailable" in page and "503" in page


def test_disable_enable_and_delete(client_for, manager):
    subscription = services.create_subscription(
        actor=None, url="http://127.0.0.1:9/h", events=["stock.low"]
    )
    client = client_for(manager)
    client.post(f"{LIST}{subscription.pk}/active/", {"active": "0"})
    subscription.refresh_from_db()
    assert not subscription.active
    client.post(f"{LIST}{subscription.pk}/active/", {"active": "1"})
    subscription.refresh_from_db()
    assert subscription.active and subscription.failing_since is None
    assert client.post(f"{LIST}{subscription.pk}/delete/").status_code == 302
    assert not Subscription.objects.exists()
