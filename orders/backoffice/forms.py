from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fiscal import FiscalPosition
from core.forms import BootstrapFormMixin
from customers.models import Address, Company

from ..actions import registry
from ..forms import LinesField
from ..models import Carrier, Coupon, ShippingMethod


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class OrderCreateForm(BootstrapFormMixin, forms.Form):
    """Staff place an order on behalf of a customer."""

    company = forms.ModelChoiceField(
        label=_("Customer"), queryset=Company.objects.filter(status="active").order_by("legal_name")
    )
    lines = LinesField()
    po_number = forms.CharField(label=_("PO number"), max_length=50, required=False)
    shipping_method = forms.ChoiceField(label=_("Shipping method"), choices=ShippingMethod.choices)
    shipping_address = forms.ModelChoiceField(
        label=_("Shipping address"),
        queryset=Address.objects.select_related("company").order_by("company__legal_name", "label"),
        required=False,
        help_text=_("Empty: the customer's default address."),
    )
    notes = forms.CharField(
        label=_("Comments"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    coupon = forms.CharField(label=_("Coupon"), max_length=40, required=False)

    def clean(self):
        data = super().clean()
        address, company = data.get("shipping_address"), data.get("company")
        if address is not None and company is not None and address.company_id != company.pk:
            self.add_error("shipping_address", _("This address belongs to another customer."))
        return data


class ShipForm(BootstrapFormMixin, forms.Form):
    carrier = forms.ModelChoiceField(
        label=_("Carrier"), queryset=Carrier.objects.filter(active=True), to_field_name="code"
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100)
    estimated_delivery = forms.DateField(label=_("Estimated delivery"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estimated_delivery"].widget.attrs["min"] = timezone.localdate().isoformat()


class DeliverForm(BootstrapFormMixin, forms.Form):
    delivered_at = forms.DateTimeField(
        label=_("Delivered at"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Empty: now."),
    )


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class FiscalPositionForm(NoteForm):
    """The new fiscal position of a pending order and why (the note is required)."""

    fiscal_position = forms.ChoiceField(label=_("Fiscal position"), choices=FiscalPosition.choices)

    field_order = ["fiscal_position", "note"]


class OrderNoteForm(NoteForm):
    customer_visible = forms.BooleanField(label=_("Visible to the customer"), required=False)


class PaymentForm(BootstrapFormMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2, min_value=0.01)
    paid_at = forms.DateTimeField(
        label=_("Paid at"), required=False, widget=DateTimeInput(), help_text=_("Empty: now.")
    )
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)


class BulkActionForm(forms.Form):
    """One of the actions declared ``bulk=True`` (``orders.actions``) on chosen orders."""

    action = forms.ChoiceField(choices=())
    orders = forms.TypedMultipleChoiceField(coerce=int, choices=())
    note = forms.CharField(max_length=2000, required=False)

    def __init__(self, *args, order_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = self.action_choices()
        self.fields["orders"].choices = [(pk, pk) for pk in order_ids]

    @staticmethod
    def action_choices() -> list[tuple[str, str]]:
        return [(action.name, action.label) for action in registry.bulk_actions()]


class CouponForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Coupon
        fields = [
            "code",
            "description",
            "kind",
            "value",
            "currency",
            "minimum_order",
            "valid_from",
            "valid_until",
            "usage_limit",
            "active",
        ]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class CarrierForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Carrier
        fields = [
            "code",
            "name",
            "tracking_url_template",
            "transit_days_standard",
            "transit_days_express",
            "claims_email",
            "claim_days_damage",
            "claim_days_delay",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty: the defaults (CMR: 7 days for hidden damage, 21 for delay).
        for name in ("claim_days_damage", "claim_days_delay"):
            self.fields[name].required = False

    def _claim_days(self, name):
        value = self.cleaned_data.get(name)
        return Carrier._meta.get_field(name).default if value is None else value

    def clean_claim_days_damage(self):
        return self._claim_days("claim_days_damage")

    def clean_claim_days_delay(self):
        return self._claim_days("claim_days_delay")

    def clean_code(self):
        return self.cleaned_data["code"].strip().lower()
