"""Base FilterSet of every API list: ``updated_since`` (incremental sync) and helpers."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from .parsers import bad_text


class AwareDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601 date-time; naive values are in the server's time zone. Values that do
    not fit once converted to UTC are a validation error, not a crash."""

    def clean(self, value):
        value = super().clean(value)
        if value is not None:
            try:
                # In UTC: PostgreSQL refuses offsets beyond +-15:59 that ISO 8601 allows.
                value = value.astimezone(UTC)
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


@extend_schema_field({"type": "boolean"})
class BooleanFilter(django_filters.TypedChoiceFilter):
    """``true`` / ``false``; anything else is a 400 (django-filter would ignore it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        kwargs.setdefault("coerce", lambda value: value == "true")
        super().__init__(*args, **kwargs)


class ApiFilterSet(django_filters.FilterSet):
    """Strict filters: a malformed or empty value is a 400, never silently ignored."""

    updated_since = UpdatedSinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Only rows changed at or after this ISO 8601 date-time."),
    )

    def is_valid(self):
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            if name not in self.data or isinstance(filter_, django_filters.CharFilter):
                continue
            if self.data.get(name) == "":
                self.form.add_error(name, _("This value cannot be empty."))
                valid = False
            elif not all(str(value).isascii() for value in self.data.getlist(name)):
                # Numbers and dates: int() and Django's date parsing read any script's
                # digits ("٣"); the API takes ASCII digits only, as in bodies.
                self.form.add_error(name, _("Write the value with the digits 0-9 only."))
                valid = False
        return valid
