import django_filters

from core.api.filters import ApiFilterSet, SafeCharFilter

from ..models import Company, CompanyStatus
from ..validators import normalize_tax_id


class CustomerFilterSet(ApiFilterSet):
    external_ref = SafeCharFilter(field_name="external_ref")
    tax_id = SafeCharFilter(method="filter_tax_id")
    status = django_filters.ChoiceFilter(choices=CompanyStatus.choices)

    class Meta:
        model = Company
        fields = ["external_ref", "tax_id", "status", "updated_since"]

    def filter_tax_id(self, queryset, name, value):
        return queryset.filter(tax_id=normalize_tax_id(value))
