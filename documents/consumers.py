"""Outbox consumers: an order's status change issues documents (in the consumer's
transaction, once per event: ``core.outbox``) and queues their rendering after commit.

This is the only code that decides which document exists after which status:

- en_preparacion: invoice (FV number), packing list, shipping label;
- enviado: the invoice if the order has none yet, and the shipping label again, now
  with carrier and tracking number;
- cancelado: a credit note (AB number) when the order was invoiced.

A non-euro invoice waits while no exchange rate exists on or before its issue date
(``InvoiceWait``); ``exchange_rate.saved`` issues the invoices waiting for that currency.

The emails that attach them (``notifications``) wait until their PDF is rendered.
"""

from __future__ import annotations

from django.db import transaction

from core.outbox import consumer
from customers.exchange_rates import EXCHANGE_RATE_SAVED
from orders.events import ORDER_STATUS_CHANGED
from orders.models import OrderStatus

from . import services


@consumer(ORDER_STATUS_CHANGED, name="documents.order_status_changed")
def on_order_status_changed(event) -> None:
    payload = event.payload
    order_id = payload["order_id"]
    target = payload.get("to")
    if target == OrderStatus.EN_PREPARACION:
        documents = services.prepare_order_documents(order=order_id)
    elif target == OrderStatus.ENVIADO:
        invoice = services.issue_invoice(order=order_id)
        documents = services.refresh_shipping_label(order=order_id)
        if invoice is not None and not invoice.document.is_ready:
            documents = [invoice.document, *documents]
    elif target == OrderStatus.CANCELADO:
        credit = services.credit_cancelled_order(order=order_id)
        documents = [credit.document] if credit is not None else []
    else:
        documents = []
    for document in documents:
        queue_generation(document.pk)


@consumer(EXCHANGE_RATE_SAVED, name="documents.exchange_rate_saved")
def on_exchange_rate_saved(event) -> None:
    currency = event.payload.get("currency")
    if not isinstance(currency, str):
        return
    for document in services.issue_waiting_invoices(currency=currency):
        queue_generation(document.pk)


def queue_generation(document_id: int) -> None:
    """Render the document on a worker once the current transaction commits."""
    from .tasks import generate_document

    transaction.on_commit(lambda: generate_document.delay(document_id), robust=True)
