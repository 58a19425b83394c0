"""Price lists, their prices (list prices and quantity breaks), the list a company is
assigned and its contract prices.

One source of truth for the catalog price: ``Product.unit_price`` IS the base price
(``min_quantity`` 1) of the default EUR list. That list holds no ``Price`` row of
``min_quantity`` 1 (the services write the product's column instead); ``PriceRow``, a
database view, reads every list's prices uniformly (the rows of ``Price`` plus the
products' ``unit_price`` as the default EUR list's base prices).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from customers.models import Currency

MONEY = {"max_digits": 12, "decimal_places": 2}
PRICE_VALIDATORS = [MinValueValidator(Decimal("0.01"))]


class PriceSource(models.TextChoices):
    """Where an order line's price came from (snapshotted on the line)."""

    LIST = "list", _("List price")
    BREAK = "break", _("Quantity break")
    CONTRACT = "contract", _("Contract price")


class PriceList(TimeStampedModel):
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z0-9][A-Z0-9_-]*$", _("Capital letters, digits, - and _."))
        ],
    )
    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    is_default = models.BooleanField(
        _("default of its currency"),
        default=False,
        help_text=_("Companies without an assigned list buy from their currency's default."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day it applies; empty: open.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["currency", "code"]
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        constraints = [
            models.UniqueConstraint(
                fields=["currency"],
                condition=Q(is_default=True),
                name="pricelist_one_default_per_currency",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="pricelist_valid_window",
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.currency})"

    @property
    def is_catalog_list(self) -> bool:
        """The default EUR list: its base prices are the products' ``unit_price``."""
        return self.is_default and self.currency == Currency.EUR

    def valid_on(self, day) -> bool:
        return (
            self.active
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_to is None or day <= self.valid_to)
        )


class Price(TimeStampedModel):
    """A list's net price of a product from ``min_quantity`` units (1: the list price;
    more: a quantity break)."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="prices", verbose_name=_("price list")
    )
    product = models.ForeignKey(
        "inventory.Product",
        on_delete=models.CASCADE,
        related_name="list_prices",
        verbose_name=_("product"),
    )
    min_quantity = models.PositiveIntegerField(
        _("from quantity"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("1 is the list price; more is a quantity break."),
    )
    price = models.DecimalField(_("net price"), **MONEY, validators=PRICE_VALIDATORS)

    class Meta:
        ordering = ["price_list", "product__sku", "min_quantity"]
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "product", "min_quantity"], name="price_one_per_quantity"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="price_positive"),
            models.CheckConstraint(condition=Q(min_quantity__gte=1), name="price_min_quantity"),
        ]

    def __str__(self):
        return f"{self.price_list.code} {self.product.sku} x{self.min_quantity}: {self.price}"


class PriceRow(models.Model):
    """Read-only view (``pricing_price_row``): every price of every list, the default
    EUR list's base prices read from ``Product.unit_price``. Ids: ``2 * Price.id`` for a
    stored price, ``2 * Product.id + 1`` for a catalog price (unique, growing)."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    min_quantity = models.PositiveIntegerField(_("from quantity"))
    price = models.DecimalField(_("net price"), **MONEY)
    updated_at = models.DateTimeField(_("updated at"))
    from_catalog = models.BooleanField(_("catalog price"))

    class Meta:
        managed = False
        db_table = "pricing_price_row"
        ordering = ["id"]
        verbose_name = _("price")
        verbose_name_plural = _("prices")

    def __str__(self):
        return f"{self.price_list_id} {self.product_id} x{self.min_quantity}: {self.price}"

    @property
    def stored_pk(self) -> int | None:
        """The ``Price`` row behind this one (None for a catalog price)."""
        return None if self.from_catalog else self.pk // 2


class CustomerPricing(TimeStampedModel):
    """The list a company buys from (none: its currency's default list)."""

    company = models.OneToOneField(
        "customers.Company",
        on_delete=models.CASCADE,
        related_name="pricing",
        verbose_name=_("company"),
    )
    price_list = models.ForeignKey(
        PriceList,
        on_delete=models.PROTECT,
        related_name="assignments",
        null=True,
        blank=True,
        verbose_name=_("price list"),
    )

    class Meta:
        verbose_name = _("customer price list")
        verbose_name_plural = _("customer price lists")

    def __str__(self):
        return f"{self.company_id}: {self.price_list_id}"


class ContractPrice(TimeStampedModel):
    """A company's negotiated net price of a product (the discount % does not apply)."""

    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.CASCADE,
        related_name="contract_prices",
        verbose_name=_("company"),
    )
    product = models.ForeignKey(
        "inventory.Product",
        on_delete=models.CASCADE,
        related_name="contract_prices",
        verbose_name=_("product"),
    )
    price = models.DecimalField(_("net price"), **MONEY, validators=PRICE_VALIDATORS)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day it applies; empty: open.")
    )

    class Meta:
        ordering = ["company", "product__sku", "valid_from"]
        verbose_name = _("contract price")
        verbose_name_plural = _("contract prices")
        indexes = [models.Index(fields=["company", "product"], name="contractprice_company_prod")]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="contractprice_positive"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="contractprice_valid_window",
            ),
        ]

    def __str__(self):
        return f"{self.company_id} {self.product.sku}: {self.price}"

    def valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )
