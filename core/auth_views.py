"""Sign-in pages of the two faces. Wrong passwords are rate-limited by django-axes."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from .forms import BootstrapFormMixin


class EmailAuthenticationForm(BootstrapFormMixin, AuthenticationForm):
    """Sign-in by email, whatever its case: addresses are stored in lower case."""

    def clean_username(self):
        return normalize_sign_in_email(self.cleaned_data.get("username"))


def normalize_sign_in_email(value) -> str:
    return (value or "").strip().lower()


class StaffAuthenticationForm(EmailAuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise forms.ValidationError(
                _("This account cannot sign in to the back-office."), code="not_staff"
            )


class CustomerAuthenticationForm(EmailAuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.company_id is None:
            raise forms.ValidationError(
                _("This account is not a customer account. Staff sign in to the back-office."),
                code="not_customer",
            )


class BackofficeLoginView(auth_views.LoginView):
    form_class = StaffAuthenticationForm
    template_name = "backoffice/login.html"
    redirect_authenticated_user = False
    next_page = reverse_lazy("backoffice:home")

    def get_default_redirect_url(self):
        return str(self.next_page)


class PortalLoginView(auth_views.LoginView):
    form_class = CustomerAuthenticationForm
    template_name = "portal/login.html"
    next_page = reverse_lazy("portal:home")

    def get_default_redirect_url(self):
        return str(self.next_page)

    def form_valid(self, form):
        response = super().form_valid(form)
        # Sign the customer in to their own language, unless they already chose one here.
        from django.conf import settings

        user = form.get_user()
        language = user.language or user.company.language
        if language and settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response


class BackofficeLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("backoffice:login")


class PortalLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("portal:login")


class BootstrapSetPasswordForm(BootstrapFormMixin, SetPasswordForm):
    pass


class InvitationView(auth_views.PasswordResetConfirmView):
    """A new customer user chooses a password from the link in the invitation email."""

    form_class = BootstrapSetPasswordForm
    template_name = "portal/invitation.html"
    success_url = reverse_lazy("portal:login")
    post_reset_login = False

    def form_valid(self, form):
        from django.contrib import messages

        messages.success(self.request, _("Your password is set. You can sign in now."))
        return super().form_valid(form)


class RootRedirectView(RedirectView):
    def get_redirect_url(self, *args, **kwargs):
        user = self.request.user
        if user.is_authenticated and user.is_staff:
            return str(reverse_lazy("backoffice:home"))
        return str(reverse_lazy("portal:home"))
