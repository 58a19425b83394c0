"""The customer 360 panel on a company's back-office page (``kpis.customer_summary``)."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import CompanyFactory
from dashboard import kpis
from dashboard.customer import read_period
from dashboard.periods import preset_period
from documents.models import Invoice, InvoiceKind
from notifications.models import SatisfactionRating

from .builders import madrid, make_complaint, make_order, make_return

pytestmark = pytest.mark.django_db
MARCH = kpis.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
_numbers = itertools.count(1)


def page(company) -> str:
    return reverse("backoffice:customer_detail", args=[company.pk])


def get_html(client, company, params=None, language="en") -> str:
    """The company page in ``language``, no-break spaces (between an amount and its
    currency, in Polish thousands) as plain spaces."""
    response = client.get(page(company), params or {}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode().replace("\xa0", " ")


IN_MARCH = {"c360_from": "2026-03-01", "c360_to": "2026-03-31"}


def make_invoice(order, *, due: dt.date) -> Invoice:
    n = next(_numbers)
    issued = order.created_at
    return Invoice.objects.create(
        kind=InvoiceKind.INVOICE,
        number=f"FV-2026-9{n:05d}",
        order=order,
        company=order.company,
        issued_at=issued,
        issue_date=issued.date(),
        due_date=due,
        language="es",
        currency=order.currency,
        seller={},
        customer={},
        order_number=order.number,
        payment_terms="net30",
        subtotal=order.total,
        discount=Decimal("0.00"),
        shipping=Decimal("0.00"),
        tax=Decimal("0.00"),
        total=order.total,
    )


def paid(**fields):
    return {"payment_status": "paid", "amount_paid": Decimal(fields.pop("total")), **fields}


@pytest.fixture
def customer():
    """A EUR customer with a 1,000 limit and a March of known figures."""
    company = CompanyFactory(credit_limit=Decimal("1000.00"))
    today = timezone.localdate()
    delivered = make_order(
        company,
        placed=madrid(2026, 3, 2, 10),
        status="entregado",
        quantity=4,
        total="100.00",
        delivered_at=madrid(2026, 3, 5, 12),
    )
    pending = make_order(company, placed=madrid(2026, 3, 10), quantity=2, total="300.00")
    make_order(company, placed=madrid(2026, 3, 20), status="cancelado", total="50.00")
    # The range's edges in Madrid time: 23:59 on the 31st is in, 23:30 on 28 Feb is not.
    late_march = make_order(company, placed=madrid(2026, 3, 31, 23, 59), total="200.00")
    make_order(company, placed=madrid(2026, 2, 28, 23, 30), **paid(total="999.00"))
    make_order(company, placed=madrid(2026, 4, 1, 0, 0), **paid(total="70.00"))
    make_return(delivered, requested=madrid(2026, 3, 6), quantity=1)
    make_complaint(company, filed=madrid(2026, 3, 8))
    make_complaint(
        company,
        filed=madrid(2026, 3, 9),
        status="cerrada",
        rating_score=2,
        rated_at=madrid(2026, 3, 15),
    )
    SatisfactionRating.objects.create(order=delivered, score=4, rated_at=madrid(2026, 3, 7))
    make_invoice(pending, due=today - dt.timedelta(days=3))  # overdue
    make_invoice(late_march, due=today + dt.timedelta(days=20))  # open
    return company


@pytest.fixture
def rival():
    """Another company with figures of its own in the same range."""
    company = CompanyFactory(credit_limit=Decimal("5.00"))
    order = make_order(company, placed=madrid(2026, 3, 3), total="7777.00")
    make_complaint(company, filed=madrid(2026, 3, 3))
    make_invoice(order, due=timezone.localdate() - dt.timedelta(days=1))
    return company


def test_summary_has_the_known_answers(customer, rival, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        summary = kpis.customer_summary(customer, MARCH)
    assert summary["orders"]["placed"] == 4
    assert summary["orders"]["cancelled"] == 1
    assert summary["revenue"] == [
        {
            "currency": "EUR",
            "orders": 3,
            "revenue": Decimal("600.00"),
            "average_order_value": Decimal("200.00"),
        }
    ]
    credit = summary["credit"]
    # Unpaid, not cancelled: 100 + 300 + 200 (the orders of February and April are paid).
    assert credit["used"] == Decimal("600.00")
    assert credit["limit"] == Decimal("1000.00")
    assert credit["used_rate"] == Decimal("0.6000")
    assert credit["open_invoices"] == Decimal("500.00")
    assert credit["overdue"] == Decimal("300.00")
    returned = summary["returns"]
    assert (returned["units_returned"], returned["units_delivered"]) == (1, 4)
    assert returned["rate_units"] == Decimal("0.2500")
    assert returned["rate_orders"] == Decimal("1.0000")
    assert summary["complaints_open"]["total"] == 1
    assert summary["csat"]["responses"] == 2
    assert summary["csat"]["average"] == Decimal("3.00")
    assert summary["last_order"]["created_at"] == madrid(2026, 4, 1)


def test_summary_of_a_company_without_orders(django_assert_max_num_queries):
    company = CompanyFactory(credit_limit=Decimal("0.00"))
    with django_assert_max_num_queries(11):
        summary = kpis.customer_summary(company, MARCH)
    assert summary["orders"]["placed"] == 0
    assert summary["revenue"] == []
    assert summary["credit"]["used"] == Decimal("0.00")
    # No limit, no deliveries, no ratings: nothing to divide by.
    assert summary["credit"]["used_rate"] is None
    assert summary["returns"]["rate_units"] is None
    assert summary["returns"]["rate_orders"] is None
    assert summary["csat"]["average"] is None
    assert summary["complaints_open"]["total"] == 0
    assert summary["last_order"] is None


def test_used_rate_above_one_when_over_the_limit():
    company = CompanyFactory(credit_limit=Decimal("100.00"))
    make_order(company, placed=madrid(2026, 3, 2), total="150.00")
    assert kpis.customer_summary(company, MARCH)["credit"]["used_rate"] == Decimal("1.5000")


def test_panel_shows_the_figures_and_links_to_the_lists_behind_them(client_for, manager, customer):
    html = get_html(client_for(manager), customer, IN_MARCH)
    # Above the timeline.
    assert html.index('id="customer-360"') < html.index('id="timeline"')
    pk = customer.pk
    ranged = "created_after=2026-03-01&amp;created_before=2026-03-31"
    assert f'href="/backoffice/orders/?tab=all&amp;customer={pk}&amp;{ranged}">4</a>' in html
    assert "1 cancelled" in html
    assert "600.00 EUR" in html and "200.00 EUR" in html
    assert f'href="/backoffice/orders/?tab=all&amp;customer={pk}">600.00 EUR</a>' in html
    assert 'value="600.00" max="1000.00"' in html  # the bar: numbers never localized
    assert "(60.0 %)" in html
    assert '<a class="fs-5 text-decoration-none" href="#c360-unpaid">500.00 EUR</a>' in html
    assert "300.00 EUR</a>" in html
    assert f'href="/backoffice/returns/?customer={pk}&amp;{ranged}">25.0 %</a>' in html
    assert "1 of 4 units delivered" in html
    complaints = f"/backoffice/complaints/register/?company={pk}&amp;open=1"
    assert f'href="{complaints}">1</a>' in html
    assert "3.00 / 5" in html and "2 ratings" in html
    last = customer.orders.get(created_at=madrid(2026, 4, 1))
    assert f'href="/backoffice/orders/{last.number}/">{last.number}</a>' in html
    # The unpaid invoices behind the balance, the overdue one marked.
    assert html.count("data-invoice=") == 2
    overdue = customer.invoices.get(total=Decimal("300.00"))
    assert f'<tr data-invoice="{overdue.number}" class="table-danger">' in html


def test_drill_down_lists_match_their_figures(client_for, manager, customer, rival):
    client = client_for(manager)
    context = client.get(page(customer), {"c360_from": "2026-03-01", "c360_to": "2026-03-31"})
    summary = kpis.customer_summary(customer, MARCH)
    orders = client.get(
        "/backoffice/orders/",
        {
            "tab": "all",
            "customer": customer.pk,
            "created_after": "2026-03-01",
            "created_before": "2026-03-31",
        },
    )
    assert context.status_code == 200
    assert orders.context["paginator"].count == summary["orders"]["placed"]
    complaints = client.get(
        "/backoffice/complaints/register/", {"company": customer.pk, "open": "1"}
    )
    assert complaints.context["paginator"].count == summary["complaints_open"]["total"]


def test_panel_shows_only_this_companys_figures(client_for, manager, customer, rival):
    html = get_html(client_for(manager), rival, IN_MARCH)
    assert "7,777.00 EUR" in html
    assert "600.00 EUR" not in html
    assert html.count("data-invoice=") == 1
    for number in customer.orders.values_list("number", flat=True):
        assert number not in html


def test_a_polish_company_in_zloty(client_for, manager):
    company = CompanyFactory(currency="PLN", language="pl", credit_limit=Decimal("20000.00"))
    make_order(company, placed=madrid(2026, 3, 4), total="12345.60")
    summary = kpis.customer_summary(company, MARCH)
    assert summary["revenue"][0]["currency"] == "PLN"
    assert summary["credit"]["currency"] == "PLN"
    html = get_html(client_for(manager), company, IN_MARCH, language="pl")
    assert "12 345,60 PLN" in html  # revenue and average order value
    assert "20 000,00 PLN" in html  # the limit
    assert 'value="12345.60" max="20000.00"' in html


@pytest.mark.parametrize(
    ("language", "amount", "date"),
    [
        ("es", "1.000,00 EUR", "31/03/2026"),
        ("en", "1,000.00 EUR", "03/31/2026"),
        ("pl", "1 000,00 EUR", "31.03.2026"),
    ],
)
def test_renders_in_every_language(client_for, manager, customer, language, amount, date):
    html = get_html(client_for(manager), customer, IN_MARCH, language=language)
    assert f'<html lang="{language}">' in html
    assert amount in html  # the credit limit, in the reader's format
    assert date in html  # the range shown
    assert 'value="600.00" max="1000.00"' in html  # never localized


def test_an_empty_company_page_does_not_crash(client_for, manager):
    company = CompanyFactory(credit_limit=Decimal("0.00"))
    html = get_html(client_for(manager), company)
    assert 'id="customer-360"' in html
    assert "No orders yet." in html
    assert "No limit" in html
    assert "No unpaid invoices." in html


def test_default_range_is_ninety_days_and_presets_keep_the_other_parameters(
    client_for, manager, customer
):
    response = client_for(manager).get(page(customer), {"kind": "orders"})
    context = response.context
    assert context["period"] == preset_period("90d")
    html = response.content.decode()
    assert f'href="{page(customer)}?kind=orders&amp;c360_range=7d#customer-360"' in html
    # The custom range's form keeps them too.
    assert '<input type="hidden" name="kind" value="orders">' in html


def test_presets_and_bad_ranges():
    assert read_period({"c360_range": "7d"})[:2] == (preset_period("7d"), "7d")
    assert read_period({"c360_range": "nonsense"})[:2] == (preset_period("90d"), "90d")
    period, preset, errors = read_period({"c360_from": "2026-03-31", "c360_to": "2026-03-01"})
    assert (period, preset) == (preset_period("90d"), "90d")
    assert set(errors) == {"c360_to"}
    # The dashboard's own parameters mean nothing here.
    assert read_period({"range": "7d", "from": "2026-01-01"})[:2] == (preset_period("90d"), "90d")


def test_a_bad_range_says_so_and_shows_the_default(client_for, manager, customer):
    html = get_html(client_for(manager), customer, {"c360_from": "31/03/2026", "c360_to": "x"})
    assert 'id="c360-range-errors"' in html
    assert html.count("Enter a valid date (YYYY-MM-DD).") == 2
    assert "Showing the last 90 days instead." in html
    assert 'id="c360-from" name="c360_from"' in html and "is-invalid" in html


@pytest.mark.parametrize("role_fixture", ["customer_admin", "buyer", "viewer"])
def test_customer_users_never_reach_the_panel(request, client_for, customer, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = client_for(user).get(page(customer))
    assert response.status_code == 404
    assert b"customer-360" not in response.content


def _page_queries(client, company) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page(company), IN_MARCH)
    assert response.status_code == 200
    return len(queries)


def test_the_whole_page_in_a_constant_number_of_queries(client_for, manager, customer):
    """As many queries with one order as with dozens of orders, returns, complaints
    and a full timeline (each entry linked to its subject), and under the issue's 30:
    29, of which 12 are the 360 (11 figures and the unpaid invoices), 3 the timeline
    (tab counts, entries, one per kind of subject linked; orders here) and 14 the rest
    of the page (session, user, the company with its price list, its tags and
    addresses, the staff roles, the effective price list, the contract prices, the
    complaints badge, the abuse flag, the users, the store credit, the complaints
    panel, the audit trail). The menu's badges are counted once a minute (warm here)."""
    from customers.services import append_timeline

    client = client_for(manager)
    append_timeline(
        company=customer, kind="order", summary="First", subject=customer.orders.first()
    )
    client.get(page(customer))  # warm the content types' cache and the session
    few = _page_queries(client, customer)
    for day in range(1, 29):
        order = make_order(customer, placed=madrid(2026, 3, day), total="10.00")
        for _ in range(4):
            append_timeline(company=customer, kind="order", summary=order.number, subject=order)
        make_return(order, requested=madrid(2026, 3, day, 12))
        make_complaint(customer, filed=madrid(2026, 3, day, 13))
    many = _page_queries(client, customer)
    assert many == few
    assert many <= 29


def test_the_menus_badges_are_counted_once_per_page(client_for, manager, customer):
    """The panels render with the request; the menu (and its badge counts) is computed
    once for the whole page, not again for each panel."""
    from django.core.cache import cache

    client = client_for(manager)
    client.get(page(customer))
    cache.clear()  # the badges' counts are reused for a minute: count them again
    with CaptureQueriesContext(connection) as queries:
        client.get(page(customer))
    low_stock = [q["sql"] for q in queries if 'FROM "inventory_stockitem"' in q["sql"]]
    assert len(low_stock) == 1
