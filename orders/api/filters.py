import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from core.api.filters import ApiFilterSet, AwareDateTimeField, BooleanFilter, SafeCharFilter

from ..models import Order, OrderStatus


@extend_schema_field({"type": "integer", "minimum": 1})
class IdFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = AwareDateTimeField


class OrderFilterSet(ApiFilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    customer = IdFilter(field_name="company_id")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    on_hold = BooleanFilter()
    awaiting_approval = BooleanFilter()
    po_number = SafeCharFilter(field_name="po_number")

    class Meta:
        model = Order
        fields = [
            "status",
            "customer",
            "created_after",
            "created_before",
            "on_hold",
            "awaiting_approval",
            "po_number",
            "updated_since",
        ]
