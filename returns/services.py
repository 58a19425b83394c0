"""The only code that creates or changes returns, their evidence, store credit and the
abuse watch. The back-office, the portal and the API call these same functions.

Every write service takes keyword-only arguments and ``actor`` (``core.actors``: a
staff or customer user, an API key, or None for the system), runs in one transaction,
locks what must not race, asks ``returns.actions.registry`` under the lock (role,
state, guards) and raises domain errors (``returns.errors``); nothing is written when
it raises. Each transition writes a ``ReturnEvent`` (and its customer-timeline entry)
and publishes ``return.status_changed``.

Public functions:

- ``check_return(*, actor, order, lines, at=None) -> list[LineVerdict]``: the
  eligibility answer per line, nothing written (the portal's live explanation, the
  API's ``/returns/eligibility/``).
- ``request_return(*, actor, order, lines, resolution, notes="", override_note="",
  channel=None) -> Return``: lines ``[{"sku", "quantity", "reason", "comment"?}]``;
  under the order's row lock; ``NotEligible`` (``return_not_eligible``, per line)
  unless staff give ``override_note`` for overridable refusals.
- ``add_attachment(*, ret, actor, file) -> ReturnAttachment`` (``core.uploads``).
- ``authorize_return(*, ret, actor, note="", shipping_payer=None) -> Return``
- ``reject_return(*, ret, actor, reason) -> Return``
- ``receive_return(*, ret, actor, lines=None, warehouse=None, shipping_cost=None,
  note="") -> Return``: lines ``[{"sku", "quantity"}]`` (default everything
  authorized), ``warehouse`` a ``Warehouse`` (default the order's first warehouse).
- ``inspect_return(*, ret, actor, lines, note="") -> Return``: lines ``[{"sku",
  "condition": "resellable"|"damaged"|"missing", "quantity"?}]``; stock moves here.
- ``resolve_return(*, ret, actor, resolution=None, note="") -> Return``: refund /
  store credit (credit note, and a ledger credit), replacement (zero-price order),
  repair (tracked; ``mark_repair_shipped``).
- ``cancel_return(*, ret, actor, reason="") -> Return``
- ``mark_repair_shipped(*, ret, actor, note="") -> Return``
- ``add_return_note(*, ret, actor, note) -> ReturnEvent``
- ``remind_and_expire(*, now=None) -> dict``: the beat task's work.
- ``apply_store_credit(*, actor, order, amount) -> StoreCreditEntry``
- ``evaluate_abuse(*, company, now=None) -> AbuseFlag`` and ``evaluate_all_abuse``.
- ``save_reason(*, actor, reason=None, **fields) -> ReturnReason`` (managers, audited).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import audit, uploads
from core.actors import (
    Actor,
    actor_label,
    company_id_of,
    is_api_key,
    is_customer_actor,
    key_of,
    user_of,
)
from core.money import CENT, ZERO, money
from core.numbering import next_sequence_number
from customers.models import Company
from inventory import services as inventory
from inventory.models import ReturnShippingPayer, Warehouse
from orders.models import Order, OrderStatus

from . import eligibility, events
from .actions import registry
from .errors import (
    InvalidAttachment,
    InvalidReturn,
    NotAllowed,
    NotEligible,
    StoreCreditError,
)
from .models import (
    AbuseFlag,
    Condition,
    Resolution,
    Return,
    ReturnAttachment,
    ReturnChannel,
    ReturnEvent,
    ReturnEventKind,
    ReturnLine,
    ReturnReason,
    ReturnStatus,
    ShippingPayer,
    StoreCreditEntry,
    StoreCreditKind,
)
from .permissions import (
    may_add_attachment,
    may_apply_store_credit,
    may_edit_reasons,
    may_override,
    may_request,
    may_view,
)
from .refunds import CreditedGoods, compute_refund

RETURN_SERIES = "DEV"
MAX_LINES = 200
MAX_TEXT = 2000


# --- small helpers ---------------------------------------------------------------------


def _text(value, *, field: str, errors: dict, required=False, max_length=MAX_TEXT) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str) or "\x00" in value:
        errors[field] = [_("Enter text.")]
        return ""
    value = value.strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > max_length:
        errors[field] = [_("At most %(max)d characters.") % {"max": max_length}]
    return value


def _quantity(value) -> int | None:
    return eligibility._quantity(value)


def _lock(ret: Return) -> Return:
    return (
        Return.objects.select_for_update(of=("self",))
        .select_related("order", "company", "warehouse", "credit_note", "replacement_order")
        .get(pk=ret.pk)
    )


def _lock_for(action: str, ret: Return, actor) -> Return:
    locked = _lock(ret)
    registry.ensure(action, locked, actor)
    return locked


def _sync(target: Return, source: Return) -> Return:
    target.__dict__.update(
        {k: v for k, v in source.__dict__.items() if not k.startswith("_") or k == "_state"}
    )
    target._update_initial_state()
    return target


def _finish(ret: Return, *, actor, kind: str, from_status: str, note: str = "", data=None):
    ret.save()
    events.return_event(
        ret=ret,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=ret.status,
        note=note,
        data=data,
    )
    events.publish(
        events.RETURN_STATUS_CHANGED,
        events.status_changed_payload(ret, from_status=from_status, actor=actor, note=note),
    )


def _channel_for(actor) -> str:
    if is_api_key(actor):
        return ReturnChannel.API
    if is_customer_actor(actor):
        return ReturnChannel.PORTAL
    return ReturnChannel.BACKOFFICE


def _check_lines_shape(lines) -> None:
    if not isinstance(lines, Sequence) or isinstance(lines, str | bytes) or not lines:
        raise InvalidReturn({"lines": [_("Add at least one line.")]})
    if len(lines) > MAX_LINES:
        raise InvalidReturn({"lines": [_("At most %(max)d lines.") % {"max": MAX_LINES}]})
    for index, line in enumerate(lines):
        if not isinstance(line, Mapping):
            raise InvalidReturn({f"lines.{index}": [_("Each line needs a SKU and a quantity.")]})


def _ensure_visible_order(actor, order: Order) -> None:
    """A customer sees only its company's orders: another company's is "not found"."""
    if is_customer_actor(actor) and company_id_of(actor) != order.company_id:
        raise Order.DoesNotExist()


# --- eligibility and request -------------------------------------------------------------


def check_return(*, actor: Actor, order: Order, lines, at: dt.datetime | None = None):
    """The eligibility verdict of each line, nothing written. Raises ``InvalidReturn``
    for a malformed body and ``Order.DoesNotExist`` for another company's order."""
    _ensure_visible_order(actor, order)
    _check_lines_shape(lines)
    return eligibility.check_eligibility(order=order, lines=lines, at=at)


def request_return(
    *,
    actor: Actor,
    order: Order,
    lines,
    resolution: str,
    notes: str = "",
    override_note: str = "",
    channel: str | None = None,
    at: dt.datetime | None = None,
) -> Return:
    """Create a return in ``solicitada`` (see the module docstring)."""
    _ensure_visible_order(actor, order)
    if not may_request(actor, company_id=order.company_id):
        raise NotAllowed()
    errors: dict[str, list[str]] = {}
    if resolution not in Resolution.values:
        errors["resolution"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Resolution.values)}
        ]
    notes = _text(notes, field="notes", errors=errors)
    override_note = _text(override_note, field="override_note", errors=errors)
    if override_note and not may_override(actor):
        raise NotAllowed(_("Only customer service and managers may override a refusal."))
    _check_lines_shape(lines)
    for index, line in enumerate(lines):
        comment = line.get("comment", "")
        _text(comment, field=f"lines.{index}.comment", errors=errors)
    if errors:
        raise InvalidReturn(errors)
    with transaction.atomic():
        # The order's row lock serializes requests over the same order: the units
        # already requested are counted after the previous request committed.
        locked_order = (
            Order.objects.select_for_update(of=("self",)).select_related("company").get(pk=order.pk)
        )
        verdicts = eligibility.check_eligibility(order=locked_order, lines=lines, at=at)
        refused = [v for v in verdicts if not v.eligible]
        if refused and not (override_note and all(v.overridable for v in refused)):
            raise NotEligible(verdicts)
        ret = Return.objects.create(
            number=next_sequence_number(RETURN_SERIES),
            order=locked_order,
            company=locked_order.company,
            requested_by=user_of(actor),
            api_key=key_of(actor),
            on_behalf=not is_customer_actor(actor) and user_of(actor) is not None,
            channel=channel or _channel_for(actor),
            requested_resolution=resolution,
            currency=locked_order.currency,
            notes=notes,
        )
        created = ReturnLine.objects.bulk_create(
            [
                ReturnLine(
                    ret=ret,
                    position=position,
                    order_line=verdict.order_line,
                    product_id=verdict.order_line.product_id,
                    sku=verdict.order_line.sku,
                    name=verdict.order_line.name,
                    quantity=verdict.quantity,
                    reason=verdict.reason,
                    comment=(verdict.comment or "").strip(),
                    eligibility=(
                        verdict.as_data()
                        if verdict.eligible
                        else {
                            "eligible": True,
                            "code": eligibility.OVERRIDDEN,
                            "params": {"note": override_note},
                            "refused": verdict.as_data(),
                        }
                    ),
                    override_note="" if verdict.eligible else override_note,
                )
                for position, verdict in enumerate(verdicts, start=1)
            ]
        )
        events.return_event(
            ret=ret, kind=ReturnEventKind.REQUESTED, actor=actor, to_status=ret.status, note=notes
        )
        if refused:
            for line in created:
                if line.override_note:
                    refusal = line.eligibility["refused"]
                    audit.record_change(
                        actor=actor,
                        instance=line,
                        before={"eligibility": refusal["code"]},
                        fields=["eligibility"],
                        extra={"eligibility": [refusal["code"], eligibility.OVERRIDDEN]},
                    )
            events.return_event(
                ret=ret,
                kind=ReturnEventKind.OVERRIDE,
                actor=actor,
                note=override_note,
                customer_visible=False,
                data={"lines": [line.sku for line in created if line.override_note]},
            )
        events.publish(events.RETURN_CREATED, events.created_payload(ret))
        evaluate_abuse(company=ret.company)
    return ret


# --- evidence -------------------------------------------------------------------------------


def add_attachment(*, ret: Return, actor: Actor, file) -> ReturnAttachment:
    """Evidence for an open return: checked by content (``core.uploads.clean_upload``:
    images re-encoded without metadata, PDFs), stored privately."""
    from core.uploads import clean_upload

    if not may_view(actor, ret):
        raise Return.DoesNotExist()
    if not may_add_attachment(actor, ret):
        raise NotAllowed()
    if ret.status not in (ReturnStatus.SOLICITADA, ReturnStatus.AUTORIZADA, ReturnStatus.RECIBIDA):
        raise InvalidAttachment(_("Evidence can no longer be added to this return."))
    try:
        clean = clean_upload(file, allowed=("image", "pdf"))
    except ValidationError as error:
        raise InvalidAttachment(" ".join(str(m) for m in error.messages)) from error
    with transaction.atomic():
        locked = _lock(ret)
        if locked.attachments.count() >= settings.RETURN_MAX_ATTACHMENTS:
            raise InvalidAttachment(
                _("At most %(max)d files per return.") % {"max": settings.RETURN_MAX_ATTACHMENTS}
            )
        attachment = ReturnAttachment(ret=locked)
        uploads.save_upload(attachment, clean, actor=actor)
        events.return_event(
            ret=locked,
            kind=ReturnEventKind.ATTACHMENT,
            actor=actor,
            note=attachment.original_name,
        )
    return attachment


# --- transitions -------------------------------------------------------------------------------


def _shipping_payer(ret: Return) -> str:
    """The seller pays when a line's reason says so or its category pays returns."""
    for line in ret.lines.select_related("reason", "product__category"):
        if line.reason.seller_pays_shipping:
            return ShippingPayer.SELLER
        if line.product.category.return_shipping_paid_by == ReturnShippingPayer.SELLER:
            return ShippingPayer.SELLER
    return ShippingPayer.BUYER


def authorize_return(
    *, ret: Return, actor: Actor, note: str = "", shipping_payer: str | None = None
) -> Return:
    """solicitada -> autorizada once every required evidence is attached; decides who
    pays the return shipping (default: the reasons' and categories' rules) and the
    date the goods are due (``RETURN_RECEIVE_DAYS`` after today)."""
    errors: dict[str, list[str]] = {}
    note = _text(note, field="note", errors=errors)
    if shipping_payer not in (None, "", *ShippingPayer.values):
        errors["shipping_payer"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(ShippingPayer.values)}
        ]
    with transaction.atomic():
        locked = _lock_for("authorize", ret, actor)
        if errors:
            raise InvalidReturn(errors)
        from_status = locked.status
        locked.return_shipping_payer = shipping_payer or _shipping_payer(locked)
        locked.authorize()
        locked.receive_by = timezone.localdate(locked.authorized_at) + dt.timedelta(
            days=settings.RETURN_RECEIVE_DAYS
        )
        _finish(
            locked, actor=actor, kind=ReturnEventKind.AUTHORIZED, from_status=from_status, note=note
        )
    return _sync(ret, locked)


def reject_return(*, ret: Return, actor: Actor, reason: str) -> Return:
    """solicitada -> rechazada; the reason is required and told to the customer."""
    errors: dict[str, list[str]] = {}
    reason = _text(reason, field="reason", errors=errors, required=True)
    with transaction.atomic():
        locked = _lock_for("reject", ret, actor)
        if errors:
            raise InvalidReturn(errors)
        from_status = locked.status
        locked.rejection_reason = reason
        locked.reject()
        _finish(
            locked, actor=actor, kind=ReturnEventKind.REJECTED, from_status=from_status, note=reason
        )
        evaluate_abuse(company=locked.company)
    return _sync(ret, locked)


def order_first_warehouse(order: Order) -> Warehouse | None:
    """The warehouse the order's first line was served from (else the default one)."""
    for line in order.lines.order_by("position"):
        for allocation in line.allocations or []:
            warehouse = Warehouse.objects.filter(pk=allocation.get("warehouse_id")).first()
            if warehouse is not None:
                return warehouse
    return Warehouse.objects.filter(is_default=True).first() or Warehouse.objects.first()


def _parse_money(value, *, field: str, errors: dict) -> Decimal:
    if value is None or value == "":
        return ZERO
    try:
        amount = Decimal(str(value)) if not isinstance(value, float) else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        errors[field] = [_("Enter an amount, e.g. 12.50.")]
        return ZERO
    if amount < 0:
        errors[field] = [_("The amount cannot be negative.")]
    elif amount != amount.quantize(CENT):
        errors[field] = [_("At most two decimals.")]
    elif amount > Decimal("100000"):
        errors[field] = [_("The amount is too large.")]
    return amount


def _lines_by_sku(ret: Return) -> dict[str, ReturnLine]:
    return {
        line.sku.upper(): line
        for line in ret.lines.select_related("reason", "product__category", "order_line")
    }


def receive_return(
    *,
    ret: Return,
    actor: Actor,
    lines=None,
    warehouse: Warehouse | None = None,
    shipping_cost=None,
    note: str = "",
) -> Return:
    """autorizada -> recibida: what arrived per line (at most what was authorized; may
    be less), into ``warehouse`` (default: the order's first warehouse). Staff may
    record the return postage the buyer paid (``shipping_cost``, net)."""
    errors: dict[str, list[str]] = {}
    note = _text(note, field="note", errors=errors)
    cost = _parse_money(shipping_cost, field="shipping_cost", errors=errors)
    if warehouse is not None and not isinstance(warehouse, Warehouse):
        errors["warehouse"] = [_("Unknown warehouse.")]
    with transaction.atomic():
        locked = _lock_for("receive", ret, actor)
        by_sku = _lines_by_sku(locked)
        received: dict[int, int] = {}
        if lines is None:
            received = {line.pk: line.quantity for line in by_sku.values()}
        elif not isinstance(lines, Sequence) or isinstance(lines, str | bytes) or not lines:
            errors["lines"] = [_("Add at least one line.")]
        else:
            for index, raw in enumerate(lines):
                raw = raw if isinstance(raw, Mapping) else {}
                sku = raw.get("sku") if isinstance(raw.get("sku"), str) else ""
                line = by_sku.get(sku.strip().upper())
                quantity = _quantity(raw.get("quantity"))
                if line is None:
                    errors[f"lines.{index}.sku"] = [
                        _("%(sku)s is not in this return.") % {"sku": sku or "?"}
                    ]
                elif line.pk in received:
                    errors[f"lines.{index}.sku"] = [_("This SKU is listed twice.")]
                elif quantity is None or quantity < 0:
                    errors[f"lines.{index}.quantity"] = [_("Enter a whole number of units.")]
                elif quantity > line.quantity:
                    errors[f"lines.{index}.quantity"] = [
                        _("At most %(max)d: the units authorized.") % {"max": line.quantity}
                    ]
                else:
                    received[line.pk] = quantity
            if not errors and not any(received.values()):
                errors["lines"] = [_("Record at least one unit that arrived.")]
        if errors:
            raise InvalidReturn(errors)
        from_status = locked.status
        for line in by_sku.values():
            line.received_quantity = received.get(line.pk, 0)
            line.save(update_fields=["received_quantity"])
        locked.warehouse = warehouse or order_first_warehouse(locked.order)
        locked.return_shipping_cost = cost
        locked.receive()
        _finish(
            locked,
            actor=actor,
            kind=ReturnEventKind.RECEIVED,
            from_status=from_status,
            note=note,
            data={
                "warehouse": locked.warehouse.code if locked.warehouse else None,
                "lines": {line.sku: line.received_quantity for line in by_sku.values()},
                "shipping_cost": str(cost),
            },
        )
    return _sync(ret, locked)


def _credited_units(line: ReturnLine) -> int:
    """Units refunded: the resellable ones, and the damaged ones when the seller is at
    fault (goods the buyer damaged after a change of mind are not refunded)."""
    if line.reason.applies_category_policy:
        return line.resellable_quantity
    return line.resellable_quantity + line.damaged_quantity


def _fee_percent(line: ReturnLine) -> Decimal:
    if not line.reason.restocking_fee_applies:
        return ZERO
    return Decimal(line.product.category.restocking_fee_percent)


def inspect_return(*, ret: Return, actor: Actor, lines, note: str = "") -> Return:
    """recibida -> inspeccionada: every received unit graded resellable (back to stock:
    a ``return_restock`` movement), damaged (restocked then written off: two movements,
    so the ledger reconciles) or missing (nothing). Sets the restocking fee of
    change-of-mind lines and the refund due date (business days after today)."""
    errors: dict[str, list[str]] = {}
    note = _text(note, field="note", errors=errors)
    with transaction.atomic():
        locked = _lock_for("inspect", ret, actor)
        by_sku = _lines_by_sku(locked)
        grades: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        if not isinstance(lines, Sequence) or isinstance(lines, str | bytes) or not lines:
            errors["lines"] = [_("Grade at least one line.")]
            lines = []
        for index, raw in enumerate(lines):
            raw = raw if isinstance(raw, Mapping) else {}
            sku = raw.get("sku") if isinstance(raw.get("sku"), str) else ""
            line = by_sku.get(sku.strip().upper())
            condition = raw.get("condition")
            if line is None:
                errors[f"lines.{index}.sku"] = [
                    _("%(sku)s is not in this return.") % {"sku": sku or "?"}
                ]
                continue
            if condition not in Condition.values:
                errors[f"lines.{index}.condition"] = [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(Condition.values)}
                ]
                continue
            received = line.received_quantity or 0
            if raw.get("quantity") is None:
                quantity = received - sum(grades[line.pk].values())
            else:
                quantity = _quantity(raw.get("quantity"))
                if quantity is None or quantity < 0:
                    errors[f"lines.{index}.quantity"] = [_("Enter a whole number of units.")]
                    continue
            grades[line.pk][condition] += max(quantity, 0)
            if sum(grades[line.pk].values()) > received:
                errors[f"lines.{index}.quantity"] = [
                    _("More than was received: %(received)d of %(sku)s arrived.")
                    % {"received": received, "sku": line.sku}
                ]
        if not errors:
            for line in by_sku.values():
                graded = sum(grades.get(line.pk, {}).values())
                if graded != (line.received_quantity or 0):
                    errors.setdefault("lines", []).append(
                        _(
                            "%(sku)s: %(graded)d of %(received)d received units graded; "
                            "grade them all."
                        )
                        % {
                            "sku": line.sku,
                            "graded": graded,
                            "received": line.received_quantity or 0,
                        }
                    )
        if errors:
            raise InvalidReturn(errors)
        from_status = locked.status
        warehouse = locked.warehouse
        order = locked.order
        for line in by_sku.values():
            grade = grades.get(line.pk, {})
            line.resellable_quantity = grade.get(Condition.RESELLABLE, 0)
            line.damaged_quantity = grade.get(Condition.DAMAGED, 0)
            line.missing_quantity = grade.get(Condition.MISSING, 0)
            restock = line.resellable_quantity + line.damaged_quantity
            if restock:
                inventory.restock_return(
                    actor=actor,
                    product=line.product,
                    quantity=restock,
                    warehouse=warehouse,
                    reference_object=locked,
                    reference=locked.number,
                    reason=_("Return %(number)s") % {"number": locked.number},
                )
            if line.damaged_quantity:
                inventory.write_off(
                    actor=actor,
                    product=line.product,
                    quantity=line.damaged_quantity,
                    warehouse=warehouse,
                    reference_object=locked,
                    reference=locked.number,
                    reason=_("Return %(number)s: damaged") % {"number": locked.number},
                )
            line.restocking_fee = ZERO
            line.save(
                update_fields=[
                    "resellable_quantity",
                    "damaged_quantity",
                    "missing_quantity",
                    "restocking_fee",
                ]
            )
        refund = _refund_for(locked, list(by_sku.values()), order)
        fees = {line.sku: -line.net_amount for line in refund.lines if line.is_fee}
        for line in by_sku.values():
            if line.sku in fees:
                line.restocking_fee = fees[line.sku]
                line.save(update_fields=["restocking_fee"])
        locked.inspect()
        from core.calendar import add_business_days

        locked.refund_due = add_business_days(
            timezone.localdate(locked.inspected_at), settings.RETURN_REFUND_BUSINESS_DAYS
        )
        _finish(
            locked,
            actor=actor,
            kind=ReturnEventKind.INSPECTED,
            from_status=from_status,
            note=note,
            data={
                line.sku: {
                    "resellable": line.resellable_quantity,
                    "damaged": line.damaged_quantity,
                    "missing": line.missing_quantity,
                }
                for line in by_sku.values()
            },
        )
    return _sync(ret, locked)


def _whole_order_returned(ret: Return, lines: list[ReturnLine], order: Order) -> bool:
    """Every unit of the order is credited, by this return and the earlier ones."""
    credited = {line.order_line_id: _credited_units(line) for line in lines}
    earlier = (
        ReturnLine.objects.filter(
            ret__order=order,
            ret__status=ReturnStatus.RESUELTA,
            ret__resolution__in=(Resolution.REFUND, Resolution.STORE_CREDIT),
        )
        .exclude(ret=ret)
        .select_related("reason")
    )
    for line in earlier:
        credited[line.order_line_id] = credited.get(line.order_line_id, 0) + _credited_units(line)
    return all(credited.get(line.pk, 0) >= line.quantity for line in order.lines.all())


def _refund_for(ret: Return, lines: list[ReturnLine], order: Order):
    goods = [
        CreditedGoods(
            sku=line.sku,
            name=line.name,
            quantity=_credited_units(line),
            unit_price=line.order_line.unit_price,
            vat_rate=line.order_line.vat_rate,
            restocking_fee_percent=_fee_percent(line),
        )
        for line in sorted(lines, key=lambda item: item.position)
    ]
    seller_fault = all(not line.reason.applies_category_policy for line in lines)
    whole = _whole_order_returned(ret, lines, order)
    outbound = order.shipping if (whole and seller_fault) else ZERO
    postage = (
        ret.return_shipping_cost if ret.return_shipping_payer == ShippingPayer.SELLER else ZERO
    )
    with translation.override(ret.company.language):
        fee_label = _("Restocking fee")
    return compute_refund(
        goods=goods,
        order_subtotal=order.subtotal,
        order_discount=order.discount,
        whole_order=whole,
        outbound_shipping=outbound,
        return_shipping=postage,
        fee_label=fee_label,
    )


def refund_preview(ret: Return):
    """What resolving by refund or store credit would credit now (inspected returns)."""
    lines = list(_lines_by_sku(ret).values())
    return _refund_for(ret, lines, ret.order)


def _issue_credit_note(ret: Return, lines: list[ReturnLine]):
    from documents import services as documents
    from documents.consumers import queue_generation
    from documents.models import Invoice, InvoiceKind

    order = ret.order
    refund = _refund_for(ret, lines, order)
    if refund.total <= 0:
        raise InvalidReturn(
            {"resolution": [_("Nothing to credit: no unit was accepted at inspection.")]}
        )
    invoice = Invoice.objects.filter(order=order, kind=InvoiceKind.INVOICE).first()
    if invoice is None:
        invoice = documents.issue_invoice(order=order.pk)
    with translation.override(ret.company.language):
        reason = _("Return %(number)s") % {"number": ret.number}
    credit = documents.issue_return_credit_note(
        invoice=invoice,
        reason=reason,
        lines=refund.lines,
        subtotal=refund.subtotal,
        discount=refund.discount,
        shipping=refund.shipping,
        tax=refund.tax,
        total=refund.total,
        tax_breakdown=refund.tax_breakdown,
    )
    queue_generation(credit.document.pk)
    return credit, refund


def resolve_return(
    *, ret: Return, actor: Actor, resolution: str | None = None, note: str = ""
) -> Return:
    """inspeccionada -> resuelta with ``resolution`` (default: the one requested), in one
    transaction with its documents:

    - refund: a credit note (``AB`` series) for the accepted units at what was paid;
    - store credit: the same credit note, its total credited to the company's balance;
    - replacement: a zero-price order for the accepted units (stock reserved, normal
      lifecycle and documents), linked to the return;
    - repair: tracked with notes until ``mark_repair_shipped``.
    """
    errors: dict[str, list[str]] = {}
    note = _text(note, field="note", errors=errors)
    if resolution in (None, ""):
        resolution = None
    elif resolution not in Resolution.values:
        errors["resolution"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Resolution.values)}
        ]
    with transaction.atomic():
        locked = _lock_for("resolve", ret, actor)
        if errors:
            raise InvalidReturn(errors)
        resolution = resolution or locked.requested_resolution
        lines = list(_lines_by_sku(locked).values())
        from_status = locked.status
        locked.resolution = resolution
        data: dict = {"resolution": resolution}
        if resolution in (Resolution.REFUND, Resolution.STORE_CREDIT):
            credit, refund = _issue_credit_note(locked, lines)
            locked.credit_note = credit
            locked.refund_total = refund.total
            data["credit_note"] = credit.number
            data["total"] = str(refund.total)
            if resolution == Resolution.STORE_CREDIT:
                StoreCreditEntry.objects.create(
                    company=locked.company,
                    kind=StoreCreditKind.CREDIT,
                    amount=refund.total,
                    currency=credit.currency,
                    ret=locked,
                    credit_note=credit,
                    actor=user_of(actor),
                    actor_label=actor_label(actor)[:200],
                )
        elif resolution == Resolution.REPLACEMENT:
            from orders.services import place_replacement_order

            wanted = [
                (line.order_line.product, _credited_units(line))
                for line in sorted(lines, key=lambda item: item.position)
            ]
            wanted = [(product, quantity) for product, quantity in wanted if quantity > 0]
            if not wanted:
                raise InvalidReturn(
                    {"resolution": [_("Nothing to replace: no unit was accepted at inspection.")]}
                )
            with translation.override(locked.company.language):
                order_note = _("Replacement for return %(number)s") % {"number": locked.number}
            replacement = place_replacement_order(
                actor=None,
                source_order=locked.order,
                lines=wanted,
                notes=order_note,
            )
            locked.replacement_order = replacement
            data["replacement_order"] = replacement.number
        locked.resolve()
        _finish(
            locked,
            actor=actor,
            kind=ReturnEventKind.RESOLVED,
            from_status=from_status,
            note=note,
            data=data,
        )
    return _sync(ret, locked)


def cancel_return(*, ret: Return, actor: Actor, reason: str = "") -> Return:
    """solicitada or autorizada -> cancelada (the customer withdraws it; staff too)."""
    errors: dict[str, list[str]] = {}
    reason = _text(reason, field="reason", errors=errors)
    with transaction.atomic():
        locked = _lock_for("cancel", ret, actor)
        if errors:
            raise InvalidReturn(errors)
        from_status = locked.status
        locked.cancel_reason = reason
        locked.cancel()
        _finish(
            locked,
            actor=actor,
            kind=ReturnEventKind.CANCELLED,
            from_status=from_status,
            note=reason,
        )
        evaluate_abuse(company=locked.company)
    return _sync(ret, locked)


def mark_repair_shipped(*, ret: Return, actor: Actor, note: str = "") -> Return:
    """A repaired item went back to the customer (resolution ``repair``)."""
    errors: dict[str, list[str]] = {}
    note = _text(note, field="note", errors=errors)
    with transaction.atomic():
        locked = _lock_for("mark_repair_shipped", ret, actor)
        if errors:
            raise InvalidReturn(errors)
        locked.repair_shipped_at = timezone.now()
        locked.save()
        events.return_event(ret=locked, kind=ReturnEventKind.REPAIR_SHIPPED, actor=actor, note=note)
    return _sync(ret, locked)


def add_return_note(*, ret: Return, actor: Actor, note: str, customer_visible=False) -> ReturnEvent:
    """A note on the return's history (repair progress, calls...); staff only."""
    errors: dict[str, list[str]] = {}
    note = _text(note, field="note", errors=errors, required=True)
    with transaction.atomic():
        locked = _lock_for("add_note", ret, actor)
        if errors:
            raise InvalidReturn(errors)
        return events.return_event(
            ret=locked,
            kind=ReturnEventKind.NOTE,
            actor=actor,
            note=note,
            customer_visible=bool(customer_visible),
        )


# --- expiry ---------------------------------------------------------------------------------


def remind_and_expire(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Authorized returns whose goods have not arrived: remind the customer once
    ``RETURN_REMINDER_DAYS`` after authorization, then expire them (cancelada, marked
    expired) ``RETURN_RECEIVE_DAYS`` after it. Idempotent (the beat task)."""
    now = now or timezone.now()
    expire_before = now - dt.timedelta(days=settings.RETURN_RECEIVE_DAYS)
    remind_before = now - dt.timedelta(days=settings.RETURN_REMINDER_DAYS)
    counts = {"reminded": 0, "expired": 0}
    due = Return.objects.filter(status=ReturnStatus.AUTORIZADA, authorized_at__lte=remind_before)
    for ret_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            locked = _lock(Return(pk=ret_id))
            if locked.status != ReturnStatus.AUTORIZADA:
                continue
            if locked.authorized_at <= expire_before:
                from_status = locked.status
                locked.cancel_reason = _("The goods did not arrive in time.")
                locked.expire()
                _finish(
                    locked,
                    actor=None,
                    kind=ReturnEventKind.EXPIRED,
                    from_status=from_status,
                    note=locked.cancel_reason,
                )
                counts["expired"] += 1
            elif locked.reminded_at is None:
                locked.reminded_at = now
                locked.save()
                events.return_event(ret=locked, kind=ReturnEventKind.REMINDED, actor=None)
                events.publish(
                    events.RETURN_REMINDER,
                    events.status_changed_payload(locked, from_status=locked.status, actor=None),
                )
                counts["reminded"] += 1
    return counts


# --- store credit ---------------------------------------------------------------------------


def store_credit_balance(company: Company | int) -> Decimal:
    """The company's store-credit balance: the sum of its ledger."""
    company_id = getattr(company, "pk", company)
    total = StoreCreditEntry.objects.filter(company_id=company_id).aggregate(s=Sum("amount"))["s"]
    return money(total or ZERO)


def apply_store_credit(*, actor: Actor, order: Order, amount) -> StoreCreditEntry:
    """Pay (part of) ``order`` with the company's store credit: never more than the
    balance nor than the order's outstanding amount. Recorded as a payment on the order
    and a debit on the ledger, under the company's row lock (two uses of the same
    balance queue)."""
    _ensure_visible_order(actor, order)
    if not may_apply_store_credit(actor, company_id=order.company_id):
        raise NotAllowed()
    errors: dict[str, list[str]] = {}
    value = _parse_money(amount, field="amount", errors=errors)
    if not errors and value <= 0:
        errors["amount"] = [_("The amount must be greater than zero.")]
    if errors:
        raise StoreCreditError(errors["amount"][0])
    from orders.services import record_payment

    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=order.company_id)
        locked = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
        if locked.status == OrderStatus.CANCELADO:
            raise StoreCreditError(_("The order is cancelled."))
        balance = store_credit_balance(company)
        if value > balance:
            raise StoreCreditError(
                _("More than the store credit available (%(balance)s %(currency)s).")
                % {"balance": balance, "currency": company.currency}
            )
        if value > locked.balance_due:
            raise StoreCreditError(
                _("More than the order's outstanding amount (%(due)s %(currency)s).")
                % {"due": locked.balance_due, "currency": locked.currency}
            )
        if locked.currency != company.currency:
            raise StoreCreditError(_("The order is in another currency than the store credit."))
        with translation.override(company.language):
            reference = _("Store credit")
        payment = record_payment(
            order=locked,
            actor=None,
            amount=value,
            reference=f"{reference} · {actor_label(actor)}"[:100],
        )
        entry = StoreCreditEntry.objects.create(
            company=company,
            kind=StoreCreditKind.DEBIT,
            amount=-value,
            currency=company.currency,
            order=locked,
            payment=payment,
            actor=user_of(actor),
            actor_label=actor_label(actor)[:200],
        )
    order.refresh_from_db()
    return entry


# --- abuse watch ------------------------------------------------------------------------------


def evaluate_abuse(*, company: Company, now: dt.datetime | None = None) -> AbuseFlag:
    """Count the company's returns over the rolling window (the seller's faults, rejected
    and cancelled returns excluded) against the thresholds; store the answer with its
    figures."""
    from django.db.models import Exists, OuterRef

    now = now or timezone.now()
    days = settings.RETURN_ABUSE_WINDOW_DAYS
    since = now - dt.timedelta(days=days)
    change_of_mind = ReturnLine.objects.filter(
        ret=OuterRef("pk"), reason__applies_category_policy=True
    )
    counted = (
        Return.objects.filter(company=company, created_at__gte=since)
        .exclude(status__in=(ReturnStatus.RECHAZADA, ReturnStatus.CANCELADA))
        .filter(Exists(change_of_mind))
    )
    returns_count = counted.count()
    units_returned = (
        ReturnLine.objects.filter(ret__in=counted, reason__applies_category_policy=True).aggregate(
            s=Sum("quantity")
        )["s"]
        or 0
    )
    units_bought = (
        Order.objects.filter(company=company, created_at__gte=since)
        .exclude(status=OrderStatus.CANCELADO)
        .aggregate(s=Sum("lines__quantity"))["s"]
        or 0
    )
    # Returns of units bought before the window still count against what was bought.
    rate = (
        money(Decimal(units_returned) * 100 / Decimal(units_bought))
        if units_bought
        else (Decimal("100.00") if units_returned else ZERO)
    )
    max_count = settings.RETURN_ABUSE_MAX_RETURNS
    max_rate = Decimal(str(settings.RETURN_ABUSE_MAX_RATE))
    flagged = returns_count >= max_count or (units_returned > 0 and rate >= max_rate)
    previous = AbuseFlag.objects.filter(company=company).first()
    flagged_since = None
    if flagged:
        flagged_since = previous.flagged_since if previous and previous.flagged else now
    flag, _created = AbuseFlag.objects.update_or_create(
        company=company,
        defaults={
            "flagged": flagged,
            "window_days": days,
            "returns_count": returns_count,
            "units_returned": units_returned,
            "units_bought": units_bought,
            "rate": min(rate, Decimal("99999.99")),
            "max_count": max_count,
            "max_rate": max_rate,
            "flagged_since": flagged_since,
            "evaluated_at": now,
        },
    )
    return flag


def evaluate_all_abuse(*, now: dt.datetime | None = None) -> int:
    """The nightly re-evaluation: every company with returns or an existing flag."""
    ids = set(Return.objects.values_list("company_id", flat=True).distinct())
    ids |= set(AbuseFlag.objects.values_list("company_id", flat=True))
    for company in Company.objects.filter(pk__in=ids):
        evaluate_abuse(company=company, now=now)
    return len(ids)


# --- reasons ------------------------------------------------------------------------------

REASON_FIELDS = (
    "code",
    "name",
    "evidence_required",
    "seller_pays_shipping",
    "applies_category_policy",
    "notice_window_days",
    "restocking_fee_applies",
    "active",
    "position",
)


def save_reason(*, actor: Actor, reason: ReturnReason | None = None, **fields) -> ReturnReason:
    """Create or change a return reason and its rules (managers; audited)."""
    if not may_edit_reasons(actor):
        raise NotAllowed(_("Only managers may change the return reasons."))
    unknown = set(fields) - set(REASON_FIELDS)
    if unknown:
        raise InvalidReturn({name: [_("Unknown field.")] for name in sorted(unknown)})
    with transaction.atomic():
        creating = reason is None
        instance = (
            ReturnReason()
            if creating
            else ReturnReason.objects.select_for_update().get(pk=reason.pk)
        )
        before = audit.snapshot(instance, fields=list(REASON_FIELDS)) if not creating else None
        for name, value in fields.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except ValidationError as error:
            raise InvalidReturn(
                {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
            ) from error
        instance.save()
        if creating:
            audit.record_created(actor=actor, instance=instance, fields=list(REASON_FIELDS))
        else:
            audit.record_change(
                actor=actor, instance=instance, before=before, fields=list(REASON_FIELDS)
            )
    if reason is not None:
        reason.refresh_from_db()
        return reason
    return instance
