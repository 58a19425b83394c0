"""The daily delivery summaries: the figures read from them are the live figures."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection, transaction

from customers.tests.factories import CompanyFactory
from dashboard import kpis, summaries
from dashboard.consumers import on_order_delivered
from dashboard.kpis import Period
from dashboard.models import DeliverySummary, DeliverySummaryDay
from dashboard.tasks import summarise_deliveries

from .builders import madrid, make_order, make_return

pytestmark = [
    pytest.mark.django_db,
    # The summaries are PostgreSQL's (SQLite, the embedded mode, reads every figure
    # live: test_no_summaries_on_sqlite in test_sqlite.py).
    pytest.mark.skipif(connection.vendor != "postgresql", reason="summaries need PostgreSQL"),
]

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
SPRING = Period(dt.date(2026, 2, 1), dt.date(2026, 4, 30))  # weekly trend
END_OF_MARCH = dt.date(2026, 3, 20)


@pytest.fixture
def history(company):
    other = CompanyFactory(currency="PLN")
    orders = []
    for day, quantity, total in ((1, 3, "90.00"), (2, 5, "50.00"), (9, 2, "20.00")):
        orders.append(
            make_order(
                company,
                placed=madrid(2026, 2, 25),
                status="entregado",
                quantity=quantity,
                total=total,
                discount=Decimal("5.00"),
                delivered_at=madrid(2026, 3, day, 0, 30),  # just after midnight in Madrid
            )
        )
    make_order(
        other,
        placed=madrid(2026, 2, 25),
        status="entregado",
        quantity=7,
        delivered_at=madrid(2026, 3, 2, 23, 30),
    )
    make_order(  # after the summarised days: read live
        company, placed=madrid(2026, 3, 1), status="entregado", quantity=4,
        delivered_at=madrid(2026, 3, 25, 10),
    )  # fmt: skip
    make_order(company, placed=madrid(2026, 3, 3), status="pendiente", quantity=9)
    make_return(orders[0], requested=madrid(2026, 3, 4, 9), quantity=1)
    return SimpleNamespace(company=company, other=other, orders=orders)


def _figures(company):
    return [
        kpis.all_figures(MARCH),
        kpis.all_figures(SPRING),
        kpis.all_figures(MARCH, company),
        kpis.customer_summary(company, MARCH),
        kpis.returns(MARCH),
        kpis.returns(MARCH, company),
        kpis.returns_trend(MARCH),
        kpis.returns_trend(SPRING, company),
    ]


def _live(company):
    """The figures with no summary at all (rolled back)."""
    with transaction.atomic():
        DeliverySummary.objects.all().delete()
        DeliverySummaryDay.objects.all().delete()
        figures = _figures(company)
        transaction.set_rollback(True)
    return figures


def test_the_figures_from_the_summaries_are_the_live_figures(history):
    live = _figures(history.company)
    assert live[0]["returns"]["units_delivered"] == 3 + 5 + 2 + 7 + 4
    written = summaries.summarise_deliveries(through=END_OF_MARCH)
    assert written > 0
    assert summaries.summarised_through() == END_OF_MARCH
    # Days without deliveries are summarised too (no gaps), with no rows.
    assert DeliverySummaryDay.objects.filter(day=dt.date(2026, 3, 15)).exists()
    assert not DeliverySummary.objects.filter(day=dt.date(2026, 3, 15)).exists()
    totals = DeliverySummary.objects.filter(company__isnull=True, day=dt.date(2026, 3, 2))
    assert {(row.currency, row.orders, row.units) for row in totals} == {
        (history.company.currency, 1, 5),
        ("PLN", 1, 7),
    }
    assert _figures(history.company) == live


def test_summarising_again_changes_nothing(history):
    summaries.summarise_deliveries(through=END_OF_MARCH)
    rows = sorted(DeliverySummary.objects.values_list("day", "currency", "units", "orders"))
    assert summaries.summarise_deliveries(through=END_OF_MARCH) == 0  # nothing new
    summaries.summarise_days(dt.date(2026, 3, 1), END_OF_MARCH)  # a rebuild
    again = sorted(DeliverySummary.objects.values_list("day", "currency", "units", "orders"))
    assert again == rows


def test_a_delivery_dated_on_a_summarised_day_summarises_it_again(history):
    summaries.summarise_deliveries(through=END_OF_MARCH)
    late = make_order(
        history.company,
        placed=madrid(2026, 2, 26),
        status="entregado",
        quantity=6,
        delivered_at=madrid(2026, 3, 2, 15),
    )
    stale = _figures(history.company)
    assert stale != _live(history.company)
    on_order_delivered(
        SimpleNamespace(payload={"order_id": late.pk, "to": "entregado", "from": "enviado"})
    )
    assert _figures(history.company) == _live(history.company)
    # Other transitions leave the summaries alone.
    before = DeliverySummaryDay.objects.get(day=dt.date(2026, 3, 2)).computed_at
    on_order_delivered(SimpleNamespace(payload={"order_id": late.pk, "to": "enviado"}))
    assert DeliverySummaryDay.objects.get(day=dt.date(2026, 3, 2)).computed_at == before


def test_a_delivery_after_the_summarised_days_is_read_live(history):
    summaries.summarise_deliveries(through=END_OF_MARCH)
    assert not summaries.resummarise_delivery(madrid(2026, 3, 28, 9))
    make_order(
        history.company,
        placed=madrid(2026, 3, 20),
        status="entregado",
        quantity=11,
        delivered_at=madrid(2026, 3, 28, 9),
    )
    assert kpis.returns(MARCH)["units_delivered"] == 3 + 5 + 2 + 7 + 4 + 11
    assert _figures(history.company) == _live(history.company)


def test_the_selectors_keep_their_query_counts_with_summaries(
    history, django_assert_max_num_queries, django_assert_num_queries
):
    summaries.summarise_deliveries(through=END_OF_MARCH)
    with django_assert_max_num_queries(19):
        kpis.all_figures(MARCH)
    with django_assert_max_num_queries(11):
        kpis.customer_summary(history.company, MARCH)
    with django_assert_num_queries(1):
        kpis.returns_trend(MARCH)


def test_the_placements_of_all_figures_are_orders_placed_and_revenue(history):
    figures = kpis.all_figures(MARCH)
    assert figures["orders"] == kpis.orders_placed(MARCH)
    assert figures["revenue"] == kpis.revenue(MARCH)
    scoped = kpis.all_figures(MARCH, history.company)
    assert scoped["orders"] == kpis.orders_placed(MARCH, history.company)
    assert scoped["revenue"] == kpis.revenue(MARCH, history.company)


def test_the_nightly_task_summarises_up_to_yesterday(history):
    assert settings.CELERY_BEAT_SCHEDULE["dashboard-delivery-summaries"]["task"] == (
        "dashboard.tasks.summarise_deliveries"
    )
    summarise_deliveries()
    assert summaries.summarised_through() >= END_OF_MARCH
    assert _figures(history.company) == _live(history.company)


@pytest.mark.django_db(transaction=True)
def test_a_delivery_committed_while_its_day_is_being_summarised_is_not_lost(company):
    """The nightly run summarises 3 March from a snapshot without a delivery that
    commits meanwhile; the delivery's consumer waits for the run's lock, then sees the
    day summarised and summarises it again (separate connections, real threads)."""
    import threading

    from django.db import close_old_connections

    make_order(
        company, placed=madrid(2026, 3, 1), status="entregado", quantity=2,
        delivered_at=madrid(2026, 3, 3, 10),
    )  # fmt: skip
    summaries.summarise_days(dt.date(2026, 3, 1), dt.date(2026, 3, 2))
    summarising, may_commit = threading.Event(), threading.Event()
    consumer_done = threading.Event()

    def nightly():
        try:
            with transaction.atomic():
                summaries.summarise_days(dt.date(2026, 3, 3), dt.date(2026, 3, 3))
                summarising.set()
                may_commit.wait(10)
        finally:
            close_old_connections()

    def consumer(delivered_at):
        try:
            summaries.resummarise_delivery(delivered_at)
        finally:
            consumer_done.set()
            close_old_connections()

    run = threading.Thread(target=nightly)
    run.start()
    assert summarising.wait(10)
    late = make_order(  # commits while the nightly transaction is open
        company, placed=madrid(2026, 3, 1), status="entregado", quantity=5,
        delivered_at=madrid(2026, 3, 3, 18),
    )  # fmt: skip
    waiting = threading.Thread(target=consumer, args=(late.delivered_at,))
    waiting.start()
    assert not consumer_done.wait(0.5)  # held by the nightly run's lock
    may_commit.set()
    run.join(10)
    waiting.join(10)
    assert consumer_done.is_set()
    day = DeliverySummary.objects.get(day=dt.date(2026, 3, 3), company=company)
    assert (day.orders, day.units) == (2, 7)
