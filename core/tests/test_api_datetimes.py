"""Date-times in API answers are RFC 3339 (whole-minute offsets), even centuries back."""

import datetime as dt
import re

from django.utils import timezone

from core.api import serializers

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def test_local_mean_time_offsets_are_rendered_in_utc(settings):
    settings.TIME_ZONE = "Europe/Madrid"
    field = serializers.DateTimeField()
    with timezone.override("Europe/Madrid"):
        old = field.to_representation(dt.datetime(1024, 1, 25, 17, 36, 15, tzinfo=dt.UTC))
        recent = field.to_representation(dt.datetime(2026, 1, 25, 17, 36, 15, tzinfo=dt.UTC))
    assert RFC3339.match(old), old
    assert old == "1024-01-25T17:36:15Z"
    assert recent == "2026-01-25T18:36:15+01:00"
