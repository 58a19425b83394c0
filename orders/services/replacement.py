"""A replacement order: the goods of a return sent again at zero price.

It is a normal order (stock reserved now, the usual lifecycle, its own documents),
placed by the system for the customer of ``source_order``, to the same shipping
address, with every amount zero; ``returns.services.resolve_return`` links it to the
return. Nothing is charged, so no coupon, no shipping and no automatic hold apply.
"""

from __future__ import annotations

from django.db import transaction

from core.actors import Actor
from core.money import ZERO
from core.numbering import next_sequence_number
from inventory import services as inventory

from .. import events
from ..models import Channel, Order, OrderLine, PaymentStatus
from .placement import ORDER_SERIES


def place_replacement_order(*, actor: Actor, source_order: Order, lines, notes: str = "") -> Order:
    """Place a zero-price order of ``lines`` (``[(product, quantity)]``) for the customer
    of ``source_order``; ``InsufficientStock`` when the units are not available."""
    lines = [(product, int(quantity)) for product, quantity in lines if int(quantity) > 0]
    if not lines:
        raise ValueError("A replacement order needs at least one unit")
    company = source_order.company
    by_product = {line.product_id: line for line in source_order.lines.all()}
    with transaction.atomic():
        order = Order(
            number=next_sequence_number(ORDER_SERIES),
            company=company,
            channel=Channel.BACKOFFICE,
            po_number=source_order.po_number,
            shipping_method=source_order.shipping_method,
            shipping_address=source_order.shipping_address,
            shipping_address_on_file=source_order.shipping_address_on_file,
            billing_address=source_order.billing_address,
            notes=notes[:2000],
            currency=source_order.currency,
            customer_discount_percent=source_order.customer_discount_percent,
            subtotal=ZERO,
            discount=ZERO,
            tax=ZERO,
            shipping=ZERO,
            total=ZERO,
            payment_status=PaymentStatus.PAID,
            promised_delivery_date=None,
        )
        order.save()
        allocations = inventory.reserve(
            lines=lines, actor=actor, reference=order.number, reference_object=order
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
                    product=product,
                    sku=product.sku,
                    name=by_product[product.pk].name if product.pk in by_product else product.name,
                    list_price=ZERO,
                    unit_price=ZERO,
                    vat_rate=(
                        by_product[product.pk].vat_rate
                        if product.pk in by_product
                        else product.vat_rate
                    ),
                    quantity=quantity,
                    line_total=ZERO,
                    allocations=by_line.get(index, []),
                )
                for index, (product, quantity) in enumerate(lines)
            ]
        )
        events.order_placed_event(order=order, actor=actor)
        events.publish(events.ORDER_CREATED, events.created_payload(order, order_lines))
    return order
