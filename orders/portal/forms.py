from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from ..forms import LinesField, quantity_from_text
from ..models import ShippingMethod
from ..services import MAX_LINE_QUANTITY


class AddToCartForm(forms.Form):
    sku = forms.CharField(max_length=64)
    quantity = forms.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)

    def clean_quantity(self):
        # IntegerField takes any Unicode digits ("٣"); a quantity is written with 0-9.
        if quantity_from_text(str(self.data.get("quantity", ""))) is None:
            message = self.fields["quantity"].error_messages["invalid"]
            raise forms.ValidationError(message, code="invalid")
        return self.cleaned_data["quantity"]


class QuickOrderForm(BootstrapFormMixin, forms.Form):
    lines = LinesField(label=_("Quick order"))


class CsvUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Two columns: SKU and quantity (a header row is optional)."),
    )


class CheckoutForm(BootstrapFormMixin, forms.Form):
    po_number = forms.CharField(label=_("Your PO number"), max_length=50, required=False)
    shipping_address = forms.TypedChoiceField(label=_("Ship to"), coerce=int, choices=())
    shipping_method = forms.ChoiceField(
        label=_("Shipping method"), choices=ShippingMethod.choices, initial=ShippingMethod.STANDARD
    )
    notes = forms.CharField(
        label=_("Comments"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    coupon = forms.CharField(label=_("Coupon code"), max_length=40, required=False)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        addresses = list(company.addresses.all())
        self.fields["shipping_address"].choices = [
            (a.pk, f"{a.label}: {', '.join(a.address_lines())}") for a in addresses
        ]
        default = next((a for a in addresses if a.is_default), None)
        if default is not None:
            self.fields["shipping_address"].initial = default.pk


class ApprovalForm(BootstrapFormMixin, forms.Form):
    """An admin's note on approving (optional) or rejecting (required) an order."""

    note = forms.CharField(
        label=_("Note for the buyer"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, reject=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.reject = reject

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if self.reject and not note:
            raise forms.ValidationError(_("Say why the order is rejected."), code="required")
        return note
