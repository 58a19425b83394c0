"""The portal's account area: statement balances with known answers across the range
boundaries, invoices with paid / open / overdue, credit figures, PDFs and CSV, who may
read it, another company's documents (404) and the query budgets."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from decimal import Decimal
from itertools import count

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from documents.account import PaymentState, account_statement, credit_figures
from documents.models import DocumentFile, DocumentKind, DocumentStatus, Invoice, InvoiceKind
from orders.models import Channel, Order, OrderStatus, Payment, PaymentStatus

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
_numbers = count(1)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def make_order(company, total="0.00", **fields) -> Order:
    n = next(_numbers)
    return Order.objects.create(
        number=f"PED-2026-9{n:05d}",
        company=company,
        channel=Channel.PORTAL,
        currency=company.currency,
        total=Decimal(total),
        **fields,
    )


def make_invoice(company, day: dt.date, total: str, *, order=None, corrects=None, due=None):
    """An issued document with exactly ``total`` (a credit note when ``corrects``)."""
    n = next(_numbers)
    kind = InvoiceKind.CREDIT_NOTE if corrects else InvoiceKind.INVOICE
    order = order or (corrects.order if corrects else make_order(company, total))
    return Invoice.objects.create(
        kind=kind,
        number=f"{'AB' if corrects else 'FV'}-{day.year}-9{n:05d}",
        order=order,
        company=company,
        corrects=corrects,
        reason_code="correction" if corrects else "",
        issued_at=local(day.year, day.month, day.day, 12),
        issue_date=day,
        due_date=due or day + dt.timedelta(days=30),
        language=company.language,
        currency=company.currency,
        seller={},
        customer={},
        order_number=order.number,
        payment_terms=company.payment_terms,
        subtotal=Decimal(total),
        discount=Decimal("0.00"),
        shipping=Decimal("0.00"),
        tax=Decimal("0.00"),
        total=Decimal(total),
    )


def pay(order, amount: str, when: dt.datetime) -> Payment:
    return Payment.objects.create(order=order, amount=Decimal(amount), paid_at=when)


def with_pdf(invoice) -> DocumentFile:
    kind = DocumentKind.CREDIT_NOTE if invoice.is_credit_note else DocumentKind.INVOICE
    document = DocumentFile(order=invoice.order, kind=kind, invoice=invoice)
    document.file.save(f"{invoice.number}.pdf", ContentFile(b"%PDF-1.4\n% test\n"), save=False)
    document.status = DocumentStatus.READY
    document.save()
    return document


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def march(company, other_company):
    """Documents and payments around March 2026 (the range), with known totals."""
    before = make_invoice(company, dt.date(2026, 2, 28), "1000.00")
    pay(before.order, "400.00", local(2026, 2, 28, 23, 30))  # the evening before the range
    invoice = make_invoice(company, dt.date(2026, 3, 1), "250.50")
    pay(invoice.order, "100.00", local(2026, 3, 1, 0, 10))  # just after midnight: in
    credit = make_invoice(company, dt.date(2026, 3, 15), "-50.25", corrects=invoice)
    last = make_invoice(company, dt.date(2026, 3, 31), "99.99")
    pay(last.order, "0.01", local(2026, 3, 31, 23, 59))
    after = make_invoice(company, dt.date(2026, 4, 1), "500.00")
    pay(after.order, "10.00", local(2026, 4, 1, 0, 0))
    foreign = make_invoice(other_company, dt.date(2026, 3, 10), "777.77")
    pay(foreign.order, "7.77", local(2026, 3, 10, 10))
    return {"invoice": invoice, "credit": credit, "last": last, "foreign": foreign}


# --- the statement ---------------------------------------------------------------------


def test_statement_balances_to_the_cent_across_the_range_boundaries(company, march):
    statement = account_statement(company, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert statement.opening == Decimal("600.00")  # 1000.00 invoiced - 400.00 paid before
    assert [(line.kind, line.debit, line.credit) for line in statement.lines] == [
        ("invoice", Decimal("250.50"), Decimal("0.00")),
        ("payment", Decimal("0.00"), Decimal("100.00")),
        ("credit_note", Decimal("0.00"), Decimal("50.25")),
        ("invoice", Decimal("99.99"), Decimal("0.00")),
        ("payment", Decimal("0.00"), Decimal("0.01")),
    ]
    assert [line.balance for line in statement.lines] == [
        Decimal("850.50"),
        Decimal("750.50"),
        Decimal("700.25"),
        Decimal("800.24"),
        Decimal("800.23"),
    ]
    assert statement.debits == Decimal("350.49")
    assert statement.credits == Decimal("150.26")
    assert statement.invoiced == Decimal("350.49")
    assert statement.credited == Decimal("50.25")
    assert statement.paid == Decimal("100.01")
    assert statement.closing == Decimal("800.23")
    # The next range opens where this one closed.
    april = account_statement(company, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    assert april.opening == Decimal("800.23") and april.closing == Decimal("1290.23")


def test_statement_has_only_the_company_currency(company):
    make_invoice(company, dt.date(2026, 3, 2), "10.00")
    pln_order = make_order(company, "99.00")
    Order.objects.filter(pk=pln_order.pk).update(currency="PLN")
    pay(pln_order, "99.00", local(2026, 3, 3, 9))
    statement = account_statement(company, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert statement.currency == "EUR" and statement.closing == Decimal("10.00")


def test_statement_page_pdf_and_csv_show_the_same_figures(client_for, buyer, march):
    client = client_for(buyer)
    query = {"start": "2026-03-01", "end": "2026-03-31"}
    page = client.get(reverse("portal:account_statement"), query, **EN)
    assert page.status_code == 200
    assert "600.00" in page.text and "800.23" in page.text
    assert march["invoice"].number in page.text and march["credit"].number in page.text
    assert march["foreign"].number not in page.text and "777.77" not in page.text

    pdf = client.get(reverse("portal:account_statement_pdf"), query)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    # The company's language (Spanish): amounts in its format.
    for expected in ("600,00", "800,23", "350,49", "150,26", march["last"].number):
        assert expected in text
    assert march["foreign"].number not in text

    response = client.get(reverse("portal:account_statement_csv"), query, **EN)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["date", "type", "reference"]
    assert rows[1][1] == "opening_balance" and rows[1][7] == "600.00"
    assert [row[1] for row in rows[2:-1]] == [
        "invoice",
        "payment",
        "credit_note",
        "invoice",
        "payment",
    ]
    assert rows[-1][1] == "closing_balance" and rows[-1][5:8] == ["350.49", "150.26", "800.23"]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "2026-03-31", "end": "2026-03-01"}, "on or after the start date"),
        ({"start": "2001-01-01", "end": "2026-03-01"}, "at most 5 years"),
        ({"start": "1899-01-01", "end": "1899-02-01"}, "at the earliest"),
        ({"start": "2026-03-01", "end": "2999-01-01"}, "cannot end after today"),
        ({"start": "yesterday", "end": "2026-03-01"}, "Enter a valid date"),
        ({"start": "2026-03-01"}, "This field is required"),
    ],
)
@pytest.mark.parametrize(
    "name", ["account_statement", "account_statement_pdf", "account_statement_csv"]
)
def test_absurd_ranges_are_refused_with_a_message(client_for, buyer, query, message, name):
    response = client_for(buyer).get(reverse(f"portal:{name}"), query, **EN)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_statement_without_a_range_shows_the_last_months(client_for, buyer):
    make_invoice(buyer.company, timezone.localdate(), "12.34")
    page = client_for(buyer).get(reverse("portal:account_statement"), **EN)
    assert page.status_code == 200 and "12.34" in page.text


# --- invoices --------------------------------------------------------------------------


def test_invoice_list_shows_paid_open_overdue_and_filters(client_for, buyer, company):
    today = timezone.localdate()
    paid_order = make_order(company, "10.00", payment_status=PaymentStatus.PAID)
    paid = make_invoice(company, today - dt.timedelta(days=40), "10.00", order=paid_order)
    overdue = make_invoice(company, today - dt.timedelta(days=40), "20.00")
    open_ = make_invoice(company, today, "30.00")
    credit = make_invoice(company, today, "-30.00", corrects=open_)
    client = client_for(buyer)
    page = client.get(reverse("portal:account_invoices"), **EN)
    assert page.status_code == 200
    states = {row.number: row.payment_state for row in page.context["invoices"]}
    assert states == {
        paid.number: PaymentState.PAID,
        overdue.number: PaymentState.OVERDUE,
        open_.number: PaymentState.OPEN,
        credit.number: "",
    }
    assert 'data-state="overdue"' in page.text and "Overdue" in page.text

    def numbers(**query):
        response = client.get(reverse("portal:account_invoices"), query)
        return {row.number for row in response.context["invoices"]}

    assert numbers(state="overdue") == {overdue.number}
    assert numbers(state="paid") == {paid.number}
    assert numbers(kind="credit_note") == {credit.number}
    assert numbers(q=open_.order_number) == {open_.number, credit.number}
    assert numbers(issued_to=(today - dt.timedelta(days=1)).isoformat()) == {
        paid.number,
        overdue.number,
    }
    assert numbers(state="bogus") == set()  # an invalid filter shows nothing
    export = client.get(reverse("portal:account_invoices"), {"export": "csv"})
    assert export.status_code == 200
    assert overdue.number in b"".join(export.streaming_content).decode()


def test_invoice_pdf_download_and_another_company_gets_404(client_for, buyer, other_admin, company):
    invoice = make_invoice(company, timezone.localdate(), "42.00")
    with_pdf(invoice)
    url = reverse("portal:account_invoice_pdf", args=[invoice.number])
    response = client_for(buyer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(other_admin).get(url).status_code == 404
    list_page = client_for(other_admin).get(reverse("portal:account_invoices"))
    assert invoice.number not in list_page.text
    # Not rendered yet: 404 too, and the list says it is being prepared.
    pending = make_invoice(company, timezone.localdate(), "1.00")
    response = client_for(buyer).get(reverse("portal:account_invoice_pdf", args=[pending.number]))
    assert response.status_code == 404


def test_another_company_statement_shows_only_its_own(client_for, other_admin, march):
    client = client_for(other_admin)
    query = {"start": "2026-03-01", "end": "2026-03-31"}
    page = client.get(reverse("portal:account_statement"), query)
    assert march["foreign"].number in page.text
    assert march["invoice"].number not in page.text
    pdf = client.get(reverse("portal:account_statement_pdf"), query)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert march["foreign"].number in text and march["invoice"].number not in text


# --- the overview ----------------------------------------------------------------------


def test_account_page_shows_credit_used_available_open_orders_and_terms(
    client_for, customer_admin, company
):
    company.credit_limit = Decimal("1000.00")
    company.save()
    make_order(company, "300.00")  # pending, unpaid: uses credit, open
    make_order(company, "200.00", amount_paid=Decimal("50.00"), payment_status="partial")
    make_order(company, "999.00", status=OrderStatus.CANCELADO)  # neither
    delivered = make_order(
        company, "80.00", status=OrderStatus.ENTREGADO, amount_paid=Decimal("80.00")
    )
    delivered.payment_status = PaymentStatus.PAID
    delivered.save()
    overdue = make_invoice(company, timezone.localdate() - dt.timedelta(days=45), "300.00")
    figures = credit_figures(company)
    assert figures.used == Decimal("750.00")  # 300 + 150 + the overdue invoice's order 300
    assert figures.available == Decimal("250.00")
    assert figures.open_orders == Decimal("800.00") and figures.open_orders_count == 3
    assert figures.overdue == Decimal("300.00") and figures.open_invoices == Decimal("300.00")
    page = client_for(customer_admin).get(reverse("portal:account"), **EN)
    assert page.status_code == 200
    assert "1,000.00\xa0EUR" in page.text and "250.00\xa0EUR" in page.text
    assert "Net 30 days" in page.text and overdue.number in page.text
    assert 'id="account-store-credit"' in page.text  # the returns' slot
    assert 'aria-current="page"' in page.text


def test_available_credit_never_goes_below_zero(company):
    company.credit_limit = Decimal("100.00")
    company.save()
    make_order(company, "150.00")
    assert credit_figures(company).available == Decimal("0.00")


@pytest.mark.parametrize("role", ["customer_admin", "buyer", "viewer"])
def test_every_company_role_reads_the_account_area(client_for, request, role):
    client = client_for(request.getfixturevalue(role))
    for name in ("account", "account_invoices", "account_statement"):
        assert client.get(reverse(f"portal:{name}")).status_code == 200


def test_staff_and_anonymous_are_kept_out(client, client_for, manager):
    response = client.get(reverse("portal:account"))
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]
    assert client_for(manager).get(reverse("portal:account")).status_code == 404


def test_account_pages_render_in_polish_and_spanish(client_for, buyer, march):
    client = client_for(buyer)
    for language in ("es", "pl"):
        for name in ("account", "account_invoices", "account_statement"):
            response = client.get(reverse(f"portal:{name}"), HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200
            assert f'lang="{language}"' in response.text


def test_account_menu_entry_after_returns(client_for, buyer):
    page = client_for(buyer).get(reverse("portal:account"), **EN)
    menu = [item["key"] for item in page.context["menu"]]
    assert menu.index("orders") < menu.index("returns") < menu.index("account")
    assert page.context["section"] == "account"


# --- query budgets ----------------------------------------------------------------------


def _grow(company, n):
    today = timezone.localdate()
    for i in range(n):
        invoice = make_invoice(company, today - dt.timedelta(days=i), f"{i + 1}.00")
        with_pdf(invoice)
        pay(invoice.order, "0.50", timezone.now() - dt.timedelta(days=i))


@pytest.mark.parametrize("name", ["account", "account_invoices", "account_statement"])
def test_account_pages_cost_the_same_for_2_and_20_rows(
    client_for, buyer, django_assert_max_num_queries, name
):
    client = client_for(buyer)
    _grow(buyer.company, 2)
    client.get(reverse(f"portal:{name}"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse(f"portal:{name}"))
    _grow(buyer.company, 18)
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse(f"portal:{name}"))
    assert response.status_code == 200
    with django_assert_max_num_queries(15):
        client.get(reverse(f"portal:{name}"))
