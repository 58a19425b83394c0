"""The portal account area's statement form (a date range)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from ..account import EARLIEST_STATEMENT_DAY, MAX_STATEMENT_DAYS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first day of the month three months ago, to today."""
    today = today or timezone.localdate()
    month = today.month - 3
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, 1), today


class StatementForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        today = timezone.localdate()
        if start and start < EARLIEST_STATEMENT_DAY:
            self.add_error(
                "start",
                _("A statement starts on %(day)s at the earliest.")
                % {"day": EARLIEST_STATEMENT_DAY.isoformat()},
            )
        if end and end > today:
            self.add_error("end", _("The statement cannot end after today."))
        if start and end and end < start:
            self.add_error("end", _("The end date must be on or after the start date."))
        elif start and end and (end - start).days + 1 > MAX_STATEMENT_DAYS:
            self.add_error(
                "end",
                _("A statement covers at most %(years)d years; choose a shorter range.")
                % {"years": MAX_STATEMENT_DAYS // 366},
            )
        return cleaned


def statement_form(data) -> StatementForm:
    """The form bound to the request's query, or to the default range when it has none."""
    if "start" not in data and "end" not in data:
        start, end = default_range()
        data = {"start": start.isoformat(), "end": end.isoformat()}
    return StatementForm(data)
