"""Checking the chains: every record's hash recomputed from the values written in its
XML, each one linked to the previous record of its issuer (``manage.py
check_verifactu_chain``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .. import xsd
from .building import SF
from .hashing import alta_hash, anulacion_hash
from .models import RecordKind, VerifactuChain, VerifactuRecord


@dataclass(frozen=True)
class Break:
    record: VerifactuRecord | None
    problem: str

    def __str__(self):
        where = (
            f"{self.record.issuer_nif} #{self.record.sequence} {self.record.invoice_number}"
            if self.record is not None
            else "chain"
        )
        return f"{where}: {self.problem}"


def _text(element, path: str) -> str:
    found = element.find("/".join(f"{{{SF}}}{name}" for name in path.split("/")))
    return (found.text or "") if found is not None else ""


def recomputed_hash(record: VerifactuRecord) -> tuple[str, str]:
    """``(hash recomputed from the XML, hash written in the XML)``."""
    element = xsd.parse_xml(record.xml.encode("utf-8"))
    previous = _text(element, "Encadenamiento/RegistroAnterior/Huella")
    generated = _text(element, "FechaHoraHusoGenRegistro")
    if record.kind == RecordKind.ANULACION:
        digest = anulacion_hash(
            issuer_nif=_text(element, "IDFactura/IDEmisorFacturaAnulada"),
            number=_text(element, "IDFactura/NumSerieFacturaAnulada"),
            issue_date=_text(element, "IDFactura/FechaExpedicionFacturaAnulada"),
            previous_hash=previous,
            generated_at=generated,
        )
    else:
        digest = alta_hash(
            issuer_nif=_text(element, "IDFactura/IDEmisorFactura"),
            number=_text(element, "IDFactura/NumSerieFactura"),
            issue_date=_text(element, "IDFactura/FechaExpedicionFactura"),
            invoice_type=_text(element, "TipoFactura"),
            total_tax=_text(element, "CuotaTotal"),
            total_amount=_text(element, "ImporteTotal"),
            previous_hash=previous,
            generated_at=generated,
        )
    return digest, _text(element, "Huella")


def chain_breaks() -> Iterator[Break]:
    """Every break, issuer by issuer in chain order (stops at nothing: the command
    reports the first)."""
    heads = {chain.issuer_nif: chain for chain in VerifactuChain.objects.all()}
    previous: VerifactuRecord | None = None
    for record in VerifactuRecord.objects.order_by("issuer_nif", "sequence").iterator():
        if previous is not None and previous.issuer_nif != record.issuer_nif:
            yield from _head_breaks(previous, heads)
            previous = None
        expected_sequence = previous.sequence + 1 if previous is not None else 1
        if record.sequence != expected_sequence:
            yield Break(record, f"sequence {record.sequence}, expected {expected_sequence}")
        expected_previous = previous.hash if previous is not None else ""
        if record.previous_hash != expected_previous:
            yield Break(record, "its previous hash is not the previous record's hash")
        digest, written = recomputed_hash(record)
        if written != record.hash:
            yield Break(record, "the hash in its XML differs from the stored hash")
        if digest != written:
            yield Break(record, f"hash {written} does not match its content ({digest})")
        element = xsd.parse_xml(record.xml.encode("utf-8"))
        if _text(element, "Encadenamiento/RegistroAnterior/Huella") != expected_previous:
            yield Break(record, "its XML is not chained to the previous record")
        previous = record
    if previous is not None:
        yield from _head_breaks(previous, heads)


def _head_breaks(last: VerifactuRecord, heads: dict) -> Iterator[Break]:
    head = heads.get(last.issuer_nif)
    if head is None or head.last_record_id != last.pk or head.length != last.sequence:
        yield Break(last, "the chain's head does not point at its last record")
