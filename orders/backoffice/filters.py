import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import BootstrapFilterSet

from ..models import Carrier, Order
from ..selectors import late_filter

#: An order number as printed (``PED-2026-000123``), in any letter case.
WHOLE_NUMBER = re.compile(r"[A-Za-z]{1,10}-\d{4}-\d{6,}")


class OrderQueueFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number or PO"))
    # A text box, not a select of every company: with thousands of customers the
    # options alone took most of the page's time. Links pass the company's id.
    customer = django_filters.CharFilter(
        method="filter_customer",
        label=_("Customer"),
        widget=forms.TextInput(attrs={"placeholder": _("Name, tax id or number")}),
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
        """A whole order number is looked up exactly (its unique index); anything else
        matches part of the number or the PO (trigram indexes on PostgreSQL)."""
        value = value.strip().replace("\x00", "")
        if not value:
            return queryset
        if WHOLE_NUMBER.fullmatch(value):
            return queryset.filter(Q(number=value.upper()) | Q(po_number__iexact=value))
        return queryset.filter(Q(number__icontains=value) | Q(po_number__icontains=value))

    def filter_customer(self, queryset, name, value):
        """By the company's id (links from its page), its tax id, or part of its name."""
        value = value.strip().replace("\x00", "")
        if not value:
            return queryset
        if value.isascii() and value.isdigit():
            return queryset.filter(company_id=int(value))
        return queryset.filter(
            Q(company__legal_name__icontains=value) | Q(company__tax_id__iexact=value)
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = late_filter(queryset)
        return late if value else queryset.exclude(pk__in=late.values("pk"))
