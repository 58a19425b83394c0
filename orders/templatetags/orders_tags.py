from django import template

from ..portal.tables import PortalOrderTable
from ..selectors import orders_for

register = template.Library()


@register.inclusion_tag("orders/portal/_recent_orders.html", takes_context=True)
def recent_orders(context, company, limit=5):
    """The company's latest orders (the portal home card), as the orders list's table."""
    request = context.get("request")
    orders = list(orders_for(company)[:limit])
    table = PortalOrderTable(request=request, rows=orders, sorting=False)
    return {"orders": orders, "table": table, "request": request}
