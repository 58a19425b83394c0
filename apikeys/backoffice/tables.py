"""The back-office table of API keys."""

from django.utils.translation import gettext_lazy as _

from core.tables import Column, Table

_DATETIME = '|date:"SHORT_DATETIME_FORMAT"'


class ApiKeyTable(Table):
    row_name = "key"
    html_id = "apikey-table"
    export_name = "api-keys"
    empty_text = _("No API keys yet.")
    columns = [
        Column(
            "name",
            _("Name"),
            order_by="name",
            export="name",
            template_code="{{ key.name }}{% if key.created_by %}"
            '<div class="small text-body-secondary">{{ key.created_by }}</div>{% endif %}',
        ),
        Column(
            "prefix",
            _("Prefix"),
            css="font-monospace small",
            export="prefix",
            template_code="mk_{{ key.prefix }}_…",
        ),
        Column(
            "scope",
            _("Scope"),
            export=lambda key: key.company.legal_name if key.company_id else "",
            template_name="apikeys/backoffice/_apikey_cells.html",
        ),
        Column(
            "created_at",
            _("Created"),
            order_by="created_at",
            export="created_at",
            template_code="{{ key.created_at" + _DATETIME + " }}",
        ),
        Column(
            "last_used_at",
            _("Last used"),
            order_by="last_used_at",
            export="last_used_at",
            template_name="apikeys/backoffice/_apikey_cells.html",
        ),
        Column(
            "status",
            _("Status"),
            order_by="revoked_at",
            export="revoked_at",
            template_name="apikeys/backoffice/_apikey_cells.html",
        ),
        Column(
            "revoke",
            _("Revoke"),
            label_hidden=True,
            css="text-end",
            export=False,
            template_name="apikeys/backoffice/_apikey_cells.html",
        ),
    ]
