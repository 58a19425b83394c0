from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.response import Response

from core.actors import is_api_key
from core.api import serializers
from core.api.exceptions import ApiError
from core.api.permissions import SellerOnly
from core.api.views import ApiGenericViewSet

from .. import permissions, services
from ..models import Delivery, Subscription
from .filters import DeliveryFilterSet, SubscriptionFilterSet
from .serializers import (
    DeliverySerializer,
    SubscriptionCreatedSerializer,
    SubscriptionCreateSerializer,
    SubscriptionSerializer,
)


class WebhookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiGenericViewSet):
    """Webhook subscriptions of the seller's ERP (seller keys and managers only)."""

    queryset = Subscription.objects.all()
    serializer_class = SubscriptionSerializer
    permission_classes = [SellerOnly]
    staff_write_roles = permissions.MANAGERS
    http_method_names = ["get", "post", "delete", "head", "options"]

    filterset_class = SubscriptionFilterSet

    @property
    def actor(self):
        """Who calls, for the services: the staff user, or the API key itself once it
        identifies as an actor (``is_api_key``; until then, as before, the system)."""
        client = self.client
        if client is None:
            return None
        if client.api_key is not None:
            return client.api_key if is_api_key(client.api_key) else None
        return client.user

    def get_serializer_class(self):
        if self.action == "create":
            return SubscriptionCreateSerializer
        return SubscriptionSerializer

    @extend_schema(
        request=SubscriptionCreateSerializer,
        responses={201: SubscriptionCreatedSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = SubscriptionCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        subscription = services.create_subscription(actor=self.actor, **serializer.validated_data)
        data = SubscriptionCreatedSerializer(
            subscription, context=self.get_serializer_context()
        ).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        services.delete_subscription(subscription=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="webhooks_delete_by_id",
        parameters=[
            OpenApiParameter(
                "id",
                {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                OpenApiParameter.QUERY,
                required=True,
                description="The subscription to delete.",
            )
        ],
        responses={204: OpenApiResponse(description="Deleted.")},
        filters=False,
    )
    def collection_destroy(self, request, *args, **kwargs):
        """``DELETE /api/v1/webhooks/?id=<id>`` (same as ``DELETE /api/v1/webhooks/<id>/``)."""
        field = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
        try:
            pk = field.run_validation(request.query_params.get("id"))
        except serializers.ValidationError as exc:
            message = _("Give the id of the subscription to delete.")
            raise ApiError(message, code="validation_error", fields={"id": exc.detail}) from exc
        subscription = get_object_or_404(self.get_queryset(), pk=pk)
        services.delete_subscription(subscription=subscription, actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("subscription_id", int, OpenApiParameter.PATH)],
        description="The delivery log of one subscription, with every attempt.",
    )
)
class DeliveryViewSet(mixins.ListModelMixin, ApiGenericViewSet):
    """``/api/v1/webhooks/{subscription_id}/deliveries/``: the delivery log."""

    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilterSet
    permission_classes = [SellerOnly]

    queryset = Delivery.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Delivery.objects.none()
        subscription = get_object_or_404(
            Subscription.objects.all(), pk=self.kwargs["subscription_id"]
        )
        return Delivery.objects.filter(subscription=subscription).prefetch_related("attempt_log")
