"""``documents`` alone decides which document exists after which status (its
``order.status_changed`` consumer)."""

from __future__ import annotations

import pytest

from core.models import OutboxEvent
from documents import consumers
from documents.models import DocumentKind, DocumentStatus, Invoice, InvoiceKind
from orders.events import ORDER_STATUS_CHANGED
from orders.models import Order, OrderStatus

pytestmark = pytest.mark.django_db


def _status_event(order, to):
    return OutboxEvent.objects.create(
        event_type=ORDER_STATUS_CHANGED, payload={"order_id": order.pk, "to": to}
    )


def test_shipping_an_order_without_an_invoice_issues_and_renders_it(company, place, flush):
    order = place(company)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.ENVIADO)
    with flush():
        consumers.on_order_status_changed(_status_event(order, OrderStatus.ENVIADO))
    invoice = Invoice.objects.get(order=order, kind=InvoiceKind.INVOICE)
    assert invoice.document.status == DocumentStatus.READY
    with flush():  # a second time: the same invoice, no new number
        consumers.on_order_status_changed(_status_event(order, OrderStatus.ENVIADO))
    assert Invoice.objects.filter(order=order).count() == 1


def test_preparation_issues_the_invoice_packing_list_and_label(company, place, prepare):
    order = prepare(place(company))
    kinds = set(order.documents.values_list("kind", flat=True))
    assert kinds == {DocumentKind.INVOICE, DocumentKind.PACKING_LIST, DocumentKind.SHIPPING_LABEL}


def test_cancelling_an_invoiced_order_issues_one_credit_note(company, place, prepare, cancel):
    order = cancel(prepare(place(company)))
    credit = Invoice.objects.get(order=order, kind=InvoiceKind.CREDIT_NOTE)
    assert credit.document.status == DocumentStatus.READY


def test_the_pending_sweep_takes_the_age_of_a_pending_document_as_an_argument(
    company, place, prepare
):
    """A document left pending (its task lost, its worker killed mid-render) is queued
    again by the sweep: after ten minutes by default, sooner when asked (the benches)."""
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    from documents import tasks
    from documents.models import DocumentFile

    order = prepare(place(company))
    invoice = order.documents.get(kind=DocumentKind.INVOICE)
    DocumentFile.objects.filter(pk=invoice.pk).update(
        status=DocumentStatus.PENDING, updated_at=timezone.now() - timedelta(seconds=60)
    )
    with mock.patch.object(tasks.generate_document, "delay") as delay:
        assert tasks.sweep_pending_documents() == 0
        assert tasks.sweep_pending_documents(older_than_seconds=30) == 1
    delay.assert_called_once_with(invoice.pk)
