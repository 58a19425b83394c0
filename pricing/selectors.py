"""Read queries of pricing used by more than one face."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from inventory.models import Product

from .models import ContractPrice, Price, PriceList, PriceRow
from .resolution import company_price_list

MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)


def _valid_contracts(company, day: dt.date):
    return ContractPrice.objects.filter(company_id=company.pk).filter(
        (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )


def orderable_products(company, *, on: dt.date | None = None, queryset=None):
    """The active products ``company`` can buy on ``on`` (today): those with a price in
    its list (``company_price_list``) or a contract price valid that day.

    A queryset of ``Product`` (``queryset`` narrows it, e.g. a category's products)
    annotated with, all in the company's currency and net of VAT:

    - ``list_price``: the list's price of one unit before the discount (None when the
      list only sells it from some quantity up);
    - ``contract_price``: its contract price valid that day (None if none);
    - ``company_price``: what one unit costs the company: the contract price, else the
      list price less its discount % (rounded to cents; None when only breaks exist).

    For a quantity (breaks) and the order's own figures, use
    ``pricing.resolution.resolve_prices``; both follow the same rules. Two queries.
    """
    day = on or timezone.localdate()
    price_list = company_price_list(company, on=day)
    queryset = (queryset if queryset is not None else Product.objects.all()).filter(active=True)
    contracts = _valid_contracts(company, day).filter(product_id=OuterRef("pk"))
    contract_price = Subquery(contracts.order_by("-valid_from").values("price")[:1])
    if price_list is None:
        return queryset.filter(Exists(contracts)).annotate(
            list_price=Value(None, output_field=MONEY_FIELD),
            contract_price=contract_price,
            company_price=F("contract_price"),
        )
    rows = PriceRow.objects.filter(price_list_id=price_list.pk, product_id=OuterRef("pk"))
    discount = Decimal(company.discount_percent)
    return (
        queryset.filter(Q(Exists(rows)) | Q(Exists(contracts)))
        .annotate(
            list_price=Subquery(rows.filter(min_quantity=1).values("price")[:1]),
            contract_price=contract_price,
        )
        .annotate(
            company_price=Coalesce(
                F("contract_price"),
                Round(
                    F("list_price") * (Value(Decimal(100)) - Value(discount)) / Value(Decimal(100)),
                    2,
                    output_field=MONEY_FIELD,
                ),
                output_field=MONEY_FIELD,
            )
        )
    )


def price_lists():
    return PriceList.objects.all()


def prices_of(price_list: PriceList):
    """Every price of ``price_list`` (``PriceRow``: the catalog prices included), by
    SKU and quantity."""
    return (
        PriceRow.objects.filter(price_list_id=price_list.pk)
        .select_related("product")
        .order_by("product__sku", "min_quantity")
    )


def stored_prices_of(price_list: PriceList):
    return Price.objects.filter(price_list=price_list).select_related("product")


def contract_prices_of(company):
    return (
        ContractPrice.objects.filter(company_id=company.pk)
        .select_related("product")
        .order_by("product__sku", "valid_from")
    )
