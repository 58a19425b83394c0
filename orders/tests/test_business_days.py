"""The orders' delivery promise counts business days with the business calendar."""

import datetime as dt

import pytest

from orders.services import add_business_days, promised_date


@pytest.mark.django_db
def test_promised_delivery_skips_holidays(settings):
    settings.PROMISED_DAYS_STANDARD = 1
    # Monday 7 Dec 2026 + 1 business day skips the 8th (Immaculate Conception).
    assert add_business_days(dt.date(2026, 12, 7), 1) == dt.date(2026, 12, 9)
    assert promised_date("standard", today=dt.date(2026, 12, 7)) == dt.date(2026, 12, 9)
