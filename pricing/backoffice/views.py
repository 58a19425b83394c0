"""Back-office pages for prices: price lists and their prices, a company's list and
its contract prices, with CSV import (all or nothing, errors by row) and export.

For customer service and managers (``pricing.permissions``); the services decide, the
pages answer 403 early to other staff. The default EUR list's base prices are the
products' unit prices: they are edited on the product (managers).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.csvio import csv_response
from core.errors import DomainError
from core.forms import apply_domain_error
from core.views import FilteredListView, ServiceFormView, StaffRequiredMixin
from customers.models import Company

from .. import services
from ..errors import InvalidPrices
from ..imports import (
    CONTRACT_COLUMNS,
    PRICE_COLUMNS,
    CsvFileError,
    contract_rows,
    parse_contract_prices_csv,
    parse_prices_csv,
    price_rows,
    row_errors,
)
from ..models import ContractPrice, Price, PriceList
from ..permissions import PRICE_EDITORS
from ..resolution import company_price_list
from ..selectors import contract_prices_of, prices_of
from .filters import ContractPriceFilterSet, PriceListFilterSet, PriceRowFilterSet
from .forms import (
    CompanyPriceListForm,
    ConfirmForm,
    ContractPriceForm,
    CsvImportForm,
    PriceForm,
    PriceListForm,
)
from .tables import ContractPriceTable, PriceListTable, PriceRowTable


class PricingMixin(StaffRequiredMixin):
    required_roles = PRICE_EDITORS


class PricingFormView(PricingMixin, ServiceFormView):
    template_name = "pricing/backoffice/form.html"
    title = ""
    back_url = ""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.get_title())
        kwargs.setdefault("cancel_url", self.cancel_url())
        return super().get_context_data(**kwargs)

    def get_title(self):
        return self.title

    def cancel_url(self):
        return reverse("backoffice:price_list_list")

    def get_success_url(self, result) -> str:
        return result


def _first_item_errors(form, error: InvalidPrices):
    """The errors of a one-item upsert on the form's fields."""
    for field, field_messages in error.errors.get(0, {}).items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)
    if not error.errors:
        form.add_error(None, error.message)


# --- price lists -------------------------------------------------------------------------


class PriceListListView(PricingMixin, FilteredListView):
    template_name = "pricing/backoffice/price_list_list.html"
    filterset_class = PriceListFilterSet
    table_class = PriceListTable
    context_object_name = "price_lists"

    def get_base_queryset(self):
        return PriceList.objects.order_by("currency", "code")


class PriceListFormView(PricingFormView):
    form_class = PriceListForm

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(PriceList, pk=pk) if pk else None

    def get_title(self):
        return _("Edit price list") if self.object else _("New price list")

    def get_context_data(self, **kwargs):
        if self.object is not None and self.request.method == "POST":
            self.object.refresh_from_db()
        return super().get_context_data(**kwargs)

    def perform(self, form):
        data = form.cleaned_data
        if self.object is None:
            price_list = services.create_price_list(actor=self.request.user, **data)
        else:
            price_list = services.update_price_list(
                price_list=self.object, actor=self.request.user, **data
            )
        self.success_message = _("Price list saved.")
        return reverse("backoffice:price_list_detail", args=[price_list.pk])


class PriceListDetailView(PricingMixin, FilteredListView):
    """A list's prices (list prices and quantity breaks), searchable by SKU."""

    template_name = "pricing/backoffice/price_list_detail.html"
    filterset_class = PriceRowFilterSet
    table_class = PriceRowTable
    context_object_name = "rows"
    paginate_by = 50

    def get_base_queryset(self):
        self.price_list = get_object_or_404(PriceList, pk=self.kwargs["pk"])
        return prices_of(self.price_list)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["price_list"] = self.price_list
        return context


class PriceFormView(PricingFormView):
    """Add a price (or a quantity break) to a list, or change one."""

    form_class = PriceForm

    def dispatch(self, request, *args, **kwargs):
        self.price_list = None
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        self.price_list = get_object_or_404(PriceList, pk=self.kwargs["pk"])
        price_pk = self.kwargs.get("price_pk")
        if price_pk is None:
            return None
        return get_object_or_404(
            Price.objects.select_related("product"), pk=price_pk, price_list=self.price_list
        )

    def get_form(self):
        kwargs = self.get_form_kwargs()
        if self.object is not None:
            kwargs["initial"] = {
                "sku": self.object.product.sku,
                "min_quantity": self.object.min_quantity,
                "price": self.object.price,
            }
        return self.form_class(editing=self.object is not None, **kwargs)

    def get_title(self):
        if self.object is not None:
            return _("Price of %(sku)s in %(list)s") % {
                "sku": self.object.product.sku,
                "list": self.price_list.code,
            }
        return _("New price in %(list)s") % {"list": self.price_list.code}

    def cancel_url(self):
        return reverse("backoffice:price_list_detail", args=[self.price_list.pk])

    def perform(self, form):
        data = form.cleaned_data
        try:
            services.upsert_prices(
                price_list=self.price_list,
                actor=self.request.user,
                items=[
                    services.PriceItem(
                        sku=data["sku"], price=data["price"], min_quantity=data["min_quantity"]
                    )
                ],
            )
        except InvalidPrices as error:
            _first_item_errors(form, error)
            raise DomainError(error.message) from error
        self.success_message = _("Price saved.")
        return self.cancel_url()


class PriceDeleteView(PricingFormView):
    form_class = ConfirmForm
    template_name = "pricing/backoffice/confirm_delete.html"

    def get_object(self):
        self.price_list = get_object_or_404(PriceList, pk=self.kwargs["pk"])
        return get_object_or_404(
            Price.objects.select_related("product"),
            pk=self.kwargs["price_pk"],
            price_list=self.price_list,
        )

    def get_title(self):
        return _("Delete the price of %(sku)s from %(quantity)d units in %(list)s?") % {
            "sku": self.object.product.sku,
            "quantity": self.object.min_quantity,
            "list": self.price_list.code,
        }

    def cancel_url(self):
        return reverse("backoffice:price_list_detail", args=[self.price_list.pk])

    def perform(self, form):
        services.delete_price(price=self.object, actor=self.request.user)
        self.success_message = _("Price deleted.")
        return self.cancel_url()


class PriceExportView(PricingMixin, View):
    """The list's prices as CSV (``sku,price,min_quantity``, decimal point): the file
    the import reads back."""

    def get(self, request, pk):
        price_list = get_object_or_404(PriceList, pk=pk)
        rows = prices_of(price_list)
        filename = f"prices-{price_list.code}-{timezone.localdate():%Y%m%d}.csv"
        return csv_response(filename, PRICE_COLUMNS, price_rows(rows.iterator(chunk_size=1000)))


class CsvImportView(PricingMixin, View):
    """Upload a CSV: every row is checked first; all rows are written or none."""

    template_name = "pricing/backoffice/import.html"
    columns: tuple[str, ...] = ()

    def target(self):
        raise NotImplementedError

    def parse(self, upload):
        raise NotImplementedError

    def write(self, target, items):
        raise NotImplementedError

    def back_url(self, target) -> str:
        raise NotImplementedError

    def title(self, target) -> str:
        raise NotImplementedError

    def _form(self, data=None, files=None):
        return CsvImportForm(data, files, columns=",".join(self.columns))

    def _context(self, target, form, errors=()):
        return {
            "form": form,
            "row_errors": errors,
            "title": self.title(target),
            "cancel_url": self.back_url(target),
            "columns": ",".join(self.columns),
        }

    def get(self, request, **kwargs):
        target = self.target()
        return render(request, self.template_name, self._context(target, self._form()))

    def post(self, request, **kwargs):
        target = self.target()
        form = self._form(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            try:
                parsed = self.parse(form.cleaned_data["file"])
                result = self.write(target, parsed.items)
            except CsvFileError as error:
                form.add_error("file", error.message)
            except InvalidPrices as error:
                errors = row_errors(error, parsed.line_numbers)
                form.add_error(
                    None,
                    _("Nothing was imported: %(count)d rows have errors (first: row %(row)d).")
                    % {"count": len(error.errors), "row": errors[0]["row"]}
                    if errors
                    else error.message,
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(created)d prices added, %(updated)d changed, %(unchanged)d unchanged.")
                    % {
                        "created": len(result.created),
                        "updated": len(result.updated),
                        "unchanged": len(result.unchanged),
                    },
                )
                return redirect(self.back_url(target))
        return render(request, self.template_name, self._context(target, form, errors), status=400)


class PriceImportView(CsvImportView):
    columns = PRICE_COLUMNS

    def target(self):
        return get_object_or_404(PriceList, pk=self.kwargs["pk"])

    def parse(self, upload):
        return parse_prices_csv(upload)

    def write(self, target, items):
        return services.upsert_prices(price_list=target, actor=self.request.user, items=items)

    def back_url(self, target):
        return reverse("backoffice:price_list_detail", args=[target.pk])

    def title(self, target):
        return _("Import prices into %(list)s") % {"list": target.code}


# --- a company's list and contract prices ------------------------------------------------


class ContractPriceListView(PricingMixin, FilteredListView):
    template_name = "pricing/backoffice/contract_price_list.html"
    filterset_class = ContractPriceFilterSet
    table_class = ContractPriceTable
    context_object_name = "contracts"
    paginate_by = 50

    def get_base_queryset(self):
        self.company = get_object_or_404(Company, pk=self.kwargs["pk"])
        return contract_prices_of(self.company)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pricing = getattr(self.company, "pricing", None)
        context.update(
            company=self.company,
            assigned=pricing.price_list if pricing is not None else None,
            effective=company_price_list(self.company),
        )
        return context


class CompanyFormMixin:
    def company(self) -> Company:
        if not hasattr(self, "_company"):
            self._company = get_object_or_404(Company, pk=self.kwargs["pk"])
        return self._company

    def cancel_url(self):
        return reverse("backoffice:contract_price_list", args=[self.company().pk])


class CompanyPriceListView(CompanyFormMixin, PricingFormView):
    """Choose the list a company buys from."""

    form_class = CompanyPriceListForm

    def get_form(self):
        company = self.company()
        pricing = getattr(company, "pricing", None)
        kwargs = self.get_form_kwargs()
        kwargs["initial"] = {"price_list": pricing.price_list if pricing is not None else None}
        return self.form_class(company=company, **kwargs)

    def get_title(self):
        return _("Price list of %(company)s") % {"company": self.company().legal_name}

    def perform(self, form):
        services.set_company_price_list(
            company=self.company(),
            price_list=form.cleaned_data["price_list"],
            actor=self.request.user,
        )
        self.success_message = _("Price list assigned.")
        return self.cancel_url()


class ContractPriceFormView(CompanyFormMixin, PricingFormView):
    form_class = ContractPriceForm

    def get_object(self):
        contract_pk = self.kwargs.get("contract_pk")
        if contract_pk is None:
            return None
        return get_object_or_404(
            ContractPrice.objects.select_related("product"),
            pk=contract_pk,
            company=self.company(),
        )

    def get_form(self):
        kwargs = self.get_form_kwargs()
        if self.object is not None:
            kwargs["initial"] = {
                "sku": self.object.product.sku,
                "price": self.object.price,
                "valid_from": self.object.valid_from,
                "valid_to": self.object.valid_to,
            }
        return self.form_class(editing=self.object is not None, **kwargs)

    def get_title(self):
        if self.object is not None:
            return _("Contract price of %(sku)s for %(company)s") % {
                "sku": self.object.product.sku,
                "company": self.company().legal_name,
            }
        return _("New contract price for %(company)s") % {"company": self.company().legal_name}

    def perform(self, form):
        data = form.cleaned_data
        try:
            services.save_contract_price(
                company=self.company(),
                actor=self.request.user,
                sku=data["sku"] if self.object is None else self.object.product.sku,
                price=data["price"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                contract=self.object,
            )
        except InvalidPrices as error:
            _first_item_errors(form, error)
            raise DomainError(error.message) from error
        self.success_message = _("Contract price saved.")
        return self.cancel_url()


class ContractPriceDeleteView(CompanyFormMixin, PricingFormView):
    form_class = ConfirmForm
    template_name = "pricing/backoffice/confirm_delete.html"

    def get_object(self):
        return get_object_or_404(
            ContractPrice.objects.select_related("product"),
            pk=self.kwargs["contract_pk"],
            company=self.company(),
        )

    def get_title(self):
        return _("Delete the contract price of %(sku)s for %(company)s?") % {
            "sku": self.object.product.sku,
            "company": self.company().legal_name,
        }

    def perform(self, form):
        services.delete_contract_price(contract=self.object, actor=self.request.user)
        self.success_message = _("Contract price deleted.")
        return self.cancel_url()


class ContractPriceExportView(PricingMixin, View):
    def get(self, request, pk):
        company = get_object_or_404(Company, pk=pk)
        rows = contract_prices_of(company).iterator(chunk_size=1000)
        filename = f"contract-prices-{company.pk}-{timezone.localdate():%Y%m%d}.csv"
        return csv_response(filename, CONTRACT_COLUMNS, contract_rows(rows))


class ContractPriceImportView(CsvImportView):
    columns = CONTRACT_COLUMNS

    def target(self):
        return get_object_or_404(Company, pk=self.kwargs["pk"])

    def parse(self, upload):
        return parse_contract_prices_csv(upload)

    def write(self, target, items):
        return services.upsert_contract_prices(company=target, actor=self.request.user, items=items)

    def back_url(self, target):
        return reverse("backoffice:contract_price_list", args=[target.pk])

    def title(self, target):
        return _("Import contract prices of %(company)s") % {"company": target.legal_name}
