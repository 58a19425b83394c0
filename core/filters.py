"""The base FilterSet of every back-office and portal filter bar, and the chips of the
filters a dashboard link sets that a bar does not show
(``templates/includes/drill_chips.html``)."""

import django_filters
from django import forms
from django.utils.formats import date_format
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


def drill_down_chips(request, filterset, names) -> list[dict]:
    """The filters ``names`` of ``filterset`` that a dashboard link sets and the filter
    bar does not show, those the request has, each as ``name``, ``value`` (as sent, for
    the bar's hidden input), ``label``, ``display`` (the choice's label or the date)
    and ``remove_url`` (the same list without it). A value the form refused is shown
    as sent, beside its error."""
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", {})
    chips = []
    for name in names:
        raw = request.GET.get(name, "")
        if raw == "":
            continue
        field = form.fields[name]
        display = raw
        if name not in form.errors:
            value = cleaned.get(name)
            if isinstance(field, forms.DateField) and value:
                display = date_format(value, "SHORT_DATE_FORMAT")
            elif isinstance(field, forms.ModelChoiceField) and hasattr(value, "pk"):
                display = str(value)  # the object's name, not its id
            elif hasattr(field, "choices"):
                display = dict(field.choices).get(raw, raw)
        params = request.GET.copy()
        params.pop(name, None)
        params.pop("page", None)
        params.pop("export", None)
        query = params.urlencode()
        chips.append(
            {
                "name": name,
                "value": raw,
                "label": field.label,
                "display": display,
                "remove_url": f"{request.path}?{query}" if query else request.path,
                "invalid": name in form.errors,
            }
        )
    return chips
