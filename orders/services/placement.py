"""Placing an order: validate, price, reserve, number, auto-hold, events."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from core.actors import (
    Actor,
    company_id_of,
    is_api_key,
    is_customer_actor,
    key_of,
    user_of,
)
from core.numbering import next_sequence_number
from customers.models import Company, PaymentTerms
from inventory import services as inventory

from .. import events
from ..checks import open_exposure
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


def _auto_hold_reasons(order: Order, quote: Quote) -> list[str]:
    reasons = []
    company = quote.company
    threshold = currency_amount("AUTO_HOLD_FIRST_ORDER_ABOVE", order.currency)
    if order.total > threshold and not (
        Order.objects.filter(company=company)
        .exclude(pk=order.pk)
        .exclude(status=OrderStatus.CANCELADO)
        .exists()
    ):
        reasons.append(_("First order of this customer above %(amount)s.") % {"amount": threshold})
    if company.payment_terms != PaymentTerms.PREPAID:
        exposure = open_exposure(company)
        if exposure > company.credit_limit:
            reasons.append(
                _("Over the credit limit: %(exposure)s open of %(limit)s.")
                % {"exposure": exposure, "limit": company.credit_limit}
            )
    if not quote.address_on_file:
        reasons.append(_("Shipping address not on file."))
    return reasons


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
) -> Order:
    """Place an order: validate, price, reserve the stock (all lines or none), number it,
    apply the automatic hold rules, record the events. Raises ``InvalidOrder``,
    ``CouponNotApplicable``, ``InsufficientStock`` (per-line availability),
    ``CustomerBlocked`` or ``NotAllowed``; nothing is written when it raises."""
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
    with transaction.atomic():
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
            customer_discount_percent=company.discount_percent,
            promised_delivery_date=quote.promised_delivery_date,
            **totals.as_dict(),
        )
        order.save()
        allocations = inventory.reserve(
            lines=[(line.product, line.quantity) for line in quote.lines],
            actor=actor,
            reference=order.number,
            reference_object=order,
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
                    vat_rate=line.vat_rate,
                    quantity=line.quantity,
                    line_total=line.line_total,
                    price_source=line.price_source,
                    allocations=by_line.get(index, []),
                )
                for index, line in enumerate(quote.lines)
            ]
        )
        # Hold reasons are notes for staff: written in the seller's language, not in
        # the language of whoever placed the order.
        with translation.override(settings.LANGUAGE_CODE):
            reasons = _auto_hold_reasons(order, quote)
        if reasons:
            order.on_hold = True
            order.hold_reason = "\n".join(reasons)
            order.save()
        events.order_placed_event(order=order, actor=actor)
        events.publish(events.ORDER_CREATED, events.created_payload(order, order_lines))
        if reasons:
            events.order_held_event(order=order, actor=None, note=order.hold_reason, automatic=True)
            events.publish(
                events.ORDER_HELD,
                events.held_payload(order, reasons=reasons, automatic=True, actor=None),
            )
    return order
