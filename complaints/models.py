"""Complaints: the complaint, its messages and evidence, the history of its clocks, its
timeline, the SLA targets, the editable legal-deadline rules, the carrier and supplier
claims and the alerts the beat task sent.

The complaint's ``status`` is a protected django-fsm field: only the transition
methods below change it, and only ``complaints.services`` calls them (with the row
locked, the event row written, the outbox event published and the customer timeline
appended).

Clocks are history, not counters: each start, pause, resume and stop of the
first-response and resolution clocks is a ``ClockMark`` row, and every deadline is
computed from those rows (``complaints.clocks``). The deadlines stored on the complaint
(``first_response_due``, ``resolution_due``...) are that computation's latest answer,
kept for lists, filters and sorting; the services recompute them on every change.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.actions import guard
from core.models import HistoryEvent, TimeStampedModel

MONEY = {"max_digits": 12, "decimal_places": 2}
#: A closed complaint may be reopened this many days after it was closed.
REOPEN_DAYS = 14


class ComplaintStatus(models.TextChoices):
    ABIERTA = "abierta", _("Open")
    EN_ANALISIS = "en_analisis", _("In analysis")
    DECIDIDA = "decidida", _("Decided")
    RESUELTA = "resuelta", _("Resolved")
    CERRADA = "cerrada", _("Closed")


STATUS_FLOW = [
    ComplaintStatus.ABIERTA,
    ComplaintStatus.EN_ANALISIS,
    ComplaintStatus.DECIDIDA,
    ComplaintStatus.RESUELTA,
    ComplaintStatus.CERRADA,
]
OPEN_STATUSES = (
    ComplaintStatus.ABIERTA,
    ComplaintStatus.EN_ANALISIS,
    ComplaintStatus.DECIDIDA,
)


class Category(models.TextChoices):
    QUALITY = "quality", _("Quality")
    DELIVERY_DELAY = "delivery_delay", _("Delivery delay")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    DAMAGE = "damage", _("Damage")
    INVOICING = "invoicing", _("Invoicing")
    SERVICE = "service", _("Service")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Resolution(models.TextChoices):
    REPLACEMENT = "replacement", _("Replacement")
    REPAIR = "repair", _("Repair")
    REFUND = "refund", _("Refund")
    DISCOUNT = "discount", _("Discount on the next order")
    EXPLANATION = "explanation", _("Explanation only")


class ResponsibleParty(models.TextChoices):
    CARRIER = "carrier", _("Carrier")
    SUPPLIER = "supplier", _("Supplier")
    WAREHOUSE = "warehouse", _("Warehouse")
    SALES = "sales", _("Sales")
    CUSTOMER = "customer", _("Customer")
    OTHER = "other", _("Other")


class DefectVisibility(models.TextChoices):
    """For the buyer's notice window (Spain: 4 days visible, 30 days hidden defects)."""

    VISIBLE = "visible", _("Visible on receipt")
    HIDDEN = "hidden", _("Hidden")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    BACKOFFICE = "backoffice", _("Back-office")


class Clock(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")


class MarkKind(models.TextChoices):
    START = "start", _("Started")
    PAUSE = "pause", _("Paused")
    RESUME = "resume", _("Resumed")
    STOP = "stop", _("Stopped")


class SlaTarget(TimeStampedModel):
    """The SLA of one category and priority (managers edit them; a missing pair uses
    the defaults: first response in 2 business days, resolution in 14 calendar days)."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    first_response_business_days = models.PositiveSmallIntegerField(
        _("first response (business days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    resolution_days = models.PositiveSmallIntegerField(
        _("resolution (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    resolution_in_business_days = models.BooleanField(
        _("resolution in business days"),
        default=False,
        help_text=_("Unticked: the resolution time counts calendar days."),
    )

    class Meta:
        ordering = ["category", "priority"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="slatarget_one_per_pair")
        ]

    def __str__(self):
        return f"{self.get_category_display()} / {self.get_priority_display()}"


class DeadlineRule(TimeStampedModel):
    """An editable value of a legal or claim deadline (``complaints.deadlines`` holds the
    defaults, their basis and how each is computed; a row here overrides the days and,
    when given, the basis text)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    days = models.PositiveSmallIntegerField(
        _("days"), validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    basis = models.TextField(
        _("basis"), blank=True, help_text=_("Empty: the text the product ships with.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")

    def __str__(self):
        return self.code


class Complaint(ConcurrentTransitionMixin, TimeStampedModel):
    """A complaint (``REC-<year>-<6 digits>``), filed by a customer user, a company key
    or staff on the customer's behalf."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("customer"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    api_key = models.ForeignKey(
        "apikeys.ApiKey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API client"),
    )
    filed_by_label = models.CharField(_("filed by"), max_length=200, blank=True)
    on_behalf = models.BooleanField(
        _("by staff on the customer's behalf"), default=False, editable=False
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("order"),
    )
    order_line = models.ForeignKey(
        "orders.OrderLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("order line"),
    )
    product = models.ForeignKey(
        "inventory.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("product"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    defect_visibility = models.CharField(
        _("defect"), max_length=10, choices=DefectVisibility.choices, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        verbose_name=_("assignee"),
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.ABIERTA,
        protected=True,
        db_index=True,
    )
    filed_at = models.DateTimeField(_("filed"), default=timezone.now, db_index=True)
    analysis_started_at = models.DateTimeField(_("analysis started"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reasoning = models.TextField(_("reasoning"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=15, choices=Resolution.choices, blank=True
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopen_reason = models.TextField(_("reopening reason"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    refund_total = models.DecimalField(_("refunded"), **MONEY, null=True, blank=True)
    credit_note = models.ForeignKey(
        "documents.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("credit note"),
    )
    replacement_order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces_complaints",
        verbose_name=_("replacement order"),
    )
    coupon = models.ForeignKey(
        "orders.Coupon",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("discount coupon"),
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    responsible_party = models.CharField(
        _("responsible party"), max_length=10, choices=ResponsibleParty.choices, blank=True
    )
    corrective_action = models.TextField(_("corrective action"), blank=True)
    #: Staff asked the customer a question; the resolution clock is paused until the
    #: customer's next message.
    awaiting_customer = models.BooleanField(_("waiting for the customer"), default=False)
    # The SLA snapshot taken at filing (later target edits do not move open deadlines).
    first_response_target_days = models.PositiveSmallIntegerField(
        _("first response target (business days)"), default=2
    )
    resolution_target_days = models.PositiveSmallIntegerField(
        _("resolution target (days)"), default=14
    )
    resolution_target_business = models.BooleanField(
        _("resolution target in business days"), default=False
    )
    # The clocks' latest answer (complaints.clocks over the ClockMark rows).
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_paused_seconds = models.PositiveIntegerField(_("paused (seconds)"), default=0)
    #: Working time (the seller's business calendar: working hours, weekends, public
    #: holidays and closure days) from filing to the first staff reply, and from filing
    #: to resolution without the time paused waiting for the customer: the stopped
    #: clocks' answer, stored by the services for the KPIs' percentiles (None while the
    #: clock runs or when it never stopped).
    first_response_business_seconds = models.PositiveIntegerField(
        _("first response (business seconds)"), null=True, blank=True, editable=False
    )
    resolution_business_seconds = models.PositiveIntegerField(
        _("resolution (business seconds)"), null=True, blank=True, editable=False
    )
    #: The earliest running deadline (for "overdue" and "due today" and the countdown).
    next_due = models.DateTimeField(_("next deadline"), null=True, blank=True, db_index=True)
    rating_score = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    rating_requested_at = models.DateTimeField(_("rating requested"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["company", "-filed_at"], name="complaint_company_recent"),
            models.Index(fields=["status", "-filed_at"], name="complaint_status_recent"),
            models.Index(fields=["assignee", "status"], name="complaint_assignee_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ComplaintStatus.values), name="complaint_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating_score__isnull=True)
                | Q(rating_score__gte=1, rating_score__lte=5),
                name="complaint_rating_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="decidida") | ~Q(decision=""),
                name="complaint_decided_has_decision",
            ),
        ]

    def __str__(self):
        return self.number or str(_("(new complaint)"))

    # --- guards ------------------------------------------------------------------------
    @guard(on_input=True)
    def has_decision(self) -> bool:
        return self.decision in Decision.values and bool(self.decision_reasoning.strip())

    @guard(on_input=True)
    def has_resolution(self) -> bool:
        return self.resolution in Resolution.values

    @guard(on_input=True)
    def has_reopen_reason(self) -> bool:
        return bool(self.reopen_reason.strip())

    @guard(_("A closed complaint can be reopened only within 14 days of closing."))
    def within_reopen_window(self) -> bool:
        if self.status != ComplaintStatus.CERRADA:
            return True
        return self.closed_at is not None and timezone.now() <= self.closed_at + dt.timedelta(
            days=REOPEN_DAYS
        )

    @guard(_("Only a resolved complaint can be disputed."))
    def is_resolved(self) -> bool:
        return self.status == ComplaintStatus.RESUELTA

    @guard(error=lambda complaint: _already_rated())
    def not_rated(self) -> bool:
        return self.rated_at is None

    @guard(_("A carrier claim needs a shipped order and the carrier as the responsible party."))
    def carrier_claimable(self) -> bool:
        return (
            self.responsible_party == ResponsibleParty.CARRIER
            and self.order_id is not None
            and self.order.carrier_id is not None
        )

    @guard(
        _(
            "A supplier claim needs a product with a supplier and the supplier as the "
            "responsible party."
        )
    )
    def supplier_claimable(self) -> bool:
        return self.responsible_party == ResponsibleParty.SUPPLIER and self.supplier is not None

    # --- transitions (called only from complaints.services) -----------------------------
    @transition(field=status, source=ComplaintStatus.ABIERTA, target=ComplaintStatus.EN_ANALISIS)
    def start_analysis(self):
        self.analysis_started_at = timezone.now()

    @transition(
        field=status,
        source=ComplaintStatus.EN_ANALISIS,
        target=ComplaintStatus.DECIDIDA,
        conditions=[has_decision],
    )
    def decide(self):
        self.decided_at = timezone.now()

    @transition(
        field=status,
        source=ComplaintStatus.DECIDIDA,
        target=ComplaintStatus.RESUELTA,
        conditions=[has_resolution],
    )
    def resolve(self):
        self.resolved_at = timezone.now()

    @transition(field=status, source=ComplaintStatus.RESUELTA, target=ComplaintStatus.CERRADA)
    def close(self):
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=[ComplaintStatus.RESUELTA, ComplaintStatus.CERRADA],
        target=ComplaintStatus.EN_ANALISIS,
        conditions=[within_reopen_window, has_reopen_reason],
    )
    def reopen(self):
        self.reopened_at = timezone.now()
        self.reopen_count += 1
        self.closed_at = None
        self.decision = ""
        self.decided_at = None
        self.resolution = ""
        self.resolved_at = None
        self.awaiting_customer = False

    # --- read helpers ------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def progress_step(self) -> int:
        return STATUS_FLOW.index(self.status)

    @property
    def overdue(self) -> bool:
        return self.next_due is not None and self.next_due < timezone.now()

    @property
    def concerned_product(self):
        """The product complained about: the order line's, else the one named."""
        if self.order_line_id:
            return self.order_line.product
        return self.product if self.product_id else None

    @property
    def supplier(self):
        product = self.concerned_product
        return product.supplier if product is not None and product.supplier_id else None

    @property
    def sku(self) -> str:
        if self.order_line_id:
            return self.order_line.sku
        return self.product.sku if self.product_id else ""


def first_contact_resolved() -> Q:
    """Resolved at the first contact: the complaint is resolved (or closed after being
    resolved), was never reopened, and the customer wrote no message after filing (no
    customer-side ``ComplaintMessage`` — staff replies and internal notes do not count —
    created after ``filed_at``)."""
    customer_followed_up = ComplaintMessage.objects.filter(
        complaint=models.OuterRef("pk"),
        from_staff=False,
        created_at__gt=models.OuterRef("filed_at"),
    )
    return Q(resolved_at__isnull=False, reopen_count=0) & ~Q(models.Exists(customer_followed_up))


def _already_rated():
    from .errors import AlreadyRated

    return AlreadyRated()


class ClockMark(models.Model):
    """One change of one clock: started, paused, resumed or stopped at a moment. The
    clocks are computed from these rows alone (``complaints.clocks``)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="clock_marks", verbose_name=_("complaint")
    )
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=MarkKind.choices)
    at = models.DateTimeField(_("time"))
    reason = models.CharField(_("reason"), max_length=40, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("clock mark")
        verbose_name_plural = _("clock marks")
        indexes = [models.Index(fields=["complaint", "clock", "at"], name="clockmark_history")]

    def __str__(self):
        return f"{self.complaint_id} {self.clock} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class ComplaintMessage(models.Model):
    """A message on a complaint: a reply the customer sees, or an internal note (staff
    only, never shown to a customer or a company key, nor counted for them)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="messages", verbose_name=_("complaint")
    )
    body = models.TextField(_("message"))
    internal = models.BooleanField(_("internal note"), default=False)
    from_staff = models.BooleanField(_("from staff"), default=False)
    awaiting_customer = models.BooleanField(_("asks the customer"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    api_key = models.ForeignKey(
        "apikeys.ApiKey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API client"),
    )
    author_label = models.CharField(_("author"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("complaint message")
        verbose_name_plural = _("complaint messages")
        constraints = [
            models.CheckConstraint(
                condition=~Q(internal=True, from_staff=False),
                name="complaintmessage_internal_staff",
            ),
            models.CheckConstraint(
                condition=~Q(awaiting_customer=True, internal=True),
                name="complaintmessage_question_visible",
            ),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def customer_visible(self) -> bool:
        return not self.internal


def attachment_path(instance: ComplaintAttachment, filename: str) -> str:
    now = timezone.now()
    return f"complaints/{now:%Y/%m}/{instance.complaint.number}/{filename}"


class ComplaintAttachment(models.Model):
    """Evidence (a photo or a PDF), checked by content, stored privately and served only
    to staff and the owning company. An attachment of an internal note is internal."""

    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("complaint"),
    )
    message = models.ForeignKey(
        ComplaintMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    internal = models.BooleanField(_("internal"), default=False)
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
        verbose_name = _("complaint attachment")
        verbose_name_plural = _("complaint attachments")

    def __str__(self):
        return self.original_name


class ComplaintEventKind(models.TextChoices):
    FILED = "filed", _("Complaint filed")
    ANALYSIS = "analysis", _("Analysis started")
    DECIDED = "decided", _("Decided")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    ASSIGNED = "assigned", _("Assigned")
    MESSAGE = "message", _("Message")
    NOTE = "note", _("Internal note")
    ATTACHMENT = "attachment", _("Evidence added")
    CLOCK_PAUSED = "clock_paused", _("Resolution clock paused")
    CLOCK_RESUMED = "clock_resumed", _("Resolution clock resumed")
    ROOT_CAUSE = "root_cause", _("Root cause recorded")
    CARRIER_CLAIM = "carrier_claim", _("Carrier claim filed")
    SUPPLIER_CLAIM = "supplier_claim", _("Supplier claim sent")
    SLA_WARNING = "sla_warning", _("Deadline today")
    SLA_BREACHED = "sla_breached", _("Deadline passed")
    LEGAL_WARNING = "legal_warning", _("Legal deadline approaching")
    RATED = "rated", _("Rated")
    PRIORITY = "priority", _("Priority changed")


class ComplaintEvent(HistoryEvent):
    """One line of a complaint's history: who, when, from, to and a note."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ComplaintEventKind.choices)
    from_status = models.CharField(
        _("from"), max_length=20, choices=ComplaintStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=20, choices=ComplaintStatus.choices, blank=True
    )

    class Meta(HistoryEvent.Meta):
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self):
        return f"{self.complaint_id} {self.kind}"


class ClaimKind(models.TextChoices):
    CARRIER = "carrier", _("Carrier claim")
    SUPPLIER = "supplier", _("Supplier claim")


class Claim(models.Model):
    """A claim the seller filed against the carrier or the supplier from a complaint
    (an email with the order, tracking number, lots and evidence), logged."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="claims", verbose_name=_("complaint")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ClaimKind.choices)
    carrier = models.ForeignKey(
        "orders.Carrier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("carrier"),
    )
    supplier = models.ForeignKey(
        "inventory.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("supplier"),
    )
    recipient = models.EmailField(_("sent to"))
    note = models.TextField(_("note"), blank=True)
    deadline = models.DateTimeField(_("claim deadline"), null=True, blank=True)
    late = models.BooleanField(_("filed after the window"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("filed"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self):
        return f"{self.complaint_id} {self.kind}"


class AlertKind(models.TextChoices):
    DUE_TODAY = "due_today", _("Deadline today")
    BREACHED = "breached", _("Deadline passed")
    LEGAL = "legal", _("Legal deadline approaching")


class ComplaintAlert(models.Model):
    """An alert the beat task sent: one per complaint, clock (or legal deadline) and
    deadline, so a restart or a second beat never warns or escalates twice."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("complaint")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AlertKind.choices)
    #: The clock (``first_response``/``resolution``) or the legal deadline's code.
    subject = models.CharField(_("subject"), max_length=40)
    due = models.DateTimeField(_("deadline"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("complaint alert")
        verbose_name_plural = _("complaint alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "kind", "subject", "due"], name="complaintalert_once"
            )
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.kind} {self.subject}"
