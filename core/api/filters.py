"""Base FilterSet of every API list: ``updated_since`` (incremental sync) and helpers."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .parsers import bad_text


class AwareDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601 date-time; naive values are in the server's time zone. Values that do
    not fit once converted to UTC are a validation error, not a crash."""

    def clean(self, value):
        value = super().clean(value)
        if value is not None:
            try:
                value.astimezone(UTC)
            except (OverflowError, ValueError) as exc:
                raise forms.ValidationError(_("Enter a valid date/time."), code="invalid") from exc
        return value


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    field_class = AwareDateTimeField


class SafeCharFilter(django_filters.CharFilter):
    """Exact text match that refuses NUL characters (PostgreSQL cannot compare them)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", []).append(_refuse_bad_text)
        super().__init__(*args, **kwargs)


def _refuse_bad_text(value):
    if value and bad_text(value):
        raise forms.ValidationError(_("Invalid characters."), code="invalid")


class ApiFilterSet(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Only rows changed at or after this ISO 8601 date-time."),
    )
