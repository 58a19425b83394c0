"""Complaint history and the events the complaints domain publishes.

- ``complaint_event`` writes the ``ComplaintEvent`` row and mirrors it on the customer
  timeline (``customers.services.append_timeline``, a message rendered in each reader's
  language), in the caller's transaction. Internal notes and staff-only steps are
  staff-only on the timeline too.
- Outbox names and payloads (``core.outbox.publish``): ``complaint.created``,
  ``complaint.status_changed`` and ``complaint.sla_breached`` are also delivered as
  webhooks (``webhooks.events.EventType``); the others are internal (the emails of
  ``notifications``): ``complaint.message`` (a staff reply the customer sees),
  ``complaint.claim_filed`` (the email to the carrier or supplier),
  ``complaint.alert`` (a deadline today or a legal deadline: the assignee), and
  ``complaint.rating_requested``.

No payload ever carries an internal note.
"""

from __future__ import annotations

from core.actors import actor_label, user_of
from core.messages import Msg
from core.outbox import publish
from customers.models import TimelineKind, Visibility
from customers.services import append_timeline

from .models import Complaint, ComplaintEvent, ComplaintEventKind

COMPLAINT_CREATED = "complaint.created"
COMPLAINT_STATUS_CHANGED = "complaint.status_changed"
COMPLAINT_SLA_BREACHED = "complaint.sla_breached"
COMPLAINT_MESSAGE = "complaint.message"
COMPLAINT_CLAIM_FILED = "complaint.claim_filed"
COMPLAINT_ALERT = "complaint.alert"
COMPLAINT_RATING_REQUESTED = "complaint.rating_requested"

__all__ = [
    "COMPLAINT_ALERT",
    "COMPLAINT_CLAIM_FILED",
    "COMPLAINT_CREATED",
    "COMPLAINT_MESSAGE",
    "COMPLAINT_RATING_REQUESTED",
    "COMPLAINT_SLA_BREACHED",
    "COMPLAINT_STATUS_CHANGED",
    "complaint_event",
    "created_payload",
    "publish",
    "status_changed_payload",
]

_KEYS = {
    ComplaintEventKind.FILED: "complaint.filed",
    ComplaintEventKind.ANALYSIS: "complaint.analysis",
    ComplaintEventKind.DECIDED: "complaint.decided",
    ComplaintEventKind.RESOLVED: "complaint.resolved",
    ComplaintEventKind.CLOSED: "complaint.closed",
    ComplaintEventKind.REOPENED: "complaint.reopened",
    ComplaintEventKind.ASSIGNED: "complaint.assigned",
    ComplaintEventKind.MESSAGE: "complaint.message",
    ComplaintEventKind.NOTE: "complaint.note",
    ComplaintEventKind.ATTACHMENT: "complaint.attachment",
    ComplaintEventKind.CLOCK_PAUSED: "complaint.paused",
    ComplaintEventKind.CLOCK_RESUMED: "complaint.resumed",
    ComplaintEventKind.ROOT_CAUSE: "complaint.root_cause",
    ComplaintEventKind.CARRIER_CLAIM: "complaint.carrier_claim",
    ComplaintEventKind.SUPPLIER_CLAIM: "complaint.supplier_claim",
    ComplaintEventKind.SLA_WARNING: "complaint.sla_warning",
    ComplaintEventKind.SLA_BREACHED: "complaint.sla_breached",
    ComplaintEventKind.LEGAL_WARNING: "complaint.legal_warning",
    ComplaintEventKind.RATED: "complaint.rated",
    ComplaintEventKind.PRIORITY: "complaint.priority",
}


def _message(complaint: Complaint, kind: str, params: dict) -> Msg:
    return Msg(_KEYS[kind], number=complaint.number, **params)


def complaint_event(
    *,
    complaint: Complaint,
    kind: str,
    actor,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    customer_visible: bool = True,
    data: dict | None = None,
    params: dict | None = None,
) -> ComplaintEvent:
    """The event row and its customer-timeline entry. ``note`` is what a person typed
    (shown with the entry); ``params`` complete the timeline message."""
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        actor=user_of(actor),
        actor_label=actor_label(actor)[:200],
        customer_visible=customer_visible,
        data=data or {},
    )
    append_timeline(
        company=complaint.company,
        kind=TimelineKind.COMPLAINT,
        message=_message(complaint, kind, params or {}),
        body=note,
        actor=user_of(actor),
        subject=complaint,
        visibility=Visibility.CUSTOMER if customer_visible else Visibility.STAFF,
        at=event.created_at,
    )
    return event


def _iso(value):
    return value.isoformat() if value else None


def _base(complaint: Complaint) -> dict:
    order = complaint.order if complaint.order_id else None
    return {
        "complaint_id": complaint.pk,
        "number": complaint.number,
        "company_id": complaint.company_id,
        "order": order.number if order is not None else None,
        "sku": complaint.sku or None,
        "category": complaint.category,
        "priority": complaint.priority,
        "status": complaint.status,
        "decision": complaint.decision or None,
        "resolution": complaint.resolution or None,
        "responsible_party": complaint.responsible_party or None,
        "first_response_due": _iso(complaint.first_response_due),
        "resolution_due": _iso(complaint.resolution_due),
        "awaiting_customer": complaint.awaiting_customer,
    }


def created_payload(complaint: Complaint) -> dict:
    return {**_base(complaint), "channel": complaint.channel}


def status_changed_payload(complaint: Complaint, *, from_status: str, actor) -> dict:
    """The transition, without any typed note (a note may be internal)."""
    return {
        **_base(complaint),
        "from": from_status,
        "to": complaint.status,
        "actor": actor_label(actor),
        "credit_note": complaint.credit_note.number if complaint.credit_note_id else None,
        "replacement_order": (
            complaint.replacement_order.number if complaint.replacement_order_id else None
        ),
        "coupon": complaint.coupon.code if complaint.coupon_id else None,
    }


def sla_breached_payload(complaint: Complaint, *, clock: str, due) -> dict:
    return {**_base(complaint), "clock": clock, "due": _iso(due)}
