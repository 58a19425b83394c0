import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import BootstrapFilterSet
from customers.models import Company

from ..models import Resolution, Return, ReturnReason, ReturnStatus


def _date(label, lookup):
    return django_filters.DateFilter(
        field_name="created_at",
        lookup_expr=lookup,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReturnFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number, order or SKU"))
    status = django_filters.ChoiceFilter(
        choices=ReturnStatus.choices, label=_("State"), empty_label=_("Any state")
    )
    reason = django_filters.ModelChoiceFilter(
        field_name="lines__reason",
        queryset=ReturnReason.objects.all(),
        label=_("Reason"),
        distinct=True,
        empty_label=_("Any reason"),
    )
    resolution = django_filters.ChoiceFilter(
        method="filter_resolution",
        choices=Resolution.choices,
        label=_("Resolution"),
        empty_label=_("Any resolution"),
    )
    customer = django_filters.ModelChoiceFilter(
        field_name="company",
        queryset=Company.objects.order_by("legal_name"),
        label=_("Customer"),
        empty_label=_("Any customer"),
    )
    created_after = _date(_("From"), "date__gte")
    created_before = _date(_("To"), "date__lte")

    class Meta:
        model = Return
        fields = []

    def search(self, queryset, name, value):
        value = value.strip().replace("\x00", "")
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(order__number__icontains=value)
            | Q(lines__sku__icontains=value)
        ).distinct()

    def filter_resolution(self, queryset, name, value):
        """The final resolution once resolved, the requested one before."""
        if not value:
            return queryset
        return queryset.filter(Q(resolution=value) | Q(resolution="", requested_resolution=value))
