"""The back-office tables of the catalog and stock."""

from django.utils.translation import gettext_lazy as _

from core.backoffice.links import register_object_url
from core.tables import Column, Table

# The audit page links these models' entries to their pages.
register_object_url("inventory.product", "backoffice:product_detail")
register_object_url("inventory.category", "backoffice:category_edit")
register_object_url("inventory.warehouse", "backoffice:warehouse_edit")
register_object_url("inventory.stockitem", "backoffice:stock_levels")


_END = "text-end"


def _can_edit_catalog(table) -> bool:
    return bool(table.context.get("can_edit_catalog"))


class ProductTable(Table):
    row_name = "product"
    html_id = "product-table"
    export_name = "products"
    empty_text = _("No products match these filters.")
    columns = [
        Column(
            "sku",
            _("SKU"),
            order_by="sku",
            css="font-monospace small",
            export="sku",
            template_code="<a href=\"{% url 'backoffice:product_detail' product.pk %}\">"
            "{{ product.sku }}</a>",
        ),
        Column("name", _("Name"), order_by="localized_name"),
        Column("category", _("Category"), accessor="category.name", order_by="category__name"),
        Column("unit_price", _("Unit price"), order_by="unit_price", css=_END),
        Column(
            "tax_category",
            _("VAT"),
            order_by="tax_category",
            css=_END,
            export="vat_rate",
            template_code="{{ product.get_tax_category_display }} · {{ product.vat_rate }} %",
        ),
        Column(
            "on_hand", _("On hand"), accessor="total_on_hand", order_by="total_on_hand", css=_END
        ),
        Column(
            "reserved",
            _("Reserved"),
            accessor="total_reserved",
            order_by="total_reserved",
            css=_END,
        ),
        Column(
            "available",
            _("Available"),
            accessor="total_available",
            order_by="total_available",
            css=_END,
        ),
        Column("active", _("Active"), accessor="active", on_page=False),
        Column(
            "low_stock",
            _("Status"),
            export="is_low",
            template_name="inventory/backoffice/_product_cells.html",
        ),
    ]


class StockTable(Table):
    row_name = "item"
    html_id = "stock-table"
    export_name = "stock"
    empty_text = _("No stock matches these filters.")
    row_css = staticmethod(lambda item: "table-danger" if item.is_below_reorder_point else "")
    # The CSV keeps the columns of the former stock export, in its order.
    columns = [
        Column(
            "sku",
            _("SKU"),
            order_by=("product__sku", "warehouse__code"),
            css="font-monospace small",
            export="product.sku",
            template_code="<a href=\"{% url 'backoffice:product_detail' item.product_id %}\">"
            "{{ item.product.sku }}</a>",
        ),
        Column("name", _("Name"), accessor="product.name", order_by="product__name"),
        Column("category", _("Category"), accessor="product.category.name", on_page=False),
        Column(
            "warehouse",
            _("Warehouse"),
            order_by=("warehouse__code", "product__sku"),
            export="warehouse.code",
            template_name="inventory/backoffice/_stock_cells.html",
        ),
        Column("on_hand", _("On hand"), order_by="on_hand", css=_END),
        Column("reserved", _("Reserved"), order_by="reserved", css=_END),
        Column(
            "available",
            _("Available"),
            accessor="available_qty",
            order_by="available_qty",
            css="text-end fw-semibold",
            header_css=_END,
        ),
        Column("reorder_point", _("Reorder point"), order_by="reorder_point", css=_END),
        Column("reorder_quantity", _("Reorder quantity"), order_by="reorder_quantity", css=_END),
        Column(
            "below_reorder_point",
            _("Low stock"),
            label_hidden=True,
            export=lambda item: int(item.is_below_reorder_point),
            template_name="inventory/backoffice/_stock_cells.html",
        ),
        Column("bin_location", _("Bin location"), on_page=False),
    ]


class CategoryTable(Table):
    row_name = "category"
    html_id = "category-table"
    export_name = "categories"
    empty_text = _("No categories yet.")
    columns = [
        Column("name", _("Name"), order_by="name"),
        Column(
            "return_window_days",
            _("Return policy"),
            order_by=("returnable", "return_window_days"),
            export=lambda c: c.return_window_days if c.returnable else "",
            template_name="inventory/backoffice/_category_cells.html",
        ),
        Column(
            "return_conditions",
            _("Conditions"),
            css="small",
            export="return_conditions",
            template_code='{{ category.return_conditions|default:"—" }}',
        ),
        Column(
            "return_shipping_paid_by",
            _("Return shipping paid by"),
            accessor="get_return_shipping_paid_by_display",
            export="return_shipping_paid_by",
        ),
        Column(
            "restocking_fee_percent",
            _("Restocking fee"),
            order_by="restocking_fee_percent",
            css=_END,
            export="restocking_fee_percent",
            template_code="{{ category.restocking_fee_percent }} %",
        ),
        Column(
            "products",
            _("Products"),
            order_by="product_count",
            css=_END,
            export="product_count",
            template_code="<a href=\"{% url 'backoffice:product_list' %}?category="
            '{{ category.pk }}">{{ category.product_count }}</a>',
        ),
        Column(
            "edit",
            _("Edit"),
            label_hidden=True,
            css=_END,
            export=False,
            visible=_can_edit_catalog,
            template_name="inventory/backoffice/_category_cells.html",
        ),
    ]


class WarehouseTable(Table):
    row_name = "warehouse"
    html_id = "warehouse-table"
    export_name = "warehouses"
    empty_text = _("No warehouses yet.")
    columns = [
        Column(
            "code",
            _("Code"),
            order_by="code",
            css="font-monospace",
            export="code",
            template_name="inventory/backoffice/_warehouse_cells.html",
        ),
        Column("is_default", _("Default"), on_page=False),
        Column("name", _("Name"), order_by="name"),
        Column("address", _("Address"), css="small timeline-body"),
        Column(
            "on_hand",
            _("On hand"),
            order_by="total_on_hand",
            css=_END,
            export="total_on_hand",
            template_code="<a href=\"{% url 'backoffice:stock_list' %}?warehouse="
            '{{ warehouse.pk|stringformat:"d" }}">{{ warehouse.total_on_hand }}</a>',
        ),
        Column(
            "reserved",
            _("Reserved"),
            accessor="total_reserved",
            order_by="total_reserved",
            css=_END,
        ),
        Column(
            "low_stock",
            _("Low stock"),
            order_by="low_stock_count",
            css=_END,
            export="low_stock_count",
            template_code='{% if warehouse.low_stock_count %}<a class="badge text-bg-danger" '
            "href=\"{% url 'backoffice:stock_list' %}?warehouse={{ warehouse.pk }}&amp;"
            'low_stock=1">{{ warehouse.low_stock_count }}</a>{% else %}0{% endif %}',
        ),
        Column(
            "edit",
            _("Edit"),
            label_hidden=True,
            css=_END,
            export=False,
            visible=_can_edit_catalog,
            template_name="inventory/backoffice/_warehouse_cells.html",
        ),
    ]


class MovementTable(Table):
    """The ledger; ``hide_product`` in the table context (a product's page) drops the
    SKU column from the page."""

    row_name = "movement"
    html_id = "movement-table"
    export_name = "movements"
    css = "table table-sm table-hover align-middle"
    empty_text = _("No movements match these filters.")
    columns = [
        Column(
            "created_at",
            _("Time"),
            order_by="created_at",
            css="text-nowrap small",
            export="created_at",
            template_code="<time datetime=\"{{ movement.created_at|date:'c' }}\">"
            '{{ movement.created_at|date:"SHORT_DATETIME_FORMAT" }}</time>',
        ),
        Column(
            "sku",
            _("SKU"),
            css="font-monospace small",
            order_by=("stock_item__product__sku", "-created_at"),
            visible=lambda table: not table.context.get("hide_product"),
            export="stock_item.product.sku",
            template_code="<a href=\"{% url 'backoffice:product_detail' "
            'movement.stock_item.product_id %}">{{ movement.stock_item.product.sku }}</a>',
        ),
        Column(
            "warehouse",
            _("Warehouse"),
            accessor="stock_item.warehouse.code",
            order_by=("stock_item__warehouse__code", "-created_at"),
        ),
        Column(
            "kind",
            _("Kind"),
            export="kind",
            template_code='<span class="badge text-bg-light border">'
            "{{ movement.get_kind_display }}</span>",
        ),
        Column(
            "on_hand_delta",
            _("On hand"),
            css=_END,
            export="on_hand_delta",
            template_code="{% if movement.on_hand_delta %}"
            '{{ movement.on_hand_delta|stringformat:"+d" }}{% endif %}',
        ),
        Column(
            "reserved_delta",
            _("Reserved"),
            css=_END,
            export="reserved_delta",
            template_code="{% if movement.reserved_delta %}"
            '{{ movement.reserved_delta|stringformat:"+d" }}{% endif %}',
        ),
        Column(
            "balance",
            _("Balance"),
            css="text-end small text-body-secondary text-nowrap",
            header_css=_END,
            export=lambda m: f"{m.on_hand_after} / {m.reserved_after}",
            template_code="{{ movement.on_hand_after }} / {{ movement.reserved_after }}",
        ),
        Column("reason", _("Reason"), accessor="reason_text"),
        Column(
            "reference",
            _("Reference"),
            css="small",
            export=lambda m: m.order_number or m.reference,
            template_code="{% with order_number=movement.order_number %}{% if order_number %}"
            '<a class="font-monospace" href="{% url \'backoffice:order_detail\' order_number %}">'
            "{{ order_number }}</a>{% else %}{{ movement.reference }}"
            '{% if movement.content_type_id %} <span class="text-body-secondary">'
            "{{ movement.content_type.name }} #{{ movement.object_id }}</span>{% endif %}"
            "{% endif %}{% endwith %}",
        ),
        Column(
            "user",
            _("By"),
            css="small text-break",
            export=lambda m: str(m.user) if m.user_id else "",
            template_code='{{ movement.user|default:"—" }}',
        ),
    ]
