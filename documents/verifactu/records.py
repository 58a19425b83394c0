"""Writing VeriFactu records: the only code that adds to an issuer's chain.

- ``record_alta(invoice)`` is called by ``documents.services`` inside the transaction
  that issues the invoice or credit note (a rollback takes the record back with it).
- ``record_anulacion(invoice, actor=, reason=)`` cancels a document's registration
  (the back-office action "Cancel the VeriFactu record"); audited.
- Both lock the issuer's ``VerifactuChain`` row (``select_for_update``) before reading
  the last record, so concurrent issuings queue there and the chain never forks.
- Nothing is written while VeriFactu is off (the company reports through the SII).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.actors import user_of

from . import building, conf
from .models import RecordKind, VerifactuChain, VerifactuRecord


class RecordRefused(ValueError):
    """A record that cannot be written (e.g. an anulación of an unregistered document)."""


def _lock_chain(issuer_nif: str) -> VerifactuChain:
    # The row exists once its first record is written; ``ignore_conflicts`` makes the
    # creation race-free (two first issuings both insert, one is ignored).
    VerifactuChain.objects.bulk_create(
        [VerifactuChain(issuer_nif=issuer_nif)], ignore_conflicts=True
    )
    chain = VerifactuChain.objects.select_for_update().get(issuer_nif=issuer_nif)
    # Read in its own statement, after the lock is granted: a join in the locking query
    # would show the last record as it was when that query started waiting (PostgreSQL
    # re-reads only the locked row), and the chain would fork.
    chain.last_record = (
        VerifactuRecord.objects.filter(pk=chain.last_record_id).first()
        if chain.last_record_id
        else None
    )
    return chain


def _append(chain: VerifactuChain, *, element, values, invoice, kind, actor=None, reason=""):
    errors = building.validate(element)
    if errors:
        raise RecordRefused("; ".join(errors))
    record = VerifactuRecord.objects.create(
        kind=kind,
        invoice=invoice,
        issuer_nif=values.issuer_nif,
        sequence=chain.length + 1,
        invoice_number=values.number,
        issue_date=values.issue_date,
        invoice_type=values.invoice_type,
        total_tax=values.total_tax,
        total_amount=values.total_amount,
        generated_at=values.generated_at,
        previous_hash=values.previous_hash,
        hash=values.hash,
        xml=building.to_string(element),
        reason=reason,
        created_by=user_of(actor),
    )
    VerifactuChain.objects.filter(pk=chain.pk).update(last_record=record, length=chain.length + 1)
    return record


def record_alta(invoice, *, now: dt.datetime | None = None) -> VerifactuRecord | None:
    """The registration record of a just issued document (None while VeriFactu is off)."""
    if not conf.enabled():
        return None
    with transaction.atomic():
        chain = _lock_chain(conf.issuer_nif(invoice))
        element, values = building.build_alta(
            invoice, previous=chain.last_record, generated_at=now or timezone.now()
        )
        return _append(chain, element=element, values=values, invoice=invoice, kind=RecordKind.ALTA)


def alta_of(invoice) -> VerifactuRecord | None:
    return VerifactuRecord.objects.filter(invoice=invoice, kind=RecordKind.ALTA).first()


def cancellation_problem(invoice) -> str | None:
    """Why the document's record cannot be cancelled, or None when it can."""
    if not conf.enabled():
        return conf.disabled_reason()
    kinds = set(VerifactuRecord.objects.filter(invoice=invoice).values_list("kind", flat=True))
    if RecordKind.ALTA not in kinds:
        return _("%(number)s has no VeriFactu record to cancel.") % {"number": invoice.number}
    if RecordKind.ANULACION in kinds:
        return _("The VeriFactu record of %(number)s is already cancelled.") % {
            "number": invoice.number
        }
    return None


def record_anulacion(
    invoice, *, actor, reason: str, now: dt.datetime | None = None
) -> VerifactuRecord:
    """The cancellation record ("registro de anulación") of ``invoice``'s registration,
    chained after the issuer's last record. Raises ``RecordRefused`` (translated)."""
    reason = (reason or "").strip()
    if not reason:
        raise RecordRefused(_("Give the reason for cancelling the record."))
    with transaction.atomic():
        problem = cancellation_problem(invoice)
        if problem:
            raise RecordRefused(problem)
        alta = alta_of(invoice)
        chain = _lock_chain(alta.issuer_nif)
        # Checked again under the lock: two clicks never cancel twice.
        if VerifactuRecord.objects.filter(invoice=invoice, kind=RecordKind.ANULACION).exists():
            raise RecordRefused(cancellation_problem(invoice))
        element, values = building.build_anulacion(
            alta, previous=chain.last_record, generated_at=now or timezone.now()
        )
        record = _append(
            chain,
            element=element,
            values=values,
            invoice=invoice,
            kind=RecordKind.ANULACION,
            actor=actor,
            reason=reason[:2000],
        )
        audit.record_created(
            actor=actor, instance=record, fields=["kind", "invoice_number", "hash", "reason"]
        )
    return record
