"""DRF's ``serializers`` module with the API's strict parsing of numbers and dates.

Import it instead of DRF's: ``from core.api import serializers``. Everything is DRF's
except ``IntegerField``, ``DecimalField``, ``DateField`` and ``DateTimeField`` (and
``ModelSerializer``, whose generated fields are these). Python's ``int()`` and
``Decimal()`` and Django's date parsing read any Unicode digit (``"٣"``, ``"３"``) and
``int()`` / ``Decimal()`` also digit-group underscores (``"1_000"``); the API takes
ASCII digits only and answers anything else with a 400 naming the field.
``tests/test_api_strict_input.py`` checks that every API serializer module uses
this module.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers as _drf
from rest_framework.serializers import *  # noqa: F403 - re-exported on purpose


def _not_ascii_digits(data) -> bool:
    """True for text that ``int()`` / ``Decimal()`` / Django would read as a number or date
    although it is not written in ASCII: other scripts' digits, digit-group underscores."""
    return isinstance(data, str) and (not data.isascii() or "_" in data)


class _AsciiDigits:
    """Refuses numbers and dates not written in ASCII digits, before the field reads them."""

    def to_internal_value(self, data):
        if _not_ascii_digits(data):
            self.fail("ascii_digits")
        return super().to_internal_value(data)


_NUMBER = {"ascii_digits": _("Write the number with the digits 0-9 only.")}
_DATE = {"ascii_digits": _("Write the date with the digits 0-9 only (ISO 8601).")}


class IntegerField(_AsciiDigits, _drf.IntegerField):
    default_error_messages = _NUMBER


class DecimalField(_AsciiDigits, _drf.DecimalField):
    default_error_messages = _NUMBER


class DateField(_AsciiDigits, _drf.DateField):
    default_error_messages = _DATE


class DateTimeField(_AsciiDigits, _drf.DateTimeField):
    default_error_messages = _DATE

    def enforce_timezone(self, value):
        """As DRF, except that a local offset with seconds (the local mean time a zone
        had before its standard time, e.g. Madrid's -00:14:44 before 1901) becomes
        UTC: RFC 3339 date-times, the schema's ``date-time``, have whole minutes."""
        value = super().enforce_timezone(value)
        offset = value.utcoffset() if value.tzinfo is not None else None
        if offset is not None and offset.seconds % 60:
            value = value.astimezone(datetime.UTC)
        return value


class ModelSerializer(_drf.ModelSerializer):
    serializer_field_mapping = {
        **_drf.ModelSerializer.serializer_field_mapping,
        models.AutoField: IntegerField,
        models.BigAutoField: IntegerField,
        models.BigIntegerField: IntegerField,
        models.IntegerField: IntegerField,
        models.PositiveBigIntegerField: IntegerField,
        models.PositiveIntegerField: IntegerField,
        models.PositiveSmallIntegerField: IntegerField,
        models.SmallAutoField: IntegerField,
        models.SmallIntegerField: IntegerField,
        models.DecimalField: DecimalField,
        models.DateField: DateField,
        models.DateTimeField: DateTimeField,
    }
