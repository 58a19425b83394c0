"""Back-office pages for webhook subscriptions (managers): list, create (the secret
is shown once), detail with the delivery log and change history, enable/disable,
rotate the signing secret (the new one is shown once), delete."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from core.errors import DomainError
from core.forms import apply_domain_error
from core.views import FilteredListView, StaffRequiredMixin

from .. import permissions, services
from ..models import Subscription
from .forms import SubscriptionForm
from .tables import SubscriptionTable

MANAGERS = permissions.MANAGERS


class SubscriptionListView(StaffRequiredMixin, FilteredListView):
    required_roles = MANAGERS
    template_name = "webhooks/backoffice/list.html"
    table_class = SubscriptionTable
    context_object_name = "subscriptions"
    queryset = Subscription.objects.order_by("-active", "url", "id")
    paginate_by = 50

    def get_context_data(self, **kwargs):
        return super().get_context_data(section="api", **kwargs)


def _secret_page(request, subscription, *, rotated=False):
    """The one page that shows a signing secret (never cached)."""
    response = render(
        request,
        "webhooks/backoffice/created.html",
        {"subscription": subscription, "rotated": rotated, "section": "api"},
    )
    response["Cache-Control"] = "no-store"
    return response


class SubscriptionCreateView(StaffRequiredMixin, View):
    required_roles = MANAGERS
    template_name = "webhooks/backoffice/form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": SubscriptionForm(), "section": "api"})

    def post(self, request):
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            try:
                subscription = services.create_subscription(
                    actor=request.user,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    secret=form.cleaned_data["secret"] or None,
                    description=form.cleaned_data["description"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                return _secret_page(request, subscription)
        return render(request, self.template_name, {"form": form, "section": "api"}, status=400)


class SubscriptionDetailView(StaffRequiredMixin, DetailView):
    required_roles = MANAGERS
    template_name = "webhooks/backoffice/detail.html"
    context_object_name = "subscription"
    queryset = Subscription.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(section="api", **kwargs)
        context["deliveries"] = self.object.deliveries.prefetch_related("attempt_log").order_by(
            "-id"
        )[:100]
        return context


class SubscriptionActiveView(StaffRequiredMixin, View):
    required_roles = MANAGERS

    def post(self, request, pk):
        subscription = get_object_or_404(Subscription, pk=pk)
        active = request.POST.get("active") == "1"
        try:
            services.set_subscription_active(
                subscription=subscription, active=active, actor=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Subscription enabled.") if active else _("Subscription disabled.")
            )
        return redirect("backoffice:webhook_detail", pk=pk)


class SubscriptionRotateSecretView(StaffRequiredMixin, View):
    """Give a subscription a new, generated signing secret and show it once (POST)."""

    required_roles = MANAGERS

    def post(self, request, pk):
        subscription = get_object_or_404(Subscription, pk=pk)
        try:
            services.rotate_subscription_secret(subscription=subscription, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("backoffice:webhook_detail", pk=pk)
        return _secret_page(request, subscription, rotated=True)


class SubscriptionDeleteView(StaffRequiredMixin, View):
    required_roles = MANAGERS

    def post(self, request, pk):
        subscription = get_object_or_404(Subscription, pk=pk)
        try:
            services.delete_subscription(subscription=subscription, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("backoffice:webhook_detail", pk=pk)
        messages.success(request, _("Subscription deleted."))
        return redirect("backoffice:webhook_list")
