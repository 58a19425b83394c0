import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from core.api.filters import ApiFilterSet, BooleanFilter, SafeCharFilter

from ..filters import StockItemFilters
from ..models import Category, MovementKind, Product, StockItem, StockMovement, Warehouse

BIGINT_MAX = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGINT_MAX})
class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number >= 1 (``1.5`` or ``x`` are a 400, not ignored)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class WarehouseCodeFilter(SafeCharFilter):
    """A warehouse code, case-insensitive (``mad`` finds ``MAD``)."""

    def filter(self, qs, value):
        return super().filter(qs, value.strip().upper() if value else value)


class CategoryFilterSet(ApiFilterSet):
    name = SafeCharFilter(field_name="name")

    class Meta:
        model = Category
        fields = ["name", "updated_since"]


class ProductFilterSet(ApiFilterSet):
    sku = SafeCharFilter(field_name="sku")
    category = IdFilter(field_name="category_id")
    active = BooleanFilter()
    external_ref = SafeCharFilter(field_name="external_ref")

    class Meta:
        model = Product
        fields = ["sku", "category", "active", "external_ref", "updated_since"]


class WarehouseFilterSet(ApiFilterSet):
    code = WarehouseCodeFilter(field_name="code")

    class Meta:
        model = Warehouse
        fields = ["code", "updated_since"]


class StockFilterSet(StockItemFilters, ApiFilterSet):
    sku = SafeCharFilter(field_name="product__sku")
    warehouse = WarehouseCodeFilter(field_name="warehouse__code")
    below_reorder_point = BooleanFilter(method="filter_below_reorder_point")

    class Meta:
        model = StockItem
        fields = ["sku", "warehouse", "below_reorder_point", "updated_since"]


class StockMovementFilterSet(ApiFilterSet):
    sku = SafeCharFilter(field_name="stock_item__product__sku")
    warehouse = WarehouseCodeFilter(field_name="stock_item__warehouse__code")
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices)

    class Meta:
        model = StockMovement
        fields = ["sku", "warehouse", "kind", "updated_since"]
