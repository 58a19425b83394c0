"""The only code that writes notifications and satisfaction ratings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from customers.models import TimelineKind, Visibility
from customers.services import append_timeline
from orders.models import Order, OrderStatus

from .emails import RATING_MAX_AGE, RATING_SALT
from .models import NotificationKind, NotificationStatus, SatisfactionRating, SentNotification


def customer_recipients(order: Order) -> list[str]:
    """The company's order address, and the person who placed the order if they are
    one of the company's users (staff placing an order for a customer get nothing)."""
    recipients = [order.company.email]
    placer = order.placed_by if order.placed_by_id else None
    if (
        placer is not None
        and placer.company_id == order.company_id
        and placer.email
        and placer.email.lower() != order.company.email.lower()
    ):
        recipients.append(placer.email)
    return [address for address in recipients if address]


def record_notification(
    *,
    event_id,
    kind: str,
    order: Order | None = None,
    payload: dict | None = None,
    recipients: list[str] | None = None,
    language: str | None = None,
) -> SentNotification | None:
    """The notification row of one event and kind, written once (None if it exists)."""
    fields = {
        "company": order.company if order else None,
        "order": order,
        "recipients": recipients if recipients is not None else customer_recipients(order),
        "language": language or (order.company.language if order else settings.LANGUAGE_CODE),
        "payload": payload or {},
    }
    try:
        with transaction.atomic():
            return SentNotification.objects.create(event_id=event_id, kind=kind, **fields)
    except IntegrityError:
        return None


def claim(notification_id: int) -> bool:
    """Take a pending notification for sending (False when sent or being sent)."""
    from django.db.models import F

    return bool(
        SentNotification.objects.filter(
            pk=notification_id, status=NotificationStatus.PENDING
        ).update(status=NotificationStatus.SENDING, attempts=F("attempts") + 1)
    )


def release(notification_id: int, *, error: str, failed: bool = False) -> None:
    """Sending failed: back to pending (retried) or failed for good."""
    SentNotification.objects.filter(pk=notification_id).update(
        status=NotificationStatus.FAILED if failed else NotificationStatus.PENDING,
        last_error=error[:2000],
    )


@transaction.atomic
def mark_sent(notification: SentNotification, *, subject: str) -> None:
    """Sent: the row says so and the customer timeline shows it (subject and time)."""
    now = timezone.now()
    SentNotification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENT, subject=subject[:255], sent_at=now, last_error=""
    )
    if notification.company_id:
        with override(notification.language):
            summary = _("Email sent: %(subject)s") % {"subject": subject}
        append_timeline(
            company=notification.company,
            kind=TimelineKind.EMAIL,
            summary=summary,
            body=", ".join(notification.recipients),
            subject=notification.order,
            visibility=Visibility.CUSTOMER,
            at=now,
        )


def held_digest_notification(*, day=None) -> SentNotification | None:
    """Today's digest of held orders for staff (None when nothing is held or it exists)."""
    from orders.selectors import order_queue

    from .emails import absolute

    day = day or timezone.localdate()
    held = list(order_queue("held").order_by("created_at"))
    if not held:
        return None
    orders = [
        {
            "number": order.number,
            "company": order.company.legal_name,
            "total": str(order.total),
            "currency": order.currency,
            "hold_reason": order.hold_reason,
            "created_at": timezone.localtime(order.created_at).date().isoformat(),
            "url": absolute(f"/backoffice/orders/{order.number}/"),
        }
        for order in held
    ]
    return record_notification(
        event_id=uuid.uuid5(uuid.NAMESPACE_URL, f"held-orders-digest:{day.isoformat()}"),
        kind=NotificationKind.HELD_ORDERS_DIGEST,
        payload={"orders": orders, "day": day.isoformat()},
        recipients=[settings.STAFF_ALERT_EMAIL],
        language=settings.LANGUAGE_CODE,
    )


class InvalidRatingLink(Exception):
    pass


def rating_from_token(token: str) -> tuple[int, int]:
    """(order id, score) of a signed rating link; ``InvalidRatingLink`` if tampered,
    expired or malformed."""
    try:
        data = signing.loads(token, salt=RATING_SALT, max_age=RATING_MAX_AGE)
        order_id, score = int(data["o"]), int(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidRatingLink() from exc
    if not 1 <= score <= 5:
        raise InvalidRatingLink()
    return order_id, score


def rateable_order(order_id: int) -> tuple[Order, SatisfactionRating | None]:
    """The delivered order a rating link is for, and its rating if it already has one;
    ``InvalidRatingLink`` if the order does not exist or is not delivered."""
    order = (
        Order.objects.select_related("company", "satisfaction_rating").filter(pk=order_id).first()
    )
    if order is None or order.status != OrderStatus.ENTREGADO:
        raise InvalidRatingLink()
    return order, getattr(order, "satisfaction_rating", None)


def record_rating(*, order_id: int, score: int) -> tuple[SatisfactionRating, bool]:
    """Record a delivered order's rating once; (rating, created). The first one counts."""
    with transaction.atomic():
        order = Order.objects.select_related("company").filter(pk=order_id).first()
        if order is None or order.status != OrderStatus.ENTREGADO:
            raise InvalidRatingLink()
        rating, created = SatisfactionRating.objects.get_or_create(
            order=order, defaults={"score": score}
        )
        if created:
            with override(order.company.language):
                summary = _("Order %(number)s rated %(score)s/5 by the customer") % {
                    "number": order.number,
                    "score": score,
                }
            append_timeline(
                company=order.company,
                kind=TimelineKind.ORDER,
                summary=summary,
                subject=order,
                visibility=Visibility.CUSTOMER,
            )
    return rating, created
