"""Browsers ask for /favicon.ico wherever a page names no icon (API responses, files)."""

from django.contrib.staticfiles import finders


def test_favicon_ico_redirects_to_the_static_svg_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg")


def test_favicon_ico_needs_no_login_with_debug_off(client, db, settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/favicon.ico", HTTP_ACCEPT="image/*")
    assert response.status_code == 302
    assert response["Location"].startswith("/static/favicon")
