"""The customer payload of API.md: ``name`` is the legal name and ``billing_address``
groups the company's own address fields (also its first default shipping address)."""

from django.utils.translation import gettext_lazy as _

from core.api import serializers
from core.countries import COUNTRIES
from core.fiscal import normalize_vat_number, vat_number_problem

from ..hooks import company_api_fields
from ..models import CompanyStatus, Currency, Language, PaymentTerms


class TagListField(serializers.ListField):
    """Segment tags by name (created when new)."""

    def to_representation(self, data):
        return sorted(tag.name for tag in data.all())


class BillingAddressSerializer(serializers.Serializer):
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20)
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.ChoiceField(choices=COUNTRIES)


class CustomerSerializer(serializers.Serializer):
    """Reads and validates the payload only; customers.services does the writing."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="legal_name", max_length=200)
    tax_id = serializers.CharField(
        max_length=40, help_text=_("NIF/CIF, NIP or EU VAT number (spaces and dashes ignored).")
    )
    vat_number = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text=_(
            "EU VAT number with its country prefix (PL5260250995); format and checksum "
            "are checked. It decides the intra-EU fiscal position."
        ),
    )
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    payment_terms = serializers.ChoiceField(choices=PaymentTerms.choices, required=False)
    consumer_protected = serializers.BooleanField(
        required=False,
        help_text=_(
            "A Polish sole trader buying with consumer protection: complaints are "
            "answered within 14 days (or deemed accepted)."
        ),
    )
    credit_limit = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False
    )
    discount_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    status = serializers.ChoiceField(choices=CompanyStatus.choices, required=False)
    billing_address = BillingAddressSerializer(source="*")
    external_ref = serializers.CharField(
        max_length=100,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=_("The company's id in the ERP (unique)."),
    )
    tags = TagListField(child=serializers.CharField(max_length=50), required=False, max_length=50)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate_external_ref(self, value):
        return value or None

    # Fields that apps above customers add (customers.hooks), e.g. ``price_list``.
    def get_fields(self):
        fields = super().get_fields()
        for name, extra in company_api_fields.items():
            fields[name] = extra.field()
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        for name, extra in company_api_fields.items():
            if name in attrs:
                attrs[name] = extra.validate(attrs[name], attrs, self.instance)
        return attrs

    def validate_vat_number(self, value):
        if not value:
            return ""
        problem = vat_number_problem(value)
        if problem:
            raise serializers.ValidationError(problem, code="invalid_vat_number")
        return normalize_vat_number(value)
