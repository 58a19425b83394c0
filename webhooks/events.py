"""The event types an ERP can subscribe to (API.md, "Webhooks")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    ORDER_CREATED = "order.created", _("Order created")
    ORDER_STATUS_CHANGED = "order.status_changed", _("Order status changed")
    ORDER_HELD = "order.held", _("Order held for review")
    INVOICE_ISSUED = "invoice.issued", _("Invoice issued")
    RETURN_CREATED = "return.created", _("Return requested")
    RETURN_STATUS_CHANGED = "return.status_changed", _("Return status changed")
    COMPLAINT_CREATED = "complaint.created", _("Complaint filed")
    COMPLAINT_STATUS_CHANGED = "complaint.status_changed", _("Complaint status changed")
    COMPLAINT_SLA_BREACHED = "complaint.sla_breached", _("Complaint SLA breached")
    STOCK_LOW = "stock.low", _("Stock low")


#: Internal (never delivered to ERPs): a subscription was disabled after failing for
#: days; staff are emailed. ``{"subscription_id"}``
SUBSCRIPTION_DISABLED = "webhook.subscription_disabled"
