"""Orders, their lines, payments and events; coupons and carriers.

The order's ``status`` is a protected django-fsm field: only the transition methods
below change it, and only ``orders.services`` calls them (with the row locked, the
event row written, the outbox event published and the customer timeline appended).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.actions import guard
from core.fiscal import FiscalPosition
from core.messages import render as render_message
from core.models import HistoryEvent, TaxCategory, TimeStampedModel
from customers.models import Currency
from pricing.models import PriceSource

from .transit import transit_business_days

MONEY = {"max_digits": 12, "decimal_places": 2}


class Carrier(TimeStampedModel):
    """A transport company; ``tracking_url_template`` contains ``{tracking}``."""

    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9][a-z0-9_-]*$", _("Lower-case letters, digits, - and _."))
        ],
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    tracking_url_template = models.CharField(
        _("tracking link"),
        max_length=300,
        blank=True,
        help_text=_("Address of the tracking page with {tracking} where the number goes."),
    )
    transit_days_standard = models.PositiveSmallIntegerField(
        _("transit days (standard)"), default=3
    )
    transit_days_express = models.PositiveSmallIntegerField(_("transit days (express)"), default=1)
    claims_email = models.EmailField(
        _("claims email"), blank=True, help_text=_("Where claims for damage or delay are sent.")
    )
    claim_days_damage = models.PositiveSmallIntegerField(
        _("claim window, hidden damage (days)"),
        default=7,
        help_text=_("Days from delivery to claim hidden damage or loss (CMR: 7)."),
    )
    claim_days_delay = models.PositiveSmallIntegerField(
        _("claim window, delay (days)"),
        default=21,
        help_text=_("Days from delivery to claim a delay (CMR: 21)."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        template = self.tracking_url_template.strip()
        if template and "{tracking}" not in template:
            raise ValidationError(
                {"tracking_url_template": _("Put {tracking} where the tracking number goes.")}
            )
        if template and not template.startswith(("https://", "http://")):
            raise ValidationError({"tracking_url_template": _("Enter an http(s) address.")})

    def tracking_url(self, tracking_number: str) -> str:
        if not self.tracking_url_template or not tracking_number:
            return ""
        from urllib.parse import quote

        return self.tracking_url_template.replace("{tracking}", quote(tracking_number, safe=""))

    def transit_days(self, method: str) -> int:
        if method == ShippingMethod.EXPRESS:
            return self.transit_days_express
        return self.transit_days_standard


class CouponKind(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    FIXED = "fixed", _("Fixed amount")


class Coupon(TimeStampedModel):
    """A promotion code. ``times_used`` only grows through a conditional UPDATE."""

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z0-9][A-Z0-9_-]*$", _("Capital letters, digits, - and _."))
        ],
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CouponKind.choices)
    value = models.DecimalField(
        _("value"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Percentage (e.g. 10) or amount in the order's currency."),
    )
    minimum_order = models.DecimalField(
        _("minimum order"),
        **MONEY,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Subtotal (before VAT) the order must reach."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), help_text=_("Last day it can be used."))
    usage_limit = models.PositiveIntegerField(
        _("usage limit"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    times_used = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coupons",
        verbose_name=_("only for customer"),
        help_text=_("Empty: any customer may use it."),
    )
    active = models.BooleanField(_("active"), default=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=Currency.choices,
        blank=True,
        default="",
        help_text=_(
            "Fixed amounts only: the currency of the amount; it applies only to orders "
            "in it. Percentages apply to any order."
        ),
    )

    class Meta:
        ordering = ["-valid_until", "code"]
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="coupon_value_positive"),
            models.CheckConstraint(
                condition=Q(kind="fixed") | Q(value__lte=100), name="coupon_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="coupon_valid_window"
            ),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=models.F("usage_limit")),
                name="coupon_usage_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(kind="percent", currency="") | (Q(kind="fixed") & ~Q(currency="")),
                name="coupon_fixed_amount_has_currency",
            ),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        super().clean()
        if self.kind == CouponKind.FIXED and not self.currency:
            raise ValidationError(
                {"currency": _("A fixed amount needs its currency (EUR or PLN).")}
            )
        if self.kind == CouponKind.PERCENT:
            self.currency = ""  # a percentage applies in any currency

    def applies_to(self, currency: str) -> bool:
        """A percentage applies to any order; a fixed amount only in its currency."""
        return self.kind != CouponKind.FIXED or self.currency == currency


class OrderStatus(models.TextChoices):
    PENDIENTE = "pendiente", _("Pending")
    EN_PREPARACION = "en_preparacion", _("In preparation")
    ENVIADO = "enviado", _("Shipped")
    ENTREGADO = "entregado", _("Delivered")
    CANCELADO = "cancelado", _("Cancelled")


#: The happy path, in order (the portal's progress bar).
STATUS_FLOW = [
    OrderStatus.PENDIENTE,
    OrderStatus.EN_PREPARACION,
    OrderStatus.ENVIADO,
    OrderStatus.ENTREGADO,
]
OPEN_STATUSES = (OrderStatus.PENDIENTE, OrderStatus.EN_PREPARACION, OrderStatus.ENVIADO)


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    BACKOFFICE = "backoffice", _("Back-office")


class ShippingMethod(models.TextChoices):
    STANDARD = "standard", _("Standard")
    EXPRESS = "express", _("Express")


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PARTIAL = "partial", _("Partially paid")
    PAID = "paid", _("Paid")


class Order(ConcurrentTransitionMixin, TimeStampedModel):
    """A customer's order. Totals are computed once at placement (``orders.pricing``)."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("customer"),
        db_index=False,
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placed by"),
    )
    api_key = models.ForeignKey(
        "apikeys.ApiKey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API client"),
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDIENTE,
        protected=True,
    )
    po_number = models.CharField(_("PO number"), max_length=50, blank=True)
    shipping_method = models.CharField(
        _("shipping method"),
        max_length=10,
        choices=ShippingMethod.choices,
        default=ShippingMethod.STANDARD,
    )
    shipping_address = models.JSONField(_("shipping address"), default=dict)
    shipping_address_on_file = models.BooleanField(_("address on file"), default=True)
    billing_address = models.JSONField(_("billing address"), default=dict)
    notes = models.TextField(_("comments"), blank=True)
    coupon = models.ForeignKey(
        Coupon,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("coupon"),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    #: Decided at placement (``core.fiscal.fiscal_position``) from the billing country and
    #: the customer's EU VAT number; customer service may change it while pending.
    fiscal_position = models.CharField(
        _("fiscal position"),
        max_length=10,
        choices=FiscalPosition.choices,
        default=FiscalPosition.DOMESTIC,
    )
    #: The VAT numbers the position was decided with (with their country prefixes).
    seller_vat_number = models.CharField(_("seller VAT number"), max_length=20, blank=True)
    customer_vat_number = models.CharField(_("customer VAT number"), max_length=20, blank=True)
    customer_discount_percent = models.DecimalField(
        _("customer discount %"), max_digits=5, decimal_places=2, default=Decimal("0.00")
    )
    subtotal = models.DecimalField(_("subtotal"), **MONEY, default=Decimal("0.00"))
    discount = models.DecimalField(_("discount"), **MONEY, default=Decimal("0.00"))
    tax = models.DecimalField(_("tax"), **MONEY, default=Decimal("0.00"))
    shipping = models.DecimalField(_("shipping"), **MONEY, default=Decimal("0.00"))
    total = models.DecimalField(_("total"), **MONEY, default=Decimal("0.00"))
    promised_delivery_date = models.DateField(_("promised delivery"), null=True, blank=True)
    on_hold = models.BooleanField(_("on hold"), default=False)
    hold_reason = models.TextField(_("hold reason"), blank=True)
    #: The automatic hold reasons (``core.messages``, one per line); ``hold_reason`` is
    #: the reason a person typed.
    hold_messages = models.JSONField(default=list, blank=True)
    payment_status = models.CharField(
        _("payment"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    amount_paid = models.DecimalField(_("amount paid"), **MONEY, default=Decimal("0.00"))
    payment_due = models.DateField(_("payment due"), null=True, blank=True)
    carrier = models.ForeignKey(
        Carrier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("carrier"),
    )
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    estimated_delivery = models.DateField(_("estimated delivery"), null=True, blank=True)
    prepared_at = models.DateTimeField(_("preparation started"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    #: Business days from shipment to delivery on the seller's calendar, set when the
    #: order is delivered (``orders.transit``): what the carrier figures aggregate.
    transit_business_days = models.PositiveSmallIntegerField(
        _("transit (business days)"), null=True, blank=True, editable=False
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    #: Placed by a buyer over their order limit (``User.order_limit``): the order is
    #: pending and its stock reserved, but it does not reach the preparation queue until
    #: a company admin approves it (``orders.services.approvals``); rejecting cancels it.
    awaiting_approval = models.BooleanField(_("awaiting approval"), default=False)
    approval_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or rejected by"),
    )
    approval_decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            # The lists of the three faces, each read in index order (bench/lists.py):
            # the portal and a customer's orders, the queue tabs, the "all" tab, the
            # held tab, and the API's id-ordered cursor filtered by customer or status.
            # They cover the foreign key and status lookups too, so those columns carry
            # no index of their own (every index is a write on each placement).
            # Search by number or PO uses trigram indexes (PostgreSQL, migration 0006).
            models.Index(fields=["company", "-created_at", "-id"], name="order_company_recent"),
            models.Index(fields=["status", "-created_at", "-id"], name="order_status_recent"),
            # Covering: the placements of a period for the dashboard, index-only.
            models.Index(
                fields=["-created_at", "-id"],
                include=["company", "status", "currency", "total"],
                name="order_recent",
            ),
            models.Index(
                fields=["-created_at", "-id"], condition=Q(on_hold=True), name="order_held_recent"
            ),
            models.Index(fields=["company", "id"], name="order_company_id"),
            models.Index(fields=["status", "id"], name="order_status_id"),
            # The dashboard's figures (dashboard.kpis, bench/dashboard.py), read with
            # index-only scans: what a period's deliveries count (carrier, service,
            # promise, transit, net sales), and the open orders' ageing and shipping
            # figures (the placements of a period: order_recent, above).
            models.Index(
                fields=["delivered_at"],
                include=[
                    "id",
                    "company",
                    "carrier",
                    "shipping_method",
                    "promised_delivery_date",
                    "transit_business_days",
                    "currency",
                    "subtotal",
                    "discount",
                ],
                condition=Q(delivered_at__isnull=False),
                name="order_delivered_figures",
            ),
            models.Index(
                fields=["company", "delivered_at"],
                include=["id", "currency", "subtotal", "discount"],
                condition=Q(delivered_at__isnull=False),
                name="order_company_delivered",
            ),
            models.Index(
                fields=["status"],
                include=[
                    "id",
                    "company",
                    "created_at",
                    "prepared_at",
                    "shipped_at",
                    "awaiting_approval",
                    "on_hold",
                    "promised_delivery_date",
                ],
                condition=Q(status__in=OPEN_STATUSES),
                name="order_open_figures",
            ),
            # A company's open exposure (orders.checks: the credit-limit hold at every
            # placement, the company page's credit figures), index-only and small.
            models.Index(
                fields=["company"],
                include=["id", "total", "amount_paid", "payment_due"],
                condition=~Q(status=OrderStatus.CANCELADO) & ~Q(payment_status=PaymentStatus.PAID),
                name="order_unpaid_exposure",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0), name="order_paid_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
        ]

    def __str__(self):
        return self.number or _("(new order)")

    @property
    def hold_reason_text(self) -> str:
        """Why the order is held, in the active language: the automatic reasons (one per
        line) and the reason a person typed."""
        lines = [render_message(self.hold_messages), self.hold_reason]
        return "\n".join(line for line in lines if line)

    # --- guards (plain methods named after the rule; ``core.actions`` reads them) ------
    @guard()
    def is_not_on_hold(self) -> bool:
        return not self.on_hold

    @guard(_("The order is not on hold."))
    def is_on_hold(self) -> bool:
        return self.on_hold

    @guard(_("Nothing is left to pay on this order."))
    def has_balance_due(self) -> bool:
        return self.amount_paid < self.total

    @guard(_("The order is waiting for the approval of a company administrator."))
    def is_not_awaiting_approval(self) -> bool:
        return not self.awaiting_approval

    @guard(_("The order is not waiting for approval."))
    def is_awaiting_approval(self) -> bool:
        return self.awaiting_approval

    @guard(_("Only pending orders can be cancelled here; please contact us."))
    def is_pending(self) -> bool:
        return self.status == OrderStatus.PENDIENTE

    def preparation_checklist(self):
        """The three preparation checks, evaluated once per loaded instance (the
        availability answer, the transition's condition and the page share them)."""
        checks = self.__dict__.get("_checklist")
        if checks is None:
            from .checks import preparation_checks

            checks = self.__dict__["_checklist"] = preparation_checks(self)
        return checks

    def forget_checklist(self) -> None:
        self.__dict__.pop("_checklist", None)

    def refresh_from_db(self, *args, **kwargs):
        self.forget_checklist()
        return super().refresh_from_db(*args, **kwargs)

    @guard(error=lambda order: _checks_failed(order.preparation_checklist()))
    def passes_preparation_checks(self) -> bool:
        return all(check.passed for check in self.preparation_checklist())

    @guard(on_input=True)
    def has_shipment_details(self) -> bool:
        return bool(
            self.carrier_id
            and self.tracking_number.strip()
            and self.estimated_delivery
            and self.estimated_delivery >= timezone.localdate()
        )

    @guard(on_input=True)
    def has_delivery_date(self) -> bool:
        return self.delivered_at is not None and self.delivered_at <= timezone.now() + timedelta(
            seconds=5
        )

    @guard(on_input=True)
    def has_cancel_reason(self) -> bool:
        return bool(self.cancel_reason.strip())

    # --- transitions (called only from orders.services) ---------------------------------
    @transition(
        field=status,
        source=OrderStatus.PENDIENTE,
        target=OrderStatus.EN_PREPARACION,
        conditions=[is_not_on_hold, is_not_awaiting_approval, passes_preparation_checks],
    )
    def prepare(self):
        self.prepared_at = timezone.now()
        self.forget_checklist()

    @transition(
        field=status,
        source=OrderStatus.EN_PREPARACION,
        target=OrderStatus.ENVIADO,
        conditions=[is_not_on_hold, has_shipment_details],
    )
    def ship(self):
        self.shipped_at = timezone.now()

    @transition(
        field=status,
        source=OrderStatus.ENVIADO,
        target=OrderStatus.ENTREGADO,
        conditions=[has_delivery_date],
    )
    def deliver(self):
        self.transit_business_days = transit_business_days(self.shipped_at, self.delivered_at)

    @transition(
        field=status,
        source=[OrderStatus.PENDIENTE, OrderStatus.EN_PREPARACION],
        target=OrderStatus.CANCELADO,
        conditions=[has_cancel_reason],
    )
    def cancel(self):
        self.cancelled_at = timezone.now()

    # --- read helpers ------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def tracking_url(self) -> str:
        return self.carrier.tracking_url(self.tracking_number) if self.carrier_id else ""

    @property
    def is_late(self) -> bool:
        """Not delivered and past the date promised to the customer."""
        today = timezone.localdate()
        return bool(
            self.status in OPEN_STATUSES
            and self.promised_delivery_date
            and self.promised_delivery_date < today
        )

    @property
    def delivered_on_time(self) -> bool | None:
        """Delivered no later than promised (None while not delivered)."""
        if self.delivered_at is None or self.promised_delivery_date is None:
            return None
        return timezone.localdate(self.delivered_at) <= self.promised_delivery_date

    @property
    def delivered_within_carrier_transit(self) -> bool | None:
        """Delivered within the carrier's contracted transit days (business days from
        shipment, ``transit_business_days``; None while not delivered)."""
        if self.transit_business_days is None or self.carrier is None:
            return None
        return self.transit_business_days <= self.carrier.transit_days(self.shipping_method)

    @property
    def balance_due(self) -> Decimal:
        return max(self.total - self.amount_paid, Decimal("0.00"))

    @property
    def progress_step(self) -> int:
        """Index of the status in ``STATUS_FLOW`` (cancelled: -1)."""
        try:
            return STATUS_FLOW.index(self.status)
        except ValueError:
            return -1


def _checks_failed(checks):
    from .errors import ChecksFailed

    return ChecksFailed(checks)


class OrderLine(models.Model):
    """A line snapshotted at placement: SKU, name, price after the customer's discount,
    VAT rate, quantity, net line total, and where the units were reserved."""

    # Looked up through the (order, position) unique index; no index of its own.
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", db_index=False)
    position = models.PositiveSmallIntegerField(_("position"))
    product = models.ForeignKey(
        "inventory.Product",
        on_delete=models.PROTECT,
        related_name="order_lines",
        verbose_name=_("product"),
    )
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    list_price = models.DecimalField(_("list price"), **MONEY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    #: The product's tax category at placement: the line's rate follows it and the
    #: order's fiscal position (``core.fiscal.vat_rate_for``).
    tax_category = models.CharField(
        _("tax category"),
        max_length=16,
        choices=TaxCategory.choices,
        default=TaxCategory.STANDARD,
    )
    vat_rate = models.DecimalField(_("VAT rate %"), max_digits=5, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))
    #: Units of ``quantity`` not reserved yet (placed as a backorder, the company
    #: allowing it): receipts reserve them first, oldest order first, and this goes down.
    backordered_quantity = models.PositiveIntegerField(_("backordered"), default=0)
    line_total = models.DecimalField(_("line total"), **MONEY)
    #: Where ``list_price``/``unit_price`` came from (pricing.resolution), snapshotted.
    price_source = models.CharField(
        _("price source"), max_length=10, choices=PriceSource.choices, default=PriceSource.LIST
    )
    #: ``[{"warehouse": code, "warehouse_id", "product_id", "quantity"}]`` from the reservation.
    allocations = models.JSONField(_("warehouse allocation"), default=list)

    class Meta:
        ordering = ["order", "position"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="orderline_position"),
            models.UniqueConstraint(fields=["order", "product"], name="orderline_one_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(backordered_quantity__lte=models.F("quantity")),
                name="orderline_backorder_within_quantity",
            ),
        ]
        indexes = [
            # The backorders a receipt fills (few rows: only lines still waiting).
            models.Index(
                fields=["product", "id"],
                condition=Q(backordered_quantity__gt=0),
                name="orderline_backordered",
            ),
        ]

    def __str__(self):
        return f"{self.sku} x {self.quantity}"

    @property
    def reserved_quantity(self) -> int:
        """The units reserved for this line (what ships): all but the backorder."""
        return self.quantity - self.backordered_quantity

    @property
    def allocation_summary(self) -> str:
        return ", ".join(f"{a['warehouse']}: {a['quantity']}" for a in self.allocations)


class Payment(models.Model):
    """A payment received for an order (bank transfer, card...)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_at = models.DateTimeField(_("paid at"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["paid_at", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self):
        return f"{self.amount} @ {self.paid_at:%Y-%m-%d}"


class EventKind(models.TextChoices):
    PLACED = "placed", _("Order placed")
    PREPARED = "prepared", _("Preparation started")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held for review")
    RELEASED = "released", _("Hold released")
    PAYMENT = "payment", _("Payment recorded")
    NOTE = "note", _("Note")
    FISCAL_POSITION = "fiscal", _("Fiscal position changed")
    APPROVAL = "approval", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    BACKORDER = "backorder", _("Backorder reserved")


class OrderEvent(HistoryEvent):
    """One line of an order's history: who, when, from, to and a note."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    from_status = models.CharField(
        _("from"), max_length=20, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=OrderStatus.choices, blank=True)
    #: A note the system wrote (``core.messages``: one message or a list of lines).
    note_message = models.JSONField(default=dict, blank=True)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self):
        return f"{self.order_id} {self.kind}"

    @property
    def note_text(self) -> str:
        """The note in the active language (the system's message, else the typed note)."""
        return render_message(self.note_message, self.note)


class CartLine(models.Model):
    """One product in a portal user's cart (``orders.portal.cart``): kept in the
    database, so the cart lasts across sign-ins and devices. Nothing is reserved until
    the order is placed; prices and stock are read when the cart is shown."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cart_lines",
        verbose_name=_("user"),
        db_index=False,
    )
    product = models.ForeignKey(
        "inventory.Product",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("product"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    #: The unit price the buyer last saw (company's currency): the review shows a change.
    unit_price = models.DecimalField(_("unit price"), **MONEY, null=True, blank=True)
    #: Over what is available, the buyer chose to keep the rest as a backorder.
    backorder = models.BooleanField(_("backorder the rest"), default=False)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["user", "created_at", "id"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="cartline_one_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cartline_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.product_id} x {self.quantity}"


class ShoppingList(models.Model):
    """A named list of products and quantities, shared by the users of one company (the
    portal's order pad): ordered again as a whole by adding it to the cart."""

    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.CASCADE,
        related_name="shopping_lists",
        verbose_name=_("customer"),
    )
    name = models.CharField(_("name"), max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("shopping list")
        verbose_name_plural = _("shopping lists")
        constraints = [
            models.UniqueConstraint(Lower("name"), "company", name="shoppinglist_name_per_company")
        ]

    def __str__(self):
        return self.name


class ShoppingListItem(models.Model):
    """One product of a shopping list with the quantity to order."""

    shopping_list = models.ForeignKey(ShoppingList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        "inventory.Product",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("product"),
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["shopping_list", "added_at", "id"]
        verbose_name = _("shopping list item")
        verbose_name_plural = _("shopping list items")
        constraints = [
            models.UniqueConstraint(
                fields=["shopping_list", "product"], name="shoppinglistitem_one_per_product"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="shoppinglistitem_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.product_id} x {self.quantity}"
