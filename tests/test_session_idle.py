"""Signed-in sessions end after an idle time by user kind (core.middleware)."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from customers.tests.factories import PASSWORD

# core.middleware.SessionIdleExpiryMiddleware.LAST_SEEN: when the expiry was last moved.
LAST_SEEN = "_idle_refreshed_at"


def sign_in(client, view, user):
    response = client.post(reverse(view), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def expire_date(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def idle_for(client, seconds):
    """As if the last refresh of the session was ``seconds`` ago."""
    session = client.session
    session[LAST_SEEN] = session[LAST_SEEN] - seconds
    session.save()


@pytest.mark.django_db
def test_staff_session_lasts_eight_idle_hours(client, manager):
    response = sign_in(client, "backoffice:login", manager)
    assert response.cookies["sessionid"]["max-age"] == 8 * 3600
    assert 8 * 3600 - 60 <= client.session.get_expiry_age() <= 8 * 3600
    # Well within the idle time: still signed in.
    idle_for(client, 7 * 3600)
    assert client.get(reverse("backoffice:home")).status_code == 200
    # Past it (even if the stored session had not expired yet): signed out.
    idle_for(client, 8 * 3600 + 1)
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 302
    assert reverse("backoffice:login") in response.url
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_customer_session_lasts_seven_idle_days(client, buyer):
    response = sign_in(client, "portal:login", buyer)
    assert response.cookies["sessionid"]["max-age"] == 7 * 24 * 3600
    idle_for(client, 6 * 24 * 3600)
    assert client.get(reverse("portal:home")).status_code == 200
    idle_for(client, 7 * 24 * 3600 + 1)
    assert client.get(reverse("portal:home")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_idle_times_come_from_settings(client, settings, manager):
    settings.SESSION_IDLE_HOURS_STAFF = 0.5
    response = sign_in(client, "backoffice:login", manager)
    assert response.cookies["sessionid"]["max-age"] == 1800


@pytest.mark.django_db
def test_expiry_is_refreshed_at_most_every_few_minutes(client, manager, settings):
    sign_in(client, "backoffice:login", manager)
    first = expire_date(client)
    # A request soon after writes nothing: the expiry stays where the sign-in put it.
    time.sleep(1.1)
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert expire_date(client) == first
    # Once the refresh interval has passed, the next request moves the expiry forward.
    idle_for(client, settings.SESSION_REFRESH_SECONDS)
    response = client.get(reverse("backoffice:home"))
    assert response.cookies["sessionid"]["max-age"] == 8 * 3600
    assert expire_date(client) - first >= timedelta(seconds=1)


@pytest.mark.django_db
def test_api_key_requests_get_no_session(api_client_with_key):
    response = api_client_with_key.get("/api/v1/customers/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


@pytest.fixture
def api_client_with_key(db):
    from rest_framework.test import APIClient

    from apikeys.services import create_api_key

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {create_api_key(name='ERP')[1]}")
    return client
