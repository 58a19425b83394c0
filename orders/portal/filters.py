"""The portal's filters of a company's orders."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import BootstrapFilterSet
from inventory import i18n
from inventory.models import Category, Product

from ..models import Order, OrderStatus


class PortalOrderFilterSet(BootstrapFilterSet):
    status = django_filters.ChoiceFilter(
        choices=OrderStatus.choices, label=_("Status"), empty_label=_("All states")
    )

    class Meta:
        model = Order
        fields = ["status"]


class CategoryChoiceFilter(django_filters.ModelChoiceFilter):
    """Categories by the name the reader sees (their language, else the fallback)."""

    def get_queryset(self, request):
        return Category.objects.annotate(label=i18n.localized("name")).order_by("label", "pk")


class PortalCatalogFilterSet(BootstrapFilterSet):
    """The portal catalog's search (SKU, or the name in any language) and category."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    category = CategoryChoiceFilter(label=_("Category"), empty_label=_("All categories"))

    class Meta:
        model = Product
        fields = ["q", "category"]

    def search(self, queryset, name, value):
        value = value.strip().replace("\x00", "")
        if not value:
            return queryset
        return queryset.filter(Q(sku__icontains=value) | i18n.search("name", value))
