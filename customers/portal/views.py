"""Portal pages of a customer company: home, company profile, addresses, users.

Every query starts from ``self.company`` (the signed-in user's company); anything
outside it is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.errors import DomainError
from core.views import CustomerRequiredMixin

from .. import services
from ..forms import AddressForm, CustomerUserForm, RoleForm, add_service_errors
from ..models import CustomerRole
from ..selectors import timeline_for, users_for, with_order_numbers

ADMIN_ONLY = (CustomerRole.ADMIN,)


class PortalHomeView(CustomerRequiredMixin, TemplateView):
    template_name = "customers/portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["company"] = self.company
        context["timeline"] = with_order_numbers(
            timeline_for(self.company, customer_view=True)[:10]
        )
        return context


class CompanyProfileView(CustomerRequiredMixin, TemplateView):
    template_name = "customers/portal/company.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["company"] = self.company
        context["addresses"] = self.company.addresses.all()
        context["can_manage"] = self.request.user.role == CustomerRole.ADMIN
        return context


class PortalAddressFormView(CustomerRequiredMixin, View):
    required_company_roles = ADMIN_ONLY
    template_name = "customers/portal/address_form.html"

    def _address(self, address_pk):
        return get_object_or_404(self.company.addresses, pk=address_pk) if address_pk else None

    def get(self, request, address_pk=None):
        address = self._address(address_pk)
        return render(
            request, self.template_name, {"form": AddressForm(instance=address), "address": address}
        )

    def post(self, request, address_pk=None):
        address = self._address(address_pk)
        form = AddressForm(request.POST, instance=address)
        if form.is_valid():
            try:
                services.save_address(
                    company=self.company, actor=request.user, address=address, **form.cleaned_data
                )
            except (ValidationError, DomainError) as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Address saved."))
                return redirect("portal:company")
        return render(request, self.template_name, {"form": form, "address": address}, status=400)


class UserListView(CustomerRequiredMixin, TemplateView):
    required_company_roles = ADMIN_ONLY
    template_name = "customers/portal/users.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["users"] = users_for(self.company)
        context["roles"] = CustomerRole.choices
        return context


class UserCreateView(CustomerRequiredMixin, View):
    required_company_roles = ADMIN_ONLY
    template_name = "customers/portal/user_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CustomerUserForm()})

    def post(self, request):
        form = CustomerUserForm(request.POST)
        if form.is_valid():
            # The same answer whether or not the email already has an account (the
            # service tells the holder instead): the portal must not reveal who exists.
            try:
                services.invite_customer_user(
                    company=self.company, actor=request.user, **form.cleaned_data
                )
            except (ValidationError, DomainError) as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("User invited; they will receive an email to set a password.")
                )
                return redirect("portal:user_list")
        return render(request, self.template_name, {"form": form}, status=400)


class UserUpdateView(CustomerRequiredMixin, View):
    """Change a user's role, deactivate or reactivate them, or send their invitation
    again (one POST, one action)."""

    required_company_roles = ADMIN_ONLY

    def post(self, request, user_pk):
        user = get_object_or_404(users_for(self.company), pk=user_pk)
        action = request.POST.get("action")
        try:
            if action == "role":
                form = RoleForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Choose a valid role."))
                    return redirect("portal:user_list")
                services.change_customer_user_role(
                    user=user, actor=request.user, role=form.cleaned_data["role"]
                )
                messages.success(request, _("Role changed."))
            elif action in ("deactivate", "activate"):
                if user == request.user and action == "deactivate":
                    messages.error(request, _("You cannot deactivate your own account."))
                    return redirect("portal:user_list")
                services.set_customer_user_active(
                    user=user, actor=request.user, active=action == "activate"
                )
                messages.success(
                    request,
                    _("User deactivated.") if action == "deactivate" else _("User reactivated."),
                )
            elif action == "resend":
                services.resend_invitation(user=user, actor=request.user)
                messages.success(
                    request, _("Invitation sent again to %(email)s.") % {"email": user.email}
                )
            else:
                messages.error(request, _("Unknown action."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("portal:user_list")
