"""The only code that writes notifications and satisfaction ratings."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.messages import Msg
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
    company=None,
    user=None,
) -> SentNotification | None:
    """The notification row of one event and kind, written once (None if it exists)."""
    if company is None and order is not None:
        company = order.company
    fields = {
        "company": company,
        "order": order,
        "user": user,
        "recipients": recipients if recipients is not None else customer_recipients(order),
        "language": language or (order.company.language if order else settings.LANGUAGE_CODE),
        "payload": payload or {},
    }
    try:
        with transaction.atomic():
            return SentNotification.objects.create(event_id=event_id, kind=kind, **fields)
    except IntegrityError:
        return None


def language_of(user) -> str:
    """The language a person reads their emails in: theirs, else their company's."""
    if user.language:
        return user.language
    return user.company.language if user.company_id else settings.LANGUAGE_CODE


#: At most one "someone tried to invite you" email per holder and company in this time,
#: so that repeated invitations cannot flood someone's inbox.
INVITATION_ATTEMPT_QUIET_PERIOD = timedelta(hours=24)


def record_invitation(*, event_id, user_id: int, kind: str, payload: dict):
    """The invitation (or invitation-attempt) email of an event, to the user's address.

    An attempt is recorded at most once per holder and inviting company within
    ``INVITATION_ATTEMPT_QUIET_PERIOD``: the earlier notification row is the quiet
    mark (the holder's row is locked while it is looked up, so two concurrent
    attempts do not both pass)."""
    from customers.models import User

    user = (
        User.objects.select_for_update(of=("self",))
        .select_related("company")
        .filter(pk=user_id, is_active=True)
        .first()
    )
    if user is None or not user.email:
        return None
    if kind == NotificationKind.INVITATION_ATTEMPT:
        recent = SentNotification.objects.filter(
            kind=NotificationKind.INVITATION_ATTEMPT,
            user=user,
            payload__company_id=payload.get("company_id"),
            created_at__gte=timezone.now() - INVITATION_ATTEMPT_QUIET_PERIOD,
        ).exclude(status__in=[NotificationStatus.FAILED, NotificationStatus.SKIPPED])
        if recent.exists():
            return None
    return record_notification(
        event_id=event_id,
        kind=kind,
        company=user.company,
        user=user,
        payload=payload,
        recipients=[user.email],
        language=language_of(user),
    )


def record_staff_alert(*, event_id, kind: str, payload: dict):
    """A staff email (low stock, a disabled webhook) to ``STAFF_ALERT_EMAIL``."""
    if not settings.STAFF_ALERT_EMAIL:
        return None
    return record_notification(
        event_id=event_id,
        kind=kind,
        payload=payload,
        recipients=[settings.STAFF_ALERT_EMAIL],
        language=settings.LANGUAGE_CODE,
    )


@transaction.atomic
def mark_sent(
    notification: SentNotification, *, subject: str, subject_message: Msg | None = None
) -> None:
    """Sent: the row says so (``subject`` as sent, in the email's language) and the
    customer timeline shows it (``subject_message``, so it reads in each reader's
    language; the sent subject when there is none)."""
    now = timezone.now()
    SentNotification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENT,
        subject=subject[:255],
        sent_at=now,
        last_error="",
        locked_until=None,
    )
    if notification.kind == NotificationKind.LOW_STOCK:
        from inventory.models import LowStockAlert

        LowStockAlert.objects.filter(pk=(notification.payload or {}).get("alert_id")).update(
            emailed_at=now
        )
    if not notification.company_id:  # staff emails; staff users belong to no company
        return
    summary = Msg("notification.sent", subject=subject_message or {"text": subject})
    if notification.kind == NotificationKind.INVITATION_ATTEMPT:
        # The holder's company sees nothing of another company's attempt; staff do.
        subject_object, visibility = notification.user, Visibility.STAFF
    elif notification.kind == NotificationKind.INVITATION:
        subject_object, visibility = notification.user, Visibility.CUSTOMER
    else:
        subject_object, visibility = notification.order, Visibility.CUSTOMER
    append_timeline(
        company=notification.company,
        kind=TimelineKind.EMAIL,
        message=summary,
        body=", ".join(notification.recipients),
        subject=subject_object,
        visibility=visibility,
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
            "hold_messages": order.hold_messages,
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
            append_timeline(
                company=order.company,
                kind=TimelineKind.ORDER,
                message=Msg("order.rated", number=order.number, score=score),
                subject=order,
                visibility=Visibility.CUSTOMER,
            )
    return rating, created
