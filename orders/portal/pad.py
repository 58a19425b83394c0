"""The portal's order pad: "my usual products" (what the company bought in the last
twelve months, with the last price and date, sortable, quantity inputs, add all to the
cart or to a list) and the company's shared shopping lists (create, rename, delete,
fill from the catalog, an order or by SKU, order a whole list).

Every query starts from ``self.company`` (another company's list is a 404); viewers
read the pad and the lists, admins and buyers change them and order from them.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from core.errors import DomainError
from core.views import CustomerRequiredMixin, FilteredListView
from pricing.selectors import orderable_products

from .. import services
from ..forms import quantity_from_text
from ..selectors import orders_for, shopping_lists_for, usual_products
from . import cart
from .filters import PortalCatalogFilterSet
from .pad_tables import PadTable
from .views import portal_catalog, stock_level

ORDERING_ROLES = ("admin", "buyer")


def _pad_products(company):
    """The company's usual products among those it may still buy, with today's price
    for it and the stock (``portal_catalog``)."""
    return usual_products(company, products=portal_catalog(company))


def _errors_of(error: DomainError) -> list[str]:
    found = [str(message) for messages_ in error.fields.values() for message in messages_]
    return found or [str(error.message)]


def _back(request, fallback: str) -> str:
    """``next`` when it is a portal page of this site, else ``fallback``."""
    target = request.POST.get("next") or ""
    if (
        target.startswith("/portal/")
        and "\\" not in target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return fallback


def read_quantities(post, prefix: str = "qty-") -> tuple[dict[int, int], list[str]]:
    """``{id: quantity}`` of the ``<prefix><id>`` inputs with a quantity (blank and 0
    are skipped), or the errors of the ones that are not a whole number in range."""
    quantities, errors = {}, []
    for key, value in post.items():
        if not key.startswith(prefix):
            continue
        raw = key.removeprefix(prefix)
        if not raw.isascii() or not raw.isdigit():
            continue
        text = (value or "").strip()
        if not text:
            continue
        quantity = quantity_from_text(text)
        if quantity is None or quantity < 0 or quantity > services.MAX_LINE_QUANTITY:
            errors.append(
                _("Enter a quantity from 1 to %(max)d.") % {"max": services.MAX_LINE_QUANTITY}
            )
            continue
        quantities[int(raw)] = quantity
    return quantities, errors


def add_to_cart(request, items) -> list[str]:
    """Add ``(product, quantity)`` pairs to the user's cart, all or nothing
    (``cart.add_items``); the errors, if any."""
    merged: dict[str, int] = {}
    for product, quantity in items:
        merged[product.sku] = merged.get(product.sku, 0) + quantity
    return cart.add_items(request, merged)


class PadView(CustomerRequiredMixin, FilteredListView):
    """My usual products: the last twelve months' purchases of the company."""

    template_name = "orders/portal/pad.html"
    filterset_class = PortalCatalogFilterSet
    table_class = PadTable
    export_csv = False
    context_object_name = "products"
    paginate_by = 50

    def get_base_queryset(self):
        return _pad_products(self.company)

    def get_table_context(self):
        return {
            "can_order": self.request.user.can_order,
            "fill": self.request.GET.get("fill") == "last",
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for product in context["products"]:
            product.stock_level = stock_level(product)
        context.update(
            company=self.company,
            can_order=self.request.user.can_order,
            max_quantity=services.MAX_LINE_QUANTITY,
            lists=list(shopping_lists_for(self.company)),
            pad_tab="usual",
            q=self.request.GET.get("q", ""),
        )
        return context


class PadAddView(CustomerRequiredMixin, View):
    """POST the pad's quantities: ``action=cart`` adds them to the cart, ``action=list``
    to the chosen shopping list. Nothing is written if one quantity is wrong."""

    required_company_roles = ORDERING_ROLES

    def post(self, request):
        quantities, errors = read_quantities(request.POST)
        quantities = {pk: q for pk, q in quantities.items() if q > 0}
        back = _back(request, reverse("portal:pad"))
        if not errors and not quantities:
            errors = [_("Enter a quantity for at least one product.")]
        products = {p.pk: p for p in _pad_products(self.company).filter(pk__in=list(quantities))}
        if not errors and len(products) != len(quantities):
            errors = [_("Some of these products are not on sale to your company.")]
        items = [(products[pk], quantity) for pk, quantity in quantities.items() if pk in products]
        action = request.POST.get("action")
        if not errors and action == "list":
            shopping_list = get_object_or_404(
                shopping_lists_for(self.company), pk=_int(request.POST.get("list"))
            )
            try:
                services.add_to_shopping_list(
                    actor=request.user, shopping_list=shopping_list, items=items
                )
            except DomainError as error:
                errors = _errors_of(error)
            else:
                messages.success(
                    request,
                    _("%(count)d products added to the list %(name)s.")
                    % {"count": len(items), "name": shopping_list.name},
                )
                return redirect("portal:shopping_list", pk=shopping_list.pk)
        elif not errors and action == "cart":
            errors = add_to_cart(request, items)
            if not errors:
                messages.success(
                    request, _("%(count)d products added to the cart.") % {"count": len(items)}
                )
                return redirect("portal:cart")
        elif not errors:
            errors = [_("Unknown action.")]
        for message in errors:
            messages.error(request, message)
        return redirect(back)


def _int(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


class ShoppingListIndexView(CustomerRequiredMixin, View):
    """The company's lists; admins and buyers create one here."""

    template_name = "orders/portal/shopping_lists.html"

    def get(self, request, error_status=200, name_error=None):
        return render(
            request,
            self.template_name,
            {
                "lists": list(shopping_lists_for(self.company)),
                "can_order": request.user.can_order,
                "pad_tab": "lists",
                "name_error": name_error,
                "name": request.POST.get("name", ""),
                "max_lists": services.MAX_LISTS,
            },
            status=error_status,
        )

    def post(self, request):
        if not request.user.can_order:
            raise PermissionDenied
        try:
            shopping_list = services.create_shopping_list(
                actor=request.user, company=self.company, name=request.POST.get("name", "")
            )
        except DomainError as error:
            return self.get(request, error_status=400, name_error=" ".join(_errors_of(error)))
        messages.success(request, _("List %(name)s created.") % {"name": shopping_list.name})
        return redirect("portal:shopping_list", pk=shopping_list.pk)


def list_rows(company, shopping_list) -> list[dict]:
    """The list's items with the company's price today and the stock (products it can no
    longer buy are shown, without a price, and skipped when the list is ordered).
    Three queries whatever the number of items."""
    items = list(shopping_list.items.select_related("product").order_by("added_at", "id"))
    catalog = {
        p.pk: p for p in portal_catalog(company).filter(pk__in=[i.product_id for i in items])
    }
    rows = []
    for item in items:
        product = catalog.get(item.product_id)
        price = product.company_price if product is not None else None
        rows.append(
            {
                "item": item,
                "product": item.product,
                "orderable": product is not None,
                "price": price,
                "line_total": price * item.quantity if price is not None else None,
                "available": product.total_available if product is not None else 0,
            }
        )
    return rows


class ShoppingListView(CustomerRequiredMixin, View):
    """One list: its items (quantities, remove), rename, delete, add by SKU, order it."""

    template_name = "orders/portal/shopping_list.html"

    def get_list(self, pk):
        return get_object_or_404(shopping_lists_for(self.company), pk=pk)

    def get(self, request, pk, status=200, errors=()):
        shopping_list = self.get_list(pk)
        rows = list_rows(self.company, shopping_list)
        totals = [row["line_total"] for row in rows if row["line_total"] is not None]
        return render(
            request,
            self.template_name,
            {
                "shopping_list": shopping_list,
                "rows": rows,
                "total": sum(totals) if totals else None,
                "company": self.company,
                "can_order": request.user.can_order,
                "pad_tab": "lists",
                "errors": errors,
                "max_quantity": services.MAX_LINE_QUANTITY,
            },
            status=status,
        )

    def post(self, request, pk):
        shopping_list = self.get_list(pk)
        if not request.user.can_order:
            raise PermissionDenied
        action = request.POST.get("action")
        handler = {
            "rename": self.do_rename,
            "delete": self.do_delete,
            "quantities": self.do_quantities,
            "remove": self.do_remove,
            "add_sku": self.do_add_sku,
            "order": self.do_order,
        }.get(action)
        if handler is None:
            return self.get(request, pk, status=400, errors=[_("Unknown action.")])
        try:
            response = handler(request, shopping_list)
        except DomainError as error:
            return self.get(request, pk, status=error.status, errors=_errors_of(error))
        return response or redirect("portal:shopping_list", pk=shopping_list.pk)

    def do_rename(self, request, shopping_list):
        renamed = services.rename_shopping_list(
            actor=request.user, shopping_list=shopping_list, name=request.POST.get("name", "")
        )
        messages.success(request, _("List renamed to %(name)s.") % {"name": renamed.name})

    def do_delete(self, request, shopping_list):
        services.delete_shopping_list(actor=request.user, shopping_list=shopping_list)
        messages.success(request, _("List %(name)s deleted.") % {"name": shopping_list.name})
        return redirect("portal:shopping_lists")

    def do_quantities(self, request, shopping_list):
        quantities, errors = read_quantities(request.POST, prefix="item-")
        if errors:
            return self.get(request, shopping_list.pk, status=400, errors=errors)
        services.set_shopping_list_quantities(
            actor=request.user, shopping_list=shopping_list, quantities=quantities
        )
        messages.success(request, _("Quantities saved."))

    def do_remove(self, request, shopping_list):
        item_id = _int(request.POST.get("item"))
        if item_id is not None:
            services.remove_from_shopping_list(
                actor=request.user, shopping_list=shopping_list, item_id=item_id
            )
        messages.success(request, _("Removed from the list."))

    def do_add_sku(self, request, shopping_list):
        sku = (request.POST.get("sku") or "").strip()
        quantity = quantity_from_text((request.POST.get("quantity") or "").strip())
        product = orderable_products(self.company).filter(sku__iexact=sku).first() if sku else None
        if product is None:
            return self.get(
                request,
                shopping_list.pk,
                status=400,
                errors=[_("%(sku)s is not on sale to your company.") % {"sku": sku or "—"}],
            )
        services.add_to_shopping_list(
            actor=request.user,
            shopping_list=shopping_list,
            items=[(product, quantity if quantity is not None else -1)],
        )
        messages.success(request, _("%(sku)s added to the list.") % {"sku": product.sku})

    def do_order(self, request, shopping_list):
        rows = list_rows(self.company, shopping_list)
        items = [(row["product"], row["item"].quantity) for row in rows if row["orderable"]]
        skipped = [row["product"].sku for row in rows if not row["orderable"]]
        if not items:
            return self.get(
                request,
                shopping_list.pk,
                status=400,
                errors=[_("Nothing on this list can be ordered.")],
            )
        errors = add_to_cart(request, items)
        if errors:
            return self.get(request, shopping_list.pk, status=400, errors=errors)
        messages.success(
            request,
            _("The list %(name)s is in your cart.") % {"name": shopping_list.name},
        )
        if skipped:
            messages.warning(
                request, _("No longer on sale to you: %(skus)s.") % {"skus": ", ".join(skipped)}
            )
        return redirect("portal:cart")


class ShoppingListAddView(CustomerRequiredMixin, View):
    """Add to a list from elsewhere: one product (``sku``, ``quantity``: the catalog)
    or the lines of an order (``order``: the order's page), to the list ``list`` or to
    a new list named ``name``."""

    required_company_roles = ORDERING_ROLES

    def post(self, request):
        order_number = request.POST.get("order") or ""
        fallback = (
            reverse("portal:order_detail", args=[order_number])
            if order_number
            else reverse("portal:shopping_lists")
        )
        back = _back(request, fallback)
        order = (
            get_object_or_404(orders_for(self.company), number=order_number)
            if order_number
            else None
        )
        product = None
        if order is None:
            sku = (request.POST.get("sku") or "").strip()
            product = orderable_products(self.company).filter(sku=sku).first() if sku else None
            if product is None:
                messages.error(
                    request, _("%(sku)s is not on sale to your company.") % {"sku": sku or "—"}
                )
                return redirect(back)
        try:
            with transaction.atomic():
                shopping_list = self.target_list(request)
                if order is not None:
                    shopping_list, skipped = services.add_order_to_shopping_list(
                        actor=request.user, shopping_list=shopping_list, order=order
                    )
                else:
                    quantity = quantity_from_text((request.POST.get("quantity") or "1").strip())
                    skipped = []
                    services.add_to_shopping_list(
                        actor=request.user,
                        shopping_list=shopping_list,
                        items=[(product, quantity if quantity is not None else -1)],
                    )
        except DomainError as error:
            for message in _errors_of(error):
                messages.error(request, message)
            return redirect(back)
        messages.success(request, _("Added to the list %(name)s.") % {"name": shopping_list.name})
        if skipped:
            messages.warning(
                request, _("No longer on sale to you: %(skus)s.") % {"skus": ", ".join(skipped)}
            )
        return redirect(back)

    def target_list(self, request):
        chosen = request.POST.get("list") or "new"
        if chosen == "new":
            return services.create_shopping_list(
                actor=request.user, company=self.company, name=request.POST.get("name", "")
            )
        shopping_list = shopping_lists_for(self.company).filter(pk=_int(chosen)).first()
        if shopping_list is None:
            raise Http404
        return shopping_list
