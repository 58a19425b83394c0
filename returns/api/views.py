"""``/api/v1/returns/``: list, request, detail, eligibility, evidence, the label and the
transitions, through the one returns service. Company keys see only their company's
returns (others are 404), request returns for their own orders, add evidence and
cancel; seller keys and staff drive the transitions."""

from __future__ import annotations

import django_filters
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.api.exceptions import ApiError
from core.api.filters import ApiFilterSet, SafeCharFilter
from core.api.parsers import StrictJSONParser
from core.api.views import ApiGenericViewSet, ApiViewMixin, add_action_endpoints
from orders.models import Order

from .. import services
from ..actions import registry
from ..errors import NotAllowed, NotEligible
from ..models import Resolution, Return, ReturnAttachment, ReturnStatus
from ..selectors import return_detail, return_list
from .serializers import (
    ReturnAttachmentInputSerializer,
    ReturnAttachmentSerializer,
    ReturnCreateSerializer,
    ReturnDetailSerializer,
    ReturnEligibilityInputSerializer,
    ReturnEligibilitySerializer,
    ReturnSerializer,
    verdict_rows,
)


class ReturnFilterSet(ApiFilterSet):
    status = django_filters.ChoiceFilter(choices=ReturnStatus.choices)
    resolution = django_filters.ChoiceFilter(choices=Resolution.choices)
    order = SafeCharFilter(field_name="order__number")

    class Meta:
        model = Return
        fields = ["status", "resolution", "order", "updated_since"]


class ReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiGenericViewSet):
    """Returns (RMA). Errors: ``return_not_eligible`` (400, with ``lines``: per line
    ``{sku, eligible, reason}``), ``transition_not_allowed`` (409), ``evidence_missing``
    (409), ``invalid_file`` (400)."""

    queryset = Return.objects.none()
    serializer_class = ReturnSerializer
    filterset_class = ReturnFilterSet
    lookup_field = "number"
    lookup_value_regex = "[A-Za-z0-9-]{1,20}"
    company_field = "company"
    company_key_actions = (
        "list",
        "retrieve",
        "create",
        "eligibility",
        "attachments",
        *(declared.api_path for declared in registry.api_actions() if declared.customer),
    )

    def get_queryset(self):
        base = return_list() if self.action == "list" else return_detail()
        return self.scope_queryset(base)

    def get_serializer_class(self):
        return ReturnSerializer if self.action == "list" else ReturnDetailSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        client = self.client
        context["company_view"] = bool(client is not None and client.is_company)
        return context

    @property
    def actor_or_key(self):
        client = self.client
        return client.api_key if client.api_key is not None else client.user

    def _detail(self, ret, code=status.HTTP_200_OK):
        fresh = return_detail().get(pk=ret.pk)
        return Response(
            ReturnDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def _input(self, serializer_class):
        if serializer_class is None:
            return {}
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _order(self, number: str) -> Order:
        """The order named in a body: another company's is an unknown order (400)."""
        orders = Order.objects.select_related("company").filter(number=number)
        client = self.client
        if client.is_company:
            orders = orders.filter(company_id=client.company_id)
        order = orders.first()
        if order is None:
            message = _("Unknown order.")
            raise ApiError(message, code="validation_error", fields={"order": [message]})
        return order

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, NotEligible) and isinstance(response.data, dict):
            response.data["lines"] = verdict_rows(exc.verdicts)
        return response

    @extend_schema(request=ReturnCreateSerializer, responses={201: ReturnDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(ReturnCreateSerializer)
        ret = services.request_return(
            actor=self.actor_or_key,
            order=self._order(data["order"]),
            lines=[dict(line) for line in data["lines"]],
            resolution=data["resolution"],
            notes=data.get("notes", ""),
            override_note=data.get("override_note", ""),
        )
        response = self._detail(ret, status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/returns/{ret.number}/"
        return response

    @extend_schema(
        request=ReturnEligibilityInputSerializer, responses={200: ReturnEligibilitySerializer}
    )
    @action(detail=False, methods=["post"], filterset_class=None, pagination_class=None)
    def eligibility(self, request):
        """The eligibility answer per line for a return body; nothing is created."""
        data = self._input(ReturnEligibilityInputSerializer)
        verdicts = services.check_return(
            actor=self.actor_or_key,
            order=self._order(data["order"]),
            lines=[dict(line) for line in data["lines"]],
        )
        rows = verdict_rows(verdicts)
        return Response({"eligible": all(row["eligible"] for row in rows), "lines": rows})

    @extend_schema(
        methods=["get"], request=None, responses={200: ReturnAttachmentSerializer(many=True)}
    )
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": ReturnAttachmentInputSerializer},
        responses={201: ReturnAttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filterset_class=None,
        pagination_class=None,
        parser_classes=[MultiPartParser, StrictJSONParser],
    )
    def attachments(self, request, number=None):
        """The return's evidence; POST a multipart ``file`` (a photo or a PDF)."""
        ret = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            rows = ret.attachments.select_related("ret")
            return Response(ReturnAttachmentSerializer(rows, many=True, context=context).data)
        data = self._input(ReturnAttachmentInputSerializer)
        attachment = services.add_attachment(ret=ret, actor=self.actor_or_key, file=data["file"])
        return Response(
            ReturnAttachmentSerializer(attachment, context=context).data,
            status=status.HTTP_201_CREATED,
        )


add_action_endpoints(
    ReturnViewSet, registry, detail_serializer=ReturnDetailSerializer, not_allowed=NotAllowed
)


# --- files -------------------------------------------------------------------------------


class _FileView(ApiViewMixin, generics.GenericAPIView):
    company_field = "company"
    action = "retrieve"
    detail = True
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return self.scope_queryset(Return.objects.select_related("order", "company"))

    def get_return(self, number: str) -> Return:
        return get_object_or_404(self.get_queryset(), number=number)


def _pdf_negotiation():
    from documents.api.views import JsonErrorsNegotiation

    return JsonErrorsNegotiation


class ReturnLabelView(_FileView):
    """``/api/v1/returns/{number}/label.pdf``: the return label, once authorized."""

    content_negotiation_class = _pdf_negotiation()

    @extend_schema(
        operation_id="returns_label_pdf",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            404: OpenApiResponse(description=_("Not authorized yet, or not yours.")),
        },
        tags=["returns"],
    )
    def get(self, request, number):
        from ..label import render_label

        ret = self.get_return(number)
        if not ret.has_label:
            raise Http404
        response = HttpResponse(render_label(ret), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{ret.number}-label.pdf"'
        return response


class ReturnAttachmentFileView(_FileView):
    """``/api/v1/returns/{number}/attachments/{id}/file``: one evidence file, for staff,
    seller keys and the owning company's keys only."""

    content_negotiation_class = _pdf_negotiation()

    @extend_schema(
        operation_id="returns_attachment_file",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            404: OpenApiResponse(description=_("Not found, or not yours.")),
        },
        tags=["returns"],
    )
    def get(self, request, number, pk):
        ret = self.get_return(number)
        attachment = get_object_or_404(ReturnAttachment, ret=ret, pk=pk)
        response = FileResponse(
            attachment.file.open("rb"),
            content_type=attachment.content_type,
            as_attachment=True,
            filename=attachment.original_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
