"""Back-office pages for API keys (managers only): list, create (the key is shown
once), revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.api.keys import create_api_key, revoke_api_key
from core.models import ApiKey
from core.roles import StaffRole
from core.views import FilteredListView, StaffRequiredMixin
from customers.models import Company, CompanyStatus

from .forms import ApiKeyForm
from .tables import ApiKeyTable


class ApiKeyListView(StaffRequiredMixin, FilteredListView):
    required_roles = (StaffRole.MANAGER,)
    template_name = "core/backoffice/apikey_list.html"
    table_class = ApiKeyTable
    context_object_name = "api_keys"
    paginate_by = 50

    def get_base_queryset(self):
        return ApiKey.objects.select_related("company", "created_by").order_by(
            "revoked_at", "-created_at", "-id"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(section="api", **kwargs)


class ApiKeyCreateView(StaffRequiredMixin, View):
    required_roles = (StaffRole.MANAGER,)
    template_name = "core/backoffice/apikey_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ApiKeyForm(), "section": "api"})

    def post(self, request):
        form = ApiKeyForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "section": "api"}, status=400)
        api_key, raw_key = create_api_key(
            name=form.cleaned_data["name"],
            company=form.cleaned_data["company"],
            created_by=request.user,
        )
        # Rendered, not redirected: the raw key must not travel through the session.
        response = render(
            request,
            "core/backoffice/apikey_created.html",
            {"api_key": api_key, "raw_key": raw_key, "section": "api"},
        )
        response["Cache-Control"] = "no-store"
        return response


class ApiKeyRevokeView(StaffRequiredMixin, View):
    required_roles = (StaffRole.MANAGER,)

    def post(self, request, pk):
        api_key = get_object_or_404(ApiKey, pk=pk)
        revoke_api_key(api_key=api_key, actor=request.user)
        messages.success(request, _("API key “%(name)s” revoked.") % {"name": api_key.name})
        return redirect("backoffice:apikey_list")


class BackofficeHomeView(StaffRequiredMixin, TemplateView):
    """The back-office landing page; the KPI dashboard replaces its figures later."""

    template_name = "backoffice/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active_customers"] = Company.objects.filter(status=CompanyStatus.ACTIVE).count()
        context["blocked_customers"] = Company.objects.filter(status=CompanyStatus.BLOCKED).count()
        return context
