"""Placing an order: validate, price, reserve, number, auto-hold, events."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from core.actors import (
    Actor,
    company_id_of,
    is_api_key,
    is_customer_actor,
    key_of,
    user_of,
)
from core.messages import Msg
from core.messages import stored as stored_message
from core.numbering import next_sequence_number
from customers.models import Company, CustomerRole, PaymentTerms
from inventory import services as inventory

from .. import events
from ..checks import PlacementFacts, exposure_and_overdue, preparation_checks
from ..errors import (
    CouponNotApplicable,
    CustomerBlocked,
    InvalidOrder,
    NotAllowed,
)
from ..models import (
    Channel,
    Coupon,
    Order,
    OrderLine,
    OrderStatus,
    ShippingMethod,
)
from ..permissions import may_place
from ..pricing import currency_amount
from .quote import (
    Quote,
    address_snapshot,
    quote_order,
)

ORDER_SERIES = "PED"

# --- placement -------------------------------------------------------------------------


def _company_for(actor, company) -> Company:
    """A customer acts for its own company; the seller's side names the customer."""
    if is_customer_actor(actor):
        if company is not None and getattr(company, "pk", company) != company_id_of(actor):
            raise NotAllowed()
        return actor.company
    if company is None:
        raise InvalidOrder({"customer": [_("Choose the customer.")]})
    return company


def _channel_for(actor) -> str:
    if is_api_key(actor):
        return Channel.API
    if is_customer_actor(actor):
        return Channel.PORTAL
    return Channel.BACKOFFICE


def _auto_hold_reasons(order: Order, quote: Quote) -> tuple[list[Msg], PlacementFacts]:
    """The automatic hold reasons, and the facts the new order's checks reuse."""
    reasons = []
    company = quote.company
    exposure, has_overdue = Decimal("0.00"), False
    threshold = currency_amount("AUTO_HOLD_FIRST_ORDER_ABOVE", order.currency)
    if order.total > threshold and not (
        Order.objects.filter(company=company)
        .exclude(pk=order.pk)
        .exclude(status=OrderStatus.CANCELADO)
        .exists()
    ):
        reasons.append(Msg("order.hold.first_order", amount=threshold))
    if company.payment_terms != PaymentTerms.PREPAID:
        exposure, has_overdue = exposure_and_overdue(company)
        if exposure > company.credit_limit:
            reasons.append(
                Msg("order.hold.credit_limit", exposure=exposure, limit=company.credit_limit)
            )
    if not quote.address_on_file:
        reasons.append(Msg("order.hold.address_not_on_file"))
    return reasons, PlacementFacts(exposure=exposure, has_overdue=has_overdue)


def needs_approval(user, total: Decimal, *, company: Company) -> bool:
    """Whether an order of ``total`` placed by ``user`` waits for a company admin's
    approval: a buyer (not an admin) of ``company`` with an order limit below it."""
    return bool(
        user is not None
        and user.company_id == company.pk
        and user.role == CustomerRole.BUYER
        and user.order_limit is not None
        and total > user.order_limit
    )


def _short_allowed(company: Company, quote: Quote, allow_backorder) -> bool | set[int]:
    """The product ids ``inventory.reserve`` may reserve short (backorder) of."""
    if not allow_backorder or not company.allows_backorders:
        return False
    if allow_backorder is True:
        return True
    skus = {str(sku).upper() for sku in allow_backorder}
    return {line.product.pk for line in quote.lines if line.sku.upper() in skus}


def _prime(order: Order, lines: list[OrderLine], facts: PlacementFacts) -> None:
    """Give the new order what its answer reads (lines, no payments, events or
    documents yet, its checks), so that the API answers without reading it back."""
    cache = {}
    for name, rows in (("lines", lines), ("payments", []), ("events", [])):
        queryset = getattr(order, name).all()
        queryset._result_cache = list(rows)
        queryset._prefetch_done = True
        cache[name] = queryset
    order._prefetched_objects_cache = cache
    order.__dict__["_documents"] = []
    order.__dict__["_checklist"] = preparation_checks(order, facts)


def place_order(
    *,
    actor: Actor,
    lines,
    company: Company | None = None,
    po_number: str = "",
    shipping_method: str = ShippingMethod.STANDARD,
    shipping_address=None,
    notes: str = "",
    coupon: str | Coupon | None = None,
    channel: str | None = None,
    savepoint: bool = True,
    allow_backorder: bool | Collection[str] = False,
) -> Order:
    """Place an order: validate, price, reserve the stock (all lines or none), number it,
    apply the automatic hold rules, record the events. Raises ``InvalidOrder``,
    ``CouponNotApplicable``, ``InsufficientStock`` (per-line availability),
    ``CustomerBlocked`` or ``NotAllowed``; nothing is written when it raises.

    ``savepoint=False`` spares the savepoint when nested in a transaction that fails as
    a whole if this call fails (the API's write transaction: a refused order rolls the
    request back); then the caller's transaction is unusable after an error here.

    ``allow_backorder`` (True, or the SKUs it allows) places the units over what is
    available as backorders when the company allows them (``Company.allows_backorders``;
    otherwise it is ignored and a short line raises ``InsufficientStock``): the line's
    ``backordered_quantity``, reserved when stock is received (``orders.backorders``).

    An order of a buyer above their ``order_limit`` waits for a company admin's
    approval (``awaiting_approval``, ``orders.services.approvals``).

    The order returned carries what its answer shows (lines, checks, no payments or
    documents yet), so the API answers it without reading it back."""
    company = _company_for(actor, company)
    if not may_place(actor, company_id=company.pk):
        raise NotAllowed()
    if company.is_blocked:
        raise CustomerBlocked()
    quote = quote_order(
        company=company,
        lines=lines,
        shipping_method=shipping_method,
        shipping_address=shipping_address,
        coupon=coupon,
        po_number=po_number,
        notes=notes,
    )
    user = user_of(actor)
    with transaction.atomic(savepoint=savepoint):
        totals = quote.totals
        order = Order(
            number=next_sequence_number(ORDER_SERIES),
            company=company,
            placed_by=user,
            api_key=key_of(actor),
            channel=channel or _channel_for(actor),
            po_number=quote.po_number,
            shipping_method=quote.shipping_method,
            shipping_address=quote.shipping_address,
            shipping_address_on_file=quote.address_on_file,
            billing_address={
                "legal_name": company.legal_name,
                "tax_id": company.tax_id,
                "email": company.email,
                "phone": company.phone,
                **address_snapshot(company),
            },
            notes=quote.notes,
            coupon=quote.coupon,
            currency=company.currency,
            fiscal_position=quote.fiscal_position,
            seller_vat_number=quote.seller_vat_number,
            customer_vat_number=quote.customer_vat_number,
            customer_discount_percent=company.discount_percent,
            promised_delivery_date=quote.promised_delivery_date,
            **totals.as_dict(),
        )
        order.awaiting_approval = needs_approval(user, order.total, company=company)
        order.save()
        allocations = inventory.reserve(
            lines=[(line.product, line.quantity) for line in quote.lines],
            actor=actor,
            reference=order.number,
            reference_object=order,
            savepoint=savepoint,
            short_allowed=_short_allowed(company, quote, allow_backorder),
        )
        if quote.coupon is not None:
            redeemed = (
                Coupon.objects.filter(pk=quote.coupon.pk, active=True)
                .filter(Q(usage_limit__isnull=True) | Q(times_used__lt=F("usage_limit")))
                .update(times_used=F("times_used") + 1)
            )
            if not redeemed:
                raise CouponNotApplicable(
                    _("The coupon %(code)s has been used up.") % {"code": quote.coupon.code}
                )
        by_line: dict[int, list[dict]] = {}
        for allocation in allocations:
            by_line.setdefault(allocation.line, []).append(
                {
                    "warehouse": allocation.warehouse_code,
                    "warehouse_id": allocation.warehouse_id,
                    "product_id": allocation.product_id,
                    "quantity": allocation.quantity,
                }
            )
        order_lines = OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    position=index + 1,
                    product=line.product,
                    sku=line.sku,
                    name=line.name,
                    list_price=line.list_price,
                    unit_price=line.unit_price,
                    tax_category=line.tax_category,
                    vat_rate=line.vat_rate,
                    quantity=line.quantity,
                    line_total=line.line_total,
                    price_source=line.price_source,
                    allocations=by_line.get(index, []),
                    backordered_quantity=line.quantity
                    - sum(a["quantity"] for a in by_line.get(index, [])),
                )
                for index, line in enumerate(quote.lines)
            ]
        )
        # Hold reasons are stored as messages: each reader sees them in their language.
        reasons, facts = _auto_hold_reasons(order, quote)
        if reasons:
            order.on_hold = True
            order.hold_messages = stored_message(reasons)
            order.save(update_fields=["on_hold", "hold_messages", "updated_at"])
        events.order_placed_event(order=order, actor=actor)
        events.publish(events.ORDER_CREATED, events.created_payload(order, order_lines))
        if order.awaiting_approval:
            events.order_approval_requested_event(order=order, actor=actor)
            events.publish(
                events.ORDER_APPROVAL_REQUESTED, events.approval_requested_payload(order)
            )
        if reasons:
            events.order_held_event(order=order, actor=None, reasons=reasons, automatic=True)
            events.publish(
                events.ORDER_HELD,
                events.held_payload(order, reasons=reasons, automatic=True, actor=None),
            )
    _prime(order, order_lines, facts)
    return order
