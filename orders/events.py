"""Order history and the events the orders domain publishes.

- One keyword-only function per event kind writes the ``OrderEvent`` row and mirrors it
  on the customer timeline (``customers.services.append_timeline``), in the caller's
  transaction.
- ``ORDER_*`` names and payload builders for the outbox (``core.outbox.publish``):
  consumers (emails, documents, webhooks) get everything an email needs.
"""

from __future__ import annotations

from core.actors import actor_label, user_of
from core.messages import Msg
from core.messages import stored as stored_message
from customers.models import TimelineKind, Visibility
from customers.services import append_timeline

from .models import EventKind, Order, OrderEvent

ORDER_CREATED = "order.created"
ORDER_STATUS_CHANGED = "order.status_changed"
ORDER_HELD = "order.held"
#: Internal events (not offered as webhooks): the approval emails of the portal.
ORDER_APPROVAL_REQUESTED = "order.approval_requested"
ORDER_APPROVAL_DECIDED = "order.approval_decided"


def _record(
    *,
    order: Order,
    kind: str,
    actor,
    summary: Msg,
    note: str = "",
    note_message: Msg | list[Msg] | None = None,
    from_status: str = "",
    to_status: str = "",
    customer_visible: bool = False,
    data: dict | None = None,
) -> OrderEvent:
    event = OrderEvent.objects.create(
        order=order,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        note_message=stored_message(note_message),
        actor=user_of(actor),
        actor_label=actor_label(actor)[:200],
        customer_visible=customer_visible,
        data=data or {},
    )
    append_timeline(
        company=order.company,
        kind=TimelineKind.ORDER,
        message=summary,
        body=note,
        body_message=note_message,
        actor=user_of(actor),
        subject=order,
        visibility=Visibility.CUSTOMER if customer_visible else Visibility.STAFF,
        at=event.created_at,
    )
    return event


def order_placed_event(*, order: Order, actor) -> OrderEvent:
    return _record(
        order=order,
        kind=EventKind.PLACED,
        actor=actor,
        to_status=order.status,
        customer_visible=True,
        summary=Msg(
            "order.placed", number=order.number, total=order.total, currency=order.currency
        ),
        data={"channel": order.channel},
    )


def order_status_event(
    *, order: Order, actor, kind: str, from_status: str, note: str = "", data=None
) -> OrderEvent:
    summaries = {
        EventKind.PREPARED: "order.prepared",
        EventKind.SHIPPED: "order.shipped",
        EventKind.DELIVERED: "order.delivered",
        EventKind.CANCELLED: "order.cancelled",
    }
    return _record(
        order=order,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=order.status,
        note=note,
        customer_visible=True,
        summary=Msg(summaries[kind], number=order.number),
        data=data,
    )


def order_held_event(
    *, order: Order, actor, note: str = "", reasons: list[Msg] | None = None, automatic: bool
) -> OrderEvent:
    """``note``: the reason a person typed; ``reasons``: the automatic ones."""
    return _record(
        order=order,
        kind=EventKind.HELD,
        actor=actor,
        note=note,
        note_message=reasons,
        summary=Msg("order.held", number=order.number),
        data={"automatic": automatic},
    )


def order_approval_requested_event(*, order: Order, actor) -> OrderEvent:
    return _record(
        order=order,
        kind=EventKind.APPROVAL,
        actor=actor,
        customer_visible=True,
        summary=Msg("order.approval_requested", number=order.number),
    )


def order_approved_event(*, order: Order, actor, note: str) -> OrderEvent:
    return _record(
        order=order,
        kind=EventKind.APPROVED,
        actor=actor,
        note=note,
        customer_visible=True,
        summary=Msg("order.approved", number=order.number),
    )


def order_backorder_event(*, order: Order, lines: list[tuple[str, int]]) -> OrderEvent:
    """Units of backordered lines reserved from a receipt (``[(sku, units)]``)."""
    return _record(
        order=order,
        kind=EventKind.BACKORDER,
        actor=None,
        customer_visible=True,
        summary=Msg("order.backorder_reserved", number=order.number),
        note_message=[Msg("order.backorder_line", sku=sku, count=units) for sku, units in lines],
    )


def approval_requested_payload(order: Order) -> dict:
    return order_payload(order)


def approval_decided_payload(order: Order, *, approved: bool, actor, note: str) -> dict:
    payload = order_payload(order)
    payload.update({"approved": approved, "by": actor_label(actor), "note": note})
    return payload


def order_released_event(*, order: Order, actor, note: str) -> OrderEvent:
    return _record(
        order=order,
        kind=EventKind.RELEASED,
        actor=actor,
        note=note,
        summary=Msg("order.released", number=order.number),
    )


def order_payment_event(*, order: Order, actor, payment) -> OrderEvent:
    return _record(
        order=order,
        kind=EventKind.PAYMENT,
        actor=actor,
        note=payment.reference,
        customer_visible=True,
        summary=Msg(
            "order.payment",
            amount=payment.amount,
            currency=order.currency,
            number=order.number,
        ),
        data={"amount": str(payment.amount), "paid_at": payment.paid_at.isoformat()},
    )


def order_note_event(*, order: Order, actor, note: str, customer_visible: bool) -> OrderEvent:
    return _record(
        order=order,
        kind=EventKind.NOTE,
        actor=actor,
        note=note,
        customer_visible=customer_visible,
        summary=Msg("order.note", number=order.number),
    )


def order_fiscal_position_event(
    *, order: Order, actor, note: str, from_position: str
) -> OrderEvent:
    return _record(
        order=order,
        kind=EventKind.FISCAL_POSITION,
        actor=actor,
        note=note,
        summary=Msg(
            "order.fiscal_position",
            number=order.number,
            old=from_position,
            new=order.fiscal_position,
        ),
        data={
            "from": from_position,
            "to": order.fiscal_position,
            "tax": str(order.tax),
            "total": str(order.total),
        },
    )


# --- outbox payloads --------------------------------------------------------------------


def _money(value) -> str:
    return str(value)


def order_payload(order: Order) -> dict:
    """What every order event carries: identity, customer, money, shipment."""
    company = order.company
    return {
        "order_id": order.pk,
        "number": order.number,
        "status": order.status,
        "company_id": company.pk,
        "company_name": company.legal_name,
        "company_email": company.email,
        "language": company.language,
        "channel": order.channel,
        "placed_by_email": order.placed_by.email if order.placed_by_id else "",
        "po_number": order.po_number,
        "currency": order.currency,
        "totals": {
            "subtotal": _money(order.subtotal),
            "discount": _money(order.discount),
            "tax": _money(order.tax),
            "shipping": _money(order.shipping),
            "total": _money(order.total),
        },
        "shipping_method": order.shipping_method,
        "promised_delivery_date": (
            order.promised_delivery_date.isoformat() if order.promised_delivery_date else None
        ),
        "on_hold": order.on_hold,
        "awaiting_approval": order.awaiting_approval,
    }


def created_payload(order: Order, lines) -> dict:
    payload = order_payload(order)
    payload.update(
        {
            "shipping_address": order.shipping_address,
            "billing_address": order.billing_address,
            "notes": order.notes,
            "coupon": order.coupon.code if order.coupon_id else None,
            "payment_terms": order.company.payment_terms,
            "lines": [
                {
                    "sku": line.sku,
                    "name": line.name,
                    "quantity": line.quantity,
                    "unit_price": _money(line.unit_price),
                    "vat_rate": _money(line.vat_rate),
                    "line_total": _money(line.line_total),
                }
                for line in lines
            ],
            "created_at": order.created_at.isoformat(),
        }
    )
    return payload


def status_changed_payload(order: Order, *, from_status: str, actor, note: str = "") -> dict:
    payload = order_payload(order)
    payload.update(
        {"from": from_status, "to": order.status, "by": actor_label(actor), "note": note}
    )
    if order.carrier_id:
        payload["shipment"] = {
            "carrier_code": order.carrier.code,
            "carrier_name": order.carrier.name,
            "tracking_number": order.tracking_number,
            "tracking_url": order.tracking_url,
            "estimated_delivery": (
                order.estimated_delivery.isoformat() if order.estimated_delivery else None
            ),
        }
    if order.delivered_at:
        payload["delivered_at"] = order.delivered_at.isoformat()
        payload["on_time"] = order.delivered_on_time
    if order.cancel_reason:
        payload["cancel_reason"] = order.cancel_reason
    return payload


def held_payload(order: Order, *, reasons: list[Msg | str], automatic: bool, actor) -> dict:
    """``reasons``: messages (automatic holds) or the text a person typed. Webhook
    receivers get them as text in the seller's language and, for messages, as
    ``reason_messages`` (key and parameters)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        texts = [str(reason) for reason in reasons]
        by = actor_label(actor)
    payload = order_payload(order)
    payload.update(
        {
            "reasons": texts,
            "reason_messages": [r.stored for r in reasons if isinstance(r, Msg)],
            "automatic": automatic,
            "by": by,
        }
    )
    return payload


def publish(event_type: str, payload: dict) -> None:
    from core.outbox import publish as outbox_publish

    outbox_publish(event_type, payload)
