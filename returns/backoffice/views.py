"""Back-office pages for returns: the register (filters, CSV), a return's page with
its actions, evidence and label, a return started for a customer, the reasons chart
and returns by product, the abuse list and the reasons' rules."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.errors import DomainError
from core.forms import apply_domain_error
from core.roles import StaffRole, has_staff_role
from core.views import FilteredListView, ServiceFormView, StaffRequiredMixin
from orders.models import Order

from .. import charts, eligibility, services
from ..actions import registry
from ..label import render_label
from ..models import ReturnAttachment, ReturnReason
from ..permissions import ANY_STAFF, SERVICE
from ..portal.forms import ReturnRequestForm
from .filters import ReturnFilterSet
from .forms import AttachmentForm, DateRangeForm, ReturnReasonForm, StoreCreditForm
from .selectors import (
    flagged_companies,
    product_figures,
    reasons_figures,
    return_detail,
    return_register,
)
from .tables import AbuseTable, ReasonTable, ReturnTable

MANAGERS = (StaffRole.MANAGER,)


class ReturnListView(StaffRequiredMixin, FilteredListView):
    """The return register."""

    required_roles = ANY_STAFF
    template_name = "returns/backoffice/register.html"
    filterset_class = ReturnFilterSet
    table_class = ReturnTable
    context_object_name = "returns"

    def get_base_queryset(self):
        return return_register()


def _action_form(action, ret, data=None):
    form_class = action.form_class
    if form_class is None:
        return None
    return form_class(data, prefix=action.name, ret=ret)


def line_rows(ret) -> list[dict]:
    """Each line with its eligibility sentence in the reader's language."""
    return [
        {"line": line, "explanation": eligibility.explain(line.eligibility)}
        for line in ret.lines.select_related("reason").order_by("position")
    ]


def _detail_context(request, ret, forms=None, attachment_form=None):
    forms = forms or {}
    actions = [
        {"action": action, "form": forms.get(action.name) or _action_form(action, ret)}
        for action in registry.available(ret, request.user)
    ]
    waiting = []
    for name in ("authorize",):
        if name in registry and registry.permits(request.user, name, ret):
            reason = registry.reason(name, ret, request.user)
            if reason and ret.status == "solicitada":
                waiting.append(reason)
    return {
        "ret": ret,
        "rows": line_rows(ret),
        "attachments": list(ret.attachments.all()),
        "events": list(ret.events.order_by("created_at", "id")),
        "actions": actions,
        "open_form": next(iter(forms), None),
        "waiting": waiting,
        "attachment_form": attachment_form or AttachmentForm(),
        "credit_document": getattr(ret.credit_note, "document", None)
        if ret.credit_note_id
        else None,
    }


def _get_return(number):
    return get_object_or_404(return_detail(), number=number)


class ReturnDetailView(StaffRequiredMixin, View):
    required_roles = ANY_STAFF
    template_name = "returns/backoffice/detail.html"

    def get(self, request, number):
        return render(request, self.template_name, _detail_context(request, _get_return(number)))


class ReturnActionView(StaffRequiredMixin, View):
    """POST one declared action of the return page; errors re-render the page."""

    required_roles = ANY_STAFF

    def post(self, request, number, action):
        if action not in registry:
            raise Http404
        declared = registry.get(action)
        ret = _get_return(number)
        form = _action_form(declared, ret, request.POST)
        template = ReturnDetailView.template_name
        if form is not None and not form.is_valid():
            context = _detail_context(request, ret, {action: form})
            return render(request, template, context, status=400)
        data = form.service_data() if form is not None else {}
        try:
            registry.perform(action, ret, request.user, **data)
        except DomainError as error:
            if not apply_domain_error(form, error):
                messages.error(request, error.message)
            ret = _get_return(number)
            context = _detail_context(request, ret, {action: form} if form else None)
            return render(request, template, context, status=error.status)
        messages.success(request, _("%(action)s: done.") % {"action": declared.label})
        return redirect("backoffice:return_detail", number=number)


class ReturnAttachmentAddView(StaffRequiredMixin, View):
    required_roles = ANY_STAFF

    def post(self, request, number):
        ret = _get_return(number)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_attachment(ret=ret, actor=request.user, file=form.cleaned_data["file"])
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Evidence added."))
                return redirect("backoffice:return_detail", number=number)
        context = _detail_context(request, ret, attachment_form=form)
        return render(request, ReturnDetailView.template_name, context, status=400)


def attachment_response(attachment: ReturnAttachment) -> FileResponse:
    """The stored file, never from a public URL; shown inline only when it is an image
    or a PDF we re-checked, with a generated name."""
    handle = attachment.file.open("rb")
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not attachment.content_type.startswith("image/"),
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def label_response(ret) -> HttpResponse:
    if not ret.has_label:
        raise Http404
    response = HttpResponse(render_label(ret), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{ret.number}-label.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


class AttachmentDownloadView(StaffRequiredMixin, View):
    required_roles = ANY_STAFF

    def get(self, request, number, pk):
        attachment = get_object_or_404(ReturnAttachment, pk=pk, ret__number=number)
        return attachment_response(attachment)


class LabelDownloadView(StaffRequiredMixin, View):
    required_roles = ANY_STAFF

    def get(self, request, number):
        return label_response(_get_return(number))


class ReturnCreateView(StaffRequiredMixin, View):
    """Staff start a return on a customer's behalf from a delivered order (and may
    override the policy's refusals with a note)."""

    required_roles = SERVICE
    template_name = "returns/backoffice/create.html"

    def _order(self, number):
        return get_object_or_404(Order.objects.select_related("company"), number=number)

    def get(self, request, number):
        order = self._order(number)
        form = ReturnRequestForm(order=order, staff=True)
        return render(request, self.template_name, {"order": order, "form": form})

    def post(self, request, number):
        order = self._order(number)
        form = ReturnRequestForm(request.POST, request.FILES, order=order, staff=True)
        if form.is_valid():
            try:
                ret = create_with_evidence(
                    actor=request.user,
                    order=order,
                    form=form,
                    override_note=form.cleaned_data.get("override_note", ""),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Return %(number)s created.") % {"number": ret.number})
                return redirect("backoffice:return_detail", number=ret.number)
        return render(request, self.template_name, {"order": order, "form": form}, status=400)


def create_with_evidence(*, actor, order, form, override_note=""):
    """Check every file first (nothing written if one is refused), then request the
    return and attach the files, in one transaction."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from core.uploads import clean_upload

    from ..errors import InvalidAttachment

    files = form.cleaned_data.get("files") or []
    for upload in files:
        try:
            clean_upload(upload)
        except ValidationError as error:
            raise InvalidAttachment(
                f"{upload.name}: " + " ".join(str(m) for m in error.messages)
            ) from error
        upload.seek(0)
    with transaction.atomic():
        ret = services.request_return(
            actor=actor,
            order=order,
            lines=form.lines(),
            resolution=form.cleaned_data["resolution"],
            notes=form.cleaned_data.get("notes", ""),
            override_note=override_note,
        )
        for upload in files:
            upload.seek(0)
            services.add_attachment(ret=ret, actor=actor, file=upload)
    return ret


class ReturnStatsView(StaffRequiredMixin, TemplateView):
    """The reasons Pareto chart and the most returned products, for a date range."""

    required_roles = ANY_STAFF
    template_name = "returns/backoffice/stats.html"

    def get_context_data(self, **kwargs):
        form = DateRangeForm(self.request.GET or None)
        date_from = date_to = None
        if form.is_bound and form.is_valid():
            date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        return super().get_context_data(
            form=form,
            pareto=charts.pareto(reasons_figures(date_from, date_to)),
            products=charts.pareto(product_figures(date_from, date_to)),
            **kwargs,
        )


class AbuseListView(StaffRequiredMixin, FilteredListView):
    required_roles = ANY_STAFF
    template_name = "returns/backoffice/abuse.html"
    table_class = AbuseTable
    context_object_name = "flags"

    def get_base_queryset(self):
        return flagged_companies()


class ReasonListView(StaffRequiredMixin, FilteredListView):
    required_roles = ANY_STAFF
    template_name = "returns/backoffice/reasons.html"
    table_class = ReasonTable
    context_object_name = "reasons"
    export_csv = False
    queryset = ReturnReason.objects.all()

    def get_table_context(self):
        return {"can_edit": has_staff_role(self.request.user, *MANAGERS)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = has_staff_role(self.request.user, *MANAGERS)
        return context


class ReasonEditView(StaffRequiredMixin, ServiceFormView):
    required_roles = MANAGERS
    template_name = "returns/backoffice/reason_form.html"
    form_class = ReturnReasonForm

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(ReturnReason, pk=pk) if pk else None

    def get_context_data(self, **kwargs):
        title = (
            gettext_lazy("Edit return reason") if self.object else gettext_lazy("New return reason")
        )
        return super().get_context_data(title=title, **kwargs)

    def perform(self, form):
        reason = ReturnReason.objects.get(pk=self.object.pk) if self.object else None
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return services.save_reason(actor=self.request.user, reason=reason, **fields)

    def get_success_url(self, result) -> str:
        return reverse("backoffice:return_reason_list")


class StoreCreditApplyView(StaffRequiredMixin, View):
    """Pay (part of) an order with the company's store credit (from the order page)."""

    required_roles = SERVICE

    def post(self, request, number):
        order = get_object_or_404(Order.objects.select_related("company"), number=number)
        apply_credit(request, order)
        return redirect("backoffice:order_detail", number=number)


def apply_credit(request, order) -> bool:
    """Validate the amount and call the service; the outcome goes to the messages."""
    form = StoreCreditForm(request.POST, prefix="credit")
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return False
    try:
        services.apply_store_credit(
            actor=request.user, order=order, amount=form.cleaned_data["amount"]
        )
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(
        request,
        _("%(amount)s %(currency)s of store credit applied.")
        % {"amount": form.cleaned_data["amount"], "currency": order.currency},
    )
    return True
