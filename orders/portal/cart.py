"""The portal's cart: ``{sku: quantity}`` in the session (nothing is reserved until the
order is placed)."""

from __future__ import annotations

SESSION_KEY = "orders_cart"
MAX_ITEMS = 200


def get(request) -> dict[str, int]:
    cart = request.session.get(SESSION_KEY) or {}
    return {str(k): int(v) for k, v in cart.items() if isinstance(v, int) and v > 0}


def save(request, cart: dict[str, int]) -> None:
    request.session[SESSION_KEY] = dict(list(cart.items())[:MAX_ITEMS])


def add(request, items: dict[str, int]) -> None:
    cart = get(request)
    for sku, qty in items.items():
        cart[sku] = cart.get(sku, 0) + qty
    save(request, cart)


def clear(request) -> None:
    request.session.pop(SESSION_KEY, None)


def as_lines(cart: dict[str, int]) -> list[dict]:
    return [{"sku": sku, "quantity": qty} for sku, qty in cart.items()]
