import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.filters import YES_NO, BootstrapFilterSet, yes_no
from customers.models import Company
from orders.models import Carrier, ShippingMethod
from orders.selectors import NO_CARRIER

from ..models import (
    Category,
    Complaint,
    ComplaintStatus,
    Decision,
    Priority,
    Resolution,
    ResponsibleParty,
)
from ..selectors import carrier_claims
from .forms import StaffChoiceField, staff_users

#: The filters of the carrier page's "Claims" links (``selectors.carrier_claims``), not
#: shown in the bar: the register names each above the table (a chip that removes it).
DRILL_DOWN_FILTERS = ["claim_carrier", "claim_service", "claimed_after", "claimed_before"]


def _date(label, lookup):
    return django_filters.DateFilter(
        field_name="filed_at",
        lookup_expr=lookup,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class AssigneeFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


class ComplaintFilterSet(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number, order or SKU"))
    status = django_filters.ChoiceFilter(
        choices=ComplaintStatus.choices, label=_("State"), empty_label=_("Any state")
    )
    open = django_filters.ChoiceFilter(
        method="filter_open", choices=YES_NO, label=_("Open"), empty_label=_("Open or not")
    )
    category = django_filters.ChoiceFilter(
        choices=Category.choices, label=_("Category"), empty_label=_("Any category")
    )
    priority = django_filters.ChoiceFilter(
        choices=Priority.choices, label=_("Priority"), empty_label=_("Any priority")
    )
    assignee = AssigneeFilter(queryset=staff_users(), label=_("Assignee"), empty_label=_("Anyone"))
    company = django_filters.ModelChoiceFilter(
        queryset=Company.objects.order_by("legal_name"),
        label=_("Customer"),
        empty_label=_("Any customer"),
    )
    responsible_party = django_filters.ChoiceFilter(
        choices=ResponsibleParty.choices,
        label=_("Responsible party"),
        empty_label=_("Any responsible party"),
    )
    decision = django_filters.ChoiceFilter(
        choices=Decision.choices, label=_("Decision"), empty_label=_("Any decision")
    )
    resolution = django_filters.ChoiceFilter(
        choices=Resolution.choices, label=_("Resolution"), empty_label=_("Any resolution")
    )
    overdue = django_filters.ChoiceFilter(
        method="filter_overdue", choices=YES_NO, label=_("Overdue"), empty_label=_("Overdue or not")
    )
    # --- the carrier page's drill-down (DRILL_DOWN_FILTERS), applied together --------
    claim_carrier = django_filters.ModelChoiceFilter(
        queryset=Carrier.objects.order_by("name"),
        method="keep",
        label=_("Carrier claim against"),
        null_label=_("No carrier"),
        null_value=NO_CARRIER,
    )
    claim_service = django_filters.ChoiceFilter(
        choices=ShippingMethod.choices, method="keep", label=_("Service of the order")
    )
    claimed_after = django_filters.DateFilter(method="keep", label=_("Claimed from"))
    claimed_before = django_filters.DateFilter(method="keep", label=_("Claimed to"))
    first_contact = django_filters.ChoiceFilter(
        method="filter_first_contact",
        choices=YES_NO,
        label=_("Resolved at first contact"),
        empty_label=_("At first contact or not"),
    )
    filed_after = _date(_("From"), "date__gte")
    filed_before = _date(_("To"), "date__lte")

    class Meta:
        model = Complaint
        fields = []

    def search(self, queryset, name, value):
        value = value.strip().replace("\x00", "")
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(order__number__icontains=value)
            | Q(order_line__sku__icontains=value)
            | Q(product__sku__icontains=value)
        )

    def keep(self, queryset, name, value):
        """The claim filters narrow together (``filter_queryset``): one claim must match
        them all."""
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not any(data.get(name) not in (None, "") for name in DRILL_DOWN_FILTERS):
            return queryset
        claims = carrier_claims(
            first=data.get("claimed_after"),
            last=data.get("claimed_before"),
            carrier=data.get("claim_carrier"),
            service=data.get("claim_service") or None,
        )
        return queryset.filter(Exists(claims.filter(complaint=OuterRef("pk"))))

    def filter_open(self, queryset, name, value):
        from ..models import OPEN_STATUSES

        if value == "1":
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "0":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        from ..models import OPEN_STATUSES

        overdue = Q(status__in=OPEN_STATUSES, next_due__lt=timezone.now())
        if value == "1":
            return queryset.filter(overdue)
        if value == "0":
            return queryset.exclude(overdue)
        return queryset

    def filter_first_contact(self, queryset, name, value):
        """``1``: resolved with no further customer message (the dashboard's
        first-contact resolution); ``0``: resolved after the customer wrote again or
        after a reopening (unresolved complaints are in neither)."""
        from ..models import first_contact_resolved

        if value == "1":
            return queryset.filter(first_contact_resolved())
        if value == "0":
            return queryset.filter(resolved_at__isnull=False).exclude(first_contact_resolved())
        return queryset


__all__ = ["ComplaintFilterSet", "yes_no"]
