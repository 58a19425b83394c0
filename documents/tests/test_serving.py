"""PDF content and who may download it: staff, the owning company's users and keys;
everyone else gets 404 (portal, API key, a customer user on the back-office)."""

import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import translation
from pypdf import PdfReader

from apikeys.services import create_api_key
from documents.models import DocumentFile, DocumentKind, DocumentStatus, Invoice, InvoiceKind
from documents.templatetags.documents_tags import amount

from .fixtures import POLISH, SPANISH

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def read(doc) -> bytes:
    with doc.file.open("rb") as handle:
        return handle.read()


def document(order, kind):
    return DocumentFile.objects.get(order=order, kind=kind)


# --- content ---------------------------------------------------------------------------


def test_invoice_pdf_has_the_key_fields(prepared_order, settings):
    invoice = Invoice.objects.get(order=prepared_order)
    text = pdf_text(read(document(prepared_order, DocumentKind.INVOICE)))
    with translation.override(invoice.language):
        figures = [amount(invoice.total), amount(invoice.tax), amount(invoice.subtotal)]
    for expected in [
        invoice.number,
        prepared_order.number,
        "PO-2026-77",
        settings.SELLER["tax_id"],
        settings.SELLER["iban"],
        prepared_order.company.tax_id,
        prepared_order.company.legal_name,
        "DRILL-18V",
        POLISH,
        SPANISH,
        *figures,
        invoice.due_date.strftime("%d/%m/%Y"),
        "Pedido",  # Spanish customer: its language
        "30 días netos",
    ]:
        assert expected in text, expected
    assert "Page 1" in text or "Página 1" in text


def test_invoice_pdf_in_polish_for_a_polish_customer(other_company, place, prepare):
    order = prepare(place(other_company))
    text = pdf_text(read(document(order, DocumentKind.INVOICE)))
    assert "Zamówienie" in text and "30 dni netto" in text
    assert POLISH in text
    # Country names too are in the customer's language, not the worker's default.
    assert "Polska" in text and "Polonia" not in text


def test_a_fifty_line_invoice_repeats_its_table_header_on_every_page(company, place, prepare):
    from orders.tests.factories import stocked_product

    for n in range(50):
        stocked_product(10, sku=f"BULK-{n:03d}", name=f"Artículo {n} żółć", unit_price="2.50")
    order = prepare(
        place(company, lines=[{"sku": f"BULK-{n:03d}", "quantity": 2} for n in range(50)])
    )
    reader = PdfReader(io.BytesIO(read(document(order, DocumentKind.INVOICE))))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert "SKU" in page.extract_text()
    assert "BULK-049" in pdf_text(read(document(order, DocumentKind.INVOICE)))


def test_credit_note_pdf_names_the_invoice_it_corrects(prepared_order, cancel):
    cancel(prepared_order, reason="Pedido duplicado")
    credit = Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE)
    text = pdf_text(read(credit.document))
    assert credit.number in text and credit.corrects.number in text
    assert "Pedido duplicado" in text
    with translation.override("es"):
        assert amount(credit.total) in text and amount(credit.total).startswith("-")


def test_packing_list_lists_each_warehouse_without_prices(prepared_order):
    from documents import pdf
    from inventory import services as inventory
    from inventory.models import Product, Warehouse

    inventory.set_bin_location(
        actor=None,
        product=Product.objects.get(sku="DRILL-18V"),
        warehouse=Warehouse.objects.get(code="MAD"),
        bin_location="A-03-2",
    )
    packing = document(prepared_order, DocumentKind.PACKING_LIST)
    text = pdf_text(pdf.render_document(packing))
    assert "A-03-2" in text  # the bin location where the product is picked
    assert "MAD" in text and "WAW" in text
    assert "DRILL-18V" in text and "SHOVEL-PL" in text and POLISH in text
    assert "100,00" not in text and "EUR" not in text


def test_shipping_label_has_addresses_weight_and_barcode(prepared_order, ship):
    label = document(prepared_order, DocumentKind.SHIPPING_LABEL)
    reader = PdfReader(io.BytesIO(read(label)))
    assert len(reader.pages) == 2  # one parcel per warehouse
    text = pdf_text(read(label))
    assert prepared_order.number in text
    assert prepared_order.company.legal_name in text
    assert "6,75 kg" in text  # 3 Polish shovels of 2.25 kg
    assert "Standard" in text or "Estándar" in text
    page = reader.pages[0]
    assert any("/XObject" in str(page["/Resources"]) for _ in [0])  # the barcode image
    # Shipping renders it again with the carrier and the tracking number.
    ship(prepared_order)
    label.refresh_from_db()
    assert label.status == DocumentStatus.READY
    text = pdf_text(read(label))
    assert "SEUR" in text and "TRK123456" in text


def test_code128_barcode_encodes_the_order_number():
    import base64

    from documents.pdf import code128_svg

    svg = base64.b64decode(code128_svg("PED-2026-000123").split(",", 1)[1]).decode()
    assert svg.count("<rect") > 30 and "DOCTYPE" not in svg


def test_render_documents_command_writes_the_pdfs(prepared_order, tmp_path):
    out = tmp_path / "out"
    call_command("render_documents", prepared_order.number, "--out", str(out))
    names = sorted(path.name for path in out.iterdir())
    assert names == sorted(
        [
            f"{Invoice.objects.get().number}.pdf",
            f"{prepared_order.number}-packing-list.pdf",
            f"{prepared_order.number}-shipping-label.pdf",
        ]
    )
    for path in out.iterdir():
        assert path.read_bytes().startswith(b"%PDF")


def test_rendering_keeps_the_logs_quiet(prepared_order, caplog, monkeypatch):
    """No INFO step lines from WeasyPrint, no DEBUG flood from fontTools' subsetter
    (forced here: without libharfbuzz-subset WeasyPrint subsets with fontTools)."""
    import logging

    from weasyprint.pdf import fonts

    from documents import pdf

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    with caplog.at_level(logging.DEBUG):
        content = pdf.render_document(document(prepared_order, DocumentKind.INVOICE))
    assert content.startswith(b"%PDF")
    noisy = [
        (r.name, r.levelname)
        for r in caplog.records
        if r.name.split(".")[0] in ("fontTools", "weasyprint") and r.levelno < logging.WARNING
    ]
    assert noisy == []


def test_the_renderer_refuses_network_urls():
    from documents import rendering
    from documents.rendering import RefusedURL, local_url_fetcher

    fetcher = local_url_fetcher()
    for url in ("http://example.com/x.png", "https://example.com/f.ttf", "file:///etc/passwd"):
        with pytest.raises(RefusedURL):
            fetcher(url)
    logo = fetcher((rendering.static_root() / "img" / "logo.svg").as_uri())
    assert b"<svg" in logo.read()
    logo.close()


# --- back-office -----------------------------------------------------------------------


def test_staff_see_states_and_download(client_for, warehouse_worker, prepared_order):
    client = client_for(warehouse_worker)
    page = client.get(f"/backoffice/orders/{prepared_order.number}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-document="invoice" data-status="ready"' in content
    invoice_doc = document(prepared_order, DocumentKind.INVOICE)
    response = client.get(f"/backoffice/documents/{invoice_doc.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert body(response).startswith(b"%PDF")


def test_a_failed_document_shows_a_retry_button_that_works(
    client_for, service_agent, prepared_order
):
    label = document(prepared_order, DocumentKind.SHIPPING_LABEL)
    DocumentFile.objects.filter(pk=label.pk).update(
        status=DocumentStatus.FAILED, last_error="boom", file=""
    )
    client = client_for(service_agent)
    page = client.get(f"/backoffice/orders/{prepared_order.number}/").content.decode()
    assert 'data-document="shipping_label" data-status="failed"' in page
    assert f"/backoffice/documents/{label.pk}/retry/" in page
    assert client.get(f"/backoffice/documents/{label.pk}/").status_code == 404
    with_commit = client.post(f"/backoffice/documents/{label.pk}/retry/")
    assert with_commit.status_code == 302
    label.refresh_from_db()
    assert label.status in (DocumentStatus.PENDING, DocumentStatus.READY)


def test_a_customer_user_gets_404_on_backoffice_documents(client_for, buyer, prepared_order):
    doc = document(prepared_order, DocumentKind.INVOICE)
    assert client_for(buyer).get(f"/backoffice/documents/{doc.pk}/").status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, prepared_order):
    doc = document(prepared_order, DocumentKind.INVOICE)
    assert client.get(f"/backoffice/documents/{doc.pk}/").status_code == 302
    assert client.get(f"/portal/documents/{doc.pk}/").status_code == 302


# --- portal ----------------------------------------------------------------------------


def test_portal_users_download_their_company_documents(client_for, viewer, prepared_order):
    client = client_for(viewer)
    page = client.get(f"/portal/orders/{prepared_order.number}/").content.decode()
    doc = document(prepared_order, DocumentKind.INVOICE)
    assert f"/portal/documents/{doc.pk}/" in page
    response = client.get(f"/portal/documents/{doc.pk}/")
    assert response.status_code == 200 and body(response).startswith(b"%PDF")


def test_portal_documents_of_another_company_are_404(client_for, other_buyer, prepared_order):
    client = client_for(other_buyer)
    for doc in DocumentFile.objects.filter(order=prepared_order):
        assert client.get(f"/portal/documents/{doc.pk}/").status_code == 404


# --- API -------------------------------------------------------------------------------


def api(client, key, path):
    return client.get(path, HTTP_AUTHORIZATION=f"Api-Key {key}")


def test_api_documents_by_kind_for_the_owning_company(client, prepared_order):
    _key, raw = create_api_key(name="ERP Gómez", company=prepared_order.company)
    for kind in ("invoice", "packing-list", "shipping-label"):
        response = api(client, raw, f"/api/v1/orders/{prepared_order.number}/documents/{kind}.pdf")
        assert response.status_code == 200, kind
        assert response["Content-Type"] == "application/pdf"
        assert body(response).startswith(b"%PDF")
    unknown = api(client, raw, f"/api/v1/orders/{prepared_order.number}/documents/other.pdf")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_api_documents_404_for_another_company_key(client, prepared_order, other_company):
    _key, raw = create_api_key(name="ERP Kowalski", company=other_company)
    response = api(client, raw, f"/api/v1/orders/{prepared_order.number}/documents/invoice.pdf")
    assert response.status_code == 404
    number = Invoice.objects.get().number
    assert api(client, raw, f"/api/v1/invoices/{number}.pdf").status_code == 404
    assert api(client, raw, "/api/v1/invoices/").json()["results"] == []
    assert api(client, raw, f"/api/v1/invoices/{number}/").status_code == 404


def test_api_documents_404_until_generated(client, company, place):
    order = place(company)
    _key, raw = create_api_key(name="ERP")
    response = api(client, raw, f"/api/v1/orders/{order.number}/documents/invoice.pdf")
    assert response.status_code == 404


def test_api_document_pdf_needs_a_key(client, prepared_order):
    response = client.get(f"/api/v1/orders/{prepared_order.number}/documents/invoice.pdf")
    assert response.status_code == 401


def test_api_invoices_list_with_credit_notes(client, prepared_order, cancel, other_company):
    cancel(prepared_order, reason="Error de precio")
    _key, raw = create_api_key(name="ERP Gómez", company=prepared_order.company)
    rows = api(client, raw, "/api/v1/invoices/").json()["results"]
    invoice, credit = rows
    assert invoice["kind"] == "invoice" and credit["kind"] == "credit_note"
    assert invoice["order"] == prepared_order.number
    assert credit["corrects"] == invoice["number"] and invoice["corrects"] is None
    assert Decimal(credit["total"]) == -Decimal(invoice["total"])
    assert set(invoice) >= {"number", "issued_at", "currency", "subtotal", "tax", "total", "pdf"}
    pdf = api(client, raw, credit["pdf"])
    assert pdf.status_code == 200 and body(pdf).startswith(b"%PDF")
    filtered = api(client, raw, "/api/v1/invoices/?kind=credit_note").json()["results"]
    assert [row["number"] for row in filtered] == [credit["number"]]
    _seller_key, seller_raw = create_api_key(name="Seller ERP")
    assert len(api(client, seller_raw, "/api/v1/invoices/").json()["results"]) == 2
    # The PDF link needs a key: without one it is refused.
    assert client.get(credit["pdf"]).status_code == 401


def test_email_templates_page_for_managers(client_for, manager, service_agent):
    client = client_for(manager)
    listing = client.get("/backoffice/emails/")
    assert listing.status_code == 200
    assert b"order_shipped" in listing.content
    detail = client.get("/backoffice/emails/order_delivered/?lang=pl")
    assert detail.status_code == 200 and b"/rate/sample-5/" in detail.content
    preview = client.get("/backoffice/emails/order_received/preview/?lang=es")
    assert preview.status_code == 200
    assert "sandbox" in preview["Content-Security-Policy"]
    assert "Łopata" in preview.content.decode()
    assert client_for(service_agent).get("/backoffice/emails/").status_code == 403


def test_order_detail_lists_its_documents_with_links(client, prepared_order):
    _key, raw = create_api_key(name="ERP Gómez", company=prepared_order.company)
    detail = api(client, raw, f"/api/v1/orders/{prepared_order.number}/").json()
    kinds = {row["kind"]: row for row in detail["documents"]}
    assert set(kinds) == {"invoice", "packing-list", "shipping-label"}
    invoice = kinds["invoice"]
    assert invoice["status"] == "ready"
    assert invoice["number"] == Invoice.objects.get().number
    assert invoice["pdf"].endswith(f"/api/v1/orders/{prepared_order.number}/documents/invoice.pdf")
    assert api(client, raw, invoice["pdf"]).status_code == 200


def test_order_detail_documents_empty_before_preparation(client, company, place):
    order = place(company)
    _key, raw = create_api_key(name="ERP")
    assert api(client, raw, f"/api/v1/orders/{order.number}/").json()["documents"] == []


def test_a_worker_process_loads_the_renderer_then_freezes_the_heap():
    """``worker_process_init``: fonts and every language's stylesheet are ready, and the
    loaded process sits in the collector's permanent generation."""
    import gc

    from config.celery import prepare_worker_process
    from documents import rendering

    rendering._stylesheets.clear()
    try:
        prepare_worker_process()
        assert gc.get_freeze_count() > 10_000
        assert {language for language, _template in rendering._stylesheets} == {"es", "en", "pl"}
        assert {template for _language, template in rendering._stylesheets} == {
            "documents/pdf/invoice.html",
            "documents/pdf/packing_list.html",
            "documents/pdf/shipping_label.html",
            "documents/pdf/statement.html",
        }
        assert rendering.font_config.built  # fonts loaded
    finally:
        gc.unfreeze()


def test_documents_lay_out_alike_with_weasyprint_s_full_user_agent_sheet(
    prepared_order, cancel, company, place, prepare, ship
):
    """ua.css replaces WeasyPrint's HTML5 user-agent sheet for speed: every box of every
    document must land at the same place, with the same size, as with the full sheet."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from documents import pdf, rendering

    invoice = Invoice.objects.get(order=prepared_order)
    cancel(prepare(place(company)), reason="Pedido duplicado")
    credit_note = Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE)
    ship(prepared_order)  # the label with carrier and tracking number
    documents = [
        ("documents/pdf/invoice.html", pdf.invoice_context(invoice)),
        ("documents/pdf/invoice.html", pdf.invoice_context(credit_note)),
        ("documents/pdf/packing_list.html", pdf.packing_list_context(prepared_order)),
        ("documents/pdf/shipping_label.html", pdf.shipping_label_context(prepared_order)),
    ]

    def layout(html_class, html, sheets):
        document = html_class(
            string=html,
            base_url=rendering.static_root().as_uri() + "/",
            url_fetcher=rendering.local_url_fetcher(),
        ).render(stylesheets=sheets, font_config=rendering.font_config())
        return [
            (
                type(box).__name__,
                *(round(v, 2) for v in (box.position_x, box.position_y)),
                *(round(v, 2) for v in (box.width, box.height)),
            )
            for page in document.pages
            for box in page._page_box.descendants()
        ]

    for template, context in documents:
        with translation.override("pl"):
            html = render_to_string(template, context)
            sheets = rendering.stylesheets(template)
        ours = layout(rendering.html_class(), html, sheets)
        assert len(ours) > 50
        assert ours == layout(HTML, html, sheets), template


def test_renders_use_the_templates_user_agent_sheet():
    """WeasyPrint has no public option for it: the cascade must still ask
    ``_ua_stylesheets`` (a WeasyPrint upgrade that stops doing so fails here)."""
    from documents import rendering

    cls = rendering.html_class()
    with mock.patch.object(
        cls, "_ua_stylesheets", autospec=True, side_effect=cls._ua_stylesheets
    ) as ua:
        content = rendering.render_pdf(
            "documents/pdf/shipping_label.html",
            {"groups": [], "seller": {}, "shipping_address": {}, "parcels": 0},
            language="en",
        )
    assert content.startswith(b"%PDF") and ua.called


def test_the_user_agent_sheet_names_every_element_of_the_pdf_templates():
    import re

    from documents import rendering

    used = set()
    for template in rendering.PDF_TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"<([a-z][a-z0-9]*)\b", template.read_text(encoding="utf-8")))
    sheet = re.sub(r"/\*.*?\*/", "", rendering.UA_CSS.read_text(encoding="utf-8"), flags=re.S)
    selectors = [
        part for part in re.findall(r"([^{}]+)\{", sheet) if not part.strip().startswith("@")
    ]
    named = {tag for selector in selectors for tag in re.findall(r"\b([a-z][a-z0-9]*)\b", selector)}
    inline_by_default = {"span", "img"}
    assert used - named - inline_by_default == set()
