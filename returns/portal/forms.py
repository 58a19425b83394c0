"""The return request form, shared by the portal ("Return items") and the back-office
(staff on the customer's behalf, who may also override a refusal with a note)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from core.uploads import accepted_types_text

from ..models import Resolution, ReturnReason

MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (each checked by ``core.uploads`` in the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            files = [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        else:
            files = [super().clean(data, initial)] if data else []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("At most %(max)d files at once.") % {"max": MAX_FILES}, code="too_many"
            )
        return files


class ReturnRequestForm(BootstrapFormMixin, forms.Form):
    """One quantity, reason and comment per line of the order; the lines left at 0 are
    not returned."""

    resolution = forms.ChoiceField(label=_("Preferred resolution"), choices=Resolution.choices)
    notes = forms.CharField(
        label=_("Comments"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = MultipleFileField(label=_("Photos or documents"), required=False)

    def __init__(self, *args, order, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["files"].help_text = _(
            "Accepted: %(types)s. Photos are required for defective goods and damage in transport."
        ) % {"types": accepted_types_text()}
        reasons = [(r.code, r.label) for r in ReturnReason.objects.filter(active=True)]
        self.line_rows = []
        for line in order.lines.order_by("position"):
            names = {key: f"{key}_{line.pk}" for key in ("quantity", "reason", "comment")}
            self.fields[names["quantity"]] = forms.IntegerField(
                label=_("Quantity to return"), min_value=0, max_value=line.quantity, initial=0
            )
            self.fields[names["reason"]] = forms.ChoiceField(
                label=_("Reason"), choices=[("", "—"), *reasons], required=False
            )
            self.fields[names["comment"]] = forms.CharField(
                label=_("Comment"), max_length=1000, required=False
            )
            self.line_rows.append((line, names))
        if staff:
            self.fields["override_note"] = forms.CharField(
                label=_("Override note"),
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_(
                    "Accept lines the policy refuses (window closed, not returnable): say why."
                ),
            )

    def rows(self):
        """(order line, quantity field, reason field, comment field) for the template."""
        return [
            (line, self[names["quantity"]], self[names["reason"]], self[names["comment"]])
            for line, names in self.line_rows
        ]

    def clean(self):
        data = super().clean()
        chosen = False
        for _line, names in self.line_rows:
            quantity = data.get(names["quantity"]) or 0
            if quantity:
                chosen = True
                if not data.get(names["reason"]):
                    self.add_error(names["reason"], _("Choose a reason for this line."))
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choose at least one line and its quantity."))
        return data

    def lines(self) -> list[dict]:
        """The service's lines: ``[{"sku", "quantity", "reason", "comment"}]``."""
        data = self.cleaned_data
        return [
            {
                "sku": line.sku,
                "quantity": data.get(names["quantity"]),
                "reason": data.get(names["reason"]),
                "comment": data.get(names["comment"], ""),
            }
            for line, names in self.line_rows
            if data.get(names["quantity"])
        ]

    def preview_lines(self) -> list[dict]:
        """Lines for the live explanation, from whatever was typed so far."""
        lines = []
        for line, names in self.line_rows:
            raw = self.data.get(self.add_prefix(names["quantity"]), "")
            quantity = raw.strip() if isinstance(raw, str) else raw
            if quantity in ("", "0", None):
                continue
            lines.append(
                {
                    "sku": line.sku,
                    "quantity": quantity,
                    "reason": self.data.get(self.add_prefix(names["reason"]), ""),
                }
            )
        return lines
