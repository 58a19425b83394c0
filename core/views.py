"""Base views and access mixins shared by the back-office and the portal."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.views.generic import ListView

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
