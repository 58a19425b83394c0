"""The complaint emails (``complaints`` publishes the events).

To the customer (the company's address and the user who filed it), in the company's
language: received (``complaint.created``), a staff reply the customer may see
(``complaint.message``; an internal note is never emailed, the message row is checked
again when sending), analysis started or reopened, decision, resolution (the credit
note's PDF attached for a refund) and, on closing, the rating request with a signed
link (``complaint.status_changed``).

To others: the claim to the carrier's or supplier's claims address
(``complaint.claim_filed``, with the evidence that is not internal), the deadline
warning to the assignee (``complaint.alert``) and the escalation of a breached clock
to the managers (``complaint.sla_breached``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.events import (
    COMPLAINT_ALERT,
    COMPLAINT_CLAIM_FILED,
    COMPLAINT_CREATED,
    COMPLAINT_MESSAGE,
    COMPLAINT_SLA_BREACHED,
    COMPLAINT_STATUS_CHANGED,
)
from complaints.models import (
    Claim,
    ClaimKind,
    Clock,
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    ComplaintStatus,
)

from .models import NotificationKind

CUSTOMER_KINDS = (
    NotificationKind.COMPLAINT_RECEIVED,
    NotificationKind.COMPLAINT_MESSAGE,
    NotificationKind.COMPLAINT_STATUS,
    NotificationKind.COMPLAINT_DECIDED,
    NotificationKind.COMPLAINT_RESOLVED,
    NotificationKind.COMPLAINT_RATING,
)
STAFF_KINDS = (
    NotificationKind.COMPLAINT_CLAIM,
    NotificationKind.COMPLAINT_ALERT,
    NotificationKind.COMPLAINT_ESCALATED,
)
KINDS = CUSTOMER_KINDS + STAFF_KINDS
EVENTS = (
    COMPLAINT_CREATED,
    COMPLAINT_STATUS_CHANGED,
    COMPLAINT_MESSAGE,
    COMPLAINT_CLAIM_FILED,
    COMPLAINT_ALERT,
    COMPLAINT_SLA_BREACHED,
)
STATUS_KINDS = {
    ComplaintStatus.EN_ANALISIS: NotificationKind.COMPLAINT_STATUS,
    ComplaintStatus.DECIDIDA: NotificationKind.COMPLAINT_DECIDED,
    ComplaintStatus.RESUELTA: NotificationKind.COMPLAINT_RESOLVED,
    ComplaintStatus.CERRADA: NotificationKind.COMPLAINT_RATING,
}


def specs(EmailSpec):
    return {
        NotificationKind.COMPLAINT_RECEIVED: EmailSpec(
            NotificationKind.COMPLAINT_RECEIVED,
            gettext_lazy("Complaint received"),
            "complaint_received",
            gettext_lazy("We have received your complaint %(complaint_number)s"),
            gettext_lazy("To the customer when a complaint is filed, with its deadlines."),
        ),
        NotificationKind.COMPLAINT_MESSAGE: EmailSpec(
            NotificationKind.COMPLAINT_MESSAGE,
            gettext_lazy("Complaint message"),
            "complaint_message",
            gettext_lazy("New message about your complaint %(complaint_number)s"),
            gettext_lazy(
                "To the customer on each staff reply it may see (never an internal note)."
            ),
        ),
        NotificationKind.COMPLAINT_STATUS: EmailSpec(
            NotificationKind.COMPLAINT_STATUS,
            gettext_lazy("Complaint in analysis"),
            "complaint_status",
            gettext_lazy("Your complaint %(complaint_number)s is being analysed"),
            gettext_lazy("To the customer when the analysis starts or the complaint reopens."),
        ),
        NotificationKind.COMPLAINT_DECIDED: EmailSpec(
            NotificationKind.COMPLAINT_DECIDED,
            gettext_lazy("Complaint decided"),
            "complaint_decided",
            gettext_lazy("Decision on your complaint %(complaint_number)s"),
            gettext_lazy("To the customer with the decision and its reasoning."),
        ),
        NotificationKind.COMPLAINT_RESOLVED: EmailSpec(
            NotificationKind.COMPLAINT_RESOLVED,
            gettext_lazy("Complaint resolved"),
            "complaint_resolved",
            gettext_lazy("Your complaint %(complaint_number)s is resolved"),
            gettext_lazy(
                "To the customer with the resolution (credit note, replacement order or "
                "coupon) and how to accept or dispute it."
            ),
        ),
        NotificationKind.COMPLAINT_RATING: EmailSpec(
            NotificationKind.COMPLAINT_RATING,
            gettext_lazy("Complaint closed"),
            "complaint_rating",
            gettext_lazy("How did we handle your complaint %(complaint_number)s?"),
            gettext_lazy("To the customer once the complaint is closed: the rating link."),
        ),
        NotificationKind.COMPLAINT_CLAIM: EmailSpec(
            NotificationKind.COMPLAINT_CLAIM,
            gettext_lazy("Claim to carrier or supplier"),
            "complaint_claim",
            gettext_lazy("Claim %(complaint_number)s from %(seller)s"),
            gettext_lazy("To the carrier's or supplier's claims address when staff file a claim."),
        ),
        NotificationKind.COMPLAINT_ALERT: EmailSpec(
            NotificationKind.COMPLAINT_ALERT,
            gettext_lazy("Complaint deadline"),
            "complaint_alert",
            gettext_lazy("Complaint %(complaint_number)s: deadline %(due_text)s"),
            gettext_lazy(
                "To the assignee (else STAFF_ALERT_EMAIL) when a clock passes today or a "
                "legal deadline is near."
            ),
        ),
        NotificationKind.COMPLAINT_ESCALATED: EmailSpec(
            NotificationKind.COMPLAINT_ESCALATED,
            gettext_lazy("Complaint escalated"),
            "complaint_escalated",
            gettext_lazy("Overdue complaint %(complaint_number)s escalated"),
            gettext_lazy("To the managers, once per breached clock."),
        ),
    }


def kind_for(event_type: str, payload: dict) -> str | None:
    if event_type == COMPLAINT_CREATED:
        return NotificationKind.COMPLAINT_RECEIVED
    if event_type == COMPLAINT_MESSAGE:
        return NotificationKind.COMPLAINT_MESSAGE
    if event_type == COMPLAINT_CLAIM_FILED:
        return NotificationKind.COMPLAINT_CLAIM
    if event_type == COMPLAINT_ALERT:
        return NotificationKind.COMPLAINT_ALERT
    if event_type == COMPLAINT_SLA_BREACHED:
        return NotificationKind.COMPLAINT_ESCALATED
    if event_type == COMPLAINT_STATUS_CHANGED:
        return STATUS_KINDS.get(payload.get("to"))
    return None


def find_complaint(payload) -> Complaint | None:
    complaint_id = (payload or {}).get("complaint_id")
    if not isinstance(complaint_id, int):
        return None
    return (
        Complaint.objects.select_related(
            "company",
            "order",
            "order__carrier",
            "order_line__product__supplier",
            "product__supplier",
            "filed_by",
            "assignee",
            "credit_note",
            "replacement_order",
            "coupon",
        )
        .filter(pk=complaint_id)
        .first()
    )


def customer_recipients(complaint: Complaint) -> list[str]:
    """The company's address and the company user who filed it (not staff)."""
    addresses = [complaint.company.email]
    person = complaint.filed_by
    if (
        person is not None
        and person.company_id == complaint.company_id
        and person.email
        and person.email.lower() != (complaint.company.email or "").lower()
    ):
        addresses.append(person.email)
    return [address for address in addresses if address]


def manager_recipients() -> list[str]:
    from django.contrib.auth import get_user_model

    from core.roles import StaffRole

    emails = list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=StaffRole.MANAGER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not emails and settings.STAFF_ALERT_EMAIL:
        emails = [settings.STAFF_ALERT_EMAIL]
    return sorted(emails)


def claim_of(payload) -> Claim | None:
    claim_id = (payload or {}).get("claim_id")
    if not isinstance(claim_id, int):
        return None
    return Claim.objects.select_related("carrier", "supplier").filter(pk=claim_id).first()


def routing(kind: str, complaint: Complaint, payload: dict) -> tuple[list[str], str, bool]:
    """(recipients, language, logged on the customer timeline)."""
    if kind in CUSTOMER_KINDS:
        return customer_recipients(complaint), complaint.company.language, True
    if kind == NotificationKind.COMPLAINT_CLAIM:
        claim = claim_of(payload)
        if claim is None:
            return [], settings.LANGUAGE_CODE, False
        language = claim.supplier.language if claim.supplier_id else settings.LANGUAGE_CODE
        return [claim.recipient], language, False
    if kind == NotificationKind.COMPLAINT_ALERT:
        assignee = complaint.assignee
        if assignee is not None and assignee.email and assignee.is_active:
            return [assignee.email], assignee.language or settings.LANGUAGE_CODE, False
        recipients = [settings.STAFF_ALERT_EMAIL] if settings.STAFF_ALERT_EMAIL else []
        return recipients, settings.LANGUAGE_CODE, False
    return manager_recipients(), settings.LANGUAGE_CODE, False


def _url(name: str, fallback: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback


def _deadline_label(subject: str) -> str:
    from complaints.deadlines import RULES_BY_CODE

    if subject in Clock.values:
        return str(Clock(subject).label)
    rule = RULES_BY_CODE.get(subject)
    return str(rule.label) if rule is not None else subject


def context(notification, absolute) -> dict:
    from complaints.services import rating_token

    from .mailer import Skip

    payload = notification.payload or {}
    complaint = find_complaint(payload)
    if complaint is None:
        raise Skip("the complaint no longer exists")
    number = complaint.number
    portal_url = absolute(
        _url("portal:complaint_detail", f"/portal/complaints/{number}/", number=number)
    )
    backoffice_url = absolute(
        _url("backoffice:complaint_detail", f"/backoffice/complaints/{number}/", number=number)
    )
    data = {
        "company_name": complaint.company.legal_name,
        "complaint_number": number,
        "order_number": complaint.order.number if complaint.order_id else "",
        "sku": complaint.sku,
        "category": complaint.get_category_display(),
        "description": complaint.description,
        "status": complaint.get_status_display(),
        "first_response_due": complaint.first_response_due,
        "resolution_due": complaint.resolution_due,
        "decision_code": complaint.decision,
        "decision": complaint.get_decision_display() if complaint.decision else "",
        "reasoning": complaint.decision_reasoning,
        "resolution_code": complaint.resolution,
        "resolution": complaint.get_resolution_display() if complaint.resolution else "",
        "resolution_note": complaint.resolution_note,
        "credit_note_number": complaint.credit_note.number if complaint.credit_note_id else "",
        "refund_total": complaint.refund_total,
        "currency": complaint.order.currency if complaint.order_id else "",
        "replacement_order_number": (
            complaint.replacement_order.number if complaint.replacement_order_id else ""
        ),
        "coupon_code": complaint.coupon.code if complaint.coupon_id else "",
        "coupon_percent": complaint.coupon.value if complaint.coupon_id else None,
        "coupon_valid_until": complaint.coupon.valid_until if complaint.coupon_id else None,
        "reopened": bool(complaint.reopen_count) and complaint.status == "en_analisis",
        "reopen_reason": complaint.reopen_reason,
        "complaint_url": portal_url,
        "backoffice_url": backoffice_url,
        "message_body": "",
        "awaiting_customer": False,
        "rating_url": "",
        "due": None,
        "due_text": "",
        "deadline_label": "",
        "claim": None,
        "evidence": [],
    }
    kind = notification.kind
    if kind == NotificationKind.COMPLAINT_MESSAGE:
        message = ComplaintMessage.objects.filter(
            pk=payload.get("message_id"), complaint=complaint
        ).first()
        if message is None or message.internal:
            raise Skip("no customer-visible message")
        data["message_body"] = message.body
        data["awaiting_customer"] = message.awaiting_customer
    elif kind == NotificationKind.COMPLAINT_RATING:
        if complaint.rated_at is not None:
            raise Skip("already rated")
        data["rating_url"] = absolute(
            reverse("rate_complaint", kwargs={"token": rating_token(complaint)})
        )
    elif kind in (NotificationKind.COMPLAINT_ALERT, NotificationKind.COMPLAINT_ESCALATED):
        due = parse_datetime(payload.get("due") or "") if payload.get("due") else None
        data["due"] = due
        data["deadline_label"] = _deadline_label(payload.get("subject") or payload.get("clock"))
        from django.utils import formats, timezone

        data["due_text"] = (
            formats.date_format(timezone.localtime(due), "SHORT_DATETIME_FORMAT") if due else ""
        )
    elif kind == NotificationKind.COMPLAINT_CLAIM:
        claim = claim_of(payload)
        if claim is None:
            raise Skip("the claim no longer exists")
        order = complaint.order if complaint.order_id else None
        product = complaint.concerned_product
        data["claim"] = {
            "kind": claim.kind,
            "is_carrier": claim.kind == ClaimKind.CARRIER,
            "recipient_name": claim.carrier.name if claim.carrier_id else claim.supplier.name,
            "contact": claim.supplier.claims_contact if claim.supplier_id else "",
            "note": claim.note,
            "tracking_number": order.tracking_number if order is not None else "",
            "delivered_at": order.delivered_at if order is not None else None,
            "product": f"{product.sku} {product.name}" if product is not None else "",
            "quantity": complaint.order_line.quantity if complaint.order_line_id else None,
            "orders": [order.number] if order is not None else [],
            "deadline": claim.deadline,
            "late": claim.late,
        }
        data["evidence"] = [a.original_name for a in complaint.attachments.filter(internal=False)]
    return data


def extra_attachments(notification) -> list[tuple[str, bytes, str]]:
    """The complaint's evidence (not internal) with a claim, up to the upload limit."""
    if notification.kind != NotificationKind.COMPLAINT_CLAIM:
        return []
    complaint = find_complaint(notification.payload)
    if complaint is None:
        return []
    files = []
    budget = int(getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
    for attachment in ComplaintAttachment.objects.filter(complaint=complaint, internal=False):
        if attachment.size > budget:
            break
        budget -= attachment.size
        with attachment.file.open("rb") as handle:
            files.append((attachment.original_name, handle.read(), attachment.content_type))
    return files


def expected_documents(notification) -> list:
    """The credit note of a refund (None while not issued)."""
    if notification.kind != NotificationKind.COMPLAINT_RESOLVED:
        return []
    complaint = find_complaint(notification.payload)
    if complaint is None or complaint.resolution != "refund":
        return []
    return [complaint.credit_note]


def sample(kind: str, base: dict, absolute) -> dict:
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    return {
        **base,
        "complaint_number": f"REC-{today.year}-000007",
        "order_number": f"PED-{today.year}-000120",
        "sku": "DRILL-18V",
        "category": _("Quality"),
        "description": _("The drill does not start."),
        "status": ComplaintStatus.RESUELTA.label,
        "first_response_due": now + dt.timedelta(days=2),
        "resolution_due": now + dt.timedelta(days=14),
        "decision_code": "accepted",
        "decision": _("Accepted"),
        "reasoning": _("The motor is faulty."),
        "resolution_code": "refund",
        "resolution": _("Refund"),
        "resolution_note": "",
        "credit_note_number": f"AB-{today.year}-000004",
        "refund_total": Decimal("121.00"),
        "currency": "EUR",
        "replacement_order_number": "",
        "coupon_code": "",
        "coupon_percent": None,
        "coupon_valid_until": None,
        "reopened": False,
        "reopen_reason": "",
        "complaint_url": absolute("/portal/complaints/REC-000007/"),
        "backoffice_url": absolute("/backoffice/complaints/REC-000007/"),
        "message_body": _("Could you send us a photo of the label?"),
        "awaiting_customer": True,
        "rating_url": absolute("/rate/complaint/sample/"),
        "due": now,
        "due_text": "",
        "deadline_label": _("Resolution"),
        "claim": {
            "kind": "carrier",
            "is_carrier": True,
            "recipient_name": "SEUR",
            "contact": "",
            "note": "",
            "tracking_number": "TRK123",
            "delivered_at": now - dt.timedelta(days=2),
            "product": "DRILL-18V Taladro percutor 18 V",
            "quantity": 2,
            "orders": [f"PED-{today.year}-000120"],
            "deadline": now + dt.timedelta(days=5),
            "late": False,
        },
        "evidence": ["photo.jpg"],
    }
