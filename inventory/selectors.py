"""Read queries used by more than one face (back-office, API, orders, dashboard)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from . import i18n
from .models import Category, Product, StockItem, StockMovement, Warehouse


def below_reorder_point(prefix: str = "") -> Q:
    """The one meaning of "low stock" (SPEC: available below the reorder point), for
    stock items (``prefix`` reaches them through a relation, e.g. ``"stock_items__"``).
    Every list, filter, badge and API filter uses it."""
    return Q(**{f"{prefix}reorder_point__gt": F(f"{prefix}on_hand") - F(f"{prefix}reserved")})


def category_list() -> QuerySet[Category]:
    """Categories with their product counts."""
    return Category.objects.annotate(product_count=Count("products")).order_by("name", "id")


def warehouse_list() -> QuerySet[Warehouse]:
    """Warehouses with their totals (units on hand, reserved; low-stock items)."""
    return Warehouse.objects.annotate(
        total_on_hand=Coalesce(Sum("stock_items__on_hand"), 0),
        total_reserved=Coalesce(Sum("stock_items__reserved"), 0),
        low_stock_count=Count("stock_items", filter=below_reorder_point("stock_items__")),
    ).order_by("-is_default", "code")


def product_list() -> QuerySet[Product]:
    """Products with their category and stock totals over all warehouses
    (``total_on_hand``, ``total_reserved``, ``total_available``, ``is_low``), and
    ``localized_name``: the name the reader sees (their language, else the fallback), to
    sort by."""
    totals = StockItem.objects.filter(product=OuterRef("pk")).values("product")
    return (
        Product.objects.select_related("category")
        .annotate(
            total_on_hand=Coalesce(
                Subquery(
                    totals.annotate(s=Sum("on_hand")).values("s"), output_field=IntegerField()
                ),
                0,
            ),
            total_reserved=Coalesce(
                Subquery(
                    totals.annotate(s=Sum("reserved")).values("s"), output_field=IntegerField()
                ),
                0,
            ),
            is_low=Exists(StockItem.objects.filter(below_reorder_point(), product=OuterRef("pk"))),
        )
        .annotate(
            total_available=F("total_on_hand") - F("total_reserved"),
            localized_name=i18n.localized("name"),
        )
    )


def stock_list() -> QuerySet[StockItem]:
    """Stock per product x warehouse with ``available_qty``, for lists and exports."""
    return (
        StockItem.objects.select_related("product__category", "warehouse")
        .annotate(available_qty=F("on_hand") - F("reserved"))
        .order_by("product__sku", "warehouse__code")
    )


def stock_for_product(product: Product) -> QuerySet[StockItem]:
    """One product's stock in each warehouse that holds (or held) it."""
    return (
        stock_list().filter(product=product).order_by("-warehouse__is_default", "warehouse__code")
    )


def low_stock_count() -> int:
    """How many stock items are below their reorder point (the back-office badge)."""
    return StockItem.objects.filter(below_reorder_point()).count()


def movement_list() -> QuerySet[StockMovement]:
    """The ledger, newest first, with product, warehouse and user (constant queries per page)."""
    return StockMovement.objects.select_related(
        "stock_item__product", "stock_item__warehouse", "user", "content_type"
    ).order_by("-created_at", "-id")


def movements_for(reference_object: models.Model) -> QuerySet[StockMovement]:
    """Movements recorded against one order or return."""
    return movement_list().filter(
        content_type=ContentType.objects.get_for_model(reference_object),
        object_id=str(reference_object.pk),
    )


def reserved_for(reference_object: models.Model) -> list[dict]:
    """What is still reserved for an order, per product x warehouse, from the ledger:
    ``[{"product_id", "warehouse_id", "sku", "warehouse_code", "quantity"}]``."""
    rows = (
        movements_for(reference_object)
        .order_by()
        .values(
            "stock_item__product_id",
            "stock_item__warehouse_id",
            "stock_item__product__sku",
            "stock_item__warehouse__code",
        )
        .annotate(quantity=Sum("reserved_delta"))
        .filter(quantity__gt=0)
        .order_by("stock_item__product__sku", "stock_item__warehouse__code")
    )
    return [
        {
            "product_id": row["stock_item__product_id"],
            "warehouse_id": row["stock_item__warehouse_id"],
            "sku": row["stock_item__product__sku"],
            "warehouse_code": row["stock_item__warehouse__code"],
            "quantity": row["quantity"],
        }
        for row in rows
    ]


def available_by_sku(skus) -> dict[str, int]:
    """Units available (on hand - reserved) over all warehouses, per SKU (0 if unknown)."""
    skus = list(skus)
    rows = (
        StockItem.objects.filter(product__sku__in=skus)
        .values("product__sku")
        .annotate(available=Sum(F("on_hand") - F("reserved")))
        .order_by()
    )
    found = {row["product__sku"]: row["available"] for row in rows}
    return {sku: found.get(sku, 0) for sku in skus}


def ledger_mismatches() -> QuerySet[StockItem]:
    """Stock items whose levels differ from the sum of their movements (should be none)."""
    sums = StockMovement.objects.filter(stock_item=OuterRef("pk")).values("stock_item")
    return (
        StockItem.objects.select_related("product", "warehouse")
        .annotate(
            ledger_on_hand=Coalesce(
                Subquery(
                    sums.annotate(s=Sum("on_hand_delta")).values("s"), output_field=IntegerField()
                ),
                Value(0),
            ),
            ledger_reserved=Coalesce(
                Subquery(
                    sums.annotate(s=Sum("reserved_delta")).values("s"), output_field=IntegerField()
                ),
                Value(0),
            ),
        )
        .filter(~Q(on_hand=F("ledger_on_hand")) | ~Q(reserved=F("ledger_reserved")))
        .order_by("pk")
    )
