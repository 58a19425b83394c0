import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .countries import COUNTRIES


class HistoryEvent(models.Model):
    """One line of a domain object's history (an order's, a return's): the domain adds
    the object, its ``kind`` and the ``from``/``to`` states of its own machine."""

    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    #: Who did it, as shown (a person, an API client or "system").
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    customer_visible = models.BooleanField(_("visible to the customer"), default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    @property
    def by_text(self) -> str:
        """Who did it, in the active language when it was the system or an API client."""
        from .messages import actor_text

        return actor_text(self.actor_label)


class AppendOnlyQuerySet(models.QuerySet):
    """Rows written once (a ledger, an issued document): the ORM refuses to change or
    delete them in bulk; ``bulk_create`` is allowed, it only adds rows. A domain names
    the error it raises (``refusal``, called without arguments)."""

    refusal: type[Exception] = TypeError

    def _refuse(self, *args, **kwargs):
        raise self.refusal()

    update = delete = bulk_update = update_or_create = _raw_delete = _refuse
    delete.alters_data = True
    delete.queryset_only = True


class TimeStampedModel(models.Model):
    """Adds ``created_at`` and an indexed ``updated_at`` (the API's ``updated_since``)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """One ``Idempotency-Key`` of one client: the request's fingerprint and, once the
    first request finished, its response (replayed to repeats)."""

    client = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_client_key_unique")
        ]

    def __str__(self):
        return f"{self.client} {self.key}"


class OutboxEvent(models.Model):
    """An event written in the transaction of the change it announces (transactional
    outbox); the relay hands it to Celery after commit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("type"), max_length=64, db_index=True)
    payload = models.JSONField(_("data"), encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    # Every consumer has handled it. A dispatched event still unprocessed after
    # OUTBOX_REDISPATCH_SECONDS (its message lost with a restarted broker, its worker
    # killed) is dispatched again by the relay sweep.
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    # While a relay hands the event over, nobody else does (until the lease ends).
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_pending",
            ),
            models.Index(
                fields=["dispatched_at"],
                condition=models.Q(dispatched_at__isnull=False, processed_at__isnull=True),
                name="outbox_unprocessed",
            ),
        ]

    def __str__(self):
        return f"{self.event_type} {self.id}"


class ProcessedEvent(models.Model):
    """Marks that one consumer handled one outbox event, so a repeat does nothing."""

    event_id = models.UUIDField()
    consumer = models.CharField(max_length=100)
    processed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "consumer"], name="processed_event_consumer_unique"
            )
        ]

    def __str__(self):
        return f"{self.consumer} {self.event_id}"


class AuditAction(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")


class AuditEntry(models.Model):
    """One change to a configuration or master-data row: who (a person or which API key),
    what (the object and, for a change, each changed field before and after), when.

    Written by ``core.audit`` from inside the service that made the change, in its
    transaction. The key is kept by id and label (no foreign key: keys live in an app
    above ``core``), so an entry survives the key's deletion.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_key_id = models.PositiveBigIntegerField(_("API key"), null=True, blank=True)
    actor_label = models.CharField(_("by"), max_length=200)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("object type"),
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    #: ``{field: [before, after]}`` (JSON values; secrets appear as "***").
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-created_at"], name="audit_object_recent"
            ),
        ]

    def __str__(self):
        return f"{self.actor_label} {self.action} {self.object_repr}"

    @property
    def actor_text(self) -> str:
        """Who did it, in the active language when it was the system or an API client."""
        from .messages import actor_text

        return actor_text(self.actor_label)


class SequenceCounter(models.Model):
    """The last number taken in one gap-free series and year (``core.numbering.next_number``:
    invoices and credit notes). The table was ``orders_sequencecounter`` until the model
    moved here; migration ``core.0003`` renamed it and kept its rows."""

    series = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("numbering counter")
        verbose_name_plural = _("numbering counters")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year"], name="core_sequencecounter_series_year"
            )
        ]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last_value}"


class SequenceTicket(models.Model):
    """The database-sequence fallback for databases without ``CREATE SEQUENCE`` (SQLite,
    the embedded mode): ``core.numbering.next_sequence_value`` inserts a row and uses its
    auto-increment id (SQLite serializes writers anyway). Only the newest row of each
    sequence is kept."""

    sequence = models.CharField(max_length=63, db_index=True)

    class Meta:
        verbose_name = _("sequence value")
        verbose_name_plural = _("sequence values")

    def __str__(self):
        return f"{self.sequence}: {self.pk}"


class TaxCategory(models.TextChoices):
    """What kind of goods a product is for VAT: each country gives each category a rate
    (``TaxRate``), so an item's VAT follows where the supply is taxed."""

    STANDARD = "standard", _("Standard")
    REDUCED = "reduced", _("Reduced")
    SUPER_REDUCED = "super_reduced", _("Super-reduced")
    EXEMPT = "exempt", _("Exempt")


class TaxRate(models.Model):
    """The VAT rate % one country applies to one tax category (ES 21/10/4/0, PL
    23/8/5/0, seeded by ``core.0005``; managers change them in the admin)."""

    country = models.CharField(_("country"), max_length=2)
    category = models.CharField(_("tax category"), max_length=16, choices=TaxCategory.choices)
    rate = models.DecimalField(_("VAT rate %"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["country", "rate"]
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "category"], name="taxrate_country_category"
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gte=0, rate__lte=100), name="taxrate_rate_range"
            ),
        ]

    def __str__(self):
        return f"{self.country} {self.get_category_display()}: {self.rate} %"


class ClosureDay(models.Model):
    """A day the business is closed beyond the public holidays (a company holiday, a
    stock-taking day), for one country or, with ``country`` blank, for all of them.
    Read by ``core.calendar``; edited by managers in the back-office (audited)."""

    date = models.DateField(_("date"))
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        choices=COUNTRIES,
        help_text=_("Leave blank for a closure in every country."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "country"]
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        constraints = [
            models.UniqueConstraint(fields=["date", "country"], name="core_closureday_date_country")
        ]

    def __str__(self):
        return f"{self.date.isoformat()} {self.country or '*'}"
