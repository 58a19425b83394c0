"""Known answers of every figure of ``dashboard.kpis`` on a small hand-built data set."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from complaints.models import Category, ResponsibleParty
from customers.tests.factories import CompanyFactory
from dashboard import kpis
from dashboard.kpis import Period
from inventory.models import StockItem
from inventory.tests.factories import StockItemFactory
from notifications.models import SatisfactionRating
from orders.tests.factories import CarrierFactory

from .builders import credit_note, madrid, make_complaint, make_order, make_return

pytestmark = pytest.mark.django_db

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
EMPTY = Period(dt.date(2020, 1, 1), dt.date(2020, 1, 31))


def test_period_edges_are_madrid_midnights_across_summer_time():
    assert MARCH.start == madrid(2026, 3, 1)
    assert MARCH.start.utcoffset() == dt.timedelta(hours=1)
    # 1 April is in summer time: the period ends at 22:00 UTC on 31 March.
    assert MARCH.end.astimezone(dt.UTC) == dt.datetime(2026, 3, 31, 22, tzinfo=dt.UTC)
    assert MARCH.days == 31


def test_rate_rounds_to_four_places_and_is_none_without_a_denominator():
    assert kpis.rate(1, 6) == Decimal("0.1667")
    assert kpis.rate(0, 5) == Decimal("0.0000")
    assert kpis.rate(3, 0) is None
    assert kpis.rate(3, None) is None


def test_empty_range_has_zero_counts_and_null_rates(django_assert_max_num_queries):
    with django_assert_max_num_queries(19):
        figures = kpis.all_figures(EMPTY)
    assert figures["orders"]["placed"] == 0
    assert set(figures["orders"]["by_status"].values()) == {0}
    assert figures["delivery"] == {
        "delivered": 0,
        "with_promise": 0,
        "on_time": 0,
        "late": 0,
        "on_time_rate": None,
        "with_transit": 0,
        "within_contract": 0,
        "late_contract": 0,
        "within_contract_rate": None,
        "average_transit_days": None,
        "contracted_days": None,
        "transit_days_total": 0,
        "contracted_days_total": 0,
    }
    assert figures["returns"]["rate_units"] is None
    assert figures["returns"]["rate_orders"] is None
    assert figures["returns"]["by_currency"] == {}
    assert figures["return_reasons"] == []
    assert figures["refund_time"] == {
        "count": 0,
        "median_hours": None,
        "p90_hours": None,
        "with_due": 0,
        "late": 0,
        "late_rate": None,
    }
    assert figures["complaints"]["first_response_within_sla_rate"] is None
    assert figures["complaints"]["resolution_median_hours"] is None
    assert figures["csat"]["average"] is None
    assert figures["csat"]["delivery"]["response_rate"] is None
    assert figures["revenue"] == []
    assert figures["holds"] == {"total": 0, "by_reason": {}}


def test_orders_count_by_placement_day_in_madrid(company):
    make_order(company, placed=madrid(2026, 2, 28, 23, 30))  # 22:30 UTC: February
    make_order(company, placed=madrid(2026, 3, 1, 0, 10))  # 23:10 UTC on 28 Feb: March
    make_order(company, placed=madrid(2026, 3, 31, 23, 59), status="entregado")
    make_order(company, placed=madrid(2026, 4, 1, 0, 0, 30))  # April
    figures = kpis.orders_placed(MARCH)
    assert figures["placed"] == 2
    assert figures["by_status"]["pendiente"] == 1
    assert figures["by_status"]["entregado"] == 1
    assert figures["by_status"]["cancelado"] == 0


def test_on_time_compares_the_madrid_delivery_day_with_the_promise(company):
    seur = CarrierFactory(code="kpi-seur", name="KPI SEUR")
    placed = madrid(2026, 3, 2, 10)
    # Delivered at 23:30 on the promised day: on time.
    make_order(
        company,
        placed=placed,
        status="entregado",
        carrier=seur,
        promised_delivery_date=dt.date(2026, 3, 10),
        delivered_at=madrid(2026, 3, 10, 23, 30),
    )
    # 00:30 Madrid on the 11th is still the 10th in UTC: late all the same.
    make_order(
        company,
        placed=placed,
        status="entregado",
        carrier=seur,
        promised_delivery_date=dt.date(2026, 3, 10),
        delivered_at=madrid(2026, 3, 11, 0, 30),
    )
    # No promise (a replacement): delivered, not in the rate.
    make_order(company, placed=placed, status="entregado", delivered_at=madrid(2026, 3, 12))
    # Delivered in April: another period.
    make_order(
        company,
        placed=placed,
        status="entregado",
        promised_delivery_date=dt.date(2026, 4, 10),
        delivered_at=madrid(2026, 4, 1, 0, 5),
    )
    figures = kpis.delivery(MARCH)
    assert {key: figures[key] for key in ("delivered", "with_promise", "on_time", "late")} == {
        "delivered": 3,
        "with_promise": 2,
        "on_time": 1,
        "late": 1,
    }
    assert figures["on_time_rate"] == Decimal("0.5000")
    by_carrier = kpis.delivery_by_carrier(MARCH)
    assert by_carrier[0] == {
        "carrier_id": seur.pk,
        "carrier": "kpi-seur",
        "carrier_name": "KPI SEUR",
        "service": "standard",
        "delivered": 2,
        "with_promise": 2,
        "on_time": 1,
        "late": 1,
        "on_time_rate": Decimal("0.5000"),
        # Built without a shipment: no transit measured (dashboard/tests/test_carriers.py).
        "with_transit": 0,
        "within_contract": 0,
        "late_contract": 0,
        "within_contract_rate": None,
        "average_transit_days": None,
        "contracted_days": 3,
        "transit_days_total": 0,
        "contracted_days_total": 0,
    }
    assert by_carrier[1]["carrier"] is None
    assert by_carrier[1]["on_time_rate"] is None


def _delivered(company, quantity, total, day=10):
    return make_order(
        company,
        placed=madrid(2026, 2, 20),
        status="entregado",
        quantity=quantity,
        total=total,
        delivered_at=madrid(2026, 3, day, 12),
        promised_delivery_date=dt.date(2026, 3, day),
    )


def test_return_rates_by_units_orders_and_value(company):
    a = _delivered(company, 4, "100.00")
    b = _delivered(company, 2, "50.00")
    make_return(a, requested=madrid(2026, 3, 15), quantity=1, refund_total=Decimal("25.00"))
    make_return(b, requested=madrid(2026, 3, 15), quantity=1, status="rechazada")
    make_return(a, requested=madrid(2026, 2, 27), quantity=2)  # requested in February
    figures = kpis.returns(MARCH)
    assert figures["units_returned"] == 1
    assert figures["units_delivered"] == 6
    assert figures["rate_units"] == Decimal("0.1667")
    assert figures["orders_with_returns"] == 1
    assert figures["orders_delivered"] == 2
    assert figures["rate_orders"] == Decimal("0.5000")
    assert figures["by_currency"] == {
        "EUR": {
            "credited": Decimal("25.00"),
            "net_sales": Decimal("150.00"),
            "rate_value": Decimal("0.1667"),
        }
    }


def test_reasons_pareto_shares_and_cumulative(company):
    a = _delivered(company, 10, "100.00")
    b = _delivered(company, 10, "100.00")
    make_return(a, requested=madrid(2026, 3, 15), quantity=3, reason="defective")
    make_return(b, requested=madrid(2026, 3, 16), quantity=1, reason="wrong_item")
    with translation.override("en"):
        pareto = kpis.return_reasons(MARCH)
    assert [row["name"] for row in pareto] == ["Defective", "Wrong item"]
    assert [(row["reason"], row["units"], row["share"], row["cumulative"]) for row in pareto] == [
        ("defective", 3, Decimal("0.7500"), Decimal("0.7500")),
        ("wrong_item", 1, Decimal("0.2500"), Decimal("1.0000")),
    ]


def test_request_to_credit_note_median_and_p90(company):
    for hours in (10, 20, 30):
        order = _delivered(company, 1, "10.00")
        ret = make_return(order, requested=madrid(2026, 3, 5, 8), status="resuelta")
        credit_note(ret, madrid(2026, 3, 5, 8) + dt.timedelta(hours=hours))
    late = make_return(_delivered(company, 1, "10.00"), requested=madrid(2026, 3, 30))
    credit_note(late, madrid(2026, 4, 2))  # issued in April
    assert kpis.refund_time(MARCH) == {
        "count": 3,
        "median_hours": Decimal("20.0"),
        "p90_hours": Decimal("28.0"),
        "with_due": 0,
        "late": 0,
        "late_rate": None,
    }


def test_complaint_times_sla_rates_and_breaches(company):
    filed = madrid(2026, 3, 3, 9)
    hour = dt.timedelta(hours=1)
    # Answered in 2 h, resolved in 10 h: both met.
    make_complaint(
        company,
        filed=filed,
        status="resuelta",
        first_response_due=filed + 48 * hour,
        first_responded_at=filed + 2 * hour,
        resolution_due=filed + 14 * 24 * hour,
        resolved_at=filed + 10 * hour,
    )
    # Answered in 50 h of 48: first response missed; resolution still running.
    make_complaint(
        company,
        filed=filed,
        status="en_analisis",
        first_response_due=filed + 48 * hour,
        first_responded_at=filed + 50 * hour,
        resolution_due=timezone.now() + 24 * hour,
    )
    # Never answered and past due: missed.
    make_complaint(company, filed=filed, first_response_due=filed + 48 * hour)
    # Not answered yet but not due: not settled.
    make_complaint(
        company, filed=madrid(2026, 3, 31, 23), first_response_due=timezone.now() + 48 * hour
    )
    make_complaint(company, filed=madrid(2026, 4, 1, 0, 30))  # April
    figures = kpis.complaints(MARCH)
    assert figures == {
        "opened": 4,
        "resolved": 1,
        "first_response_median_hours": Decimal("26.0"),
        "first_response_p90_hours": Decimal("45.2"),
        "resolution_median_hours": Decimal("10.0"),
        "resolution_p90_hours": Decimal("10.0"),
        "first_response_within_sla_rate": Decimal("0.3333"),
        "resolved_within_sla_rate": Decimal("1.0000"),
        "breaches": 2,
        # Rows built by hand carry no business time (the services store it).
        "first_response_business_median_hours": None,
        "first_response_business_p90_hours": None,
        "resolution_business_median_hours": None,
        "resolution_business_p90_hours": None,
        "first_contact_resolved": 1,
        "first_contact_resolution_rate": Decimal("1.0000"),
        "by_responsible_party": dict.fromkeys(ResponsibleParty.values, 0),
        "responsible_party_not_recorded": 4,
        "by_category": {**dict.fromkeys(Category.values, 0), "quality": 4},
    }
    opened = kpis.complaints_open()
    assert opened["total"] == 4  # three abierta + one en_analisis; resuelta is not open
    assert opened["by_status"] == {"abierta": 3, "en_analisis": 1, "decidida": 0}


def test_csat_combines_delivery_and_complaint_ratings(company):
    rated = []
    for score in (5, 3):
        order = _delivered(company, 1, "10.00")
        rated.append(SatisfactionRating.objects.create(order=order, score=score))
    SatisfactionRating.objects.filter(pk__in=[r.pk for r in rated]).update(
        rated_at=madrid(2026, 3, 20)
    )
    _delivered(company, 1, "10.00")  # delivered, not rated
    _delivered(company, 1, "10.00")
    make_complaint(
        company,
        filed=madrid(2026, 3, 1, 9),
        status="cerrada",
        rating_score=4,
        rated_at=madrid(2026, 3, 21),
        rating_requested_at=madrid(2026, 3, 19),
    )
    make_complaint(
        company,
        filed=madrid(2026, 3, 1, 9),
        status="cerrada",
        rating_requested_at=madrid(2026, 3, 19),
    )
    figures = kpis.csat(MARCH)
    assert figures["responses"] == 3
    assert figures["average"] == Decimal("4.00")
    assert figures["satisfied_rate"] == Decimal("0.6667")
    assert figures["delivery"] == {
        "responses": 2,
        "average": Decimal("4.00"),
        "satisfied_rate": Decimal("0.5000"),
        "response_rate": Decimal("0.5000"),
    }
    assert figures["complaints"]["response_rate"] == Decimal("0.5000")
    assert figures["complaints"]["average"] == Decimal("4.00")


def test_holds_by_reason(company):
    now = timezone.now()
    make_order(
        company,
        placed=now,
        on_hold=True,
        hold_messages=[
            {"key": "order.hold.credit_limit", "params": {}},
            {"key": "order.hold.first_order", "params": {}},
        ],
    )
    make_order(company, placed=now, on_hold=True, hold_reason="Call the customer")
    make_order(
        company,
        placed=now,
        status="cancelado",
        on_hold=True,
        hold_messages=[{"key": "order.hold.credit_limit", "params": {}}],
    )
    make_order(company, placed=now)
    assert kpis.holds_by_reason() == {
        "total": 2,
        "by_reason": {"order.hold.credit_limit": 1, "order.hold.first_order": 1, "manual": 1},
    }


def test_ageing_marks_orders_stuck_beyond_the_state_threshold(company):
    now = timezone.now()
    make_order(company, placed=now - dt.timedelta(hours=30))  # pending 30 h > 24: stuck
    make_order(company, placed=now - dt.timedelta(hours=2))
    make_order(company, placed=now - dt.timedelta(hours=40), awaiting_approval=True)
    make_order(
        company,
        placed=now - dt.timedelta(days=5),
        status="en_preparacion",
        prepared_at=now - dt.timedelta(hours=3),
    )
    rows = {row["status"]: row for row in kpis.order_ageing()}
    assert rows["pendiente"]["count"] == 2
    assert rows["pendiente"]["stuck"] == 1
    assert rows["pendiente"]["oldest_hours"] == Decimal("30.0")
    assert rows["pendiente"]["average_hours"] == Decimal("16.0")
    assert rows["en_preparacion"] == {
        "status": "en_preparacion",
        "count": 1,
        "average_hours": Decimal("3.0"),
        "oldest_hours": Decimal("3.0"),
        "threshold_hours": 24,
        "stuck": 0,
    }
    assert rows["enviado"]["count"] == 0
    assert rows["enviado"]["average_hours"] is None


def test_shipping_due_today_and_late(company):
    today = dt.date(2026, 3, 10)
    now = timezone.now()
    make_order(company, placed=now, promised_delivery_date=today)
    make_order(
        company, placed=now, status="en_preparacion", promised_delivery_date=dt.date(2026, 3, 11)
    )
    make_order(company, placed=now, promised_delivery_date=dt.date(2026, 3, 12))
    make_order(company, placed=now, on_hold=True, promised_delivery_date=today)
    # Waiting for the company's approval: the warehouse may not prepare or ship it yet.
    make_order(company, placed=now, awaiting_approval=True, promised_delivery_date=today)
    make_order(company, placed=now, status="enviado", promised_delivery_date=dt.date(2026, 3, 9))
    make_order(company, placed=now, status="entregado", promised_delivery_date=dt.date(2026, 3, 1))
    assert kpis.shipping_due(today=today) == {"to_prepare": 2, "due_today": 2, "late": 1}


def test_revenue_and_average_order_value_per_currency(company):
    pl = CompanyFactory(legal_name="Hurtownia KPI", country="PL", currency="PLN")
    make_order(company, placed=madrid(2026, 3, 5), total="100.00")
    make_order(company, placed=madrid(2026, 3, 6), total="50.00", status="entregado")
    make_order(company, placed=madrid(2026, 3, 7), total="999.00", status="cancelado")
    make_order(pl, placed=madrid(2026, 3, 7), total="400.00")
    assert kpis.revenue(MARCH) == [
        {
            "currency": "EUR",
            "orders": 2,
            "revenue": Decimal("150.00"),
            "average_order_value": Decimal("75.00"),
        },
        {
            "currency": "PLN",
            "orders": 1,
            "revenue": Decimal("400.00"),
            "average_order_value": Decimal("400.00"),
        },
    ]
    # Scoped to one company, the other's orders are not counted.
    assert [row["currency"] for row in kpis.revenue(MARCH, pl)] == ["PLN"]


def test_low_stock_counts_flagged_items_of_active_products():
    StockItemFactory(low_stock=True)
    StockItemFactory(low_stock=False)
    inactive = StockItemFactory(low_stock=True)
    inactive.product.active = False
    inactive.product.save()
    assert StockItem.objects.filter(low_stock=True).count() == 2
    assert kpis.low_stock() == 1


def test_every_figure_is_scoped_to_one_company(company, other_company):
    mine = _delivered(company, 2, "20.00")
    theirs = _delivered(other_company, 3, "30.00")
    make_return(theirs, requested=madrid(2026, 3, 15), quantity=1)
    make_complaint(other_company, filed=madrid(2026, 3, 15))
    SatisfactionRating.objects.create(order=theirs, score=1)
    SatisfactionRating.objects.filter(order=theirs).update(rated_at=madrid(2026, 3, 20))
    figures = kpis.all_figures(MARCH, company)
    assert figures["delivery"]["delivered"] == 1
    assert figures["returns"]["units_returned"] == 0
    assert figures["returns"]["units_delivered"] == 2
    assert figures["complaints"]["opened"] == 0
    assert figures["complaints_open"]["total"] == 0
    assert figures["csat"]["responses"] == 0
    assert mine.company == company


def test_the_number_of_queries_does_not_grow_with_the_rows(company, django_assert_max_num_queries):
    for day in range(1, 6):
        order = _delivered(company, 2, "20.00", day=day)
        make_return(order, requested=madrid(2026, 3, day + 10), quantity=1)
        make_complaint(company, filed=madrid(2026, 3, day, 10))
    with django_assert_max_num_queries(19):
        kpis.all_figures(MARCH)
