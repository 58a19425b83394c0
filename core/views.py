"""Base views and access mixins shared by the back-office and the portal."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from .errors import DomainError
from .forms import apply_domain_error
from .roles import has_staff_role


class StaffRequiredMixin:
    """Back-office access: anonymous users go to the staff login; customer users get 404.

    ``required_roles`` narrows the view to staff holding one of those roles.
    """

    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
        if not (user.is_active and user.is_staff):
            raise Http404
        if self.required_roles and not has_staff_role(user, *self.required_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CustomerRequiredMixin:
    """Portal access: only active users of a customer company.

    ``required_company_roles`` narrows the view (e.g. user management to ``admin``).
    Everything the view shows must be fetched from ``self.company``.
    """

    required_company_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if user.company_id is None or user.is_staff:
            raise Http404
        if self.required_company_roles and user.role not in self.required_company_roles:
            raise PermissionDenied
        self.company = user.company
        return super().dispatch(request, *args, **kwargs)


class FilteredListView(ListView):
    """A list page configured by attributes: queryset, ``filterset_class``, templates.

    HTMX requests get only ``partial_template_name`` (the table and its pagination),
    so filters and page links update the table in place.
    """

    filterset_class = None
    partial_template_name: str | None = None
    paginate_by = 25

    def get_filterset(self, queryset):
        return self.filterset_class(self.request.GET, queryset=queryset, request=self.request)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.filterset_class is None:
            self.filterset = None
            return queryset
        self.filterset = self.get_filterset(queryset)
        return self.filterset.qs if self.filterset.is_valid() else queryset.none()

    def get_template_names(self):
        if self.partial_template_name and getattr(self.request, "htmx", False):
            return [self.partial_template_name]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        return context


class ServiceFormView(TemplateView):
    """A form page whose valid submission calls one service.

    Configure ``form_class``, ``template_name`` and ``success_url`` (or override
    ``get_success_url``), and implement ``perform(form)``: it calls the service with
    ``actor=self.request.user`` and the form's cleaned data and returns the saved
    object. A ``DomainError`` (or ``ValidationError``) the service raises is shown on
    the form (``core.forms.apply_domain_error``) with status 400 and changes nothing;
    an invalid form is a 400 too. ``get_object`` gives the object being edited (None
    when creating); ``get_form_kwargs`` passes it as ``instance`` to model forms.
    """

    form_class = None
    success_url: str | None = None
    success_message = gettext_lazy("Saved.")

    def get_object(self):
        return None

    def get_form_kwargs(self) -> dict:
        kwargs = {}
        if self.request.method in ("POST", "PUT"):
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        if self.object is not None and issubclass(self.form_class, forms.ModelForm):
            kwargs["instance"] = self.object
        return kwargs

    def get_form(self):
        return self.form_class(**self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("object", self.object)
        return super().get_context_data(**kwargs)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        if form.is_valid():
            try:
                result = self.perform(form)
            except (DomainError, ValidationError) as error:
                apply_domain_error(form, error)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return redirect(self.get_success_url(result))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def perform(self, form):
        raise NotImplementedError

    def get_success_url(self, result) -> str:
        if self.success_url is None:
            raise NotImplementedError("Set success_url or override get_success_url().")
        return str(self.success_url)
