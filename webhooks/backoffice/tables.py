"""The back-office table of webhook subscriptions."""

from django.utils.translation import gettext_lazy as _

from core.backoffice.links import register_object_url
from core.tables import Column, Table

# The audit page links these models' entries to their pages.
register_object_url("webhooks.subscription", "backoffice:webhook_detail")


class SubscriptionTable(Table):
    row_name = "subscription"
    html_id = "webhook-table"
    export_name = "webhooks"
    empty_text = _("No webhook subscriptions yet.")
    columns = [
        Column(
            "url",
            _("URL"),
            order_by="url",
            export="url",
            template_code='<a class="font-monospace small" '
            "href=\"{% url 'backoffice:webhook_detail' subscription.pk %}\">"
            "{{ subscription.url }}</a>{% if subscription.description %}"
            '<div class="small text-body-secondary">{{ subscription.description }}</div>'
            "{% endif %}",
        ),
        Column("description", _("Description"), on_page=False),
        Column(
            "events",
            _("Events"),
            css="small",
            export=lambda subscription: ", ".join(subscription.events),
            template_code='{{ subscription.events|join:", " }}',
        ),
        Column(
            "status",
            _("Status"),
            order_by="active",
            export="active",
            template_name="webhooks/backoffice/_active_badge.html",
        ),
        Column(
            "created_at",
            _("Created"),
            order_by="created_at",
            export="created_at",
            template_code='{{ subscription.created_at|date:"SHORT_DATETIME_FORMAT" }}',
        ),
    ]
