"""Celery tasks of the inventory: thin and idempotent."""

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.mail import build_message, send_or_retry

from . import services
from .models import LowStockAlert


@shared_task(bind=True, acks_late=True, max_retries=8, default_retry_delay=30)
def send_low_stock_email(self, alert_id: int) -> bool:
    """Email purchasing (``STAFF_ALERT_EMAIL``) about one low-stock crossing.

    Idempotent, keyed on the alert (one per crossing): the alert is claimed with a
    conditional UPDATE before sending, so a repeated or concurrent task sends nothing;
    if sending fails the claim is undone and the task retries.
    """
    claimed = LowStockAlert.objects.filter(pk=alert_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    alert = LowStockAlert.objects.select_related(
        "stock_item__product", "stock_item__warehouse"
    ).get(pk=alert_id)
    item = alert.stock_item
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "alert": alert,
            "item": item,
            "product": item.product,
            "warehouse": item.warehouse,
            "link": settings.SITE_URL.rstrip("/")
            + reverse("backoffice:stock_list")
            + f"?q={item.product.sku}",
        }
        subject = _("Low stock: %(sku)s in %(warehouse)s") % {
            "sku": item.product.sku,
            "warehouse": item.warehouse.code,
        }
        text = render_to_string("inventory/email/low_stock.txt", context)
        html = render_to_string("inventory/email/low_stock.html", context)
    return send_or_retry(
        self,
        build_message(subject, text, html, [settings.STAFF_ALERT_EMAIL]),
        # Release the claim: the retry, or the daily sweep, sends it.
        on_failure=lambda exc: LowStockAlert.objects.filter(pk=alert_id).update(emailed_at=None),
    )


@shared_task
def sweep_low_stock() -> dict:
    """Daily: alert missed crossings, clear stale flags, re-queue unsent alert emails."""
    return services.sweep_low_stock()
