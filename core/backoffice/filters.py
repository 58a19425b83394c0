"""Filters of the managers' audit page."""

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.filters import BootstrapFilterSet
from core.models import AuditAction, AuditEntry


def content_type_label(content_type: ContentType) -> str:
    """The model's translated verbose name (``Product``, ``Producto``)."""
    model = content_type.model_class()
    if model is None:
        return content_type.name
    return str(capfirst(model._meta.verbose_name))


def _clean_text(value: str) -> str:
    return (value or "").strip().replace("\x00", "")


class AuditFilterSet(BootstrapFilterSet):
    type = django_filters.ChoiceFilter(
        field_name="content_type_id", label=_("Object type"), empty_label=_("All types")
    )
    actor = django_filters.CharFilter(method="filter_actor", label=_("By"))
    action = django_filters.ChoiceFilter(
        choices=AuditAction.choices, label=_("Action"), empty_label=_("All actions")
    )
    date_from = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    q = django_filters.CharFilter(method="filter_object", label=_("Object"))

    class Meta:
        model = AuditEntry
        fields = ["type", "actor", "action", "date_from", "date_to", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the types that have entries, by their translated names (one query).
        used = ContentType.objects.filter(
            pk__in=AuditEntry.objects.values("content_type_id").distinct()
        )
        choices = sorted(
            ((str(ct.pk), content_type_label(ct)) for ct in used), key=lambda c: c[1].lower()
        )
        self.form.fields["type"].choices = [("", _("All types")), *choices]
        self.form.fields["actor"].widget.attrs["placeholder"] = _("Person or API key")
        self.form.fields["q"].widget.attrs["placeholder"] = _("Object")

    def filter_actor(self, queryset, name, value):
        value = _clean_text(value)
        if not value:
            return queryset
        return queryset.filter(
            Q(actor_label__icontains=value) | Q(actor_user__email__icontains=value)
        )

    def filter_object(self, queryset, name, value):
        value = _clean_text(value)
        if not value:
            return queryset
        return queryset.filter(Q(object_repr__icontains=value) | Q(object_id=value))
