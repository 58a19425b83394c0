"""The portal's cart: ``CartLine`` rows per user, so a cart lasts across sign-ins and
devices (nothing is reserved until the order is placed).

The stable API other portal pages use (the order pad, shopping lists):

- ``add(request_or_user, product, quantity)``: add units of one product (a ``Product``
  or its SKU); returns the error messages (empty: added);
- ``add_items(request_or_user, {sku: quantity})``: several at once, all or nothing;
- ``count(user)``: how many products are in the cart (one COUNT, cached on the user
  for the request, so the menu badge and the page share it);
- ``lines(user)``: the ``CartLine`` rows with their products, oldest first.

The session cart of earlier versions (``{sku: quantity}`` under ``SESSION_KEY``) is
moved into the user's rows at sign-in (``migrate_session``).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from inventory.models import Product
from pricing.resolution import resolve_prices

from ..models import CartLine
from ..services import MAX_LINE_QUANTITY

SESSION_KEY = "orders_cart"
MAX_ITEMS = 200
_COUNT_CACHE = "_cart_count"


def _user_of(request_or_user):
    return getattr(request_or_user, "user", request_or_user)


def _forget_count(user) -> None:
    user.__dict__.pop(_COUNT_CACHE, None)


def count(user) -> int:
    """The number of products in ``user``'s cart (0 for anyone without a company)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "company_id", None):
        return 0
    cached = user.__dict__.get(_COUNT_CACHE)
    if cached is None:
        cached = user.__dict__[_COUNT_CACHE] = CartLine.objects.filter(user=user).count()
    return cached


def lines(user) -> list[CartLine]:
    """The cart's rows, oldest first, with their products (one query)."""
    rows = list(CartLine.objects.filter(user=user).select_related("product").order_by("id"))
    user.__dict__[_COUNT_CACHE] = len(rows)
    return rows


def get(request_or_user) -> dict[str, int]:
    """The cart as ``{sku: quantity}``, oldest line first."""
    return {line.product.sku: line.quantity for line in lines(_user_of(request_or_user))}


def add(request_or_user, product, quantity: int) -> list[str]:
    """Add ``quantity`` units of ``product`` (a ``Product`` or a SKU) to the cart."""
    sku = product.sku if isinstance(product, Product) else str(product)
    return add_items(request_or_user, {sku: quantity})


def add_items(request_or_user, items: dict[str, int]) -> list[str]:
    """Add ``items`` (``{sku: quantity}``, active products) to what is in the cart, all
    or nothing: the errors when a product would go over the units one order line may
    have (``MAX_LINE_QUANTITY``, the limit placing the order applies), the cart over
    ``MAX_ITEMS`` products, a quantity below 1 or an unknown or inactive SKU."""
    user = _user_of(request_or_user)
    errors = []
    for sku, quantity in items.items():
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            errors.append(_("%(sku)s: enter a whole number of units.") % {"sku": sku})
    if errors:
        return errors
    with transaction.atomic():
        products = {p.sku: p for p in Product.objects.filter(sku__in=list(items), active=True)}
        errors = [_("Unknown SKU: %(sku)s.") % {"sku": sku} for sku in items if sku not in products]
        if errors:
            return errors
        # The user's rows locked: two tabs adding at once do not lose units.
        existing = {
            line.product_id: line
            for line in CartLine.objects.select_for_update().filter(user=user).order_by("id")
        }
        errors = [
            _("%(sku)s: at most %(max)d units in total.") % {"sku": sku, "max": MAX_LINE_QUANTITY}
            for sku, quantity in items.items()
            if quantity
            + (existing[products[sku].pk].quantity if products[sku].pk in existing else 0)
            > MAX_LINE_QUANTITY
        ]
        new = [products[sku] for sku in items if products[sku].pk not in existing]
        if len(existing) + len(new) > MAX_ITEMS:
            errors.append(_("The cart holds at most %(max)d products.") % {"max": MAX_ITEMS})
        if errors:
            return errors
        # The prices the buyer sees now, for the new quantities (the review shows a
        # change from these).
        totals = {
            products[sku]: quantity
            + (existing[products[sku].pk].quantity if products[sku].pk in existing else 0)
            for sku, quantity in items.items()
        }
        prices = resolve_prices(user.company, list(totals.items())) if user.company_id else {}
        for sku, quantity in items.items():
            line = existing.get(products[sku].pk)
            resolved = prices.get(products[sku].pk)
            price = resolved.unit_price if resolved is not None and resolved.orderable else None
            if line is not None:
                CartLine.objects.filter(pk=line.pk).update(
                    quantity=F("quantity") + quantity, unit_price=price
                )
        CartLine.objects.bulk_create(
            [
                CartLine(
                    user=user,
                    product=product,
                    quantity=items[product.sku],
                    unit_price=_price(prices, product),
                )
                for product in new
            ]
        )
    _forget_count(user)
    return []


def _price(prices, product):
    resolved = prices.get(product.pk)
    return resolved.unit_price if resolved is not None and resolved.orderable else None


def set_quantities(request_or_user, quantities: dict[int, int]) -> None:
    """Set the quantity of the cart's lines by product id (0 removes the line)."""
    user = _user_of(request_or_user)
    with transaction.atomic():
        for product_id, quantity in quantities.items():
            rows = CartLine.objects.filter(user=user, product_id=product_id)
            if quantity <= 0:
                rows.delete()
            else:
                rows.update(quantity=min(quantity, MAX_LINE_QUANTITY))
    _forget_count(user)


def set_backorder(request_or_user, product_id: int, backorder: bool) -> None:
    """Keep (or not) the units over the available stock of one line as a backorder."""
    user = _user_of(request_or_user)
    CartLine.objects.filter(user=user, product_id=product_id).update(backorder=bool(backorder))


def remember_prices(request_or_user, prices: dict[int, object]) -> None:
    """Store the unit prices the buyer has just seen (``{cart line id: price}``), so the
    next review shows only the changes after this one. Only the user's own lines."""
    user = _user_of(request_or_user)
    rows = CartLine.objects.filter(user=user, pk__in=list(prices))
    changed = [row for row in rows if row.unit_price != prices[row.pk]]
    for row in changed:
        row.unit_price = prices[row.pk]
    if changed:
        CartLine.objects.bulk_update(changed, ["unit_price"])


def remove(request_or_user, product) -> None:
    """Take one product (a ``Product``, its id or its SKU) out of the cart."""
    user = _user_of(request_or_user)
    rows = CartLine.objects.filter(user=user)
    if isinstance(product, Product):
        rows = rows.filter(product=product)
    elif isinstance(product, int):
        rows = rows.filter(product_id=product)
    else:
        rows = rows.filter(product__sku=str(product))
    rows.delete()
    _forget_count(user)


def clear(request_or_user) -> None:
    user = _user_of(request_or_user)
    CartLine.objects.filter(user=user).delete()
    _forget_count(user)
    session = getattr(request_or_user, "session", None)
    if session is not None:
        session.pop(SESSION_KEY, None)


def migrate_session(request) -> None:
    """Move a session cart of earlier versions into the user's cart rows (at sign-in);
    products no longer sold and quantities that would go over the limits are dropped."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return
    stored = session.pop(SESSION_KEY) or {}
    user = request.user
    if not getattr(user, "company_id", None):
        return
    items = {
        str(sku): qty
        for sku, qty in stored.items()
        if isinstance(qty, int) and not isinstance(qty, bool) and 0 < qty <= MAX_LINE_QUANTITY
    }
    active = set(
        Product.objects.filter(sku__in=list(items), active=True).values_list("sku", flat=True)
    )
    for sku, qty in list(items.items())[:MAX_ITEMS]:
        if sku in active:
            add_items(user, {sku: qty})  # one by one: one over the limit drops alone


def as_lines(cart: dict[str, int]) -> list[dict]:
    return [{"sku": sku, "quantity": qty} for sku, qty in cart.items()]
