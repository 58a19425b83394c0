"""The only code that writes pricing rows: price lists, prices (list prices and
quantity breaks), a company's list and its contract prices. Keyword-only arguments,
``actor=`` on every write, one transaction each, domain errors, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.actors import Actor
from customers.models import Company, Currency
from inventory.models import Product
from inventory.permissions import ensure_can_edit_catalog

from .errors import CatalogPriceIsProductPrice, InvalidPriceList, InvalidPrices, TooManyPrices
from .models import ContractPrice, CustomerPricing, Price, PriceList
from .permissions import ensure_can_edit_prices

#: Most items one upsert (API call or CSV file) may carry.
MAX_PRICES = 1000
MAX_PRICE = Decimal("9999999999.99")
PRICE_LIST_FIELDS = ["code", "name", "currency", "is_default", "valid_from", "valid_to", "active"]
CONTRACT_FIELDS = ["company", "product", "price", "valid_from", "valid_to"]


# --- price lists -------------------------------------------------------------------------


def _check_price_list(price_list: PriceList, *, was_catalog: bool) -> None:
    if price_list.currency not in Currency.values:
        raise InvalidPriceList(
            _("Unknown currency: %(currency)s. Use one of: %(choices)s.")
            % {"currency": price_list.currency, "choices": ", ".join(Currency.values)},
            field="currency",
        )
    if (
        price_list.valid_from is not None
        and price_list.valid_to is not None
        and price_list.valid_to < price_list.valid_from
    ):
        raise InvalidPriceList(
            _("The list cannot end before it starts: its validity windows would overlap."),
            field="valid_to",
        )
    if was_catalog != price_list.is_catalog_list:
        # The default EUR list reads its base prices from the products: it stays the
        # default, and no other list takes its place.
        raise InvalidPriceList(
            _(
                "The default EUR list holds the catalog prices (the products' unit "
                "prices): it stays the EUR default."
            ),
            field="is_default",
        )
    if price_list.is_default:
        other = (
            PriceList.objects.select_for_update()
            .filter(currency=price_list.currency, is_default=True)
            .exclude(pk=price_list.pk)
            .first()
        )
        if other is not None:
            # One default per currency: the new default takes over.
            before = audit.snapshot(other, fields=["is_default"])
            other.is_default = False
            other.save(update_fields=["is_default", "updated_at"])
            audit.record_change(actor=None, instance=other, before=before)
    price_list.full_clean()


@transaction.atomic
def create_price_list(
    *,
    actor: Actor,
    code: str,
    name: str,
    currency: str,
    is_default: bool = False,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    active: bool = True,
) -> PriceList:
    """A new price list (empty). Becoming its currency's default demotes the former one
    (never the default EUR list: it holds the catalog prices)."""
    ensure_can_edit_prices(actor)
    price_list = PriceList(
        code=(code or "").strip().upper(),
        name=(name or "").strip(),
        currency=currency,
        is_default=is_default,
        valid_from=valid_from,
        valid_to=valid_to,
        active=active,
    )
    _check_price_list(price_list, was_catalog=False)
    price_list.save()
    audit.record_created(actor=actor, instance=price_list, fields=PRICE_LIST_FIELDS)
    return price_list


@transaction.atomic
def update_price_list(*, price_list: PriceList, actor: Actor, **fields: Any) -> PriceList:
    """Change a list's fields (``code`` and ``currency`` included while nothing uses
    them: a list with prices or customers keeps its currency)."""
    ensure_can_edit_prices(actor)
    price_list = PriceList.objects.select_for_update().get(pk=price_list.pk)
    before = audit.snapshot(price_list, fields=PRICE_LIST_FIELDS)
    was_catalog = price_list.is_catalog_list
    unknown = set(fields) - set(PRICE_LIST_FIELDS)
    if unknown:
        raise TypeError(f"unknown price list fields: {sorted(unknown)}")
    if "code" in fields:
        fields["code"] = (fields["code"] or "").strip().upper()
    new_currency = fields.get("currency", price_list.currency)
    if new_currency != price_list.currency and (
        price_list.prices.exists() or price_list.assignments.exists() or was_catalog
    ):
        raise InvalidPriceList(
            _("A list with prices or customers keeps its currency."), field="currency"
        )
    for name, value in fields.items():
        setattr(price_list, name, value)
    _check_price_list(price_list, was_catalog=was_catalog)
    price_list.save()
    audit.record_change(actor=actor, instance=price_list, before=before)
    return price_list


# --- prices --------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceItem:
    """One price to upsert: ``sku``, ``price``, ``min_quantity`` (1 = list price)."""

    sku: Any
    price: Any
    min_quantity: Any = 1


@dataclass(frozen=True)
class UpsertResult:
    #: ``(sku, min_quantity)`` of the prices created, changed and sent unchanged
    created: list[tuple[str, int]]
    updated: list[tuple[str, int]]
    unchanged: list[tuple[str, int]]


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool | float):
        return None
    try:
        number = Decimal(str(value).strip()) if value is not None else None
    except (InvalidOperation, ValueError):
        return None
    if number is None or not number.is_finite():
        return None
    return number


def clean_price(value, problems: dict, field: str = "price") -> Decimal | None:
    """A positive amount with at most 2 decimals, or None with ``problems[field]`` set."""
    number = _decimal(value)
    if number is None and isinstance(value, str) and "," in value:
        problems[field] = [
            _("Write the amount with a decimal point, without thousands separators: 12.50.")
        ]
        return None
    if number is None:
        problems[field] = [_("Enter a number with a decimal point, e.g. 12.50.")]
        return None
    if number <= 0:
        problems[field] = [_("The price must be greater than zero.")]
        return None
    if number > MAX_PRICE or number.as_tuple().exponent < -2:
        problems[field] = [_("At most 10 digits before the decimal point and 2 after it.")]
        return None
    return number


def _clean_quantity(value, problems: dict) -> int | None:
    if value in (None, ""):
        return 1
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        number = None
    if number is None or number < 1 or number > 1_000_000:
        problems["min_quantity"] = [_("Enter a whole number of units from 1.")]
        return None
    return number


def _item(item) -> tuple[Any, Any, Any]:
    if isinstance(item, PriceItem):
        return item.sku, item.price, item.min_quantity
    if isinstance(item, Mapping):
        return item.get("sku"), item.get("price"), item.get("min_quantity")
    return None, None, None


def _products_by_sku(skus) -> dict[str, Product]:
    skus = {s for s in skus if isinstance(s, str) and s}
    return {p.sku: p for p in Product.objects.filter(sku__in=skus)}


@transaction.atomic
def upsert_prices(
    *, price_list: PriceList, actor: Actor, items: Sequence[PriceItem | Mapping]
) -> UpsertResult:
    """Create or update the prices of ``price_list`` by (SKU, ``min_quantity``), all or
    nothing: every item is checked first (known SKU, price > 0, quantity >= 1, no pair
    twice), then written. In the default EUR list a ``min_quantity`` 1 price is the
    product's ``unit_price`` (written there; catalog editors only). Raises
    ``InvalidPrices`` (errors per 0-based item index) or ``TooManyPrices``."""
    ensure_can_edit_prices(actor)
    if len(items) > MAX_PRICES:
        raise TooManyPrices(count=len(items), limit=MAX_PRICES)
    if not items:
        raise InvalidPrices({}, _("Send at least one price."))
    price_list = PriceList.objects.select_for_update().get(pk=price_list.pk)
    raw = [_item(item) for item in items]
    products = _products_by_sku(str(sku).strip() for sku, _p, _q in raw if sku is not None)
    errors: dict[int, dict[str, list[str]]] = {}
    cleaned: list[tuple[Product, Decimal, int]] = []
    seen: dict[tuple[int, int], int] = {}
    for index, (sku, price, quantity) in enumerate(raw):
        problems: dict[str, list[str]] = {}
        sku = sku.strip() if isinstance(sku, str) else ""
        product = products.get(sku)
        if not sku:
            problems["sku"] = [_("Enter a SKU.")]
        elif product is None:
            problems["sku"] = [_("Unknown SKU: %(sku)s.") % {"sku": sku[:64]}]
        amount = clean_price(price, problems)
        min_quantity = _clean_quantity(quantity, problems)
        if product is not None and min_quantity is not None:
            key = (product.pk, min_quantity)
            if key in seen:
                problems["sku"] = [
                    _("%(sku)s from %(quantity)d units appears more than once (item %(item)d).")
                    % {"sku": sku, "quantity": min_quantity, "item": seen[key]}
                ]
            seen.setdefault(key, index)
        if problems:
            errors[index] = problems
        else:
            cleaned.append((product, amount, min_quantity))
    if errors:
        raise InvalidPrices(errors)

    catalog = [(p, a) for p, a, q in cleaned if q == 1 and price_list.is_catalog_list]
    stored = [(p, a, q) for p, a, q in cleaned if not (q == 1 and price_list.is_catalog_list)]
    created, updated, unchanged = [], [], []
    if catalog:
        ensure_can_edit_catalog(actor)
        locked = {
            p.pk: p
            for p in Product.objects.select_for_update().filter(pk__in=[p.pk for p, _a in catalog])
        }
        for product, amount in catalog:
            product = locked[product.pk]
            if product.unit_price == amount:
                unchanged.append((product.sku, 1))
                continue
            before = audit.snapshot(product, fields=["unit_price"])
            product.unit_price = amount
            product.save(update_fields=["unit_price", "updated_at"])
            audit.record_change(actor=actor, instance=product, before=before)
            updated.append((product.sku, 1))
    existing = {
        (price.product_id, price.min_quantity): price
        for price in Price.objects.select_for_update().filter(
            price_list=price_list, product_id__in=[p.pk for p, _a, _q in stored]
        )
    }
    for product, amount, min_quantity in stored:
        price = existing.get((product.pk, min_quantity))
        if price is None:
            price = Price.objects.create(
                price_list=price_list, product=product, min_quantity=min_quantity, price=amount
            )
            audit.record_created(
                actor=actor, instance=price, fields=["product", "min_quantity", "price"]
            )
            created.append((product.sku, min_quantity))
        elif price.price == amount:
            unchanged.append((product.sku, min_quantity))
        else:
            before = audit.snapshot(price, fields=["price"])
            price.price = amount
            price.save(update_fields=["price", "updated_at"])
            audit.record_change(actor=actor, instance=price, before=before)
            updated.append((product.sku, min_quantity))
    price_list.save(update_fields=["updated_at"])
    return UpsertResult(created=created, updated=updated, unchanged=unchanged)


@transaction.atomic
def delete_price(*, price: Price, actor: Actor) -> None:
    ensure_can_edit_prices(actor)
    audit.record_deleted(actor=actor, instance=price, fields=["product", "min_quantity", "price"])
    price.delete()


def ensure_not_catalog_price(price_list: PriceList, min_quantity: int) -> None:
    if price_list.is_catalog_list and min_quantity == 1:
        raise CatalogPriceIsProductPrice()


# --- a company's list ------------------------------------------------------------------


@transaction.atomic
def set_company_price_list(
    *, company: Company, price_list: PriceList | None, actor: Actor
) -> CustomerPricing:
    """Assign ``price_list`` (None: the default of its currency) to ``company``. The list
    must be in the company's currency."""
    ensure_can_edit_prices(actor)
    if price_list is not None and price_list.currency != company.currency:
        raise InvalidPriceList(
            _("The list %(code)s is in %(list)s; the company buys in %(company)s.")
            % {"code": price_list.code, "list": price_list.currency, "company": company.currency},
            field="price_list",
        )
    pricing, _created = CustomerPricing.objects.select_for_update().get_or_create(company=company)
    before = audit.snapshot(pricing, fields=["price_list"])
    if pricing.price_list_id != (price_list.pk if price_list else None):
        pricing.price_list = price_list
        pricing.save()
        audit.record_change(actor=actor, instance=pricing, before=before)
    return pricing


# --- contract prices ---------------------------------------------------------------------


@dataclass(frozen=True)
class ContractItem:
    sku: Any
    price: Any
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


def _overlaps(a_from, a_to, b_from, b_to) -> bool:
    start_a = a_from or dt.date.min
    end_a = a_to or dt.date.max
    start_b = b_from or dt.date.min
    end_b = b_to or dt.date.max
    return start_a <= end_b and start_b <= end_a


def _window_text(valid_from, valid_to) -> str:
    start = valid_from.isoformat() if valid_from else "…"
    end = valid_to.isoformat() if valid_to else "…"
    return f"{start} - {end}"


def _contract_item(item) -> tuple:
    if isinstance(item, ContractItem):
        return item.sku, item.price, item.valid_from, item.valid_to
    if isinstance(item, Mapping):
        return item.get("sku"), item.get("price"), item.get("valid_from"), item.get("valid_to")
    return None, None, None, None


def _clean_date(value, field: str, problems: dict) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems[field] = [_("Enter a date as YYYY-MM-DD.")]
    return None


@transaction.atomic
def upsert_contract_prices(
    *, company: Company, actor: Actor, items: Sequence[ContractItem | Mapping]
) -> UpsertResult:
    """Create or update ``company``'s contract prices, all or nothing. An item matches
    the contract price of the same SKU and ``valid_from``; otherwise it is new. Two
    contract prices of one product may not overlap in time (nor do items of one
    batch). Raises ``InvalidPrices`` (errors per 0-based item index) or
    ``TooManyPrices``."""
    ensure_can_edit_prices(actor)
    if len(items) > MAX_PRICES:
        raise TooManyPrices(count=len(items), limit=MAX_PRICES)
    if not items:
        raise InvalidPrices({}, _("Send at least one price."))
    Company.objects.select_for_update().filter(pk=company.pk).first()  # serialises writers
    raw = [_contract_item(item) for item in items]
    products = _products_by_sku(str(r[0]).strip() for r in raw if r[0] is not None)
    current: dict[int, list[ContractPrice]] = {}
    for contract in ContractPrice.objects.filter(
        company=company, product__in=list(products.values())
    ):
        current.setdefault(contract.product_id, []).append(contract)
    errors: dict[int, dict[str, list[str]]] = {}
    plan: list[tuple[ContractPrice | None, Product, Decimal, Any, Any]] = []
    batch_windows: dict[int, list[tuple[Any, Any, int]]] = {}
    for index, (sku, price, valid_from, valid_to) in enumerate(raw):
        problems: dict[str, list[str]] = {}
        sku = sku.strip() if isinstance(sku, str) else ""
        product = products.get(sku)
        if not sku:
            problems["sku"] = [_("Enter a SKU.")]
        elif product is None:
            problems["sku"] = [_("Unknown SKU: %(sku)s.") % {"sku": sku[:64]}]
        amount = clean_price(price, problems)
        valid_from = _clean_date(valid_from, "valid_from", problems)
        valid_to = _clean_date(valid_to, "valid_to", problems)
        if valid_from and valid_to and valid_to < valid_from:
            problems["valid_to"] = [_("The end cannot be before the start.")]
        if product is not None and not problems:
            match = next(
                (c for c in current.get(product.pk, []) if c.valid_from == valid_from), None
            )
            for other in current.get(product.pk, []):
                if other is not match and _overlaps(
                    valid_from, valid_to, other.valid_from, other.valid_to
                ):
                    problems["valid_from"] = [
                        _("It overlaps the contract price of %(sku)s valid %(window)s.")
                        % {"sku": sku, "window": _window_text(other.valid_from, other.valid_to)}
                    ]
                    break
            for b_from, b_to, b_index in batch_windows.get(product.pk, []):
                if _overlaps(valid_from, valid_to, b_from, b_to):
                    problems["valid_from"] = [
                        _("It overlaps item %(item)d (the same SKU).") % {"item": b_index}
                    ]
                    break
            batch_windows.setdefault(product.pk, []).append((valid_from, valid_to, index))
            if not problems:
                plan.append((match, product, amount, valid_from, valid_to))
        if problems:
            errors[index] = problems
    if errors:
        raise InvalidPrices(errors)
    created, updated, unchanged = [], [], []
    for match, product, amount, valid_from, valid_to in plan:
        if match is None:
            contract = ContractPrice.objects.create(
                company=company,
                product=product,
                price=amount,
                valid_from=valid_from,
                valid_to=valid_to,
            )
            audit.record_created(actor=actor, instance=contract, fields=CONTRACT_FIELDS)
            created.append((product.sku, 1))
        elif match.price == amount and match.valid_to == valid_to:
            unchanged.append((product.sku, 1))
        else:
            before = audit.snapshot(match, fields=CONTRACT_FIELDS)
            match.price, match.valid_to = amount, valid_to
            match.save()
            audit.record_change(actor=actor, instance=match, before=before)
            updated.append((product.sku, 1))
    return UpsertResult(created=created, updated=updated, unchanged=unchanged)


@transaction.atomic
def save_contract_price(
    *,
    company: Company,
    actor: Actor,
    sku: str,
    price,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    contract: ContractPrice | None = None,
) -> ContractPrice:
    """Create or change one contract price (the back-office form). Field errors as
    ``InvalidPrices`` of item 0."""
    ensure_can_edit_prices(actor)
    if contract is not None:
        # Editing: the row is replaced by the new values (its window may move).
        contract = ContractPrice.objects.select_for_update().get(pk=contract.pk, company=company)
        before = audit.snapshot(contract, fields=CONTRACT_FIELDS)
        others = ContractPrice.objects.filter(company=company, product=contract.product).exclude(
            pk=contract.pk
        )
        problems: dict[str, list[str]] = {}
        amount = clean_price(price, problems)
        if valid_from and valid_to and valid_to < valid_from:
            problems["valid_to"] = [_("The end cannot be before the start.")]
        for other in others:
            if _overlaps(valid_from, valid_to, other.valid_from, other.valid_to):
                problems["valid_from"] = [
                    _("It overlaps the contract price of %(sku)s valid %(window)s.")
                    % {
                        "sku": contract.product.sku,
                        "window": _window_text(other.valid_from, other.valid_to),
                    }
                ]
        if problems:
            raise InvalidPrices({0: problems})
        contract.price, contract.valid_from, contract.valid_to = amount, valid_from, valid_to
        contract.save()
        audit.record_change(actor=actor, instance=contract, before=before)
        return contract
    upsert_contract_prices(
        company=company,
        actor=actor,
        items=[ContractItem(sku=sku, price=price, valid_from=valid_from, valid_to=valid_to)],
    )
    return ContractPrice.objects.get(company=company, product__sku=sku, valid_from=valid_from)


@transaction.atomic
def delete_contract_price(*, contract: ContractPrice, actor: Actor) -> None:
    ensure_can_edit_prices(actor)
    audit.record_deleted(actor=actor, instance=contract, fields=CONTRACT_FIELDS)
    contract.delete()
