"""Known answers of the returns, complaints and satisfaction figures added for the
service teams: complaint times in business hours, first-contact resolution, causes,
refunds overdue and refunded late, top returned products, the returns trend and the
returns abuse watch; and that each drill-down list counts what its figure says."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Category, Complaint, ComplaintMessage, ResponsibleParty
from dashboard import kpis
from dashboard.kpis import Period
from returns.models import AbuseFlag, Return

from .builders import credit_note, madrid, make_complaint, make_order, make_return

pytestmark = pytest.mark.django_db

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
EMPTY = Period(dt.date(2020, 1, 1), dt.date(2020, 1, 31))
HOUR = 3600
URL = reverse("backoffice:home")


def _count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["paginator"].count


def _delivered(company, quantity, *, day=10, hour=12, **fields):
    return make_order(
        company,
        placed=madrid(2026, 2, 20),
        status="entregado",
        quantity=quantity,
        delivered_at=madrid(2026, 3, day, hour),
        **fields,
    )


# --- empty ranges and division by zero ---------------------------------------------------


def test_empty_range(django_assert_max_num_queries):
    with django_assert_max_num_queries(19):
        figures = kpis.all_figures(EMPTY)
    complaints = figures["complaints"]
    assert complaints["first_response_business_median_hours"] is None
    assert complaints["resolution_business_p90_hours"] is None
    assert complaints["first_contact_resolved"] == 0
    assert complaints["first_contact_resolution_rate"] is None
    assert set(complaints["by_responsible_party"]) == set(ResponsibleParty.values)
    assert set(complaints["by_responsible_party"].values()) == {0}
    assert set(complaints["by_category"]) == set(Category.values)
    assert complaints["responsible_party_not_recorded"] == 0
    assert figures["top_returned_products"] == []
    assert figures["refund_time"]["late_rate"] is None
    assert figures["returns_watch"] == {"refunds_overdue": 0, "abuse_flagged": 0}
    trend = figures["returns_trend"]
    assert [row["start"] for row in trend] == [dt.date(2020, 1, d) for d in range(1, 32)]
    assert {
        (row["units_returned"], row["units_delivered"], row["rate_units"]) for row in trend
    } == {(0, 0, None)}


# --- complaints --------------------------------------------------------------------------


def test_business_time_percentiles_by_filing_day_in_madrid(company):
    for business_hours in (1, 2, 10):
        make_complaint(
            company,
            filed=madrid(2026, 3, 3, 9),
            first_response_business_seconds=business_hours * HOUR,
            resolution_business_seconds=business_hours * 2 * HOUR,
        )
    # 23:30 on 31 March in Madrid is 21:30 UTC: March.
    make_complaint(company, filed=madrid(2026, 3, 31, 23, 30))
    # 00:30 on 1 March in Madrid is still 28 February in UTC: March.
    make_complaint(company, filed=madrid(2026, 3, 1, 0, 30))
    # 00:30 on 1 April: April, whatever it answered.
    make_complaint(
        company,
        filed=madrid(2026, 4, 1, 0, 30),
        first_response_business_seconds=100 * HOUR,
        resolution_business_seconds=100 * HOUR,
    )
    figures = kpis.complaints(MARCH)
    assert figures["opened"] == 5
    # Unanswered complaints (no stored time) are left out of the percentiles.
    assert figures["first_response_business_median_hours"] == Decimal("2.0")
    # percentile_cont: 2 + 0.8 × (10 - 2).
    assert figures["first_response_business_p90_hours"] == Decimal("8.4")
    assert figures["resolution_business_median_hours"] == Decimal("4.0")
    assert figures["resolution_business_p90_hours"] == Decimal("16.8")


def _complaint(company, *, category="quality", **fields):
    complaint = make_complaint(company, **fields)
    Complaint.objects.filter(pk=complaint.pk).update(category=category)
    return complaint


def _resolved(company, **fields):
    filed = madrid(2026, 3, 10, 10)
    return _complaint(
        company,
        filed=filed,
        status="resuelta",
        resolved_at=filed + dt.timedelta(days=1),
        **fields,
    )


def _message(complaint, *, staff=False, internal=False, hours=1):
    ComplaintMessage.objects.create(
        complaint=complaint,
        body="…",
        from_staff=staff,
        internal=internal,
        created_at=complaint.filed_at + dt.timedelta(hours=hours),
    )


@pytest.fixture
def service_data(company, other_company):
    """Four resolved complaints filed in March, two at the first contact; one open."""
    silent = _resolved(company, responsible_party="carrier", category="delivery_delay")
    staff_only = _resolved(company, responsible_party="carrier", category="damage")
    _message(staff_only, staff=True)
    _message(staff_only, staff=True, internal=True, hours=2)
    followed_up = _resolved(company, responsible_party="warehouse", category="damage")
    _message(followed_up, staff=True)
    _message(followed_up, hours=3)  # the customer wrote again
    _resolved(company, reopen_count=1)  # reopened once, resolved again
    _complaint(company, filed=madrid(2026, 3, 12), category="invoicing")  # open
    _resolved(other_company, responsible_party="carrier")
    return silent


def test_first_contact_resolution_and_causes(service_data, company, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = kpis.complaints(MARCH, company)
    assert figures["resolved"] == 4
    assert figures["first_contact_resolved"] == 2
    assert figures["first_contact_resolution_rate"] == Decimal("0.5000")
    assert figures["by_responsible_party"] == {
        **dict.fromkeys(ResponsibleParty.values, 0),
        "carrier": 2,
        "warehouse": 1,
    }
    assert figures["responsible_party_not_recorded"] == 2
    assert figures["by_category"] == {
        **dict.fromkeys(Category.values, 0),
        "delivery_delay": 1,
        "damage": 2,
        "quality": 1,
        "invoicing": 1,
    }
    # Unscoped, the other company's complaint is counted too.
    assert kpis.complaints(MARCH)["by_responsible_party"]["carrier"] == 3


def test_complaint_drill_downs_count_what_the_figures_say(service_data, client_for, manager):
    client = client_for(manager)
    figures = kpis.complaints(MARCH)
    register = reverse("backoffice:complaint_list")
    filed = "filed_after=2026-03-01&filed_before=2026-03-31"
    assert (
        _count(client, f"{register}?first_contact=1&{filed}") == figures["first_contact_resolved"]
    )
    assert _count(client, f"{register}?first_contact=0&{filed}") == (
        figures["resolved"] - figures["first_contact_resolved"]
    )
    assert _count(client, f"{register}?open=0&{filed}") == figures["resolved"]
    for party, count in figures["by_responsible_party"].items():
        assert _count(client, f"{register}?responsible_party={party}&{filed}") == count
    for category, count in figures["by_category"].items():
        assert _count(client, f"{register}?category={category}&{filed}") == count


def test_a_bad_filter_value_is_a_message_not_a_500(client_for, manager):
    client = client_for(manager)
    complaints = client.get(reverse("backoffice:complaint_list"), {"first_contact": "maybe"})
    returns = client.get(reverse("backoffice:return_list"), {"refund_overdue": "maybe"})
    assert complaints.status_code == returns.status_code == 200
    assert complaints.context["filterset"].errors["first_contact"]
    assert returns.context["filterset"].errors["refund_overdue"]
    # Invalid filter values show nothing rather than everything.
    assert complaints.context["paginator"].count == returns.context["paginator"].count == 0


# --- returns -----------------------------------------------------------------------------


def test_refunds_overdue_now_and_its_list(company, other_company, client_for, manager):
    today = timezone.localdate()
    order = _delivered(company, 5)

    def inspected(due, status="inspeccionada", owner=order):
        ret = make_return(owner, requested=madrid(2026, 3, 1), status=status)
        Return.objects.filter(pk=ret.pk).update(refund_due=due)
        return ret

    inspected(today - dt.timedelta(days=1))  # overdue
    inspected(today)  # due today: not yet overdue
    inspected(None)
    inspected(today - dt.timedelta(days=3), status="resuelta")  # refunded
    inspected(today - dt.timedelta(days=2), owner=_delivered(other_company, 1))  # overdue
    assert kpis.returns_watch(company)["refunds_overdue"] == 1
    figure = kpis.returns_watch()["refunds_overdue"]
    assert figure == 2
    client = client_for(manager)
    assert _count(client, f"{reverse('backoffice:return_list')}?refund_overdue=1") == figure
    assert _count(client, f"{reverse('backoffice:return_list')}?refund_overdue=0") == 3


def test_refunded_late_compares_the_madrid_day_of_the_credit_note(company):
    due = dt.date(2026, 3, 10)
    for issued in (
        madrid(2026, 3, 12, 10),  # late
        madrid(2026, 3, 10, 18),  # on the due day: on time
        madrid(2026, 3, 11, 0, 30),  # 23:30 UTC on the 10th, but the 11th in Madrid: late
    ):
        ret = make_return(_delivered(company, 1), requested=madrid(2026, 3, 2), status="resuelta")
        Return.objects.filter(pk=ret.pk).update(refund_due=due)
        credit_note(ret, issued)
    no_due = make_return(_delivered(company, 1), requested=madrid(2026, 3, 2), status="resuelta")
    credit_note(no_due, madrid(2026, 3, 20))
    figures = kpis.refund_time(MARCH)
    assert (figures["count"], figures["with_due"], figures["late"]) == (4, 3, 2)
    assert figures["late_rate"] == Decimal("0.6667")


def test_abuse_watch_counts_flagged_customers(company, other_company, client_for, manager):
    for owner, flagged in ((company, True), (other_company, False)):
        AbuseFlag.objects.create(
            company=owner,
            flagged=flagged,
            window_days=90,
            returns_count=6,
            units_returned=30,
            units_bought=100,
            rate=Decimal("30.00"),
            max_count=5,
            max_rate=Decimal("20.00"),
            evaluated_at=timezone.now(),
        )
    assert kpis.returns_watch()["abuse_flagged"] == 1
    assert kpis.returns_watch(other_company)["abuse_flagged"] == 0
    assert _count(client_for(manager), reverse("backoffice:return_abuse")) == 1


@pytest.fixture
def returned_products(company):
    a, b = _delivered(company, 10), _delivered(company, 10)
    make_return(a, requested=madrid(2026, 3, 5), quantity=4)
    make_return(b, requested=madrid(2026, 3, 6), quantity=1)
    make_return(b, requested=madrid(2026, 3, 7), quantity=1, status="rechazada")  # not counted
    c = _delivered(company, 10)
    make_return(c, requested=madrid(2026, 3, 8), quantity=2)
    make_return(c, requested=madrid(2026, 3, 9), quantity=2)
    make_return(c, requested=madrid(2026, 4, 1, 0, 30), quantity=5)  # April
    return a, b, c


def test_top_returned_products(returned_products, client_for, manager, django_assert_num_queries):
    a, b, c = (order.lines.get() for order in returned_products)
    with django_assert_num_queries(1):
        top = kpis.top_returned_products(MARCH)
    tied = sorted(
        [
            {"sku": a.sku, "name": a.name, "units": 4, "returns": 1},
            {"sku": c.sku, "name": c.name, "units": 4, "returns": 2},
        ],
        key=lambda row: row["sku"],
    )
    # Most units first, ties by SKU; the rejected return and April's are not counted.
    assert top == [*tied, {"sku": b.sku, "name": b.name, "units": 1, "returns": 1}]
    assert kpis.top_returned_products(MARCH, limit=1) == tied[:1]
    client = client_for(manager)
    register = reverse("backoffice:return_list")
    ranged = "counted=1&created_after=2026-03-01&created_before=2026-03-31"
    for row in top:
        assert _count(client, f"{register}?sku={row['sku']}&{ranged}") == row["returns"]


def test_returns_trend_per_day_at_the_madrid_edges(company, django_assert_num_queries):
    first = _delivered(company, 3, day=1, hour=0)  # 00:00 on 1 March in Madrid
    last = _delivered(company, 5, day=31, hour=23)  # 23:00 on 31 March (21:00 UTC)
    make_order(
        company,
        placed=madrid(2026, 2, 1),
        status="entregado",
        quantity=7,
        delivered_at=madrid(2026, 4, 1, 0, 30),
    )  # April
    make_return(first, requested=madrid(2026, 3, 1, 0, 30), quantity=1)
    make_return(last, requested=madrid(2026, 3, 31, 23, 30), quantity=2)
    with django_assert_num_queries(1):
        trend = kpis.returns_trend(MARCH)
    assert len(trend) == 31
    assert trend[0] == {
        "start": dt.date(2026, 3, 1),
        "units_returned": 1,
        "units_delivered": 3,
        "rate_units": Decimal("0.3333"),
    }
    assert trend[30] == {
        "start": dt.date(2026, 3, 31),
        "units_returned": 2,
        "units_delivered": 5,
        "rate_units": Decimal("0.4000"),
    }
    assert trend[15]["rate_units"] is None  # nothing delivered that day
    # The totals are the return rate's own.
    figures = kpis.returns(MARCH)
    assert sum(row["units_delivered"] for row in trend) == figures["units_delivered"] == 8
    assert sum(row["units_returned"] for row in trend) == figures["units_returned"] == 3


def test_returns_trend_per_week_for_long_ranges(company):
    quarter = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))  # 90 days, from a Thursday
    order = _delivered(company, 4, day=4)  # Wednesday 4 March
    make_return(order, requested=madrid(2026, 1, 1, 9), quantity=1)  # the first week
    make_return(order, requested=madrid(2026, 3, 8, 23), quantity=3)  # Sunday: week of 2 March
    trend = kpis.returns_trend(quarter)
    assert kpis.trend_unit(quarter) == "week"
    assert trend[0]["start"] == dt.date(2025, 12, 29)  # the Monday of 1 January's week
    assert trend[-1]["start"] == dt.date(2026, 3, 30)
    assert len(trend) == 14
    weeks = {row["start"]: row for row in trend}
    assert weeks[dt.date(2025, 12, 29)]["units_returned"] == 1
    assert weeks[dt.date(2026, 3, 2)]["units_returned"] == 3
    assert weeks[dt.date(2026, 3, 2)]["units_delivered"] == 4
    assert weeks[dt.date(2026, 3, 2)]["rate_units"] == Decimal("0.7500")


# --- the page ----------------------------------------------------------------------------


def test_the_page_shows_the_figures_with_their_lists(
    service_data, returned_products, client_for, manager
):
    client = client_for(manager)
    response = client.get(
        URL, {"from": "2026-03-01", "to": "2026-03-31"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/backoffice/returns/?refund_overdue=1" data-figure="refunds_overdue"' in html
    assert 'href="/backoffice/returns/abuse/" data-figure="abuse_flagged"' in html
    fcr = (
        "/backoffice/complaints/register/?first_contact=1&amp;filed_after=2026-03-01"
        "&amp;filed_before=2026-03-31"
    )
    assert f'href="{fcr}" data-figure="first_contact"' in html
    assert "<title>Returned units per day</title>" in html
    assert "<title>Top returned products</title>" in html
    assert "<title>Complaints by responsible party</title>" in html
    assert '<tr data-key="2026-03-05">' in html  # the trend's table
    assert "<polyline points=" in html
    assert "Response and resolution time (business hours)" in html
    # Every trend column links to that day's returns, and that list counts its units' returns.
    day = (
        "/backoffice/returns/?counted=1&amp;created_after=2026-03-05&amp;created_before=2026-03-05"
    )
    assert f'<a href="{day}">' in html
    assert _count(client, day.replace("&amp;", "&")) == 1


def test_the_page_in_polish_keeps_svg_numbers_unlocalized(returned_products, client_for, manager):
    response = client_for(manager).get(
        URL, {"from": "2026-03-01", "to": "2026-03-31"}, HTTP_ACCEPT_LANGUAGE="pl"
    )
    html = response.content.decode()
    for number in re.findall(r' (?:width|height|x|y|x1|x2|y1|y2)="([^"]*)"', html):
        assert "," not in number
    points = re.search(r'<polyline points="([^"]*)"', html).group(1)
    assert re.fullmatch(r"[0-9. ,]+", points) and all(p.count(",") == 1 for p in points.split())


def test_customer_users_never_reach_the_new_drill_downs(client_for, buyer):
    client = client_for(buyer)
    for url in (
        URL,
        f"{reverse('backoffice:return_list')}?refund_overdue=1",
        reverse("backoffice:return_abuse"),
        f"{reverse('backoffice:complaint_list')}?first_contact=1",
    ):
        assert client.get(url).status_code == 404


def test_column_chart_geometry():
    from dashboard.charts import COLUMN_PLOT_HEIGHT, COLUMN_TOP, columns

    chart = columns(
        [("a", "A", 4, "4", "/a"), ("b", "B", 2, "2", "/b"), ("c", "C", 0, "0", "/c")],
        line=[Decimal("50.0"), None, Decimal("25.0")],
    )
    baseline = COLUMN_TOP + COLUMN_PLOT_HEIGHT
    assert [column.height for column in chart.columns] == [COLUMN_PLOT_HEIGHT, 60, 0]
    assert [column.y for column in chart.columns] == [COLUMN_TOP, baseline - 60, baseline]
    # The line is scaled to its own maximum; the missing point is left out.
    first, last = chart.columns[0].centre, chart.columns[2].centre
    assert chart.line_points == f"{first},{float(COLUMN_TOP)} {last},{float(baseline - 60)}"
    assert not chart.empty
    # No returns but deliveries: the rate line (0 %) is still drawn.
    assert not columns([("a", "A", 0, "0", "/a")], line=[Decimal("0.0")]).empty
    assert columns([("a", "A", 0, "0", "/a")], line=[None]).empty
    assert columns([]).empty
