"""Return history and the events the returns domain publishes.

- ``return_event`` writes the ``ReturnEvent`` row and mirrors it on the customer
  timeline (``customers.services.append_timeline``), in the caller's transaction.
- ``RETURN_*`` names and payload builders for the outbox (``core.outbox.publish``):
  ``return.created`` and ``return.status_changed`` are also delivered as webhooks
  (``webhooks.events.EventType``); ``return.reminder`` is internal (the email that
  reminds the customer to send the goods).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from core.actors import actor_label, user_of
from core.outbox import publish
from customers.models import TimelineKind, Visibility
from customers.services import append_timeline

from .models import Return, ReturnEvent, ReturnEventKind

RETURN_CREATED = "return.created"
RETURN_STATUS_CHANGED = "return.status_changed"
RETURN_REMINDER = "return.reminder"

__all__ = [
    "RETURN_CREATED",
    "RETURN_REMINDER",
    "RETURN_STATUS_CHANGED",
    "created_payload",
    "publish",
    "return_event",
    "status_changed_payload",
]


def _summary(ret: Return, kind: str) -> str:
    summaries = {
        ReturnEventKind.REQUESTED: _("Return %(number)s requested for order %(order)s"),
        ReturnEventKind.AUTHORIZED: _("Return %(number)s authorized"),
        ReturnEventKind.REJECTED: _("Return %(number)s rejected"),
        ReturnEventKind.RECEIVED: _("Return %(number)s: goods received"),
        ReturnEventKind.INSPECTED: _("Return %(number)s inspected"),
        ReturnEventKind.RESOLVED: _("Return %(number)s resolved"),
        ReturnEventKind.CANCELLED: _("Return %(number)s cancelled"),
        ReturnEventKind.EXPIRED: _("Return %(number)s expired: the goods did not arrive"),
        ReturnEventKind.REMINDED: _("Return %(number)s: reminder to send the goods"),
        ReturnEventKind.ATTACHMENT: _("Return %(number)s: evidence added"),
        ReturnEventKind.OVERRIDE: _("Return %(number)s: eligibility overridden by staff"),
        ReturnEventKind.REPAIR_SHIPPED: _("Return %(number)s: repaired item shipped back"),
        ReturnEventKind.NOTE: _("Return %(number)s: note"),
    }
    return summaries[kind] % {"number": ret.number, "order": ret.order.number}


def return_event(
    *,
    ret: Return,
    kind: str,
    actor,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    customer_visible: bool = True,
    data: dict | None = None,
) -> ReturnEvent:
    """The event row and its customer-timeline entry (the summary in the company's
    language, as the customer reads it)."""
    event = ReturnEvent.objects.create(
        ret=ret,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        actor=user_of(actor),
        actor_label=actor_label(actor)[:200],
        customer_visible=customer_visible,
        data=data or {},
    )
    with translation.override(ret.company.language):
        summary = _summary(ret, kind)
    append_timeline(
        company=ret.company,
        kind=TimelineKind.RETURN,
        summary=summary,
        body=note,
        actor=user_of(actor),
        subject=ret,
        visibility=Visibility.CUSTOMER if customer_visible else Visibility.STAFF,
        at=event.created_at,
    )
    return event


def _lines(ret: Return) -> list[dict]:
    return [
        {
            "sku": line.sku,
            "name": line.name,
            "quantity": line.quantity,
            "reason": line.reason.code,
            "received_quantity": line.received_quantity,
            "resellable": line.resellable_quantity,
            "damaged": line.damaged_quantity,
            "missing": line.missing_quantity,
        }
        for line in ret.lines.select_related("reason").order_by("position")
    ]


def _base(ret: Return) -> dict:
    return {
        "return_id": ret.pk,
        "number": ret.number,
        "order": ret.order.number,
        "order_id": ret.order_id,
        "company_id": ret.company_id,
        "status": ret.status,
        "requested_resolution": ret.requested_resolution,
        "resolution": ret.resolution,
        "return_shipping_payer": ret.return_shipping_payer,
        "receive_by": ret.receive_by.isoformat() if ret.receive_by else None,
        "refund_due": ret.refund_due.isoformat() if ret.refund_due else None,
        "credit_note": ret.credit_note.number if ret.credit_note_id else None,
        "replacement_order": (ret.replacement_order.number if ret.replacement_order_id else None),
        "lines": _lines(ret),
    }


def created_payload(ret: Return) -> dict:
    return {**_base(ret), "channel": ret.channel}


def status_changed_payload(ret: Return, *, from_status: str, actor, note: str = "") -> dict:
    return {
        **_base(ret),
        "from": from_status,
        "to": ret.status,
        "note": note,
        "rejection_reason": ret.rejection_reason,
        "expired": ret.expired,
        "actor": actor_label(actor),
    }
