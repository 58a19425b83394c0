"""Back-office pages for customers: list, detail, create/edit, addresses, timeline notes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from core.errors import DomainError
from core.roles import StaffRole, has_staff_role
from core.views import FilteredListView, StaffRequiredMixin

from .. import services
from ..filters import CompanyFilterSet
from ..forms import (
    AddressForm,
    CompanyForm,
    CustomerUserForm,
    TimelineNoteForm,
    add_service_errors,
)
from ..models import Address, Company
from ..selectors import company_list, timeline_for, users_for, with_order_numbers
from .tables import CompanyTable

EDITORS = (StaffRole.CUSTOMER_SERVICE, StaffRole.MANAGER)


class CustomerListView(StaffRequiredMixin, FilteredListView):
    template_name = "customers/backoffice/list.html"
    filterset_class = CompanyFilterSet
    table_class = CompanyTable
    context_object_name = "companies"

    def get_base_queryset(self):
        return company_list()


class CustomerDetailView(StaffRequiredMixin, DetailView):
    template_name = "customers/backoffice/detail.html"
    context_object_name = "company"

    def get_queryset(self):
        return Company.objects.prefetch_related("tags", "addresses")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["users"] = users_for(self.object)
        context["timeline"] = with_order_numbers(timeline_for(self.object)[:100])
        context["note_form"] = TimelineNoteForm()
        context["can_edit"] = has_staff_role(self.request.user, *EDITORS)
        return context


class CompanyFormView(StaffRequiredMixin, View):
    """Create (no pk) or edit a company."""

    required_roles = EDITORS
    template_name = "customers/backoffice/form.html"

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Company, pk=pk) if pk else None

    def get(self, request, pk=None):
        company = self.get_object()
        return render(
            request, self.template_name, {"form": CompanyForm(instance=company), "company": company}
        )

    def post(self, request, pk=None):
        company = self.get_object()
        form = CompanyForm(request.POST, instance=company)
        if form.is_valid():
            data = dict(form.cleaned_data)
            tags = data.pop("tags")
            try:
                if company is None:
                    company = services.create_company(actor=request.user, tags=tags, **data)
                    messages.success(request, _("Customer created."))
                else:
                    # The ModelForm already put the cleaned values on the instance:
                    # reload it so the service sees what changed.
                    company.refresh_from_db()
                    services.update_company(company=company, actor=request.user, tags=tags, **data)
                    messages.success(request, _("Customer saved."))
            except (ValidationError, DomainError) as error:
                add_service_errors(form, error)
            else:
                return redirect("backoffice:customer_detail", pk=company.pk)
        if company is not None:
            company.refresh_from_db()
        return render(request, self.template_name, {"form": form, "company": company}, status=400)


class AddressFormView(StaffRequiredMixin, View):
    """Add or edit a shipping address of a company."""

    required_roles = EDITORS
    template_name = "customers/backoffice/address_form.html"

    def _objects(self, pk, address_pk):
        company = get_object_or_404(Company, pk=pk)
        address = get_object_or_404(Address, pk=address_pk, company=company) if address_pk else None
        return company, address

    def get(self, request, pk, address_pk=None):
        company, address = self._objects(pk, address_pk)
        form = AddressForm(instance=address)
        return render(
            request, self.template_name, {"form": form, "company": company, "address": address}
        )

    def post(self, request, pk, address_pk=None):
        company, address = self._objects(pk, address_pk)
        form = AddressForm(request.POST, instance=address or Address(company=company))
        if form.is_valid():
            try:
                services.save_address(
                    company=company, actor=request.user, address=address, **form.cleaned_data
                )
            except (ValidationError, DomainError) as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Address saved."))
                return redirect("backoffice:customer_detail", pk=company.pk)
        return render(
            request,
            self.template_name,
            {"form": form, "company": company, "address": address},
            status=400,
        )


class TimelineNoteCreateView(StaffRequiredMixin, View):
    """Add a staff note (e.g. a logged phone call); HTMX swaps in the refreshed timeline."""

    def post(self, request, pk):
        company = get_object_or_404(Company, pk=pk)
        form = TimelineNoteForm(request.POST)
        if form.is_valid():
            services.add_staff_note(company=company, actor=request.user, **form.cleaned_data)
            form = TimelineNoteForm()
            status = 200
        else:
            status = 400 if not request.htmx else 200
        context = {
            "company": company,
            "timeline": with_order_numbers(timeline_for(company)[:100]),
            "note_form": form,
        }
        if request.htmx:
            return render(request, "customers/backoffice/_timeline.html", context)
        if status == 200:
            messages.success(request, _("Note added to the timeline."))
            return redirect("backoffice:customer_detail", pk=company.pk)
        messages.error(request, _("The note was not saved: check the fields."))
        return redirect("backoffice:customer_detail", pk=company.pk)


class CustomerUserCreateView(StaffRequiredMixin, View):
    """Staff create a user for a company; the user gets an invitation email."""

    required_roles = EDITORS
    template_name = "customers/backoffice/user_form.html"

    def get(self, request, pk):
        company = get_object_or_404(Company, pk=pk)
        return render(request, self.template_name, {"form": CustomerUserForm(), "company": company})

    def post(self, request, pk):
        company = get_object_or_404(Company, pk=pk)
        form = CustomerUserForm(request.POST)
        if form.is_valid():
            # Staff are trusted: an email that already has an account is a plain field
            # error here (customer admins invite through a path that never says so).
            try:
                services.create_customer_user(
                    company=company, actor=request.user, **form.cleaned_data
                )
            except (ValidationError, DomainError) as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("User created; an invitation email is on its way."))
                return redirect("backoffice:customer_detail", pk=company.pk)
        return render(request, self.template_name, {"form": form, "company": company}, status=400)


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
