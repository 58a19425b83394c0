"""Notifications sent (one row per event and kind: exactly once) and satisfaction
ratings recorded from the delivered email's one-click links."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    ORDER_RECEIVED = "order_received", _("Order received")
    ORDER_SHIPPED = "order_shipped", _("Order shipped")
    ORDER_DELIVERED = "order_delivered", _("Order delivered")
    ORDER_CANCELLED = "order_cancelled", _("Order cancelled")
    HELD_ORDERS_DIGEST = "held_orders_digest", _("Orders on hold (staff digest)")
    INVITATION = "invitation", _("Invitation")
    INVITATION_ATTEMPT = "invitation_attempt", _("Invitation attempt")
    LOW_STOCK = "low_stock", _("Low stock")
    WEBHOOK_DISABLED = "webhook_disabled", _("Webhook disabled")
    RETURN_REQUESTED = "return_requested", _("Return requested")
    RETURN_AUTHORIZED = "return_authorized", _("Return authorized")
    RETURN_REJECTED = "return_rejected", _("Return rejected")
    RETURN_RECEIVED = "return_received", _("Return received")
    RETURN_RESOLVED = "return_resolved", _("Return resolved")
    RETURN_REMINDER = "return_reminder", _("Return reminder")
    APPROVAL_REQUESTED = "approval_requested", _("Order awaiting approval")
    APPROVAL_DECIDED = "approval_decided", _("Order approved or rejected")
    COMPLAINT_RECEIVED = "complaint_received", _("Complaint received")
    COMPLAINT_MESSAGE = "complaint_message", _("Complaint message")
    COMPLAINT_STATUS = "complaint_status", _("Complaint in analysis")
    COMPLAINT_DECIDED = "complaint_decided", _("Complaint decided")
    COMPLAINT_RESOLVED = "complaint_resolved", _("Complaint resolved")
    COMPLAINT_RATING = "complaint_rating", _("Complaint rating request")
    COMPLAINT_CLAIM = "complaint_claim", _("Complaint claim (carrier or supplier)")
    COMPLAINT_ALERT = "complaint_alert", _("Complaint deadline (assignee)")
    COMPLAINT_ESCALATED = "complaint_escalated", _("Complaint escalated (managers)")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    #: Nothing to send any more (the invited user set a password, the alert is gone).
    SKIPPED = "skipped", _("Skipped")


class SentNotification(models.Model):
    """One email for one event. The unique (event, kind) row is written by the outbox
    consumer; the sending task claims it (pending -> sending, under a row lock, for
    ``locked_until``) before it sends, so a repeated event or a repeated task never
    sends twice (``notifications.mailer``)."""

    event_id = models.UUIDField(_("event"))
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("customer"),
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("order"),
    )
    #: The person the email is about (an invited user, the holder of an address).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    recipients = models.JSONField(_("recipients"), default=list)
    language = models.CharField(_("language"), max_length=2)
    #: The event's payload (what was true when it happened: reason, carrier...).
    payload = models.JSONField(_("data"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    #: While ``sending``: until when the claim holds (a crashed worker's claim expires).
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["event_id", "kind"], name="notification_once_per_event")
        ]

    def __str__(self):
        return f"{self.kind} {self.event_id}"


class SatisfactionRating(models.Model):
    """A customer's 1-5 rating of a delivered order (the first click counts)."""

    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.CASCADE,
        related_name="satisfaction_rating",
        verbose_name=_("order"),
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        ordering = ["-rated_at"]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        indexes = [
            # The dashboard's CSAT of a period (dashboard.kpis.csat), index-only.
            models.Index(
                fields=["rated_at"], include=["id", "order", "score"], name="rating_rated_figures"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]

    def __str__(self):
        return f"{self.order_id}: {self.score}"
