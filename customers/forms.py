from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.forms import BootstrapFormMixin

from .models import Address, Company, CustomerRole, TimelineKind, User, Visibility
from .validators import normalize_tax_id


class CompanyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Company
        fields = [
            "legal_name",
            "tax_id",
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
            "payment_terms",
            "credit_limit",
            "discount_percent",
            "status",
            "tags",
            "external_ref",
        ]
        widgets = {"tags": forms.CheckboxSelectMultiple}

    def clean_tax_id(self):
        return normalize_tax_id(self.cleaned_data["tax_id"])

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


class RoleForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=CustomerRole.choices)


def add_service_errors(form: forms.Form, error: ValidationError | DomainError) -> None:
    """Show what a service refused on the form that sent it: on the field when the form
    has one of that name, otherwise above the form."""
    if isinstance(error, DomainError):
        form.add_error(None, error.message)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = name if name in form.fields else None
        form.add_error(field, errors)
        if field is not None:
            widget = form.fields[field].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            widget.attrs["aria-invalid"] = "true"
