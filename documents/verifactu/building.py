"""The XML of VeriFactu records, built with lxml from an issued document's snapshot.

- ``build_alta(invoice, previous=, generated_at=)``: a ``RegistroAlta`` (its values and
  hash in ``RecordValues``) for an invoice (``F1``) or a credit note (rectifying
  ``R1``/``R4`` "por diferencias" with the invoice it corrects).
- ``build_anulacion(alta, previous=, generated_at=)``: the ``RegistroAnulacion`` of a
  registered document.
- ``envelope(records)``: the ``RegFactuSistemaFacturacion`` the AEAT web service takes
  (``Cabecera`` with the issuer, one ``RegistroFactura`` per record, 1000 at most).
- ``validate(element)``: the AEAT schema's messages, [] when valid (``documents.xsd``:
  the vendored schemas, no network).

The recipient: a Spanish company by its ``NIF``; any other by ``IDOtro`` with its country
and its VAT number (``IDType`` 02, NIF-IVA) or, without one, its tax id (04). The VAT
breakdown: ``S1`` with rate and tax for a domestic supply, ``OperacionExenta`` ``E5``
for an exempt intra-Community supply (art. 25 LIVA) and ``E2`` for an export (art. 21,
regime key 02). Amounts are in euros: a document in another currency is converted at
the rate it was issued with (its VAT in euros as printed on it).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from lxml import etree

from core.fiscal import FiscalPosition, normalize_vat_number

from .. import xsd
from . import conf
from .hashing import alta_hash, anulacion_hash

WS = (
    "https://www2.agenciatributaria.gob.es/static_files/common/internet/dep/"
    "aplicaciones/es/aeat/tike/cont/ws/"
)
SF = WS + "SuministroInformacion.xsd"
SFLR = WS + "SuministroLR.xsd"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
MAX_RECORDS = 1000
VERSION = "1.0"
CENT = Decimal("0.01")
#: From this total (in euros) a record is flagged ``Macrodato``.
MACRODATO = Decimal("100000000")
#: Records are stamped in Spanish peninsular time, with its offset.
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")

#: Credit notes are rectifying invoices: a cancellation or a return (art. 80.Dos LIVA)
#: R1, any other correction R4.
RECTIFYING_TYPES = {"cancellation": "R1", "return": "R1", "correction": "R4"}


@dataclass(frozen=True)
class RecordValues:
    """What a record's hash covers, as written in its XML."""

    issuer_nif: str
    number: str
    issue_date: str
    invoice_type: str
    total_tax: str
    total_amount: str
    previous_hash: str
    generated_at: str
    hash: str


def amount(value) -> str:
    """``12.35``, ``-3.00`` (never ``-0.00``)."""
    cents = Decimal(str(value)).quantize(CENT)
    if cents == 0:
        cents = abs(cents)
    return f"{cents:f}"


def rate(value) -> str:
    return f"{Decimal(str(value)).quantize(CENT):f}"


def in_euros(invoice, value) -> Decimal:
    """``value`` of ``invoice`` in euros: the AEAT takes amounts in euros, so a document
    in another currency is converted at the rate it was issued with."""
    value = Decimal(str(value))
    if invoice.currency == "EUR" or not invoice.exchange_rate:
        return value
    return (value * invoice.exchange_rate).quantize(CENT)


def totals_in_euros(invoice) -> tuple[str, str]:
    """``(CuotaTotal, ImporteTotal)`` as written in the record (and the QR code)."""
    if invoice.currency == "EUR" or not invoice.exchange_rate:
        return amount(invoice.tax), amount(invoice.total)
    tax = invoice.tax_eur if invoice.tax_eur is not None else in_euros(invoice, invoice.tax)
    return amount(tax), amount(in_euros(invoice, invoice.total))


def aeat_date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


def timestamp(value: dt.datetime) -> str:
    """``2024-01-01T19:20:30+01:00``: Spanish time with its offset, to the second."""
    local = value.astimezone(MADRID)
    return local.replace(microsecond=0).isoformat()


def _add(parent, name: str, text: str | None = None, ns: str = SF):
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = text
    return element


def invoice_type(invoice) -> str:
    if not invoice.is_credit_note:
        return "F1"
    return RECTIFYING_TYPES.get(invoice.reason_code, "R4")


def _recipient(parent, invoice) -> None:
    customer = invoice.customer or {}
    country = str(customer.get("country") or "ES").upper()
    party = _add(parent, "IDDestinatario")
    _add(party, "NombreRazon", str(customer.get("legal_name") or "-")[:120])
    vat_number = normalize_vat_number(invoice.customer_vat_number)
    tax_id = str(customer.get("tax_id") or "")
    nif = conf.spanish_nif(vat_number or tax_id)
    if country == "ES" and len(nif) == 9:
        _add(party, "NIF", nif)
        return
    other = _add(party, "IDOtro")
    _add(other, "CodigoPais", country)
    if vat_number:
        _add(other, "IDType", "02")
        _add(other, "ID", vat_number[:20])
    else:
        _add(other, "IDType", "04")
        _add(other, "ID", (tax_id or "-")[:20])


def _breakdown(parent, invoice) -> None:
    desglose = _add(parent, "Desglose")
    rows = list(invoice.tax_breakdown or [])
    if not rows:
        rows = [{"rate": "0.00", "base": str(invoice.total - invoice.tax), "tax": "0.00"}]
    for row in rows:
        detail = _add(desglose, "DetalleDesglose")
        _add(detail, "Impuesto", "01")
        if invoice.fiscal_position == FiscalPosition.INTRA_EU:
            _add(detail, "ClaveRegimen", "01")
            _add(detail, "OperacionExenta", "E5")
            _add(detail, "BaseImponibleOimporteNoSujeto", amount(in_euros(invoice, row["base"])))
        elif invoice.fiscal_position == FiscalPosition.EXPORT:
            _add(detail, "ClaveRegimen", "02")
            _add(detail, "OperacionExenta", "E2")
            _add(detail, "BaseImponibleOimporteNoSujeto", amount(in_euros(invoice, row["base"])))
        else:
            _add(detail, "ClaveRegimen", "01")
            _add(detail, "CalificacionOperacion", "S1")
            _add(detail, "TipoImpositivo", rate(row["rate"]))
            _add(detail, "BaseImponibleOimporteNoSujeto", amount(in_euros(invoice, row["base"])))
            _add(detail, "CuotaRepercutida", amount(in_euros(invoice, row["tax"])))


def _chain(parent, previous) -> None:
    chain = _add(parent, "Encadenamiento")
    if previous is None:
        _add(chain, "PrimerRegistro", "S")
        return
    link = _add(chain, "RegistroAnterior")
    _add(link, "IDEmisorFactura", previous.issuer_nif)
    _add(link, "NumSerieFactura", previous.invoice_number)
    _add(link, "FechaExpedicionFactura", previous.issue_date)
    _add(link, "Huella", previous.hash)


def _software(parent) -> None:
    software = conf.software()
    system = _add(parent, "SistemaInformatico")
    _add(system, "NombreRazon", software["producer_name"])
    _add(system, "NIF", software["producer_nif"])
    _add(system, "NombreSistemaInformatico", software["name"])
    _add(system, "IdSistemaInformatico", software["id"])
    _add(system, "Version", software["version"])
    _add(system, "NumeroInstalacion", software["installation"])
    _add(system, "TipoUsoPosibleSoloVerifactu", "S")
    _add(system, "TipoUsoPosibleMultiOT", "N")
    _add(system, "IndicadorMultiplesOT", "N")


def _root(name: str):
    return etree.Element(f"{{{SF}}}{name}", nsmap={"sf": SF})


def build_alta(invoice, *, previous, generated_at: dt.datetime):
    """``(element, RecordValues)`` of the registration record of ``invoice``;
    ``previous`` is the issuer's last ``VerifactuRecord`` (None for the first)."""
    values_issuer = conf.issuer_nif(invoice)
    number = invoice.number
    issue_date = aeat_date(invoice.issue_date)
    kind = invoice_type(invoice)
    total_tax, total_amount = totals_in_euros(invoice)
    generated = timestamp(generated_at)
    previous_hash = previous.hash if previous is not None else ""

    record = _root("RegistroAlta")
    _add(record, "IDVersion", VERSION)
    identifier = _add(record, "IDFactura")
    _add(identifier, "IDEmisorFactura", values_issuer)
    _add(identifier, "NumSerieFactura", number)
    _add(identifier, "FechaExpedicionFactura", issue_date)
    _add(record, "NombreRazonEmisor", conf.issuer_name(invoice))
    _add(record, "TipoFactura", kind)
    if invoice.is_credit_note:
        _add(record, "TipoRectificativa", "I")
        corrected = invoice.corrects
        block = _add(_add(record, "FacturasRectificadas"), "IDFacturaRectificada")
        _add(block, "IDEmisorFactura", conf.issuer_nif(corrected))
        _add(block, "NumSerieFactura", corrected.number)
        _add(block, "FechaExpedicionFactura", aeat_date(corrected.issue_date))
    description = (
        f"Abono de la factura {invoice.corrects.number}, pedido {invoice.order_number}"
        if invoice.is_credit_note
        else f"Venta de mercancías, pedido {invoice.order_number}"
    )
    _add(record, "DescripcionOperacion", description[:500])
    if abs(Decimal(total_amount)) >= MACRODATO:
        _add(record, "Macrodato", "S")
    _recipient(_add(record, "Destinatarios"), invoice)
    _breakdown(record, invoice)
    _add(record, "CuotaTotal", total_tax)
    _add(record, "ImporteTotal", total_amount)
    _chain(record, previous)
    _software(record)
    _add(record, "FechaHoraHusoGenRegistro", generated)
    _add(record, "TipoHuella", "01")
    digest = alta_hash(
        issuer_nif=values_issuer,
        number=number,
        issue_date=issue_date,
        invoice_type=kind,
        total_tax=total_tax,
        total_amount=total_amount,
        previous_hash=previous_hash,
        generated_at=generated,
    )
    _add(record, "Huella", digest)
    values = RecordValues(
        values_issuer,
        number,
        issue_date,
        kind,
        total_tax,
        total_amount,
        previous_hash,
        generated,
        digest,
    )
    return record, values


def build_anulacion(alta, *, previous, generated_at: dt.datetime):
    """``(element, RecordValues)`` of the cancellation of the registered ``alta``."""
    generated = timestamp(generated_at)
    previous_hash = previous.hash if previous is not None else ""
    record = _root("RegistroAnulacion")
    _add(record, "IDVersion", VERSION)
    identifier = _add(record, "IDFactura")
    _add(identifier, "IDEmisorFacturaAnulada", alta.issuer_nif)
    _add(identifier, "NumSerieFacturaAnulada", alta.invoice_number)
    _add(identifier, "FechaExpedicionFacturaAnulada", alta.issue_date)
    _chain(record, previous)
    _software(record)
    _add(record, "FechaHoraHusoGenRegistro", generated)
    _add(record, "TipoHuella", "01")
    digest = anulacion_hash(
        issuer_nif=alta.issuer_nif,
        number=alta.invoice_number,
        issue_date=alta.issue_date,
        previous_hash=previous_hash,
        generated_at=generated,
    )
    _add(record, "Huella", digest)
    values = RecordValues(
        alta.issuer_nif, alta.invoice_number, alta.issue_date, "", "", "", previous_hash,
        generated, digest,
    )  # fmt: skip
    return record, values


def to_string(element) -> str:
    return etree.tostring(element, encoding="unicode")


def envelope(records, *, issuer_name: str, issuer_nif: str):
    """The ``RegFactuSistemaFacturacion`` of ``records`` (stored ``VerifactuRecord`` rows,
    at most ``MAX_RECORDS``)."""
    root = etree.Element(f"{{{SFLR}}}RegFactuSistemaFacturacion", nsmap={"sfLR": SFLR, "sf": SF})
    header = _add(root, "Cabecera", ns=SFLR)
    obligado = _add(header, "ObligadoEmision")
    _add(obligado, "NombreRazon", issuer_name[:120])
    _add(obligado, "NIF", issuer_nif)
    for record in records:
        _add(root, "RegistroFactura", ns=SFLR).append(xsd.parse_xml(record.xml.encode("utf-8")))
    return root


def envelope_bytes(root) -> bytes:
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def schema():
    return xsd.load_schema(str(SCHEMAS), "SuministroLR.xsd")


def record_schema():
    return xsd.load_schema(str(SCHEMAS), "SuministroInformacion.xsd")


def validate(element) -> list[str]:
    """The AEAT schema's messages for an envelope or a single record, [] when valid."""
    if element.tag == f"{{{SFLR}}}RegFactuSistemaFacturacion":
        return xsd.schema_errors(schema(), element)
    return xsd.schema_errors(record_schema(), element)
