"""Bootstrap rendering for every form, without a third-party form library."""

from django import forms
from django.forms.renderers import TemplatesSetting


class BootstrapFormRenderer(TemplatesSetting):
    form_template_name = "forms/bootstrap_form.html"
    field_template_name = "forms/bootstrap_field.html"


def _css_class_for(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return ""
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


def _localize_decimal(field: forms.DecimalField) -> None:
    """A decimal shown and read as the reader's language writes it (``1.234,50`` in
    Spanish, ``1 234,50`` in Polish): a text input (a number input cannot show
    grouping) with the decimal keyboard; ``1234.50`` typed with a point is still read
    as it was meant (Django's separator rules)."""
    attrs = {
        key: value for key, value in field.widget.attrs.items() if key not in ("step", "min", "max")
    }
    field.localize = True
    field.widget = forms.TextInput(attrs={**attrs, "inputmode": "decimal"})
    field.widget.is_localized = True


class BootstrapFormMixin:
    """Gives widgets Bootstrap classes and marks invalid fields after validation;
    decimals are localized (``_localize_decimal``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField) and isinstance(
                field.widget, forms.NumberInput
            ):
                _localize_decimal(field)
            css = _css_class_for(field.widget)
            if css:
                existing = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{existing} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


def apply_domain_error(form: forms.Form | None, error) -> bool:
    """Show what a service refused on the form that sent it.

    ``error`` is a ``core.errors.DomainError`` (its ``fields`` map field names to
    messages) or a Django ``ValidationError``. Messages for a field the form has go
    on that field; the rest, and the error's own message when no field took it, go
    above the form. Returns True when at least one message landed on a field.
    """
    from django.core.exceptions import ValidationError

    if form is None:
        return False
    if isinstance(error, ValidationError):
        fields = error.error_dict if hasattr(error, "error_dict") else {None: error.messages}
        message = None
    else:
        fields = dict(getattr(error, "fields", None) or {})
        message = getattr(error, "message", str(error))
    placed = False
    for name, messages in fields.items():
        if isinstance(messages, str | ValidationError):
            messages = [messages]
        target = name if name in form.fields else None
        for text in messages:
            form.add_error(target, text)
        if target is not None:
            placed = True
            widget = form.fields[target].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            widget.attrs["aria-invalid"] = "true"
    if not fields and message:
        form.add_error(None, message)
    return placed
