"""Filters of the catalog and stock. The back-office FilterSets live here; the API's
(``api/filters.py``) share their meaning through the mixins below, so that a filter
means the same thing on both faces (e.g. "low stock": available below the reorder
point, ``selectors.below_reorder_point``)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import YES_NO, BootstrapFilterSet, yes_no

from . import i18n
from .models import Category, MovementKind, Product, StockItem, StockMovement, Warehouse
from .selectors import below_reorder_point


def _as_bool(value):
    """``True``/``False`` or the UI's "1"/"0"; anything else: None (no filter)."""
    if isinstance(value, bool):
        return value
    return {"1": True, "0": False}.get(value)


class StockItemFilters:
    """What stock-item filters mean, on the back-office and in the API."""

    def filter_below_reorder_point(self, queryset, name, value):
        low = _as_bool(value)
        if low is None:
            return queryset
        return queryset.filter(below_reorder_point() if low else ~below_reorder_point())


class CategoryFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    returnable = django_filters.ChoiceFilter(
        choices=YES_NO,
        method="filter_returnable",
        label=_("Returns accepted"),
        empty_label=_("Returns: all"),
    )

    class Meta:
        model = Category
        fields = ["q", "returnable"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(i18n.search("name", value)) if value else queryset

    def filter_returnable(self, queryset, name, value):
        return yes_no(queryset, "returnable", value)


class ProductFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), label=_("Category"), empty_label=_("All categories")
    )
    active = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_active", label=_("Active"), empty_label=_("Active: all")
    )
    low_stock = django_filters.ChoiceFilter(
        choices=YES_NO,
        method="filter_low_stock",
        label=_("Low stock"),
        empty_label=_("Low stock: all"),
    )

    class Meta:
        model = Product
        fields = ["q", "category", "active", "low_stock"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(sku__icontains=value) | i18n.search("name", value) | Q(external_ref__iexact=value)
        )

    def filter_active(self, queryset, name, value):
        return yes_no(queryset, "active", value)

    def filter_low_stock(self, queryset, name, value):
        return yes_no(queryset, "is_low", value)


class StockFilterSet(StockItemFilters, BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    warehouse = django_filters.ModelChoiceFilter(
        queryset=Warehouse.objects.all(), label=_("Warehouse"), empty_label=_("All warehouses")
    )
    category = django_filters.ModelChoiceFilter(
        field_name="product__category",
        queryset=Category.objects.all(),
        label=_("Category"),
        empty_label=_("All categories"),
    )
    low_stock = django_filters.ChoiceFilter(
        choices=YES_NO,
        method="filter_below_reorder_point",
        label=_("Below reorder point"),
        empty_label=_("Below reorder point: all"),
    )

    class Meta:
        model = StockItem
        fields = ["q", "warehouse", "category", "low_stock"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(product__sku__icontains=value) | Q(product__name__icontains=value))


class MovementFilterSet(BootstrapFilterSet):
    sku = django_filters.CharFilter(
        field_name="stock_item__product__sku", lookup_expr="iexact", label=_("SKU")
    )
    kind = django_filters.ChoiceFilter(
        choices=MovementKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    warehouse = django_filters.ModelChoiceFilter(
        field_name="stock_item__warehouse",
        queryset=Warehouse.objects.all(),
        label=_("Warehouse"),
        empty_label=_("All warehouses"),
    )
    date_from = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = StockMovement
        fields = ["sku", "kind", "warehouse", "date_from", "date_to"]
