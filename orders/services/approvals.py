"""Approvals: an order a buyer placed above their order limit (``User.order_limit``)
is ``pendiente`` with ``awaiting_approval`` (its stock reserved, like a hold) and stays
out of the preparation queue until an admin of the same company approves it; rejecting
it cancels it and releases the stock. Both decisions are emailed to the buyer
(``order.approval_decided``, ``notifications``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor, is_customer_actor, user_of
from core.messages import Msg
from customers.models import CustomerRole
from inventory import services as inventory

from .. import events
from ..errors import InvalidInput, NotAllowed, TransitionNotAllowed
from ..models import Coupon, EventKind, Order, OrderStatus
from ._common import _finish_transition, _lock, _sync
from .quote import _clean_text


def may_decide(actor: Actor, order: Order) -> bool:
    """Only an administrator of the order's company approves or rejects it."""
    user = user_of(actor)
    return bool(
        is_customer_actor(actor)
        and user.company_id == order.company_id
        and user.role == CustomerRole.ADMIN
    )


def _lock_waiting(order: Order, actor: Actor, action_label) -> Order:
    if not may_decide(actor, order):
        raise NotAllowed(_("Only an administrator of your company can approve orders."))
    locked = _lock(order)
    if not locked.awaiting_approval or locked.status != OrderStatus.PENDIENTE:
        raise TransitionNotAllowed(
            action=str(action_label),
            status=str(locked.get_status_display()),
            message=_("The order is not waiting for approval."),
        )
    return locked


def _decided(locked: Order, actor: Actor) -> None:
    locked.awaiting_approval = False
    locked.approval_decided_by = user_of(actor)
    locked.approval_decided_at = timezone.now()


def approve_order(*, order: Order, actor: Actor, note: str = "") -> Order:
    """A company admin approves a waiting order: it may then enter preparation."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=2000, errors=errors)
    with transaction.atomic():
        locked = _lock_waiting(order, actor, _("Approve"))
        if errors:
            raise InvalidInput(errors)
        _decided(locked, actor)
        locked.save()
        events.order_approved_event(order=locked, actor=actor, note=note)
        events.publish(
            events.ORDER_APPROVAL_DECIDED,
            events.approval_decided_payload(locked, approved=True, actor=actor, note=note),
        )
    return _sync(order, locked)


def reject_order(*, order: Order, actor: Actor, note: str) -> Order:
    """A company admin rejects a waiting order, with a note: it is cancelled, its stock
    released and its coupon use given back."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=1000, errors=errors, required=True)
    with transaction.atomic():
        locked = _lock_waiting(order, actor, _("Reject"))
        if errors:
            raise InvalidInput(errors)
        from_status = locked.status
        _decided(locked, actor)
        locked.cancel_reason = note
        locked.on_hold = False
        locked.cancel()
        inventory.release(
            reference_object=locked,
            actor=actor,
            reason=Msg("stock.order_cancelled"),
            reference=locked.number,
        )
        if locked.coupon_id:
            Coupon.objects.filter(pk=locked.coupon_id, times_used__gt=0).update(
                times_used=F("times_used") - 1
            )
        # The buyer gets the rejection's email (with the note), not also the
        # cancellation's: the event says why it was cancelled.
        _finish_transition(
            locked,
            actor=actor,
            kind=EventKind.CANCELLED,
            from_status=from_status,
            note=note,
            extra={"approval": "rejected"},
        )
        events.publish(
            events.ORDER_APPROVAL_DECIDED,
            events.approval_decided_payload(locked, approved=False, actor=actor, note=note),
        )
    return _sync(order, locked)
