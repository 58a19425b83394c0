"""The return emails (``returns`` publishes ``return.created``, ``return.status_changed``
and ``return.reminder``): to the company's address and the buyer who asked, in the
company's language. The authorization carries the return label PDF (rendered here:
it is not a stored document), the resolution the credit note's PDF once the documents
worker has rendered it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from returns.events import RETURN_CREATED, RETURN_REMINDER, RETURN_STATUS_CHANGED
from returns.models import Return, ReturnStatus

from .models import NotificationKind

KINDS = (
    NotificationKind.RETURN_REQUESTED,
    NotificationKind.RETURN_AUTHORIZED,
    NotificationKind.RETURN_REJECTED,
    NotificationKind.RETURN_RECEIVED,
    NotificationKind.RETURN_RESOLVED,
    NotificationKind.RETURN_REMINDER,
)
STATUS_KINDS = {
    ReturnStatus.AUTORIZADA: NotificationKind.RETURN_AUTHORIZED,
    ReturnStatus.RECHAZADA: NotificationKind.RETURN_REJECTED,
    ReturnStatus.RECIBIDA: NotificationKind.RETURN_RECEIVED,
    ReturnStatus.RESUELTA: NotificationKind.RETURN_RESOLVED,
}
EVENTS = (RETURN_CREATED, RETURN_STATUS_CHANGED, RETURN_REMINDER)


def specs(EmailSpec):
    """The return kinds' specs (``EmailSpec`` passed in: it lives in ``emails``)."""
    return {
        NotificationKind.RETURN_REQUESTED: EmailSpec(
            NotificationKind.RETURN_REQUESTED,
            gettext_lazy("Return requested"),
            "return_requested",
            gettext_lazy("We have received your return request %(return_number)s"),
            gettext_lazy("To the customer when a return is requested (return.created)."),
        ),
        NotificationKind.RETURN_AUTHORIZED: EmailSpec(
            NotificationKind.RETURN_AUTHORIZED,
            gettext_lazy("Return authorized"),
            "return_authorized",
            gettext_lazy("Return %(return_number)s authorized: how to send the goods"),
            gettext_lazy("To the customer on authorization, with the instructions and the label."),
        ),
        NotificationKind.RETURN_REJECTED: EmailSpec(
            NotificationKind.RETURN_REJECTED,
            gettext_lazy("Return rejected"),
            "return_rejected",
            gettext_lazy("Your return request %(return_number)s was not accepted"),
            gettext_lazy("To the customer when a return is rejected, with the reason."),
        ),
        NotificationKind.RETURN_RECEIVED: EmailSpec(
            NotificationKind.RETURN_RECEIVED,
            gettext_lazy("Return received"),
            "return_received",
            gettext_lazy("We have received the goods of return %(return_number)s"),
            gettext_lazy("To the customer when the returned goods arrive."),
        ),
        NotificationKind.RETURN_RESOLVED: EmailSpec(
            NotificationKind.RETURN_RESOLVED,
            gettext_lazy("Return resolved"),
            "return_resolved",
            gettext_lazy("Return %(return_number)s resolved"),
            gettext_lazy(
                "To the customer on resolution: the credit note, the store credit or the "
                "replacement order."
            ),
        ),
        NotificationKind.RETURN_REMINDER: EmailSpec(
            NotificationKind.RETURN_REMINDER,
            gettext_lazy("Return reminder"),
            "return_reminder",
            gettext_lazy("Reminder: please send the goods of return %(return_number)s"),
            gettext_lazy(
                "To the customer once, when authorized goods have not arrived some days "
                "before the authorization expires."
            ),
        ),
    }


def kind_for(event_type: str, payload: dict) -> str | None:
    if event_type == RETURN_CREATED:
        return NotificationKind.RETURN_REQUESTED
    if event_type == RETURN_REMINDER:
        return NotificationKind.RETURN_REMINDER
    return STATUS_KINDS.get(payload.get("to"))


def find_return(payload) -> Return | None:
    return_id = (payload or {}).get("return_id")
    if not isinstance(return_id, int):
        return None
    return (
        Return.objects.select_related(
            "company", "order", "requested_by", "credit_note", "replacement_order", "warehouse"
        )
        .filter(pk=return_id)
        .first()
    )


def recipients(ret: Return) -> list[str]:
    """The company's address, and the company user who asked (staff acting for the
    customer get nothing)."""
    addresses = [ret.company.email]
    person = ret.requested_by
    if (
        person is not None
        and person.company_id == ret.company_id
        and person.email
        and person.email.lower() != (ret.company.email or "").lower()
    ):
        addresses.append(person.email)
    return [address for address in addresses if address]


def context(notification, absolute) -> dict:
    from .mailer import Skip

    ret = find_return(notification.payload)
    if ret is None:
        raise Skip("the return no longer exists")
    payload = notification.payload or {}
    lines = [
        {
            "sku": line.sku,
            "name": line.name,
            "quantity": line.quantity,
            "received": line.received_quantity,
            "accepted": line.accepted_quantity,
        }
        for line in ret.lines.order_by("position")
    ]
    return {
        "company_name": ret.company.legal_name,
        "return_number": ret.number,
        "order_number": ret.order.number,
        "status": ret.get_status_display(),
        "lines": lines,
        "requested_resolution": ret.get_requested_resolution_display(),
        "resolution": ret.get_resolution_display() if ret.resolution else "",
        "resolution_code": ret.resolution,
        "rejection_reason": payload.get("rejection_reason") or ret.rejection_reason,
        "note": payload.get("note", ""),
        "seller_pays": ret.return_shipping_payer == "seller",
        "receive_by": ret.receive_by,
        "refund_due": ret.refund_due,
        "refund_total": ret.refund_total,
        "currency": ret.currency,
        "credit_note_number": ret.credit_note.number if ret.credit_note_id else "",
        "replacement_order_number": (
            ret.replacement_order.number if ret.replacement_order_id else ""
        ),
        "warehouse_address": (ret.warehouse.address if ret.warehouse_id else ""),
        "return_url": absolute(reverse("portal:return_detail", kwargs={"number": ret.number})),
    }


def expected_documents(notification) -> list:
    """The credit note of a refund or store credit (None while not issued)."""
    if notification.kind != NotificationKind.RETURN_RESOLVED:
        return []
    ret = find_return(notification.payload)
    if ret is None or ret.resolution not in ("refund", "store_credit"):
        return []
    return [ret.credit_note]


def extra_attachments(notification) -> list[tuple[str, bytes, str]]:
    """The return label with the authorization email."""
    if notification.kind != NotificationKind.RETURN_AUTHORIZED:
        return []
    ret = find_return(notification.payload)
    if ret is None or not ret.has_label:
        return []
    from returns.label import render_label

    return [(f"{ret.number}-label.pdf", render_label(ret), "application/pdf")]


def sample(kind: str, base: dict, absolute) -> dict:
    today = dt.date.today()
    return {
        **base,
        "return_number": f"DEV-{today.year}-000031",
        "status": ReturnStatus.AUTORIZADA.label,
        "lines": [
            {
                "sku": "DRILL-18V",
                "name": "Taladro percutor 18 V",
                "quantity": 1,
                "received": 1,
                "accepted": 1,
            },
        ],
        "requested_resolution": _("Refund"),
        "resolution": _("Refund"),
        "resolution_code": "refund",
        "rejection_reason": _("The goods were used."),
        "note": "",
        "seller_pays": True,
        "receive_by": today + dt.timedelta(days=14),
        "refund_due": today + dt.timedelta(days=9),
        "refund_total": Decimal("121.00"),
        "replacement_order_number": "",
        "warehouse_address": "Calle de la Industria 12, 28830 Madrid",
        "return_url": absolute("/portal/returns/DEV-000031/"),
    }
