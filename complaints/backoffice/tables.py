from django.utils.translation import gettext_lazy as _

from core.tables import Column, Table

CELLS = "complaints/backoffice/_cells.html"
NUMBER = (
    '<a class="font-monospace" href="{% url \'backoffice:complaint_detail\' complaint.number %}">'
    "{{ complaint.number }}</a>"
)


def _iso(value):
    return value.isoformat() if value else ""


def _assignee(complaint):
    person = complaint.assignee
    return (person.get_full_name() or person.email) if person else ""


def _row_css(row):
    clocks = getattr(row, "clocks", ())
    if any(clock.state == "over" for clock in clocks):
        return "table-danger"
    if any(clock.state == "near" for clock in clocks):
        return "table-warning"
    return ""


class DeskTable(Table):
    """The desk's queue: the most urgent first, each row with its countdown."""

    row_name = "complaint"
    html_id = "complaint-table"
    table_id = "desk"
    export_name = "complaints-desk"
    empty_text = _("Nothing in this queue.")
    row_css = staticmethod(_row_css)
    columns = [
        Column(
            "select",
            _("Select"),
            label_hidden=True,
            template_name=CELLS,
            export=False,
            visible=lambda table: table.context.get("can_assign", False),
        ),
        Column("number", _("Number"), template_code=NUMBER, export="number"),
        Column("customer", _("Customer"), accessor="company.legal_name", css="text-break"),
        Column("category", _("Category"), accessor="get_category_display"),
        Column("priority", _("Priority"), accessor="get_priority_display"),
        Column("status", _("State"), template_name=CELLS, export="status"),
        Column("sla", _("Time left"), template_name=CELLS, export=False, css="text-nowrap"),
        Column("assignee", _("Assignee"), template_name=CELLS, export=_assignee),
    ]


class RegisterTable(Table):
    row_name = "complaint"
    html_id = "complaint-table"
    export_name = "complaints"
    empty_text = _("No complaints match.")
    default_ordering = "-filed"
    columns = [
        Column("number", _("Number"), order_by="number", template_code=NUMBER, export="number"),
        Column(
            "customer",
            _("Customer"),
            accessor="company.legal_name",
            order_by="company__legal_name",
            css="text-break",
        ),
        Column("subject", _("Order / product"), template_name=CELLS, export=False),
        Column("order", _("Order"), accessor="order.number", on_page=False),
        Column("sku", _("SKU"), accessor="sku", on_page=False),
        Column(
            "filed",
            _("Filed"),
            order_by="filed_at",
            export=lambda c: _iso(c.filed_at),
            template_code="{{ complaint.filed_at|date:'SHORT_DATE_FORMAT' }}",
        ),
        Column(
            "category",
            _("Category"),
            accessor="get_category_display",
            order_by="category",
            export="category",
        ),
        Column(
            "priority",
            _("Priority"),
            accessor="get_priority_display",
            order_by="priority",
            export="priority",
        ),
        Column("status", _("State"), order_by="status", template_name=CELLS, export="status"),
        Column(
            "assignee",
            _("Assignee"),
            order_by="assignee__email",
            template_name=CELLS,
            export=_assignee,
        ),
        Column(
            "responsible_party",
            _("Responsible party"),
            accessor="get_responsible_party_display",
            order_by="responsible_party",
            export="responsible_party",
        ),
        Column(
            "next_due",
            _("Next deadline"),
            order_by="next_due",
            export=lambda c: _iso(c.next_due),
            template_code="{% if complaint.next_due %}"
            "{{ complaint.next_due|date:'SHORT_DATETIME_FORMAT' }}{% else %}—{% endif %}",
            css="text-nowrap",
        ),
        Column(
            "amount",
            _("Refunded"),
            order_by="refund_total",
            css="text-end text-nowrap",
            template_code="{% load ui %}{% if complaint.refund_total is not None %}"
            "{% firstof complaint.order.currency complaint.company.currency as currency %}"
            "{{ complaint.refund_total|money:currency }}{% else %}—{% endif %}",
            export=lambda c: "" if c.refund_total is None else c.refund_total,
        ),
        Column("decision", _("Decision"), accessor="decision", on_page=False),
        Column("resolution", _("Resolution"), accessor="resolution", on_page=False),
        Column("root_cause", _("Root cause"), accessor="root_cause", on_page=False),
        Column(
            "first_response_due",
            _("First response due"),
            on_page=False,
            export=lambda c: _iso(c.first_response_due),
        ),
        Column(
            "first_responded_at",
            _("First response"),
            on_page=False,
            export=lambda c: _iso(c.first_responded_at),
        ),
        Column(
            "resolution_due",
            _("Resolution due"),
            on_page=False,
            export=lambda c: _iso(c.resolution_due),
        ),
        Column("closed_at", _("Closed"), on_page=False, export=lambda c: _iso(c.closed_at)),
        Column("rating", _("Rating"), accessor="rating_score", on_page=False),
    ]
