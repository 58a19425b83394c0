import django_filters

from core.api.filters import ApiFilterSet, BooleanFilter

from ..models import Delivery, DeliveryStatus, Subscription


class SubscriptionFilterSet(ApiFilterSet):
    active = BooleanFilter()

    class Meta:
        model = Subscription
        fields = ["active", "updated_since"]


class DeliveryFilterSet(ApiFilterSet):
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)

    class Meta:
        model = Delivery
        fields = ["status", "updated_since"]
