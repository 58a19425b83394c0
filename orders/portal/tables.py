"""The portal's tables of orders and the catalog (one company's rows only: the views
fetch them from ``self.company``)."""

from django.utils.translation import gettext_lazy as _

from core.tables import Column, Table


class PortalOrderTable(Table):
    row_name = "order"
    html_id = "order-table"
    table_id = "portal-orders"
    css = "table table-hover align-middle mb-0"
    export_name = "orders"
    empty_text = _("No orders yet.")
    columns = [
        Column(
            "number",
            _("Number"),
            order_by="number",
            export="number",
            template_code='<a class="font-monospace" href="{% url \'portal:order_detail\' '
            'order.number %}">{{ order.number }}</a>',
        ),
        Column(
            "date",
            _("Date"),
            css="small",
            order_by="created_at",
            export="created_at",
            template_code='{{ order.created_at|date:"SHORT_DATE_FORMAT" }}',
        ),
        Column(
            "po_number",
            _("Your PO"),
            css="small",
            order_by="po_number",
            export="po_number",
            template_code='{{ order.po_number|default:"—" }}',
        ),
        Column(
            "total",
            _("Total"),
            css="text-end text-nowrap",
            order_by="total",
            export="total",
            template_code="{% load ui %}{{ order.total|money:order.currency }}",
        ),
        Column("currency", _("Currency"), on_page=False),
        Column(
            "status",
            _("Status"),
            order_by="status",
            export="status",
            template_name="orders/includes/_status_badge.html",
        ),
    ]


class CatalogTable(Table):
    """What the company may buy (``portal_catalog``: ``company_price`` in its currency),
    with a link to each product's page and an "Add" that comes back to the same page."""

    row_name = "product"
    html_id = "catalog-table"
    table_id = "catalog"
    css = "table align-middle"
    row_attrs = staticmethod(lambda product: {"data-sku": product.sku})
    empty_text = _("No products found.")
    columns = [
        Column("sku", _("SKU"), order_by="sku", css="font-monospace small"),
        Column(
            "name",
            _("Product"),
            order_by=("localized_name", "sku"),
            template_name="orders/portal/_catalog_cells.html",
        ),
        Column(
            "price",
            _("Your price"),
            css="text-end text-nowrap",
            order_by="company_price",
            template_name="orders/portal/_catalog_cells.html",
        ),
        Column(
            "vat_rate",
            _("VAT"),
            css="text-end text-nowrap",
            template_code='{{ product.customer_vat_rate|floatformat:"-2" }} %',
        ),
        Column(
            "available",
            _("Stock"),
            css="text-end text-nowrap",
            order_by="total_available",
            template_name="orders/portal/_catalog_cells.html",
        ),
        Column(
            "add",
            _("Add"),
            visible=lambda table: bool(table.context.get("can_order")),
            template_name="orders/portal/_catalog_cells.html",
        ),
    ]
