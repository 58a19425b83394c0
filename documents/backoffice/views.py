import django_filters
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.filters import BootstrapFilterSet
from core.roles import StaffRole
from core.views import FilteredListView, ServiceFormView, StaffRequiredMixin
from customers import exchange_rates
from customers.models import RATE_CURRENCIES, ExchangeRate

from .. import ksef, services
from ..consumers import queue_generation
from ..models import DocumentStatus, Invoice, VerifactuChain, VerifactuRecord
from ..selectors import document_files, waiting_invoices
from ..verifactu import conf as verifactu_conf
from ..verifactu import exports as verifactu_exports
from ..verifactu import records as verifactu_records
from ..views import pdf_response
from .forms import ExchangeRateForm, VerifactuCancelForm, VerifactuExportForm
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


# --- VeriFactu and KSeF ------------------------------------------------------------------


def xml_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class VerifactuExportView(StaffRequiredMixin, View):
    """Whether VeriFactu and KSeF are on (and why not), the chains, and the records of a
    range of issue dates as one XML file (``?date_from=&date_to=``)."""

    template_name = "documents/backoffice/verifactu.html"

    def get(self, request):
        form = VerifactuExportForm(request.GET or None)
        if verifactu_conf.enabled() and form.is_bound and form.is_valid():
            start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
            try:
                content = verifactu_exports.range_xml(start, end)
            except verifactu_exports.ExportError as error:
                form.add_error(None, str(error))
            else:
                return xml_download(content, verifactu_exports.range_filename(start, end))
        ksef_on, ksef_reason = ksef.status()
        context = {
            "form": form,
            "enabled": verifactu_conf.enabled(),
            "disabled_reason": verifactu_conf.disabled_reason(),
            "mode": verifactu_conf.mode(),
            "qr_host": verifactu_conf.qr_base_url(),
            "issuer_nif": verifactu_conf.issuer_nif(),
            "chains": list(VerifactuChain.objects.select_related("last_record")),
            "cancellations": list(
                VerifactuRecord.objects.filter(kind="anulacion")
                .select_related("invoice", "created_by")
                .order_by("-created_at")[:20]
            ),
            "ksef_on": ksef_on,
            "ksef_reason": ksef_reason,
        }
        return render(request, self.template_name, context)


class InvoiceVerifactuXmlView(StaffRequiredMixin, View):
    """One document's VeriFactu records as XML."""

    def get(self, request, number):
        if not verifactu_conf.enabled():
            raise Http404
        invoice = get_object_or_404(Invoice, number=number)
        content = verifactu_exports.document_xml(invoice)
        if content is None:
            raise Http404
        return xml_download(content, f"{invoice.number}-verifactu.xml")


class InvoiceKsefXmlView(StaffRequiredMixin, View):
    """One invoice as KSeF FA(3) XML; 404 unless the seller has a Polish establishment."""

    def get(self, request, number):
        if not ksef.enabled():
            raise Http404
        invoice = get_object_or_404(Invoice, number=number)
        try:
            content = ksef.fa3_bytes(invoice)
        except ksef.KsefUnavailable as error:
            messages.error(request, str(error))
            return redirect("backoffice:order_detail", number=invoice.order_number)
        return xml_download(content, f"{invoice.number}-ksef.xml")


class VerifactuCancelView(StaffRequiredMixin, View):
    """Managers cancel a document's VeriFactu record ("registro de anulación"), with a
    reason; the invoice itself stays as issued."""

    required_roles = (StaffRole.MANAGER,)
    template_name = "documents/backoffice/verifactu_cancel.html"

    def _render(self, request, invoice, form, status=200):
        context = {
            "invoice": invoice,
            "form": form,
            "problem": verifactu_records.cancellation_problem(invoice),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, number):
        invoice = get_object_or_404(Invoice, number=number)
        return self._render(request, invoice, VerifactuCancelForm())

    def post(self, request, number):
        invoice = get_object_or_404(Invoice, number=number)
        form = VerifactuCancelForm(request.POST)
        if not form.is_valid():
            return self._render(request, invoice, form, status=400)
        try:
            verifactu_records.record_anulacion(
                invoice, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except verifactu_records.RecordRefused as error:
            form.add_error(None, str(error))
            return self._render(request, invoice, form, status=400)
        messages.success(
            request,
            _("The VeriFactu record of %(number)s is cancelled.") % {"number": invoice.number},
        )
        return redirect("backoffice:order_detail", number=invoice.order_number)
