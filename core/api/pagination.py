"""Cursor pagination for every list: ``?cursor=``, ``next``/``previous``, ``page_size``.

Ordered by the primary key unless a view sets ``cursor_ordering``: ids only grow, so
rows inserted while a client walks the pages appear at the end and nothing is skipped
or repeated. A malformed cursor is a 400 (DRF would answer 404).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import CursorPagination

from .exceptions import ApiError


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
        self.page_size = settings.API_PAGE_SIZE
        return super().get_page_size(request)

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "cursor_ordering", None) or self.ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except Exception as exc:
            raise InvalidCursor() from exc

    def paginate_queryset(self, queryset, request, view=None):
        if not request.query_params.get(self.cursor_query_param):
            return super().paginate_queryset(queryset, request, view)
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError, DataError) as exc:
            # A forged cursor whose position does not fit the ordering field.
            raise InvalidCursor() from exc
