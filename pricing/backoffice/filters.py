import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import BootstrapFilterSet
from customers.models import Currency

from ..models import ContractPrice, PriceList, PriceRow


class PriceListFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    currency = django_filters.ChoiceFilter(label=_("Currency"), choices=Currency.choices)
    sku = django_filters.CharFilter(label=_("Has a price for SKU"), method="with_sku")

    class Meta:
        model = PriceList
        fields = ["q", "currency", "sku"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def with_sku(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        lists = PriceRow.objects.filter(product__sku__iexact=value).values("price_list_id")
        return queryset.filter(pk__in=lists)


class PriceRowFilterSet(BootstrapFilterSet):
    sku = django_filters.CharFilter(
        label=_("SKU"), field_name="product__sku", lookup_expr="icontains"
    )
    breaks = django_filters.ChoiceFilter(
        label=_("Prices"),
        choices=(("list", _("List prices")), ("break", _("Quantity breaks"))),
        method="kind",
    )

    class Meta:
        model = PriceRow
        fields = ["sku", "breaks"]

    def kind(self, queryset, name, value):
        if value == "list":
            return queryset.filter(min_quantity=1)
        if value == "break":
            return queryset.filter(min_quantity__gt=1)
        return queryset


class ContractPriceFilterSet(BootstrapFilterSet):
    sku = django_filters.CharFilter(
        label=_("SKU"), field_name="product__sku", lookup_expr="icontains"
    )

    class Meta:
        model = ContractPrice
        fields = ["sku"]
