from django.utils.translation import gettext_lazy as _

from core.tables import Column, Table


class PortalComplaintTable(Table):
    row_name = "complaint"
    html_id = "complaint-table"
    export_name = "complaints"
    empty_text = _("You have no complaints.")
    default_ordering = "-filed"
    columns = [
        Column(
            "number",
            _("Number"),
            order_by="number",
            export="number",
            template_code='<a class="font-monospace" href="{% url \'portal:complaint_detail\' '
            'complaint.number %}">{{ complaint.number }}</a>',
        ),
        Column("order", _("Order"), accessor="order.number", css="font-monospace small"),
        Column("category", _("Category"), accessor="get_category_display", export="category"),
        Column(
            "filed",
            _("Filed"),
            order_by="filed_at",
            template_code="{{ complaint.filed_at|date:'SHORT_DATE_FORMAT' }}",
            export=lambda c: c.filed_at.isoformat(),
        ),
        Column(
            "status",
            _("State"),
            order_by="status",
            template_name="complaints/portal/_cells.html",
            export="status",
        ),
    ]
