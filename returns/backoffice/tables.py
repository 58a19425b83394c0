from django.utils.translation import gettext_lazy as _

from core.backoffice.links import register_object_url
from core.tables import Column, Table

register_object_url("returns.returnreason", "backoffice:return_reason_edit")

CELLS = "returns/backoffice/_register_cells.html"


def _skus(ret):
    return " ".join(f"{line.sku}×{line.quantity}" for line in ret.lines.all())


def _reasons(ret):
    return " ".join(sorted({line.reason.code for line in ret.lines.all()}))


class ReturnTable(Table):
    row_name = "ret"
    html_id = "return-table"
    export_name = "returns"
    empty_text = _("No returns match.")
    default_ordering = "-created"
    columns = [
        Column(
            "number",
            _("Number"),
            order_by="number",
            export="number",
            template_code='<a class="font-monospace" href="{% url \'backoffice:return_detail\' '
            'ret.number %}">{{ ret.number }}</a>',
        ),
        Column(
            "customer",
            _("Customer"),
            accessor="company.legal_name",
            order_by="company__legal_name",
        ),
        Column(
            "order",
            _("Order"),
            accessor="order.number",
            order_by="order__number",
            css="font-monospace small",
        ),
        Column("products", _("Products"), accessor=_skus, css="small"),
        Column(
            "created",
            _("Requested"),
            order_by="created_at",
            export=lambda r: r.created_at.isoformat(),
            template_code="{{ ret.created_at|date:'SHORT_DATE_FORMAT' }}",
        ),
        Column("status", _("State"), order_by="status", template_name=CELLS, export="status"),
        Column("reason", _("Reason"), template_name=CELLS, export=_reasons),
        Column(
            "resolution",
            _("Resolution"),
            template_name=CELLS,
            export=lambda r: r.resolution or r.requested_resolution,
        ),
        Column(
            "amount",
            _("Refunded"),
            order_by="refund_total",
            css="text-end text-nowrap",
            template_code="{% if ret.refund_total is not None %}{{ ret.refund_total }} "
            "{{ ret.currency }}{% else %}—{% endif %}",
            export=lambda r: "" if r.refund_total is None else str(r.refund_total),
        ),
        Column("currency", _("Currency"), on_page=False),
        Column(
            "credit_note",
            _("Credit note"),
            on_page=False,
            export=lambda r: r.credit_note.number if r.credit_note_id else "",
        ),
        Column(
            "refund_due",
            _("Refund due"),
            on_page=False,
            export=lambda r: r.refund_due.isoformat() if r.refund_due else "",
        ),
    ]


class ReasonTable(Table):
    row_name = "reason"
    html_id = "reason-table"
    export_name = "return-reasons"
    columns = [
        Column(
            "code",
            _("Reason"),
            order_by="code",
            export="code",
            template_code="{% if can_edit %}<a href=\"{% url 'backoffice:return_reason_edit' "
            'reason.pk %}">{{ reason.label }}</a>{% else %}{{ reason.label }}{% endif %}',
        ),
        Column("rules", _("Rules"), template_name="returns/backoffice/_reason_cells.html"),
        Column("notice_window_days", _("Notice window (days)"), css="text-end"),
        Column("position", _("Position"), order_by="position", css="text-end"),
    ]


class AbuseTable(Table):
    row_name = "flag"
    html_id = "abuse-table"
    export_name = "returns-abuse"
    empty_text = _("No customer is over the thresholds.")
    default_ordering = "-rate"
    columns = [
        Column(
            "company",
            _("Customer"),
            order_by="company__legal_name",
            export="company.legal_name",
            template_code="<a href=\"{% url 'backoffice:customer_detail' flag.company_id %}\">"
            "{{ flag.company.legal_name }}</a>",
        ),
        Column("returns_count", _("Returns"), order_by="returns_count", css="text-end"),
        Column("max_count", _("Count threshold"), css="text-end"),
        Column("units_returned", _("Units returned"), order_by="units_returned", css="text-end"),
        Column("units_bought", _("Units bought"), order_by="units_bought", css="text-end"),
        Column(
            "rate",
            _("Units returned %"),
            order_by="rate",
            css="text-end",
            template_code="{{ flag.rate }} %",
            export="rate",
        ),
        Column(
            "max_rate",
            _("Rate threshold %"),
            css="text-end",
            export="max_rate",
            template_code="{{ flag.max_rate }} %",
        ),
        Column("window_days", _("Window (days)"), css="text-end"),
        Column(
            "flagged_since",
            _("Flagged since"),
            order_by="flagged_since",
            template_code="{{ flag.flagged_since|date:'SHORT_DATE_FORMAT' }}",
            export=lambda f: f.flagged_since.isoformat() if f.flagged_since else "",
        ),
    ]
