"""Back-office pages for orders: the queue, the order page and its actions, creating an
order for a customer, bulk actions, coupons and carriers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.roles import StaffRole, has_staff_role
from core.views import FilteredListView, StaffRequiredMixin
from inventory.errors import InsufficientStock

from .. import services
from ..checks import preparation_checks
from ..forms import line_messages, parse_lines_text
from ..models import Carrier, Coupon, OrderStatus
from ..permissions import ACTION_LABELS, actions_now
from ..selectors import (
    QUEUE_TABS,
    carrier_list,
    coupon_list,
    order_detail,
    order_queue,
    queue_counts,
)
from .filters import OrderQueueFilterSet
from .forms import (
    BulkActionForm,
    CarrierForm,
    CouponForm,
    DeliverForm,
    NoteForm,
    OrderCreateForm,
    OrderNoteForm,
    PaymentForm,
    ReasonForm,
    ShipForm,
)
from .tables import CarrierTable, CouponTable, OrderQueueTable

EDITORS = (StaffRole.CUSTOMER_SERVICE, StaffRole.MANAGER)

TAB_LABELS = {
    **{status.value: status.label for status in OrderStatus},
    "held": gettext_lazy("On hold"),
    "all": gettext_lazy("All"),
}

#: action -> (form class or None, form prefix)
ACTION_FORMS = {
    "prepare": None,
    "ship": ShipForm,
    "deliver": DeliverForm,
    "cancel": ReasonForm,
    "hold": NoteForm,
    "release": NoteForm,
    "record_payment": PaymentForm,
    "add_note": OrderNoteForm,
}


def _apply_errors(form, error: DomainError) -> bool:
    """Put a service's field errors on the form; False when none fit a field."""
    placed = False
    for name, errors in (error.fields or {}).items():
        if form is not None and name in form.fields:
            for message in errors:
                form.add_error(name, message)
            placed = True
    return placed


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
        context["tabs"] = [
            {"key": key, "label": TAB_LABELS[key], "count": counts[key]} for key in QUEUE_TABS
        ]
        context["can_bulk"] = has_staff_role(self.request.user, *EDITORS)
        context["bulk_actions"] = BulkActionForm.ACTIONS
        return context


def _detail_context(request, order, forms=None):
    forms = forms or {}
    checks = preparation_checks(order) if order.status == OrderStatus.PENDIENTE else None
    passed = all(c.passed for c in checks) if checks is not None else None
    actions = actions_now(order, request.user, checks_passed=passed)
    action_forms = {
        name: forms.get(name) or (cls(prefix=name) if cls else None)
        for name, cls in ACTION_FORMS.items()
    }
    return {
        "order": order,
        "lines": list(order.lines.all()),
        "events": list(order.events.all()),
        "payments": list(order.payments.all()),
        "checks": checks,
        "actions": actions,
        "action_labels": ACTION_LABELS,
        "forms": action_forms,
        "open_form": next(iter(forms), None),
    }


def _get_order(number):
    return get_object_or_404(order_detail(), number=number)


class OrderDetailView(StaffRequiredMixin, View):
    template_name = "orders/backoffice/detail.html"

    def get(self, request, number):
        return render(request, self.template_name, _detail_context(request, _get_order(number)))


class OrderActionView(StaffRequiredMixin, View):
    """POST one action of the order page; field errors re-render the page (400)."""

    def post(self, request, number, action):
        if action not in ACTION_FORMS:
            raise Http404
        order = _get_order(number)
        form_class = ACTION_FORMS[action]
        form = form_class(request.POST, prefix=action) if form_class else None
        if form is not None and not form.is_valid():
            context = _detail_context(request, order, {action: form})
            return render(request, OrderDetailView.template_name, context, status=400)
        data = form.cleaned_data if form is not None else {}
        try:
            self.perform(order, action, data)
        except DomainError as error:
            if not _apply_errors(form, error):
                messages.error(request, error.message)
            order = _get_order(number)
            context = _detail_context(request, order, {action: form} if form else None)
            return render(request, OrderDetailView.template_name, context, status=error.status)
        messages.success(request, _("%(action)s: done.") % {"action": ACTION_LABELS[action]})
        return redirect("backoffice:order_detail", number=number)

    def perform(self, order, action, data):
        actor = self.request.user
        if action == "prepare":
            services.prepare_order(order=order, actor=actor)
        elif action == "ship":
            services.ship_order(
                order=order,
                actor=actor,
                carrier=data["carrier"],
                tracking_number=data["tracking_number"],
                estimated_delivery=data["estimated_delivery"],
            )
        elif action == "deliver":
            services.deliver_order(order=order, actor=actor, delivered_at=data["delivered_at"])
        elif action == "cancel":
            services.cancel_order(order=order, actor=actor, reason=data["reason"])
        elif action == "hold":
            services.hold_order(order=order, actor=actor, note=data["note"])
        elif action == "release":
            services.release_order(order=order, actor=actor, note=data["note"])
        elif action == "record_payment":
            services.record_payment(
                order=order,
                actor=actor,
                amount=data["amount"],
                paid_at=data["paid_at"],
                reference=data["reference"],
            )
        elif action == "add_note":
            services.add_order_note(
                order=order,
                actor=actor,
                note=data["note"],
                customer_visible=data["customer_visible"],
            )


class BulkActionView(StaffRequiredMixin, View):
    """Apply one action to the selected orders; each order reports its own result."""

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
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        done = 0
        for order in order_detail().filter(pk__in=form.cleaned_data["orders"]).order_by("pk"):
            try:
                if action == "prepare":
                    services.prepare_order(order=order, actor=request.user)
                elif action == "hold":
                    services.hold_order(order=order, actor=request.user, note=note)
                else:
                    services.release_order(order=order, actor=request.user, note=note)
            except DomainError as error:
                messages.error(request, f"{order.number}: {error.message}")
            else:
                done += 1
                messages.success(request, f"{order.number}: {ACTION_LABELS[action]} ✓")
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


class _EditView(StaffRequiredMixin, View):
    required_roles = EDITORS
    template_name = "orders/backoffice/simple_form.html"
    model = None
    form_class = None
    list_url = ""
    title_new = title_edit = ""

    def get_object(self, pk):
        return get_object_or_404(self.model, pk=pk) if pk else None

    def context(self, form, obj):
        return {
            "form": form,
            "object": obj,
            "list_url": self.list_url,
            "title": self.title_edit if obj else self.title_new,
        }

    def get(self, request, pk=None):
        obj = self.get_object(pk)
        return render(request, self.template_name, self.context(self.form_class(instance=obj), obj))

    def post(self, request, pk=None):
        obj = self.get_object(pk)
        form = self.form_class(request.POST, instance=obj)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            if obj is not None:
                obj.refresh_from_db()
            try:
                self.save(obj, fields)
            except DomainError as error:
                _apply_errors(form, error) or form.add_error(None, error.message)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.list_url)
        return render(request, self.template_name, self.context(form, obj), status=400)


class CouponEditView(_EditView):
    model, form_class, list_url = Coupon, CouponForm, "backoffice:coupon_list"
    title_new, title_edit = gettext_lazy("New coupon"), gettext_lazy("Edit coupon")

    def save(self, obj, fields):
        services.save_coupon(actor=self.request.user, coupon=obj, **fields)


class CarrierEditView(_EditView):
    model, form_class, list_url = Carrier, CarrierForm, "backoffice:carrier_list"
    title_new, title_edit = gettext_lazy("New carrier"), gettext_lazy("Edit carrier")

    def save(self, obj, fields):
        services.save_carrier(actor=self.request.user, carrier=obj, **fields)
