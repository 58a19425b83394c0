"""Catalog (categories with their return policy, products), warehouses, stock and its ledger.

Stock levels (``StockItem.on_hand`` / ``reserved``) change only through
``inventory.services``, which writes a ``StockMovement`` for every change in the same
transaction; the ledger itself is append-only.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.fiscal import seller_rate
from core.messages import render as render_message
from core.models import AppendOnlyQuerySet, TaxCategory, TimeStampedModel

from .errors import LedgerIsAppendOnly

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class ReturnShippingPayer(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")


class Category(TimeStampedModel):
    """A product category; it carries the return policy of its products."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    returnable = models.BooleanField(
        _("returns accepted"),
        default=True,
        help_text=_("Untick for goods that can never be returned (e.g. personalised goods)."),
    )
    return_window_days = models.PositiveIntegerField(
        _("return window (days)"),
        default=14,
        validators=[MaxValueValidator(365)],
        help_text=_("Counted from delivery."),
    )
    return_conditions = models.TextField(
        _("return conditions"), blank=True, help_text=_("E.g. unused, in its original packaging.")
    )
    return_shipping_paid_by = models.CharField(
        _("return shipping paid by"),
        max_length=10,
        choices=ReturnShippingPayer.choices,
        default=ReturnShippingPayer.BUYER,
        help_text=_(
            "For non-defective returns; the seller always pays for defective or wrong items."
        ),
    )
    restocking_fee_percent = models.DecimalField(
        _("restocking fee %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=PERCENT_VALIDATORS,
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=Q(restocking_fee_percent__gte=0, restocking_fee_percent__lte=100),
                name="category_restocking_fee_range",
            ),
            models.CheckConstraint(
                condition=Q(return_window_days__gte=0, return_window_days__lte=365),
                name="category_return_window_range",
            ),
            models.CheckConstraint(
                condition=Q(return_shipping_paid_by__in=ReturnShippingPayer.values),
                name="category_return_shipping_payer_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def return_deadline(self, delivered_at):
        """The last moment a return may be requested, or ``None`` if returns are not accepted."""
        if not self.returnable:
            return None
        return delivered_at + timedelta(days=self.return_window_days)


class Supplier(TimeStampedModel):
    """Who the seller buys a product from, with the contact for quality claims and the
    window the supplier gives to notify a defect."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    claims_contact = models.CharField(_("claims contact"), max_length=200, blank=True)
    claims_email = models.EmailField(
        _("claims email"), blank=True, help_text=_("Where claims about its products are sent.")
    )
    claim_window_days = models.PositiveSmallIntegerField(
        _("claim window (days)"),
        default=30,
        validators=[MaxValueValidator(3650)],
        help_text=_("Days the supplier allows to notify a defect, from the complaint."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="es"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self):
        return self.name


class Product(TimeStampedModel):
    sku = models.CharField(
        _("SKU"),
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
                _("Use letters, digits and . _ / - only, without spaces."),
            )
        ],
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("supplier"),
    )
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Net price, before VAT."),
    )
    #: The VAT rate follows the place of supply: each country rates each category
    #: (``core.TaxRate``); ``vat_rate`` below is the seller country's, for reading only.
    tax_category = models.CharField(
        _("tax category"),
        max_length=16,
        choices=TaxCategory.choices,
        default=TaxCategory.STANDARD,
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=10,
        decimal_places=3,
        default=Decimal("0.000"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive products cannot be ordered.")
    )
    external_ref = models.CharField(
        _("external reference"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The product's id in the ERP."),
    )

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [models.Index(Lower("name"), name="product_name_lower")]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="product_unit_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(tax_category__in=TaxCategory.values),
                name="product_tax_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__gte=0), name="product_weight_not_negative"
            ),
            models.CheckConstraint(condition=~Q(sku=""), name="product_sku_not_empty"),
            models.CheckConstraint(
                condition=~Q(external_ref=""), name="product_external_ref_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.sku} · {self.name}"

    @property
    def vat_rate(self) -> Decimal:
        """The seller country's VAT rate % of this product's tax category (an order's
        lines take theirs from its fiscal position: ``core.fiscal.vat_rate_for``)."""
        return seller_rate(self.tax_category)


class Warehouse(TimeStampedModel):
    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z0-9][A-Z0-9_-]*$", _("Use capital letters and digits, e.g. MAD."))
        ],
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.TextField(_("address"), blank=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Reservations are served from here first.")
    )

    class Meta:
        ordering = ["-is_default", "code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="warehouse_one_default"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="warehouse_code_not_empty"),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"


class StockItem(TimeStampedModel):
    """The stock of one product in one warehouse. Changed only by ``inventory.services``."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="stock_items", verbose_name=_("product")
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="stock_items", verbose_name=_("warehouse")
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    reorder_point = models.IntegerField(
        _("reorder point"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Staff are alerted when the available quantity falls below it."),
    )
    reorder_quantity = models.IntegerField(
        _("reorder quantity"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("The quantity purchasing usually orders."),
    )
    bin_location = models.CharField(
        _("bin location"),
        max_length=40,
        blank=True,
        help_text=_(
            "Where pickers find it in this warehouse, e.g. A-03-2. Printed on packing lists."
        ),
    )
    #: Set when available fell below the reorder point (one alert per crossing),
    #: cleared when it is back at or above it.
    low_stock = models.BooleanField(_("low stock"), default=False, db_index=True)

    class Meta:
        ordering = ["product__sku", "warehouse__code"]
        verbose_name = _("stock item")
        verbose_name_plural = _("stock items")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse"], name="stockitem_product_warehouse"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="stockitem_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stockitem_reserved_within_on_hand"
            ),
            models.CheckConstraint(
                condition=Q(reorder_point__gte=0), name="stockitem_reorder_point_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reorder_quantity__gte=0), name="stockitem_reorder_quantity_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.product.sku} @ {self.warehouse.code}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def is_below_reorder_point(self) -> bool:
        return self.available < self.reorder_point


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    RESERVATION = "reservation", _("Reservation")
    RELEASE = "release", _("Release")
    SHIPMENT = "shipment", _("Shipment")
    RETURN_RESTOCK = "return_restock", _("Return restock")
    WRITE_OFF = "write_off", _("Write-off")
    ADJUSTMENT = "adjustment", _("Adjustment")


class StockMovementQuerySet(AppendOnlyQuerySet):
    """The ledger cannot be changed or deleted through the ORM."""

    refusal = LedgerIsAppendOnly


class StockMovement(TimeStampedModel):
    """One line of the append-only stock ledger: how much on_hand and reserved changed, and why.

    ``on_hand_after`` / ``reserved_after`` are the stock item's levels right after this
    movement (for the history page); the invariant checked by ``check_stock_ledger`` is
    that a stock item's levels equal the sums of its movements' deltas.
    """

    stock_item = models.ForeignKey(
        StockItem, on_delete=models.PROTECT, related_name="movements", verbose_name=_("stock item")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    on_hand_delta = models.IntegerField(_("on hand change"))
    reserved_delta = models.IntegerField(_("reserved change"))
    on_hand_after = models.IntegerField(_("on hand after"))
    reserved_after = models.IntegerField(_("reserved after"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    #: A reason the system gave (``core.messages``); ``reason`` is one a person typed.
    reason_message = models.JSONField(default=dict, blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("E.g. a delivery note or order number."),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    reference_object = GenericForeignKey("content_type", "object_id")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    objects = StockMovementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        indexes = [
            models.Index(fields=["stock_item", "-created_at"], name="movement_item_recent"),
            models.Index(fields=["content_type", "object_id"], name="movement_reference_object"),
            models.Index(fields=["kind", "-created_at"], name="movement_kind_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MovementKind.values), name="movement_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(on_hand_delta=0, reserved_delta=0), name="movement_changes_something"
            ),
            models.CheckConstraint(
                condition=Q(reserved_after__gte=0, reserved_after__lte=F("on_hand_after")),
                name="movement_levels_after_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on_hand_delta:+d}/{self.reserved_delta:+d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerIsAppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly()

    @property
    def available_delta(self) -> int:
        return self.on_hand_delta - self.reserved_delta

    @property
    def reason_text(self) -> str:
        """The reason in the active language (the system's message, else the typed one)."""
        return render_message(self.reason_message, self.reason)

    @property
    def order_number(self) -> str | None:
        """The order's number when the movement was recorded against an order (the
        orders service stores it as the reference), without loading the order; needs
        ``content_type`` (``movement_list`` selects it)."""
        content_type = self.content_type if self.content_type_id else None
        if content_type is None or (content_type.app_label, content_type.model) != (
            "orders",
            "order",
        ):
            return None
        return self.reference or None


class LowStockAlert(models.Model):
    """One crossing of a stock item below its reorder point; the email is keyed on it."""

    stock_item = models.ForeignKey(
        StockItem,
        on_delete=models.CASCADE,
        related_name="low_stock_alerts",
        verbose_name=_("stock item"),
    )
    available = models.IntegerField(_("available"))
    reorder_point = models.IntegerField(_("reorder point"))
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("low-stock alert")
        verbose_name_plural = _("low-stock alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["stock_item"],
                condition=Q(resolved_at__isnull=True),
                name="lowstockalert_one_open",
            )
        ]

    def __str__(self):
        return f"{self.stock_item_id}: {self.available} < {self.reorder_point}"
