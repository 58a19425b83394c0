from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from core.api import serializers

from ..events import EventType
from ..models import Attempt, Delivery, Subscription


class SubscriptionSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))
    #: In the request's language (``core.messages``).
    disabled_reason = serializers.CharField(source="disabled_reason_text", read_only=True)

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


_B64 = "[A-Za-z0-9+/]"
#: ``whsec_`` + base64 of 24 to 64 bytes (``webhooks.services.check_secret`` decides;
#: this states the same for the schema): 8-20 groups of 4 characters and an optional
#: tail (24-62 bytes, or 63 with a 21st group), or 21 groups and ``xx==`` (64 bytes).
SECRET_PATTERN = (
    rf"^whsec_(?:(?:{_B64}{{4}}){{8,20}}(?:{_B64}{{4}}|{_B64}{{2}}==|{_B64}{{3}}=)?"
    rf"|(?:{_B64}{{4}}){{21}}(?:{_B64}{{2}}==)?)$"
)


#: The receiver URLs the schema promises to take: http(s), a DNS name of 2-3 labels, no
#: port. A subset of what the server accepts (Django's URLValidator: IP addresses,
#: localhost, ports...), which no short pattern states exactly.
URL_SCHEMA_PATTERN = (
    r"^https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,2}[a-z]{2,63}"
    r"(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/?#-]*)?$"
)


@extend_schema_field(
    {"type": "string", "format": "uri", "maxLength": 2000, "pattern": URL_SCHEMA_PATTERN}
)
class ReceiverURLField(serializers.URLField):
    pass


class SubscriptionCreateSerializer(serializers.Serializer):
    url = ReceiverURLField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), min_length=1, max_length=50
    )
    secret = serializers.CharField(
        max_length=200,
        required=False,
        write_only=True,
        validators=[
            RegexValidator(
                SECRET_PATTERN,
                _("The secret must be 'whsec_' followed by the base64 of 24 to 64 random bytes."),
            )
        ],
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
