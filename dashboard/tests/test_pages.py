"""The back-office landing page: the KPI dashboard."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard.periods import preset_period
from dashboard.views import sections_for

from .builders import make_complaint, make_order

URL = reverse("backoffice:home")
pytestmark = pytest.mark.django_db


def _sections(html: str) -> list[str]:
    return re.findall(r'<section class="mb-4" id="section-([a-z]+)"', html)


@pytest.fixture
def data(company):
    now = timezone.now()
    make_order(company, placed=now - dt.timedelta(hours=30))  # stuck in pending
    make_order(company, placed=now, on_hold=True, hold_reason="Call")
    make_order(
        company,
        placed=now - dt.timedelta(days=3),
        status="entregado",
        delivered_at=now - dt.timedelta(days=1),
        promised_delivery_date=timezone.localdate(),
    )
    make_complaint(company, filed=now - dt.timedelta(hours=5))
    return company


def test_manager_sees_every_figure_with_its_drill_down(client_for, manager, data):
    response = client_for(manager).get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert _sections(html) == [
        "shipping",
        "orders",
        "service",
        "delivery",
        "returns",
        "satisfaction",
        "business",
        "customers",
    ]
    figures = response.context["figures"]
    assert figures["orders"]["placed"] == 3
    assert figures["holds"]["total"] == 1
    assert figures["complaints_open"]["total"] == 1
    start, end = preset_period("30d").date_from, preset_period("30d").date_to
    # Cards link to the filtered lists behind them.
    placed = f"/backoffice/orders/?tab=all&amp;created_after={start}&amp;created_before={end}"
    assert f'href="{placed}" data-figure="placed"' in html
    assert 'href="/backoffice/orders/?tab=held" data-figure="held"' in html
    assert 'href="/backoffice/orders/?tab=all&amp;overdue=true" data-figure="late"' in html
    assert 'href="/backoffice/complaints/register/?open=1" data-figure="complaints_open"' in html
    assert 'href="/backoffice/inventory/stock/?low_stock=1" data-figure="low_stock"' in html
    # The stuck pending order is highlighted in the ageing table.
    assert '<tr data-status="pendiente" class="table-danger">' in html
    # Charts have a title and their values as a table.
    assert '<svg class="w-100"' in html and "<title>Orders placed by state</title>" in html
    assert 'aria-labelledby="chart-status-title"' in html
    # The figures apps register on the home page stay.
    assert 'data-figure="active_customers"' in html


def test_drill_down_lists_match_their_figures(client_for, manager, data):
    client = client_for(manager)
    figures = client.get(URL).context["figures"]
    held = client.get("/backoffice/orders/?tab=held")
    assert held.context["paginator"].count == figures["holds"]["total"]
    start, end = preset_period("30d").date_from, preset_period("30d").date_to
    placed = client.get(f"/backoffice/orders/?tab=all&created_after={start}&created_before={end}")
    assert placed.context["paginator"].count == figures["orders"]["placed"]
    opened = client.get("/backoffice/complaints/register/?open=1")
    assert opened.context["paginator"].count == figures["complaints_open"]["total"]


@pytest.mark.parametrize(
    ("role_fixture", "first"),
    [
        ("warehouse_worker", ["shipping", "orders", "delivery"]),
        ("service_agent", ["service", "orders", "returns", "satisfaction"]),
        ("manager", ["shipping", "orders", "service", "delivery"]),
    ],
)
def test_each_role_sees_its_work_first(request, client_for, role_fixture, first):
    user = request.getfixturevalue(role_fixture)
    html = client_for(user).get(URL).content.decode()
    assert _sections(html)[: len(first)] == first
    assert sections_for(user)[: len(first)] == first


def test_customer_users_never_reach_it(client_for, buyer, customer_admin):
    assert client_for(buyer).get(URL).status_code == 404
    assert client_for(customer_admin).get(URL).status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("backoffice:login") in response.url


@pytest.mark.parametrize("key", ["today", "7d", "30d", "90d", "month"])
def test_presets(client_for, manager, key):
    response = client_for(manager).get(URL, {"range": key})
    assert response.status_code == 200
    period = response.context["period"]
    assert period == preset_period(key)
    assert response.context["preset"] == key
    assert f'data-range="{key}" aria-current="true"' in response.content.decode()


def test_presets_periods():
    today = dt.date(2026, 3, 18)
    assert preset_period("today", today=today).date_from == today
    assert preset_period("7d", today=today).date_from == dt.date(2026, 3, 12)
    assert preset_period("90d", today=today).days == 90
    assert preset_period("month", today=today).date_from == dt.date(2026, 3, 1)


def test_custom_range(client_for, manager, company):
    make_order(company, placed=dt.datetime(2025, 6, 10, 12, tzinfo=dt.UTC))
    response = client_for(manager).get(URL, {"from": "2025-06-01", "to": "2025-06-30"})
    assert response.context["preset"] == "custom"
    assert response.context["figures"]["orders"]["placed"] == 1
    assert 'value="2025-06-01"' in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"from": "nonsense", "to": "2025-06-30"},
        {"from": "2025-06-30", "to": "2025-06-01"},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"range": "forever"},
    ],
)
def test_bad_ranges_show_an_error_and_the_default_never_a_500(client_for, manager, params):
    response = client_for(manager).get(URL, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["period"] == preset_period("30d")
    if "from" in params:
        assert 'id="range-errors"' in response.content.decode()


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_in_every_language_without_inline_scripts_or_styles(client_for, manager, data, language):
    response = client_for(manager).get(URL, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    # SVG geometry is never localized (a decimal comma would break it).
    for number in re.findall(r' (?:width|x|y)="([^"]*)"', html):
        assert "," not in number


def test_query_budget(client_for, manager, data, django_assert_max_num_queries):
    """24 queries (the issue's budget: under 30), the menu's badges warm; 27 in the
    minute they are counted again."""
    from django.core.cache import cache

    client = client_for(manager)
    client.get(URL)  # warm the session and the caches
    with django_assert_max_num_queries(24):
        assert client.get(URL, {"range": "90d"}).status_code == 200
    cache.clear()
    with django_assert_max_num_queries(29):
        assert client.get(URL, {"range": "90d"}).status_code == 200


def test_reasons_chart_links_each_reason_to_its_returns(client_for, manager, company):
    from returns.models import ReturnReason

    from .builders import make_return

    now = timezone.now()
    order = make_order(company, placed=now, status="entregado", quantity=5, delivered_at=now)
    make_return(order, requested=now, quantity=3, reason="defective")
    client = client_for(manager)
    response = client.get(URL, {"range": "today"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "<title>Returned units per reason</title>" in html
    reason = ReturnReason.objects.get(code="defective")
    today = timezone.localdate().isoformat()
    link = (
        f"/backoffice/returns/?reason={reason.pk}&amp;created_after={today}"
        f"&amp;created_before={today}"
    )
    assert f'<a href="{link}">' in html
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.context["paginator"].count == 1
    assert '<tr data-key="defective"><td><a' in html and ">Defective</a>" in html
