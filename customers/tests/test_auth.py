import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .factories import PASSWORD, CustomerUserFactory


@pytest.mark.django_db
def test_staff_sign_in_to_backoffice(client, manager):
    response = client.post(
        reverse("backoffice:login"), {"username": manager.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("backoffice:home")


@pytest.mark.django_db
def test_customer_cannot_sign_in_to_backoffice(client, buyer):
    response = client.post(
        reverse("backoffice:login"), {"username": buyer.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_customer_signs_in_to_portal_in_company_language(client, other_buyer):
    response = client.post(
        reverse("portal:login"), {"username": other_buyer.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "pl"


@pytest.mark.django_db
def test_staff_cannot_sign_in_to_portal(client, manager):
    client.post(reverse("portal:login"), {"username": manager.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_passwords_are_rate_limited(client, buyer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(
            reverse("portal:login"), {"username": buyer.email, "password": "wrong"}
        )
        assert response.status_code == 200
    response = client.post(reverse("portal:login"), {"username": buyer.email, "password": "wrong"})
    assert response.status_code == 429
    response = client.post(reverse("portal:login"), {"username": buyer.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_invitation_link_sets_password_once(client, company):
    user = CustomerUserFactory(company=company)
    user.set_unusable_password()
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse("portal:invitation", args=[uid, default_token_generator.make_token(user)])
    response = client.get(url, follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Un-buen-pass-2026", "new_password2": "Un-buen-pass-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Un-buen-pass-2026")
    assert not client.get(url, follow=True).context["validlink"]


@pytest.mark.django_db
def test_root_redirects_by_user_kind(client_for, manager, buyer, client):
    assert client.get("/").url == reverse("portal:home")
    assert client_for(manager).get("/").url == reverse("backoffice:home")
