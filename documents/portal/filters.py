"""Filters of the portal's invoice list (one company's documents only: the view
fetches them from ``self.company``)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import BootstrapFilterSet

from ..account import PaymentState
from ..models import Invoice, InvoiceKind


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PortalInvoiceFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number or order"))
    kind = django_filters.ChoiceFilter(
        choices=InvoiceKind.choices, label=_("Type"), empty_label=_("Invoices and credit notes")
    )
    state = django_filters.ChoiceFilter(
        field_name="payment_state",
        choices=PaymentState.choices,
        label=_("Payment"),
        empty_label=_("Any payment state"),
    )
    issued_from = django_filters.DateFilter(
        field_name="issue_date", lookup_expr="gte", label=_("Issued from"), widget=_date_widget()
    )
    issued_to = django_filters.DateFilter(
        field_name="issue_date", lookup_expr="lte", label=_("Issued to"), widget=_date_widget()
    )

    class Meta:
        model = Invoice
        fields = ["q", "kind", "state", "issued_from", "issued_to"]

    def search(self, queryset, name, value):
        value = value.strip().replace("\x00", "")
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(order_number__icontains=value)
            | Q(po_number__icontains=value)
        )
