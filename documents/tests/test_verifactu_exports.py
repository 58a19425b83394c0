"""The XML exports over HTTP, after the invoice's PDF exists: the API's document record
and date-range export (seller keys), the back-office export page, the anulación action
and KSeF FA(3) behind its setting; tenancy (404 for another company's key)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from lxml import etree

from apikeys.services import create_api_key
from core.models import AuditEntry
from customers.exchange_rates import save_exchange_rate
from customers.tests.factories import CompanyFactory
from documents import ksef
from documents.models import DocumentKind, Invoice, InvoiceLine, VerifactuRecord
from documents.verifactu import building

from .test_serving import document

pytestmark = pytest.mark.django_db

NS = {"sf": building.SF, "sfLR": building.SFLR}
POLISH_NIP = "5260250995"
BUYER_NIP = "PL7740001454"


def api(client, raw, path):
    return client.get(path, HTTP_AUTHORIZATION=f"Api-Key {raw}", HTTP_ACCEPT_LANGUAGE="en")


def parse(response):
    return etree.fromstring(response.content)


# --- API --------------------------------------------------------------------------------


def test_api_document_record_for_its_company_and_404_for_another(
    client, prepared_order, other_company
):
    assert document(prepared_order, DocumentKind.INVOICE).is_ready  # the PDF exists
    invoice = Invoice.objects.get(order=prepared_order)
    _key, own = create_api_key(name="ERP Gómez", company=prepared_order.company)
    response = api(client, own, f"/api/v1/invoices/{invoice.number}/verifactu.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = parse(response)
    assert building.validate(root) == []
    (alta,) = root.findall("sfLR:RegistroFactura/sf:RegistroAlta", NS)
    assert alta.findtext("sf:IDFactura/sf:NumSerieFactura", namespaces=NS) == invoice.number
    assert root.findtext("sfLR:Cabecera/sf:ObligadoEmision/sf:NIF", namespaces=NS) == "B12345674"
    _key, other = create_api_key(name="ERP Kowalski", company=other_company)
    foreign = api(client, other, f"/api/v1/invoices/{invoice.number}/verifactu.xml")
    assert foreign.status_code == 404 and foreign.json()["code"] == "not_found"
    assert client.get(f"/api/v1/invoices/{invoice.number}/verifactu.xml").status_code == 401


def test_api_document_record_404_when_verifactu_is_off(client, prepared_order, settings):
    invoice = Invoice.objects.get(order=prepared_order)
    _key, raw = create_api_key(name="ERP")
    settings.SII_REPORTING = True
    response = api(client, raw, f"/api/v1/invoices/{invoice.number}/verifactu.xml")
    assert response.status_code == 404
    response = api(client, raw, "/api/v1/invoices/verifactu.xml?from=2000-01-01&to=2100-01-01")
    assert response.status_code == 404


def test_api_range_export_for_seller_keys(client, company, place, prepare, cancel):
    first = prepare(place(company))
    prepare(place(company))
    cancel(first)
    _key, seller = create_api_key(name="ERP")
    today = timezone.localdate()
    response = api(
        client, seller, f"/api/v1/invoices/verifactu.xml?from={today:%Y-%m-%d}&to={today:%Y-%m-%d}"
    )
    assert response.status_code == 200
    root = parse(response)
    assert building.validate(root) == []
    numbers = [
        e.findtext("sf:IDFactura/sf:NumSerieFactura", namespaces=NS)
        for e in root.iterfind("sfLR:RegistroFactura/sf:RegistroAlta", NS)
    ]
    assert numbers == list(
        VerifactuRecord.objects.order_by("sequence").values_list("invoice_number", flat=True)
    )
    assert len(numbers) == 3  # two invoices and the cancellation's credit note
    assert "attachment" not in response["Content-Disposition"]
    _key, company_key = create_api_key(name="Procurement", company=company)
    refused = api(client, company_key, f"/api/v1/invoices/verifactu.xml?from={today}&to={today}")
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=2026-13-01&to=2026-12-31", "from"), ("from=2026-01-01", "to"), ("", "from")],
)
def test_api_range_export_bad_dates_are_400(client, query, field):
    _key, seller = create_api_key(name="ERP")
    response = api(client, seller, f"/api/v1/invoices/verifactu.xml?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["fields"]
    assert body["detail"] == "Enter the dates as YYYY-MM-DD."


def test_api_range_export_of_an_empty_or_reversed_range_is_404(client, prepared_order):
    _key, seller = create_api_key(name="ERP")
    empty = api(client, seller, "/api/v1/invoices/verifactu.xml?from=2001-01-01&to=2001-01-31")
    assert empty.status_code == 404 and empty.json()["code"] == "not_found"
    assert "no VeriFactu records" in empty.json()["detail"]
    reversed_ = api(client, seller, "/api/v1/invoices/verifactu.xml?from=2001-02-01&to=2001-01-31")
    assert reversed_.status_code == 404
    assert reversed_.json()["detail"] == "The start date is after the end date."


def test_api_ksef_is_404_without_the_polish_establishment(client, prepared_order):
    invoice = Invoice.objects.get(order=prepared_order)
    _key, seller = create_api_key(name="ERP")
    response = api(client, seller, f"/api/v1/invoices/{invoice.number}/ksef.xml")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


# --- back-office -----------------------------------------------------------------------


def test_backoffice_export_page_downloads_the_range(client_for, manager, prepared_order):
    client = client_for(manager)
    url = reverse("backoffice:verifactu_export")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-verifactu="on"' in html and "B12345674" in html
    assert "no fixed establishment in Poland" in html  # KSeF off, and why
    today = timezone.localdate().isoformat()
    response = client.get(url, {"date_from": today, "date_to": today})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    root = etree.fromstring(response.content)
    assert building.validate(root) == []
    assert len(root.findall("sfLR:RegistroFactura", NS)) == 1
    bad = client.get(url, {"date_from": today, "date_to": "2001-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert (
        bad.status_code == 200 and "The end date is before the start date." in bad.content.decode()
    )
    empty = client.get(
        url, {"date_from": "2001-01-01", "date_to": "2001-01-02"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "no VeriFactu records" in empty.content.decode()


def test_backoffice_page_says_why_verifactu_is_off(client_for, manager, settings):
    settings.SII_REPORTING = True
    html = (
        client_for(manager)
        .get(reverse("backoffice:verifactu_export"), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert 'data-verifactu="off"' in html and "reports its invoices through the SII" in html
    assert 'id="verifactu-export"' not in html


def test_order_page_offers_the_record_and_its_cancellation(client_for, manager, prepared_order):
    invoice = Invoice.objects.get(order=prepared_order)
    client = client_for(manager)
    html = client.get(
        reverse("backoffice:order_detail", args=[prepared_order.number])
    ).content.decode()
    xml_url = reverse("backoffice:invoice_verifactu_xml", args=[invoice.number])
    cancel_url = reverse("backoffice:verifactu_cancel", args=[invoice.number])
    assert xml_url in html and cancel_url in html
    assert 'data-export="ksef"' not in html  # KSeF off: not offered
    download = client.get(xml_url)
    assert download.status_code == 200
    assert building.validate(etree.fromstring(download.content)) == []


def test_a_manager_cancels_a_record_with_a_reason(client_for, manager, prepared_order):
    invoice = Invoice.objects.get(order=prepared_order)
    client = client_for(manager)
    url = reverse("backoffice:verifactu_cancel", args=[invoice.number])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 400 and not VerifactuRecord.objects.filter(kind="anulacion")
    response = client.post(url, {"reason": "Emitida por error"})
    assert response.status_code == 302
    record = VerifactuRecord.objects.get(kind="anulacion")
    assert record.reason == "Emitida por error" and record.created_by == manager
    assert AuditEntry.objects.filter(object_id=str(record.pk)).exists()
    again = client.post(url, {"reason": "Otra vez"}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200 or again.status_code == 400
    assert "already cancelled" in again.content.decode()
    assert VerifactuRecord.objects.filter(kind="anulacion").count() == 1
    # Both records in the document's export.
    xml = etree.fromstring(
        client.get(reverse("backoffice:invoice_verifactu_xml", args=[invoice.number])).content
    )
    assert building.validate(xml) == []
    assert len(xml.findall("sfLR:RegistroFactura/sf:RegistroAnulacion", NS)) == 1
    page = client.get(reverse("backoffice:verifactu_export"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Emitida por error" in page.content.decode()


def test_only_managers_cancel_records(client_for, service_agent, prepared_order):
    invoice = Invoice.objects.get(order=prepared_order)
    url = reverse("backoffice:verifactu_cancel", args=[invoice.number])
    client = client_for(service_agent)
    assert client.post(url, {"reason": "No"}).status_code == 403
    assert not VerifactuRecord.objects.filter(kind="anulacion").exists()


def test_customers_get_404_on_the_backoffice_exports(client_for, customer_admin, prepared_order):
    invoice = Invoice.objects.get(order=prepared_order)
    client = client_for(customer_admin)
    for url in (
        reverse("backoffice:verifactu_export"),
        reverse("backoffice:invoice_verifactu_xml", args=[invoice.number]),
        reverse("backoffice:verifactu_cancel", args=[invoice.number]),
    ):
        assert client.get(url).status_code == 404, url


# --- KSeF FA(3) --------------------------------------------------------------------------


@pytest.fixture
def polish_establishment(settings):
    settings.KSEF_POLISH_ESTABLISHMENT = True
    settings.KSEF_SELLER_NIP = f"PL{POLISH_NIP}"
    settings.KSEF_SELLER_ADDRESS = "ul. Łódzka 5, 00-001 Warszawa"


def test_ksef_status_needs_the_establishment_and_a_polish_nip(settings):
    translation.activate("en")  # the reasons read in English (the default is Spanish)
    settings.KSEF_POLISH_ESTABLISHMENT = False
    settings.KSEF_SELLER_NIP = POLISH_NIP
    on, why = ksef.status()
    assert not on and "establishment" in why
    settings.KSEF_POLISH_ESTABLISHMENT = True
    for refused in ("ESB12345674", "1234567890", ""):
        settings.KSEF_SELLER_NIP = refused
        on, why = ksef.status()
        assert not on and "not a valid Polish NIP" in why
    settings.KSEF_SELLER_NIP = f"PL {POLISH_NIP}"
    assert ksef.status() == (True, "")


def make_invoice(company, *, number, currency="PLN", lines, position="domestic", vat_number=""):
    """An issued document as a Polish establishment would issue it (23 % etc.)."""
    from orders.models import Order

    order = Order.objects.filter(company=company).first() or _order(company, currency)
    subtotal = sum((net for _sku, _qty, _price, net, _rate in lines), Decimal("0"))
    breakdown = {}
    for _sku, _qty, _price, net, rate in lines:
        row = breakdown.setdefault(rate, [Decimal("0"), Decimal("0")])
        row[0] += net
        row[1] += (net * Decimal(rate) / 100).quantize(Decimal("0.01"))
    tax = sum((row[1] for row in breakdown.values()), Decimal("0"))
    invoice = Invoice.objects.create(
        kind="invoice", number=number, order=order, company=company,
        issued_at=timezone.now(), issue_date=dt.date(2026, 3, 2), due_date=dt.date(2026, 4, 1),
        language="pl", currency=currency,
        seller={"legal_name": "Distribuciones Mayorista S.L.", "address": "Madrid"},
        customer={"legal_name": company.legal_name, "tax_id": BUYER_NIP,
                  "line1": company.line1, "postal_code": "00-001", "city": "Warszawa",
                  "country": company.country},
        order_number=order.number, payment_terms="net30", subtotal=subtotal,
        discount=Decimal("0"), shipping=Decimal("0"), tax=tax, total=subtotal + tax,
        tax_breakdown=[
            {"rate": r, "base": str(v[0]), "tax": str(v[1])} for r, v in breakdown.items()
        ],
        fiscal_position=position, customer_vat_number=vat_number,
    )  # fmt: skip
    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=invoice, position=i, sku=sku, description=f"Towar {sku} żółty",
                    quantity=qty, unit_price=price, vat_rate=Decimal(rate), net_amount=net)
        for i, (sku, qty, price, net, rate) in enumerate(lines, start=1)
    )  # fmt: skip
    return invoice


def _order(company, currency):
    from orders.models import Order

    return Order.objects.create(company=company, number=f"PL-{company.pk}", currency=currency)


def fa(root, name):
    return root.findtext(f"{{{ksef.NS}}}Fa/{{{ksef.NS}}}{name}")


def test_fa3_of_a_23_percent_domestic_invoice_in_pln(polish_establishment, other_company):
    invoice = make_invoice(
        other_company, number="FV-PL-1",
        lines=[("SHOVEL", 2, Decimal("100.00"), Decimal("200.00"), "23.00"),
               ("GLOVES", 10, Decimal("5.00"), Decimal("50.00"), "8.00")],
    )  # fmt: skip
    root = etree.fromstring(ksef.fa3_bytes(invoice))
    assert ksef.validate(root) == []
    header = root.find(f"{{{ksef.NS}}}Naglowek/{{{ksef.NS}}}KodFormularza")
    assert header.get("kodSystemowy") == "FA (3)" and header.get("wersjaSchemy") == "1-0E"
    assert root.findtext(f".//{{{ksef.NS}}}Podmiot1//{{{ksef.NS}}}NIP") == POLISH_NIP
    assert root.findtext(f".//{{{ksef.NS}}}Podmiot2//{{{ksef.NS}}}NIP") == "7740001454"
    assert fa(root, "KodWaluty") == "PLN"
    assert (fa(root, "P_13_1"), fa(root, "P_14_1")) == ("200.00", "46.00")
    assert (fa(root, "P_13_2"), fa(root, "P_14_2")) == ("50.00", "4.00")
    assert fa(root, "P_14_1W") is None
    assert fa(root, "P_15") == "300.00" and fa(root, "RodzajFaktury") == "VAT"
    rates = [e.text for e in root.iterfind(f".//{{{ksef.NS}}}FaWiersz/{{{ksef.NS}}}P_12")]
    assert rates == ["23", "8"]


def test_fa3_of_a_eur_invoice_states_the_vat_in_pln(polish_establishment, other_company):
    save_exchange_rate(actor=None, currency="PLN", rate_to_eur="0.250000", date=dt.date(2026, 3, 1))
    invoice = make_invoice(
        other_company, number="FV-PL-2", currency="EUR",
        lines=[("SHOVEL", 1, Decimal("100.00"), Decimal("100.00"), "23.00")],
    )  # fmt: skip
    root = etree.fromstring(ksef.fa3_bytes(invoice))
    assert ksef.validate(root) == []
    assert fa(root, "KodWaluty") == "EUR"
    assert fa(root, "P_14_1") == "23.00" and fa(root, "P_14_1W") == "92.00"  # 4 PLN / EUR
    assert root.findtext(f".//{{{ksef.NS}}}FaWiersz/{{{ksef.NS}}}KursWaluty") == "4.000000"


def test_fa3_of_a_eur_invoice_without_a_rate_is_refused(polish_establishment, other_company):
    invoice = make_invoice(
        other_company, number="FV-PL-3", currency="EUR",
        lines=[("SHOVEL", 1, Decimal("100.00"), Decimal("100.00"), "23.00")],
    )  # fmt: skip
    with translation.override("en"), pytest.raises(ksef.KsefUnavailable, match="exchange rate"):
        ksef.fa3_bytes(invoice)


def test_fa3_of_a_reverse_charge_invoice(polish_establishment, other_company):
    invoice = make_invoice(
        other_company, number="FV-PL-4", vat_number=f"PL{POLISH_NIP}",
        lines=[("STEEL", 5, Decimal("40.00"), Decimal("200.00"), "0.00")],
    )  # fmt: skip
    root = etree.fromstring(ksef.fa3_bytes(invoice))
    assert ksef.validate(root) == []
    assert fa(root, "P_13_10") == "200.00" and fa(root, "P_15") == "200.00"
    assert root.findtext(f".//{{{ksef.NS}}}Adnotacje/{{{ksef.NS}}}P_18") == "1"
    assert root.findtext(f".//{{{ksef.NS}}}FaWiersz/{{{ksef.NS}}}P_12") == "oo"


def test_fa3_of_an_intra_community_supply_is_wdt(polish_establishment):
    german = CompanyFactory(country="DE", city="Berlin", vat_number="DE136695976")
    invoice = make_invoice(
        german, number="FV-PL-5", position="intra_eu", vat_number="DE136695976",
        lines=[("STEEL", 5, Decimal("40.00"), Decimal("200.00"), "0.00")],
    )  # fmt: skip
    root = etree.fromstring(ksef.fa3_bytes(invoice))
    assert ksef.validate(root) == []
    assert root.findtext(f".//{{{ksef.NS}}}Podmiot2//{{{ksef.NS}}}KodUE") == "DE"
    assert fa(root, "P_13_6_2") == "200.00"
    assert root.findtext(f".//{{{ksef.NS}}}FaWiersz/{{{ksef.NS}}}P_12") == "0 WDT"


def test_a_broken_fa3_fails_the_schema(polish_establishment, other_company):
    invoice = make_invoice(
        other_company, number="FV-PL-6",
        lines=[("SHOVEL", 1, Decimal("100.00"), Decimal("100.00"), "23.00")],
    )  # fmt: skip
    root = ksef.fa3(invoice)
    root.find(f"{{{ksef.NS}}}Fa/{{{ksef.NS}}}KodWaluty").text = "ZZZ"
    assert ksef.validate(root)


def test_ksef_over_http_with_the_setting(
    client, client_for, manager, polish_establishment, other_company
):
    invoice = make_invoice(
        other_company, number="FV-PL-7",
        lines=[("SHOVEL", 1, Decimal("100.00"), Decimal("100.00"), "23.00")],
    )  # fmt: skip
    _key, own = create_api_key(name="ERP", company=other_company)
    response = api(client, own, f"/api/v1/invoices/{invoice.number}/ksef.xml")
    assert response.status_code == 200
    assert ksef.validate(etree.fromstring(response.content)) == []
    _key, stranger = create_api_key(name="Other", company=CompanyFactory())
    assert api(client, stranger, f"/api/v1/invoices/{invoice.number}/ksef.xml").status_code == 404
    staff = client_for(manager)
    download = staff.get(reverse("backoffice:invoice_ksef_xml", args=[invoice.number]))
    assert download.status_code == 200
    page = staff.get(reverse("backoffice:verifactu_export"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-ksef="on"' in page.content.decode()


def test_api_range_export_of_more_records_than_one_file_holds_is_400(
    client, company, place, prepare, monkeypatch
):
    prepare(place(company))
    prepare(place(company))
    monkeypatch.setattr(building, "MAX_RECORDS", 1)
    _key, seller = create_api_key(name="ERP")
    today = timezone.localdate()
    response = api(client, seller, f"/api/v1/invoices/verifactu.xml?from={today}&to={today}")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "More than 1 records: choose a shorter range (one file holds 1)."
    )


OWN_FIELDS = {"id", "number", "kind", "corrects", "reason_code", "reason", "subtotal", "tax"}
OWN_FIELDS |= {"total", "tax_breakdown"}


def test_fa3_of_a_credit_note_is_kor_with_the_corrected_invoice(
    polish_establishment, other_company
):
    invoice = make_invoice(
        other_company, number="FV-PL-8",
        lines=[("SHOVEL", 2, Decimal("100.00"), Decimal("200.00"), "23.00")],
    )  # fmt: skip
    credit = Invoice.objects.create(
        **{
            field.name: getattr(invoice, field.name)
            for field in Invoice._meta.concrete_fields
            if field.name not in OWN_FIELDS
        },
        kind="credit_note", number="AB-PL-1", corrects=invoice, reason_code="return",
        reason="Zwrot towaru", subtotal=Decimal("-200.00"), tax=Decimal("-46.00"),
        total=Decimal("-246.00"),
        tax_breakdown=[{"rate": "23.00", "base": "-200.00", "tax": "-46.00"}],
    )  # fmt: skip
    InvoiceLine.objects.create(
        invoice=credit, position=1, sku="SHOVEL", description="Łopata", quantity=-2,
        unit_price=Decimal("100.00"), vat_rate=Decimal("23.00"), net_amount=Decimal("-200.00"),
    )  # fmt: skip
    root = ksef.fa3(credit)
    assert ksef.validate(root) == []
    assert fa(root, "RodzajFaktury") == "KOR" and fa(root, "P_15") == "-246.00"
    corrected = root.find(f"{{{ksef.NS}}}Fa/{{{ksef.NS}}}DaneFaKorygowanej")
    assert corrected.findtext(f"{{{ksef.NS}}}NrFaKorygowanej") == "FV-PL-8"
