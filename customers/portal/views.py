"""Portal pages of a customer company: home, company profile, addresses, users.

Every query starts from ``self.company`` (the signed-in user's company); anything
outside it is a 404.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.errors import DomainError
from core.views import CustomerRequiredMixin, ServiceFormView

from .. import permissions, services
from ..forms import AddressForm, CustomerUserForm, OrderLimitForm, RoleForm
from ..models import Address, CustomerRole
from ..selectors import PORTAL_SUBJECTS, timeline_for, users_for, with_subject_links

ADMIN_ONLY = (CustomerRole.ADMIN,)


class PortalHomeView(CustomerRequiredMixin, TemplateView):
    template_name = "customers/portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["company"] = self.company
        context["timeline"] = with_subject_links(
            timeline_for(self.company, customer_view=True)[:10], PORTAL_SUBJECTS
        )
        return context


class CompanyProfileView(CustomerRequiredMixin, TemplateView):
    template_name = "customers/portal/company.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["company"] = self.company
        context["addresses"] = self.company.addresses.all()
        context["can_manage"] = permissions.can_manage_addresses(self.request.user, self.company)
        return context


class PortalAddressFormView(CustomerRequiredMixin, ServiceFormView):
    required_company_roles = ADMIN_ONLY
    template_name = "customers/portal/address_form.html"
    form_class = AddressForm
    success_message = gettext_lazy("Address saved.")
    success_url = reverse_lazy("portal:company")

    def get_object(self):
        address_pk = self.kwargs.get("address_pk")
        return get_object_or_404(self.company.addresses, pk=address_pk) if address_pk else None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.setdefault("instance", Address(company=self.company))
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(address=self.object, **kwargs)

    def perform(self, form):
        return services.save_address(
            company=self.company, actor=self.request.user, address=self.object, **form.cleaned_data
        )


class UserListView(CustomerRequiredMixin, TemplateView):
    required_company_roles = ADMIN_ONLY
    template_name = "customers/portal/users.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["users"] = users_for(self.company)
        context["roles"] = CustomerRole.choices
        return context


class UserCreateView(CustomerRequiredMixin, ServiceFormView):
    required_company_roles = ADMIN_ONLY
    template_name = "customers/portal/user_form.html"
    form_class = CustomerUserForm
    success_message = gettext_lazy("User invited; they will receive an email to set a password.")
    success_url = reverse_lazy("portal:user_list")

    def perform(self, form):
        # The same answer whether or not the email already has an account (the
        # service tells the holder instead): the portal must not reveal who exists.
        return services.invite_customer_user(
            company=self.company, actor=self.request.user, **form.cleaned_data
        )


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
            elif action == "limit":
                form = OrderLimitForm(request.POST)
                if not form.is_valid():
                    messages.error(
                        request,
                        _("Enter an order limit of 0 or more, or leave it empty for no limit."),
                    )
                    return redirect("portal:user_list")
                services.set_customer_user_order_limit(
                    user=user, actor=request.user, limit=form.cleaned_data["order_limit"]
                )
                messages.success(request, _("Order limit saved."))
            elif action in ("deactivate", "activate"):
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
