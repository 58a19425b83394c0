"""Outbox consumers that decide which emails an event causes: every email of the
project starts here.

Each writes one ``SentNotification`` per (event, kind) in the consumer's transaction
and queues the sending task after commit (``notifications.mailer`` sends it once);
nothing is sent for en_preparacion. The documents an email attaches are issued by
``documents.consumers``: the email waits for them.
"""

from __future__ import annotations

from django.db import transaction

from complaints.events import (
    COMPLAINT_ALERT,
    COMPLAINT_CLAIM_FILED,
    COMPLAINT_CREATED,
    COMPLAINT_MESSAGE,
    COMPLAINT_SLA_BREACHED,
    COMPLAINT_STATUS_CHANGED,
)
from core.outbox import consumer
from customers.events import CUSTOMER_USER_INVITATION_ATTEMPTED, CUSTOMER_USER_INVITED
from customers.models import CustomerRole, User
from inventory.events import STOCK_LOW
from orders.events import (
    ORDER_APPROVAL_DECIDED,
    ORDER_APPROVAL_REQUESTED,
    ORDER_CREATED,
    ORDER_STATUS_CHANGED,
)
from orders.models import Order, OrderStatus
from returns.events import RETURN_CREATED, RETURN_REMINDER, RETURN_STATUS_CHANGED
from webhooks.events import SUBSCRIPTION_DISABLED

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


@consumer(ORDER_APPROVAL_REQUESTED, name="notifications.order_approval_requested")
def on_order_approval_requested(event) -> None:
    """To the company's active administrators: a buyer's order waits for them."""
    order = _order(event.payload)
    if order is None:
        return
    admins = list(
        User.objects.filter(company=order.company, role=CustomerRole.ADMIN, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
    if admins:
        _queue(
            services.record_notification(
                event_id=event.pk,
                kind=NotificationKind.APPROVAL_REQUESTED,
                order=order,
                payload=event.payload,
                recipients=admins,
            )
        )


@consumer(ORDER_APPROVAL_DECIDED, name="notifications.order_approval_decided")
def on_order_approval_decided(event) -> None:
    """To the buyer who placed the order (and the company's order address)."""
    order = _order(event.payload)
    if order is not None:
        _queue(
            services.record_notification(
                event_id=event.pk,
                kind=NotificationKind.APPROVAL_DECIDED,
                order=order,
                payload=event.payload,
            )
        )


@consumer(ORDER_STATUS_CHANGED, name="notifications.order_status_changed")
def on_order_status_changed(event) -> None:
    kind = STATUS_EMAILS.get(event.payload.get("to"))
    if kind is None:  # en_preparacion: the customer sees it in the portal, no email
        return
    if event.payload.get("approval") == "rejected":
        # Cancelled by the company's own approver: the approval email tells the buyer.
        return
    order = _order(event.payload)
    if order is None:
        return
    _queue(
        services.record_notification(
            event_id=event.pk, kind=kind, order=order, payload=event.payload
        )
    )


@consumer(CUSTOMER_USER_INVITED, name="notifications.customer_user_invited")
def on_customer_user_invited(event) -> None:
    user_id = _int(event.payload, "user_id")
    if user_id is not None:
        _queue(
            services.record_invitation(
                event_id=event.pk,
                user_id=user_id,
                kind=NotificationKind.INVITATION,
                payload=event.payload,
            )
        )


@consumer(CUSTOMER_USER_INVITATION_ATTEMPTED, name="notifications.invitation_attempted")
def on_invitation_attempted(event) -> None:
    user_id = _int(event.payload, "user_id")
    if user_id is not None and _int(event.payload, "company_id") is not None:
        _queue(
            services.record_invitation(
                event_id=event.pk,
                user_id=user_id,
                kind=NotificationKind.INVITATION_ATTEMPT,
                payload=event.payload,
            )
        )


@consumer(STOCK_LOW, name="notifications.stock_low")
def on_stock_low(event) -> None:
    if _int(event.payload, "alert_id") is not None:
        _queue(
            services.record_staff_alert(
                event_id=event.pk, kind=NotificationKind.LOW_STOCK, payload=event.payload
            )
        )


@consumer(SUBSCRIPTION_DISABLED, name="notifications.webhook_subscription_disabled")
def on_webhook_subscription_disabled(event) -> None:
    if _int(event.payload, "subscription_id") is not None:
        _queue(
            services.record_staff_alert(
                event_id=event.pk, kind=NotificationKind.WEBHOOK_DISABLED, payload=event.payload
            )
        )


def _on_return_event(event) -> None:
    from . import return_emails

    kind = return_emails.kind_for(event.event_type, event.payload or {})
    if kind is None:  # inspected, cancelled, expired: shown in the portal, no email
        return
    ret = return_emails.find_return(event.payload)
    if ret is None:
        return
    _queue(
        services.record_notification(
            event_id=event.pk,
            kind=kind,
            order=ret.order,
            company=ret.company,
            payload=event.payload,
            recipients=return_emails.recipients(ret),
            language=ret.company.language,
        )
    )


@consumer(RETURN_CREATED, name="notifications.return_created")
def on_return_created(event) -> None:
    _on_return_event(event)


@consumer(RETURN_STATUS_CHANGED, name="notifications.return_status_changed")
def on_return_status_changed(event) -> None:
    _on_return_event(event)


@consumer(RETURN_REMINDER, name="notifications.return_reminder")
def on_return_reminder(event) -> None:
    _on_return_event(event)


def _on_complaint_event(event) -> None:
    from . import complaint_emails

    payload = event.payload or {}
    kind = complaint_emails.kind_for(event.event_type, payload)
    if kind is None:
        return
    complaint = complaint_emails.find_complaint(payload)
    if complaint is None:
        return
    recipients, language, logged = complaint_emails.routing(kind, complaint, payload)
    if not recipients:
        return
    _queue(
        services.record_notification(
            event_id=event.pk,
            kind=kind,
            order=complaint.order if logged else None,
            # Only the customer's own emails are logged on its timeline.
            company=complaint.company if logged else None,
            payload=payload,
            recipients=recipients,
            language=language,
        )
    )


@consumer(COMPLAINT_CREATED, name="notifications.complaint_created")
def on_complaint_created(event) -> None:
    _on_complaint_event(event)


@consumer(COMPLAINT_STATUS_CHANGED, name="notifications.complaint_status_changed")
def on_complaint_status_changed(event) -> None:
    _on_complaint_event(event)


@consumer(COMPLAINT_MESSAGE, name="notifications.complaint_message")
def on_complaint_message(event) -> None:
    _on_complaint_event(event)


@consumer(COMPLAINT_CLAIM_FILED, name="notifications.complaint_claim")
def on_complaint_claim(event) -> None:
    _on_complaint_event(event)


@consumer(COMPLAINT_ALERT, name="notifications.complaint_alert")
def on_complaint_alert(event) -> None:
    _on_complaint_event(event)


@consumer(COMPLAINT_SLA_BREACHED, name="notifications.complaint_sla_breached")
def on_complaint_sla_breached(event) -> None:
    _on_complaint_event(event)


def _int(payload, key: str) -> int | None:
    """``payload[key]`` as an id, None when missing or malformed."""
    value = (payload or {}).get(key) if isinstance(payload, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _queue(notification) -> None:
    if notification is None:
        return
    from .tasks import send_notification

    notification_id = notification.pk
    transaction.on_commit(lambda: send_notification.delay(notification_id), robust=True)
