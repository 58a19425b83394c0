"""Daily summary rows of the deliveries, for the figures that would otherwise add up
every line of every order delivered in a range (``dashboard.summaries``).

At a million orders a quarter's deliveries are about 200,000 orders and a million
lines: summing their units live costs about a second, more than the dashboard's whole
budget (``bench/README.md``). These rows hold, per calendar day of delivery (seller's
zone), company and currency, what those figures need; ``dashboard.kpis`` reads them
for the days they cover and the orders themselves for the days after. They are written
off the placing and delivering transactions: by the nightly task and, for a delivery
dated on a day already summarised, by the outbox consumer of ``order.status_changed``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}


class DeliverySummaryDay(models.Model):
    """A day whose deliveries are summarised (``DeliverySummary`` rows, none when nothing
    was delivered). Days are summarised without gaps: every day up to the last of these
    is covered."""

    day = models.DateField(_("day"), unique=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["-day"]
        verbose_name = _("summarised delivery day")
        verbose_name_plural = _("summarised delivery days")

    def __str__(self):
        return self.day.isoformat()


class DeliverySummary(models.Model):
    """The orders delivered on ``day`` (``delivered_at``'s calendar day in the seller's
    zone) of one company in one currency, or of every company (``company`` empty):
    how many, the units on their lines and their net sales (subtotal less discount)."""

    day = models.DateField(_("day"))
    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    currency = models.CharField(_("currency"), max_length=3)
    orders = models.PositiveIntegerField(_("orders"))
    units = models.PositiveBigIntegerField(_("units"))
    net_sales = models.DecimalField(_("net sales"), **MONEY)

    class Meta:
        ordering = ["day", "company_id", "currency"]
        verbose_name = _("delivery summary")
        verbose_name_plural = _("delivery summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "company", "currency"],
                condition=models.Q(company__isnull=False),
                name="deliverysummary_one_per_company_day",
            ),
            models.UniqueConstraint(
                fields=["day", "currency"],
                condition=models.Q(company__isnull=True),
                name="deliverysummary_one_total_per_day",
            ),
        ]
        indexes = [
            models.Index(
                fields=["company", "day"],
                include=["currency", "orders", "units", "net_sales"],
                name="deliverysummary_company_day",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.company_id} {self.currency}"
