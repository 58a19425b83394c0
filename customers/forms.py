from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from .models import Address, Company, CustomerRole, TimelineKind, User, Visibility
from .validators import normalize_tax_id, normalize_vat_number


class CompanyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Company
        fields = [
            "legal_name",
            "tax_id",
            "vat_number",
            "email",
            "phone",
            "line1",
            "line2",
            "postal_code",
            "city",
            "region",
            "country",
            "language",
            "currency",
            "consumer_protected",
            "payment_terms",
            "credit_limit",
            "discount_percent",
            "status",
            "allows_backorders",
            "tags",
            "external_ref",
        ]
        widgets = {"tags": forms.CheckboxSelectMultiple}

    def clean_tax_id(self):
        return normalize_tax_id(self.cleaned_data["tax_id"])

    def clean_vat_number(self):
        return normalize_vat_number(self.cleaned_data.get("vat_number") or "")

    def clean_external_ref(self):
        return self.cleaned_data.get("external_ref") or None


class AddressForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Address
        fields = [
            "label",
            "recipient",
            "line1",
            "line2",
            "postal_code",
            "city",
            "region",
            "country",
            "phone",
            "is_default",
        ]


class TimelineNoteForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (TimelineKind.NOTE, TimelineKind.NOTE.label),
            (TimelineKind.CALL, TimelineKind.CALL.label),
            (TimelineKind.MEETING, TimelineKind.MEETING.label),
        ],
    )
    summary = forms.CharField(label=_("Summary"), max_length=255)
    body = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.STAFF
    )


class CustomerUserForm(BootstrapFormMixin, forms.Form):
    """Who to invite. Whether the email already has an account is for the service to
    say (staff see it; a customer admin must not learn it)."""

    email = forms.EmailField(label=_("Email"), max_length=User._meta.get_field("email").max_length)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=CustomerRole.choices, initial=CustomerRole.BUYER
    )

    def clean_email(self):
        return self.cleaned_data["email"].lower()


class OrderLimitForm(BootstrapFormMixin, forms.Form):
    """A buyer's order limit: orders above it wait for an admin's approval."""

    order_limit = forms.DecimalField(
        label=_("Order limit"),
        required=False,
        min_value=0,
        max_value=Decimal("9999999999.99"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Empty: no limit."),
    )


class RoleForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=CustomerRole.choices)
