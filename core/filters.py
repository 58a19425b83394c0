"""The base FilterSet of every back-office and portal filter bar."""

import django_filters
from django.utils.translation import gettext_lazy as _

YES_NO = (("1", _("Yes")), ("0", _("No")))


class BootstrapFilterSet(django_filters.FilterSet):
    """A FilterSet whose form fields carry Bootstrap's classes (``form-select`` for
    choices, ``form-control`` for the rest)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs["class"] = css


def yes_no(queryset, field: str, value):
    """Filter ``field`` by a ``YES_NO`` choice ("1" / "0"); anything else: no filter."""
    if value in ("1", "0"):
        return queryset.filter(**{field: value == "1"})
    return queryset
