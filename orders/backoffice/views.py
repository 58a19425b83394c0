"""Back-office pages for orders: the queue, the order page and its actions, creating an
order for a customer, bulk actions, coupons and carriers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.filters import drill_down_chips
from core.forms import apply_domain_error
from core.roles import has_staff_role
from core.views import FilteredListView, ServiceFormView, StaffRequiredMixin
from inventory.errors import InsufficientStock

from .. import services
from ..actions import registry
from ..forms import line_messages, parse_lines_text
from ..models import Carrier, Coupon, OrderStatus
from ..permissions import EDITORS
from ..selectors import (
    QUEUE_TABS,
    carrier_list,
    coupon_list,
    order_detail,
    order_queue,
    queue_counts,
)
from .filters import DRILL_DOWN_FILTERS, OrderQueueFilterSet
from .forms import (
    BulkActionForm,
    CarrierForm,
    CouponForm,
    OrderCreateForm,
)
from .tables import CarrierTable, CouponTable, OrderQueueTable

TAB_LABELS = {
    **{status.value: status.label for status in OrderStatus},
    "held": gettext_lazy("On hold"),
    "all": gettext_lazy("All"),
}


class OrderQueueView(StaffRequiredMixin, FilteredListView):
    template_name = "orders/backoffice/queue.html"
    filterset_class = OrderQueueFilterSet
    table_class = OrderQueueTable
    context_object_name = "orders"

    def get_base_queryset(self):
        tab = self.request.GET.get("tab") or "pendiente"
        self.tab = tab if tab in QUEUE_TABS else "pendiente"
        return order_queue(self.tab)

    def get_table_context(self):
        return {"can_bulk": has_staff_role(self.request.user, *EDITORS)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = queue_counts()
        context["tab"] = self.tab
        context["drill_chips"] = drill_down_chips(self.request, self.filterset, DRILL_DOWN_FILTERS)
        context["tabs"] = [
            {"key": key, "label": TAB_LABELS[key], "count": counts[key][0], "more": counts[key][1]}
            for key in QUEUE_TABS
        ]
        context["can_bulk"] = has_staff_role(self.request.user, *EDITORS)
        context["bulk_actions"] = BulkActionForm.action_choices()
        return context


def _action_form(action, data=None):
    form_class = action.form_class
    return form_class(data, prefix=action.name) if form_class is not None else None


def _detail_context(request, order, forms=None):
    """The order page: its checklist (evaluated once, shared with the availability
    answer) and one button, and form if the action takes input, per available action."""
    forms = forms or {}
    checks = order.preparation_checklist() if order.status == OrderStatus.PENDIENTE else None
    actions = [
        {"action": action, "form": forms.get(action.name) or _action_form(action)}
        for action in registry.available(order, request.user)
    ]
    return {
        "order": order,
        "lines": list(order.lines.all()),
        "events": list(order.events.all()),
        "payments": list(order.payments.all()),
        "checks": checks,
        "actions": actions,
        "action_names": {item["action"].name for item in actions},
        "open_form": next(iter(forms), None),
    }


def _get_order(number):
    return get_object_or_404(order_detail(), number=number)


class OrderDetailView(StaffRequiredMixin, View):
    template_name = "orders/backoffice/detail.html"

    def get(self, request, number):
        return render(request, self.template_name, _detail_context(request, _get_order(number)))


class OrderActionView(StaffRequiredMixin, View):
    """POST one declared action of the order page (``orders.actions``); field errors
    re-render the page (400), refusals show their reason with the error's status."""

    def post(self, request, number, action):
        if action not in registry:
            raise Http404
        declared = registry.get(action)
        order = _get_order(number)
        form = _action_form(declared, request.POST)
        if form is not None and not form.is_valid():
            context = _detail_context(request, order, {action: form})
            return render(request, OrderDetailView.template_name, context, status=400)
        data = form.cleaned_data if form is not None else {}
        try:
            registry.perform(action, order, request.user, **data)
        except DomainError as error:
            if not apply_domain_error(form, error):
                messages.error(request, error.message)
            order = _get_order(number)
            context = _detail_context(request, order, {action: form} if form else None)
            return render(request, OrderDetailView.template_name, context, status=error.status)
        messages.success(request, _("%(action)s: done.") % {"action": declared.label})
        return redirect("backoffice:order_detail", number=number)


class BulkActionView(StaffRequiredMixin, View):
    """Apply one bulk action (declared ``bulk=True``) to the selected orders; the note
    goes through the action's own form; each order reports its own result."""

    required_roles = EDITORS

    def post(self, request):
        ids = [v for v in request.POST.getlist("orders") if v.isdigit()]
        form = BulkActionForm(request.POST, order_ids=[int(v) for v in ids])
        back = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        target = back or "backoffice:order_list"
        if not form.is_valid() or not form.cleaned_data["orders"]:
            messages.error(request, _("Choose an action and at least one order."))
            return redirect(target)
        action = registry.get(form.cleaned_data["action"])
        data = {}
        if action.form_class is not None:
            input_form = action.form_class({"note": form.cleaned_data["note"]})
            if not input_form.is_valid():
                for errors in input_form.errors.values():
                    for message in errors:
                        messages.error(request, f"{action.label}: {message}")
                return redirect(target)
            data = input_form.cleaned_data
        done = 0
        for order in order_detail().filter(pk__in=form.cleaned_data["orders"]).order_by("pk"):
            try:
                registry.perform(action.name, order, request.user, **data)
            except DomainError as error:
                messages.error(request, f"{order.number}: {error.message}")
            else:
                done += 1
                messages.success(request, f"{order.number}: {action.label} ✓")
        messages.info(
            request,
            _("%(done)d of %(total)d orders done.")
            % {"done": done, "total": len(form.cleaned_data["orders"])},
        )
        return redirect(target)


class OrderCreateView(StaffRequiredMixin, View):
    """Staff place an order for a customer (phone, email orders)."""

    required_roles = EDITORS
    template_name = "orders/backoffice/create.html"

    def get(self, request):
        initial = {}
        if request.GET.get("company", "").isdigit():
            initial["company"] = request.GET["company"]
        return render(request, self.template_name, {"form": OrderCreateForm(initial=initial)})

    def post(self, request):
        form = OrderCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            lines, row_errors = parse_lines_text(data["lines"])
            if row_errors:
                for message in row_errors:
                    form.add_error("lines", message)
            else:
                try:
                    order = services.place_order(
                        actor=request.user,
                        company=data["company"],
                        lines=lines,
                        po_number=data["po_number"],
                        shipping_method=data["shipping_method"],
                        shipping_address=data["shipping_address"],
                        notes=data["notes"],
                        coupon=data["coupon"] or None,
                    )
                except InsufficientStock as error:
                    form.add_error("lines", error.message)
                except DomainError as error:
                    for message in line_messages(error.fields, lines):
                        form.add_error("lines", message)
                    fields = {
                        k.split(".")[0]: v
                        for k, v in error.fields.items()
                        if not k.startswith("lines")
                    }
                    fields = {("company" if k == "customer" else k): v for k, v in fields.items()}
                    for name, errors in fields.items():
                        for message in errors:
                            form.add_error(name if name in form.fields else None, message)
                    if not error.fields:
                        form.add_error(None, error.message)
                else:
                    messages.success(
                        request, _("Order %(number)s placed.") % {"number": order.number}
                    )
                    return redirect("backoffice:order_detail", number=order.number)
        return render(request, self.template_name, {"form": form}, status=400)


# --- coupons and carriers --------------------------------------------------------------------


class CouponListView(StaffRequiredMixin, FilteredListView):
    template_name = "orders/backoffice/coupon_list.html"
    table_class = CouponTable
    context_object_name = "coupons"
    paginate_by = 50

    def get_base_queryset(self):
        return coupon_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = has_staff_role(self.request.user, *EDITORS)
        return context


class CarrierListView(StaffRequiredMixin, FilteredListView):
    template_name = "orders/backoffice/carrier_list.html"
    table_class = CarrierTable
    context_object_name = "carriers"
    paginate_by = 50

    def get_base_queryset(self):
        return carrier_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = has_staff_role(self.request.user, *EDITORS)
        return context


class _EditView(StaffRequiredMixin, ServiceFormView):
    """Create or edit one coupon or carrier through its service; the page shows the
    object's audit trail."""

    required_roles = EDITORS
    template_name = "orders/backoffice/simple_form.html"
    model = None
    list_url = ""
    title_new = title_edit = ""

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(self.model, pk=pk) if pk else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["list_url"] = self.list_url
        context["title"] = self.title_edit if self.object else self.title_new
        return context

    def cleaned_fields(self, form) -> dict:
        return {name: form.cleaned_data[name] for name in form.Meta.fields}

    def get_success_url(self, result) -> str:
        return reverse(self.list_url)


class CouponEditView(_EditView):
    model, form_class, list_url = Coupon, CouponForm, "backoffice:coupon_list"
    title_new, title_edit = gettext_lazy("New coupon"), gettext_lazy("Edit coupon")

    def perform(self, form):
        coupon = Coupon.objects.get(pk=self.object.pk) if self.object else None
        return services.save_coupon(
            actor=self.request.user, coupon=coupon, **self.cleaned_fields(form)
        )


class CarrierEditView(_EditView):
    model, form_class, list_url = Carrier, CarrierForm, "backoffice:carrier_list"
    title_new, title_edit = gettext_lazy("New carrier"), gettext_lazy("Edit carrier")

    def perform(self, form):
        carrier = Carrier.objects.get(pk=self.object.pk) if self.object else None
        return services.save_carrier(
            actor=self.request.user, carrier=carrier, **self.cleaned_fields(form)
        )
