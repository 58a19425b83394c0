"""Every order figure of the dashboard and the carrier page links to the order queue
narrowed to exactly the orders it counts: on a small hand-built data set, each linked
list (and its CSV export) has as many rows as the figure says."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from orders.selectors import seller_today
from orders.tests.factories import CarrierFactory

from .builders import madrid, make_delivered, make_order

pytestmark = pytest.mark.django_db

HOME = reverse("backoffice:home")
CARRIERS = reverse("backoffice:carrier_performance")
ORDERS = reverse("backoffice:order_list")
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
CREDIT, FIRST = "order.hold.credit_limit", "order.hold.first_order"


@pytest.fixture
def fast(db):
    return CarrierFactory(
        code="drill-fast", name="Drill Fast", transit_days_standard=2, transit_days_express=1
    )


@pytest.fixture
def data(company, fast):
    """March 2026 (placements and deliveries, with the Madrid edges) and the present
    (the warehouse's day, ageing, holds)."""
    now = timezone.now()
    today = seller_today()
    # Placed in March, in every state; one pending order waits for its company's
    # approval (counted among pending placements, not in the pending tab).
    make_order(company, placed=madrid(2026, 3, 2, 9))
    make_order(company, placed=madrid(2026, 3, 3, 9), awaiting_approval=True)
    make_order(company, placed=madrid(2026, 3, 4, 9), status="en_preparacion")
    make_order(company, placed=madrid(2026, 3, 5, 9), status="cancelado")
    make_order(company, placed=madrid(2026, 3, 31, 23, 30))  # the last evening: in
    make_order(company, placed=madrid(2026, 2, 28, 23, 30))  # February
    make_order(company, placed=madrid(2026, 4, 1, 0, 30))  # April (22:30 UTC on 31 March)
    # Delivered in March: standard 2 days (on time, within), 3 days (late both ways),
    # express 1 day (on time, within), no carrier (on time), no promise (a replacement).
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
        service="express",
    )
    make_delivered(
        company, None, madrid(2026, 3, 2, 10), madrid(2026, 3, 3, 10), promised=dt.date(2026, 3, 4)
    )
    make_delivered(company, fast, madrid(2026, 3, 16, 10), madrid(2026, 3, 17, 10))
    # The time zone edge: 23:30 Madrid on 31 March is in, 00:30 on 1 April is out.
    make_delivered(
        company,
        fast,
        madrid(2026, 3, 30, 10),
        madrid(2026, 3, 31, 23, 30),
        promised=dt.date(2026, 3, 31),
    )
    make_delivered(
        company,
        fast,
        madrid(2026, 3, 30, 10),
        madrid(2026, 4, 1, 0, 30),
        promised=dt.date(2026, 3, 31),
    )
    # The present: due today (and one held, one waiting for approval, not counted), due
    # the day after tomorrow, late (a shipped one too), held for reasons, stuck in each open state.
    make_order(company, placed=now, promised_delivery_date=today)
    make_order(company, placed=now, status="en_preparacion", promised_delivery_date=today)
    make_order(company, placed=now, on_hold=True, promised_delivery_date=today)
    make_order(
        company, placed=now, awaiting_approval=True, promised_delivery_date=today
    )  # neither due nor to prepare until approved
    make_order(company, placed=now, promised_delivery_date=today + dt.timedelta(days=2))
    make_order(
        company,
        placed=now - dt.timedelta(days=9),
        status="enviado",
        shipped_at=now - dt.timedelta(days=6),
        promised_delivery_date=today - dt.timedelta(days=1),
    )
    make_order(
        company,
        placed=now,
        on_hold=True,
        hold_messages=[{"key": CREDIT, "params": {}}, {"key": FIRST, "params": {}}],
    )
    make_order(company, placed=now, on_hold=True, hold_messages=[{"key": CREDIT, "params": {}}])
    make_order(company, placed=now, on_hold=True, hold_reason="Call the customer")
    make_order(
        company,
        placed=now,
        status="cancelado",
        on_hold=True,
        hold_messages=[{"key": CREDIT, "params": {}}],
    )
    make_order(company, placed=now - dt.timedelta(hours=30))  # pending 30 h: stuck
    make_order(company, placed=now - dt.timedelta(hours=30), awaiting_approval=True)  # not
    make_order(
        company,
        placed=now - dt.timedelta(days=3),
        status="en_preparacion",
        prepared_at=now - dt.timedelta(hours=2),
    )  # placed long ago, in preparation for 2 h: not stuck
    return company


def _csv(response) -> list[dict]:
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _assert_lists(client, expected: list[tuple[str, int, str]]):
    """Each ``(url, figure, what)``: the list and its CSV export have ``figure`` rows."""
    for url, figure, what in expected:
        listed = client.get(url)
        assert listed.status_code == 200, what
        assert not listed.context["filterset"].form.errors, (what, url)
        assert listed.context["paginator"].count == figure, (what, url)
        separator = "&" if "?" in url else "?"
        exported = client.get(f"{url}{separator}export=csv")
        assert exported.status_code == 200, what
        assert len(_csv(exported)) == figure, (what, url)


def test_every_dashboard_order_figure_links_to_its_exact_list(client_for, manager, data):
    client = client_for(manager)
    response = client.get(HOME, MARCH, HTTP_ACCEPT_LANGUAGE="en")
    context, html = response.context, response.content.decode()
    figures, links = context["figures"], context["links"]
    shipping, delivery = figures["shipping"], figures["delivery"]
    # The data set is not trivial: every figure below counts something.
    assert figures["orders"]["placed"] == 5 + 7  # and the deliveries, placed in March
    assert figures["orders"]["by_status"]["pendiente"] == 3
    assert (shipping["to_prepare"], shipping["due_today"], shipping["late"]) == (7, 2, 1)
    assert (delivery["delivered"], delivery["on_time"], delivery["within_contract"]) == (6, 4, 4)
    assert figures["holds"] == {"total": 4, "by_reason": {CREDIT: 2, FIRST: 1, "manual": 2}}
    expected = [
        (links["placed"], figures["orders"]["placed"], "placed"),
        (links["held"], figures["holds"]["total"], "held"),
        (links["to_prepare"], shipping["to_prepare"], "to prepare"),
        (links["due_today"], shipping["due_today"], "due today"),
        (links["late"], shipping["late"], "late"),
        (links["delivered"], delivery["delivered"], "delivered"),
        (links["on_time"], delivery["on_time"], "on time"),
        (links["within_contract"], delivery["within_contract"], "within contract"),
    ]
    by_status = figures["orders"]["by_status"]
    expected += [(bar.url, by_status[bar.key], bar.key) for bar in context["status_chart"].bars]
    for row in context["ageing"]:
        expected += [
            (row["url"], row["count"], f"ageing {row['status']}"),
            (row["stuck_url"], row["stuck"], f"stuck {row['status']}"),
        ]
    assert [row["stuck"] for row in context["ageing"]] == [5, 1, 1]
    for row in context["holds"]:
        expected.append((row["url"], row["count"], f"held {row['key']}"))
    for row in context["carriers"]:
        key = f"{row['carrier']}-{row['service']}"
        expected += [
            (row["urls"]["delivered"], row["delivered"], f"delivered {key}"),
            (row["urls"]["on_time"], row["on_time"], f"on time {key}"),
            (row["urls"]["within_contract"], row["within_contract"], f"within {key}"),
        ]
    assert len(context["carriers"]) == 3
    shown_as_dash = {
        f"{label} {row['carrier']}-{row['service']}"
        for row in context["carriers"]
        for label, rate in (("on time", row["percent"]), ("within", row["contract_percent"]))
        if rate is None
    }
    assert shown_as_dash == {"within None-standard"}  # no carrier: no contract
    # The page shows these links (cards, bars, tables).
    for url, _figure, what in expected:
        if what not in shown_as_dash:  # a rate of nothing is "–", not a link
            assert f'href="{url.replace("&", "&amp;")}"' in html, what
    _assert_lists(client, expected)


def test_every_carrier_page_figure_links_to_its_exact_list(client_for, manager, data):
    client = client_for(manager)
    response = client.get(CARRIERS, MARCH, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    expected = []
    for row in response.context["rows"]:
        key = f"{row['carrier']}-{row['service']}"
        expected += [
            (row["urls"]["delivered"], row["delivered"], f"delivered {key}"),
            (row["urls"]["on_time"], row["on_time"], f"on time {key}"),
            (row["urls"]["within_contract"], row["within_contract"], f"within {key}"),
            (row["late_url"], row["late"], f"late {key}"),
            (row["late_contract_url"], row["late_contract"], f"late contract {key}"),
        ]
    shown_as_dash = {
        f"{label} {row['carrier']}-{row['service']}"
        for row in response.context["rows"]
        for label, rate in (
            ("on time", row["on_time_percent"]),
            ("within", row["contract_percent"]),
        )
        if rate is None
    }
    totals, urls = response.context["totals"], response.context["total_urls"]
    expected += [
        (urls["delivered"], totals["delivered"], "delivered"),
        (urls["on_time"], totals["on_time"], "on time"),
        (urls["within_contract"], totals["within_contract"], "within contract"),
    ]
    for url, _figure, what in expected:
        if what not in shown_as_dash:  # a rate of nothing is "–", not a link
            assert f'href="{url.replace("&", "&amp;")}"' in html, what
    _assert_lists(client, expected)


def test_the_delivered_range_ends_at_midnight_in_madrid(client_for, manager, data):
    client = client_for(manager)
    params = {"tab": "all", "delivered_after": "2026-03-31", "delivered_before": "2026-03-31"}
    rows = _csv(client.get(ORDERS, {**params, "export": "csv"}))
    (row,) = rows  # 23:30 Madrid on 31 March (21:30 UTC); not 00:30 on 1 April
    assert row["number"] == Order.objects.get(delivered_at=madrid(2026, 3, 31, 23, 30)).number
    april = client.get(ORDERS, {**params, "delivered_after": "2026-04-01", "delivered_before": ""})
    assert april.context["paginator"].count == 1
    # Placements too: 23:30 on 31 March is March, 00:30 on 1 April (still 31 March in
    # UTC) is April.
    placed = client.get(
        ORDERS, {"tab": "all", "created_after": "2026-04-01", "created_before": "2026-04-01"}
    )
    assert [order.created_at for order in placed.context["table"].rows] == [
        madrid(2026, 4, 1, 0, 30)
    ]


def test_the_list_names_the_drill_down_filters_and_keeps_them(client_for, manager, data):
    url = reverse("backoffice:order_list")
    response = client_for(manager).get(
        url, {"tab": "held", "hold_reason": CREDIT, "page": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert response.context["paginator"].count == 2
    chip = re.search(r'<span [^>]*data-filter="hold_reason">(.*?)</span>', html, re.S)
    assert chip and "Hold reason: Credit limit" in chip.group(1)
    # Its × leads to the same tab without it (and without the page).
    assert f'href="{url}?tab=held" title="Remove this filter"' in chip.group(1)
    # The filter bar sends it again when another filter changes.
    assert f'<input type="hidden" name="hold_reason" value="{CREDIT}">' in html
    # A date chip is written as a date.
    dated = client_for(manager).get(
        url, {"tab": "all", "delivered_after": "2026-03-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert 'data-filter="delivered_after">Delivered from: 03/01/2026' in dated.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"ship_due": "tomorrow"},
        {"stuck": "yes"},
        {"hold_reason": "order.hold.unknown"},
        {"delivered_after": "2026-02-30"},
        {"delivered_before": "soon"},
        {"on_time": "maybe"},
        {"within_contract": "2"},
        {"service": "drone"},
        {"status": "perdido"},
        {"on_hold": "true"},
        {"carrier": "999999"},
        {"created_after": "2026-13-01"},
    ],
)
def test_bad_filter_values_are_form_errors_never_a_500(client_for, manager, data, params):
    client = client_for(manager)
    response = client.get(ORDERS, {"tab": "all", **params}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    (name,) = params
    assert name in response.context["filterset"].form.errors
    assert response.context["paginator"].count == 0
    assert 'id="filter-errors"' in response.content.decode()
    exported = client.get(ORDERS, {"tab": "all", **params, "export": "csv"})
    assert exported.status_code == 200 and _csv(exported) == []


@pytest.mark.parametrize(
    "params",
    [
        {"created_after": "0001-01-01", "created_before": "9999-12-31"},
        {"delivered_after": "0001-01-01", "delivered_before": "9999-12-31"},
    ],
)
def test_the_calendar_ends_are_dates_like_any_other(client_for, manager, data, params):
    response = client_for(manager).get(ORDERS, {"tab": "all", **params})
    assert response.status_code == 200
    assert not response.context["filterset"].form.errors
    assert response.context["paginator"].count > 0


def test_the_drill_down_filters_cost_no_query_per_row(
    client_for, manager, data, fast, django_assert_max_num_queries
):
    client = client_for(manager)
    params = {
        "tab": "all",
        "status": "entregado",
        "carrier": fast.pk,
        "service": "standard",
        "delivered_after": "2026-03-01",
        "delivered_before": "2026-03-31",
        "on_time": "1",
        "within_contract": "1",
        "ship_due": "",
        "stuck": "0",
        "on_hold": "0",
        "hold_reason": "",
    }
    client.get(ORDERS)  # warm up: session, content types
    with django_assert_max_num_queries(14) as one:
        response = client.get(ORDERS, params)
    assert response.context["paginator"].count == 2
    for day in range(11, 21):
        make_delivered(
            data,
            fast,
            madrid(2026, 3, day, 8),
            madrid(2026, 3, day, 18),
            promised=dt.date(2026, 4, 1),
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(ORDERS, params)
    assert response.context["paginator"].count == 12
    held = {"tab": "held", "hold_reason": CREDIT, "stuck": "1", "ship_due": "late"}
    with django_assert_max_num_queries(14):
        assert client.get(ORDERS, held).status_code == 200


def _carrier_claim(order, filed, *, carrier="order's", complaint=None):
    from complaints.models import Claim, ClaimKind

    from .builders import make_complaint

    complaint = complaint or make_complaint(order.company, filed=filed, order=order)
    Claim.objects.create(
        complaint=complaint,
        kind=ClaimKind.CARRIER,
        carrier=order.carrier if carrier == "order's" else carrier,
        recipient="claims@carrier.example",
        created_at=filed,
    )
    return complaint


def test_carrier_shipments_and_claims_link_to_their_exact_lists(client_for, manager, data, fast):
    """Shipments open the orders shipped in the range with that carrier and service;
    claims open the complaint register on the complaints claimed against that carrier
    in the range (a complaint claimed twice once, as the figure counts it)."""
    other = CarrierFactory(code="other", name="Other Post", transit_days_standard=3)
    late = Order.objects.get(promised_delivery_date=dt.date(2026, 3, 9))
    twice = _carrier_claim(late, madrid(2026, 3, 12, 10))
    _carrier_claim(late, madrid(2026, 3, 20, 10), complaint=twice)  # again: still one
    # Also claimed against another carrier: once in each row, once in the total.
    _carrier_claim(late, madrid(2026, 3, 21, 10), carrier=other, complaint=twice)
    _carrier_claim(late, madrid(2026, 3, 31, 23, 30))  # the range's last evening: in
    _carrier_claim(late, madrid(2026, 4, 1, 0, 30))  # 1 April in Madrid: out
    client = client_for(manager)
    response = client.get(CARRIERS, MARCH, HTTP_ACCEPT_LANGUAGE="en")
    rows = {(row["carrier"], row["service"]): row for row in response.context["rows"]}
    assert rows["drill-fast", "standard"]["claims"] == 2
    assert rows["other", "standard"]["claims"] == 1
    totals, urls = response.context["totals"], response.context["total_urls"]
    assert totals["claims"] == 2  # the complaint claimed against both carriers once
    assert totals["shipments"] == sum(row["shipments"] for row in rows.values()) > 0
    html = response.content.decode()
    expected = [
        (urls["claims"], totals["claims"], "claims"),
        (urls["shipments"], totals["shipments"], "shipments"),
    ]
    for key, row in rows.items():
        expected += [
            (row["claims_url"], row["claims"], f"claims {key}"),
            (row["urls"]["shipments"], row["shipments"], f"shipments {key}"),
        ]
    for url, _figure, what in expected:
        assert f'href="{url.replace("&", "&amp;")}"' in html, what
    _assert_lists(client, expected)
    # The register names the claim filters it was narrowed by.
    register = client.get(rows["drill-fast", "standard"]["claims_url"], HTTP_ACCEPT_LANGUAGE="en")
    chips = register.content.decode().split('id="drill-down-filters"')[1].split("</div>")[0]
    assert "Carrier claim against: Drill Fast" in chips and "Claimed from" in chips


@pytest.mark.parametrize(
    "params",
    [
        {"claim_carrier": "999999"},
        {"claim_service": "teleport"},
        {"claimed_after": "2026-02-30"},
        {"claimed_before": "yesterday"},
    ],
)
def test_bad_claim_filters_are_form_errors_never_a_500(client_for, manager, params):
    register = reverse("backoffice:complaint_list")
    response = client_for(manager).get(register, params)
    assert response.status_code == 200
    assert response.context["filterset"].form.errors
    assert client_for(manager).get(register, {**params, "export": "csv"}).status_code == 200
