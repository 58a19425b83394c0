"""The embedded mode (SQLite, ``make run``): the figures PostgreSQL computes with its
own functions (percentiles, intervals in seconds, hold reasons from JSON) come out the
same, and no daily summary is written (every figure reads the orders live)."""

import datetime as dt

import pytest
from django.db import connection

from dashboard import kpis, summaries
from dashboard.sqlite import PercentileCont

from .builders import madrid, make_delivered

pytestmark = pytest.mark.django_db


def _percentile(values, fraction):
    aggregate = PercentileCont()
    for value in values:
        aggregate.step(value, fraction)
    return aggregate.finalize()


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([1, 2, 3, 4], 0.5, 2.5),  # between the two middle values, as PostgreSQL's
        ([10, 20, 30, 40, 50], 0.9, 46.0),
        ([7], 0.9, 7.0),
        ([None, 3, None, 1], 0.5, 2.0),  # nulls are not values
        ([], 0.5, None),
        ([None], 0.5, None),
    ],
)
def test_percentile_cont_interpolates_as_postgresql_does(values, fraction, expected):
    assert _percentile(values, fraction) == expected


def test_the_figures_with_percentiles_and_intervals_run_on_this_database(company):
    """On either database: the refund time's median and p90 and the order ageing read
    as numbers (PostgreSQL built-ins, SQLite the registered aggregate and arithmetic)."""
    make_delivered(company, None, madrid(2026, 3, 2, 10), madrid(2026, 3, 3, 10))
    period = kpis.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    figures = kpis.all_figures(period)
    assert figures["delivery"]["delivered"] == 1
    assert [row["status"] for row in figures["ageing"]] == [
        "pendiente",
        "en_preparacion",
        "enviado",
    ]
    assert figures["refund_time"]["median_hours"] is None  # nothing refunded: no median
    assert figures["holds"]["total"] == 0


def test_no_summaries_on_sqlite(company, monkeypatch):
    """A database without summaries (SQLite's ``enabled()`` is False; forced here so the
    test runs on either) writes none and reads every figure live."""
    if connection.vendor != "sqlite":
        monkeypatch.setattr(summaries, "enabled", lambda: False)
    make_delivered(company, None, madrid(2026, 3, 2, 10), madrid(2026, 3, 3, 10))
    assert summaries.summarise_deliveries(through=dt.date(2026, 3, 31)) == 0
    assert summaries.summarised_through() is None
    period = kpis.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert kpis.returns(period)["orders_delivered"] == 1  # read live
    assert kpis.returns_trend(period)[2]["units_delivered"] == 1  # 3 March, live too
