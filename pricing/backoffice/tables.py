"""The back-office tables of pricing."""

from django.utils.translation import gettext_lazy as _

from core.backoffice.links import register_object_url
from core.tables import Column, Table

register_object_url("pricing.pricelist", "backoffice:price_list_detail")

_END = "text-end"


class PriceListTable(Table):
    row_name = "price_list"
    html_id = "price-list-table"
    export_name = "price-lists"
    empty_text = _("No price lists match these filters.")
    default_ordering = "code"
    columns = [
        Column(
            "code",
            _("Code"),
            order_by="code",
            css="font-monospace",
            export="code",
            template_code="<a href=\"{% url 'backoffice:price_list_detail' price_list.pk %}\">"
            "{{ price_list.code }}</a>",
        ),
        Column("name", _("Name"), order_by="name"),
        Column("currency", _("Currency"), order_by="currency"),
        Column(
            "is_default",
            _("Default"),
            export="is_default",
            template_name="pricing/cells/price_list_default.html",
        ),
        Column("valid_from", _("Valid from"), order_by="valid_from"),
        Column("valid_to", _("Valid to"), order_by="valid_to"),
        Column(
            "active",
            _("Active"),
            export="active",
            template_name="pricing/cells/price_list_active.html",
        ),
    ]


class PriceRowTable(Table):
    row_name = "price_row"
    html_id = "price-table"
    export_name = "prices"
    empty_text = _("No prices match these filters.")
    default_ordering = "sku"
    columns = [
        Column(
            "sku",
            _("SKU"),
            accessor="product.sku",
            order_by="product__sku",
            css="font-monospace small",
        ),
        Column("name", _("Product"), accessor="product.name", order_by="product__name"),
        Column("min_quantity", _("From quantity"), order_by="min_quantity", css=_END),
        Column("price", _("Net price"), order_by="price", css=_END),
        Column(
            "actions",
            "",
            export=False,
            template_name="pricing/cells/price_actions.html",
        ),
    ]


class ContractPriceTable(Table):
    row_name = "contract"
    html_id = "contract-price-table"
    export_name = "contract-prices"
    empty_text = _("No contract prices match these filters.")
    default_ordering = "sku"
    columns = [
        Column(
            "sku",
            _("SKU"),
            accessor="product.sku",
            order_by="product__sku",
            css="font-monospace small",
        ),
        Column("name", _("Product"), accessor="product.name", order_by="product__name"),
        Column("price", _("Net price"), order_by="price", css=_END),
        Column("valid_from", _("Valid from"), order_by="valid_from"),
        Column("valid_to", _("Valid to"), order_by="valid_to"),
        Column(
            "actions",
            "",
            export=False,
            template_name="pricing/cells/contract_actions.html",
        ),
    ]
