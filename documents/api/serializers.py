from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework.reverse import reverse

from core.api import serializers

from ..models import KIND_SLUGS, Invoice, InvoiceKind

SLUG_OF_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}


class InvoiceSerializer(serializers.ModelSerializer):
    """An invoice or credit note as the ERP sees it (API.md ``/api/v1/invoices/``)."""

    kind = serializers.ChoiceField(choices=InvoiceKind.choices)
    order = serializers.CharField(source="order_number")
    corrects = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "number",
            "kind",
            "order",
            "corrects",
            "reason",
            "issued_at",
            "issue_date",
            "due_date",
            "currency",
            "subtotal",
            "discount",
            "shipping",
            "tax",
            "total",
            "fiscal_position",
            "seller_vat_number",
            "customer_vat_number",
            "exchange_rate",
            "exchange_rate_date",
            "tax_eur",
            "pdf",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_corrects(self, invoice) -> str | None:
        return invoice.corrects.number if invoice.corrects_id else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf(self, invoice) -> str | None:
        """The PDF (same key needed); null until it has been generated."""
        document = getattr(invoice, "document", None)
        if document is None or not document.is_ready:
            return None
        return reverse(
            "api-invoice-pdf",
            kwargs={"number": invoice.number},
            request=self.context.get("request"),
        )


class OrderDocumentSerializer(serializers.Serializer):
    """One of an order's documents in the order detail: its state and, once ready, its PDF."""

    kind = serializers.SerializerMethodField()
    status = serializers.CharField()
    number = serializers.SerializerMethodField()
    generated_at = serializers.DateTimeField(allow_null=True)
    pdf = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=list(KIND_SLUGS)))
    def get_kind(self, document) -> str:
        return SLUG_OF_KIND[document.kind]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_number(self, document) -> str | None:
        return document.invoice.number if document.invoice_id else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf(self, document) -> str | None:
        if not document.is_ready:
            return None
        return reverse(
            "api-order-document-pdf",
            kwargs={"number": document.order.number, "kind": SLUG_OF_KIND[document.kind]},
            request=self.context.get("request"),
        )


class ExchangeRateSerializer(serializers.Serializer):
    """``{currency, rate_to_eur, date}``: the euros one unit of ``currency`` was worth."""

    id = serializers.IntegerField(read_only=True)
    currency = serializers.CharField(
        max_length=3, help_text=_("A non-euro order currency (PLN); the euro needs no rate.")
    )
    rate_to_eur = serializers.DecimalField(
        max_digits=18,
        decimal_places=6,
        help_text=_("Euros per unit of the currency, greater than zero (e.g. 0.234500)."),
    )
    date = serializers.DateField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
