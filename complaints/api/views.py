"""``/api/v1/complaints/``: list, file, detail, messages, evidence and the actions,
through the one complaints service. Company keys see only their company's complaints
(others are 404) and never an internal note or internal file; they file complaints,
reply, add evidence, accept or dispute a resolution and rate; seller keys and staff
drive the analysis, decision and resolution."""

from __future__ import annotations

import django_filters
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.api.exceptions import ApiError
from core.api.filters import ApiFilterSet, BooleanFilter, SafeCharFilter
from core.api.parsers import StrictJSONParser
from core.api.views import ApiGenericViewSet, ApiViewMixin, add_action_endpoints
from documents.api.views import JsonErrorsNegotiation
from orders.models import Order

from .. import services
from ..actions import registry
from ..errors import NotAllowed
from ..models import (
    Category,
    Complaint,
    ComplaintAttachment,
    ComplaintStatus,
    Priority,
    Resolution,
)
from ..selectors import complaint_detail, complaint_list, visible_messages
from .serializers import (
    ComplaintAttachmentInputSerializer,
    ComplaintAttachmentSerializer,
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintMessageInputSerializer,
    ComplaintMessageSerializer,
    ComplaintSerializer,
)


class ComplaintFilterSet(ApiFilterSet):
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    resolution = django_filters.ChoiceFilter(choices=Resolution.choices)
    order = SafeCharFilter(field_name="order__number")
    customer = django_filters.NumberFilter(field_name="company_id")
    overdue = BooleanFilter(method="filter_overdue")
    awaiting_customer = BooleanFilter()

    class Meta:
        model = Complaint
        fields = [
            "status",
            "category",
            "priority",
            "resolution",
            "order",
            "customer",
            "overdue",
            "awaiting_customer",
            "updated_since",
        ]

    def filter_overdue(self, queryset, name, value):
        now = timezone.now()
        if value:
            return queryset.filter(next_due__lt=now)
        return queryset.exclude(next_due__lt=now)


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiGenericViewSet):
    """Complaints. Errors: ``validation_error`` (400, with ``fields``),
    ``transition_not_allowed`` (409), ``already_rated`` (409), ``claim_not_possible``
    (409), ``invalid_file`` (400), ``permission_denied`` (403)."""

    queryset = Complaint.objects.none()
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilterSet
    lookup_field = "number"
    lookup_value_regex = "[A-Za-z0-9-]{1,20}"
    company_field = "company"
    company_key_actions = (
        "list",
        "retrieve",
        "create",
        "messages",
        "attachments",
        *(declared.api_path for declared in registry.api_actions() if declared.customer),
    )

    @property
    def company_view(self) -> bool:
        client = self.client
        return bool(client is not None and client.is_company)

    def get_queryset(self):
        if self.action == "list":
            base = complaint_list()
        else:
            base = complaint_detail(customer_view=self.company_view)
        return self.scope_queryset(base)

    def get_serializer_class(self):
        return ComplaintSerializer if self.action == "list" else ComplaintDetailSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["company_view"] = self.company_view
        return context

    @property
    def actor_or_key(self):
        client = self.client
        return client.api_key if client.api_key is not None else client.user

    def _detail(self, complaint, code=status.HTTP_200_OK):
        fresh = complaint_detail(customer_view=self.company_view).get(pk=complaint.pk)
        return Response(
            ComplaintDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=code,
        )

    def _input(self, serializer_class):
        if serializer_class is None:
            return {}
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _company_for(self, data):
        """Company keys file for their own company; the seller side names the customer
        or lets the order decide."""
        if self.company_view:
            if "customer" in data and data["customer"] != self.client.company_id:
                message = _("Unknown customer.")
                raise ApiError(message, code="validation_error", fields={"customer": [message]})
            return None
        if data.get("customer"):
            return data["customer"]
        number = data.get("order")
        if number:
            company_id = (
                Order.objects.filter(number=number).values_list("company_id", flat=True).first()
            )
            if company_id is not None:
                return company_id
            message = _("Unknown order.")
            raise ApiError(message, code="validation_error", fields={"order": [message]})
        message = _("Name the customer or the order.")
        raise ApiError(message, code="validation_error", fields={"customer": [message]})

    @extend_schema(request=ComplaintCreateSerializer, responses={201: ComplaintDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(ComplaintCreateSerializer)
        complaint = services.file_complaint(
            actor=self.actor_or_key,
            company=self._company_for(data),
            category=data["category"],
            description=data["description"],
            order=data.get("order") or None,
            sku=data.get("sku") or None,
            priority=data.get("priority"),
            defect_visibility=data.get("defect_visibility", ""),
        )
        response = self._detail(complaint, status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/complaints/{complaint.number}/"
        return response

    @extend_schema(
        methods=["get"], request=None, responses={200: ComplaintMessageSerializer(many=True)}
    )
    @extend_schema(
        methods=["post"],
        request=ComplaintMessageInputSerializer,
        responses={201: ComplaintMessageSerializer},
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def messages(self, request, number=None):
        """The complaint's messages (company keys: the customer-visible ones only); POST
        ``{body, internal?, awaiting_customer?}``."""
        complaint = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            rows = visible_messages(complaint, customer_view=self.company_view)
            return Response(ComplaintMessageSerializer(rows, many=True, context=context).data)
        data = self._input(ComplaintMessageInputSerializer)
        message = services.post_message(complaint=complaint, actor=self.actor_or_key, **data)
        return Response(
            ComplaintMessageSerializer(message, context=context).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        methods=["get"], request=None, responses={200: ComplaintAttachmentSerializer(many=True)}
    )
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": ComplaintAttachmentInputSerializer},
        responses={201: ComplaintAttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filterset_class=None,
        pagination_class=None,
        parser_classes=[MultiPartParser, StrictJSONParser],
    )
    def attachments(self, request, number=None):
        """The complaint's evidence; POST a multipart ``file`` (a photo or a PDF)."""
        complaint = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            rows = [
                a for a in complaint.attachments.all() if not (self.company_view and a.internal)
            ]
            return Response(ComplaintAttachmentSerializer(rows, many=True, context=context).data)
        data = self._input(ComplaintAttachmentInputSerializer)
        attachment = services.add_attachment(
            complaint=complaint, actor=self.actor_or_key, file=data["file"]
        )
        return Response(
            ComplaintAttachmentSerializer(attachment, context=context).data,
            status=status.HTTP_201_CREATED,
        )


add_action_endpoints(
    ComplaintViewSet, registry, detail_serializer=ComplaintDetailSerializer, not_allowed=NotAllowed
)


class ComplaintAttachmentFileView(ApiViewMixin, generics.GenericAPIView):
    """``/api/v1/complaints/{number}/attachments/{id}/file``: one evidence file, for
    staff, seller keys and the owning company's keys (never an internal file)."""

    company_field = "company"
    action = "retrieve"
    detail = True
    content_negotiation_class = JsonErrorsNegotiation
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return self.scope_queryset(Complaint.objects.select_related("company"))

    @extend_schema(
        operation_id="complaints_attachment_file",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            404: OpenApiResponse(description=_("Not found, or not yours.")),
        },
        tags=["complaints"],
    )
    def get(self, request, number, pk):
        complaint = get_object_or_404(self.get_queryset(), number=number)
        files = ComplaintAttachment.objects.filter(complaint=complaint)
        client = self.client
        if client is not None and client.is_company:
            files = files.filter(internal=False)
        attachment = get_object_or_404(files, pk=pk)
        response = FileResponse(
            attachment.file.open("rb"),
            content_type=attachment.content_type,
            as_attachment=True,
            filename=attachment.original_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
