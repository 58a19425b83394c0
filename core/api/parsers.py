"""Request bodies: strict JSON with a size limit.

Refused with 400 before any view code runs: invalid UTF-8, invalid JSON, ``NaN`` /
``Infinity``, an object with the same key twice (``{"customer": 6, "customer": 1}``:
which one the client meant is unknowable), and strings (keys or values) with NUL bytes
or lone surrogates, which PostgreSQL cannot store. Bodies above
``settings.API_MAX_BODY_BYTES`` are a 413. A body without ``Content-Length``
(``Transfer-Encoding: chunked``) is a 411: Django's WSGI request reads it as empty, so
neither the size limit nor the parser would see it.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from .exceptions import LengthRequired, PayloadTooLarge

MAX_DEPTH = 32


def max_body_bytes() -> int:
    return settings.API_MAX_BODY_BYTES


BODY_METHODS = ("POST", "PUT", "PATCH")


def check_content_length(request) -> None:
    """413 when the declared body is larger than allowed (checked before reading it);
    411 for a body sent in chunks, without a length."""
    if (
        request.method in BODY_METHODS
        and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        and not request.META.get("CONTENT_LENGTH")
    ):
        raise LengthRequired()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        length = 0
    if length > max_body_bytes():
        raise PayloadTooLarge()


def bad_text(value: str) -> bool:
    """True for strings PostgreSQL cannot store: NUL bytes and lone surrogates."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check(value, depth=0) -> None:
    if depth > MAX_DEPTH:
        raise ParseError(_("JSON nested too deeply."))
    if isinstance(value, str):
        if bad_text(value):
            raise ParseError(_("Strings must not contain NUL characters or lone surrogates."))
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, depth + 1)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


def _reject_constant(name):
    raise ValueError(name)


class DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique_object(pairs):
    """``object_pairs_hook``: a dict, or DuplicateKey when a key comes twice."""
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise DuplicateKey(key)
        obj[key] = value
    return obj


class StrictJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        if request is not None:
            check_content_length(request)
        limit = max_body_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge()
        if not raw.strip():
            raise ParseError(_("The request body is empty; a JSON document is expected."))
        try:
            text = raw.decode("utf-8")
            data = json.loads(
                text, parse_constant=_reject_constant, object_pairs_hook=_unique_object
            )
        except DuplicateKey as exc:
            key = json.dumps(exc.key)  # quoted, and escaped for the log and the answer
            raise ParseError(
                _("The key %(key)s appears more than once in a JSON object.") % {"key": key}
            ) from exc
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise ParseError(_("The request body is not valid JSON.")) from exc
        _check(data)
        return data
