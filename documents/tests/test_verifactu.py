"""VeriFactu records: the AEAT's published hashes, one record per issued document in
its transaction, the XML against the vendored AEAT schemas (offline), the chain across
invoices, credit notes and anulaciones, the chain check, SII switching it off, and the
QR code on the PDF (its URL and the decoded image)."""

import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from lxml import etree
from pypdf import PdfReader

from customers.tests.factories import CompanyFactory
from documents import services
from documents.errors import ImmutableDocument
from documents.models import DocumentKind, Invoice, VerifactuChain, VerifactuRecord
from documents.verifactu import building, qr
from documents.verifactu.hashing import alta_hash, anulacion_hash
from documents.verifactu.records import RecordRefused, record_anulacion
from documents.xsd import LocalSchemaResolver, RefusedSchemaLocation, load_schema, local_parser

from .test_serving import document, read

pytestmark = pytest.mark.django_db

SF = building.SF
NS = {"sf": SF, "sfLR": building.SFLR}
VALID_PL = "PL5260250995"

# The AEAT's example ("Detalle de las especificaciones técnicas para generación de la
# huella o hash de los registros de facturación", as quoted in the issue).
FIRST = "3C464DAF61ACB827C65FDA19F352A4E3BDC2C640E9E9FC4CC058073F38F12F60"
SECOND = "F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97"
CANCELLED = "177547C0D57AC74748561D054A9CEC14B4C4EA23D1BEFD6F2E69E3A388F90C68"


def test_the_aeat_examples_hash_as_published():
    first = alta_hash(
        issuer_nif="89890001K",
        number="12345678/G33",
        issue_date="01-01-2024",
        invoice_type="F1",
        total_tax="12.35",
        total_amount="123.45",
        previous_hash="",
        generated_at="2024-01-01T19:20:30+01:00",
    )
    assert first == FIRST
    second = alta_hash(
        issuer_nif="89890001K",
        number="12345679/G34",
        issue_date="01-01-2024",
        invoice_type="F1",
        total_tax="12.35",
        total_amount="123.45",
        previous_hash=first,
        generated_at="2024-01-01T19:20:35+01:00",
    )
    assert second == SECOND
    assert (
        anulacion_hash(
            issuer_nif="89890001K",
            number="12345679/G34",
            issue_date="01-01-2024",
            previous_hash=second,
            generated_at="2024-01-01T19:20:40+01:00",
        )
        == CANCELLED
    )


def test_values_are_trimmed_before_hashing():
    assert (
        alta_hash(
            issuer_nif=" 89890001K ",
            number="12345678/G33\t",
            issue_date="01-01-2024",
            invoice_type="F1",
            total_tax="12.35",
            total_amount="123.45 ",
            previous_hash="",
            generated_at="2024-01-01T19:20:30+01:00",
        )
        == FIRST
    )


def test_the_timestamp_is_spanish_time_with_its_offset():
    winter = dt.datetime(2024, 1, 1, 18, 20, 30, 123456, tzinfo=dt.UTC)
    summer = dt.datetime(2024, 7, 1, 17, 20, 30, tzinfo=dt.UTC)
    assert building.timestamp(winter) == "2024-01-01T19:20:30+01:00"
    assert building.timestamp(summer) == "2024-07-01T19:20:30+02:00"


def records_of(invoice):
    return list(VerifactuRecord.objects.filter(invoice=invoice).order_by("sequence"))


def element_of(record):
    return etree.fromstring(record.xml.encode())


def text(element, path):
    return element.findtext("/".join(f"sf:{name}" for name in path.split("/")), namespaces=NS)


# --- one record per issued document ---------------------------------------------------


def test_issuing_an_invoice_writes_its_alta_record(prepared_order):
    invoice = Invoice.objects.get(order=prepared_order)
    (record,) = records_of(invoice)
    assert record.kind == "alta" and record.sequence == 1 and record.previous_hash == ""
    element = element_of(record)
    assert building.validate(element) == []
    assert text(element, "IDFactura/IDEmisorFactura") == "B12345674"
    assert text(element, "IDFactura/NumSerieFactura") == invoice.number
    assert text(element, "IDFactura/FechaExpedicionFactura") == invoice.issue_date.strftime(
        "%d-%m-%Y"
    )
    assert text(element, "TipoFactura") == "F1"
    assert text(element, "CuotaTotal") == f"{invoice.tax:.2f}"
    assert text(element, "ImporteTotal") == f"{invoice.total:.2f}"
    assert text(element, "Encadenamiento/PrimerRegistro") == "S"
    assert text(element, "Huella") == record.hash
    assert record.generated_at == text(element, "FechaHoraHusoGenRegistro")
    rates = [
        (text(d, "CalificacionOperacion"), text(d, "TipoImpositivo"))
        for d in element.iterfind(".//sf:DetalleDesglose", NS)
    ]
    assert rates == [("S1", row["rate"]) for row in invoice.tax_breakdown]
    head = VerifactuChain.objects.get(issuer_nif="B12345674")
    assert head.last_record == record and head.length == 1


def test_the_record_is_written_in_the_issuing_transaction(company, place):
    order = place(company)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.issue_invoice(order=order)
        assert VerifactuRecord.objects.count() == 1
        raise RuntimeError("rolled back")
    assert not Invoice.objects.exists() and not VerifactuRecord.objects.exists()
    assert not VerifactuChain.objects.filter(length__gt=0).exists()


def test_a_domestic_spanish_customer_is_named_by_nif(place, prepare):
    spanish = CompanyFactory(tax_id="B87654321", vat_number="ESB87654321")
    invoice = Invoice.objects.get(order=prepare(place(spanish)))
    element = element_of(records_of(invoice)[0])
    assert text(element, "Destinatarios/IDDestinatario/NIF") == "B87654321"
    assert element.find(".//sf:IDOtro", NS) is None


def test_an_intra_community_supply_is_e5_with_the_customers_vat_number(place, prepare):
    polish = CompanyFactory(country="PL", city="Warszawa", language="pl", vat_number=VALID_PL)
    invoice = Invoice.objects.get(order=prepare(place(polish)))
    assert invoice.fiscal_position == "intra_eu"
    element = element_of(records_of(invoice)[0])
    assert building.validate(element) == []
    other = element.find("sf:Destinatarios/sf:IDDestinatario/sf:IDOtro", NS)
    assert [text(other, "CodigoPais"), text(other, "IDType"), text(other, "ID")] == [
        "PL",
        "02",
        VALID_PL,
    ]
    details = element.findall(".//sf:DetalleDesglose", NS)
    assert {text(d, "OperacionExenta") for d in details} == {"E5"}
    assert all(d.find("sf:CuotaRepercutida", NS) is None for d in details)
    assert text(element, "CuotaTotal") == "0.00"


def test_an_export_is_e2_under_the_export_regime(place, prepare):
    swiss = CompanyFactory(country="CH", city="Zürich", tax_id="CHE-123.456.788")
    invoice = Invoice.objects.get(order=prepare(place(swiss)))
    element = element_of(records_of(invoice)[0])
    assert building.validate(element) == []
    details = element.findall(".//sf:DetalleDesglose", NS)
    assert {(text(d, "ClaveRegimen"), text(d, "OperacionExenta")) for d in details} == {
        ("02", "E2")
    }
    other = element.find(".//sf:IDOtro", NS)
    assert text(other, "CodigoPais") == "CH" and text(other, "IDType") == "04"


def test_a_credit_note_is_rectifying_r1_with_the_invoice_it_corrects(prepared_order, cancel):
    invoice = Invoice.objects.get(order=prepared_order, kind="invoice")
    cancel(prepared_order)
    credit = Invoice.objects.get(order=prepared_order, kind="credit_note")
    (record,) = records_of(credit)
    element = element_of(record)
    assert building.validate(element) == []
    assert text(element, "TipoFactura") == "R1" and text(element, "TipoRectificativa") == "I"
    corrected = "FacturasRectificadas/IDFacturaRectificada"
    assert text(element, f"{corrected}/NumSerieFactura") == invoice.number
    assert text(element, f"{corrected}/FechaExpedicionFactura") == invoice.issue_date.strftime(
        "%d-%m-%Y"
    )
    assert text(element, "ImporteTotal") == f"{-invoice.total:.2f}"
    # Chained to the invoice's record.
    alta = records_of(invoice)[0]
    assert record.previous_hash == alta.hash and record.sequence == alta.sequence + 1
    assert text(element, "Encadenamiento/RegistroAnterior/Huella") == alta.hash
    assert text(element, "Encadenamiento/RegistroAnterior/NumSerieFactura") == invoice.number


def test_a_correction_credit_note_is_r4(prepared_order):
    invoice = Invoice.objects.get(order=prepared_order)
    credit = services.issue_credit_note(
        invoice=invoice, reason_code="correction", reason="Precio mal aplicado"
    )
    assert text(element_of(records_of(credit)[0]), "TipoFactura") == "R4"


def test_records_are_append_only(prepared_order):
    record = VerifactuRecord.objects.get()
    with pytest.raises(ImmutableDocument):
        record.save()
    with pytest.raises(ImmutableDocument):
        record.delete()
    with pytest.raises(ImmutableDocument):
        VerifactuRecord.objects.update(hash="X")
    with pytest.raises(ImmutableDocument):
        VerifactuRecord.objects.all().delete()


# --- anulaciones and the chain ----------------------------------------------------------


def test_the_chain_runs_across_invoices_credit_notes_and_anulaciones(
    company, place, prepare, cancel, manager
):
    first = prepare(place(company))
    second = prepare(place(company))
    cancel(first)
    invoice = Invoice.objects.get(order=second)
    anulacion = record_anulacion(invoice, actor=manager, reason="Emitida por error")
    records = list(VerifactuRecord.objects.order_by("sequence"))
    assert [r.kind for r in records] == ["alta", "alta", "alta", "anulacion"]
    assert [r.sequence for r in records] == [1, 2, 3, 4]
    assert records[0].previous_hash == ""
    for before, after in itertools.pairwise(records):
        assert after.previous_hash == before.hash
    element = element_of(anulacion)
    assert etree.QName(element).localname == "RegistroAnulacion"
    assert building.validate(element) == []
    assert text(element, "IDFactura/NumSerieFacturaAnulada") == invoice.number
    assert anulacion.hash == anulacion_hash(
        issuer_nif="B12345674",
        number=invoice.number,
        issue_date=invoice.issue_date.strftime("%d-%m-%Y"),
        previous_hash=records[2].hash,
        generated_at=anulacion.generated_at,
    )
    assert anulacion.created_by == manager and anulacion.reason == "Emitida por error"
    out = io.StringIO()
    call_command("check_verifactu_chain", stdout=out)
    assert "OK (4 records)" in out.getvalue()


def test_a_record_is_cancelled_once_and_needs_a_reason(prepared_order, manager):
    invoice = Invoice.objects.get(order=prepared_order)
    with pytest.raises(RecordRefused):
        record_anulacion(invoice, actor=manager, reason="  ")
    record_anulacion(invoice, actor=manager, reason="Error")
    with pytest.raises(RecordRefused):
        record_anulacion(invoice, actor=manager, reason="Otra vez")
    assert VerifactuRecord.objects.filter(kind="anulacion").count() == 1


def test_the_chain_check_finds_a_tampered_row(company, place, prepare):
    prepare(place(company))
    prepare(place(company))
    call_command("check_verifactu_chain", stdout=io.StringIO())
    second = VerifactuRecord.objects.get(sequence=2)
    tampered = second.xml.replace(
        f"<sf:ImporteTotal>{second.total_amount}</sf:ImporteTotal>",
        "<sf:ImporteTotal>1.00</sf:ImporteTotal>",
    )
    assert tampered != second.xml
    with connection.cursor() as cursor:  # behind the ORM's back, as an attacker would
        cursor.execute(
            f"UPDATE {VerifactuRecord._meta.db_table} SET xml = %s WHERE id = %s",
            [tampered, second.pk],
        )
    with pytest.raises(CommandError) as error:
        call_command("check_verifactu_chain", stdout=io.StringIO())
    assert error.value.returncode == 1
    assert "#2" in str(error.value) and "does not match" in str(error.value)


def test_the_chain_check_finds_a_broken_link(company, place, prepare):
    prepare(place(company))
    prepare(place(company))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {VerifactuRecord._meta.db_table} SET previous_hash = %s WHERE sequence = 2",
            ["0" * 64],
        )
    with pytest.raises(CommandError, match="previous hash"):
        call_command("check_verifactu_chain", stdout=io.StringIO())


def test_the_chain_check_passes_on_an_empty_database():
    out = io.StringIO()
    call_command("check_verifactu_chain", stdout=out)
    assert "OK (0 records)" in out.getvalue()


# --- the schemas ------------------------------------------------------------------------


def test_a_broken_record_fails_the_schema(prepared_order):
    element = element_of(VerifactuRecord.objects.get())
    element.find("sf:TipoFactura", NS).text = "X9"
    errors = building.validate(element)
    assert errors and "TipoFactura" in errors[0]
    missing = element_of(VerifactuRecord.objects.get())
    missing.remove(missing.find("sf:Huella", NS))
    assert building.validate(missing)


def test_the_envelope_validates_and_a_broken_one_does_not(prepared_order):
    record = VerifactuRecord.objects.get()
    root = building.envelope([record], issuer_name="Distribuciones", issuer_nif="B12345674")
    assert building.validate(root) == []
    root.find("sfLR:Cabecera/sf:ObligadoEmision/sf:NIF", NS).text = "TOO-LONG-NIF"
    assert building.validate(root)


def test_the_schemas_load_without_the_network(tmp_path):
    # SuministroInformacion.xsd imports xmldsig by its w3.org URL: the resolver maps it
    # to the vendored copy, by name. A location that is not vendored is refused.
    assert load_schema(str(building.SCHEMAS), "SuministroLR.xsd") is not None
    (tmp_path / "types.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:simpleType name="code"><xs:restriction base="xs:string"/></xs:simpleType>'
        "</xs:schema>"
    )
    (tmp_path / "main.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:include schemaLocation="https://example.com/far/away/types.xsd"/>'
        '<xs:element name="x" type="code"/></xs:schema>'
    )
    schema = etree.XMLSchema(etree.parse(str(tmp_path / "main.xsd"), local_parser(tmp_path)))
    assert schema.validate(etree.fromstring("<x>1</x>"))
    with pytest.raises(RefusedSchemaLocation):
        LocalSchemaResolver(tmp_path).resolve("https://example.com/elsewhere.xsd", None, None)
    with pytest.raises(RefusedSchemaLocation):
        LocalSchemaResolver(tmp_path).resolve("../../etc/passwd", None, None)


# --- SII: VeriFactu off ---------------------------------------------------------------


def test_with_sii_reporting_no_records_and_no_qr_are_made(settings, company, place, prepare):
    settings.SII_REPORTING = True
    order = prepare(place(company))
    assert Invoice.objects.filter(order=order).exists()
    assert not VerifactuRecord.objects.exists()
    assert qr.qr_context(Invoice.objects.get(order=order)) is None
    assert "QR tributario" not in _pdf_text(read(document(order, DocumentKind.INVOICE)))


# --- the QR code --------------------------------------------------------------------------


def _pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_qr_url_encodes_its_values_and_follows_the_mode(settings):
    invoice = Invoice(
        number="A/B&C 1",
        issue_date=dt.date(2024, 1, 1),
        total=Decimal("123.40"),
        seller_vat_number="ESB12345674",
    )
    url = qr.qr_url(invoice)
    assert url == (
        "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"
        "?nif=B12345674&numserie=A%2FB%26C%201&fecha=01-01-2024&importe=123.40"
    )
    settings.VERIFACTU_MODE = "production"
    assert qr.qr_url(invoice).startswith(
        "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR?nif=B12345674&"
    )


def test_the_qr_code_decodes_from_the_rendered_pdf(prepared_order):
    import zxingcpp
    from PIL import Image

    invoice = Invoice.objects.get(order=prepared_order)
    content = read(document(prepared_order, DocumentKind.INVOICE))
    text_ = _pdf_text(content)
    assert "QR tributario:" in text_ and "VERI*FACTU" in text_
    page = PdfReader(io.BytesIO(content)).pages[0]
    images = list(page.images)
    decoded = []
    for image in images:
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        # Printed without smoothing (``image-rendering: pixelated``): decode it as a
        # scanner would see it, each module a few pixels wide.
        picture = picture.resize((picture.width * 4, picture.height * 4), Image.NEAREST)
        decoded += [
            result.text
            for result in zxingcpp.read_barcodes(picture)
            if result.format == zxingcpp.BarcodeFormat.QRCode
        ]
    record = VerifactuRecord.objects.get(invoice=invoice)
    assert decoded == [
        "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"
        f"?nif=B12345674&numserie={invoice.number}&fecha={record.issue_date}"
        f"&importe={record.total_amount}"
    ]
    # Error correction level M, printed 36 mm wide with its quiet zone.
    import segno

    assert segno.make_qr(decoded[0], error="m", boost_error=False).error == "M"
    assert qr.PRINTED_MM == 36


def test_a_return_credit_note_is_recorded_and_chained(prepared_order):
    from types import SimpleNamespace

    invoice = Invoice.objects.get(order=prepared_order)
    line = invoice.lines.first()
    returned = SimpleNamespace(
        sku=line.sku,
        description=line.description,
        quantity=1,
        unit_price=line.unit_price,
        vat_rate=line.vat_rate,
        net_amount=line.unit_price,
    )
    tax = (line.unit_price * line.vat_rate / 100).quantize(Decimal("0.01"))
    credit = services.issue_return_credit_note(
        invoice=invoice,
        reason="Devolución",
        lines=[returned],
        subtotal=line.unit_price,
        discount=Decimal("0.00"),
        shipping=Decimal("0.00"),
        tax=tax,
        total=line.unit_price + tax,
        tax_breakdown=[{"rate": line.vat_rate, "base": line.unit_price, "tax": tax}],
    )
    (record,) = records_of(credit)
    element = element_of(record)
    assert building.validate(element) == []
    assert text(element, "TipoFactura") == "R1"
    assert text(element, "ImporteTotal") == f"{-(line.unit_price + tax):.2f}"
    assert record.previous_hash == records_of(invoice)[0].hash


def test_a_pln_invoice_is_recorded_in_euros_and_its_qr_says_so(place, prepare):
    from customers.exchange_rates import save_exchange_rate
    from pricing.tests.factories import price_every_product

    save_exchange_rate(
        actor=None,
        currency="PLN",
        rate_to_eur="0.250000",
        date=dt.date.today() - dt.timedelta(days=1),
    )
    price_every_product("PLN")
    buyer = CompanyFactory(country="PL", city="Warszawa", language="pl", currency="PLN")
    invoice = Invoice.objects.get(order=prepare(place(buyer)))
    assert invoice.currency == "PLN" and invoice.tax_eur is not None
    record = records_of(invoice)[0]
    element = element_of(record)
    assert building.validate(element) == []
    assert text(element, "CuotaTotal") == f"{invoice.tax_eur:.2f}"
    euros = (invoice.total * Decimal("0.25")).quantize(Decimal("0.01"))
    assert text(element, "ImporteTotal") == record.total_amount == f"{euros:.2f}"
    assert qr.qr_url(invoice).endswith(f"&importe={euros:.2f}")


def test_a_total_of_a_hundred_million_euros_is_flagged_macrodato():
    invoice = Invoice(
        kind="invoice",
        number="FV-2026-999999",
        issue_date=dt.date(2026, 1, 2),
        currency="EUR",
        seller={"legal_name": "Distribuciones Mayorista S.L."},
        customer={"legal_name": "Cliente", "tax_id": "B87654321", "country": "ES"},
        seller_vat_number="ESB12345674",
        order_number="PED-2026-000001",
        tax=Decimal("21000000.00"),
        total=Decimal("121000000.00"),
        tax_breakdown=[{"rate": "21.00", "base": "100000000.00", "tax": "21000000.00"}],
    )
    element, _values = building.build_alta(
        invoice, previous=None, generated_at=dt.datetime(2026, 1, 2, 10, tzinfo=dt.UTC)
    )
    assert building.validate(element) == []
    assert text(element, "Macrodato") == "S"
