"""Portal pages: catalog with the company's prices and live availability, the cart
(quick order, CSV upload), review and placing, the company's orders, cancel, reorder.

Every order query starts from ``orders_for(self.company)``: another company's order is
a 404. Viewers browse; only admins and buyers change the cart or order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from core.errors import DomainError
from core.fiscal import vat_rate_for
from core.money import money
from core.views import CustomerRequiredMixin, FilteredListView
from customers.models import CustomerRole
from inventory.errors import InsufficientStock
from inventory.models import Product
from inventory.selectors import available_by_sku, product_list
from pricing.resolution import resolve_prices
from pricing.selectors import orderable_products

from .. import services
from ..actions import registry
from ..forms import line_messages, parse_lines_csv, parse_lines_text, quantity_from_text
from ..models import STATUS_FLOW, CartLine, OrderStatus, ShippingMethod
from ..pricing import Totals, totals_for
from ..selectors import events_for, order_detail, orders_for
from ..services.quote import fiscal_position_of
from . import cart as session_cart
from .filters import PortalCatalogFilterSet, PortalOrderFilterSet
from .forms import AddToCartForm, ApprovalForm, CheckoutForm, CsvUploadForm, QuickOrderForm
from .tables import CatalogTable, PortalOrderTable

ORDERING_ROLES = (CustomerRole.ADMIN, CustomerRole.BUYER)


def _prices_for(company, products):
    """``{product.pk: ResolvedPrice}`` of ``products`` for one unit, for ``company``
    (``pricing.resolution.resolve_prices``: contract > break > list, then the discount).
    Three queries whatever the number of products."""
    return resolve_prices(company, [(product, 1) for product in products])


def stock_level(product) -> str:
    """``in_stock``, ``low`` (below its reorder point) or ``out``, from ``product_list``'s
    annotations."""
    if product.total_available <= 0:
        return "out"
    return "low" if product.is_low else "in_stock"


def portal_catalog(company):
    """What ``company`` may buy (``pricing.selectors.orderable_products``: active, with a
    price for it), with the stock totals and names of ``inventory.selectors.product_list``."""
    return orderable_products(company, queryset=product_list()).order_by("localized_name", "sku")


def _catalog_url(request, fallback: str) -> str:
    """Where an "Add" goes back to: the catalog page it came from (its search, filters,
    sort and page kept), when ``next`` is one of the portal's catalog pages."""
    target = request.POST.get("next") or ""
    catalog = reverse("portal:catalog")
    if (
        target.startswith(catalog)
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        and "\\" not in target
    ):
        return target
    return fallback


class CatalogView(CustomerRequiredMixin, FilteredListView):
    """What the company may buy, in its currency: search (SKU or a name in any
    language), category filter, sort, pages; "Add" comes back to the same page."""

    template_name = "orders/portal/catalog.html"
    filterset_class = PortalCatalogFilterSet
    table_class = CatalogTable
    # The page shows the company's prices, which the rows get only in the page context.
    export_csv = False
    context_object_name = "products"
    paginate_by = 24

    def get_table_context(self):
        return {"can_order": self.request.user.can_order}

    def get_base_queryset(self):
        return portal_catalog(self.company)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        position = fiscal_position_of(self.company)
        for product in context["products"]:
            product.stock_level = stock_level(product)
            # The rate the company's orders get (0 for an intra-EU or export customer).
            product.customer_vat_rate = vat_rate_for(position, product.tax_category)
        context["q"] = self.request.GET.get("q", "")
        context["company"] = self.company
        context["can_order"] = self.request.user.can_order
        context["cart_count"] = session_cart.count(self.request.user)
        return context


class CatalogProductView(CustomerRequiredMixin, View):
    """One product the company may buy: its description, price in the company's
    currency with the quantity breaks (or its contract price), the return policy of its
    category, the stock. A product it cannot buy is a 404."""

    template_name = "orders/portal/catalog_product.html"

    def get(self, request, sku):
        product = get_object_or_404(portal_catalog(self.company), sku=sku)
        price = _prices_for(self.company, [product])[product.pk]
        # The catalog's query string (search, filters, page) it was opened from, parsed
        # and written again: only a query string can come back.
        back = QueryDict(request.GET.get("back", "")).urlencode()
        catalog = reverse("portal:catalog")
        back_url = f"{catalog}?{back}" if back else catalog
        return render(
            request,
            self.template_name,
            {
                "product": product,
                "category": product.category,
                "price": price,
                "stock_level": stock_level(product),
                "company": self.company,
                "can_order": request.user.can_order,
                "back_url": back_url,
                "cart_count": session_cart.count(request.user),
            },
        )


@dataclass
class CartRow:
    """One cart line as the cart and review pages show it."""

    line: CartLine
    product: Product
    quantity: int
    available: int
    unit_price: Decimal | None  # None: the company cannot buy it (``reason``)
    reason: str = ""
    vat_rate: Decimal = Decimal("0")
    #: the price the buyer saw before, when it changed since
    previous_price: Decimal | None = None

    @property
    def sku(self) -> str:
        return self.product.sku

    @property
    def line_total(self) -> Decimal | None:
        return None if self.unit_price is None else money(self.unit_price * self.quantity)

    @property
    def short(self) -> int:
        """Units over what is available now (0: the line can be reserved in full)."""
        return max(self.quantity - max(self.available, 0), 0)

    @property
    def orderable(self) -> bool:
        return self.unit_price is not None and self.product.active


@dataclass
class CartSummary:
    rows: list[CartRow]
    totals: Totals | None
    allows_backorders: bool

    @property
    def short_rows(self) -> list[CartRow]:
        return [row for row in self.rows if row.short]

    @property
    def unresolved(self) -> list[CartRow]:
        """Rows over the stock without a backorder the company allows: the buyer must
        reduce, remove or (if allowed) backorder them before placing."""
        return [
            row
            for row in self.rows
            if row.short and not (self.allows_backorders and row.line.backorder)
        ]

    @property
    def backorder_skus(self) -> frozenset[str]:
        if not self.allows_backorders:
            return frozenset()
        return frozenset(row.sku for row in self.rows if row.short and row.line.backorder)


def cart_summary(user, company, *, shipping_method=ShippingMethod.STANDARD, coupon=None):
    """The cart with the company's prices (``pricing.resolution.resolve_prices``), live
    availability and the totals of ``orders.pricing.totals_for``, the function the
    placed order's totals come from (its lines, shipping and VAT per rate)."""
    lines = session_cart.lines(user)
    products = [line.product for line in lines]
    available = available_by_sku([p.sku for p in products]) if products else {}
    prices = resolve_prices(company, [(line.product, line.quantity) for line in lines])
    position = fiscal_position_of(company)
    rows = []
    for line in lines:
        resolved = prices.get(line.product_id)
        price = resolved.unit_price if resolved is not None else None
        reason = "" if price is not None else (resolved.reason if resolved else "")
        if not line.product.active:
            price, reason = None, _("%(sku)s is no longer sold.") % {"sku": line.product.sku}
        rows.append(
            CartRow(
                line=line,
                product=line.product,
                quantity=line.quantity,
                available=available.get(line.product.sku, 0),
                unit_price=price,
                reason=str(reason),
                vat_rate=vat_rate_for(position, line.product.tax_category),
                previous_price=(
                    line.unit_price
                    if price is not None
                    and line.unit_price is not None
                    and line.unit_price != price
                    else None
                ),
            )
        )
    orderable = [row for row in rows if row.orderable]
    totals = (
        totals_for(
            orderable, coupon=coupon, shipping_method=shipping_method, currency=company.currency
        )
        if orderable
        else None
    )
    return CartSummary(rows=rows, totals=totals, allows_backorders=company.allows_backorders)


class CartView(CustomerRequiredMixin, View):
    template_name = "orders/portal/cart.html"

    def get(self, request):
        session_cart.migrate_session(request)
        return render(request, self.template_name, self.context())

    def context(self, **extra):
        summary = cart_summary(self.request.user, self.company)
        context = {
            "summary": summary,
            "rows": summary.rows,
            "quick_form": QuickOrderForm(),
            "csv_form": CsvUploadForm(),
            "checkout_form": CheckoutForm(company=self.company),
            "can_order": self.request.user.can_order,
            "company": self.company,
        }
        context.update(extra)
        return context


def _validated_items(lines: list[dict]) -> tuple[dict[str, int], list[str]]:
    """Lines typed or uploaded -> {sku: quantity} of known, active products, or errors.
    A product without a price for the company may sit in the cart (shown without a
    price); placing the order refuses it with the reason on its line."""
    pairs, errors = services.normalize_lines(lines)
    messages_ = line_messages(errors, lines)
    if messages_:
        return {}, messages_
    wanted = {sku for sku, _q, _i in pairs} | {sku.upper() for sku, _q, _i in pairs}
    products = {p.sku: p for p in Product.objects.filter(sku__in=wanted)}
    items: dict[str, int] = {}
    for sku, qty, index in pairs:
        product = products.get(sku) or products.get(sku.upper())
        if product is None or not product.active:
            messages_.append(
                _("Line %(row)d: unknown SKU %(sku)s.") % {"row": index + 1, "sku": sku}
            )
            continue
        items[product.sku] = items.get(product.sku, 0) + qty
    return items, messages_


class CartUpdateView(CustomerRequiredMixin, View):
    """One POST endpoint for the cart: add, quick order, CSV, set, remove, clear, and
    the choices of a line over the stock: reduce (to what is available), backorder
    (keep the rest as a backorder, when the company allows it)."""

    required_company_roles = ORDERING_ROLES

    def post(self, request):
        session_cart.migrate_session(request)
        action = request.POST.get("action")
        if action == "add":
            form = AddToCartForm(request.POST)
            if not form.is_valid():
                messages.error(
                    request,
                    _("Enter a quantity from 1 to %(max)d.") % {"max": services.MAX_LINE_QUANTITY},
                )
                return redirect(_catalog_url(request, reverse("portal:cart")))
            items, errors = _validated_items([form.cleaned_data])
            if not errors:
                errors = session_cart.add_items(request, items)
            if errors:
                messages.error(request, errors[0])
            else:
                messages.success(request, _("Added to the cart."))
            return redirect(_catalog_url(request, reverse("portal:cart")))
        if action in ("quick", "csv"):
            if action == "quick":
                form = QuickOrderForm(request.POST)
                lines, errors = (
                    parse_lines_text(form.cleaned_data["lines"]) if form.is_valid() else ([], [])
                )
            else:
                form = CsvUploadForm(request.POST, request.FILES)
                lines, errors = (
                    parse_lines_csv(request.FILES["file"]) if form.is_valid() else ([], [])
                )
            if form.is_valid() and not errors:
                items, errors = _validated_items(lines)
            if form.is_valid() and not errors:
                errors = session_cart.add_items(request, items)
            if not form.is_valid() or errors:
                for message in errors:
                    form.add_error(None, message)
                key = "quick_form" if action == "quick" else "csv_form"
                context = CartView(request=request, company=self.company).context(**{key: form})
                return render(request, CartView.template_name, context, status=400)
            messages.success(
                request, _("%(count)d lines added to the cart.") % {"count": len(items)}
            )
            return redirect("portal:cart")
        if action == "set":
            quantities, failed = {}, False
            for line in session_cart.lines(request.user):
                value = request.POST.get(f"qty-{line.product.sku}")
                if value is None:
                    continue
                qty = quantity_from_text(value)
                if qty is None or qty < 0 or qty > services.MAX_LINE_QUANTITY:
                    failed = True
                    messages.error(
                        request,
                        _("%(sku)s: enter a whole number of units.") % {"sku": line.product.sku},
                    )
                    continue
                quantities[line.product_id] = qty
            if not failed:
                session_cart.set_quantities(request, quantities)
            return redirect("portal:cart")
        if action in ("remove", "reduce", "backorder", "no_backorder"):
            sku = request.POST.get("sku", "")
            line = next(
                (li for li in session_cart.lines(request.user) if li.product.sku == sku), None
            )
            if line is None:
                messages.error(request, _("That product is not in your cart."))
                return redirect("portal:cart")
            if action == "remove":
                session_cart.remove(request, line.product_id)
            elif action == "reduce":
                available = max(available_by_sku([sku]).get(sku, 0), 0)
                session_cart.set_quantities(request, {line.product_id: available})
                if available:
                    messages.success(
                        request,
                        _("%(sku)s reduced to the %(count)d units available.")
                        % {"sku": sku, "count": available},
                    )
                else:
                    messages.success(
                        request, _("%(sku)s removed: none is available.") % {"sku": sku}
                    )
            elif action == "backorder" and not self.company.allows_backorders:
                messages.error(request, _("Your company's account does not allow backorders."))
            else:
                session_cart.set_backorder(request, line.product_id, action == "backorder")
            return redirect("portal:cart")
        if action == "clear":
            session_cart.clear(request)
            return redirect("portal:cart")
        messages.error(request, _("Unknown action."))
        return redirect("portal:cart")


def _place_error_messages(error, lines) -> list[str]:
    if isinstance(error, InsufficientStock):
        return [error.message]
    found = line_messages(error.fields, lines)
    for name, errors in error.fields.items():
        if not name.startswith("lines") and name != "coupon":
            found.extend(str(e) for e in errors)
    return found or ([] if "coupon" in error.fields else [error.message])


class CheckoutView(CustomerRequiredMixin, View):
    """POST the checkout form: ``review`` shows the priced order with the stock of each
    line and the prices that changed since the buyer saw them; ``place`` places it."""

    required_company_roles = ORDERING_ROLES

    def post(self, request, step):
        if step not in ("review", "place"):
            raise Http404
        form = CheckoutForm(request.POST, company=self.company)
        summary = cart_summary(request.user, self.company)
        lines = [{"sku": row.sku, "quantity": row.quantity} for row in summary.rows]
        cart_view = CartView(request=request, company=self.company)
        if not form.is_valid():
            return render(
                request, CartView.template_name, cart_view.context(checkout_form=form), status=400
            )
        if not lines:
            form.add_error(None, _("Your cart is empty."))
            return render(
                request, CartView.template_name, cart_view.context(checkout_form=form), status=400
            )
        data = form.cleaned_data
        kwargs = {
            "lines": lines,
            "po_number": data["po_number"],
            "shipping_method": data["shipping_method"],
            "shipping_address": data["shipping_address"],
            "notes": data["notes"],
            "coupon": data["coupon"] or None,
        }
        try:
            if step == "review":
                quote = services.quote_order(company=self.company, **kwargs)
                changed = [row for row in summary.rows if row.previous_price is not None]
                # Seen now: the next review shows only what changes after this one.
                session_cart.remember_prices(
                    request, {row.line.pk: row.unit_price for row in summary.rows}
                )
                by_sku = {row.sku: row for row in summary.rows}
                return render(
                    request,
                    "orders/portal/review.html",
                    {
                        "quote": quote,
                        "form": form,
                        "company": self.company,
                        "rows": [(line, by_sku.get(line.sku)) for line in quote.lines],
                        "changed": changed,
                        "summary": summary,
                        "over_limit": services.needs_approval(
                            request.user, quote.totals.total, company=self.company
                        ),
                    },
                )
            if summary.unresolved:
                form.add_error(
                    None,
                    _(
                        "Some lines are over the available stock: reduce them, remove "
                        "them or keep the rest as a backorder."
                    ),
                )
                return render(
                    request,
                    CartView.template_name,
                    cart_view.context(checkout_form=form),
                    status=409,
                )
            order = services.place_order(
                actor=request.user, allow_backorder=summary.backorder_skus, **kwargs
            )
        except DomainError as error:
            for message in _place_error_messages(error, lines):
                form.add_error(None, message)
            if "coupon" in error.fields:
                form.add_error("coupon", error.fields["coupon"][0])
                widget = form.fields["coupon"].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            return render(
                request,
                CartView.template_name,
                cart_view.context(checkout_form=form),
                status=error.status,
            )
        session_cart.clear(request)
        if order.awaiting_approval:
            messages.success(
                request,
                _(
                    "Order %(number)s has been placed and waits for the approval of an "
                    "administrator of your company."
                )
                % {"number": order.number},
            )
        else:
            messages.success(
                request,
                _("Thank you! Order %(number)s has been placed.") % {"number": order.number},
            )
        return redirect("portal:order_detail", number=order.number)


class OrderListView(CustomerRequiredMixin, FilteredListView):
    """The company's orders (``orders_for``: never another company's), filterable by
    status, sortable, and as CSV with ``?export=csv``."""

    template_name = "orders/portal/order_list.html"
    filterset_class = PortalOrderFilterSet
    table_class = PortalOrderTable
    context_object_name = "orders"
    paginate_by = 25

    def get_base_queryset(self):
        return orders_for(self.company)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = OrderStatus.choices
        context["status"] = self.request.GET.get("status", "")
        context["can_order"] = self.request.user.can_order
        return context


class OrderDetailView(CustomerRequiredMixin, View):
    template_name = "orders/portal/order_detail.html"

    def get(self, request, number):
        order = get_object_or_404(order_detail(orders_for(self.company)), number=number)
        steps = [
            {"slug": status.value, "label": status.label, "done": order.progress_step >= i}
            for i, status in enumerate(STATUS_FLOW)
        ]
        return render(
            request,
            self.template_name,
            {
                "order": order,
                "lines": list(order.lines.all()),
                "events": events_for(order, customer_view=True),
                "steps": steps,
                "progress": max(order.progress_step, 0) + 1,
                "actions": [
                    {"action": action, "form": _portal_form(action)}
                    for action in registry.available(order, request.user)
                ],
                "can_order": request.user.can_order,
                "can_approve": order.awaiting_approval and request.user.role == CustomerRole.ADMIN,
                "approval_form": ApprovalForm(),
            },
        )


class ApprovalListView(CustomerRequiredMixin, View):
    """The company's orders waiting for an admin's approval (admins only)."""

    template_name = "orders/portal/approvals.html"
    required_company_roles = (CustomerRole.ADMIN,)

    def get(self, request):
        waiting = orders_for(self.company).filter(
            awaiting_approval=True, status=OrderStatus.PENDIENTE
        )
        return render(
            request,
            self.template_name,
            {"orders": list(waiting.select_related("placed_by")[:200])},
        )


class ApprovalDecisionView(CustomerRequiredMixin, View):
    """POST approve or reject (with a note) an order of the company (admins only); an
    order of another company is a 404."""

    required_company_roles = (CustomerRole.ADMIN,)

    def post(self, request, number, decision):
        if decision not in ("approve", "reject"):
            raise Http404
        order = get_object_or_404(orders_for(self.company), number=number)
        form = ApprovalForm(request.POST, reject=decision == "reject")
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect("portal:order_detail", number=number)
        service = services.approve_order if decision == "approve" else services.reject_order
        try:
            service(order=order, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                (
                    _("Order %(number)s approved.")
                    if decision == "approve"
                    else _("Order %(number)s rejected and cancelled.")
                )
                % {"number": number},
            )
        return redirect("portal:order_detail", number=number)


def _portal_form(action, data=None):
    return action.form_class(data) if action.form_class is not None else None


class OrderActionView(CustomerRequiredMixin, View):
    """POST one of the actions a customer may do (declared ``customer=True`` in
    ``orders.actions``, e.g. cancel while pending); the result is a message."""

    required_company_roles = ORDERING_ROLES

    def post(self, request, number, action):
        if action not in registry or not registry.get(action).customer:
            raise Http404
        declared = registry.get(action)
        order = get_object_or_404(orders_for(self.company), number=number)
        form = _portal_form(declared, request.POST)
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect("portal:order_detail", number=number)
        try:
            registry.perform(action, order, request.user, **(form.cleaned_data if form else {}))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(action)s: done (order %(number)s).")
                % {"action": declared.label, "number": number},
            )
        return redirect("portal:order_detail", number=number)


class ReorderView(CustomerRequiredMixin, View):
    """Copy a past order's lines into the cart (products no longer sold are skipped)."""

    required_company_roles = ORDERING_ROLES

    def post(self, request, number):
        order = get_object_or_404(orders_for(self.company), number=number)
        items, skipped = {}, []
        for line in order.lines.select_related("product"):
            if line.product.active:
                items[line.product.sku] = items.get(line.product.sku, 0) + line.quantity
            else:
                skipped.append(line.sku)
        errors = session_cart.add_items(request, items)
        for message in errors:
            messages.error(request, message)
        if not errors:
            messages.success(
                request, _("The lines of %(number)s are in your cart.") % {"number": number}
            )
        if skipped:
            messages.warning(request, _("No longer sold: %(skus)s.") % {"skus": ", ".join(skipped)})
        return redirect("portal:cart")
