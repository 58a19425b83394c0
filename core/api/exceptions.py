"""One error shape for the whole API: ``{"code", "detail", "fields"?}``.

``api_exception_handler`` (settings ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) maps DRF's
own exceptions, ``core.errors.DomainError``, Django's ``ValidationError`` (raised by
``full_clean`` in services) and database integrity errors to that shape.
"""

from __future__ import annotations

import logging
import math
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response

from core import error_pages
from core.errors import DomainError

logger = logging.getLogger(__name__)

NON_FIELD = "non_field_errors"
# Seconds a client is asked to wait when the database is unreachable (503).
RETRY_AFTER_UNAVAILABLE = 5

# DRF exception classes -> our stable codes (DRF's own codes are not all stable names).
CODES = [
    (exceptions.ValidationError, "validation_error"),
    (exceptions.ParseError, "parse_error"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
]


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "payload_too_large"


class LengthRequired(exceptions.APIException):
    """A body sent without ``Content-Length`` (``Transfer-Encoding: chunked``): Django
    reads such a body as empty, so it is refused rather than misread."""

    status_code = status.HTTP_411_LENGTH_REQUIRED
    default_detail = gettext_lazy(
        "Send the request body with a Content-Length header; chunked transfer encoding "
        "is not supported."
    )
    default_code = "length_required"


class ApiError(exceptions.APIException):
    """An error with an explicit code, status and optional field errors."""

    def __init__(self, detail, *, code: str, status_code: int = 400, fields: dict | None = None):
        super().__init__(detail, code)
        self.status_code = status_code
        self.error_code = code
        self.fields = fields or {}


def error_body(code: str, detail, fields: dict | None = None) -> dict:
    body = {"code": code, "detail": force_str(detail)}
    if fields:
        body["fields"] = fields
    return body


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"a.b.0.c": ["message", ...]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = NON_FIELD if key in (NON_FIELD, "__all__") and not prefix else str(key)
            path = f"{prefix}.{name}" if prefix else name
            for sub, messages in flatten_errors(value, path).items():
                out.setdefault(sub, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or NON_FIELD] = [force_str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    path = f"{prefix}.{index}" if prefix else str(index)
                    for sub, messages in flatten_errors(item, path).items():
                        out.setdefault(sub, []).extend(messages)
    else:
        out[prefix or NON_FIELD] = [force_str(detail)]
    return out


def _rename_fields(fields: dict[str, list[str]], view) -> dict[str, list[str]]:
    """Model field names -> the API's names (e.g. ``legal_name`` -> ``name``)."""
    mapping = getattr(view, "error_field_map", None) or {}
    renamed: dict[str, list[str]] = {}
    for name, messages in fields.items():
        renamed.setdefault(mapping.get(name, name), []).extend(messages)
    return renamed


def validation_response(fields: dict[str, list[str]], view=None) -> Response:
    fields = _rename_fields(fields, view)
    non_field = fields.get(NON_FIELD)
    detail = non_field[0] if non_field and len(fields) == 1 else _("Invalid input.")
    return Response(error_body("validation_error", detail, fields), status=400)


def _integrity_response(exc: IntegrityError) -> Response:
    cause = exc.__cause__
    pgcode = getattr(cause, "pgcode", None)
    text = str(exc).lower()
    if pgcode == "23505" or "unique constraint" in text:
        return Response(
            error_body("already_exists", _("A record with these values already exists.")),
            status=409,
        )
    logger.warning("Integrity error answered as 400: %s", exc)
    return Response(
        error_body("integrity_error", _("The data conflicts with existing records.")), status=400
    )


def database_unavailable(exc) -> bool:
    """True for the database being unreachable, restarting or dropping the connection
    (answered 503, not 500: the request may be retried as it is)."""
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_body() -> dict:
    return error_body(
        "service_unavailable",
        _("The service is temporarily unavailable. Please try again in a few moments."),
    )


def _unavailable_response(exc) -> Response:
    logger.warning("Database unavailable, answered 503: %s", exc)
    return Response(
        unavailable_body(), status=503, headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE)}
    )


def set_rollback():
    # rest_framework.views.set_rollback, imported late: that module reads the API
    # settings, which import the parsers, which import this module.
    from rest_framework.views import set_rollback as drf_set_rollback

    drf_set_rollback()


def api_exception_handler(exc, context):
    view = context.get("view")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()

    if isinstance(exc, DomainError):
        set_rollback()
        fields = _rename_fields(
            {
                name: [force_str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
                for name, msgs in exc.fields.items()
            },
            view,
        )
        return Response(error_body(exc.code, exc.message, fields), status=exc.status)

    if isinstance(exc, DjangoValidationError):
        set_rollback()
        if hasattr(exc, "error_dict"):
            fields = {name: [force_str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
        else:
            fields = {NON_FIELD: [force_str(m) for m in exc.messages]}
        return validation_response(fields, view)

    if isinstance(exc, IntegrityError):
        set_rollback()
        return _integrity_response(exc)

    if database_unavailable(exc):
        return _unavailable_response(exc)

    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django answers 500 (JSON for /api/, see handler500)

    set_rollback()
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))

    if isinstance(exc, exceptions.ValidationError):
        response = validation_response(flatten_errors(exc.detail), view)
        for name, value in headers.items():
            response[name] = value
        return response

    if isinstance(exc, ApiError):
        body = error_body(exc.error_code, exc.detail, exc.fields)
    else:
        code = next((c for cls, c in CODES if isinstance(exc, cls)), None)
        if code is None:
            code = exc.default_code if isinstance(exc.default_code, str) else "error"
        detail = exc.detail
        if isinstance(detail, list | dict):
            detail = next(iter(flatten_errors(detail).values()))[0]
        body = error_body(code, detail)
    return Response(body, status=exc.status_code, headers=headers)


# --- Django-level fallbacks: config/urls.py's handler400/404/500 ----------------------
# Outside a DRF view (an unknown /api/ URL, a crash) the API still answers in its shape.

API_PREFIX = "/api/"


def handler400(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body("bad_request", _("Bad request.")), status=400)
    return error_pages.error_page(request, 400)


def handler403(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            error_body(
                "permission_denied", _("You do not have permission to perform this action.")
            ),
            status=403,
        )
    return error_pages.error_page(request, 403)


def handler404(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return error_pages.error_page(request, 404)


def handler500(request):
    """A crash answers 500; the database being down (raised anywhere: a middleware
    reading the session, the view) answers 503 with ``Retry-After``, fast, in the
    API's JSON shape or as a friendly translated page."""
    if database_unavailable(sys.exc_info()[1]):
        if request.path.startswith(API_PREFIX):
            response = JsonResponse(unavailable_body(), status=503)
        else:
            response = error_pages.unavailable(request)
        response["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
        return response
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            error_body("server_error", _("Internal server error. It has been logged.")),
            status=500,
        )
    return error_pages.server_error(request)
