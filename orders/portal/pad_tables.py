"""The order pad's table: the company's usual products (``orders.selectors.usual_products``
over ``portal_catalog``), sortable on every figure, with a quantity input per row."""

from django.utils.translation import gettext_lazy as _

from core.tables import Column, Table

CELLS = "orders/portal/_pad_cells.html"


class PadTable(Table):
    row_name = "product"
    html_id = "pad-table"
    table_id = "usual-products"
    css = "table align-middle"
    default_ordering = "-last_ordered"
    row_attrs = staticmethod(lambda product: {"data-sku": product.sku})
    empty_text = _("Your company has not ordered anything in the last twelve months.")
    columns = [
        Column("sku", _("SKU"), order_by="sku", css="font-monospace small"),
        Column("name", _("Product"), order_by=("localized_name", "sku"), template_name=CELLS),
        Column(
            "quantity",
            _("Quantity"),
            visible=lambda table: bool(table.context.get("can_order")),
            template_name=CELLS,
        ),
        Column(
            "last_ordered",
            _("Last ordered"),
            css="small text-nowrap",
            order_by="last_ordered_at",
            template_name=CELLS,
        ),
        Column(
            "last_price",
            _("Last price"),
            css="text-end text-nowrap",
            order_by="last_price",
            template_name=CELLS,
        ),
        Column(
            "ordered",
            _("Units (12 months)"),
            css="text-end",
            order_by="ordered_quantity",
            template_name=CELLS,
        ),
        Column("times", _("Orders"), css="text-end", order_by="times_ordered", template_name=CELLS),
        Column(
            "price",
            _("Your price"),
            css="text-end text-nowrap",
            order_by="company_price",
            template_name=CELLS,
        ),
        Column(
            "available",
            _("Stock"),
            css="text-end text-nowrap",
            order_by="total_available",
            template_name=CELLS,
        ),
    ]
