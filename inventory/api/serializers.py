"""The inventory payloads of API.md. Serializers read and validate the JSON only;
``inventory.services`` applies the business rules and does the writing."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from modeltranslation.utils import get_language

from core.api import serializers
from core.api.schema import NOT_BLANK_PATTERN
from core.fiscal import category_for_rate, seller_country
from core.models import TaxCategory

from .. import i18n
from ..models import MovementKind, ReturnShippingPayer
from ..services import MANUAL_KINDS, MAX_BULK_PRODUCTS

#: Most stock changes one POST to /stock/movements/ may carry. Kept at 500: locking
#: more distinct stock items in one statement exceeds SQLite's expression depth
#: (embedded mode); PostgreSQL would take more.
MAX_MOVEMENTS = 500
BIGINT_MAX = 2**63 - 1


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: text ("5"), decimals (5.0, 5.5) and booleans are refused."""

    default_error_messages = {
        "invalid": _("A whole number is required (not text or a decimal)."),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class TranslatedTextField(serializers.Field):
    """A translated catalog text (``inventory.i18n``). In: a string (the Spanish text,
    the default language) or ``{"es": ..., "en": ..., "pl": ...}`` (the languages given
    change; ``null`` or ``""`` clears one; a required field needs its Spanish text). Out:
    the text in the request's language (``Accept-Language``, default Spanish) with the
    catalog's fallback; every language is in the serializer's ``translations``."""

    default_error_messages = {
        "invalid": _("Send a string or an object of translations (es, en, pl)."),
        "unknown_language": _("Unknown language: %(codes)s. Use es, en or pl."),
    }

    def __init__(self, *, max_length: int, allow_blank: bool = False, **kwargs):
        kwargs["source"] = "*"
        super().__init__(**kwargs)
        self.max_length = max_length
        self.allow_blank = allow_blank

    def _text(self, *, default_language: bool) -> serializers.CharField:
        blank_ok = self.allow_blank or not default_language
        return serializers.CharField(
            max_length=self.max_length, allow_blank=blank_ok, allow_null=not default_language
        )

    def to_internal_value(self, data):
        if isinstance(data, str):
            return {self.field_name: self._text(default_language=True).run_validation(data)}
        if not isinstance(data, dict):
            self.fail("invalid")
        unknown = sorted(str(key) for key in data if key not in i18n.LANGUAGES)
        if unknown:
            self.fail("unknown_language", codes=", ".join(unknown))
        partial = bool(getattr(self.parent, "partial", False))
        if not partial and not self.allow_blank and i18n.DEFAULT_LANGUAGE not in data:
            raise serializers.ValidationError(
                {i18n.DEFAULT_LANGUAGE: [_("The Spanish text is required.")]}
            )
        values, errors = {}, {}
        for language, text in data.items():
            field = self._text(default_language=language == i18n.DEFAULT_LANGUAGE)
            try:
                values[language] = field.run_validation(text)
            except serializers.ValidationError as error:
                errors[language] = error.detail
        if errors:
            raise serializers.ValidationError(errors)
        return {self.field_name: values}

    def to_representation(self, instance):
        return i18n.text_in(instance, self.field_name, get_language())


class TranslatedTextFieldSchema(OpenApiSerializerFieldExtension):
    """Answers: a string. Requests: a string or an object of translations."""

    target_class = TranslatedTextField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        text = {"type": "string", "maxLength": field.max_length}
        if direction != "request":
            return {"type": "string"}
        default = dict(text)
        if not field.allow_blank:
            default["pattern"] = NOT_BLANK_PATTERN
        other = {**text, "nullable": True}
        translations = {
            "type": "object",
            "properties": {
                language: default if language == i18n.DEFAULT_LANGUAGE else other
                for language in i18n.LANGUAGES
            },
            "additionalProperties": False,
        }
        if not field.allow_blank and auto_schema.method != "PATCH":
            translations["required"] = [i18n.DEFAULT_LANGUAGE]
        return {"oneOf": [default, translations]}


class TranslationsField(serializers.Field):
    """Every language of the translated fields: ``{"name": {"es", "en", "pl"}, ...}``."""

    def __init__(self, *, fields: tuple[str, ...], **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)
        self.translated = fields

    def to_representation(self, instance):
        return {name: i18n.translations(instance, name) for name in self.translated}


class TranslationsFieldSchema(OpenApiSerializerFieldExtension):
    target_class = TranslationsField

    def map_serializer_field(self, auto_schema, direction):
        languages = {
            "type": "object",
            "properties": {language: {"type": "string"} for language in i18n.LANGUAGES},
            "required": list(i18n.LANGUAGES),
        }
        return {
            "type": "object",
            "properties": dict.fromkeys(self.target.translated, languages),
            "required": list(self.target.translated),
            "readOnly": True,
        }


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = TranslatedTextField(max_length=100)
    returnable = serializers.BooleanField(
        required=False, help_text=_("False for goods that can never be returned.")
    )
    return_window_days = StrictIntegerField(
        min_value=0, max_value=365, required=False, help_text=_("Counted from delivery.")
    )
    return_conditions = TranslatedTextField(required=False, allow_blank=True, max_length=5000)
    return_shipping_paid_by = serializers.ChoiceField(
        choices=ReturnShippingPayer.choices, required=False
    )
    restocking_fee_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    translations = TranslationsField(
        fields=("name", "return_conditions"),
        help_text=_("The name and return conditions in every language."),
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ProductSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    sku = serializers.CharField(max_length=64, help_text=_("Letters, digits and . _ / - (unique)."))
    name = TranslatedTextField(max_length=200)
    description = TranslatedTextField(required=False, allow_blank=True, max_length=20000)
    category = StrictIntegerField(
        source="category_id", min_value=1, max_value=BIGINT_MAX, help_text=_("Category id.")
    )
    supplier = StrictIntegerField(
        source="supplier_id",
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        allow_null=True,
        help_text=_("Supplier id: complaints about the product can be claimed from it."),
    )
    unit_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, help_text=_("Net price, before VAT.")
    )
    tax_category = serializers.ChoiceField(
        choices=TaxCategory.choices,
        required=False,
        help_text=_(
            "What kind of goods it is for VAT; each country rates each category "
            "(ES 21/10/4/0, PL 23/8/5/0). Default standard."
        ),
    )
    vat_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        help_text=_(
            "Compatibility: the seller country's rate of the tax category. Sent instead of "
            "tax_category, it selects the seller country's category with that rate."
        ),
    )
    weight_kg = serializers.DecimalField(
        max_digits=10, decimal_places=3, min_value=0, required=False
    )
    active = serializers.BooleanField(
        required=False, help_text=_("Inactive products cannot be ordered.")
    )
    external_ref = serializers.CharField(
        max_length=100,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=_("The product's id in the ERP (unique)."),
    )
    translations = TranslationsField(
        fields=("name", "description"),
        help_text=_("The name and description in every language."),
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate_external_ref(self, value):
        return value or None

    def validate_supplier(self, value):
        from ..models import Supplier

        if value is not None and not Supplier.objects.filter(pk=value).exists():
            raise serializers.ValidationError(_("Unknown supplier."))
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "vat_rate" in attrs:
            rate = attrs.pop("vat_rate")
            category = category_for_rate(rate)
            if category is None:
                raise serializers.ValidationError(
                    {
                        "vat_rate": [
                            _(
                                "No tax category has a VAT rate of %(rate)s %% in %(country)s: "
                                "send tax_category instead."
                            )
                            % {"rate": rate, "country": seller_country()}
                        ]
                    }
                )
            if attrs.get("tax_category", category) != category:
                raise serializers.ValidationError(
                    {"vat_rate": [_("The VAT rate does not match the tax category.")]}
                )
            attrs["tax_category"] = category
        return attrs


class ProductListSerializer(serializers.ListSerializer):
    """A JSON array of products for the bulk upsert."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("child", ProductSerializer())
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", MAX_BULK_PRODUCTS)
        super().__init__(*args, **kwargs)


class BulkUpsertResultSerializer(serializers.Serializer):
    created = serializers.ListField(
        child=serializers.CharField(), help_text=_("SKUs of the products created.")
    )
    updated = serializers.ListField(
        child=serializers.CharField(), help_text=_("SKUs of the products changed.")
    )
    unchanged = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("SKUs sent with the data they already had (not written)."),
    )
    results = ProductSerializer(
        many=True, source="products", help_text=_("Every product sent, in input order.")
    )


class WarehouseSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(
        max_length=10, help_text=_("Capital letters, digits, _ and - (e.g. MAD); unique.")
    )
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    is_default = serializers.BooleanField(
        required=False,
        help_text=_("Reservations are served from here first; only one warehouse is default."),
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate_code(self, value):
        return value.upper()


class StockItemSerializer(serializers.Serializer):
    sku = serializers.CharField(source="product.sku", read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    on_hand = serializers.IntegerField(read_only=True)
    reserved = serializers.IntegerField(read_only=True)
    available = serializers.IntegerField(
        read_only=True, help_text=_("on_hand - reserved: what can still be ordered.")
    )
    reorder_point = serializers.IntegerField(read_only=True)
    reorder_quantity = serializers.IntegerField(read_only=True)
    below_reorder_point = serializers.BooleanField(source="is_below_reorder_point", read_only=True)
    bin_location = serializers.CharField(
        read_only=True, help_text=_("Where the product sits in the warehouse; may be empty.")
    )
    updated_at = serializers.DateTimeField(read_only=True)


class StockMovementSerializer(serializers.Serializer):
    """One ledger line: how much on hand and reserved changed, and the levels after it."""

    id = serializers.IntegerField(read_only=True)
    sku = serializers.CharField(source="stock_item.product.sku", read_only=True)
    warehouse = serializers.CharField(source="stock_item.warehouse.code", read_only=True)
    kind = serializers.ChoiceField(choices=MovementKind.choices, read_only=True)
    on_hand_delta = serializers.IntegerField(read_only=True)
    reserved_delta = serializers.IntegerField(read_only=True)
    on_hand_after = serializers.IntegerField(read_only=True)
    reserved_after = serializers.IntegerField(read_only=True)
    #: In the request's language (the system's message, else the typed reason).
    reason = serializers.CharField(source="reason_text", read_only=True)
    reference = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class StockChangeSerializer(serializers.Serializer):
    """One item of the POST body of /stock/movements/."""

    sku = serializers.CharField(max_length=64)
    warehouse = serializers.CharField(max_length=10, help_text=_("Warehouse code."))
    quantity = StrictIntegerField(
        min_value=-1_000_000,
        max_value=1_000_000,
        help_text=_(
            "Units: > 0 for receipt and write_off; a non-zero signed change for adjustment."
        ),
    )
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in MANUAL_KINDS])
    reason = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text=_("Required for adjustment and write_off."),
    )
    reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("E.g. a delivery note number."),
    )


class StockChangeListSerializer(serializers.ListSerializer):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("child", StockChangeSerializer())
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", MAX_MOVEMENTS)
        super().__init__(*args, **kwargs)
