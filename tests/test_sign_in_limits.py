"""Sign-in limits through the real sign-in views: per email and address (django-axes),
per address across emails and per account across addresses (core.axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse

from customers.tests.factories import PASSWORD

PORTAL = "portal:login"
BACKOFFICE = "backoffice:login"


def sign_in(client, view, email, password, address):
    return client.post(
        reverse(view), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def signed_in(client):
    return "_auth_user_id" in client.session


def age_failures(hours):
    """Every failure recorded so far happened ``hours`` earlier."""
    for model in (AccessFailureLog, AccessAttempt):
        for row in model.objects.all():
            model.objects.filter(pk=row.pk).update(
                attempt_time=row.attempt_time - timedelta(hours=hours)
            )


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 6
    settings.LOGIN_COOLOFF_HOURS_PER_IP = 1.0
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 5
    settings.LOGIN_COOLOFF_HOURS_PER_ACCOUNT = 0.1
    return settings


@pytest.mark.django_db
def test_one_address_is_capped_across_emails(client, limits, buyer, viewer):
    # Two failures per email (below the per-email-and-address limit of 3), many emails.
    for n in range(3):
        for _ in range(2):
            response = sign_in(client, PORTAL, f"guess{n}@example.com", "wrong", "203.0.113.7")
            assert response.status_code in (200, 429)
    assert response.status_code == 429  # the sixth failure reached the per-address cap
    # A real user from that address, with the right password, is refused for now...
    assert sign_in(client, PORTAL, buyer.email, PASSWORD, "203.0.113.7").status_code == 429
    assert not signed_in(client)
    # ...not from another address.
    assert sign_in(client, PORTAL, viewer.email, PASSWORD, "198.51.100.1").status_code == 302
    # After the per-address cool-off, the address may sign in again.
    age_failures(1.01)
    client.logout()
    assert sign_in(client, PORTAL, buyer.email, PASSWORD, "203.0.113.7").status_code == 302


@pytest.mark.django_db
def test_one_account_is_capped_across_addresses(client, limits, manager):
    for n in range(5):
        # One failure each from five addresses: no address reaches any limit.
        sign_in(client, BACKOFFICE, manager.email, "wrong", f"192.0.2.{n + 1}")
    response = sign_in(client, BACKOFFICE, manager.email, PASSWORD, "198.51.100.9")
    assert response.status_code == 429
    assert not signed_in(client)
    # The per-account cool-off is short: six minutes later the owner signs in.
    age_failures(0.11)
    response = sign_in(client, BACKOFFICE, manager.email, PASSWORD, "198.51.100.9")
    assert response.status_code == 302
    assert signed_in(client)


@pytest.mark.django_db
def test_one_attacker_alone_cannot_lock_a_user_out(client, limits, buyer):
    """An address stops being heard once its own (email, address) lockout starts: its
    refused attempts are not counted, so it never reaches the per-account cap."""
    statuses = [
        sign_in(client, PORTAL, buyer.email, "wrong", "203.0.113.66").status_code for _ in range(20)
    ]
    assert statuses[:2] == [200, 200]
    assert set(statuses[2:]) == {429}
    assert AccessFailureLog.objects.filter(username=buyer.email).count() == 3
    assert sign_in(client, PORTAL, buyer.email, PASSWORD, "198.51.100.20").status_code == 302


@pytest.mark.django_db
def test_defaults_per_account_cap_is_higher_and_shorter(settings):
    assert settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT > settings.AXES_FAILURE_LIMIT
    assert settings.LOGIN_COOLOFF_HOURS_PER_ACCOUNT < settings.LOGIN_COOLOFF_HOURS_PER_IP
    assert settings.LOGIN_COOLOFF_HOURS_PER_ACCOUNT <= settings.AXES_COOLOFF_TIME


@pytest.mark.django_db
@pytest.mark.parametrize("trusted", [True, False])
def test_forwarded_address_counts_only_behind_the_proxy(client, limits, buyer, trusted):
    limits.TRUST_PROXY_HEADERS = trusted
    # Behind the proxy every request comes from its address; the client's is the last
    # X-Forwarded-For entry, the one the proxy wrote.
    for n in range(3):
        client.post(
            reverse(PORTAL),
            {"username": buyer.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}",
        )
    addresses = set(AccessFailureLog.objects.values_list("ip_address", flat=True))
    if trusted:
        assert addresses == {"203.0.113.1", "203.0.113.2", "203.0.113.3"}
    else:
        assert addresses == {"10.0.0.2"}


@pytest.mark.django_db
@pytest.mark.parametrize("view", [PORTAL, BACKOFFICE])
def test_sign_in_ignores_the_case_of_the_email(client, buyer, manager, view):
    user = buyer if view == PORTAL else manager
    response = sign_in(client, view, f"  {user.email.upper()} ", PASSWORD, "198.51.100.3")
    assert response.status_code == 302
    assert signed_in(client)


@pytest.mark.django_db
def test_changing_the_case_does_not_dodge_the_lockout(client, limits, buyer):
    for email in (buyer.email, buyer.email.upper(), buyer.email.title()):
        sign_in(client, PORTAL, email, "wrong", "203.0.113.9")
    # Three failures of one account from one address, whatever the case: locked.
    assert sign_in(client, PORTAL, buyer.email, PASSWORD, "203.0.113.9").status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {buyer.email}
