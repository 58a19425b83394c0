import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import BootstrapFilterSet
from customers.models import Company

from ..models import Carrier, Order
from ..selectors import late_filter


class OrderQueueFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number or PO"))
    customer = django_filters.ModelChoiceFilter(
        field_name="company", queryset=Company.objects.order_by("legal_name"), label=_("Customer")
    )
    created_after = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_before = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    carrier = django_filters.ModelChoiceFilter(
        queryset=Carrier.objects.order_by("name"), label=_("Carrier")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Late"),
        widget=forms.Select(
            choices=[("", _("Late or not")), ("true", _("Late only")), ("false", _("On time only"))]
        ),
    )

    class Meta:
        model = Order
        fields = []

    def search(self, queryset, name, value):
        value = value.strip().replace("\x00", "")
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(po_number__icontains=value))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = late_filter(queryset)
        return late if value else queryset.exclude(pk__in=late.values("pk"))
