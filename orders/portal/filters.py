"""The portal's filters of a company's orders."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import BootstrapFilterSet

from ..models import Order, OrderStatus


class PortalOrderFilterSet(BootstrapFilterSet):
    status = django_filters.ChoiceFilter(
        choices=OrderStatus.choices, label=_("Status"), empty_label=_("All states")
    )

    class Meta:
        model = Order
        fields = ["status"]
