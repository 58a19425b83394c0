import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import YES_NO, BootstrapFilterSet
from customers.models import Company

from ..models import (
    CLOSED_WITHOUT_GOODS,
    Resolution,
    Return,
    ReturnReason,
    ReturnStatus,
    refund_overdue_q,
)


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
    sku = django_filters.CharFilter(
        field_name="lines__sku", lookup_expr="iexact", distinct=True, label=_("SKU")
    )
    refund_overdue = django_filters.ChoiceFilter(
        method="filter_refund_overdue",
        choices=YES_NO,
        label=_("Refund overdue"),
        empty_label=_("Overdue or not"),
    )
    counted = django_filters.ChoiceFilter(
        method="filter_counted",
        choices=YES_NO,
        label=_("Counted in the return figures"),
        empty_label=_("Counted or not"),
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

    def filter_refund_overdue(self, queryset, name, value):
        """Inspected and past the refund's due date, now (the dashboard's figure)."""
        if value == "1":
            return queryset.filter(refund_overdue_q())
        if value == "0":
            return queryset.exclude(refund_overdue_q())
        return queryset

    def filter_counted(self, queryset, name, value):
        """``1``: the returns the return figures count (rejected and cancelled ones
        left out); ``0``: only the rejected and cancelled ones."""
        if value == "1":
            return queryset.exclude(status__in=CLOSED_WITHOUT_GOODS)
        if value == "0":
            return queryset.filter(status__in=CLOSED_WITHOUT_GOODS)
        return queryset
