"""The portal's table of a company's invoices and credit notes."""

from django.utils.translation import gettext_lazy as _

from core.tables import Column, Table

CELLS = "documents/portal/_invoice_cells.html"


class PortalInvoiceTable(Table):
    row_name = "invoice"
    html_id = "invoice-table"
    table_id = "portal-invoices"
    css = "table table-hover align-middle mb-0"
    export_name = "invoices"
    empty_text = _("No invoices match these filters.")
    default_ordering = "-issue_date"
    row_attrs = staticmethod(lambda invoice: {"data-number": invoice.number})
    columns = [
        Column("number", _("Number"), order_by="number", export="number", template_name=CELLS),
        Column("kind", _("Type"), export="kind", template_name=CELLS),
        Column(
            "issue_date",
            _("Issued"),
            css="small text-nowrap",
            order_by="issue_date",
            export="issue_date",
            template_name=CELLS,
        ),
        Column(
            "due_date",
            _("Due"),
            css="small text-nowrap",
            order_by="due_date",
            export="due_date",
            template_name=CELLS,
        ),
        Column(
            "order",
            _("Order"),
            order_by="order_number",
            export="order_number",
            template_name=CELLS,
        ),
        Column(
            "total",
            _("Total"),
            css="text-end text-nowrap",
            order_by="total",
            export="total",
            template_name=CELLS,
        ),
        Column("currency", _("Currency"), on_page=False),
        Column(
            "state",
            _("Payment"),
            order_by="payment_state",
            export="payment_state",
            template_name=CELLS,
        ),
        Column("pdf", _("PDF"), label_hidden=True, export=False, template_name=CELLS),
    ]
