"""The portal's account area: credit figures, invoices and credit notes (filters, PDFs,
paid / open / overdue), and the account statement of a date range as a page, a PDF
and a CSV.

Every company role may read it (viewers are read-only, and reading is what this area
does; buyers need to see the credit left before they order). Every query starts from
``self.company``: another company's invoice is a 404.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core.csvio import csv_response
from core.views import CustomerRequiredMixin, FilteredListView

from ..account import (
    PaymentState,
    account_documents,
    account_statement,
    credit_figures,
    upcoming_due,
)
from ..pdf import _seller
from ..rendering import render_pdf
from ..views import pdf_response
from .filters import PortalInvoiceFilterSet
from .forms import statement_form
from .tables import PortalInvoiceTable

STATEMENT_PDF = "documents/pdf/statement.html"


class AccountView(CustomerRequiredMixin, TemplateView):
    """Credit limit, used and available, open orders' value, payment terms, the unpaid
    invoices by due date, and the statement form."""

    template_name = "documents/portal/account.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            company=self.company,
            figures=credit_figures(self.company),
            due=upcoming_due(self.company),
            statement_form=statement_form({}),
            today=timezone.localdate(),
            account_tab="overview",
        )
        return context


class InvoiceListView(CustomerRequiredMixin, FilteredListView):
    """The company's invoices and credit notes: search, type, payment state, issue
    dates, sort, CSV."""

    template_name = "documents/portal/invoice_list.html"
    filterset_class = PortalInvoiceFilterSet
    table_class = PortalInvoiceTable
    context_object_name = "invoices"
    paginate_by = 25

    def get_base_queryset(self):
        return account_documents(self.company).select_related("document")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            account_tab="invoices", states=PaymentState, company=self.company, **kwargs
        )


class InvoicePdfView(CustomerRequiredMixin, View):
    """The PDF of one of the company's invoices or credit notes (another company's, or
    one not rendered yet: 404)."""

    def get(self, request, number):
        invoice = get_object_or_404(
            account_documents(self.company).select_related("document"), number=number
        )
        document = getattr(invoice, "document", None)
        if document is None:
            raise Http404
        return pdf_response(document)


class StatementMixin(CustomerRequiredMixin):
    """Reads the date range; an invalid one shows the form's errors (status 400)."""

    def dispatch_statement(self, request, answer):
        form = statement_form(request.GET)
        if not form.is_valid():
            return render(
                request,
                "documents/portal/statement.html",
                {"form": form, "company": self.company, "account_tab": "statement"},
                status=400,
            )
        statement = account_statement(
            self.company, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
        return answer(form, statement)

    def filename(self, statement, extension) -> str:
        return f"statement-{statement.start:%Y%m%d}-{statement.end:%Y%m%d}.{extension}"


class StatementView(StatementMixin, View):
    def get(self, request):
        def page(form, statement):
            return render(
                request,
                "documents/portal/statement.html",
                {
                    "form": form,
                    "statement": statement,
                    "company": self.company,
                    "query": request.GET.urlencode(),
                    "account_tab": "statement",
                },
            )

        return self.dispatch_statement(request, page)


class StatementPdfView(StatementMixin, View):
    """The statement as a PDF in the company's language (rendered on request: it is a
    read-only report of a range the reader chooses, nothing is stored)."""

    def get(self, request):
        def pdf(form, statement):
            content = render_pdf(
                STATEMENT_PDF,
                {
                    "statement": statement,
                    "seller": _seller(),
                    "company": self.company,
                    "generated_at": timezone.localtime(),
                },
                language=self.company.language,
            )
            response = HttpResponse(content, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="{self.filename(statement, "pdf")}"'
            )
            response["Cache-Control"] = "private, no-store"
            return response

        return self.dispatch_statement(request, pdf)


STATEMENT_CSV_HEADER = [
    "date",
    "type",
    "reference",
    "order",
    "due_date",
    "debit",
    "credit",
    "balance",
    "currency",
]


class StatementCsvView(StatementMixin, View):
    """The statement as CSV (for people: decimals in the reader's language): the opening
    balance, one row per document or payment with the running balance, the closing
    balance."""

    def get(self, request):
        def csv(form, statement):
            currency = statement.currency
            rows = [["", "opening_balance", "", "", "", "", "", statement.opening, currency]]
            rows += [
                [
                    line.date,
                    line.kind,
                    line.reference,
                    line.order_number,
                    line.due_date or "",
                    line.debit,
                    line.credit,
                    line.balance,
                    currency,
                ]
                for line in statement.lines
            ]
            rows.append(
                [
                    statement.end,
                    "closing_balance",
                    "",
                    "",
                    "",
                    statement.debits,
                    statement.credits,
                    statement.closing,
                    currency,
                ]
            )
            response = csv_response(
                self.filename(statement, "csv"), STATEMENT_CSV_HEADER, rows, localize=True
            )
            response["Cache-Control"] = "private, no-store"
            return response

        return self.dispatch_statement(request, csv)
