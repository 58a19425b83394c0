"""Invoices and credit notes (immutable once issued) and the generated PDF files.

- ``Invoice`` is both kinds: an invoice (series ``FV``) or a credit note (series ``AB``)
  that ``corrects`` an invoice with a ``reason``. Everything printed on it is a
  snapshot taken at issue (seller, customer, lines, VAT breakdown, totals), so the PDF
  can be rendered again years later without reading the order.
- Issued rows never change: ``save()`` of an existing row, ``delete()``, queryset
  ``update()``/``delete()`` raise ``ImmutableDocument`` (the admin registers them
  read-only; the API has no write route).
- ``DocumentFile`` is one generated PDF of an order (invoice, credit note, packing
  list, shipping label) with its state: pending -> ready, or failed (retried).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fiscal import FiscalPosition
from core.models import AppendOnlyQuerySet
from customers.models import Currency, Language

from .errors import ImmutableDocument

MONEY = {"max_digits": 12, "decimal_places": 2}


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class CreditReason(models.TextChoices):
    CANCELLATION = "cancellation", _("Order cancelled")
    RETURN = "return", _("Goods returned")
    CORRECTION = "correction", _("Correction")


#: Numbering series per kind (``FV-2026-000001``, ``AB-2026-000001``).
SERIES = {InvoiceKind.INVOICE: "FV", InvoiceKind.CREDIT_NOTE: "AB"}


class ImmutableQuerySet(AppendOnlyQuerySet):
    """Bulk changes of issued documents are refused (``bulk_create`` is allowed: it
    only ever adds rows)."""

    refusal = ImmutableDocument


class ImmutableModel(models.Model):
    """A row that is written once and never changed or deleted."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableDocument()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocument()


class Invoice(ImmutableModel):
    """An issued invoice or credit note (a snapshot; see the module docstring)."""

    kind = models.CharField(_("kind"), max_length=12, choices=InvoiceKind.choices)
    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("order")
    )
    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("customer"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("corrects"),
    )
    reason_code = models.CharField(
        _("reason"), max_length=12, choices=CreditReason.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    issued_at = models.DateTimeField(_("issued at"), db_index=True)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    #: ``core.settings.SELLER`` at issue (legal name, tax id, address, bank details).
    seller = models.JSONField(_("seller"))
    #: The customer's legal data at issue (legal name, tax id, billing address).
    customer = models.JSONField(_("customer"))
    shipping_address = models.JSONField(_("shipping address"), default=dict)
    order_number = models.CharField(_("order number"), max_length=20)
    po_number = models.CharField(_("PO number"), max_length=50, blank=True)
    payment_terms = models.CharField(_("payment terms"), max_length=10)
    subtotal = models.DecimalField(_("subtotal"), **MONEY)
    discount = models.DecimalField(_("discount"), **MONEY)
    shipping = models.DecimalField(_("shipping"), **MONEY)
    tax = models.DecimalField(_("tax"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    #: ``[{"rate": "21.00", "base": "100.00", "tax": "21.00"}, ...]`` sorted by rate.
    tax_breakdown = models.JSONField(_("VAT breakdown"), default=list)
    #: The order's fiscal position and the VAT numbers (with their prefixes) at issue.
    fiscal_position = models.CharField(
        _("fiscal position"),
        max_length=10,
        choices=FiscalPosition.choices,
        default=FiscalPosition.DOMESTIC,
    )
    seller_vat_number = models.CharField(_("seller VAT number"), max_length=20, blank=True)
    customer_vat_number = models.CharField(_("customer VAT number"), max_length=20, blank=True)
    #: A non-euro document: the euros of one unit of its currency (the latest rate on or
    #: before the issue date), the rate's date and the VAT amount in euros.
    exchange_rate = models.DecimalField(
        _("exchange rate to EUR"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    exchange_rate_date = models.DateField(_("exchange rate date"), null=True, blank=True)
    tax_eur = models.DecimalField(_("VAT in EUR"), **MONEY, null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            # One invoice per order: re-running the issuing task finds it.
            models.UniqueConstraint(
                fields=["order"], condition=Q(kind="invoice"), name="invoice_one_per_order"
            ),
            # A cancellation is credited once.
            models.UniqueConstraint(
                fields=["corrects"],
                condition=Q(kind="credit_note", reason_code="cancellation"),
                name="invoice_one_cancellation_credit",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="invoice", corrects__isnull=True, reason_code="")
                    | Q(kind="credit_note", corrects__isnull=False) & ~Q(reason_code="")
                ),
                name="invoice_credit_note_corrects_an_invoice",
            ),
            models.CheckConstraint(
                condition=Q(kind="credit_note") | Q(total__gte=0), name="invoice_total_positive"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE


class InvoiceLine(ImmutableModel):
    """One line of an issued document (credit notes: negative quantities and amounts)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    sku = models.CharField(_("SKU"), max_length=64)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.IntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate %"), max_digits=5, decimal_places=2)
    net_amount = models.DecimalField(_("net amount"), **MONEY)

    class Meta:
        ordering = ["invoice", "position"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoiceline_position")
        ]

    def __str__(self):
        return f"{self.sku} x {self.quantity}"


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")
    PACKING_LIST = "packing_list", _("Packing list")
    SHIPPING_LABEL = "shipping_label", _("Shipping label")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


#: URL slugs of the API (``/orders/{number}/documents/{slug}.pdf``).
KIND_SLUGS = {
    "invoice": DocumentKind.INVOICE,
    "credit-note": DocumentKind.CREDIT_NOTE,
    "packing-list": DocumentKind.PACKING_LIST,
    "shipping-label": DocumentKind.SHIPPING_LABEL,
}


def document_path(instance: DocumentFile, filename: str) -> str:
    return f"documents/{instance.order.created_at:%Y/%m}/{filename}"


class DocumentFile(models.Model):
    """A generated PDF of an order, stored privately (``MEDIA_ROOT``) and served only
    through views that check the user."""

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="documents", verbose_name=_("order")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    invoice = models.OneToOneField(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document",
        verbose_name=_("invoice"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to=document_path, blank=True, max_length=200)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)

    class Meta:
        ordering = ["order", "kind", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            # Packing list, label and invoice: one of each per order. Credit notes: one
            # file per credit note (the OneToOne on ``invoice``).
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=~Q(kind="credit_note"),
                name="documentfile_one_per_order_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["packing_list", "shipping_label"], invoice__isnull=True)
                | Q(kind__in=["invoice", "credit_note"], invoice__isnull=False),
                name="documentfile_invoice_kinds_have_invoice",
            ),
        ]

    def __str__(self):
        return f"{self.order_id} {self.kind}"

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY and bool(self.file)

    @property
    def slug(self) -> str:
        return {v: k for k, v in KIND_SLUGS.items()}[self.kind]

    @property
    def filename(self) -> str:
        if self.invoice_id:
            return f"{self.invoice.number}.pdf"
        return f"{self.order.number}-{self.slug}.pdf"


class InvoiceWait(models.Model):
    """An order whose invoice could not be issued yet, and why (a non-euro order with no
    exchange rate on or before the issue date). Shown on the order's documents and on
    the back-office home; saving a rate issues the waiting invoices
    (``documents.consumers``), which marks the row ``resolved_at``."""

    class Reason(models.TextChoices):
        NO_EXCHANGE_RATE = "no_exchange_rate", _("No exchange rate")

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="invoice_wait"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    currency = models.CharField(_("currency"), max_length=3)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("invoice waiting")
        verbose_name_plural = _("invoices waiting")

    def __str__(self):
        return f"{self.order_id} {self.reason}"

    @property
    def message(self) -> str:
        return str(
            _(
                "The invoice is not issued: there is no %(currency)s exchange rate to the euro "
                "on or before today. Add one on the exchange rates page; the invoice is then "
                "issued."
            )
            % {"currency": self.currency}
        )


# The VeriFactu records belong to this app (documents.verifactu.models).
from .verifactu.models import RecordKind, VerifactuChain, VerifactuRecord  # noqa: E402, F401
