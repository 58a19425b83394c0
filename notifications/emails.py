"""The emails: subject, templates, context and attachments of each kind.

Contexts are plain dicts (no ORM traversal in the templates), so the back-office
preview renders the very same templates from a sample context.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.messages import Msg
from customers.models import PaymentTerms
from orders.models import Order, ShippingMethod

from . import complaint_emails, return_emails
from .models import NotificationKind

RATING_SALT = "notifications.rating"
RATING_MAX_AGE = 60 * 60 * 24 * 90  # a rating link works for 90 days


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def rating_token(order_id: int, score: int) -> str:
    return signing.dumps({"o": order_id, "s": score}, salt=RATING_SALT, compress=True)


def rating_links(order_id: int) -> list[tuple[int, str]]:
    return [
        (score, absolute(reverse("rate_order", kwargs={"token": rating_token(order_id, score)})))
        for score in range(1, 6)
    ]


def _address(data: dict | None) -> dict:
    from core.countries import COUNTRIES

    data = dict(data or {})
    data["country_name"] = str(dict(COUNTRIES).get(data.get("country", ""), data.get("country")))
    return data


def order_context(order: Order) -> dict:
    """What every order email can show."""
    lines = [
        {
            "sku": line.sku,
            "name": line.name,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "vat_rate": line.vat_rate,
            "line_total": line.line_total,
        }
        for line in order.lines.order_by("position")
    ]
    terms = order.company.payment_terms
    return {
        "company_name": order.company.legal_name,
        "order_number": order.number,
        "po_number": order.po_number,
        "created_at": order.created_at,
        "currency": order.currency,
        "lines": lines,
        "totals": {
            "subtotal": order.subtotal,
            "discount": order.discount,
            "tax": order.tax,
            "shipping": order.shipping,
            "total": order.total,
        },
        "coupon": order.coupon.code if order.coupon_id else "",
        "billing": _address(order.billing_address),
        "shipping_address": _address(order.shipping_address),
        "shipping_method": ShippingMethod(order.shipping_method).label,
        "promised_delivery_date": order.promised_delivery_date,
        "notes": order.notes,
        "payment_terms": PaymentTerms(terms).label if terms in PaymentTerms.values else terms,
        "order_url": absolute(reverse("portal:order_detail", kwargs={"number": order.number})),
    }


def _digest_row(row: dict) -> dict:
    """A held order of the digest's payload, its amount and date ready to format."""
    row = dict(row)
    with contextlib.suppress(ArithmeticError):
        row["total"] = Decimal(str(row.get("total")))
    row["created_at"] = _date(row.get("created_at"))
    return row


def _date(value):
    """An ISO date or date-time string from a payload as a date / datetime."""
    if not value or not isinstance(value, str):
        return value or None
    return parse_date(value) if len(value) == 10 else parse_datetime(value)


@dataclass(frozen=True)
class EmailSpec:
    kind: str
    label: str
    template: str  # notifications/email/<template>.{txt,html}
    subject: str  # translated at send time, formatted with the context
    description: str

    def render(self, context: dict) -> tuple[str, str, str]:
        """(subject, text, html) in the active language."""
        context = {**context, "seller": settings.SELLER}
        subject = str(self.subject) % {**context, "seller": settings.SELLER["legal_name"]}
        context["subject"] = subject
        text = render_to_string(f"notifications/email/{self.template}.txt", context)
        html = render_to_string(f"notifications/email/{self.template}.html", context)
        return subject, text, html

    def subject_message(self, context: dict):
        """The subject as a stored message (``notifications.messages``: ``email.<kind>``)."""
        from core.messages import Msg, definition

        from .messages import subject_key

        values = {**context, "seller": settings.SELLER["legal_name"]}
        key = subject_key(self.kind)
        return Msg(key, **{name: values.get(name, "") for name in definition(key).names})


SPECS = {
    NotificationKind.ORDER_RECEIVED: EmailSpec(
        NotificationKind.ORDER_RECEIVED,
        gettext_lazy("Order received"),
        "order_received",
        gettext_lazy("We have received your order %(order_number)s"),
        gettext_lazy("To the customer when an order is placed (order.created)."),
    ),
    NotificationKind.ORDER_SHIPPED: EmailSpec(
        NotificationKind.ORDER_SHIPPED,
        gettext_lazy("Order shipped"),
        "order_shipped",
        gettext_lazy("Your order %(order_number)s is on its way"),
        gettext_lazy("To the customer when the order ships, with the invoice attached."),
    ),
    NotificationKind.ORDER_DELIVERED: EmailSpec(
        NotificationKind.ORDER_DELIVERED,
        gettext_lazy("Order delivered"),
        "order_delivered",
        gettext_lazy("Your order %(order_number)s has been delivered"),
        gettext_lazy("To the customer on delivery, with the one-click satisfaction survey."),
    ),
    NotificationKind.ORDER_CANCELLED: EmailSpec(
        NotificationKind.ORDER_CANCELLED,
        gettext_lazy("Order cancelled"),
        "order_cancelled",
        gettext_lazy("Your order %(order_number)s has been cancelled"),
        gettext_lazy("To the customer on cancellation, with the credit note if it was invoiced."),
    ),
    NotificationKind.HELD_ORDERS_DIGEST: EmailSpec(
        NotificationKind.HELD_ORDERS_DIGEST,
        gettext_lazy("Orders on hold"),
        "held_orders_digest",
        gettext_lazy("Orders on hold for review: %(count)s"),
        gettext_lazy("Daily, to STAFF_ALERT_EMAIL, while any order is held for review."),
    ),
    NotificationKind.INVITATION: EmailSpec(
        NotificationKind.INVITATION,
        gettext_lazy("Invitation"),
        "invitation",
        gettext_lazy("Your access to the %(seller)s customer portal"),
        gettext_lazy(
            "To a new customer user (and again on each resend): a link to choose a password."
        ),
    ),
    NotificationKind.INVITATION_ATTEMPT: EmailSpec(
        NotificationKind.INVITATION_ATTEMPT,
        gettext_lazy("Invitation attempt"),
        "invitation_attempt",
        gettext_lazy("Someone tried to invite your email address"),
        gettext_lazy(
            "To the holder of an address a customer admin tried to invite, at most once a day."
        ),
    ),
    NotificationKind.LOW_STOCK: EmailSpec(
        NotificationKind.LOW_STOCK,
        gettext_lazy("Low stock"),
        "low_stock",
        gettext_lazy("Low stock: %(sku)s in %(warehouse)s"),
        gettext_lazy("To STAFF_ALERT_EMAIL, once per low-stock alert (stock.low)."),
    ),
    NotificationKind.WEBHOOK_DISABLED: EmailSpec(
        NotificationKind.WEBHOOK_DISABLED,
        gettext_lazy("Webhook disabled"),
        "webhook_disabled",
        gettext_lazy("Webhook disabled: %(url)s"),
        gettext_lazy("To STAFF_ALERT_EMAIL when a webhook subscription is disabled."),
    ),
    NotificationKind.APPROVAL_REQUESTED: EmailSpec(
        NotificationKind.APPROVAL_REQUESTED,
        gettext_lazy("Order awaiting approval"),
        "approval_requested",
        gettext_lazy("Order %(order_number)s waits for your approval"),
        gettext_lazy(
            "To the customer's administrators when a buyer's order is above their order "
            "limit (order.approval_requested)."
        ),
    ),
    NotificationKind.APPROVAL_DECIDED: EmailSpec(
        NotificationKind.APPROVAL_DECIDED,
        gettext_lazy("Order approved or rejected"),
        "approval_decided",
        gettext_lazy("Your order %(order_number)s: %(decision)s"),
        gettext_lazy(
            "To the buyer when an administrator approves or rejects their order, with the "
            "note (order.approval_decided)."
        ),
    ),
}


SPECS.update(return_emails.specs(EmailSpec))
SPECS.update(complaint_emails.specs(EmailSpec))


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str
    attachments: list[tuple[str, bytes, str]]
    missing_attachment: bool = False
    #: The subject as a ``core.messages.Msg``, for the email log in each reader's language.
    subject_message: object = None


def compose(notification, *, require_attachments: bool = True) -> Composed:
    """The email of a stored notification, in the active language.

    Raises ``mailer.Skip`` when there is nothing to send any more and, with
    ``require_attachments``, ``mailer.AttachmentNotReady`` while the document it carries
    is not rendered yet."""
    from .mailer import AttachmentNotReady

    context = context_for(notification)
    documents = expected_documents(notification)
    attachments = [document_attachment(invoice) for invoice in documents]
    missing = any(attachment is None for attachment in attachments)
    if missing and require_attachments:
        issued = [invoice.number for invoice in documents if invoice is not None]
        raise AttachmentNotReady(f"waiting for the PDF of {', '.join(issued) or 'a document'}")
    spec = SPECS[notification.kind]
    subject, text, html = spec.render(context)
    attachments = [a for a in attachments if a is not None]
    attachments += return_emails.extra_attachments(notification)
    attachments += complaint_emails.extra_attachments(notification)
    return Composed(
        subject,
        text,
        html,
        attachments,
        missing_attachment=missing,
        subject_message=spec.subject_message(context),
    )


def context_for(notification) -> dict:
    """The template context of a stored notification (its order read now, the
    event-time facts from its payload)."""
    payload = notification.payload or {}
    if notification.kind == NotificationKind.HELD_ORDERS_DIGEST:
        orders = [_digest_row(row) for row in payload.get("orders", [])]
        return {"orders": orders, "count": len(orders)}
    if notification.kind in STAFF_CONTEXTS:
        return STAFF_CONTEXTS[notification.kind](notification)
    if notification.kind in return_emails.KINDS:
        return return_emails.context(notification, absolute)
    if notification.kind in complaint_emails.KINDS:
        return complaint_emails.context(notification, absolute)
    order = Order.objects.select_related("company", "carrier", "coupon").get(
        pk=notification.order_id
    )
    context = order_context(order)
    if notification.kind == NotificationKind.ORDER_SHIPPED:
        shipment = payload.get("shipment") or {}
        context.update(
            carrier=shipment.get("carrier_name") or (order.carrier.name if order.carrier else ""),
            tracking_number=shipment.get("tracking_number") or order.tracking_number,
            tracking_url=shipment.get("tracking_url") or order.tracking_url,
            estimated_delivery=_date(shipment.get("estimated_delivery"))
            or order.estimated_delivery,
            invoice_number=_invoice_number(order),
        )
    elif notification.kind == NotificationKind.ORDER_DELIVERED:
        context.update(
            delivered_at=_date(payload.get("delivered_at")) or order.delivered_at,
            rating_links=rating_links(order.pk),
        )
    elif notification.kind == NotificationKind.APPROVAL_DECIDED:
        approved = bool(payload.get("approved"))
        context.update(
            approved=approved,
            decision=_("approved") if approved else _("rejected"),
            note=payload.get("note", ""),
            decided_by=payload.get("by", ""),
        )
    elif notification.kind == NotificationKind.APPROVAL_REQUESTED:
        context.update(placed_by=payload.get("placed_by_email", ""))
    elif notification.kind == NotificationKind.ORDER_CANCELLED:
        credit = _credit_note(order)
        context.update(
            reason=payload.get("cancel_reason") or order.cancel_reason,
            credit_note_number=credit.number if credit else "",
        )
    return context


def _invoice_number(order) -> str:
    from documents.models import Invoice, InvoiceKind

    invoice = Invoice.objects.filter(order=order, kind=InvoiceKind.INVOICE).first()
    return invoice.number if invoice else ""


def _credit_note(order):
    from documents.models import CreditReason, Invoice, InvoiceKind

    return Invoice.objects.filter(
        order=order, kind=InvoiceKind.CREDIT_NOTE, reason_code=CreditReason.CANCELLATION
    ).first()


def expected_documents(notification) -> list:
    """The invoices whose PDF the email carries (None for one not issued yet): the
    invoice when shipped; the credit note when an invoiced order is cancelled."""
    from documents.models import Invoice, InvoiceKind

    if notification.kind in return_emails.KINDS:
        return return_emails.expected_documents(notification)
    if notification.kind in complaint_emails.KINDS:
        return complaint_emails.expected_documents(notification)
    if notification.kind not in (NotificationKind.ORDER_SHIPPED, NotificationKind.ORDER_CANCELLED):
        return []
    invoice = Invoice.objects.filter(
        order_id=notification.order_id, kind=InvoiceKind.INVOICE
    ).first()
    if notification.kind == NotificationKind.ORDER_SHIPPED:
        return [invoice]
    if invoice is None:  # cancelled before it was invoiced: nothing to credit
        return []
    return [_credit_note(notification.order)]


def document_attachment(invoice) -> tuple[str, bytes, str] | None:
    """``(filename, content, mimetype)`` of an invoice's rendered PDF; None until the
    documents worker has rendered it (an email never renders documents itself)."""
    from documents.services import document_bytes

    document = getattr(invoice, "document", None) if invoice is not None else None
    if document is None or not document.is_ready:
        return None
    return (f"{invoice.number}.pdf", document_bytes(document), "application/pdf")


def attachments_for(notification) -> list[tuple[str, bytes, str]]:
    """The PDFs attached that are ready now (the invoice when shipped, the credit note
    when cancelled)."""
    documents = [document_attachment(invoice) for invoice in expected_documents(notification)]
    return [attachment for attachment in documents if attachment is not None]


# --- the staff and account emails -------------------------------------------------------


def _person(user) -> dict:
    return {"first_name": user.first_name, "email": user.email}


def _invitation_context(notification) -> dict:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from .mailer import Skip

    user = notification.user
    if user is None or not user.is_active:
        raise Skip("the user no longer exists or is deactivated")
    if user.has_usable_password():
        raise Skip("the user has already chosen a password")
    path = reverse(
        "portal:invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    company = user.company
    return {
        "user": _person(user),
        "company": {"legal_name": company.legal_name if company else ""},
        "link": absolute(path),
    }


def _invitation_attempt_context(notification) -> dict:
    from customers.models import Company

    from .mailer import Skip

    user = notification.user
    company = Company.objects.filter(pk=(notification.payload or {}).get("company_id")).first()
    if user is None or not user.is_active or company is None:
        raise Skip("the account or the company no longer exists")
    return {"user": _person(user), "company": {"legal_name": company.legal_name}}


def _low_stock_context(notification) -> dict:
    from inventory.models import LowStockAlert

    from .mailer import Skip

    alert = (
        LowStockAlert.objects.select_related("stock_item__product", "stock_item__warehouse")
        .filter(pk=(notification.payload or {}).get("alert_id"))
        .first()
    )
    if alert is None:
        raise Skip("the alert no longer exists")
    item = alert.stock_item
    return {
        "sku": item.product.sku,
        "name": item.product.name,
        "warehouse": item.warehouse.code,
        "available": alert.available,
        "reorder_point": alert.reorder_point,
        "on_hand": item.on_hand,
        "reserved": item.reserved,
        "reorder_quantity": item.reorder_quantity,
        "link": absolute(reverse("backoffice:stock_list") + f"?q={item.product.sku}"),
    }


def _webhook_disabled_context(notification) -> dict:
    from webhooks.models import Subscription

    from .mailer import Skip

    subscription = Subscription.objects.filter(
        pk=(notification.payload or {}).get("subscription_id")
    ).first()
    if subscription is None:
        raise Skip("the subscription no longer exists")
    return {
        "url": subscription.url,
        "days": settings.WEBHOOK_DISABLE_AFTER_DAYS,
        "link": absolute(reverse("backoffice:webhook_detail", args=[subscription.pk])),
    }


STAFF_CONTEXTS = {
    NotificationKind.INVITATION: _invitation_context,
    NotificationKind.INVITATION_ATTEMPT: _invitation_attempt_context,
    NotificationKind.LOW_STOCK: _low_stock_context,
    NotificationKind.WEBHOOK_DISABLED: _webhook_disabled_context,
}


def sample_context(kind: str) -> dict:
    """A realistic context for the back-office preview (no database rows needed)."""
    today = dt.date.today()
    lines = [
        {
            "sku": "DRILL-18V",
            "name": "Taladro percutor 18 V",
            "quantity": 2,
            "unit_price": Decimal("100.00"),
            "vat_rate": Decimal("21.00"),
            "line_total": Decimal("200.00"),
        },
        {
            "sku": "SHOVEL-PL",
            "name": "Łopata ogrodowa — żółta",
            "quantity": 3,
            "unit_price": Decimal("12.30"),
            "vat_rate": Decimal("23.00"),
            "line_total": Decimal("36.90"),
        },
    ]
    address = {
        "label": "Almacén central",
        "recipient": "Ana García",
        "line1": "Calle Mayor 1",
        "postal_code": "28001",
        "city": "Madrid",
        "country": "ES",
        "country_name": _("Spain"),
    }
    context = {
        "company_name": "Ferretería Gómez S.L.",
        "order_number": f"PED-{today.year}-000123",
        "po_number": "PO-4711",
        "created_at": dt.datetime.now(dt.UTC),
        "currency": "EUR",
        "lines": lines,
        "totals": {
            "subtotal": Decimal("236.90"),
            "discount": Decimal("0.00"),
            "tax": Decimal("50.49"),
            "shipping": Decimal("9.90"),
            "total": Decimal("297.29"),
        },
        "coupon": "",
        "billing": {**address, "legal_name": "Ferretería Gómez S.L.", "tax_id": "ESB12345674"},
        "shipping_address": address,
        "shipping_method": ShippingMethod.STANDARD.label,
        "promised_delivery_date": today + dt.timedelta(days=3),
        "notes": _("Please deliver in the morning."),
        "payment_terms": PaymentTerms.NET30.label,
        "order_url": absolute("/portal/orders/PED-000123/"),
        "carrier": "SEUR",
        "tracking_number": "SEUR123456789",
        "tracking_url": "https://www.seur.com/livetracking/?segOnlineIdentificador=SEUR123456789",
        "estimated_delivery": today + dt.timedelta(days=2),
        "invoice_number": f"FV-{today.year}-000042",
        "delivered_at": dt.datetime.now(dt.UTC),
        "rating_links": [(score, absolute(f"/rate/sample-{score}/")) for score in range(1, 6)],
        "reason": _("The customer no longer needs the goods."),
        "credit_note_number": f"AB-{today.year}-000007",
        "placed_by": "ana.garcia@ferreteria-gomez.example",
        "approved": True,
        "decision": _("approved"),
        "note": _("Within this month's budget."),
        "decided_by": "Luis Gómez",
    }
    if kind in (NotificationKind.INVITATION, NotificationKind.INVITATION_ATTEMPT):
        return {
            "user": {"first_name": "Ana", "email": "ana.garcia@ferreteria-gomez.example"},
            "company": {"legal_name": "Ferretería Gómez S.L."},
            "link": absolute("/portal/invitation/sample/"),
        }
    if kind == NotificationKind.LOW_STOCK:
        return {
            "sku": "SHOVEL-PL",
            "name": "Łopata ogrodowa — żółta",
            "warehouse": "MAD",
            "available": 4,
            "reorder_point": 10,
            "on_hand": 6,
            "reserved": 2,
            "reorder_quantity": 50,
            "link": absolute("/backoffice/stock/?q=SHOVEL-PL"),
        }
    if kind == NotificationKind.WEBHOOK_DISABLED:
        return {
            "url": "https://erp.example.com/hooks/mayorista",
            "days": settings.WEBHOOK_DISABLE_AFTER_DAYS,
            "link": absolute("/backoffice/webhooks/1/"),
        }
    if kind == NotificationKind.HELD_ORDERS_DIGEST:
        orders = [
            {
                "number": f"PED-{today.year}-000120",
                "company": "Hurtownia Kowalski Sp. z o.o.",
                "total": Decimal("4250.00"),
                "currency": "PLN",
                "hold_reason": "",
                "hold_messages": [
                    Msg("order.hold.first_order", amount=Decimal("3000.00")).stored,
                ],
                "created_at": today,
                "url": absolute("/backoffice/orders/PED-000120/"),
            }
        ]
        return {"orders": orders, "count": len(orders)}
    if kind in return_emails.KINDS:
        return return_emails.sample(kind, context, absolute)
    if kind in complaint_emails.KINDS:
        return complaint_emails.sample(kind, context, absolute)
    return context
