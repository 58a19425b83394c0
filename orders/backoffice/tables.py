"""The back-office tables of orders: the queue, coupons and carriers."""

from django.utils.translation import gettext_lazy as _

from core.backoffice.links import register_object_url
from core.tables import Column, Table

# The audit page links these models' entries to their pages.
register_object_url("orders.coupon", "backoffice:coupon_edit")
register_object_url("orders.carrier", "backoffice:carrier_edit")


def _can_bulk(table) -> bool:
    return bool(table.context.get("can_bulk"))


class OrderQueueTable(Table):
    row_name = "order"
    html_id = "order-table"
    export_name = "orders"
    empty_text = _("No orders match these filters.")
    row_attrs = staticmethod(lambda order: {"data-order": order.number})
    columns = [
        Column(
            "select",
            _("Select"),
            label_hidden=True,
            visible=_can_bulk,
            export=False,
            template_code='<input class="form-check-input" type="checkbox" name="orders" '
            'value="{{ order.pk|stringformat:"d" }}" aria-label="{{ order.number }}">',
        ),
        Column(
            "number",
            _("Number"),
            order_by="number",
            export="number",
            template_code="<a href=\"{% url 'backoffice:order_detail' order.number %}\" "
            'class="font-monospace">{{ order.number }}</a>',
        ),
        Column(
            "customer", _("Customer"), accessor="company.legal_name", order_by="company__legal_name"
        ),
        Column(
            "po_number",
            _("PO number"),
            css="small",
            export="po_number",
            template_code='{{ order.po_number|default:"—" }}',
        ),
        Column(
            "placed",
            _("Placed"),
            css="small text-nowrap",
            order_by="created_at",
            export="created_at",
            template_code='{{ order.created_at|date:"SHORT_DATETIME_FORMAT" }}',
        ),
        Column("lines", _("Lines"), accessor="line_count"),
        Column(
            "total",
            _("Total"),
            css="text-end text-nowrap",
            order_by="total",
            export="total",
            template_code="{% load ui %}{{ order.total|money:order.currency }}",
        ),
        Column("currency", _("Currency"), accessor="currency", on_page=False),
        Column(
            "status",
            _("Status"),
            export="status",
            template_name="orders/backoffice/_queue_cells.html",
        ),
        Column(
            "promised",
            _("Promised"),
            css="small text-nowrap",
            order_by="promised_delivery_date",
            export="promised_delivery_date",
            template_name="orders/backoffice/_queue_cells.html",
        ),
        Column(
            "carrier",
            _("Carrier"),
            css="small",
            export="carrier.name",
            template_code='{{ order.carrier|default:"" }}',
        ),
    ]


class CouponTable(Table):
    row_name = "coupon"
    html_id = "coupon-table"
    export_name = "coupons"
    empty_text = _("No coupons yet.")
    columns = [
        Column(
            "code",
            _("Code"),
            order_by="code",
            export="code",
            template_code='{% if can_edit %}<a class="font-monospace" '
            "href=\"{% url 'backoffice:coupon_edit' coupon.pk %}\">{{ coupon.code }}</a>"
            '{% else %}<span class="font-monospace">{{ coupon.code }}</span>{% endif %} '
            '<small class="text-body-secondary">{{ coupon.description }}</small>',
        ),
        Column("kind", _("Kind"), accessor="kind", on_page=False),
        Column(
            "discount",
            _("Discount"),
            order_by="value",
            export="value",
            template_code='{% load ui %}{% if coupon.kind == "percent" %}'
            '{{ coupon.value|floatformat:"-2" }} %{% else %}'
            "{{ coupon.value|money:coupon.currency }}{% endif %}",
        ),
        Column("minimum_order", _("Minimum order"), order_by="minimum_order"),
        Column(
            "valid",
            _("Valid"),
            css="small",
            order_by="valid_until",
            export=lambda c: (
                f"{c.valid_from:%Y-%m-%d} – {c.valid_until:%Y-%m-%d}"
                if c.valid_from and c.valid_until
                else ""
            ),
            template_code='{{ coupon.valid_from|date:"SHORT_DATE_FORMAT" }} – '
            '{{ coupon.valid_until|date:"SHORT_DATE_FORMAT" }}',
        ),
        Column(
            "used",
            _("Used"),
            order_by="times_used",
            export="times_used",
            template_code="{{ coupon.times_used }}{% if coupon.usage_limit %} / "
            "{{ coupon.usage_limit }}{% endif %}",
        ),
        Column(
            "active",
            _("Active"),
            order_by="active",
            export="active",
            template_code="{{ coupon.active|yesno }}",
        ),
    ]


class CarrierTable(Table):
    row_name = "carrier"
    html_id = "carrier-table"
    export_name = "carriers"
    empty_text = _("No carriers yet.")
    columns = [
        Column(
            "name",
            _("Name"),
            order_by="name",
            export="name",
            template_code="{% if can_edit %}"
            "<a href=\"{% url 'backoffice:carrier_edit' carrier.pk %}\">{{ carrier.name }}</a>"
            "{% else %}{{ carrier.name }}{% endif %}",
        ),
        Column("code", _("Code"), order_by="code", css="font-monospace small"),
        Column(
            "transit_days",
            _("Transit days (standard / express)"),
            export=lambda c: f"{c.transit_days_standard} / {c.transit_days_express}",
            template_code="{{ carrier.transit_days_standard }} / "
            "{{ carrier.transit_days_express }}",
        ),
        Column("tracking_url_template", _("Tracking link"), css="small text-break"),
        Column("orders", _("Orders"), accessor="order_count", order_by="order_count"),
        Column(
            "active",
            _("Active"),
            order_by="active",
            export="active",
            template_code="{{ carrier.active|yesno }}",
        ),
    ]
