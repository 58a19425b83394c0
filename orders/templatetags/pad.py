"""``{% add_to_list_form product=... %}`` / ``{% add_to_list_form order=... %}``: the
"add to a shopping list" form of the catalog's product page and an order's page, with
the signed-in user's company lists (one query)."""

from django import template

from ..selectors import shopping_lists_for

register = template.Library()


@register.inclusion_tag("orders/portal/_add_to_list.html", takes_context=True)
def add_to_list_form(context, product=None, order=None):
    request = context["request"]
    company = getattr(request.user, "company", None)
    lists = list(shopping_lists_for(company)) if company else []
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "product": product,
        "order": order,
        "shopping_lists": lists,
    }
