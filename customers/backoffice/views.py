"""Back-office pages for customers: list, detail (with the change history), create/edit,
addresses, timeline notes, users (create, resend the invitation). The services decide
who may do what; the pages answer 403 early for staff without an editing role."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from core.errors import DomainError
from core.forms import apply_domain_error
from core.views import FilteredListView, ServiceFormView, StaffRequiredMixin

from .. import permissions, services
from ..filters import CompanyFilterSet
from ..forms import AddressForm, CompanyForm, CustomerUserForm, TimelineNoteForm
from ..hooks import prefetch_company_api_fields, render_company_panels
from ..models import Address, Company
from ..selectors import (
    company_list,
    timeline_counts,
    timeline_for,
    users_for,
    with_subject_links,
)
from .tables import CompanyTable

#: The staff roles that edit customers (the services decide; the pages answer 403 early).
EDITORS = permissions.EDITORS

#: The newest entries the company page shows (per filter).
TIMELINE_LIMIT = 100
#: The timeline's filter tabs: ``?kind=`` value -> label ("" is every entry).
TIMELINE_FILTERS = {
    "": gettext_lazy("All"),
    "orders": gettext_lazy("Orders"),
    "emails": gettext_lazy("Emails"),
    "returns": gettext_lazy("Returns"),
    "complaints": gettext_lazy("Complaints"),
    "notes": gettext_lazy("Notes and calls"),
    "account": gettext_lazy("Account"),
}


def timeline_context(request, company, kind: str = "") -> dict:
    """The timeline of the company page filtered by ``kind`` (a ``TIMELINE_GROUPS`` key,
    "" for every entry; anything else shows every entry and says so), with its tabs:
    links to the company page keeping the request's other parameters."""
    unknown = kind not in TIMELINE_FILTERS
    group = None if unknown or not kind else kind
    counts = timeline_counts(company)
    url = reverse("backoffice:customer_detail", args=[company.pk])
    tabs = []
    for key, label in TIMELINE_FILTERS.items():
        params = request.GET.copy()
        params.pop("kind", None)
        if key:
            params["kind"] = key
        query = params.urlencode()
        tabs.append(
            {
                "key": key or "all",
                "label": label,
                "count": counts[key or "all"],
                "url": f"{url}?{query}#timeline" if query else f"{url}#timeline",
                "active": key == (group or ""),
            }
        )
    entries = timeline_for(company, group=group)[:TIMELINE_LIMIT]
    return {
        "timeline": with_subject_links(entries),
        "timeline_tabs": tabs,
        "timeline_kind": group or "",
        "timeline_kind_label": TIMELINE_FILTERS[group or ""],
        "timeline_unknown_kind": unknown,
        "timeline_limited": counts[group or "all"] > TIMELINE_LIMIT,
        "timeline_limit": TIMELINE_LIMIT,
    }


class CustomerListView(StaffRequiredMixin, FilteredListView):
    template_name = "customers/backoffice/list.html"
    filterset_class = CompanyFilterSet
    table_class = CompanyTable
    context_object_name = "companies"

    def get_base_queryset(self):
        return company_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = permissions.can_edit_company(self.request.user)
        return context


class CustomerDetailView(StaffRequiredMixin, DetailView):
    template_name = "customers/backoffice/detail.html"
    context_object_name = "company"

    def get_queryset(self):
        # The registered fields' relations (the price list) come with the company.
        return prefetch_company_api_fields(Company.objects.prefetch_related("tags", "addresses"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["users"] = users_for(self.object)
        kind = self.request.GET.get("kind", "")
        context.update(timeline_context(self.request, self.object, kind))
        context["note_form"] = TimelineNoteForm()
        context["can_edit"] = permissions.can_edit_company(self.request.user)
        # What apps above customers show here (customers.hooks), e.g. its prices.
        context["panels"] = render_company_panels(self.request, self.object)
        return context


class CompanyFormView(StaffRequiredMixin, ServiceFormView):
    """Create (no pk) or edit a company."""

    required_roles = EDITORS
    template_name = "customers/backoffice/form.html"
    form_class = CompanyForm

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Company, pk=pk) if pk else None

    @property
    def success_message(self):
        return _("Customer created.") if self.object is None else _("Customer saved.")

    def get_context_data(self, **kwargs):
        if self.object is not None:
            # A refused edit leaves the form's values on the instance: show the stored
            # name in the page title.
            self.object.refresh_from_db()
        return super().get_context_data(company=self.object, **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        tags = data.pop("tags")
        if self.object is None:
            return services.create_company(actor=self.request.user, tags=tags, **data)
        # The ModelForm already put the cleaned values on the instance: reload it so
        # the service sees (and audits) what changed.
        self.object.refresh_from_db()
        return services.update_company(
            company=self.object, actor=self.request.user, tags=tags, **data
        )

    def get_success_url(self, result):
        return reverse("backoffice:customer_detail", args=[result.pk])


class AddressFormView(StaffRequiredMixin, ServiceFormView):
    """Add or edit a shipping address of a company."""

    required_roles = EDITORS
    template_name = "customers/backoffice/address_form.html"
    form_class = AddressForm
    success_message = gettext_lazy("Address saved.")

    def get_object(self):
        self.company = get_object_or_404(Company, pk=self.kwargs["pk"])
        address_pk = self.kwargs.get("address_pk")
        if address_pk is None:
            return None
        return get_object_or_404(Address, pk=address_pk, company=self.company)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.setdefault("instance", Address(company=self.company))
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(company=self.company, address=self.object, **kwargs)

    def perform(self, form):
        return services.save_address(
            company=self.company, actor=self.request.user, address=self.object, **form.cleaned_data
        )

    def get_success_url(self, result):
        return reverse("backoffice:customer_detail", args=[self.company.pk])


class TimelineNoteCreateView(StaffRequiredMixin, View):
    """Add a staff note (e.g. a logged phone call); HTMX swaps in the refreshed timeline."""

    def post(self, request, pk):
        company = get_object_or_404(Company, pk=pk)
        form = TimelineNoteForm(request.POST)
        if form.is_valid():
            try:
                services.add_staff_note(company=company, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
                status = 400 if not request.htmx else 200
            else:
                form = TimelineNoteForm()
                status = 200
        else:
            status = 400 if not request.htmx else 200
        # The refreshed timeline shows every entry, the new note first.
        context = {"company": company, "note_form": form, **timeline_context(request, company)}
        if request.htmx:
            return render(request, "customers/backoffice/_timeline.html", context)
        if status == 200:
            messages.success(request, _("Note added to the timeline."))
            return redirect("backoffice:customer_detail", pk=company.pk)
        messages.error(request, _("The note was not saved: check the fields."))
        return redirect("backoffice:customer_detail", pk=company.pk)


class CustomerUserCreateView(StaffRequiredMixin, ServiceFormView):
    """Staff create a user for a company; the user gets an invitation email."""

    required_roles = EDITORS
    template_name = "customers/backoffice/user_form.html"
    form_class = CustomerUserForm
    success_message = gettext_lazy("User created; an invitation email is on its way.")

    def get_object(self):
        self.company = get_object_or_404(Company, pk=self.kwargs["pk"])
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(company=self.company, **kwargs)

    def perform(self, form):
        # Staff are trusted: an email that already has an account is a plain field
        # error here (customer admins invite through a path that never says so).
        return services.create_customer_user(
            company=self.company, actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result):
        return reverse("backoffice:customer_detail", args=[self.company.pk])


class CustomerUserInvitationView(StaffRequiredMixin, View):
    """Staff send a customer user's invitation again (POST)."""

    required_roles = EDITORS

    def post(self, request, pk, user_pk):
        company = get_object_or_404(Company, pk=pk)
        user = get_object_or_404(users_for(company), pk=user_pk)
        try:
            services.resend_invitation(user=user, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Invitation sent again to %(email)s.") % {"email": user.email}
            )
        return redirect("backoffice:customer_detail", pk=company.pk)
