"""The order payloads of API.md. Input serializers only check shapes and types; the
orders service validates the business rules (SKUs, stock, coupons, transitions)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from core.api import serializers
from core.countries import COUNTRIES
from core.fiscal import FiscalPosition
from core.models import TaxCategory
from pricing.models import PriceSource

from ..hooks import order_documents
from ..models import OrderEvent, OrderStatus, Payment, ShippingMethod
from ..services import MAX_LINE_QUANTITY, MAX_LINES, resolve_carrier

MONEY = {"max_digits": 12, "decimal_places": 2}


# --- output -------------------------------------------------------------------------------


class AllocationSerializer(serializers.Serializer):
    warehouse = serializers.CharField()
    quantity = serializers.IntegerField()


class OrderLineSerializer(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    backordered_quantity = serializers.IntegerField(
        help_text=_(
            "Units of the quantity not reserved yet (a backorder): reserved first when "
            "stock arrives; the order ships what is reserved."
        )
    )
    list_price = serializers.DecimalField(**MONEY)
    unit_price = serializers.DecimalField(**MONEY, help_text=_("After the customer's discount."))
    price_source = serializers.ChoiceField(
        choices=PriceSource.choices,
        help_text=_(
            "Where the price came from: the customer's price list, a quantity break or "
            "its contract price (no discount on a contract price)."
        ),
    )
    tax_category = serializers.ChoiceField(choices=TaxCategory.choices)
    vat_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        help_text=_("From the order's fiscal position and the product's tax category."),
    )
    line_total = serializers.DecimalField(**MONEY, help_text=_("Net (before VAT)."))
    allocations = AllocationSerializer(many=True)


class TotalsSerializer(serializers.Serializer):
    subtotal = serializers.DecimalField(**MONEY)
    discount = serializers.DecimalField(**MONEY)
    tax = serializers.DecimalField(**MONEY)
    shipping = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)


class ShipmentSerializer(serializers.Serializer):
    carrier = serializers.CharField(source="carrier.code")
    carrier_name = serializers.CharField(source="carrier.name")
    tracking_number = serializers.CharField()
    tracking_url = serializers.CharField()
    estimated_delivery = serializers.DateField(allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)


class AddressOutSerializer(serializers.Serializer):
    label = serializers.CharField(required=False)
    recipient = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    line1 = serializers.CharField()
    line2 = serializers.CharField(required=False)
    postal_code = serializers.CharField()
    city = serializers.CharField()
    region = serializers.CharField(required=False)
    country = serializers.CharField()


class CheckSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=["customer_data", "payment", "stock"])
    passed = serializers.BooleanField()
    reason = serializers.CharField()


class OrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    customer = serializers.IntegerField(source="company_id")
    customer_name = serializers.CharField(source="company.legal_name")
    channel = serializers.CharField()
    po_number = serializers.CharField()
    currency = serializers.CharField()
    fiscal_position = serializers.ChoiceField(
        choices=FiscalPosition.choices,
        help_text=_(
            "domestic: the seller country's VAT rates; intra_eu: exempt intra-Community "
            "supply, no VAT; export: exempt export, no VAT."
        ),
    )
    seller_vat_number = serializers.CharField()
    customer_vat_number = serializers.CharField()
    shipping_method = serializers.ChoiceField(choices=ShippingMethod.choices)
    shipping_address = AddressOutSerializer()
    notes = serializers.CharField()
    coupon = serializers.CharField(source="coupon.code", allow_null=True, default=None)
    on_hold = serializers.BooleanField()
    hold_reason = serializers.CharField(source="hold_reason_text")
    awaiting_approval = serializers.BooleanField(
        help_text=_(
            "Placed by a buyer above their order limit: pending, its stock reserved, until "
            "an administrator of the company approves it in the portal (rejecting cancels it)."
        )
    )
    payment_status = serializers.CharField()
    amount_paid = serializers.DecimalField(**MONEY)
    lines = OrderLineSerializer(many=True)
    totals = serializers.SerializerMethodField()
    promised_delivery_date = serializers.DateField(allow_null=True)
    shipment = serializers.SerializerMethodField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, order):
        return TotalsSerializer(order).data

    @extend_schema_field(ShipmentSerializer(allow_null=True))
    def get_shipment(self, order):
        return ShipmentSerializer(order).data if order.carrier_id else None


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "amount", "paid_at", "reference", "created_at"]


class OrderDetailSerializer(OrderSerializer):
    billing_address = serializers.DictField(child=serializers.CharField())
    checks = serializers.SerializerMethodField()
    payments = PaymentSerializer(many=True)
    documents = serializers.SerializerMethodField()

    @extend_schema_field(CheckSerializer(many=True))
    def get_checks(self, order):
        return [check.as_dict() for check in order.preparation_checklist()]

    def get_documents(self, order):
        """Filled in by the documents app (``orders.hooks``)."""
        return order_documents.serialize(order, self.context)


class OrderEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by_text")
    #: In the request's language (a stored message, else the typed note).
    note = serializers.CharField(source="note_text")

    class Meta:
        model = OrderEvent
        fields = [
            "id",
            "kind",
            "from_status",
            "to_status",
            "note",
            "by",
            "customer_visible",
            "created_at",
        ]


class PaymentRecordedSerializer(serializers.Serializer):
    payment = PaymentSerializer()
    payment_status = serializers.CharField()
    amount_paid = serializers.DecimalField(**MONEY)
    balance_due = serializers.DecimalField(**MONEY)


# --- input ----------------------------------------------------------------------------------


class LineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


class AddressInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)
    recipient = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20)
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.ChoiceField(choices=COUNTRIES)


class OrderCreateSerializer(serializers.Serializer):
    customer = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text=_("The customer company's id; company keys may leave it out."),
    )
    po_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    lines = LineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    shipping_method = serializers.ChoiceField(
        choices=ShippingMethod.choices, default=ShippingMethod.STANDARD
    )
    shipping_address = AddressInputSerializer(
        required=False,
        allow_null=True,
        help_text=_(
            "Left out: the customer's default shipping address. An address not on "
            "file puts the order on hold for review."
        ),
    )
    shipping_address_id = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text=_("One of the customer's stored shipping addresses (instead of an address)."),
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    coupon = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True)
    allow_backorder = serializers.BooleanField(
        default=False,
        help_text=_(
            "For a customer that allows backorders: place the units over what is "
            "available as backorders instead of answering 409 insufficient_stock."
        ),
    )


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class FiscalPositionInputSerializer(serializers.Serializer):
    fiscal_position = serializers.ChoiceField(
        choices=FiscalPosition.choices,
        help_text=_("The new fiscal position; the lines' VAT and the totals follow it."),
    )
    note = serializers.CharField(max_length=2000, help_text=_("Why (required)."))


class OptionalNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CarrierField(serializers.CharField):
    """An active carrier given by its code or name, any case (None when no carrier has
    it: the service then answers the field error with the other input errors)."""

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        return resolve_carrier(value) if isinstance(value, str) else value

    def to_representation(self, value):
        return getattr(value, "code", value)


class ShipInputSerializer(serializers.Serializer):
    carrier = CarrierField(max_length=100, help_text=_("Code or name, any case."))
    tracking_number = serializers.CharField(max_length=100)
    estimated_delivery = serializers.DateField(help_text=_("Not before today."))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class DeliverInputSerializer(serializers.Serializer):
    delivered_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_("Defaults to now; never in the future.")
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class PaymentInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    paid_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_("Defaults to now; never in the future.")
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
