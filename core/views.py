"""Base views and access mixins shared by the back-office and the portal."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from .csvio import csv_response
from .errors import DomainError
from .forms import apply_domain_error
from .pagination import CappedPaginator
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
    """A list page configured by attributes (the generic back-office list layer).

    * ``queryset`` (or ``get_base_queryset()``, e.g. a selector): what may be listed;
    * ``filterset_class``: the filters (``core.filters.BootstrapFilterSet`` for pages);
      invalid filter values show nothing rather than everything;
    * ``table_class``: a ``core.tables.Table``: columns, whitelisted ``?sort=`` keys,
      default ordering, empty-state text; the context gets it as ``table`` with the
      page's rows, and ``templates/htmx/table.html`` renders it;
    * ``export_csv``: ``?export=csv`` answers the same filtered, sorted rows (all
      pages) as a CSV download, every cell guarded by ``core.csvio.safe_cell``;
    * ``capped_count``: the page count stops at ``LIST_COUNT_CAP`` rows ("of more
      than 10,000": ``core.pagination.CappedPaginator``), so a list over a large table
      costs the same on every page view; ``False`` counts exactly.

    HTMX requests get only ``partial_template_name`` (by default the table partial),
    so filters, sort links and page links update the table in place.
    """

    filterset_class = None
    table_class = None
    partial_template_name: str | None = None
    paginate_by = 25
    capped_count = True
    export_csv = True
    #: Rows read per database round trip while streaming a CSV export.
    export_chunk_size = 1000

    def get_base_queryset(self):
        return super().get_queryset()

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        paginator = CappedPaginator if self.capped_count else Paginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page, **kwargs)

    def get_filterset(self, queryset):
        return self.filterset_class(self.request.GET, queryset=queryset, request=self.request)

    def get_table_context(self) -> dict:
        """What ``Column.visible`` callables may read as ``table.context``."""
        return {}

    def get_table(self):
        if self.table_class is None:
            return None
        if not hasattr(self, "_table"):
            self._table = self.table_class(
                request=self.request,
                sort=self.request.GET.get("sort"),
                context=self.get_table_context(),
            )
        return self._table

    def get_queryset(self):
        queryset = self.get_base_queryset()
        if self.filterset_class is None:
            self.filterset = None
        else:
            self.filterset = self.get_filterset(queryset)
            queryset = self.filterset.qs if self.filterset.is_valid() else queryset.none()
        table = self.get_table()
        return table.order_queryset(queryset) if table is not None else queryset

    def wants_export(self) -> bool:
        return (
            self.export_csv
            and self.table_class is not None
            and self.request.GET.get("export") == "csv"
        )

    def get(self, request, *args, **kwargs):
        if self.wants_export():
            return self.export_response(self.get_queryset())
        return super().get(request, *args, **kwargs)

    def export_response(self, queryset):
        table = self.get_table()
        rows = queryset.iterator(chunk_size=self.export_chunk_size)
        filename = f"{table.export_name}-{timezone.localdate():%Y%m%d}.csv"
        # A list export is for people: decimals in their language (core.csvio.safe_cell).
        return csv_response(filename, table.export_header(), table.export_rows(rows), localize=True)

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            partial = self.partial_template_name or (
                "htmx/table.html" if self.table_class is not None else None
            )
            if partial:
                return [partial]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        table = self.get_table()
        if table is not None:
            table.rows = context["object_list"]
            context["table"] = table
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
