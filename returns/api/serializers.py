"""Shapes of the returns API (validation of types only; the rules are the services')."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.api import serializers

from ..eligibility import MAX_QUANTITY, explain
from ..models import (
    Condition,
    Resolution,
    Return,
    ReturnAttachment,
    ReturnEvent,
    ReturnLine,
    ShippingPayer,
)
from ..services import MAX_LINES

REASON_HELP = _(
    "wrong_item, defective, damaged_in_transport, not_as_described, no_longer_needed, other "
    "(or a reason added by staff)."
)


# --- input -------------------------------------------------------------------------------


class ReturnLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    reason = serializers.CharField(max_length=30, help_text=REASON_HELP)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReturnCreateSerializer(serializers.Serializer):
    order = serializers.CharField(max_length=20, help_text=_("The order's number."))
    lines = ReturnLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    resolution = serializers.ChoiceField(choices=Resolution.choices)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    override_note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text=_("Staff and seller keys: accept lines the policy refuses, with this note."),
    )


class ReturnEligibilityInputSerializer(serializers.Serializer):
    order = serializers.CharField(max_length=20, help_text=_("The order's number."))
    lines = ReturnLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    resolution = serializers.ChoiceField(choices=Resolution.choices, required=False)


class ReturnAuthorizeInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    shipping_payer = serializers.ChoiceField(
        choices=ShippingPayer.choices,
        required=False,
        help_text=_("Who pays the return shipping (default: the reasons' and categories' rules)."),
    )


class ReturnRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReturnCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReturnReceiveLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY)


class WarehouseCodeField(serializers.CharField):
    """A warehouse by its code (None when no warehouse has it: the service answers)."""

    def run_validation(self, data=serializers.empty):
        from inventory.models import Warehouse

        value = super().run_validation(data)
        if value in (None, ""):
            return None
        warehouse = Warehouse.objects.filter(code=value.upper()).first()
        if warehouse is None:
            raise serializers.ValidationError(_("Unknown warehouse."))
        return warehouse


class ReturnReceiveInputSerializer(serializers.Serializer):
    lines = ReturnReceiveLineInputSerializer(
        many=True, required=False, allow_empty=False, max_length=MAX_LINES
    )
    warehouse = WarehouseCodeField(
        max_length=10, required=False, help_text=_("Default: the order's first warehouse.")
    )
    shipping_cost = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        help_text=_("Net return postage the buyer paid (refunded when the seller pays it)."),
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate(self, attrs):
        if "lines" in attrs:
            attrs["lines"] = [dict(line) for line in attrs["lines"]]
        return attrs


class ReturnInspectLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    condition = serializers.ChoiceField(choices=Condition.choices)
    quantity = serializers.IntegerField(
        min_value=0,
        max_value=MAX_QUANTITY,
        required=False,
        help_text=_("Default: the line's received units not graded yet."),
    )


class ReturnInspectInputSerializer(serializers.Serializer):
    lines = ReturnInspectLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES * 3)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate(self, attrs):
        attrs["lines"] = [dict(line) for line in attrs["lines"]]
        return attrs


class ReturnResolveInputSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(
        choices=Resolution.choices, required=False, help_text=_("Default: the one requested.")
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReturnAttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A photo (JPEG, PNG, WebP, HEIC) or a PDF."))


# --- output ------------------------------------------------------------------------------


class ReturnEligibilityLineSerializer(serializers.Serializer):
    sku = serializers.CharField()
    quantity = serializers.IntegerField(allow_null=True)
    eligible = serializers.BooleanField()
    code = serializers.CharField()
    reason = serializers.CharField(help_text=_("The explanation, in the request's language."))


class ReturnEligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    lines = ReturnEligibilityLineSerializer(many=True)


def verdict_rows(verdicts) -> list[dict]:
    return [
        {
            "sku": verdict.sku,
            "quantity": verdict.quantity,
            "eligible": verdict.eligible,
            "code": verdict.code,
            "reason": verdict.explanation,
        }
        for verdict in verdicts
    ]


class ReturnLineSerializer(serializers.ModelSerializer):
    reason = serializers.CharField(source="reason.code")
    eligibility = serializers.SerializerMethodField()
    eligible = serializers.SerializerMethodField()

    class Meta:
        model = ReturnLine
        fields = [
            "sku",
            "name",
            "quantity",
            "reason",
            "comment",
            "eligible",
            "eligibility",
            "received_quantity",
            "resellable_quantity",
            "damaged_quantity",
            "missing_quantity",
            "restocking_fee",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_eligible(self, line) -> bool:
        return bool(line.eligibility.get("eligible", True))

    @extend_schema_field(OpenApiTypes.STR)
    def get_eligibility(self, line) -> str:
        """The eligibility explanation given at request, in the reader's language."""
        return explain(line.eligibility) if line.eligibility else ""


class ReturnSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.number")
    customer = serializers.IntegerField(source="company_id")

    class Meta:
        model = Return
        fields = [
            "number",
            "order",
            "customer",
            "status",
            "requested_resolution",
            "resolution",
            "channel",
            "return_shipping_payer",
            "receive_by",
            "refund_due",
            "refund_total",
            "currency",
            "expired",
            "created_at",
            "updated_at",
        ]


class ReturnAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReturnAttachment
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "uploaded_by_label",
            "created_at",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment) -> str:
        path = reverse(
            "api-return-attachment-file",
            kwargs={"number": attachment.ret.number, "pk": attachment.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ReturnEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturnEvent
        fields = ["kind", "from_status", "to_status", "note", "actor_label", "created_at"]


class ReturnDetailSerializer(ReturnSerializer):
    lines = ReturnLineSerializer(many=True)
    attachments = ReturnAttachmentSerializer(many=True)
    events = serializers.SerializerMethodField()
    rejection_reason = serializers.CharField()
    cancel_reason = serializers.CharField()
    return_shipping_cost = serializers.DecimalField(max_digits=12, decimal_places=2)
    warehouse = serializers.CharField(source="warehouse.code", allow_null=True, default=None)
    label = serializers.SerializerMethodField()
    credit_note = serializers.CharField(source="credit_note.number", allow_null=True, default=None)
    credit_note_pdf = serializers.SerializerMethodField()
    replacement_order = serializers.CharField(
        source="replacement_order.number", allow_null=True, default=None
    )
    repair_shipped_at = serializers.DateTimeField(allow_null=True)
    refund_overdue = serializers.BooleanField()
    authorized_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    inspected_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)

    class Meta(ReturnSerializer.Meta):
        fields = [
            *ReturnSerializer.Meta.fields,
            "lines",
            "attachments",
            "events",
            "rejection_reason",
            "cancel_reason",
            "return_shipping_cost",
            "warehouse",
            "label",
            "credit_note",
            "credit_note_pdf",
            "replacement_order",
            "repair_shipped_at",
            "refund_overdue",
            "authorized_at",
            "received_at",
            "inspected_at",
            "resolved_at",
        ]

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(ReturnEventSerializer(many=True))
    def get_events(self, ret):
        company_view = bool(self.context.get("company_view"))
        rows = [e for e in ret.events.all() if e.customer_visible or not company_view]
        return ReturnEventSerializer(rows, many=True).data

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_label(self, ret):
        if not ret.has_label:
            return None
        return self._absolute(reverse("api-return-label", kwargs={"number": ret.number}))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_credit_note_pdf(self, ret):
        if not ret.credit_note_id:
            return None
        return self._absolute(reverse("api-invoice-pdf", kwargs={"number": ret.credit_note.number}))
