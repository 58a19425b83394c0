"""Back-office pages for API keys (managers only): list, create (the key is shown
once), revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from apikeys.models import ApiKey
from apikeys.services import create_api_key, revoke_api_key
from core.roles import StaffRole
from core.views import FilteredListView, StaffRequiredMixin

from .forms import ApiKeyForm
from .tables import ApiKeyTable


class ApiKeyListView(StaffRequiredMixin, FilteredListView):
    required_roles = (StaffRole.MANAGER,)
    template_name = "apikeys/backoffice/apikey_list.html"
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
    template_name = "apikeys/backoffice/apikey_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ApiKeyForm(), "section": "api"})

    def post(self, request):
        form = ApiKeyForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "section": "api"}, status=400)
        api_key, raw_key = create_api_key(
            name=form.cleaned_data["name"],
            company=form.cleaned_data["company"],
            actor=request.user,
        )
        # Rendered, not redirected: the raw key must not travel through the session.
        response = render(
            request,
            "apikeys/backoffice/apikey_created.html",
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
