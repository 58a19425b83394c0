"""``/api/v1/kpis/``: the dashboard's figures as JSON (seller keys and staff)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from core.api.exceptions import ApiError
from core.api.permissions import SellerOnly
from core.api.views import ApiViewMixin
from customers.models import Company

from .. import kpis
from ..periods import PeriodError, parse_period
from .serializers import KpisSerializer, payload


class KpisView(ApiViewMixin, generics.GenericAPIView):
    """The figures of ``dashboard.kpis`` for ``from``..``to`` (inclusive days in the
    seller's time zone), optionally for one ``customer``; company keys get 403."""

    permission_classes = [SellerOnly]
    serializer_class = KpisSerializer
    pagination_class = None
    filter_backends = []
    queryset = Company.objects.none()

    @extend_schema(
        operation_id="kpis",
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, required=True, description=_("First day (inclusive).")
            ),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, required=True, description=_("Last day (inclusive).")
            ),
            OpenApiParameter(
                "customer",
                OpenApiTypes.INT,
                required=False,
                description=_("Only this company's figures (its id)."),
            ),
        ],
        responses={200: KpisSerializer},
        tags=["kpis"],
    )
    def get(self, request):
        params = request.query_params
        try:
            period = parse_period(params.get("from", ""), params.get("to", ""))
        except PeriodError as error:
            raise ApiError(
                _("Enter the dates as YYYY-MM-DD, the first not after the last."),
                code="validation_error",
                fields={name: [str(message)] for name, message in error.fields.items()},
            ) from None
        company = None
        raw = params.get("customer", "").strip()
        if raw:
            if raw.isascii() and raw.isdigit() and len(raw) < 19:
                company = Company.objects.filter(pk=int(raw)).first()
            if company is None:
                raise ApiError(
                    _("Unknown customer."),
                    code="validation_error",
                    fields={"customer": [str(_("No customer with this id."))]},
                )
        figures = kpis.all_figures(period, company)
        meta = {
            "date_from": period.date_from,
            "date_to": period.date_to,
            "time_zone": settings.TIME_ZONE,
            "customer": company.pk if company else None,
        }
        return Response(KpisSerializer(payload(figures, meta)).data)
