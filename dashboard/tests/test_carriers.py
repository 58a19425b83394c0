"""Carrier performance: transit in business days, on time against the contract, the
carrier page and its late-delivery list (known answers on hand-built data)."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from complaints.models import Claim, ClaimKind
from core.models import ClosureDay
from dashboard import kpis
from dashboard.kpis import Period
from orders import services
from orders.models import Order
from orders.tests.factories import CarrierFactory
from orders.transit import TransitCounter, transit_business_days

from .builders import madrid, make_complaint, make_delivered, make_order

pytestmark = pytest.mark.django_db

PAGE = reverse("backoffice:carrier_performance")
LATE = reverse("backoffice:late_deliveries")
SPRING = Period(dt.date(2026, 3, 1), dt.date(2026, 5, 31))
RANGE = {"from": "2026-03-01", "to": "2026-05-31"}
STANDARD, EXPRESS = "standard", "express"


# --- transit in business days ----------------------------------------------------------


@pytest.mark.parametrize(
    ("shipped", "delivered", "days"),
    [
        # Friday to Tuesday: Monday and Tuesday.
        (madrid(2026, 3, 6, 10), madrid(2026, 3, 10, 9), 2),
        # Thursday 30 April to Monday 4 May: 1 May (Labour Day) and the weekend skipped.
        (madrid(2026, 4, 30, 18), madrid(2026, 5, 4, 11), 1),
        # Delivered the day it shipped.
        (madrid(2026, 3, 9, 8), madrid(2026, 3, 9, 19), 0),
        # Shipped at 00:30 on Saturday in Madrid (Friday in UTC): Monday is day 1.
        (madrid(2026, 3, 7, 0, 30), madrid(2026, 3, 9, 12), 1),
        # A delivery recorded before its shipment is not a negative transit.
        (madrid(2026, 3, 10, 12), madrid(2026, 3, 9, 12), 0),
    ],
)
def test_transit_counts_the_business_days_after_shipment(shipped, delivered, days):
    assert transit_business_days(shipped, delivered) == days
    counter = TransitCounter(dt.date(2026, 3, 1), dt.date(2026, 5, 31))
    assert counter.between(shipped, delivered) == days


def test_transit_skips_closure_days_and_is_none_without_both_moments():
    ClosureDay.objects.create(date=dt.date(2026, 3, 9), country="ES", note="Inventory")
    # Friday 6 to Tuesday 10 March, Monday 9 closed: only Tuesday.
    assert transit_business_days(madrid(2026, 3, 6, 10), madrid(2026, 3, 10, 9)) == 1
    assert transit_business_days(None, madrid(2026, 3, 10)) is None
    assert transit_business_days(madrid(2026, 3, 10), None) is None
    assert TransitCounter(dt.date(2026, 3, 1), dt.date(2026, 3, 31)).between(None, None) is None


def test_the_counter_falls_back_outside_its_span():
    counter = TransitCounter(dt.date(2026, 3, 1), dt.date(2026, 3, 5))
    assert counter.between(madrid(2026, 4, 30, 18), madrid(2026, 5, 4, 11)) == 1


def test_delivering_an_order_stores_its_transit(company, warehouse_worker):
    gls = CarrierFactory(code="one-day", transit_days_standard=1)
    order = make_order(
        company,
        placed=madrid(2026, 3, 4, 9),
        status="enviado",
        carrier=gls,
        tracking_number="G1",
        shipped_at=madrid(2026, 3, 6, 10),
    )
    services.deliver_order(order=order, actor=warehouse_worker, delivered_at=madrid(2026, 3, 10, 9))
    order.refresh_from_db()
    assert order.transit_business_days == 2
    # Two business days against a contract of one (calendar days would say four).
    assert order.delivered_within_carrier_transit is False


POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a data migration and COPY: PostgreSQL's"
)


@POSTGRESQL_ONLY
def test_the_migration_backfills_delivered_orders(company):
    shipped = madrid(2026, 4, 30, 18)
    done = make_order(
        company,
        placed=shipped,
        status="entregado",
        shipped_at=shipped,
        delivered_at=madrid(2026, 5, 4, 11),
    )
    on_the_way = make_order(company, placed=shipped, status="enviado", shipped_at=shipped)
    migration = importlib.import_module("orders.migrations.0016_backfill_transit_business_days")
    with connection.schema_editor() as editor:
        migration.backfill(apps, editor)
    done.refresh_from_db()
    on_the_way.refresh_from_db()
    assert done.transit_business_days == 1
    assert on_the_way.transit_business_days is None


# --- the figures -----------------------------------------------------------------------


@pytest.fixture
def fast():
    return CarrierFactory(
        code="fast", name="Fast Freight", transit_days_standard=2, transit_days_express=1
    )


@pytest.fixture
def spring(company, fast):
    """Standard: 2 days (within, on time) and 3 days (over, a day late). Express: 1 day
    twice (one across 1 May). No carrier: one, on time. Outside the range: one."""
    make_delivered(
        company, fast, madrid(2026, 3, 6, 10), madrid(2026, 3, 10, 9), promised=dt.date(2026, 3, 10)
    )
    make_delivered(
        company, fast, madrid(2026, 3, 5, 10), madrid(2026, 3, 10, 9), promised=dt.date(2026, 3, 9)
    )
    make_delivered(
        company,
        fast,
        madrid(2026, 3, 9, 10),
        madrid(2026, 3, 10, 9),
        promised=dt.date(2026, 3, 11),
        service=EXPRESS,
    )
    make_delivered(
        company,
        fast,
        madrid(2026, 4, 30, 18),
        madrid(2026, 5, 4, 11),
        promised=dt.date(2026, 5, 5),
        service=EXPRESS,
    )
    make_delivered(
        company, None, madrid(2026, 3, 2, 10), madrid(2026, 3, 3, 10), promised=dt.date(2026, 3, 4)
    )
    # Delivered at 00:10 on 1 June in Madrid (still 31 May in UTC): outside the range.
    make_delivered(
        company,
        fast,
        madrid(2026, 5, 25, 10),
        madrid(2026, 6, 1, 0, 10),
        promised=dt.date(2026, 6, 9),
    )
    return fast


def _row(rows, carrier, service):
    return next(r for r in rows if r["carrier"] == carrier and r["service"] == service)


def test_within_contract_per_carrier_and_service(spring):
    rows = kpis.delivery_by_carrier(SPRING)
    standard = _row(rows, "fast", STANDARD)
    assert standard["delivered"] == 2
    assert (standard["on_time"], standard["late"]) == (1, 1)
    assert (standard["with_transit"], standard["within_contract"]) == (2, 1)
    assert standard["late_contract"] == 1
    assert standard["within_contract_rate"] == Decimal("0.5000")
    assert standard["average_transit_days"] == Decimal("2.5")
    assert standard["contracted_days"] == 2
    express = _row(rows, "fast", EXPRESS)
    assert (express["delivered"], express["within_contract"]) == (2, 2)
    assert express["within_contract_rate"] == Decimal("1.0000")
    assert express["average_transit_days"] == Decimal("1.0")
    assert express["contracted_days"] == 1
    # Without a carrier there is no contract to hold the transit against.
    nobody = _row(rows, None, STANDARD)
    assert nobody["delivered"] == 1 and nobody["on_time"] == 1
    assert nobody["with_transit"] == 0
    assert nobody["within_contract_rate"] is None
    assert nobody["average_transit_days"] is None
    assert nobody["contracted_days"] is None


def test_delivery_totals_against_the_contract(spring):
    totals = kpis.delivery(SPRING)
    assert totals["delivered"] == 5
    assert (totals["with_transit"], totals["within_contract"], totals["late_contract"]) == (4, 3, 1)
    assert totals["within_contract_rate"] == Decimal("0.7500")
    # (2 + 3 + 1 + 1) / 4 = 1.75 and (2 + 2 + 1 + 1) / 4 = 1.5.
    assert totals["average_transit_days"] == Decimal("1.8")
    assert totals["contracted_days"] == Decimal("1.5")


def test_madrid_range_edges_decide_what_is_in_the_range(company, fast):
    # 00:30 on 1 March in Madrid is 23:30 on 28 February in UTC: in March.
    make_delivered(company, fast, madrid(2026, 2, 26, 10), madrid(2026, 3, 1, 0, 30))
    # 23:50 on 28 February in Madrid: February.
    make_delivered(company, fast, madrid(2026, 2, 26, 10), madrid(2026, 2, 28, 23, 50))
    march = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert kpis.delivery(march)["delivered"] == 1
    assert kpis.delivery(march)["within_contract"] == 1  # Friday 27 only: 1 day


def test_an_empty_range_divides_by_nothing(spring):
    empty = Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert kpis.carrier_performance(empty) == []
    totals = kpis.delivery(empty)
    assert totals["within_contract_rate"] is None
    assert totals["average_transit_days"] is None
    assert totals["contracted_days"] is None


def _claim(order, filed):
    complaint = make_complaint(order.company, filed=filed, order=order)
    return Claim.objects.create(
        complaint=complaint,
        kind=ClaimKind.CARRIER,
        carrier=order.carrier,
        recipient="claims@fast.example",
        created_at=filed,
    )


def test_carrier_performance_adds_shipments_and_claims(spring, company):
    fast = spring
    # Shipped in May, still on its way: a shipment without a delivery.
    on_the_way = make_order(
        company,
        placed=madrid(2026, 5, 29),
        status="enviado",
        carrier=fast,
        shipping_method=EXPRESS,
        shipped_at=madrid(2026, 5, 30, 9),
    )
    late = Order.objects.get(promised_delivery_date=dt.date(2026, 3, 9))
    _claim(late, madrid(2026, 3, 12, 10))
    _claim(late, madrid(2026, 6, 2, 10))  # filed after the range
    _claim(on_the_way, madrid(2026, 5, 31, 10))
    rows = kpis.carrier_performance(SPRING)
    assert [(r["carrier"], r["service"]) for r in rows] == [
        ("fast", STANDARD),
        ("fast", EXPRESS),
        (None, STANDARD),
    ]
    standard, express, nobody = rows
    # Shipped in the range: the two delivered in March and the one delivered in June.
    assert (standard["shipments"], standard["delivered"], standard["claims"]) == (3, 2, 1)
    # Both express deliveries and the May shipment on its way.
    assert (express["shipments"], express["delivered"], express["claims"]) == (3, 2, 1)
    assert (nobody["shipments"], nobody["claims"]) == (1, 0)


def test_a_carrier_with_only_shipments_gets_a_row(company):
    slow = CarrierFactory(code="slow", name="Slow Post", transit_days_standard=5)
    make_order(
        company,
        placed=madrid(2026, 3, 2),
        status="enviado",
        carrier=slow,
        shipped_at=madrid(2026, 3, 3, 9),
    )
    (row,) = kpis.carrier_performance(SPRING)
    assert (row["carrier"], row["shipments"], row["delivered"]) == ("slow", 1, 0)
    assert row["on_time_rate"] is None and row["within_contract_rate"] is None
    assert row["contracted_days"] == 5


# --- the pages -------------------------------------------------------------------------


def test_the_page_shows_each_carrier_and_service(client_for, manager, spring):
    response = client_for(manager).get(PAGE, RANGE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<tr data-key="fast-standard">' in html
    assert '<tr data-key="null-standard">' in html
    rows = response.context["rows"]
    standard = _row(rows, "fast", STANDARD)
    assert standard["on_time_percent"] == Decimal("50.0")
    assert standard["contract_percent"] == Decimal("50.0")
    assert response.context["totals"]["contract_percent"] == Decimal("75.0")
    # The chart (only rows with a measured transit) and its table.
    assert '<svg class="w-100"' in html and 'id="chart-contract"' in html
    assert [bar.key for bar in response.context["chart"].bars] == [
        "fast-standard",
        "fast-express",
    ]
    assert 'width="100.0"' in html  # half of the 200-unit plot, unlocalized


@pytest.mark.parametrize(
    ("language", "carrier", "delivered"),
    [
        ("es", "Transportista", "Entregado"),
        ("en", "Carrier", "Delivered"),
        ("pl", "Przewoźnik", "Dostarczone"),
    ],
)
def test_the_page_in_every_language(client_for, manager, spring, language, carrier, delivered):
    response = client_for(manager).get(PAGE, RANGE, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert f'<th scope="col">{carrier}</th>' in html
    assert f'<th scope="col" class="text-end">{delivered}</th>' in html
    assert "<script>" not in html and "style=" not in html
    late = client_for(manager).get(LATE, RANGE, HTTP_ACCEPT_LANGUAGE=language)
    assert late.status_code == 200 and f'<html lang="{language}"' in late.content.decode()


def test_customer_users_never_reach_the_pages(client_for, buyer, customer_admin, client):
    for user in (buyer, customer_admin):
        assert client_for(user).get(PAGE).status_code == 404
        assert client_for(user).get(LATE).status_code == 404
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_bad_dates_show_an_error_never_a_500(client_for, manager):
    client = client_for(manager)
    for url in (PAGE, LATE):
        response = client.get(url, {"from": "2026-02-30", "to": "x"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert "Enter a valid date (YYYY-MM-DD)." in response.content.decode()


def test_query_budget_is_constant_in_the_number_of_carriers(
    client_for, manager, spring, company, django_assert_max_num_queries
):
    client = client_for(manager)
    client.get(PAGE, RANGE)  # the session and the menu's badges (counted once a minute)
    with django_assert_max_num_queries(12) as one:
        client.get(PAGE, RANGE)
    for n in range(4):
        carrier = CarrierFactory(code=f"more{n}", name=f"More {n}")
        shipped = madrid(2026, 3, 16, 10)
        make_delivered(company, carrier, shipped, madrid(2026, 3, 18, 10), service=EXPRESS)
        _claim(make_delivered(company, carrier, shipped, madrid(2026, 3, 20, 10)), shipped)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(PAGE, RANGE)
    assert len(response.context["rows"]) == 3 + 8


def _csv(response) -> list[dict]:
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize(("basis", "figure"), [("promise", "late"), ("contract", "late_contract")])
def test_the_late_list_and_its_export_match_the_figure(client_for, manager, spring, basis, figure):
    client = client_for(manager)
    page = client.get(PAGE, RANGE)
    for row in page.context["rows"]:
        url = row["late_url"] if basis == "promise" else row["late_contract_url"]
        listed = client.get(url)
        assert listed.status_code == 200
        assert listed.context["paginator"].count == row[figure], (row["carrier"], row["service"])
        exported = _csv(client.get(url + "&export=csv"))
        assert len(exported) == row[figure]
    total = client.get(LATE, {**RANGE, "basis": basis})
    assert total.context["paginator"].count == page.context["totals"][figure] == 1


def test_the_late_list_shows_the_order_and_its_transit(client_for, manager, spring, fast):
    response = client_for(manager).get(
        LATE,
        {**RANGE, "basis": "contract", "carrier": fast.pk, "service": STANDARD, "export": "csv"},
    )
    (row,) = _csv(response)
    order = Order.objects.get(promised_delivery_date=dt.date(2026, 3, 9))
    assert row["number"] == order.number
    assert row["carrier"] == "Fast Freight"
    assert row["service"] == STANDARD
    assert (row["transit"], row["contracted"]) == ("3", "2")
    assert row["promised"] == "2026-03-09"
    assert row["delivered"] == order.delivered_at.isoformat()


def test_either_basis_and_no_carrier(client_for, manager, spring, company):
    client = client_for(manager)
    # Late either way: the late standard one only (it is late both ways).
    assert client.get(LATE, RANGE).context["paginator"].count == 1
    make_delivered(
        company, None, madrid(2026, 3, 2, 10), madrid(2026, 3, 9, 10), promised=dt.date(2026, 3, 4)
    )
    nobody = client.get(LATE, {**RANGE, "carrier": "null"})
    assert nobody.context["paginator"].count == 1
    assert (
        client.get(LATE, {**RANGE, "carrier": "null", "basis": "contract"})
        .context["paginator"]
        .count
        == 0
    )


def test_the_dashboard_and_the_carrier_list_link_to_the_page(client_for, manager, spring):
    client = client_for(manager)
    response = client.get(reverse("backoffice:home"), RANGE, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert f'href="{PAGE}?from=2026-03-01&amp;to=2026-05-31" id="carrier-performance-link"' in html
    assert 'data-figure="within_contract"' in html
    assert response.context["within_contract_percent"] == Decimal("75.0")
    assert '<tr data-key="fast-standard">' in html
    carriers = client.get(reverse("backoffice:carrier_list")).content.decode()
    assert f'href="{PAGE}" id="carrier-performance-link"' in carriers


def test_the_api_gives_the_contract_figures(client_for, manager, spring):
    body = client_for(manager).get("/api/v1/kpis/", RANGE).json()
    delivery = body["delivery"]
    assert delivery["within_contract"] == 3
    assert delivery["within_contract_rate"] == "0.7500"
    assert delivery["average_transit_days"] == "1.8"
    assert delivery["contracted_days"] == "1.5"
    express = next(
        r for r in delivery["by_carrier"] if r["carrier"] == "fast" and r["service"] == EXPRESS
    )
    assert express["within_contract_rate"] == "1.0000"
    assert express["contracted_days"] == 1
    assert express["average_transit_days"] == "1.0"


@POSTGRESQL_ONLY
def test_the_generator_stores_the_transit_of_delivered_orders():
    from django.core.management import call_command

    call_command("generate_orders", orders=80, customers=10, skus=45, batch=40, seed=3)
    delivered = Order.objects.filter(status="entregado")
    assert delivered.exists()
    assert not delivered.filter(transit_business_days__isnull=True).exists()
    assert not Order.objects.exclude(status="entregado").exclude(transit_business_days=None)
    for order in delivered[:20]:
        assert order.transit_business_days == transit_business_days(
            order.shipped_at, order.delivered_at
        )
