import django_filters
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.filters import BootstrapFilterSet
from core.views import FilteredListView, ServiceFormView, StaffRequiredMixin
from customers import exchange_rates
from customers.models import RATE_CURRENCIES, ExchangeRate

from .. import services
from ..consumers import queue_generation
from ..models import DocumentStatus
from ..selectors import document_files, waiting_invoices
from ..views import pdf_response
from .forms import ExchangeRateForm
from .tables import ExchangeRateTable


class DocumentDownloadView(StaffRequiredMixin, View):
    """Staff open any order's document."""

    def get(self, request, pk):
        return pdf_response(get_object_or_404(document_files(), pk=pk))


class DocumentRetryView(StaffRequiredMixin, View):
    """Queue a failed (or stuck pending) document for generation again."""

    def post(self, request, pk):
        document = get_object_or_404(document_files(), pk=pk)
        if document.status != DocumentStatus.READY:
            services.mark_pending(document)
            queue_generation(document.pk)
            messages.success(
                request,
                _("%(document)s queued for generation.")
                % {"document": document.get_kind_display()},
            )
        return redirect("backoffice:order_detail", number=document.order.number)


# --- Exchange rates ---------------------------------------------------------------------


class ExchangeRateFilterSet(BootstrapFilterSet):
    currency = django_filters.ChoiceFilter(
        choices=RATE_CURRENCIES, label=_("Currency"), empty_label=_("All currencies")
    )

    class Meta:
        model = ExchangeRate
        fields = ["currency"]


class ExchangeRateListView(StaffRequiredMixin, FilteredListView):
    """Every exchange rate to the euro (``?export=csv`` too), with the invoices waiting
    for one."""

    template_name = "documents/backoffice/exchange_rate_list.html"
    filterset_class = ExchangeRateFilterSet
    table_class = ExchangeRateTable
    context_object_name = "rates"
    paginate_by = 50

    def get_base_queryset(self):
        return ExchangeRate.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["waiting"] = list(
            waiting_invoices().select_related("order__company").order_by("created_at")[:50]
        )
        context["can_edit"] = exchange_rates.may_edit_rates(self.request.user)
        return context


class ExchangeRateCreateView(StaffRequiredMixin, ServiceFormView):
    required_roles = exchange_rates.RATE_EDITORS
    form_class = ExchangeRateForm
    template_name = "documents/backoffice/exchange_rate_form.html"
    success_message = gettext_lazy("Exchange rate saved.")

    def perform(self, form):
        return exchange_rates.save_exchange_rate(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result) -> str:
        return reverse("backoffice:exchange_rate_list")
