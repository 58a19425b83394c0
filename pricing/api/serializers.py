"""The pricing payloads of API.md: price lists, their prices, contract prices."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.api import serializers
from customers.models import Currency

from ..services import MAX_PRICES

MONEY = {"max_digits": 12, "decimal_places": 2}


class PriceListSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
        max_length=40,
        help_text=_("Unique; capital letters, digits, - and _ (stored in capitals)."),
    )
    name = serializers.CharField(max_length=200)
    currency = serializers.ChoiceField(choices=Currency.choices)
    is_default = serializers.BooleanField(
        required=False,
        help_text=_(
            "The default list of its currency (companies without a list buy from it); "
            "one per currency. The EUR default holds the catalog prices and stays."
        ),
    )
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_to = serializers.DateField(
        required=False, allow_null=True, help_text=_("Last day it applies; null: open.")
    )
    active = serializers.BooleanField(required=False)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate(self, attrs):
        start, end = attrs.get("valid_from"), attrs.get("valid_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"valid_to": [_("The list cannot end before it starts.")]}
            )
        return attrs


class PriceRowSerializer(serializers.Serializer):
    sku = serializers.CharField(source="product.sku")
    price = serializers.DecimalField(**MONEY, help_text=_("Net, in the list's currency."))
    min_quantity = serializers.IntegerField(
        help_text=_("1: the list price; more: a quantity break from that many units.")
    )
    from_catalog = serializers.BooleanField(
        help_text=_(
            "The default EUR list's base price: the product's unit_price (changing it here "
            "changes the product)."
        )
    )
    updated_at = serializers.DateTimeField()


class PriceItemSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    price = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("The price must be greater than zero.")},
    )
    min_quantity = serializers.IntegerField(
        required=False, min_value=1, max_value=1_000_000, default=1
    )


class PriceItemListSerializer(serializers.ListSerializer):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("child", PriceItemSerializer())
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", MAX_PRICES)
        super().__init__(*args, **kwargs)


class PriceKeySerializer(serializers.Serializer):
    sku = serializers.CharField()
    min_quantity = serializers.IntegerField()


class UpsertResultSerializer(serializers.Serializer):
    created = PriceKeySerializer(many=True)
    updated = PriceKeySerializer(many=True)
    unchanged = PriceKeySerializer(many=True, help_text=_("Sent with the price they had."))


class ContractPriceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    sku = serializers.CharField(source="product.sku")
    price = serializers.DecimalField(
        **MONEY, help_text=_("Net, in the company's currency; its discount does not apply.")
    )
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ContractItemSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    price = serializers.DecimalField(
        **MONEY,
        min_value=Decimal("0.01"),
        error_messages={"min_value": _("The price must be greater than zero.")},
    )
    valid_from = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("With the SKU, what identifies the contract price to update."),
    )
    valid_to = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        start, end = attrs.get("valid_from"), attrs.get("valid_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"valid_to": [_("The end cannot be before the start.")]}
            )
        return attrs


class ContractItemListSerializer(serializers.ListSerializer):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("child", ContractItemSerializer())
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", MAX_PRICES)
        super().__init__(*args, **kwargs)


class ContractUpsertResultSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField(), help_text=_("SKUs."))
    updated = serializers.ListField(child=serializers.CharField(), help_text=_("SKUs."))
    unchanged = serializers.ListField(child=serializers.CharField(), help_text=_("SKUs."))
