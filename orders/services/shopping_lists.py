"""Shopping lists: named lists of products and quantities shared by a company's users
(the portal's order pad). Created, renamed, filled (from the catalog, an order or by
SKU), changed and deleted by the company's admins and buyers; viewers only read them.

Every service locks the list (or, to create one, the company) so that two users
editing the same list queue; each change is checked whole before anything is written.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.actors import (
    Actor,
    company_id_of,
    is_active_actor,
    is_api_key,
    is_customer_actor,
    user_of,
)
from core.errors import NotAllowed
from customers.models import Company
from inventory.models import Product
from pricing.selectors import orderable_products

from ..errors import InvalidInput
from ..models import Order, ShoppingList, ShoppingListItem
from ..permissions import customer_may_order
from .quote import MAX_LINE_QUANTITY, _clean_text

#: How many lists a company keeps, and how many products one list holds.
MAX_LISTS = 100
MAX_LIST_ITEMS = 200
NAME_MAX_LENGTH = 80


def may_edit_lists(actor: Actor, company_id: int) -> bool:
    """An active user of the company who may order (admin or buyer)."""
    return bool(
        is_active_actor(actor)
        and is_customer_actor(actor)
        and company_id_of(actor) == company_id
        and customer_may_order(actor)
        and not is_api_key(actor)
    )


def _ensure(actor: Actor, company_id: int) -> None:
    if not may_edit_lists(actor, company_id):
        raise NotAllowed(_("Only the company's administrators and buyers change its lists."))


def _clean_name(name) -> str:
    errors: dict[str, list[str]] = {}
    name = _clean_text(name, field="name", max_length=NAME_MAX_LENGTH, errors=errors, required=True)
    if errors:
        raise InvalidInput(errors)
    return name


def _lock_list(shopping_list: ShoppingList) -> ShoppingList:
    return ShoppingList.objects.select_for_update().get(pk=shopping_list.pk)


def _name_taken() -> InvalidInput:
    return InvalidInput({"name": [_("The company already has a list with this name.")]})


def _save_name(shopping_list: ShoppingList) -> None:
    try:
        with transaction.atomic():
            shopping_list.save()
    except IntegrityError as error:
        raise _name_taken() from error


def create_shopping_list(*, actor: Actor, company: Company, name) -> ShoppingList:
    """A new empty list of ``company`` (names are unique in a company, in any case)."""
    _ensure(actor, company.pk)
    name = _clean_name(name)
    with transaction.atomic():
        Company.objects.select_for_update().filter(pk=company.pk).first()
        if ShoppingList.objects.filter(company=company).count() >= MAX_LISTS:
            raise InvalidInput(
                {"name": [_("A company keeps at most %(max)d lists.") % {"max": MAX_LISTS}]}
            )
        if ShoppingList.objects.filter(company=company, name__iexact=name).exists():
            raise _name_taken()
        shopping_list = ShoppingList(company=company, name=name, created_by=user_of(actor))
        _save_name(shopping_list)
    return shopping_list


def rename_shopping_list(*, actor: Actor, shopping_list: ShoppingList, name) -> ShoppingList:
    """Give the list another name (unique in its company)."""
    _ensure(actor, shopping_list.company_id)
    name = _clean_name(name)
    with transaction.atomic():
        locked = _lock_list(shopping_list)
        taken = ShoppingList.objects.filter(company_id=locked.company_id, name__iexact=name)
        if taken.exclude(pk=locked.pk).exists():
            raise _name_taken()
        locked.name = name
        _save_name(locked)
    return locked


def delete_shopping_list(*, actor: Actor, shopping_list: ShoppingList) -> None:
    """Delete the list and its items."""
    _ensure(actor, shopping_list.company_id)
    with transaction.atomic():
        _lock_list(shopping_list).delete()


def _quantity_problem(quantity) -> str | None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return _("Enter a whole number of units.")
    if quantity < 1 or quantity > MAX_LINE_QUANTITY:
        return _("Enter a quantity from 1 to %(max)d.") % {"max": MAX_LINE_QUANTITY}
    return None


def _check_items(company, items: list[tuple[Product, int]]) -> None:
    """Every quantity in range and every product one the company may buy; else
    ``InvalidInput`` naming each wrong SKU (nothing is written)."""
    problems = []
    for product, quantity in items:
        problem = _quantity_problem(quantity)
        if problem:
            problems.append(f"{product.sku}: {problem}")
    buyable = set(
        orderable_products(company)
        .filter(pk__in=[product.pk for product, _q in items])
        .values_list("pk", flat=True)
    )
    for product, _quantity in items:
        if product.pk not in buyable:
            problems.append(_("%(sku)s is not on sale to your company.") % {"sku": product.sku})
    if problems:
        raise InvalidInput({"items": problems})


def add_to_shopping_list(
    *, actor: Actor, shopping_list: ShoppingList, items: list[tuple[Product, int]]
) -> ShoppingList:
    """Add ``(product, quantity)`` pairs to the list: a product already on it gets the
    quantity added (up to the line limit). All or nothing."""
    _ensure(actor, shopping_list.company_id)
    merged: dict[int, list] = {}
    for product, quantity in items:
        entry = merged.setdefault(product.pk, [product, 0])
        entry[1] = entry[1] + quantity if isinstance(quantity, int) else quantity
    items = [(product, quantity) for product, quantity in merged.values()]
    if not items:
        raise InvalidInput({"items": [_("Choose at least one product.")]})
    _check_items(shopping_list.company, items)
    with transaction.atomic():
        locked = _lock_list(shopping_list)
        existing = {item.product_id: item for item in locked.items.all()}
        new = [(p, q) for p, q in items if p.pk not in existing]
        if len(existing) + len(new) > MAX_LIST_ITEMS:
            raise InvalidInput(
                {"items": [_("A list holds at most %(max)d products.") % {"max": MAX_LIST_ITEMS}]}
            )
        changed = []
        for product, quantity in items:
            item = existing.get(product.pk)
            if item is None:
                continue
            if item.quantity + quantity > MAX_LINE_QUANTITY:
                raise InvalidInput(
                    {
                        "items": [
                            _("%(sku)s: at most %(max)d units in total.")
                            % {"sku": product.sku, "max": MAX_LINE_QUANTITY}
                        ]
                    }
                )
            item.quantity += quantity
            changed.append(item)
        ShoppingListItem.objects.bulk_update(changed, ["quantity"])
        ShoppingListItem.objects.bulk_create(
            [ShoppingListItem(shopping_list=locked, product=p, quantity=q) for p, q in new]
        )
        locked.save(update_fields=["updated_at"])
    return locked


def set_shopping_list_quantities(
    *, actor: Actor, shopping_list: ShoppingList, quantities: dict[int, int]
) -> ShoppingList:
    """Set the quantities of the list's items (``{item id: quantity}``); 0 removes an
    item. An id not on the list, or a quantity out of range, changes nothing."""
    _ensure(actor, shopping_list.company_id)
    with transaction.atomic():
        locked = _lock_list(shopping_list)
        items = {item.pk: item for item in locked.items.select_related("product")}
        problems = []
        for pk, quantity in quantities.items():
            item = items.get(pk)
            if item is None:
                problems.append(_("That product is no longer on the list."))
            elif quantity != 0 and _quantity_problem(quantity):
                problems.append(f"{item.product.sku}: {_quantity_problem(quantity)}")
        if problems:
            raise InvalidInput({"items": problems})
        removed = [pk for pk, quantity in quantities.items() if quantity == 0]
        changed = []
        for pk, quantity in quantities.items():
            if quantity:
                items[pk].quantity = quantity
                changed.append(items[pk])
        ShoppingListItem.objects.filter(pk__in=removed).delete()
        ShoppingListItem.objects.bulk_update(changed, ["quantity"])
        locked.save(update_fields=["updated_at"])
    return locked


def remove_from_shopping_list(*, actor: Actor, shopping_list: ShoppingList, item_id: int) -> None:
    """Take one item off the list (an id not on it changes nothing)."""
    _ensure(actor, shopping_list.company_id)
    with transaction.atomic():
        locked = _lock_list(shopping_list)
        locked.items.filter(pk=item_id).delete()
        locked.save(update_fields=["updated_at"])


def add_order_to_shopping_list(
    *, actor: Actor, shopping_list: ShoppingList, order: Order
) -> tuple[ShoppingList, list[str]]:
    """Add the lines of one of the company's orders to the list; products the company
    can no longer buy are skipped and their SKUs returned."""
    if order.company_id != shopping_list.company_id:
        raise NotAllowed()
    lines = list(order.lines.select_related("product").order_by("position"))
    buyable = set(
        orderable_products(shopping_list.company)
        .filter(pk__in=[line.product_id for line in lines])
        .values_list("pk", flat=True)
    )
    items = [(line.product, line.quantity) for line in lines if line.product_id in buyable]
    skipped = [line.sku for line in lines if line.product_id not in buyable]
    if items:
        shopping_list = add_to_shopping_list(actor=actor, shopping_list=shopping_list, items=items)
    return shopping_list, skipped
