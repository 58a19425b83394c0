"""Shapes of the complaints API (validation of types only; the rules are the services').

A company key's answers never carry internal notes, internal evidence, staff-only
history or the staff's analysis (root cause, responsible party, corrective action):
``company_view`` in the context decides, and the view's queryset has already left the
internal rows out.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.api import serializers

from .. import deadlines
from ..models import (
    Category,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintMessage,
    Decision,
    DefectVisibility,
    Priority,
    Resolution,
)
from ..services import MAX_LINES, MAX_TEXT, clocks_of

# --- input -------------------------------------------------------------------------------


class ComplaintCreateSerializer(serializers.Serializer):
    order = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text=_("The order's number.")
    )
    sku = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text=_("The product complained of.")
    )
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=MAX_TEXT)
    priority = serializers.ChoiceField(
        choices=Priority.choices, required=False, help_text=_("Seller keys and staff only.")
    )
    defect_visibility = serializers.ChoiceField(
        choices=DefectVisibility.choices, required=False, allow_blank=True
    )
    customer = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "Seller keys and staff: the customer's id (default: the order's customer). "
            "Company keys file for their own company."
        ),
    )


class ComplaintNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


class ComplaintReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


class ComplaintDecideInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reasoning = serializers.CharField(
        max_length=MAX_TEXT, help_text=_("Required; the customer reads it.")
    )


class ComplaintResolveLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)


class ComplaintResolveInputSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=Resolution.choices)
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    lines = ComplaintResolveLineInputSerializer(
        many=True,
        required=False,
        allow_empty=False,
        max_length=MAX_LINES,
        help_text=_(
            "Replacement and refund: the order's lines it covers (default: the "
            "complaint's line at its ordered quantity)."
        ),
    )
    discount_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("Discount: the coupon's percentage (default: the configured one)."),
    )

    def validate(self, attrs):
        if "lines" in attrs:
            attrs["lines"] = [dict(line) for line in attrs["lines"]]
        return attrs


class ComplaintRatingInputSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ComplaintMessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_TEXT)
    internal = serializers.BooleanField(
        required=False, default=False, help_text=_("Staff and seller keys: an internal note.")
    )
    awaiting_customer = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Staff and seller keys: a question for the customer; the resolution clock "
            "pauses until the customer's next message."
        ),
    )


class ComplaintAttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A photo (JPEG, PNG, WebP, HEIC) or a PDF."))


# --- output ------------------------------------------------------------------------------


class ComplaintSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="company_id")
    order = serializers.CharField(source="order.number", allow_null=True, default=None)
    sku = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    paused_seconds = serializers.IntegerField(source="resolution_paused_seconds")

    class Meta:
        model = Complaint
        fields = [
            "number",
            "customer",
            "order",
            "sku",
            "category",
            "priority",
            "status",
            "status_label",
            "description",
            "channel",
            "filed_at",
            "first_response_due",
            "first_responded_at",
            "resolution_due",
            "paused_seconds",
            "awaiting_customer",
            "decision",
            "resolution",
            "rating_score",
            "created_at",
            "updated_at",
        ]


def _duration(value) -> int:
    return int(value.total_seconds())


class ComplaintEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by_text")
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = ComplaintEvent
        fields = ["kind", "kind_label", "from_status", "to_status", "note", "by", "created_at"]


class ComplaintAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    name = serializers.CharField(source="original_name")

    class Meta:
        model = ComplaintAttachment
        fields = ["id", "name", "content_type", "size", "internal", "created_at", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment) -> str:
        path = reverse(
            "api-complaint-attachment-file",
            kwargs={"number": attachment.complaint.number, "pk": attachment.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ComplaintMessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author_label")

    class Meta:
        model = ComplaintMessage
        fields = [
            "id",
            "body",
            "internal",
            "from_staff",
            "awaiting_customer",
            "author",
            "created_at",
        ]


class ComplaintClockSerializer(serializers.Serializer):
    state = serializers.CharField(help_text=_("not_started, running, paused or stopped."))
    target_seconds = serializers.IntegerField()
    due = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    stopped_at = serializers.DateTimeField(allow_null=True)
    paused_seconds = serializers.IntegerField()
    elapsed_seconds = serializers.IntegerField()
    remaining_seconds = serializers.IntegerField(help_text=_("Negative once breached."))
    breached = serializers.BooleanField()
    business_time = serializers.BooleanField()


class ComplaintClocksSerializer(serializers.Serializer):
    first_response = ComplaintClockSerializer()
    resolution = ComplaintClockSerializer()


class ComplaintLegalDeadlineSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    basis = serializers.CharField()
    effect = serializers.CharField()
    kind = serializers.CharField(help_text=_("seller: the seller must act; buyer: notice window."))
    days = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    due = serializers.DateTimeField()
    met_at = serializers.DateTimeField(allow_null=True)
    state = serializers.CharField(help_text=_("pending, warning, passed, met or late."))


class ComplaintDetailSerializer(ComplaintSerializer):
    clocks = serializers.SerializerMethodField()
    legal_deadlines = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    decision_reasoning = serializers.CharField()
    resolution_note = serializers.CharField()
    credit_note = serializers.CharField(source="credit_note.number", allow_null=True, default=None)
    replacement_order = serializers.CharField(
        source="replacement_order.number", allow_null=True, default=None
    )
    coupon = serializers.CharField(source="coupon.code", allow_null=True, default=None)
    refund_total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    analysis = serializers.SerializerMethodField()

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            "defect_visibility",
            "decided_at",
            "decision_reasoning",
            "resolved_at",
            "resolution_note",
            "closed_at",
            "reopen_reason",
            "reopen_count",
            "credit_note",
            "replacement_order",
            "coupon",
            "refund_total",
            "rating_comment",
            "rated_at",
            "clocks",
            "legal_deadlines",
            "attachments",
            "events",
            "analysis",
        ]

    @property
    def company_view(self) -> bool:
        return bool(self.context.get("company_view"))

    @extend_schema_field(ComplaintClocksSerializer)
    def get_clocks(self, complaint) -> dict:
        states = clocks_of(complaint, timezone.now(), rows=complaint.clock_marks.all())
        answer = {}
        for name, state in states.items():
            business = name == "first_response" or complaint.resolution_target_business
            answer[name] = {
                "state": state.state,
                "target_seconds": _duration(state.target),
                "due": state.due.isoformat() if state.due else None,
                "started_at": state.started_at.isoformat() if state.started_at else None,
                "stopped_at": state.stopped_at.isoformat() if state.stopped_at else None,
                "paused_seconds": _duration(state.paused),
                "elapsed_seconds": _duration(state.elapsed),
                "remaining_seconds": _duration(state.remaining),
                "breached": state.breached,
                "business_time": business,
            }
        return answer

    @extend_schema_field(ComplaintLegalDeadlineSerializer(many=True))
    def get_legal_deadlines(self, complaint) -> list:
        rules = self.context.setdefault("deadline_rules", deadlines.stored_rules())
        return [item.as_dict() for item in deadlines.legal_deadlines(complaint, rules=rules)]

    @extend_schema_field(ComplaintAttachmentSerializer(many=True))
    def get_attachments(self, complaint) -> list:
        rows = [a for a in complaint.attachments.all() if not (self.company_view and a.internal)]
        return ComplaintAttachmentSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(ComplaintEventSerializer(many=True))
    def get_events(self, complaint) -> list:
        rows = [
            e for e in complaint.events.all() if not (self.company_view and not e.customer_visible)
        ]
        return ComplaintEventSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_analysis(self, complaint):
        """Staff and seller keys: root cause, responsible party, corrective action,
        assignee (null for company keys)."""
        if self.company_view:
            return None
        return {
            "root_cause": complaint.root_cause,
            "responsible_party": complaint.responsible_party or None,
            "corrective_action": complaint.corrective_action,
            "assignee": complaint.assignee.email if complaint.assignee_id else None,
            "on_behalf": complaint.on_behalf,
            "filed_by": complaint.filed_by_label,
            "claims": [
                {
                    "kind": claim.kind,
                    "recipient": claim.recipient,
                    "deadline": claim.deadline.isoformat() if claim.deadline else None,
                    "late": claim.late,
                    "created_at": claim.created_at.isoformat(),
                }
                for claim in complaint.claims.all()
            ],
        }
