from django.db import models
from django.utils.translation import gettext_lazy as _

from core import crypto
from core.messages import render as render_message
from core.models import TimeStampedModel

from .events import EventType


class Subscription(TimeStampedModel):
    """An ERP endpoint that receives the events it subscribed to, signed with ``secret``
    (Standard Webhooks)."""

    url = models.URLField(_("URL"), max_length=2000)
    events = models.JSONField(_("events"), default=list, help_text=_("Event types delivered."))
    #: The signing secret, encrypted (core.crypto): it must be read back to sign.
    secret_encrypted = models.TextField(_("signing secret (encrypted)"), editable=False)
    description = models.CharField(_("description"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Start of the current run of failed attempts (None after any success).
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("disabled because"), max_length=255, blank=True)
    #: Why the system or staff disabled it (``core.messages``), shown in the reader's
    #: language; ``disabled_reason`` holds older texts.
    disabled_message = models.JSONField(_("disabled because"), default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self):
        return self.url

    @property
    def disabled_reason_text(self) -> str:
        return render_message(self.disabled_message, self.disabled_reason)

    @property
    def secret(self) -> str:
        """The ``whsec_`` signing secret in clear (decrypted on each use)."""
        return crypto.decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value)

    def wants(self, event_type: str) -> bool:
        return event_type in (self.events or [])

    def get_events_display(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(event, event)) for event in self.events or []]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(TimeStampedModel):
    """One event for one subscription; retried until it succeeds or the window ends.

    ``body`` is the exact JSON sent (the same on every attempt, as ``webhook-id`` is).
    """

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    event_id = models.UUIDField(_("event id"))
    event_type = models.CharField(_("event"), max_length=64)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_response = models.TextField(_("last response"), blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self):
        return f"{self.event_type} -> {self.subscription_id}"


class Attempt(models.Model):
    """One HTTP attempt of a delivery (the delivery log)."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    attempted_at = models.DateTimeField(_("time"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["attempted_at", "id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.delivery_id} @ {self.attempted_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
