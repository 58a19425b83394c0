"""Invoices list and the PDF downloads of the API.

PDFs are served only here (and by the back-office and portal views), never from a
public media URL; a company key gets 404 for another company's document, and every
document is 404 until it has been generated."""

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer

from core.api.exceptions import ApiError
from core.api.permissions import SellerOnly
from core.api.views import ApiGenericViewSet, ApiViewMixin
from customers.exchange_rates import RATE_EDITORS, save_exchange_rate
from customers.models import ExchangeRate

from .. import ksef
from ..models import KIND_SLUGS, DocumentFile, DocumentKind, Invoice
from ..selectors import invoice_list
from ..verifactu import conf as verifactu_conf
from ..verifactu import exports as verifactu_exports
from ..views import pdf_response
from .filters import ExchangeRateFilterSet, InvoiceFilterSet
from .serializers import ExchangeRateSerializer, InvoiceSerializer


class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiGenericViewSet):
    """Invoices and credit notes; company keys see only their own."""

    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilterSet
    company_field = "company"
    lookup_field = "number"
    lookup_value_regex = "[A-Za-z0-9-]{1,20}"

    def get_queryset(self):
        return self.scope_queryset(invoice_list())


class ExchangeRateViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ApiGenericViewSet):
    """Exchange rates to the euro per currency and date: seller keys and staff (writes:
    customer service and managers); company keys get 403. Saving a rate issues the
    invoices that waited for one."""

    queryset = ExchangeRate.objects.all()
    serializer_class = ExchangeRateSerializer
    filterset_class = ExchangeRateFilterSet
    permission_classes = [SellerOnly]
    staff_write_roles = RATE_EDITORS
    http_method_names = ["get", "post", "head", "options"]

    @property
    def actor(self):
        client = self.client
        if client is not None and client.api_key is not None:
            key = client.api_key
            key.is_api_key = True
            return key
        return client.user if client is not None else None

    def perform_create(self, serializer):
        serializer.instance = save_exchange_rate(actor=self.actor, **serializer.validated_data)


class JsonErrorsNegotiation(BaseContentNegotiation):
    """Errors are JSON whatever the client accepts; the PDF bypasses the renderers."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=_("The PDF.")),
    404: OpenApiResponse(description=_("Not generated yet, or not yours.")),
}


class _PdfView(ApiViewMixin, generics.GenericAPIView):
    company_field = "order__company"
    # One object, read: what company keys may do (core.api.permissions.ApiAccess).
    action = "retrieve"
    detail = True
    content_negotiation_class = JsonErrorsNegotiation
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return self.scope_queryset(DocumentFile.objects.select_related("order", "invoice"))

    def pdf_response(self, document):
        return pdf_response(document)


class OrderDocumentPdfView(_PdfView):
    """``/api/v1/orders/{number}/documents/{kind}.pdf`` (invoice, packing-list,
    shipping-label, credit-note)."""

    @extend_schema(operation_id="orders_documents_pdf", responses=PDF_RESPONSES, tags=["orders"])
    def get(self, request, number, kind):
        if kind not in KIND_SLUGS:
            raise Http404
        documents = self.get_queryset().filter(order__number=number, kind=KIND_SLUGS[kind])
        if KIND_SLUGS[kind] == DocumentKind.CREDIT_NOTE:
            documents = documents.order_by("-id")
        return self.pdf_response(documents.first())


class InvoicePdfView(_PdfView):
    """``/api/v1/invoices/{number}.pdf``: an invoice's or credit note's PDF."""

    @extend_schema(operation_id="invoices_pdf", responses=PDF_RESPONSES, tags=["invoices"])
    def get(self, request, number):
        return self.pdf_response(self.get_queryset().filter(invoice__number=number).first())


# --- VeriFactu and KSeF XML -----------------------------------------------------------

XML_RESPONSES = {
    (200, "application/xml"): OpenApiResponse(OpenApiTypes.BINARY, description=_("The XML.")),
    404: OpenApiResponse(description=_("Switched off, no record, or not yours.")),
}


def xml_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class _InvoiceXmlView(ApiViewMixin, generics.GenericAPIView):
    company_field = "company"
    action = "retrieve"
    detail = True
    content_negotiation_class = JsonErrorsNegotiation
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return self.scope_queryset(Invoice.objects.select_related("corrects"))


class InvoiceVerifactuXmlView(_InvoiceXmlView):
    """``/api/v1/invoices/{number}/verifactu.xml``: the document's VeriFactu record in a
    ``RegFactuSistemaFacturacion`` (404 while VeriFactu is off: SII reporting)."""

    @extend_schema(
        operation_id="invoices_verifactu_xml", responses=XML_RESPONSES, tags=["invoices"]
    )
    def get(self, request, number):
        if not verifactu_conf.enabled():
            raise Http404
        invoice = get_object_or_404(self.get_queryset(), number=number)
        content = verifactu_exports.document_xml(invoice)
        if content is None:
            raise Http404
        return xml_response(content, f"{invoice.number}-verifactu.xml")


class InvoiceKsefXmlView(_InvoiceXmlView):
    """``/api/v1/invoices/{number}/ksef.xml``: KSeF FA(3) XML; 404 unless the seller has a
    Polish establishment configured."""

    @extend_schema(operation_id="invoices_ksef_xml", responses=XML_RESPONSES, tags=["invoices"])
    def get(self, request, number):
        if not ksef.enabled():
            raise Http404
        invoice = get_object_or_404(self.get_queryset(), number=number)
        try:
            content = ksef.fa3_bytes(invoice)
        except ksef.KsefUnavailable as error:
            raise ApiError(str(error), code="ksef_unavailable", status_code=409) from error
        return xml_response(content, f"{invoice.number}-ksef.xml")


def _date_param(request, name: str) -> dt.date:
    value = request.query_params.get(name, "")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            _("Enter the dates as YYYY-MM-DD."),
            code="invalid",
            fields={name: [str(_("Enter a valid date (YYYY-MM-DD)."))]},
        ) from None


class VerifactuExportView(ApiViewMixin, generics.GenericAPIView):
    """``/api/v1/invoices/verifactu.xml?from=&to=``: seller keys; the VeriFactu records of
    the documents issued in the range (inclusive) in one ``RegFactuSistemaFacturacion``."""

    permission_classes = [SellerOnly]
    action = "list"
    detail = False
    content_negotiation_class = JsonErrorsNegotiation
    pagination_class = None
    filter_backends = []
    queryset = Invoice.objects.none()

    @extend_schema(
        operation_id="invoices_verifactu_export",
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, required=True, description=_("First issue date.")
            ),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, required=True, description=_("Last issue date.")
            ),
        ],
        responses={
            **XML_RESPONSES,
            400: OpenApiResponse(description=_("Invalid dates, or more than 1000 records.")),
        },
        tags=["invoices"],
    )
    def get(self, request):
        if not verifactu_conf.enabled():
            raise Http404
        date_from, date_to = _date_param(request, "from"), _date_param(request, "to")
        try:
            content = verifactu_exports.range_xml(date_from, date_to)
        except verifactu_exports.ExportError as error:
            if error.empty:
                raise ApiError(str(error), code="not_found", status_code=404) from error
            raise ApiError(str(error), code="invalid", fields={"to": [str(error)]}) from error
        return xml_response(content, verifactu_exports.range_filename(date_from, date_to))
