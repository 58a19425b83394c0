"""Returns (RMA): the return and its lines, the reasons and their rules, evidence,
the return's history, the store-credit ledger and the abuse watch.

The return's ``status`` is a protected django-fsm field: only the transition methods
below change it, and only ``returns.services`` calls them (with the row locked, the
event row written, the outbox event published and the customer timeline appended).

Store credit is an append-only ledger (``StoreCreditEntry``): credits from the credit
notes of returns resolved as store credit, debits applied to later orders. A
company's balance is the sum of its entries, never a stored counter.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.actions import guard
from core.models import AppendOnlyQuerySet, HistoryEvent, TimeStampedModel
from inventory.models import ReturnShippingPayer

from .errors import StoreCreditIsAppendOnly

MONEY = {"max_digits": 12, "decimal_places": 2}


class ReturnStatus(models.TextChoices):
    SOLICITADA = "solicitada", _("Requested")
    AUTORIZADA = "autorizada", _("Authorized")
    RECHAZADA = "rechazada", _("Rejected")
    RECIBIDA = "recibida", _("Received")
    INSPECCIONADA = "inspeccionada", _("Inspected")
    RESUELTA = "resuelta", _("Resolved")
    CANCELADA = "cancelada", _("Cancelled")


#: The happy path, in order (the portal's progress bar).
STATUS_FLOW = [
    ReturnStatus.SOLICITADA,
    ReturnStatus.AUTORIZADA,
    ReturnStatus.RECIBIDA,
    ReturnStatus.INSPECCIONADA,
    ReturnStatus.RESUELTA,
]
#: Returns in these states do not hold units (they may be requested again).
CLOSED_WITHOUT_GOODS = (ReturnStatus.RECHAZADA, ReturnStatus.CANCELADA)
OPEN_STATUSES = (
    ReturnStatus.SOLICITADA,
    ReturnStatus.AUTORIZADA,
    ReturnStatus.RECIBIDA,
    ReturnStatus.INSPECCIONADA,
)


def refund_overdue_q(today=None) -> Q:
    """Returns whose refund is overdue *now*: inspected but not resolved (so no credit
    note, refund or replacement yet) and past ``refund_due`` (7 business days after the
    inspection), as ``Return.refund_overdue`` says of one return. ``today`` defaults to
    the seller's local date."""
    return Q(status=ReturnStatus.INSPECCIONADA, refund_due__lt=today or timezone.localdate())


class Resolution(models.TextChoices):
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    REPAIR = "repair", _("Repair")
    STORE_CREDIT = "store_credit", _("Store credit")


class ReasonCode(models.TextChoices):
    """The reasons the product ships with (their rules are data: ``ReturnReason``)."""

    WRONG_ITEM = "wrong_item", _("Wrong item")
    DEFECTIVE = "defective", _("Defective")
    DAMAGED_IN_TRANSPORT = "damaged_in_transport", _("Damaged in transport")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    OTHER = "other", _("Other")


#: Who pays the return shipping: the categories' choice set (buyer / seller).
ShippingPayer = ReturnShippingPayer


class Condition(models.TextChoices):
    RESELLABLE = "resellable", _("Resellable")
    DAMAGED = "damaged", _("Damaged")
    MISSING = "missing", _("Missing")


class ReturnChannel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    BACKOFFICE = "backoffice", _("Back-office")


class ReturnReason(TimeStampedModel):
    """A reason a buyer may give, with its rules (managers edit them).

    ``applies_category_policy``: the category's window and "not returnable" flag apply
    (change of mind); otherwise ``notice_window_days`` from delivery applies (the
    seller's fault: wrong, defective, damaged, not as described).
    """

    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]*$", _("Lower-case letters, digits and _."))],
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        help_text=_("Shown for reasons added here; the built-in reasons are translated."),
    )
    evidence_required = models.BooleanField(
        _("evidence required"),
        default=False,
        help_text=_("A photo or document must be attached before the return is authorized."),
    )
    seller_pays_shipping = models.BooleanField(_("seller pays return shipping"), default=False)
    applies_category_policy = models.BooleanField(
        _("category policy applies"),
        default=True,
        help_text=_(
            "The category's return window and its 'not returnable' flag apply (change of "
            "mind). Untick for the seller's faults, which use the notice window instead."
        ),
    )
    notice_window_days = models.PositiveIntegerField(
        _("notice window (days)"),
        default=30,
        help_text=_("Days from delivery to report it, when the category policy does not apply."),
    )
    restocking_fee_applies = models.BooleanField(_("restocking fee applies"), default=False)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("return reason")
        verbose_name_plural = _("return reasons")
        constraints = [
            models.CheckConstraint(
                condition=Q(notice_window_days__lte=3650), name="returnreason_notice_window_range"
            )
        ]

    def __str__(self):
        return str(self.label)

    @property
    def label(self):
        if self.code in ReasonCode.values:
            return ReasonCode(self.code).label
        return self.name or self.code

    @property
    def is_seller_fault(self) -> bool:
        return not self.applies_category_policy


class Return(ConcurrentTransitionMixin, TimeStampedModel):
    """A return request (RMA). Its ``number`` (``DEV-<year>-<6 digits>``) is the RMA
    number, given at creation."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="returns", verbose_name=_("order")
    )
    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.PROTECT,
        related_name="returns",
        verbose_name=_("customer"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    api_key = models.ForeignKey(
        "apikeys.ApiKey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API client"),
    )
    on_behalf = models.BooleanField(
        _("by staff on the customer's behalf"), default=False, editable=False
    )
    channel = models.CharField(_("channel"), max_length=12, choices=ReturnChannel.choices)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ReturnStatus.choices,
        default=ReturnStatus.SOLICITADA,
        protected=True,
        db_index=True,
    )
    requested_resolution = models.CharField(
        _("requested resolution"), max_length=15, choices=Resolution.choices
    )
    resolution = models.CharField(
        _("resolution"), max_length=15, choices=Resolution.choices, blank=True
    )
    return_shipping_payer = models.CharField(
        _("return shipping paid by"), max_length=10, choices=ShippingPayer.choices, blank=True
    )
    return_shipping_cost = models.DecimalField(
        _("return shipping cost"),
        **MONEY,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "Net postage the buyer paid, recorded at receipt (refunded if the seller pays)."
        ),
    )
    currency = models.CharField(_("currency"), max_length=3)
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("warehouse"),
    )
    notes = models.TextField(_("notes"), blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    expired = models.BooleanField(
        _("expired"), default=False, help_text=_("Cancelled because the goods never arrived.")
    )
    authorized_at = models.DateTimeField(_("authorized"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    receive_by = models.DateField(_("goods due by"), null=True, blank=True)
    refund_due = models.DateField(_("refund due"), null=True, blank=True)
    refund_total = models.DecimalField(_("refunded"), **MONEY, null=True, blank=True)
    credit_note = models.ForeignKey(
        "documents.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returns",
        verbose_name=_("credit note"),
    )
    replacement_order = models.OneToOneField(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces_return",
        verbose_name=_("replacement order"),
    )
    repair_shipped_at = models.DateTimeField(_("repaired item shipped back"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        indexes = [
            models.Index(fields=["company", "-created_at"], name="return_company_recent"),
            models.Index(fields=["status", "-created_at"], name="return_status_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReturnStatus.values), name="return_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(return_shipping_cost__gte=0), name="return_shipping_cost_not_negative"
            ),
        ]

    def __str__(self):
        return self.number or str(_("(new return)"))

    # --- guards ------------------------------------------------------------------------
    @guard(error=lambda ret: _evidence_missing())
    def has_required_evidence(self) -> bool:
        needs = self.lines.filter(reason__evidence_required=True).exists()
        return not needs or self.attachments.exists()

    @guard(on_input=True)
    def has_rejection_reason(self) -> bool:
        return bool(self.rejection_reason.strip())

    @guard(_("Only returns that were not authorized yet can be withdrawn."))
    def is_requested(self) -> bool:
        return self.status == ReturnStatus.SOLICITADA

    @guard(_("The repaired item has already been shipped back."))
    def repair_pending(self) -> bool:
        return self.resolution == Resolution.REPAIR and self.repair_shipped_at is None

    # --- transitions (called only from returns.services) --------------------------------
    @transition(
        field=status,
        source=ReturnStatus.SOLICITADA,
        target=ReturnStatus.AUTORIZADA,
        conditions=[has_required_evidence],
    )
    def authorize(self):
        self.authorized_at = timezone.now()

    @transition(
        field=status,
        source=ReturnStatus.SOLICITADA,
        target=ReturnStatus.RECHAZADA,
        conditions=[has_rejection_reason],
    )
    def reject(self):
        self.rejected_at = timezone.now()

    @transition(field=status, source=ReturnStatus.AUTORIZADA, target=ReturnStatus.RECIBIDA)
    def receive(self):
        self.received_at = timezone.now()

    @transition(field=status, source=ReturnStatus.RECIBIDA, target=ReturnStatus.INSPECCIONADA)
    def inspect(self):
        self.inspected_at = timezone.now()

    @transition(field=status, source=ReturnStatus.INSPECCIONADA, target=ReturnStatus.RESUELTA)
    def resolve(self):
        self.resolved_at = timezone.now()

    @transition(
        field=status,
        source=[ReturnStatus.SOLICITADA, ReturnStatus.AUTORIZADA],
        target=ReturnStatus.CANCELADA,
    )
    def cancel(self):
        self.cancelled_at = timezone.now()

    @transition(field=status, source=ReturnStatus.AUTORIZADA, target=ReturnStatus.CANCELADA)
    def expire(self):
        self.cancelled_at = timezone.now()
        self.expired = True

    # --- read helpers ------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def progress_step(self) -> int:
        try:
            return STATUS_FLOW.index(self.status)
        except ValueError:
            return -1

    @property
    def refund_overdue(self) -> bool:
        """Inspected, a refund or credit owed, and past its due date."""
        return bool(
            self.status == ReturnStatus.INSPECCIONADA
            and self.refund_due
            and self.refund_due < timezone.localdate()
        )

    @property
    def has_label(self) -> bool:
        return self.authorized_at is not None and self.status not in (
            ReturnStatus.SOLICITADA,
            ReturnStatus.RECHAZADA,
        )

    @property
    def total_quantity(self) -> int:
        return sum(line.quantity for line in self.lines.all())


def _evidence_missing():
    from .errors import EvidenceMissing

    return EvidenceMissing()


class ReturnLine(models.Model):
    """One returned order line: what was asked, then what arrived and in what state."""

    ret = models.ForeignKey(
        Return, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    order_line = models.ForeignKey(
        "orders.OrderLine",
        on_delete=models.PROTECT,
        related_name="return_lines",
        verbose_name=_("order line"),
    )
    product = models.ForeignKey(
        "inventory.Product",
        on_delete=models.PROTECT,
        related_name="return_lines",
        verbose_name=_("product"),
    )
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    reason = models.ForeignKey(
        ReturnReason, on_delete=models.PROTECT, related_name="lines", verbose_name=_("reason")
    )
    comment = models.TextField(_("comment"), blank=True)
    #: The eligibility answer at request time, ``{"eligible", "code", "params"}``: the
    #: explanation is rendered in the reader's language (``returns.eligibility.explain``).
    eligibility = models.JSONField(_("eligibility"), default=dict, blank=True)
    override_note = models.TextField(_("override note"), blank=True)
    received_quantity = models.PositiveIntegerField(_("received"), null=True, blank=True)
    resellable_quantity = models.PositiveIntegerField(_("resellable"), default=0)
    damaged_quantity = models.PositiveIntegerField(_("damaged"), default=0)
    missing_quantity = models.PositiveIntegerField(_("missing"), default=0)
    restocking_fee = models.DecimalField(_("restocking fee"), **MONEY, default=Decimal("0.00"))

    class Meta:
        ordering = ["ret", "position"]
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.UniqueConstraint(fields=["ret", "position"], name="returnline_position"),
            models.UniqueConstraint(fields=["ret", "order_line"], name="returnline_one_per_line"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="returnline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__isnull=True)
                | Q(received_quantity__lte=models.F("quantity")),
                name="returnline_received_within_requested",
            ),
            models.CheckConstraint(
                condition=Q(restocking_fee__gte=0), name="returnline_fee_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.sku} x {self.quantity}"

    @property
    def graded_quantity(self) -> int:
        return self.resellable_quantity + self.damaged_quantity + self.missing_quantity

    @property
    def accepted_quantity(self) -> int:
        """Units credited: those that arrived (resellable or damaged), not the missing."""
        return self.resellable_quantity + self.damaged_quantity


def attachment_path(instance: ReturnAttachment, filename: str) -> str:
    now = timezone.now()
    return f"returns/{now:%Y/%m}/{instance.ret.number}/{filename}"


class ReturnAttachment(models.Model):
    """Evidence (a photo or a PDF), checked by content, stored privately and served only
    to staff and the owning company."""

    ret = models.ForeignKey(
        Return, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("return")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_by_label = models.CharField(_("uploaded by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("return attachment")
        verbose_name_plural = _("return attachments")

    def __str__(self):
        return self.original_name


class ReturnEventKind(models.TextChoices):
    REQUESTED = "requested", _("Return requested")
    AUTHORIZED = "authorized", _("Authorized")
    REJECTED = "rejected", _("Rejected")
    RECEIVED = "received", _("Goods received")
    INSPECTED = "inspected", _("Inspected")
    RESOLVED = "resolved", _("Resolved")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    REMINDED = "reminded", _("Reminder sent")
    ATTACHMENT = "attachment", _("Evidence added")
    OVERRIDE = "override", _("Eligibility overridden")
    REPAIR_SHIPPED = "repair_shipped", _("Repaired item shipped back")
    NOTE = "note", _("Note")


class ReturnEvent(HistoryEvent):
    """One line of a return's history: who, when, from, to and a note."""

    ret = models.ForeignKey(
        Return, on_delete=models.CASCADE, related_name="events", verbose_name=_("return")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReturnEventKind.choices)
    from_status = models.CharField(
        _("from"), max_length=20, choices=ReturnStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=ReturnStatus.choices, blank=True)
    # A return's steps are the customer's business: shown to them unless marked internal.
    customer_visible = models.BooleanField(_("visible to the customer"), default=True)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("return event")
        verbose_name_plural = _("return events")

    def __str__(self):
        return f"{self.ret_id} {self.kind}"


class StoreCreditQuerySet(AppendOnlyQuerySet):
    """Ledger rows are never changed nor deleted through the ORM."""

    refusal = StoreCreditIsAppendOnly


class StoreCreditKind(models.TextChoices):
    CREDIT = "credit", _("Credit from a return")
    DEBIT = "debit", _("Applied to an order")


class StoreCreditEntry(models.Model):
    """One line of a company's store-credit ledger (credits > 0, debits < 0). The balance
    is the sum of the company's entries, computed under the company's row lock."""

    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.PROTECT,
        related_name="store_credit_entries",
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=StoreCreditKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    ret = models.ForeignKey(
        Return,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="store_credit_entries",
        verbose_name=_("return"),
    )
    credit_note = models.ForeignKey(
        "documents.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("credit note"),
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="store_credit_entries",
        verbose_name=_("order"),
    )
    payment = models.OneToOneField(
        "orders.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="store_credit_entry",
        verbose_name=_("payment"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = StoreCreditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("store credit entry")
        verbose_name_plural = _("store credit entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="credit", amount__gt=0, ret__isnull=False)
                | Q(kind="debit", amount__lt=0, order__isnull=False),
                name="storecredit_sign_follows_kind",
            ),
            models.UniqueConstraint(
                fields=["ret"], condition=Q(kind="credit"), name="storecredit_one_credit_per_return"
            ),
        ]

    def __str__(self):
        return f"{self.company_id} {self.amount:+}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise StoreCreditIsAppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The store-credit ledger is append-only.")


class AbuseFlag(models.Model):
    """The abuse watch's last answer for a company over the rolling window, with the
    figures behind it (re-evaluated on each return and nightly)."""

    company = models.OneToOneField(
        "customers.Company",
        on_delete=models.CASCADE,
        related_name="return_abuse",
        verbose_name=_("customer"),
    )
    flagged = models.BooleanField(_("flagged"), default=False, db_index=True)
    window_days = models.PositiveIntegerField(_("window (days)"))
    returns_count = models.PositiveIntegerField(_("returns"))
    units_returned = models.PositiveIntegerField(_("units returned"))
    units_bought = models.PositiveIntegerField(_("units bought"))
    rate = models.DecimalField(_("units returned %"), max_digits=7, decimal_places=2)
    max_count = models.PositiveIntegerField(_("count threshold"))
    max_rate = models.DecimalField(_("rate threshold %"), max_digits=7, decimal_places=2)
    flagged_since = models.DateTimeField(_("flagged since"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"))

    class Meta:
        ordering = ["-rate", "company_id"]
        verbose_name = _("returns abuse flag")
        verbose_name_plural = _("returns abuse flags")

    def __str__(self):
        return f"{self.company_id}: {self.returns_count} / {self.rate}%"
