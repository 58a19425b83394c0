from django.utils.translation import gettext_lazy as _

from core.tables import Column, Table

_END = "text-end"


class ExchangeRateTable(Table):
    row_name = "rate"
    html_id = "exchange-rate-table"
    export_name = "exchange-rates"
    empty_text = _("No exchange rates yet.")
    default_ordering = "-date"
    columns = [
        Column("date", _("Date"), order_by="date", export="date"),
        Column("currency", _("Currency"), order_by="currency", css="font-monospace"),
        Column("rate_to_eur", _("Rate to EUR"), order_by="rate_to_eur", css=_END),
        Column("updated_at", _("Entered"), order_by="updated_at", export="updated_at"),
    ]
