"""The complaint form (the portal's and, with a priority, the back-office's on a
customer's behalf), the customer's reply and the customer's action forms (reopen with a
reason, rate 1-5 with a comment). Forms check shapes; the services decide (a foreign
order or an unknown SKU is the service's error, shown on its field)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from ..backoffice.forms import evidence_field
from ..models import Category


class ComplaintForm(BootstrapFormMixin, forms.Form):
    """What the complaint is about (an order, one of its lines by SKU, a product by
    SKU, or nothing in particular), its category, description and photos."""

    order = forms.CharField(label=_("Order"), max_length=64, required=False)
    sku = forms.CharField(label=_("Product (SKU)"), max_length=64, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    description = forms.CharField(
        label=_("What happened?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, company, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.order = order
        self.fields["files"] = evidence_field()
        self.fields["order"].help_text = _("Optional: the order the problem is about.")
        self.fields["sku"].help_text = _("Optional: the product, or the order's line.")
        if order is not None:
            lines = [
                (line.sku, f"{line.sku} · {line.name}") for line in order.lines.order_by("position")
            ]
            self.fields["order"].initial = order.number
            self.fields["order"].widget = forms.HiddenInput()
            self.fields["sku"] = forms.ChoiceField(
                label=_("Which item?"),
                choices=[("", _("The whole order")), *lines],
                required=False,
            )
            self.fields["sku"].widget.attrs["class"] = "form-select"

    def clean_description(self):
        value = self.cleaned_data["description"].replace("\x00", "").strip()
        if not value:
            raise forms.ValidationError(_("Describe the problem."), code="required")
        return value

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "order": data.get("order", "").strip() or None,
            "sku": data.get("sku", "").strip() or None,
            "category": data["category"],
            "description": data["description"],
        }


class PortalComplaintForm(ComplaintForm):
    pass


class ReplyForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_body(self):
        value = self.cleaned_data["body"].replace("\x00", "").strip()
        if not value:
            raise forms.ValidationError(_("Write a message."), code="required")
        return value

    def service_data(self) -> dict:
        return {"body": self.cleaned_data["body"]}


class StaffComplaintForm(ComplaintForm):
    """The same complaint, filed by staff on the customer's behalf, with a priority."""

    def __init__(self, *args, **kwargs):
        from ..models import Priority

        super().__init__(*args, **kwargs)
        self.fields["priority"] = forms.ChoiceField(
            label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
        )
        self.fields["priority"].widget.attrs["class"] = "form-select"
        self.order_fields(["order", "sku", "category", "priority", "description", "files"])

    def service_data(self) -> dict:
        return {**super().service_data(), "priority": self.cleaned_data["priority"]}
