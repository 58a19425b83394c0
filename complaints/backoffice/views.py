"""Back-office pages for complaints: the desk (queues with the SLA countdown and bulk
assignment), the register (filters, CSV), a complaint's page (clocks, legal deadlines,
messages, evidence, the declared actions, the timeline), filing on a customer's
behalf, the SLA targets editor and the breakdown charts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.errors import DomainError
from core.filters import drill_down_chips
from core.forms import apply_domain_error
from core.roles import StaffRole, has_staff_role
from core.views import FilteredListView, StaffRequiredMixin

from .. import services
from ..actions import registry
from ..models import ComplaintAttachment
from ..portal.forms import StaffComplaintForm
from . import charts, selectors
from .filters import DRILL_DOWN_FILTERS, ComplaintFilterSet
from .forms import (
    AttachmentForm,
    BulkAssignForm,
    CompanyChoiceForm,
    DateRangeForm,
    SlaTargetsForm,
    StaffMessageForm,
    deadline_rule_forms,
)
from .tables import DeskTable, RegisterTable

ANY_STAFF = (StaffRole.CUSTOMER_SERVICE, StaffRole.WAREHOUSE, StaffRole.MANAGER)
SERVICE = (StaffRole.CUSTOMER_SERVICE, StaffRole.MANAGER)
MANAGERS = (StaffRole.MANAGER,)


class ComplaintDeskView(StaffRequiredMixin, FilteredListView):
    """The complaints desk: one queue per tab, each row with its SLA countdown."""

    required_roles = ANY_STAFF
    template_name = "complaints/backoffice/desk.html"
    table_class = DeskTable
    context_object_name = "complaints"
    export_csv = False

    def tab(self) -> str:
        tab = self.request.GET.get("tab", "")
        return tab if tab in selectors.DESK_TABS else "open"

    def get_base_queryset(self):
        return selectors.desk_queue(self.tab(), user=self.request.user)

    def get_table_context(self):
        return {"can_assign": has_staff_role(self.request.user, *SERVICE)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tabs"] = selectors.desk_tabs(self.request.user, current=self.tab())
        context["tab"] = self.tab()
        context["rows"] = selectors.with_clocks(context["object_list"])
        context["table"].rows = context["rows"]
        context["can_assign"] = has_staff_role(self.request.user, *SERVICE)
        context["assign_form"] = BulkAssignForm()
        return context


class ComplaintBulkAssignView(StaffRequiredMixin, View):
    required_roles = SERVICE

    def post(self, request):
        form = BulkAssignForm(request.POST)
        if not form.is_valid():
            for error in form.non_field_errors():
                messages.error(request, error)
            return redirect("backoffice:complaint_desk")
        done, refused = 0, []
        for complaint in selectors.complaint_detail().filter(number__in=form.numbers()):
            try:
                registry.perform(
                    "assign", complaint, request.user, assignee=form.cleaned_data["assignee"]
                )
            except DomainError as error:
                refused.append(f"{complaint.number}: {error.message}")
            else:
                done += 1
        if done:
            messages.success(request, _("%(count)s complaints assigned.") % {"count": done})
        for text in refused:
            messages.error(request, text)
        return redirect(request.POST.get("next") or reverse("backoffice:complaint_desk"))


class ComplaintListView(StaffRequiredMixin, FilteredListView):
    """The complaint register."""

    required_roles = ANY_STAFF
    template_name = "complaints/backoffice/register.html"
    filterset_class = ComplaintFilterSet
    table_class = RegisterTable
    context_object_name = "complaints"

    def get_base_queryset(self):
        return selectors.complaint_register()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["drill_names"] = DRILL_DOWN_FILTERS
        context["drill_chips"] = drill_down_chips(self.request, self.filterset, DRILL_DOWN_FILTERS)
        return context


def _action_form(action, complaint, data=None):
    form_class = action.form_class
    if form_class is None:
        return None
    return form_class(data, prefix=action.name, complaint=complaint)


def _get_complaint(number):
    return get_object_or_404(selectors.complaint_detail(), number=number)


def detail_context(request, complaint, forms=None, message_form=None, attachment_form=None):
    forms = forms or {}
    actions = [
        {"action": action, "form": forms.get(action.name) or _action_form(action, complaint)}
        for action in registry.available(complaint, request.user)
    ]
    return {
        "complaint": complaint,
        "clocks": selectors.clocks_of(complaint),
        "clock_history": selectors.clock_history(complaint),
        "deadlines": selectors.legal_deadlines(complaint),
        "claims": selectors.claims_of(complaint),
        "messages_list": list(selectors.messages_of(complaint, staff=True)),
        "attachments": list(selectors.attachments_of(complaint, staff=True)),
        "events": list(selectors.events_of(complaint, staff=True)),
        "actions": actions,
        "open_form": next(iter(forms), None),
        "message_form": message_form or StaffMessageForm(),
        "can_message": registry.permits(request.user, "message", complaint)
        if "message" in registry
        else has_staff_role(request.user, *SERVICE),
        "attachment_form": attachment_form or AttachmentForm(),
    }


class ComplaintDetailView(StaffRequiredMixin, View):
    required_roles = ANY_STAFF
    template_name = "complaints/backoffice/detail.html"

    def get(self, request, number):
        context = detail_context(request, _get_complaint(number))
        return render(request, self.template_name, context)


class ComplaintActionView(StaffRequiredMixin, View):
    """POST one declared action of the complaint page; errors re-render the page."""

    required_roles = ANY_STAFF

    def post(self, request, number, action):
        if action not in registry:
            raise Http404
        declared = registry.get(action)
        complaint = _get_complaint(number)
        form = _action_form(declared, complaint, request.POST)
        template = ComplaintDetailView.template_name
        if form is not None and not form.is_valid():
            context = detail_context(request, complaint, {action: form})
            return render(request, template, context, status=400)
        data = form.service_data() if form is not None else {}
        try:
            registry.perform(action, complaint, request.user, **data)
        except DomainError as error:
            if not apply_domain_error(form, error):
                messages.error(request, error.message)
            complaint = _get_complaint(number)
            context = detail_context(request, complaint, {action: form} if form else None)
            return render(request, template, context, status=error.status)
        messages.success(request, _("%(action)s: done.") % {"action": declared.label})
        return redirect("backoffice:complaint_detail", number=number)


class ComplaintMessageView(StaffRequiredMixin, View):
    """A staff reply (customer-visible, optionally asking the customer) or internal note."""

    required_roles = ANY_STAFF

    def post(self, request, number):
        complaint = _get_complaint(number)
        form = StaffMessageForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.post_message(
                    complaint=complaint, actor=request.user, **form.service_data()
                )
            except DomainError as error:
                status = error.status
                if not apply_domain_error(form, error):
                    form.add_error(None, error.message)
            else:
                messages.success(request, _("Message saved."))
                return redirect(reverse("backoffice:complaint_detail", args=[number]) + "#messages")
        context = detail_context(request, _get_complaint(number), message_form=form)
        return render(request, ComplaintDetailView.template_name, context, status=status)


class ComplaintAttachmentAddView(StaffRequiredMixin, View):
    required_roles = ANY_STAFF

    def post(self, request, number):
        complaint = _get_complaint(number)
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
                return redirect("backoffice:complaint_detail", number=number)
        context = detail_context(request, complaint, attachment_form=form)
        return render(request, ComplaintDetailView.template_name, context, status=400)


def attachment_response(attachment: ComplaintAttachment, *, inline=False) -> FileResponse:
    """The stored file, never from a public URL; images may show inline (thumbnails)."""
    handle = attachment.file.open("rb")
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not (inline and attachment.content_type.startswith("image/")),
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class AttachmentDownloadView(StaffRequiredMixin, View):
    required_roles = ANY_STAFF

    def get(self, request, number, pk):
        attachment = get_object_or_404(ComplaintAttachment, pk=pk, complaint__number=number)
        return attachment_response(attachment, inline=request.GET.get("inline") == "1")


def file_with_evidence(*, actor, company, form):
    """File the complaint with its photos (the service checks every file first: all or
    nothing)."""
    files = form.cleaned_data.get("files") or []
    return services.file_complaint(actor=actor, company=company, files=files, **form.service_data())


class ComplaintCreateView(StaffRequiredMixin, View):
    """Staff file a complaint on a customer's behalf: first the customer, then the
    order, line or product and the complaint itself."""

    required_roles = SERVICE
    template_name = "complaints/backoffice/create.html"

    def _company(self, request):
        chooser = CompanyChoiceForm(request.GET or None)
        if chooser.is_bound and chooser.is_valid():
            return chooser, chooser.cleaned_data["company"]
        return chooser, None

    def _render(self, request, chooser, company, form, status=200):
        context = {"chooser": chooser, "company": company, "form": form}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        chooser, company = self._company(request)
        form = None
        if company is not None:
            form = StaffComplaintForm(company=company, initial=_initial(request))
        return self._render(
            request,
            chooser,
            company,
            form,
            200 if chooser.is_valid() or not chooser.is_bound else 400,
        )

    def post(self, request):
        chooser = CompanyChoiceForm({"company": request.POST.get("company_id", "")})
        if not chooser.is_valid():
            return self._render(request, chooser, None, None, status=400)
        company = chooser.cleaned_data["company"]
        form = StaffComplaintForm(request.POST, request.FILES, company=company)
        if form.is_valid():
            try:
                complaint = file_with_evidence(actor=request.user, company=company, form=form)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request, _("Complaint %(number)s filed.") % {"number": complaint.number}
                )
                return redirect("backoffice:complaint_detail", number=complaint.number)
        return self._render(request, chooser, company, form, status=400)


def _initial(request) -> dict:
    initial = {}
    for key in ("order", "sku"):
        value = request.GET.get(key, "").strip()
        if value:
            initial[key] = value[:64]
    return initial


class SlaTargetsView(StaffRequiredMixin, View):
    """The SLA targets per category and priority (managers edit, staff read)."""

    required_roles = ANY_STAFF
    template_name = "complaints/backoffice/sla_targets.html"

    def _render(self, request, form, status=200):
        context = {"form": form, "can_edit": has_staff_role(request.user, *MANAGERS)}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request, SlaTargetsForm())

    def post(self, request):
        if not has_staff_role(request.user, *MANAGERS):
            raise PermissionDenied
        form = SlaTargetsForm(request.POST)
        if form.is_valid():
            try:
                form.save(actor=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("SLA targets saved."))
                return redirect("backoffice:complaint_sla_targets")
        return self._render(request, form, status=400)


class DeadlineRulesView(StaffRequiredMixin, View):
    """The legal and claim deadlines with their basis (staff read; managers change a
    rule's days, basis text or switch it off: ``services.save_deadline_rule``)."""

    required_roles = ANY_STAFF
    template_name = "complaints/backoffice/deadline_rules.html"

    def _render(self, request, rows, open_code=None, status=200):
        context = {
            "rows": rows,
            "open_code": open_code,
            "can_edit": has_staff_role(request.user, *MANAGERS),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request, deadline_rule_forms())

    def post(self, request):
        if not has_staff_role(request.user, *MANAGERS):
            raise PermissionDenied
        from ..deadlines import RULES_BY_CODE

        code = request.POST.get("code", "")
        if code not in RULES_BY_CODE:
            return self._render(request, deadline_rule_forms(), status=400)
        rows = deadline_rule_forms(request.POST, bound_code=code)
        form = next(row["form"] for row in rows if row["rule"].code == code)
        if form.is_valid():
            try:
                services.save_deadline_rule(actor=request.user, code=code, **form.service_data())
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Deadline saved."))
                return redirect("backoffice:complaint_deadline_rules")
        return self._render(request, rows, open_code=code, status=400)


class ComplaintStatsView(StaffRequiredMixin, TemplateView):
    """Complaints by category, root cause and responsible party for a date range."""

    required_roles = ANY_STAFF
    template_name = "complaints/backoffice/stats.html"

    def get_context_data(self, **kwargs):
        form = DateRangeForm(self.request.GET or None)
        date_from = date_to = None
        if form.is_bound and form.is_valid():
            date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        figures = selectors.breakdown(date_from, date_to)
        return super().get_context_data(
            form=form,
            charts=[
                {"key": key, "title": title, "chart": charts.bars(rows)}
                for key, title, rows in figures
            ],
            ratings=selectors.rating_figures(date_from, date_to),
            **kwargs,
        )
