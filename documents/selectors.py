"""Read queries of the documents domain (order pages, API, portal)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import DocumentFile, Invoice, InvoiceWait


def documents_for_order(order) -> list[DocumentFile]:
    """An order's document files with their invoices, in a stable order."""
    order_of_kinds = {"invoice": 0, "credit_note": 1, "packing_list": 2, "shipping_label": 3}
    documents = list(DocumentFile.objects.filter(order=order).select_related("invoice", "order"))
    return sorted(documents, key=lambda d: (order_of_kinds.get(d.kind, 9), d.pk))


def document_files(*, company=None) -> QuerySet[DocumentFile]:
    """Document files; with ``company``, only that company's (tenancy)."""
    documents = DocumentFile.objects.select_related("order", "invoice")
    if company is not None:
        documents = documents.filter(order__company=company)
    return documents


def invoice_list(*, company=None) -> QuerySet[Invoice]:
    """Invoices and credit notes with what a list row shows; tenancy by ``company``."""
    invoices = Invoice.objects.select_related("corrects", "document").order_by("id")
    if company is not None:
        invoices = invoices.filter(company=company)
    return invoices


def invoice_wait_for(order) -> InvoiceWait | None:
    """Why the order's invoice is not issued yet (None: it is, or is not due)."""
    return InvoiceWait.objects.filter(order=order, resolved_at__isnull=True).first()


def waiting_invoices() -> QuerySet[InvoiceWait]:
    """Invoices of open orders waiting for an exchange rate (the staff alert)."""
    return InvoiceWait.objects.filter(resolved_at__isnull=True).exclude(order__status="cancelado")


def waiting_invoice_count() -> int:
    return waiting_invoices().count()
