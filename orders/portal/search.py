"""The portal's search box: products the company may buy (SKU or a name in any
language) and the company's own orders (number or PO number). An exact order number
of the company opens that order; another company's orders are never found."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.views import CustomerRequiredMixin
from inventory import i18n

from ..selectors import orders_for
from .views import portal_catalog, stock_level

MAX_QUERY_LENGTH = 100
MAX_RESULTS = 20


class SearchView(CustomerRequiredMixin, View):
    template_name = "orders/portal/search.html"

    def get(self, request):
        q = (request.GET.get("q") or "").strip().replace("\x00", "")
        context = {"q": q, "orders": [], "products": [], "error": "", "company": self.company}
        if len(q) > MAX_QUERY_LENGTH:
            context["error"] = _("Search for at most %(max)d characters.") % {
                "max": MAX_QUERY_LENGTH
            }
            context["q"] = q[:MAX_QUERY_LENGTH]
            return render(request, self.template_name, context, status=400)
        if q:
            exact = orders_for(self.company).filter(number__iexact=q).values("number").first()
            if exact is not None:
                return redirect("portal:order_detail", number=exact["number"])
            context["orders"] = list(
                orders_for(self.company).filter(Q(number__icontains=q) | Q(po_number__icontains=q))[
                    : MAX_RESULTS + 1
                ]
            )
            products = list(
                portal_catalog(self.company).filter(Q(sku__icontains=q) | i18n.search("name", q))[
                    : MAX_RESULTS + 1
                ]
            )
            for product in products:
                product.stock_level = stock_level(product)
            context["products"] = products
            context["more_orders"] = len(context["orders"]) > MAX_RESULTS
            context["more_products"] = len(products) > MAX_RESULTS
            context["orders"] = context["orders"][:MAX_RESULTS]
            context["products"] = products[:MAX_RESULTS]
        return render(request, self.template_name, context)
