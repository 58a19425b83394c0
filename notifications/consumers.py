"""Outbox consumers that decide which customer emails an event causes.

Each writes one ``SentNotification`` per (event, kind) in the consumer's transaction
and queues the sending task after commit; nothing is sent for en_preparacion.
"""

from __future__ import annotations

from django.db import transaction

from core.outbox import consumer
from orders.events import ORDER_CREATED, ORDER_STATUS_CHANGED
from orders.models import Order, OrderStatus

from . import services
from .models import NotificationKind

STATUS_EMAILS = {
    OrderStatus.ENVIADO: NotificationKind.ORDER_SHIPPED,
    OrderStatus.ENTREGADO: NotificationKind.ORDER_DELIVERED,
    OrderStatus.CANCELADO: NotificationKind.ORDER_CANCELLED,
}


def _order(payload) -> Order | None:
    return (
        Order.objects.select_related("company", "placed_by").filter(pk=payload["order_id"]).first()
    )


@consumer(ORDER_CREATED, name="notifications.order_created")
def on_order_created(event) -> None:
    order = _order(event.payload)
    if order is not None:
        _queue(
            services.record_notification(
                event_id=event.pk,
                kind=NotificationKind.ORDER_RECEIVED,
                order=order,
                payload=event.payload,
            )
        )


@consumer(ORDER_STATUS_CHANGED, name="notifications.order_status_changed")
def on_order_status_changed(event) -> None:
    kind = STATUS_EMAILS.get(event.payload.get("to"))
    if kind is None:  # en_preparacion: the customer sees it in the portal, no email
        return
    order = _order(event.payload)
    if order is None:
        return
    from documents import services as documents

    # The attachment exists before the email goes (both are get-or-create: whichever
    # consumer of this event runs first issues the document).
    if kind == NotificationKind.ORDER_SHIPPED:
        documents.issue_invoice(order=order.pk)
    elif kind == NotificationKind.ORDER_CANCELLED:
        documents.credit_cancelled_order(order=order.pk)
    _queue(
        services.record_notification(
            event_id=event.pk, kind=kind, order=order, payload=event.payload
        )
    )


def _queue(notification) -> None:
    if notification is None:
        return
    from .tasks import send_notification

    notification_id = notification.pk
    transaction.on_commit(lambda: send_notification.delay(notification_id), robust=True)
