"""Webhook subscriptions: managers, seller keys and the system manage them (the
services check it); every change writes an audit row that never shows the secret."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from core.actors import actor_label
from core.audit import MASK
from core.errors import NotAllowed
from core.models import AuditAction, AuditEntry
from customers.tests.factories import StaffUserFactory
from webhooks import services
from webhooks.models import Subscription

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hook"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
LIST = "/backoffice/webhooks/"


class Key:
    is_api_key = True

    def __init__(self, *, pk=7, company_id=None, revoked_at=None, name="ERP"):
        self.pk, self.company_id, self.revoked_at, self.name = pk, company_id, revoked_at, name


@pytest.fixture(autouse=True)
def _allow_local(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True


@pytest.fixture
def seller_key():
    return Key()


@pytest.fixture
def own_company_key(company):
    return Key(pk=8, company_id=company.pk)


@pytest.fixture
def revoked_key():
    return Key(pk=9, revoked_at=datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture
def roleless_staff():
    return StaffUserFactory(email="nobody@example.com")


@pytest.fixture
def subscription():
    return services.create_subscription(actor=None, url=URL, events=["stock.low"])


def actor(request, name):
    return None if name == "system" else request.getfixturevalue(name)


@pytest.mark.parametrize("who", ["system", "manager", "seller_key"])
def test_managers_and_seller_keys_manage_subscriptions(request, who):
    by = actor(request, who)
    subscription = services.create_subscription(actor=by, url=URL, events=["stock.low"])
    services.set_subscription_active(subscription=subscription, active=False, actor=by)
    services.rotate_subscription_secret(subscription=subscription, actor=by)
    services.delete_subscription(subscription=subscription, actor=by)
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "who",
    [
        "service_agent",
        "warehouse_worker",
        "roleless_staff",
        "customer_admin",
        "buyer",
        "own_company_key",
        "revoked_key",
    ],
)
def test_nobody_else_manages_subscriptions(request, who, subscription):
    by = actor(request, who)
    secret = subscription.secret
    AuditEntry.objects.all().delete()
    calls = [
        lambda: services.create_subscription(actor=by, url=URL, events=["order.created"]),
        lambda: services.set_subscription_active(subscription=subscription, active=False, actor=by),
        lambda: services.rotate_subscription_secret(subscription=subscription, actor=by),
        lambda: services.delete_subscription(subscription=subscription, actor=by),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            call()
    stored = Subscription.objects.get()
    assert stored.active and stored.secret == secret
    assert not AuditEntry.objects.exists()


def test_creation_is_audited_with_the_secret_masked(seller_key):
    subscription = services.create_subscription(
        actor=seller_key, url=URL, events=["stock.low"], secret=SECRET, description="ERP"
    )
    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.CREATED
    assert entry.changes["url"] == [None, URL]
    assert entry.changes["events"] == [None, ["stock.low"]]
    assert entry.changes["secret"] == [None, MASK]
    assert entry.actor_key_id == seller_key.pk
    assert entry.actor_label == str(actor_label(seller_key))
    text = str(entry.changes)
    assert SECRET not in text and SECRET[6:] not in text
    assert subscription.secret_encrypted not in text


def test_rotation_changes_the_secret_and_audits_it_masked(manager, subscription):
    old = subscription.secret
    services.rotate_subscription_secret(subscription=subscription, actor=manager, secret=SECRET)
    subscription.refresh_from_db()
    assert subscription.secret == SECRET != old
    entry = AuditEntry.objects.get(action=AuditAction.CHANGED)
    assert entry.changes == {"secret": [MASK, MASK]}
    assert entry.actor_user == manager


def test_enable_disable_and_delete_are_audited(manager, subscription):
    services.set_subscription_active(subscription=subscription, active=False, actor=manager)
    services.set_subscription_active(subscription=subscription, active=True, actor=manager)
    changes = [
        entry.changes
        for entry in AuditEntry.objects.filter(action=AuditAction.CHANGED).order_by("id")
    ]
    assert changes[0]["active"] == [True, False]
    assert changes[0]["disabled_message"] == [
        {},
        {"key": "webhook.disabled_by_staff", "params": {}},
    ]
    assert changes[1]["active"] == [False, True]
    assert changes[1]["disabled_at"][1] is None
    pk = subscription.pk
    services.delete_subscription(subscription=subscription, actor=manager)
    deleted = AuditEntry.objects.get(action=AuditAction.DELETED)
    assert deleted.object_id == str(pk) and deleted.changes["url"] == [URL, None]


def test_automatic_disabling_is_audited_as_the_system(subscription, settings):
    Subscription.objects.filter(pk=subscription.pk).update(
        failing_since=timezone.now() - timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS, hours=1)
    )
    assert services._disable_failing(subscription.pk)
    entry = AuditEntry.objects.get(action=AuditAction.CHANGED)
    assert entry.changes["active"] == [True, False]
    assert entry.actor_user is None and entry.actor_key_id is None
    assert entry.actor_label == str(actor_label(None))


def test_the_subscription_page_shows_its_change_history(client_for, manager, subscription):
    services.set_subscription_active(subscription=subscription, active=False, actor=manager)
    page = client_for(manager).get(f"{LIST}{subscription.pk}/").content.decode()
    assert "audit-trail" in page and MASK in page
    assert subscription.secret not in page


def test_a_manager_rotates_the_secret_and_sees_the_new_one_once(client_for, manager, subscription):
    old = subscription.secret
    client = client_for(manager)
    response = client.post(f"{LIST}{subscription.pk}/secret/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    subscription.refresh_from_db()
    assert subscription.secret != old and subscription.secret in response.content.decode()
    assert subscription.secret not in client.get(f"{LIST}{subscription.pk}/").content.decode()
    assert AuditEntry.objects.filter(changes__secret=[MASK, MASK]).count() == 1


def test_non_managers_cannot_rotate_a_secret(client_for, service_agent, subscription):
    old = subscription.secret
    response = client_for(service_agent).post(f"{LIST}{subscription.pk}/secret/")
    assert response.status_code == 403
    subscription.refresh_from_db()
    assert subscription.secret == old


def test_a_refused_url_is_shown_on_the_form_and_nothing_is_saved(client_for, manager, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    response = client_for(manager).post(
        f"{LIST}new/", {"url": "http://10.0.0.1/hook", "events": ["stock.low"]}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["url"]
    assert not Subscription.objects.exists() and not AuditEntry.objects.exists()


def test_staff_api_creation_is_audited_for_the_manager(client_for, manager):
    response = client_for(manager).post(
        "/api/v1/webhooks/", {"url": URL, "events": ["stock.low"]}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get()
    assert entry.actor_user == manager and entry.changes["secret"] == [None, MASK]


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("es", "Desactivada por el personal"),
        ("en", "Disabled by staff"),
        ("pl", "Wyłączona przez pracownika"),
    ],
)
def test_the_disabled_reason_reads_in_each_language_on_the_page_and_its_audit_trail(
    language, reason, manager, subscription
):
    from django.test import Client

    services.set_subscription_active(subscription=subscription, active=False, actor=manager)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(manager)
    page = client.get(f"/backoffice/webhooks/{subscription.pk}/").content.decode()
    assert f'<div class="small text-danger">{reason} (' in page
    assert f'mb-0">{reason}</dd>' in page  # the audit trail renders the stored message
    assert "webhook.disabled_by_staff" not in page
    # Created by the system: labelled in the reader's language, whoever wrote the row.
    system = {"es": "Sistema", "en": "System", "pl": "System"}[language]
    assert f"</strong> · {system}</span>" in page
