"""The back-office tables of the platform: API keys and the audit trail."""

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
            template_code='{% if key.company %}{% translate "Company" %}: '
            "<a href=\"{% url 'backoffice:customer_detail' key.company.pk %}\">"
            '{{ key.company }}</a>{% else %}{% translate "Seller" %}{% endif %}',
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
            template_code="{% if key.last_used_at %}{{ key.last_used_at" + _DATETIME + " }}"
            '{% else %}<span class="text-body-secondary">{% translate "Never" %}</span>'
            "{% endif %}",
        ),
        Column(
            "status",
            _("Status"),
            order_by="revoked_at",
            export="revoked_at",
            template_code='{% if key.revoked_at %}<span class="badge text-bg-secondary">'
            '{% translate "Revoked" %}</span> <span class="small text-body-secondary">'
            "{{ key.revoked_at" + _DATETIME + " }}</span>{% else %}"
            '<span class="badge text-bg-success">{% translate "Active" %}</span>{% endif %}',
        ),
        Column(
            "revoke",
            _("Revoke"),
            label_hidden=True,
            css="text-end",
            export=False,
            template_code='{% if not key.revoked_at %}<form method="post" '
            "action=\"{% url 'backoffice:apikey_revoke' key.pk %}\">{% csrf_token %}"
            '<button class="btn btn-sm btn-outline-danger" type="submit">'
            '{% translate "Revoke" %}</button></form>{% endif %}',
        ),
    ]
