from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..events import EventType
from ..models import Attempt, Delivery, Subscription


class SubscriptionSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))

    class Meta:
        model = Subscription
        fields = [
            "id",
            "url",
            "events",
            "description",
            "active",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SubscriptionCreateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), min_length=1, max_length=50
    )
    secret = serializers.CharField(
        max_length=200,
        required=False,
        write_only=True,
        help_text=_(
            "A Standard Webhooks secret (whsec_ + base64 of 24-64 bytes); generated when left out."
        ),
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    """The creation answer: the only time the signing secret is shown."""

    secret = serializers.CharField(read_only=True)

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["attempted_at", "status_code", "response_excerpt", "error", "duration_ms"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "last_status_code",
            "last_response",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "updated_at",
            "attempt_log",
        ]
        read_only_fields = fields
