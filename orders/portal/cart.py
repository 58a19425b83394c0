"""The portal's cart: ``{sku: quantity}`` in the session (nothing is reserved until the
order is placed)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..services import MAX_LINE_QUANTITY

SESSION_KEY = "orders_cart"
MAX_ITEMS = 200


def get(request) -> dict[str, int]:
    cart = request.session.get(SESSION_KEY) or {}
    return {str(k): int(v) for k, v in cart.items() if isinstance(v, int) and v > 0}


def save(request, cart: dict[str, int]) -> None:
    request.session[SESSION_KEY] = dict(list(cart.items())[:MAX_ITEMS])


def add(request, items: dict[str, int]) -> list[str]:
    """Add ``items`` to what is in the cart, all or nothing: the errors when a product
    would go over the units one order line may have (``MAX_LINE_QUANTITY``, the limit
    placing the order applies) or the cart over ``MAX_ITEMS`` products."""
    cart = get(request)
    for sku, qty in items.items():
        cart[sku] = cart.get(sku, 0) + qty
    errors = [
        _("%(sku)s: at most %(max)d units in total.") % {"sku": sku, "max": MAX_LINE_QUANTITY}
        for sku in items
        if cart[sku] > MAX_LINE_QUANTITY
    ]
    if len(cart) > MAX_ITEMS:
        errors.append(_("The cart holds at most %(max)d products.") % {"max": MAX_ITEMS})
    if not errors:
        save(request, cart)
    return errors


def clear(request) -> None:
    request.session.pop(SESSION_KEY, None)


def as_lines(cart: dict[str, int]) -> list[dict]:
    return [{"sku": sku, "quantity": qty} for sku, qty in cart.items()]
