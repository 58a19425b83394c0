"""Cursor pagination for every list: ``?cursor=``, ``next``/``previous``, ``page_size``.

Ordered by the primary key unless a view sets ``cursor_ordering`` (an integer field):
ids only grow, so rows inserted while a client walks the pages appear at the end and
nothing is skipped or repeated. A malformed cursor is a 400 (DRF would answer 404).

A cursor is short plain text the schema describes exactly (``CURSOR_SCHEMA_PATTERN``):
``o<offset>``, ``r`` (going backwards) and ``p<position>`` (the id to continue after),
each optional, in that order (``p1234``, ``rp1201``, ``o1p1234``). DRF's own cursors
(base64 of ``o=..&r=1&p=..``), handed out before, are still read when they decode to
exactly what DRF wrote.
"""

from __future__ import annotations

import base64
import binascii
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.utils.urls import replace_query_param

from .exceptions import ApiError

#: Positions up to 18 digits: every id below 10**18 (a PostgreSQL bigint holds 2**63-1).
CURSOR = re.compile(
    r"(?:o(?P<offset>[0-9]{1,9}))?(?P<reverse>r)?(?:p(?P<position>[0-9]{1,18}))?", re.ASCII
)
CURSOR_SCHEMA_PATTERN = r"^(?:o[0-9]{1,9})?r?(?:p[0-9]{1,18})?$"
_LEGACY_TOKEN = re.compile(r"(?:o=[0-9]{1,9}|r=1|p=[0-9]{1,18})", re.ASCII)


class InvalidCursor(ApiError):
    def __init__(self):
        message = _("Invalid cursor.")
        super().__init__(
            message, code="invalid_cursor", status_code=400, fields={"cursor": [str(message)]}
        )


class ApiCursorPagination(CursorPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("id",)

    def get_page_size(self, request):
        """``page_size`` >= 1 (values above 500 are capped); anything else is a 400."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return settings.API_PAGE_SIZE
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1 or not (raw.strip().isascii() and raw.strip().isdigit()):
            message = _("A whole number from 1 to %(max)s.") % {"max": self.max_page_size}
            raise ApiError(
                message, code="validation_error", fields={self.page_size_query_param: [message]}
            )
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.cursor_query_param:
                parameter["schema"] = {"type": "string", "pattern": CURSOR_SCHEMA_PATTERN}
                parameter["description"] = (
                    "The page to fetch: take it from `next` / `previous` (leave it out for "
                    "the first page)."
                )
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = (
                    f"Rows per page (default {settings.API_PAGE_SIZE}, at most "
                    f"{self.max_page_size}; larger values are capped)."
                )
        return parameters

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "cursor_ordering", None) or self.ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)

    def encode_cursor(self, cursor):
        position = "" if cursor.position is None else str(cursor.position)
        if position and not (position.isascii() and position.isdigit()):
            raise ImproperlyConfigured("Cursor pagination needs an integer ordering field.")
        text = (
            (f"o{cursor.offset}" if cursor.offset else "")
            + ("r" if cursor.reverse else "")
            + (f"p{position}" if position else "")
        )
        return replace_query_param(self.base_url, self.cursor_query_param, text)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        match = CURSOR.fullmatch(encoded)
        if match is None:
            return self._decode_drf_cursor(encoded)
        return Cursor(
            offset=min(int(match["offset"] or 0), self.offset_cutoff),
            reverse=match["reverse"] is not None,
            position=match["position"],
        )

    def _decode_drf_cursor(self, encoded: str):
        """A cursor in DRF's format (``base64("o=1&r=1&p=12")``), strictly."""
        try:
            text = base64.b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
        except (UnicodeError, binascii.Error, ValueError) as exc:
            raise InvalidCursor() from exc
        tokens = text.split("&") if text else []
        names = [token[:1] for token in tokens]
        if not all(_LEGACY_TOKEN.fullmatch(token) for token in tokens) or names != sorted(
            set(names), key="orp".index
        ):
            raise InvalidCursor()
        values = {token[0]: token[2:] for token in tokens}
        return Cursor(
            offset=min(int(values.get("o", 0)), self.offset_cutoff),
            reverse="r" in values,
            position=values.get("p"),
        )

    def paginate_queryset(self, queryset, request, view=None):
        if not request.query_params.get(self.cursor_query_param):
            return super().paginate_queryset(queryset, request, view)
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError, DataError) as exc:
            # A forged cursor whose position does not fit the ordering field.
            raise InvalidCursor() from exc
