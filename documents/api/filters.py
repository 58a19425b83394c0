import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filters import ApiFilterSet, SafeCharFilter, UpdatedSinceFilter
from customers.models import ExchangeRate

from ..models import Invoice, InvoiceKind


class InvoiceFilterSet(ApiFilterSet):
    # Issued documents never change: "updated" is when they were issued.
    updated_since = UpdatedSinceFilter(
        field_name="issued_at",
        lookup_expr="gte",
        label=_("Only documents issued at or after this ISO 8601 date-time."),
    )
    kind = django_filters.ChoiceFilter(choices=InvoiceKind.choices)
    order = SafeCharFilter(field_name="order_number")
    number = SafeCharFilter(field_name="number")
    issued_after = UpdatedSinceFilter(field_name="issued_at", lookup_expr="gte")
    issued_before = UpdatedSinceFilter(field_name="issued_at", lookup_expr="lt")

    class Meta:
        model = Invoice
        fields = ["kind", "order", "number", "issued_after", "issued_before", "updated_since"]


class ExchangeRateFilterSet(ApiFilterSet):
    currency = SafeCharFilter(field_name="currency")

    class Meta:
        model = ExchangeRate
        fields = ["currency", "updated_since"]
