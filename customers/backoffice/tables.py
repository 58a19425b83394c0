"""The back-office table of customers."""

from django.utils.translation import gettext_lazy as _

from core.backoffice.links import register_object_url
from core.tables import Column, Table

# The audit page links these models' entries to their pages.
register_object_url("customers.company", "backoffice:customer_detail")


class CompanyTable(Table):
    row_name = "company"
    html_id = "customer-table"
    export_name = "customers"
    empty_text = _("No customers match these filters.")
    columns = [
        Column(
            "legal_name",
            _("Legal name"),
            order_by="legal_name",
            export="legal_name",
            template_code="<a href=\"{% url 'backoffice:customer_detail' company.pk %}\">"
            "{{ company.legal_name }}</a>",
        ),
        Column("tax_id", _("Tax id"), order_by="tax_id", css="font-monospace small"),
        Column(
            "city",
            _("City"),
            order_by=("city", "legal_name"),
            export="city",
            template_code='{{ company.city }} <span class="text-body-secondary small">'
            "{{ company.country }}</span>",
        ),
        Column("country", _("Country"), on_page=False),
        Column(
            "payment_terms",
            _("Terms"),
            accessor="get_payment_terms_display",
            export="payment_terms",
        ),
        Column(
            "tags",
            _("Tags"),
            export=lambda company: ", ".join(str(tag) for tag in company.tags.all()),
            template_code='{% for tag in company.tags.all %}<span class="badge text-bg-light '
            'border">{{ tag }}</span> {% endfor %}',
        ),
        Column("users", _("Users"), accessor="user_count", order_by="user_count"),
        Column(
            "status",
            _("Status"),
            order_by="status",
            export="status",
            template_name="customers/_status_badge.html",
        ),
    ]
