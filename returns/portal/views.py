"""Portal pages for returns: "Return items" from a delivered order (with the live
eligibility explanation), the company's returns and store credit, a return's page
(progress, evidence, label, cancel, credit note). Everything starts from the user's
company: another company's return or order is a 404; viewers only read (403)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import DomainError
from core.forms import apply_domain_error
from core.tables import Column, Table
from core.views import CustomerRequiredMixin, FilteredListView
from orders.models import OrderStatus
from orders.selectors import orders_for

from .. import services
from ..actions import registry
from ..backoffice.forms import AttachmentForm, CancelForm
from ..backoffice.views import (
    apply_credit,
    attachment_response,
    create_with_evidence,
    label_response,
    line_rows,
)
from ..models import STATUS_FLOW, Return, ReturnAttachment, ReturnStatus
from .forms import ReturnRequestForm


def returns_for(company):
    """One company's returns: every portal query starts here."""
    return Return.objects.filter(company=company).select_related(
        "order", "credit_note", "replacement_order"
    )


def _may_write(user) -> bool:
    return bool(getattr(user, "can_order", False))


class ReturnWriterMixin:
    """Buyers and admins start, cancel and add evidence; viewers get 403."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        customer = user.is_authenticated and not user.is_staff and user.company_id is not None
        if customer and not _may_write(user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def progress_steps(ret):
    return [
        {"slug": status.value, "label": status.label, "done": ret.progress_step >= index}
        for index, status in enumerate(STATUS_FLOW)
    ]


class ReturnStartView(CustomerRequiredMixin, ReturnWriterMixin, View):
    template_name = "returns/portal/start.html"

    def _order(self, number):
        return get_object_or_404(orders_for(self.company), number=number)

    def _render(self, request, order, form, status=200, verdicts=None):
        context = {"order": order, "form": form, "verdicts": verdicts or []}
        return render(request, self.template_name, context, status=status)

    def get(self, request, number):
        order = self._order(number)
        return self._render(request, order, ReturnRequestForm(order=order))

    def post(self, request, number):
        order = self._order(number)
        form = ReturnRequestForm(request.POST, request.FILES, order=order)
        verdicts = None
        if form.is_valid():
            try:
                ret = create_with_evidence(actor=request.user, order=order, form=form)
            except DomainError as error:
                verdicts = getattr(error, "verdicts", None)
                apply_domain_error(form, error)
            else:
                messages.success(
                    request, _("Return %(number)s requested.") % {"number": ret.number}
                )
                return redirect("portal:return_detail", number=ret.number)
        return self._render(request, order, form, status=400, verdicts=verdicts)


class ReturnCheckView(CustomerRequiredMixin, View):
    """The live eligibility explanation (htmx): what the typed lines would get."""

    def get(self, request, number):
        order = get_object_or_404(orders_for(self.company), number=number)
        form = ReturnRequestForm(request.GET, order=order)
        lines = form.preview_lines()
        verdicts = []
        if lines:
            try:
                verdicts = services.check_return(actor=request.user, order=order, lines=lines)
            except DomainError:
                verdicts = []
        return render(request, "returns/includes/_eligibility.html", {"verdicts": verdicts})


class PortalReturnTable(Table):
    row_name = "ret"
    html_id = "return-table"
    export_name = "returns"
    empty_text = gettext_lazy("You have no returns.")
    default_ordering = "-created"
    columns = [
        Column(
            "number",
            gettext_lazy("Number"),
            order_by="number",
            export="number",
            template_code='<a class="font-monospace" href="{% url \'portal:return_detail\' '
            'ret.number %}">{{ ret.number }}</a>',
        ),
        Column("order", gettext_lazy("Order"), accessor="order.number", css="font-monospace small"),
        Column(
            "created",
            gettext_lazy("Requested"),
            order_by="created_at",
            template_code="{{ ret.created_at|date:'SHORT_DATE_FORMAT' }}",
            export=lambda r: r.created_at.isoformat(),
        ),
        Column(
            "status",
            gettext_lazy("State"),
            order_by="status",
            template_name="returns/includes/_status_badge.html",
            export="status",
        ),
        Column(
            "resolution",
            gettext_lazy("Resolution"),
            template_name="returns/backoffice/_register_cells.html",
            export=lambda r: r.resolution or r.requested_resolution,
        ),
        Column(
            "amount",
            gettext_lazy("Refunded"),
            css="text-end",
            template_code="{% if ret.refund_total is not None %}{{ ret.refund_total }} "
            "{{ ret.currency }}{% else %}—{% endif %}",
            export=lambda r: "" if r.refund_total is None else str(r.refund_total),
        ),
    ]


class PortalReturnListView(CustomerRequiredMixin, FilteredListView):
    template_name = "returns/portal/list.html"
    table_class = PortalReturnTable
    context_object_name = "returns"

    def get_base_queryset(self):
        return returns_for(self.company)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["store_credit"] = services.store_credit_balance(self.company)
        context["company"] = self.company
        return context


def _get_return(company, number):
    return get_object_or_404(returns_for(company), number=number)


class PortalReturnDetailView(CustomerRequiredMixin, View):
    template_name = "returns/portal/detail.html"

    def get(self, request, number, *, form=None, attachment_form=None, status=200):
        ret = _get_return(self.company, number)
        credit_document = getattr(ret.credit_note, "document", None) if ret.credit_note_id else None
        can_cancel = registry.is_possible("cancel", ret, request.user)
        context = {
            "ret": ret,
            "rows": line_rows(ret),
            "steps": progress_steps(ret),
            "attachments": list(ret.attachments.all()),
            "events": list(ret.events.filter(customer_visible=True).order_by("created_at", "id")),
            "can_cancel": can_cancel,
            "cancel_form": form or CancelForm(prefix="cancel"),
            "can_attach": _may_write(request.user)
            and ret.status
            in (ReturnStatus.SOLICITADA, ReturnStatus.AUTORIZADA, ReturnStatus.RECIBIDA),
            "attachment_form": attachment_form or AttachmentForm(),
            "credit_document": credit_document,
            "evidence_missing": ret.status == ReturnStatus.SOLICITADA
            and not ret.has_required_evidence(),
        }
        return render(request, self.template_name, context, status=status)


class PortalReturnCancelView(CustomerRequiredMixin, ReturnWriterMixin, View):
    def post(self, request, number):
        ret = _get_return(self.company, number)
        form = CancelForm(request.POST, prefix="cancel", ret=ret)
        if form.is_valid():
            try:
                registry.perform("cancel", ret, request.user, **form.service_data())
            except DomainError as error:
                messages.error(request, error.message)
                view = PortalReturnDetailView(request=request, kwargs={"number": number})
                view.company = self.company
                return view.get(request, number, form=form, status=error.status)
            messages.success(request, _("Your return was withdrawn."))
            return redirect("portal:return_detail", number=number)
        view = PortalReturnDetailView(request=request, kwargs={"number": number})
        view.company = self.company
        return view.get(request, number, form=form, status=400)


class PortalAttachmentAddView(CustomerRequiredMixin, ReturnWriterMixin, View):
    def post(self, request, number):
        ret = _get_return(self.company, number)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_attachment(ret=ret, actor=request.user, file=form.cleaned_data["file"])
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Evidence added."))
                return redirect("portal:return_detail", number=number)
        view = PortalReturnDetailView(request=request, kwargs={"number": number})
        view.company = self.company
        return view.get(request, number, attachment_form=form, status=400)


class PortalAttachmentView(CustomerRequiredMixin, View):
    def get(self, request, number, pk):
        ret = _get_return(self.company, number)
        return attachment_response(get_object_or_404(ReturnAttachment, pk=pk, ret=ret))


class PortalLabelView(CustomerRequiredMixin, View):
    def get(self, request, number):
        return label_response(_get_return(self.company, number))


class PortalStoreCreditApplyView(CustomerRequiredMixin, ReturnWriterMixin, View):
    """A buyer pays (part of) their order with the company's store credit."""

    def post(self, request, number):
        order = get_object_or_404(orders_for(self.company), number=number)
        apply_credit(request, order)
        return redirect("portal:order_detail", number=number)


def order_panel(request, order):
    """The returns card of a portal order (``portal.order`` slot): "Return items" once
    delivered, the store credit that paid it and the form to apply more."""
    from ..credit import order_credit

    writer = _may_write(request.user)
    context = order_credit(order)
    context["can_apply_credit"] = context["can_apply_credit"] and writer
    context["can_return"] = order.status == OrderStatus.ENTREGADO and writer
    context["returns_count"] = returns_for(order.company).filter(order=order).count()
    if not (context["can_return"] or context["credit_used"] or context["can_apply_credit"]):
        return None
    return context
