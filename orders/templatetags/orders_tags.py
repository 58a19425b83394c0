from django import template

from ..selectors import orders_for

register = template.Library()


@register.inclusion_tag("orders/portal/_recent_orders.html", takes_context=True)
def recent_orders(context, company, limit=5):
    """The company's latest orders (the portal home card)."""
    return {"orders": list(orders_for(company)[:limit]), "request": context.get("request")}
