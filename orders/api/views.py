"""``/api/v1/orders/``: list, place, detail and the transitions, through the one orders
service. Company keys see only their company's orders (others are 404), may place
orders for their company and cancel them while pending."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.exceptions import ApiError
from core.api.views import ApiGenericViewSet, add_action_endpoints
from customers.models import Company
from inventory.errors import InsufficientStock

from .. import services
from ..actions import registry
from ..errors import ChecksFailed
from ..models import Channel, Order
from ..selectors import events_for, order_detail, order_list
from .filters import OrderFilterSet
from .serializers import (
    OrderCreateSerializer,
    OrderDetailSerializer,
    OrderEventSerializer,
    OrderSerializer,
    PaymentRecordedSerializer,
)


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiGenericViewSet):
    """Orders. Errors: ``insufficient_stock`` (409, with ``lines``: requested vs available
    per SKU), ``transition_not_allowed`` (409), ``checks_failed`` (409, with ``checks``)."""

    queryset = Order.objects.none()
    serializer_class = OrderSerializer
    filterset_class = OrderFilterSet
    lookup_field = "number"
    lookup_value_regex = "[A-Za-z0-9-]{1,20}"
    company_field = "company"
    #: Reads, placing, and the actions a customer may do (``customer=True``).
    company_key_actions = (
        "list",
        "retrieve",
        "create",
        "events",
        *(action.api_path for action in registry.api_actions() if action.customer),
    )

    def get_queryset(self):
        base = order_list().prefetch_related("lines") if self.action == "list" else order_detail()
        return self.scope_queryset(base)

    def get_serializer_class(self):
        if self.action == "list":
            return OrderSerializer
        return OrderDetailSerializer

    @property
    def actor_or_key(self):
        client = self.client
        return client.api_key if client.api_key is not None else client.user

    def _detail(self, order, code=status.HTTP_200_OK):
        fresh = order_detail().get(pk=order.pk)
        return Response(
            OrderDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, InsufficientStock) and isinstance(response.data, dict):
            response.data["lines"] = exc.lines
        if isinstance(exc, ChecksFailed) and isinstance(response.data, dict):
            response.data["checks"] = [check.as_dict() for check in exc.checks]
        return response

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        client = self.client
        company = None
        if client.is_company:
            if data.get("customer") not in (None, client.company_id):
                message = _("Unknown customer.")
                raise ApiError(message, code="validation_error", fields={"customer": [message]})
        elif "customer" in data:
            company = Company.objects.filter(pk=data["customer"]).first()
            if company is None:
                message = _("Unknown customer.")
                raise ApiError(message, code="validation_error", fields={"customer": [message]})
        address = data.get("shipping_address")
        if data.get("shipping_address_id"):
            address = data["shipping_address_id"]
        order = services.place_order(
            actor=self.actor_or_key,
            company=company,
            lines=[dict(line) for line in data["lines"]],
            po_number=data.get("po_number", ""),
            shipping_method=data["shipping_method"],
            shipping_address=dict(address) if isinstance(address, dict) else address,
            notes=data.get("notes", ""),
            coupon=data.get("coupon") or None,
            channel=Channel.API,
            allow_backorder=data["allow_backorder"],
            # The request's write transaction rolls back as a whole on any error.
            savepoint=False,
        )
        # The service returns the order with everything its answer shows: no re-read.
        response = Response(
            OrderDetailSerializer(order, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
        response["Location"] = f"/api/v1/orders/{order.number}/"
        return response

    def _input(self, serializer_class):
        if serializer_class is None:
            return {}
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=None, responses={200: OrderEventSerializer(many=True)}, filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def events(self, request, number=None):
        order = get_object_or_404(self.get_queryset(), number=number)
        self.check_object_permissions(request, order)
        customer_view = self.client.is_company
        events = events_for(order, customer_view=customer_view)
        return Response(
            OrderEventSerializer(events, many=True, context=self.get_serializer_context()).data
        )


def payment_recorded(view, order, payment):
    """The answer of ``POST .../payments/``: the payment and the order's new balance."""
    order.refresh_from_db()
    body = {
        "payment": payment,
        "payment_status": order.payment_status,
        "amount_paid": order.amount_paid,
        "balance_due": order.balance_due,
    }
    return Response(
        PaymentRecordedSerializer(body, context=view.get_serializer_context()).data,
        status=status.HTTP_201_CREATED,
    )


payment_recorded.response_serializer = PaymentRecordedSerializer


def install_actions(viewset, actions=registry) -> None:
    """Give ``viewset`` one endpoint per action with an ``api_path``; the registry
    checks the permission when it performs the action."""
    add_action_endpoints(viewset, actions, detail_serializer=OrderDetailSerializer)


install_actions(OrderViewSet)
