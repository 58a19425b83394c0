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
        """``page_size`` >= 1 (values above 500 are capped); anything else is a 400."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return settings.API_PAGE_SIZE
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1 or not raw.strip().isdigit():
            message = _("A whole number from 1 to %(max)s.") % {"max": self.max_page_size}
            raise ApiError(
                message, code="validation_error", fields={self.page_size_query_param: [message]}
            )
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
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
