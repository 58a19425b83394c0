import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import BootstrapFilterSet

from .models import Company, CompanyStatus, Tag


class CompanyFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=CompanyStatus.choices, label=_("Status"))
    tag = django_filters.ModelChoiceFilter(
        field_name="tags", queryset=Tag.objects.all(), label=_("Tag")
    )

    class Meta:
        model = Company
        fields = ["q", "status", "tag"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(legal_name__icontains=value)
            | Q(tax_id__icontains=value.replace(" ", "").upper())
            | Q(email__icontains=value)
            | Q(city__icontains=value)
            | Q(external_ref__iexact=value)
        )
