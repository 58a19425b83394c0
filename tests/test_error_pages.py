"""The 403, 404 and 500 pages: translated, in the face's layout, JSON on the API; the
500 page needs neither the database nor a user (DEBUG is off in tests)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

TITLES = {
    404: {"es": "No encontrado.", "en": "Not found.", "pl": "Nie znaleziono."},
    403: {
        "es": "No tiene permiso para realizar esta acción.",
        "en": "You do not have permission to perform this action.",
        "pl": "Nie masz uprawnień do wykonania tej czynności.",
    },
    500: {
        "es": "Error interno del servidor. Se ha registrado.",
        "en": "Internal server error. It has been logged.",
        "pl": "Wewnętrzny błąd serwera. Błąd został zarejestrowany.",
    },
}
HOME = {"es": "Inicio", "en": "Home", "pl": "Strona główna"}
LANGUAGES = ["es", "en", "pl"]


def _client(language, user=None):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def _page(response):
    return response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_backoffice_404_in_the_backoffice_layout(language, manager):
    response = _client(language, manager).get("/backoffice/orders/PED-1999-999999/")
    html = _page(response)
    assert response.status_code == 404
    assert f'<html lang="{language}">' in html
    assert TITLES[404][language] in html and HOME[language] in html
    assert 'id="error-page"' in html and 'data-status="404"' in html
    assert "navbar-dark bg-dark" in html and 'href="/backoffice/"' in html  # its menu bar


@pytest.mark.parametrize("language", LANGUAGES)
def test_portal_404_in_the_portal_layout(language, buyer):
    response = _client(language, buyer).get("/portal/orders/PED-1999-999999/")
    html = _page(response)
    assert response.status_code == 404
    assert TITLES[404][language] in html
    assert buyer.company.legal_name in html  # the portal's brand: the buyer's company
    assert 'href="/portal/"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_403_pages_in_each_face(language, warehouse_worker, viewer):
    response = _client(language, warehouse_worker).get("/backoffice/audit/")
    assert response.status_code == 403
    assert TITLES[403][language] in _page(response) and "bg-dark" in _page(response)
    response = _client(language, viewer).get("/portal/users/")
    assert response.status_code == 403
    assert TITLES[403][language] in _page(response)
    assert viewer.company.legal_name in _page(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_404_elsewhere_and_for_anonymous_people_is_a_plain_translated_page(language, db):
    for path in ("/nowhere/", "/backoffice/nowhere/"):
        response = _client(language).get(path)
        html = _page(response)
        assert response.status_code == 404
        assert TITLES[404][language] in html
        assert "user-menu" not in html  # nobody is signed in: no menu of a face


@pytest.mark.parametrize("language", LANGUAGES)
def test_api_errors_stay_json(language, db):
    response = _client(language).get("/api/v1/nowhere/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize("language", LANGUAGES)
def test_500_pages_translated_per_face_without_the_database(language, manager, buyer):
    for path, user, face_mark in (
        ("/backoffice/boom/", manager, "bg-dark"),
        ("/portal/boom/", buyer, "bg-primary"),
        ("/boom/", None, "Mayorista"),
    ):
        client = _client(language, user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        html = _page(response)
        assert response.status_code == 500
        assert f'<html lang="{language}">' in html
        assert TITLES[500][language] in html and face_mark in html
        assert "user-menu" not in html  # no user was loaded for the page
        # Only the session and user lookups of the middleware ran, none for the page.
        assert all(
            "django_session" in q["sql"]
            or "auth_user" in q["sql"]
            or "customers_user" in q["sql"]
            or "SAVEPOINT" in q["sql"]
            for q in queries.captured_queries
        )


@pytest.mark.urls("tests.error_urls")
def test_500_on_the_api_is_json(db):
    response = _client("en").get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


@pytest.mark.urls("tests.error_urls")
def test_500_page_survives_a_broken_template(db, monkeypatch):
    from django.template import loader

    def broken(name, *args, **kwargs):
        raise RuntimeError("template storage gone")

    monkeypatch.setattr(loader, "get_template", broken)
    response = _client("es").get("/boom/")
    assert response.status_code == 500
    assert b"<h1>500</h1>" in response.content
