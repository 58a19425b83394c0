"""The 400, 403, 404, 500 and 503 pages of the back-office, the portal and the rest, in the
reader's language and in the face's layout (``core.api.exceptions`` answers JSON on
``/api/`` paths and calls these elsewhere).

The 500 page is rendered from a plain context: no context processors, so no database,
session or user is touched while the site may be failing; and should even that fail, a
fixed page is answered.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

BACKOFFICE, PORTAL, PLAIN = "backoffice", "portal", "plain"


def face_of(path: str) -> str:
    if path.startswith("/backoffice/"):
        return BACKOFFICE
    if path.startswith("/portal/"):
        return PORTAL
    return PLAIN


def _face_label(face: str) -> str:
    return {BACKOFFICE: _("Back-office"), PORTAL: _("Customer portal")}.get(face, "")


def _texts(status: int) -> tuple[str, str]:
    """(headline, explanation) of an error page."""
    if status == 400:
        return _("Bad request."), _("The request could not be understood. Check the address.")
    if status == 403:
        return _("You do not have permission to perform this action."), _(
            "If you think you should have it, ask your administrator."
        )
    if status == 404:
        return _("Not found."), _(
            "The page you asked for does not exist or is not available to you."
        )
    if status == 503:
        return _("The service is temporarily unavailable."), _("Please try again in a few moments.")
    return _("Internal server error. It has been logged."), _("Please try again in a few minutes.")


def _home_url(face: str) -> str:
    try:
        return reverse({BACKOFFICE: "backoffice:home", PORTAL: "portal:home"}.get(face, "root"))
    except NoReverseMatch:
        return "/"


def _template(request, face: str) -> str:
    """The face's own layout for its signed-in people; a plain page for the others (the
    layouts carry a menu and a user menu that only make sense signed in)."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    if face == BACKOFFICE and signed_in and user.is_staff:
        return "errors/backoffice.html"
    if face == PORTAL and signed_in and getattr(user, "company_id", None):
        return "errors/portal.html"
    return "errors/plain.html"


def error_page(request, status: int) -> HttpResponse:
    """A 400, 403 or 404 page (the request's context: menus, language switcher)."""
    face = face_of(request.path)
    title, message = _texts(status)
    context = {
        "status": status,
        "title": title,
        "message": message,
        "face": face,
        "face_label": _face_label(face),
        "home_url": _home_url(face),
    }
    return render(request, _template(request, face), context, status=status)


def server_error(request, status: int = 500) -> HttpResponse:
    """The 500 page: a plain context and a fixed fallback (see the module's docstring)."""
    face = face_of(getattr(request, "path", "") or "")
    try:
        title, message = _texts(status)
        context = {
            "status": status,
            "title": title,
            "message": message,
            "face": face,
            "face_label": _face_label(face),
            "home_url": {BACKOFFICE: "/backoffice/", PORTAL: "/portal/"}.get(face, "/"),
            "LANGUAGE_CODE": translation.get_language(),
        }
        return HttpResponse(loader.get_template("errors/500.html").render(context), status=status)
    except Exception:  # the site is failing already: never fail the error page
        logger.exception("The %s page could not be rendered", status)
        return HttpResponse(
            f"<!doctype html><title>{status}</title><h1>{status}</h1>",
            content_type="text/html",
            status=status,
        )


def unavailable(request) -> HttpResponse:
    """The 503 page (the database is down): like the 500 page, it touches nothing."""
    return server_error(request, 503)
