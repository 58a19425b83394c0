"""Price resolution: what a company pays for products, in one place.

For each product, the rule is (first that applies):

1. the company's **contract price** valid on the date (net; the company's discount %
   does NOT apply);
2. the company's list (its assigned list when active and valid on the date and in the
   company's currency, else the active, valid default list of its currency): the
   lowest of its prices whose ``min_quantity`` is at most the quantity ordered — a
   **quantity break** (``min_quantity`` > 1) or the **list price** (1) — less the
   company's discount %.

The discount is applied with the rounding rule of the order's lines: unit price =
price x (100 - discount %) / 100, rounded half up to cents (``core.money.money``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import money

from .models import ContractPrice, CustomerPricing, PriceList, PriceRow, PriceSource


def discounted(price: Decimal, discount_percent: Decimal) -> Decimal:
    """``price`` less ``discount_percent`` %, rounded half up to cents."""
    return money(Decimal(price) * (Decimal(100) - Decimal(discount_percent)) / Decimal(100))


@dataclass(frozen=True)
class PriceBreak:
    #: from this many units
    min_quantity: int
    #: the list's net price from that quantity, before the company's discount
    price: Decimal
    #: what the company pays per unit from that quantity (after its discount)
    unit_price: Decimal


@dataclass(frozen=True)
class ResolvedPrice:
    """The price of one product for one company, quantity and date.

    ``unit_price`` is None when the company cannot buy the product (``reason`` says
    why, translated in the active language); ``orderable`` tells the same.
    """

    product: object
    quantity: int
    #: the company's currency (every amount below is in it)
    currency: str
    #: the list the company buys from (None: no list for its currency)
    price_list: PriceList | None
    #: ``PriceSource`` value (``list`` | ``break`` | ``contract``), None when not orderable
    source: str | None
    #: the list's price of one unit (min_quantity 1), before the discount; None if none
    list_price: Decimal | None
    #: the price the unit price comes from, before the discount (list, break or contract)
    base_price: Decimal | None
    #: the net unit price the company pays for this quantity
    unit_price: Decimal | None
    #: the discount % applied (the company's; 0 on a contract price)
    discount_percent: Decimal
    #: the list's quantity breaks (min_quantity > 1), ascending, with the company's price
    breaks: tuple[PriceBreak, ...]
    #: the contract price valid on the date, if any
    contract_price: Decimal | None
    #: why the product cannot be ordered (None when it can)
    reason: str | None

    @property
    def orderable(self) -> bool:
        return self.unit_price is not None

    @property
    def line_total(self) -> Decimal | None:
        return None if self.unit_price is None else self.unit_price * self.quantity


def _valid_contracts(company, product_ids, day):
    return (
        ContractPrice.objects.filter(company_id=company.pk, product_id__in=product_ids)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )


def _company_price_list(company, day, *, contracts_for=None) -> tuple[PriceList | None, bool]:
    """``company_price_list`` and, with ``contracts_for`` (product ids), whether the
    company has a contract price valid on ``day`` for any of them, in the same query
    (True when unknown: no list came back to carry the answer)."""
    assigned = CustomerPricing.objects.filter(company_id=company.pk, price_list=OuterRef("pk"))
    lists = PriceList.objects.annotate(assigned=Exists(assigned))
    if contracts_for is not None:
        contracts = _valid_contracts(company, contracts_for, day)
        lists = lists.annotate(has_contracts=Exists(contracts))
    candidates = list(
        lists.filter(Q(assigned=True) | Q(is_default=True, currency=company.currency))
    )
    has_contracts = candidates[0].has_contracts if candidates and contracts_for else True
    ordered = sorted(candidates, key=lambda pl: not pl.assigned)  # the assigned list first
    for price_list in ordered:
        if price_list.currency == company.currency and price_list.valid_on(day):
            return price_list, has_contracts
    return None, has_contracts


def _list_prices(company, product_ids: list[int], day) -> list[PriceRow]:
    """The prices of ``product_ids`` in the list ``company`` buys from on ``day`` (the
    rule of ``company_price_list``), ordered by product and quantity, each with its
    ``price_list`` set and ``has_contracts``: whether the company has a contract price
    valid on ``day`` for any of the products. One statement.

    Written in SQL because the same query through the ORM (a ``Subquery`` of the list
    with an ``Exists`` for the assignment, another for the contracts) cost about 3 ms of
    CPU to build for each order placed, twenty times what the database client spent
    on it. ``pricing/tests`` hold it to the ORM's rule on every case.
    """
    qn = connection.ops.quote_name
    list_fields = PriceList._meta.concrete_fields
    names = {
        "rows": qn(PriceRow._meta.db_table),
        "lists": qn(PriceList._meta.db_table),
        "assigned": qn(CustomerPricing._meta.db_table),
        "contracts": qn(ContractPrice._meta.db_table),
        "row_columns": ", ".join(f"r.{qn(f.column)}" for f in PriceRow._meta.concrete_fields),
        "list_columns": ", ".join(f"l.{qn(f.column)}" for f in list_fields),
        "list_aliases": ", ".join(
            f"l.{qn(f.column)} AS list_{i}" for i, f in enumerate(list_fields)
        ),
        "ids": ", ".join(["%s"] * len(product_ids)),
    }
    # Only table and column names are formatted in; every value is a parameter.
    sql = """
        WITH l AS (
            SELECT {list_columns}, EXISTS (
                SELECT 1 FROM {assigned} a WHERE a.company_id = %s AND a.price_list_id = l.id
            ) AS assigned
            FROM {lists} l
            WHERE l.currency = %s AND l.active = %s
              AND (l.valid_from IS NULL OR l.valid_from <= %s)
              AND (l.valid_to IS NULL OR l.valid_to >= %s)
              AND (l.is_default = %s OR EXISTS (
                  SELECT 1 FROM {assigned} a WHERE a.company_id = %s AND a.price_list_id = l.id
              ))
            ORDER BY assigned DESC
            LIMIT 1
        )
        SELECT {row_columns}, {list_aliases}, EXISTS (
            SELECT 1 FROM {contracts} c
            WHERE c.company_id = %s AND c.product_id IN ({ids})
              AND (c.valid_from IS NULL OR c.valid_from <= %s)
              AND (c.valid_to IS NULL OR c.valid_to >= %s)
        ) AS has_contracts
        FROM {rows} r JOIN l ON r.price_list_id = l.id
        WHERE r.product_id IN ({ids})
        ORDER BY r.product_id, r.min_quantity
    """.format(**names)  # noqa: S608
    params = [company.pk, company.currency, True, day, day, True, company.pk]
    params += [company.pk, *product_ids, day, day, *product_ids]
    rows = list(PriceRow.objects.raw(sql, params))
    if not rows:
        return rows
    # The list's columns come back as plain values: convert them as a query would.
    first = rows[0]
    values = []
    for i, field in enumerate(list_fields):
        value = getattr(first, f"list_{i}")
        column = field.get_col(PriceList._meta.db_table)
        for converter in connection.ops.get_db_converters(column) + field.get_db_converters(
            connection
        ):
            value = converter(value, column, connection)
        values.append(value)
    price_list = PriceList.from_db(connection.alias, [f.attname for f in list_fields], values)
    has_contracts = bool(first.has_contracts)
    for row in rows:
        row.price_list = price_list
        row.has_contracts = has_contracts
    return rows


def company_price_list(company, *, on: dt.date | None = None) -> PriceList | None:
    """The list ``company`` buys from on ``on`` (today): its assigned list when active,
    valid that day and in its currency, else its currency's default list when active
    and valid; None when there is none. One query."""
    return _company_price_list(company, on or timezone.localdate())[0]


def resolve_prices(
    company, products_with_quantities: Iterable[tuple[object, int]], *, on: dt.date | None = None
) -> dict[int, ResolvedPrice]:
    """Price ``(product, quantity)`` pairs for ``company`` on ``on`` (default: today).

    Returns ``{product.pk: ResolvedPrice}`` with one entry per distinct product (a
    product given twice keeps its last quantity). At most three queries whatever the number of
    products, usually one: the company's list's prices of these products, which also
    tell whether any contract price applies; the contract prices only when one does;
    the list on its own only when it prices none of them. Products are not checked for
    being active: the caller decides that.
    """
    day = on or timezone.localdate()
    wanted: dict[int, tuple[object, int]] = {}
    for product, quantity in products_with_quantities:
        wanted[product.pk] = (product, int(quantity))
    if not wanted:
        return {}
    ids = list(wanted)
    # One query in the usual case: the list's prices of these products, the list itself
    # and whether a contract price applies. Only when the list prices none of them is
    # the list looked up on its own (for the reason given).
    found = _list_prices(company, ids, day)
    if found:
        price_list, has_contracts = found[0].price_list, found[0].has_contracts
    else:
        price_list, has_contracts = _company_price_list(company, day, contracts_for=ids)
    rows: dict[int, list[PriceRow]] = defaultdict(list)
    for row in found:
        rows[row.product_id].append(row)
    contracts: dict[int, ContractPrice] = {}
    for contract in (
        _valid_contracts(company, ids, day).order_by("product_id", "valid_from")
        if has_contracts
        else ()
    ):
        contracts[contract.product_id] = contract  # the latest start wins (no overlaps)
    discount = Decimal(company.discount_percent)
    return {
        pk: _resolve(
            product,
            quantity,
            company=company,
            price_list=price_list,
            rows=rows.get(pk, []),
            contract=contracts.get(pk),
            discount=discount,
        )
        for pk, (product, quantity) in wanted.items()
    }


def resolve_price(company, product, quantity: int = 1, *, on: dt.date | None = None):
    """``resolve_prices`` for one product: its ``ResolvedPrice``."""
    return resolve_prices(company, [(product, quantity)], on=on)[product.pk]


def _resolve(product, quantity, *, company, price_list, rows, contract, discount):
    base_row = next((row for row in rows if row.min_quantity == 1), None)
    list_price = base_row.price if base_row is not None else None
    breaks = tuple(
        PriceBreak(row.min_quantity, row.price, discounted(row.price, discount))
        for row in rows
        if row.min_quantity > 1
    )
    common = {
        "product": product,
        "quantity": quantity,
        "currency": company.currency,
        "price_list": price_list,
        "list_price": list_price,
        "breaks": breaks,
        "contract_price": contract.price if contract is not None else None,
    }
    if contract is not None:
        return ResolvedPrice(
            **common,
            source=PriceSource.CONTRACT,
            base_price=contract.price,
            unit_price=money(contract.price),
            discount_percent=Decimal("0"),
            reason=None,
        )
    applicable = [row for row in rows if row.min_quantity <= quantity]
    if not applicable:
        if price_list is None:
            reason = _("There is no price list in %(currency)s.") % {"currency": company.currency}
        elif rows:
            reason = _("%(sku)s is sold from %(quantity)d units.") % {
                "sku": product.sku,
                "quantity": rows[0].min_quantity,
            }
        else:
            reason = _("%(sku)s has no price in the price list %(list)s.") % {
                "sku": product.sku,
                "list": price_list.code,
            }
        return ResolvedPrice(
            **common,
            source=None,
            base_price=None,
            unit_price=None,
            discount_percent=discount,
            reason=reason,
        )
    # The best price for the quantity; on a tie, the larger break.
    best = min(applicable, key=lambda row: (row.price, -row.min_quantity))
    return ResolvedPrice(
        **common,
        source=PriceSource.BREAK if best.min_quantity > 1 else PriceSource.LIST,
        base_price=best.price,
        unit_price=discounted(best.price, discount),
        discount_percent=discount,
        reason=None,
    )
