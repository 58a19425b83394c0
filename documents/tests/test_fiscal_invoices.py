"""What the invoice says of the fiscal position (legal mention, both prefixed VAT
numbers), the VAT in euros of a non-euro invoice, and the invoice that waits for an
exchange rate (not issued, shown, alerted, issued once a rate is saved)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from core.models import AuditEntry
from customers.exchange_rates import InvalidExchangeRate, save_exchange_rate
from customers.models import ExchangeRate
from customers.tests.factories import CompanyFactory
from documents.models import (
    DocumentKind,
    DocumentStatus,
    Invoice,
    InvoiceKind,
    InvoiceWait,
)
from documents.templatetags.documents_tags import amount
from pricing.tests.factories import price_every_product

from .test_serving import document, pdf_text, read

pytestmark = pytest.mark.django_db

VALID_PL = "PL5260250995"
INTRA_EU = "Exempt intra-Community supply (art. 25 Ley 37/1992)"
EXPORT = "Exempt export (art. 21 Ley 37/1992)"
RATES = ("EXCHANGE", "rate")


def polish(currency="EUR", language="pl", vat_number=VALID_PL):
    if currency != "EUR":
        price_every_product(currency)  # a złoty price for what the tests order
    return CompanyFactory(
        legal_name="Hurtownia Kowalski Sp. z o.o.",
        country="PL",
        city="Warszawa",
        language=language,
        currency=currency,
        vat_number=vat_number,
    )


def invoice_text(order) -> str:
    return pdf_text(read(document(order, DocumentKind.INVOICE)))


def in_language(language, text):
    with translation.override(language):
        return gettext(text)


@pytest.mark.parametrize("language", ["pl", "es", "en"])
def test_an_intra_eu_invoice_has_the_legal_mention_and_both_vat_numbers(place, prepare, language):
    order = prepare(place(polish(language=language)))
    invoice = Invoice.objects.get(order=order)
    assert invoice.fiscal_position == "intra_eu" and invoice.tax == Decimal("0.00")
    assert invoice.seller_vat_number == "ESB12345674"
    assert invoice.customer_vat_number == VALID_PL
    text = invoice_text(order)
    assert in_language(language, INTRA_EU) in text
    assert "ESB12345674" in text and VALID_PL in text
    assert "Ley 37/1992" in text
    # The customer's Tax ID (its NIP) is printed too, as on file.
    assert order.company.tax_id in text


def test_an_export_invoice_says_so_in_spanish(place, prepare):
    swiss = CompanyFactory(country="CH", city="Zürich", language="es")
    order = prepare(place(swiss))
    invoice = Invoice.objects.get(order=order)
    assert invoice.fiscal_position == "export" and invoice.tax == Decimal("0.00")
    text = invoice_text(order)
    assert in_language("es", EXPORT) in text and "art. 21 Ley 37/1992" in text
    assert in_language("es", INTRA_EU) not in text


def test_a_domestic_invoice_has_no_exemption_mention(company, place, prepare):
    order = prepare(place(company))
    text = invoice_text(order)
    assert "Ley 37/1992" not in text
    assert Invoice.objects.get(order=order).fiscal_position == "domestic"


def test_a_pln_invoice_states_its_vat_in_euros_at_the_latest_rate(place, prepare):
    today = timezone.localdate()
    save_exchange_rate(
        actor=None, currency="PLN", rate_to_eur="0.230000", date=today - dt.timedelta(5)
    )
    save_exchange_rate(
        actor=None, currency="PLN", rate_to_eur="0.234500", date=today - dt.timedelta(1)
    )
    save_exchange_rate(
        actor=None, currency="PLN", rate_to_eur="0.300000", date=today + dt.timedelta(3)
    )
    # No VAT number: the Spanish rates apply, in zloty.
    order = prepare(place(polish(currency="PLN", vat_number="")))
    invoice = Invoice.objects.get(order=order)
    assert invoice.currency == "PLN" and invoice.fiscal_position == "domestic"
    assert invoice.tax > 0
    assert invoice.exchange_rate == Decimal("0.234500")
    assert invoice.exchange_rate_date == today - dt.timedelta(1)
    assert invoice.tax_eur == (invoice.tax * Decimal("0.2345")).quantize(Decimal("0.01"))
    assert invoice.total == invoice.subtotal - invoice.discount + invoice.shipping + invoice.tax
    text = invoice_text(order)
    with translation.override("pl"):
        assert f"{amount(invoice.tax_eur)} EUR" in text
        assert amount(Decimal("0.2345"), 6) in text
        assert gettext("VAT in EUR") in text
        assert date_format(today - dt.timedelta(1), "SHORT_DATE_FORMAT") in text


def test_without_a_rate_the_invoice_waits_is_shown_and_is_issued_once_a_rate_exists(
    place,
    prepare,
    flush,
    client_for,
    service_agent,
    api,
    seller_key,
):
    order = prepare(place(polish(currency="PLN")))
    # Not issued; the warehouse papers are.
    assert not Invoice.objects.filter(order=order).exists()
    kinds = set(order.documents.values_list("kind", flat=True))
    assert kinds == {DocumentKind.PACKING_LIST, DocumentKind.SHIPPING_LABEL}
    wait = InvoiceWait.objects.get(order=order)
    assert wait.reason == "no_exchange_rate" and wait.resolved_at is None

    # Staff see why on the order, and the alert on the home page and the rates page.
    client = client_for(service_agent)
    detail = client.get(reverse("backoffice:order_detail", args=[order.number])).content.decode()
    assert 'id="invoice-wait"' in detail and "PLN" in detail
    home = client.get(reverse("backoffice:home")).content.decode()
    assert str(gettext("Invoices waiting for an exchange rate")) in home
    from core.navigation import backoffice_menu

    badges = {entry["key"]: entry["badge"] for entry in backoffice_menu(service_agent)}
    assert badges["exchange_rates"]["count"] == 1
    rates_page = client.get(reverse("backoffice:exchange_rate_list")).content.decode()
    assert 'id="invoices-waiting"' in rates_page and order.number in rates_page

    # A rate through the API: the documents consumer issues the invoice.
    with flush():
        response = api(seller_key).post(
            "/api/v1/exchange-rates/",
            {"currency": "PLN", "rate_to_eur": "0.2350", "date": timezone.localdate().isoformat()},
            format="json",
        )
    assert response.status_code == 201, response.json()
    invoice = Invoice.objects.get(order=order, kind=InvoiceKind.INVOICE)
    assert invoice.exchange_rate == Decimal("0.235000")
    assert invoice.document.status == DocumentStatus.READY
    wait.refresh_from_db()
    assert wait.resolved_at is not None
    detail = client.get(reverse("backoffice:order_detail", args=[order.number])).content.decode()
    assert 'id="invoice-wait"' not in detail
    # Another rate later: nothing issued twice.
    with flush():
        save_exchange_rate(
            actor=None,
            currency="PLN",
            rate_to_eur="0.24",
            date=timezone.localdate() - dt.timedelta(days=10),
        )
    assert Invoice.objects.filter(order=order).count() == 1


def test_a_rate_dated_after_today_does_not_release_the_invoice(place, prepare, flush):
    order = prepare(place(polish(currency="PLN")))
    with flush():
        save_exchange_rate(
            actor=None,
            currency="PLN",
            rate_to_eur="0.24",
            date=timezone.localdate() + dt.timedelta(days=2),
        )
    assert not Invoice.objects.filter(order=order).exists()
    assert InvoiceWait.objects.get(order=order).resolved_at is None


def test_a_credit_note_keeps_the_invoices_fiscal_snapshot(place, prepare, cancel):
    save_exchange_rate(actor=None, currency="PLN", rate_to_eur="0.25", date=timezone.localdate())
    order = prepare(place(polish(currency="PLN")))
    cancel(order)
    credit = Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE)
    invoice = credit.corrects
    assert credit.fiscal_position == invoice.fiscal_position == "intra_eu"
    assert credit.customer_vat_number == VALID_PL
    assert credit.exchange_rate == invoice.exchange_rate
    assert credit.tax_eur == -invoice.tax_eur
    text = pdf_text(read(credit.document))
    assert in_language("pl", INTRA_EU) in text and VALID_PL in text


# --- exchange rates ---------------------------------------------------------------------


def test_exchange_rates_api(api, seller_key, company_key):
    seller = api(seller_key)
    url = "/api/v1/exchange-rates/"
    created = seller.post(
        url, {"currency": "PLN", "rate_to_eur": "0.2345", "date": "2026-03-02"}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["rate_to_eur"] == "0.234500" and created.json()["currency"] == "PLN"
    for body, field in [
        ({"currency": "USD", "rate_to_eur": "0.9", "date": "2026-03-02"}, "currency"),
        ({"currency": "EUR", "rate_to_eur": "1", "date": "2026-03-02"}, "currency"),
        ({"currency": "PLN", "rate_to_eur": "0", "date": "2026-03-03"}, "rate_to_eur"),
        ({"currency": "PLN", "rate_to_eur": "-1.5", "date": "2026-03-03"}, "rate_to_eur"),
        ({"currency": "PLN", "rate_to_eur": "0.25", "date": "2026-03-02"}, "date"),
        ({"currency": "PLN", "rate_to_eur": "0.25", "date": "tomorrow"}, "date"),
        ({"currency": "PLN", "rate_to_eur": "abc", "date": "2026-03-04"}, "rate_to_eur"),
    ]:
        refused = seller.post(url, body, format="json")
        assert refused.status_code == 400, body
        assert field in refused.json()["fields"], (body, refused.json())
    assert ExchangeRate.objects.count() == 1
    listed = seller.get(url, {"currency": "PLN"})
    assert listed.status_code == 200
    assert [row["date"] for row in listed.json()["results"]] == ["2026-03-02"]
    assert seller.get(url, {"updated_since": "2999-01-01T00:00:00Z"}).json()["results"] == []
    assert api(company_key).get(url).status_code == 403
    assert api(company_key).post(url, {}, format="json").status_code == 403
    entry = AuditEntry.objects.get(content_type__model="exchangerate")
    assert entry.changes["rate_to_eur"] == [None, "0.234500"]


def test_exchange_rates_backoffice_list_add_and_csv(client_for, service_agent, warehouse_worker):
    client = client_for(service_agent)
    form = client.get(reverse("backoffice:exchange_rate_create"))
    assert form.status_code == 200
    bad = client.post(
        reverse("backoffice:exchange_rate_create"),
        {"currency": "PLN", "rate_to_eur": "0", "date": "2026-03-02"},
    )
    assert bad.status_code == 400 and "rate_to_eur" in bad.context["form"].errors
    done = client.post(
        reverse("backoffice:exchange_rate_create"),
        {"currency": "PLN", "rate_to_eur": "0.2345", "date": "2026-03-02"},
    )
    assert done.status_code == 302
    duplicate = client.post(
        reverse("backoffice:exchange_rate_create"),
        {"currency": "PLN", "rate_to_eur": "0.25", "date": "2026-03-02"},
    )
    assert duplicate.status_code == 400 and "date" in duplicate.context["form"].errors
    page = client.get(reverse("backoffice:exchange_rate_list"))
    assert "0.234500" in page.content.decode() or "0,234500" in page.content.decode()
    csv = client.get(reverse("backoffice:exchange_rate_list"), {"export": "csv"})
    content = b"".join(csv.streaming_content) if csv.streaming else csv.content
    assert csv.status_code == 200 and b"2026-03-02" in content and b"PLN" in content
    warehouse = client_for(warehouse_worker)
    assert warehouse.get(reverse("backoffice:exchange_rate_list")).status_code == 200
    assert warehouse.get(reverse("backoffice:exchange_rate_create")).status_code == 403


def test_the_service_refuses_customers_and_bad_input(buyer):
    from core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        save_exchange_rate(actor=buyer, currency="PLN", rate_to_eur="1", date=dt.date(2026, 1, 1))
    with pytest.raises(InvalidExchangeRate) as error:
        save_exchange_rate(actor=None, currency="pln", rate_to_eur=0.23, date="2026-01-01")
    assert set(error.value.fields) == {"rate_to_eur", "date"}
    assert not ExchangeRate.objects.exists()
