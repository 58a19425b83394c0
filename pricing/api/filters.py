import django_filters

from core.api.filters import ApiFilterSet, SafeCharFilter
from customers.models import Currency

from ..models import ContractPrice, PriceList, PriceRow


class PriceListFilterSet(ApiFilterSet):
    currency = django_filters.ChoiceFilter(choices=Currency.choices)

    class Meta:
        model = PriceList
        fields = ["currency", "updated_since"]


class PriceRowFilterSet(ApiFilterSet):
    sku = SafeCharFilter(field_name="product__sku")

    class Meta:
        model = PriceRow
        fields = ["sku", "updated_since"]


class ContractPriceFilterSet(ApiFilterSet):
    sku = SafeCharFilter(field_name="product__sku")

    class Meta:
        model = ContractPrice
        fields = ["sku", "updated_since"]
