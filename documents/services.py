"""The only code that issues invoices and credit notes and manages document files.

- ``issue_invoice`` / ``credit_cancelled_order`` take their number from
  ``core.numbering`` inside the caller's transaction (a locked counter row per series
  and year): a rollback gives the number back, so the series has no gaps. Both are
  get-or-create under the order's row lock, so running them again (a retried task, a
  repeated event) returns the document already issued.
- They run inside the outbox consumer's transaction (``documents.consumers``), hence a
  plain ``transaction.atomic()`` (a savepoint there) rather than a durable one.
- ``generate_document`` renders one PDF (``documents.pdf``) and stores it privately.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.fiscal import seller_vat_number
from core.messages import Msg
from core.money import money
from core.numbering import next_number
from core.outbox import publish
from customers.exchange_rates import latest_rate
from customers.models import TimelineKind, Visibility
from customers.services import append_timeline
from orders.models import Order, OrderStatus
from orders.pricing import vat_breakdown

from .models import (
    SERIES,
    CreditReason,
    DocumentFile,
    DocumentKind,
    DocumentStatus,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceWait,
    document_path,
)
from .verifactu.records import record_alta

logger = logging.getLogger(__name__)

INVOICE_ISSUED = "invoice.issued"
SELLER_KEYS = ("legal_name", "tax_id", "address", "email", "phone", "bank_name", "iban", "bic")


# --- snapshots -------------------------------------------------------------------------


def seller_snapshot() -> dict:
    """The seller's legal and bank data as printed on documents (``settings.SELLER``)."""
    return {key: str(settings.SELLER.get(key, "")) for key in SELLER_KEYS}


def customer_snapshot(company) -> dict:
    """The customer's legal data on the issue date."""
    return {
        "legal_name": company.legal_name,
        "tax_id": company.tax_id,
        "email": company.email,
        "line1": company.line1,
        "line2": company.line2,
        "postal_code": company.postal_code,
        "city": company.city,
        "region": company.region,
        "country": company.country,
    }


def _jsonable(rows: list[dict]) -> list[dict]:
    return [{key: str(value) for key, value in row.items()} for row in rows]


# --- issuing ---------------------------------------------------------------------------


def _lock_order(order_id: int) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("company").get(pk=order_id)


def _wait_for_rate(order: Order) -> InvoiceWait:
    """Record that ``order``'s invoice waits for an exchange rate (shown to staff)."""
    wait, created = InvoiceWait.objects.get_or_create(
        order=order,
        defaults={"reason": InvoiceWait.Reason.NO_EXCHANGE_RATE, "currency": order.currency},
    )
    if not created and wait.resolved_at is not None:
        InvoiceWait.objects.filter(pk=wait.pk).update(resolved_at=None)
    return wait


def waiting_for_rate(order_id: int) -> bool:
    return InvoiceWait.objects.filter(order_id=order_id, resolved_at__isnull=True).exists()


def issue_invoice(*, order: Order | int, now: dt.datetime | None = None) -> Invoice | None:
    """The order's invoice, issued now if it has none yet (None for a cancelled order
    never invoiced, and for a non-euro order while no exchange rate exists on or before
    today: it then waits, ``InvoiceWait``). Takes the next ``FV`` number in this
    transaction; snapshots the fiscal position, both VAT numbers and, for a non-euro
    order, the rate, its date and the VAT in euros."""
    order_id = order if isinstance(order, int) else order.pk
    with transaction.atomic():
        locked = _lock_order(order_id)
        existing = Invoice.objects.filter(order=locked, kind=InvoiceKind.INVOICE).first()
        if existing is not None:
            return existing
        if locked.status == OrderStatus.CANCELADO:
            return None
        now = now or timezone.now()
        issue_date = timezone.localdate(now)
        rate = None
        if locked.currency != "EUR":
            rate = latest_rate(locked.currency, issue_date)
            if rate is None:
                _wait_for_rate(locked)
                return None
        lines = list(locked.lines.order_by("position"))
        company = locked.company
        breakdown = vat_breakdown(lines, discount=locked.discount, shipping=locked.shipping)
        invoice = Invoice.objects.create(
            kind=InvoiceKind.INVOICE,
            number=next_number(SERIES[InvoiceKind.INVOICE], year=issue_date.year),
            order=locked,
            company=company,
            issued_at=now,
            issue_date=issue_date,
            due_date=issue_date + dt.timedelta(days=company.payment_terms_days),
            language=company.language,
            currency=locked.currency,
            seller=seller_snapshot(),
            customer=customer_snapshot(company),
            shipping_address=locked.shipping_address,
            order_number=locked.number,
            po_number=locked.po_number,
            payment_terms=company.payment_terms,
            subtotal=locked.subtotal,
            discount=locked.discount,
            shipping=locked.shipping,
            tax=locked.tax,
            total=locked.total,
            tax_breakdown=_jsonable(breakdown),
            fiscal_position=locked.fiscal_position,
            seller_vat_number=locked.seller_vat_number or seller_vat_number(),
            customer_vat_number=locked.customer_vat_number,
            exchange_rate=rate.rate_to_eur if rate else None,
            exchange_rate_date=rate.date if rate else None,
            tax_eur=money(locked.tax * rate.rate_to_eur) if rate else None,
        )
        InvoiceWait.objects.filter(order=locked, resolved_at__isnull=True).update(resolved_at=now)
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=index,
                sku=line.sku,
                description=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                net_amount=line.line_total,
            )
            for index, line in enumerate(lines, start=1)
        )
        record_alta(invoice, now=now)
        DocumentFile.objects.create(order=locked, kind=DocumentKind.INVOICE, invoice=invoice)
        _issued(invoice, "document.invoice_issued")
    return invoice


def issue_credit_note(
    *, invoice: Invoice, reason_code: str, reason: str, now: dt.datetime | None = None
) -> Invoice:
    """A credit note reversing ``invoice`` in full (negative quantities and amounts),
    numbered in the ``AB`` series. A cancellation is credited once (get-or-create)."""
    if invoice.kind != InvoiceKind.INVOICE:
        raise ValueError("Only invoices are credited")
    with transaction.atomic():
        locked = _lock_order(invoice.order_id)
        if reason_code == CreditReason.CANCELLATION:
            existing = Invoice.objects.filter(
                corrects=invoice, kind=InvoiceKind.CREDIT_NOTE, reason_code=reason_code
            ).first()
            if existing is not None:
                return existing
        now = now or timezone.now()
        issue_date = timezone.localdate(now)
        credit = Invoice.objects.create(
            kind=InvoiceKind.CREDIT_NOTE,
            number=next_number(SERIES[InvoiceKind.CREDIT_NOTE], year=issue_date.year),
            order=locked,
            company=invoice.company,
            corrects=invoice,
            reason_code=reason_code,
            reason=reason,
            issued_at=now,
            issue_date=issue_date,
            due_date=issue_date,
            language=invoice.language,
            currency=invoice.currency,
            seller=seller_snapshot(),
            customer=invoice.customer,
            shipping_address=invoice.shipping_address,
            order_number=invoice.order_number,
            po_number=invoice.po_number,
            payment_terms=invoice.payment_terms,
            subtotal=-invoice.subtotal,
            discount=-invoice.discount,
            shipping=-invoice.shipping,
            tax=-invoice.tax,
            total=-invoice.total,
            tax_breakdown=[
                {**row, "base": str(-Decimal(row["base"])), "tax": str(-Decimal(row["tax"]))}
                for row in invoice.tax_breakdown
            ],
            fiscal_position=invoice.fiscal_position,
            seller_vat_number=invoice.seller_vat_number,
            customer_vat_number=invoice.customer_vat_number,
            exchange_rate=invoice.exchange_rate,
            exchange_rate_date=invoice.exchange_rate_date,
            tax_eur=-invoice.tax_eur if invoice.tax_eur is not None else None,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=credit,
                position=line.position,
                sku=line.sku,
                description=line.description,
                quantity=-line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                net_amount=-line.net_amount,
            )
            for line in invoice.lines.all()
        )
        record_alta(credit, now=now)
        DocumentFile.objects.create(order=locked, kind=DocumentKind.CREDIT_NOTE, invoice=credit)
        _issued(credit, "document.credit_note_issued")
    return credit


def issue_return_credit_note(
    *,
    invoice: Invoice,
    reason: str,
    lines,
    subtotal: Decimal,
    discount: Decimal,
    shipping: Decimal,
    tax: Decimal,
    total: Decimal,
    tax_breakdown: list[dict],
    now: dt.datetime | None = None,
) -> Invoice:
    """A credit note for returned goods (part of ``invoice``), numbered in the ``AB``
    series, in the caller's transaction. The amounts are what is given back, positive
    (``returns.refunds`` computes them); the document carries them negated. ``lines``
    have ``sku``, ``description``, ``quantity``, ``unit_price``, ``vat_rate`` and
    ``net_amount`` (a restocking fee: a negative net amount, printed as a charge)."""
    if invoice.kind != InvoiceKind.INVOICE:
        raise ValueError("Only invoices are credited")
    with transaction.atomic():
        locked = _lock_order(invoice.order_id)
        now = now or timezone.now()
        issue_date = timezone.localdate(now)
        credit = Invoice.objects.create(
            kind=InvoiceKind.CREDIT_NOTE,
            number=next_number(SERIES[InvoiceKind.CREDIT_NOTE], year=issue_date.year),
            order=locked,
            company=invoice.company,
            corrects=invoice,
            reason_code=CreditReason.RETURN,
            reason=reason,
            issued_at=now,
            issue_date=issue_date,
            due_date=issue_date,
            language=invoice.language,
            currency=invoice.currency,
            seller=seller_snapshot(),
            customer=invoice.customer,
            shipping_address=invoice.shipping_address,
            order_number=invoice.order_number,
            po_number=invoice.po_number,
            payment_terms=invoice.payment_terms,
            subtotal=-subtotal,
            discount=-discount,
            shipping=-shipping,
            tax=-tax,
            total=-total,
            tax_breakdown=[
                {"rate": str(row["rate"]), "base": str(-row["base"]), "tax": str(-row["tax"])}
                for row in tax_breakdown
            ],
            # The corrected invoice's fiscal position, VAT numbers and exchange rate.
            fiscal_position=invoice.fiscal_position,
            seller_vat_number=invoice.seller_vat_number,
            customer_vat_number=invoice.customer_vat_number,
            exchange_rate=invoice.exchange_rate,
            exchange_rate_date=invoice.exchange_rate_date,
            tax_eur=-money(tax * invoice.exchange_rate) if invoice.exchange_rate else None,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=credit,
                position=index,
                sku=line.sku,
                description=line.description[:200],
                quantity=-line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                net_amount=-line.net_amount,
            )
            for index, line in enumerate(lines, start=1)
        )
        record_alta(credit, now=now)
        DocumentFile.objects.create(order=locked, kind=DocumentKind.CREDIT_NOTE, invoice=credit)
        _issued(credit, "document.credit_note_issued")
    return credit


def credit_cancelled_order(*, order: Order | int) -> Invoice | None:
    """The cancellation credit note of an invoiced, cancelled order (None when the
    order was never invoiced or is not cancelled)."""
    order_id = order if isinstance(order, int) else order.pk
    with transaction.atomic():
        locked = _lock_order(order_id)
        if locked.status != OrderStatus.CANCELADO:
            return None
        invoice = Invoice.objects.filter(order=locked, kind=InvoiceKind.INVOICE).first()
        if invoice is None:
            return None
        return issue_credit_note(
            invoice=invoice,
            reason_code=CreditReason.CANCELLATION,
            reason=locked.cancel_reason,
        )


def _issued(document: Invoice, key: str) -> None:
    append_timeline(
        company=document.company,
        kind=TimelineKind.ORDER,
        message=Msg(key, number=document.number, order=document.order_number),
        subject=document.order,
        visibility=Visibility.CUSTOMER,
    )
    publish(INVOICE_ISSUED, invoice_payload(document))


def invoice_payload(document: Invoice) -> dict:
    """The ``invoice.issued`` webhook payload (the ``/api/v1/invoices/`` row)."""
    return {
        "number": document.number,
        "kind": document.kind,
        "order": document.order_number,
        "corrects": document.corrects.number if document.corrects_id else None,
        "reason": document.reason,
        "issued_at": document.issued_at.isoformat(),
        "due_date": document.due_date.isoformat(),
        "company_id": document.company_id,
        "currency": document.currency,
        "subtotal": str(document.subtotal),
        "tax": str(document.tax),
        "total": str(document.total),
    }


def issue_waiting_invoices(*, currency: str) -> list[DocumentFile]:
    """Issue the invoices that waited for an exchange rate of ``currency`` (a rate was
    saved); those still without a rate on or before today keep waiting. Idempotent."""
    documents = []
    waiting = InvoiceWait.objects.filter(currency=currency, resolved_at__isnull=True)
    for order_id in waiting.values_list("order_id", flat=True):
        with transaction.atomic():
            invoice = issue_invoice(order=order_id)
            if invoice is None:
                if not Order.objects.filter(pk=order_id, status=OrderStatus.CANCELADO).exists():
                    continue
                InvoiceWait.objects.filter(order_id=order_id).update(resolved_at=timezone.now())
            elif not invoice.document.is_ready:
                documents.append(invoice.document)
    return documents


# --- order documents -------------------------------------------------------------------


def prepare_order_documents(*, order: Order | int) -> list[DocumentFile]:
    """An order entered preparation: its invoice, packing list and shipping label
    (rows in ``pending``; the files are rendered by ``documents.tasks``)."""
    order_id = order if isinstance(order, int) else order.pk
    with transaction.atomic():
        invoice = issue_invoice(order=order_id)
        if invoice is None and not waiting_for_rate(order_id):
            return []
        # An invoice waiting for an exchange rate does not hold up the warehouse papers.
        documents = [invoice.document] if invoice is not None else []
        for kind in (DocumentKind.PACKING_LIST, DocumentKind.SHIPPING_LABEL):
            document, _created = DocumentFile.objects.get_or_create(order_id=order_id, kind=kind)
            documents.append(document)
    return [document for document in documents if document.status != DocumentStatus.READY]


def refresh_shipping_label(*, order: Order | int) -> list[DocumentFile]:
    """The order shipped: its label is rendered again with the carrier and tracking."""
    order_id = order if isinstance(order, int) else order.pk
    document = DocumentFile.objects.filter(
        order_id=order_id, kind=DocumentKind.SHIPPING_LABEL
    ).first()
    if document is None:
        return []
    mark_pending(document)
    return [document]


def mark_pending(document: DocumentFile) -> DocumentFile:
    """Queue a document for (re)generation (the retry button, a shipment)."""
    DocumentFile.objects.filter(pk=document.pk).update(
        status=DocumentStatus.PENDING, last_error="", updated_at=timezone.now()
    )
    document.refresh_from_db()
    return document


def generate_document(*, document_id: int) -> DocumentFile | None:
    """Render one document's PDF and store it (idempotent: a ready file is kept)."""
    from . import pdf

    document = (
        DocumentFile.objects.select_related("order__company", "invoice").filter(pk=document_id)
    ).first()
    if document is None or document.is_ready:
        return document
    DocumentFile.objects.filter(pk=document.pk).update(attempts=document.attempts + 1)
    content = pdf.render_document(document)
    old_name = document.file.name if document.file else ""
    name = document.file.storage.save(
        document_path(document, document.filename), ContentFile(content)
    )
    updated = (
        DocumentFile.objects.filter(pk=document.pk)
        .exclude(status=DocumentStatus.READY)
        .update(
            file=name,
            status=DocumentStatus.READY,
            last_error="",
            generated_at=timezone.now(),
            updated_at=timezone.now(),
        )
    )
    if not updated:  # another run finished first: keep its file
        document.file.storage.delete(name)
    elif old_name and old_name != name:
        document.file.storage.delete(old_name)
    document.refresh_from_db()
    return document


def mark_failed(*, document_id: int, error: str) -> None:
    DocumentFile.objects.filter(pk=document_id).exclude(status=DocumentStatus.READY).update(
        status=DocumentStatus.FAILED, last_error=error[:2000], updated_at=timezone.now()
    )


def document_bytes(document: DocumentFile) -> bytes:
    """The PDF's content, rendered now if it is not ready yet (emails attach it)."""
    if not document.is_ready:
        document = generate_document(document_id=document.pk)
    with document.file.open("rb") as handle:
        return handle.read()
