"""Portal pages for complaints: the company's complaints, filing one (on its own or
from an order, with photos), a complaint's page (progress, clocks, the customer-visible
messages and the reply, accept, dispute, rate) and its evidence (the closing email's
rating link is ``notifications.views.RateComplaintView``). Everything starts from the
user's company: another company's complaint, order or file is a 404; viewers only read
(403 on writes)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.errors import DomainError
from core.forms import apply_domain_error
from core.views import CustomerRequiredMixin, FilteredListView
from orders.selectors import orders_for

from .. import services
from ..actions import registry
from ..backoffice import selectors
from ..backoffice.forms import AttachmentForm
from ..backoffice.views import attachment_response, file_with_evidence
from .forms import PortalComplaintForm, ReplyForm
from .tables import PortalComplaintTable


def _may_write(user) -> bool:
    return bool(getattr(user, "can_order", False))


class WriterMixin:
    """Buyers and admins file, reply, accept, reopen and rate; viewers get 403."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        customer = user.is_authenticated and not user.is_staff and user.company_id is not None
        if customer and not _may_write(user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PortalComplaintListView(CustomerRequiredMixin, FilteredListView):
    template_name = "complaints/portal/list.html"
    table_class = PortalComplaintTable
    context_object_name = "complaints"

    def get_base_queryset(self):
        return selectors.complaints_for(self.company)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_file"] = _may_write(self.request.user)
        return context


class PortalComplaintCreateView(CustomerRequiredMixin, WriterMixin, View):
    """File a complaint: about an order (``?order=``), one of its lines, a product or
    nothing in particular."""

    template_name = "complaints/portal/create.html"

    def _order(self, request):
        """The order of the "Report a problem" link (``?order=``): another company's is
        a 404. An order number typed in the form is the service's to check."""
        number = request.GET.get("order", "").strip()
        if not number:
            return None
        return get_object_or_404(orders_for(self.company), number=number[:64])

    def _render(self, request, form, order, status=200):
        return render(request, self.template_name, {"form": form, "order": order}, status=status)

    def get(self, request):
        order = self._order(request)
        return self._render(request, PortalComplaintForm(company=self.company, order=order), order)

    def post(self, request):
        order = self._order(request)
        form = PortalComplaintForm(request.POST, request.FILES, company=self.company, order=order)
        if form.is_valid():
            try:
                complaint = file_with_evidence(actor=request.user, company=self.company, form=form)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("Complaint %(number)s filed: we will answer you soon.")
                    % {"number": complaint.number},
                )
                return redirect("portal:complaint_detail", number=complaint.number)
        return self._render(request, form, order, status=400)


def _get_complaint(company, number):
    return get_object_or_404(selectors.complaints_for(company), number=number)


def customer_action_form(action, complaint, data=None):
    """The form of a declared customer action (accept, dispute, rate), or None."""
    form_class = action.form_class
    if form_class is None:
        return None
    return form_class(data, prefix=action.name, complaint=complaint)


def portal_detail_context(request, complaint, *, reply_form=None, forms=None, attachment_form=None):
    user = request.user
    writer = _may_write(user)
    forms = forms or {}
    actions = []
    if writer:
        for action in registry.available(complaint, user):
            if action.customer:
                form = forms.get(action.name) or customer_action_form(action, complaint)
                actions.append({"action": action, "form": form})
    return {
        "complaint": complaint,
        "steps": selectors.progress_steps(complaint),
        "clocks": selectors.customer_clocks(complaint),
        "messages_list": list(selectors.messages_of(complaint, staff=False)),
        "attachments": list(selectors.attachments_of(complaint, staff=False)),
        "events": list(selectors.events_of(complaint, staff=False)),
        "reply_form": reply_form or ReplyForm(),
        "can_reply": writer and selectors.customer_may_reply(complaint),
        "can_attach": writer and complaint.is_open,
        "attachment_form": attachment_form or AttachmentForm(),
        "actions": actions,
        "open_form": next(iter(forms), None),
    }


class PortalComplaintDetailView(CustomerRequiredMixin, View):
    template_name = "complaints/portal/detail.html"

    def get(self, request, number):
        complaint = _get_complaint(self.company, number)
        return render(request, self.template_name, portal_detail_context(request, complaint))


def _rerender(request, company, number, status, **kwargs):
    complaint = _get_complaint(company, number)
    context = portal_detail_context(request, complaint, **kwargs)
    return render(request, PortalComplaintDetailView.template_name, context, status=status)


class PortalReplyView(CustomerRequiredMixin, WriterMixin, View):
    def post(self, request, number):
        complaint = _get_complaint(self.company, number)
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                services.post_message(
                    complaint=complaint, actor=request.user, **form.service_data()
                )
            except DomainError as error:
                if not apply_domain_error(form, error):
                    form.add_error(None, error.message)
            else:
                messages.success(request, _("Your message was sent."))
                return redirect(reverse("portal:complaint_detail", args=[number]) + "#messages")
        return _rerender(request, self.company, number, 400, reply_form=form)


class PortalComplaintActionView(CustomerRequiredMixin, WriterMixin, View):
    """The customer's declared actions: accept the resolution, dispute it (reopen with
    a reason) and rate the handling once closed."""

    def post(self, request, number, action):
        if action not in registry or not registry.get(action).customer:
            raise Http404
        declared = registry.get(action)
        complaint = _get_complaint(self.company, number)
        form = customer_action_form(declared, complaint, request.POST)
        forms = {action: form} if form is not None else None
        if form is not None and not form.is_valid():
            return _rerender(request, self.company, number, 400, forms=forms)
        data = form.service_data() if form is not None else {}
        try:
            registry.perform(action, complaint, request.user, **data)
        except DomainError as error:
            if not apply_domain_error(form, error):
                messages.error(request, error.message)
            return _rerender(request, self.company, number, error.status, forms=forms)
        messages.success(request, _("%(action)s: done.") % {"action": declared.label})
        return redirect("portal:complaint_detail", number=number)


class PortalAttachmentAddView(CustomerRequiredMixin, WriterMixin, View):
    def post(self, request, number):
        complaint = _get_complaint(self.company, number)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_attachment(
                    complaint=complaint, actor=request.user, file=form.cleaned_data["file"]
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Evidence added."))
                return redirect("portal:complaint_detail", number=number)
        return _rerender(request, self.company, number, 400, attachment_form=form)


class PortalAttachmentView(CustomerRequiredMixin, View):
    def get(self, request, number, pk):
        complaint = _get_complaint(self.company, number)
        attachment = get_object_or_404(selectors.attachments_of(complaint, staff=False), pk=pk)
        return attachment_response(attachment, inline=request.GET.get("inline") == "1")


def order_panel(request, order):
    """The complaints card of a portal order (``portal.order`` slot): "Report a
    problem" and this order's complaints."""
    writer = _may_write(request.user)
    complaints = list(selectors.complaints_for(order.company).filter(order=order))
    if not (writer or complaints):
        return None
    return {"order": order, "complaints": complaints, "can_file": writer}
