"""Back-office pages for the catalog and stock: lists, forms, imports and exports.

Every page is for staff. Who may change what is decided by the services
(``inventory.permissions``): stock for warehouse staff and managers, the catalog
(products, categories, warehouses) for managers; the form views check the same roles
first only to answer with a 403 page instead of a refused form.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.errors import DomainError
from core.forms import apply_domain_error
from core.views import FilteredListView, ServiceFormView, StaffRequiredMixin

from .. import permissions, services
from ..errors import InvalidStockChanges
from ..filters import CategoryFilterSet, MovementFilterSet, ProductFilterSet, StockFilterSet
from ..imports import CsvFileError, parse_receipts_csv
from ..models import Category, MovementKind, Product, StockItem, Warehouse
from ..selectors import (
    category_list,
    low_stock_count,
    movement_list,
    product_list,
    stock_for_product,
    stock_list,
    warehouse_list,
)
from .forms import (
    AdjustForm,
    CategoryForm,
    ProductForm,
    ReceiveForm,
    ReorderLevelsForm,
    StockImportForm,
    WarehouseForm,
)
from .tables import (
    CategoryTable,
    MovementTable,
    ProductTable,
    StockTable,
    WarehouseTable,
)


class InventoryMixin(StaffRequiredMixin):
    """Adds what every inventory page shows: the sub-navigation with the low-stock badge."""

    tab = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.inventory_context())
        return context

    def inventory_context(self):
        user = self.request.user
        return {
            "tab": self.tab,
            "low_stock_count": low_stock_count(),
            "can_edit_catalog": permissions.can_edit_catalog(user),
            "can_keep_stock": permissions.can_keep_stock(user),
        }


class InventoryFormView(InventoryMixin, ServiceFormView):
    """A form page that calls one inventory service (``perform``); the service decides
    who may do it, ``required_roles`` only answers a friendly 403 early. The page shows
    the edited object's audit trail."""

    template_name = "inventory/backoffice/form.html"
    title = ""
    success_message = ""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.get_title())
        kwargs.setdefault("cancel_url", self.cancel_url())
        return super().get_context_data(**kwargs)

    def get_title(self):
        return self.title

    def cancel_url(self):
        return reverse("backoffice:product_list")

    def get_success_url(self, result) -> str:
        return result


# --- Products -------------------------------------------------------------------------


class ProductListView(InventoryMixin, FilteredListView):
    template_name = "inventory/backoffice/product_list.html"
    filterset_class = ProductFilterSet
    table_class = ProductTable
    context_object_name = "products"
    tab = "products"

    def get_base_queryset(self):
        return product_list().order_by("sku")


class ProductDetailView(InventoryMixin, FilteredListView):
    """A product's stock per warehouse and its movement history (filterable)."""

    template_name = "inventory/backoffice/product_detail.html"
    filterset_class = MovementFilterSet
    table_class = MovementTable
    context_object_name = "movements"
    tab = "products"

    def get_base_queryset(self):
        self.product = get_object_or_404(
            Product.objects.select_related("category"), pk=self.kwargs["pk"]
        )
        return movement_list().filter(stock_item__product=self.product)

    def get_table_context(self):
        return {"hide_product": True}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["product"] = self.product
        context["stock_items"] = stock_for_product(self.product)
        context["hide_product"] = True
        return context


class ProductFormView(InventoryFormView):
    required_roles = permissions.CATALOG_EDITORS
    form_class = ProductForm
    tab = "products"

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Product, pk=pk) if pk else None

    def get_title(self):
        return _("Edit product") if self.object else _("New product")

    def cancel_url(self):
        if self.object:
            return reverse("backoffice:product_detail", args=[self.object.pk])
        return reverse("backoffice:product_list")

    def perform(self, form):
        data = form.service_data()
        if self.object is None:
            product = services.create_product(actor=self.request.user, **data)
            self.success_message = _("Product created.")
        else:
            product = services.update_product(product=self.object, actor=self.request.user, **data)
            self.success_message = _("Product saved.")
        return reverse("backoffice:product_detail", args=[product.pk])


# --- Categories -----------------------------------------------------------------------


class CategoryListView(InventoryMixin, FilteredListView):
    template_name = "inventory/backoffice/category_list.html"
    filterset_class = CategoryFilterSet
    table_class = CategoryTable
    context_object_name = "categories"
    tab = "categories"

    def get_base_queryset(self):
        return category_list()

    def get_table_context(self):
        return {"can_edit_catalog": permissions.can_edit_catalog(self.request.user)}


class CategoryFormView(InventoryFormView):
    required_roles = permissions.CATALOG_EDITORS
    form_class = CategoryForm
    tab = "categories"

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Category, pk=pk) if pk else None

    def get_title(self):
        return _("Edit category") if self.object else _("New category")

    def cancel_url(self):
        return reverse("backoffice:category_list")

    def perform(self, form):
        if self.object is None:
            services.create_category(actor=self.request.user, **form.service_data())
        else:
            services.update_category(
                category=self.object, actor=self.request.user, **form.service_data()
            )
        self.success_message = _("Category saved.")
        return reverse("backoffice:category_list")


# --- Warehouses -----------------------------------------------------------------------


class WarehouseListView(InventoryMixin, FilteredListView):
    template_name = "inventory/backoffice/warehouse_list.html"
    table_class = WarehouseTable
    context_object_name = "warehouses"
    tab = "warehouses"

    def get_base_queryset(self):
        return warehouse_list()

    def get_table_context(self):
        return {"can_edit_catalog": permissions.can_edit_catalog(self.request.user)}


class WarehouseFormView(InventoryFormView):
    required_roles = permissions.CATALOG_EDITORS
    form_class = WarehouseForm
    tab = "warehouses"

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Warehouse, pk=pk) if pk else None

    def get_title(self):
        return _("Edit warehouse") if self.object else _("New warehouse")

    def cancel_url(self):
        return reverse("backoffice:warehouse_list")

    def perform(self, form):
        data = form.cleaned_data
        if self.object is None:
            services.create_warehouse(actor=self.request.user, **data)
        else:
            # The service keeps exactly one default (unticking it is refused there).
            services.update_warehouse(warehouse=self.object, actor=self.request.user, **data)
        self.success_message = _("Warehouse saved.")
        return reverse("backoffice:warehouse_list")


# --- Stock ----------------------------------------------------------------------------


class StockListView(InventoryMixin, FilteredListView):
    """Stock per product x warehouse; ``?export=csv`` (or ``stock/export.csv``) is the
    same list, with the same filters, as CSV."""

    template_name = "inventory/backoffice/stock_list.html"
    filterset_class = StockFilterSet
    table_class = StockTable
    context_object_name = "stock_items"
    paginate_by = 50
    tab = "stock"

    def get_base_queryset(self):
        return stock_list()


class StockExportView(StockListView):
    """The stock list as CSV, with the list's filters (a stable download address)."""

    def wants_export(self):
        return True


class ReorderLevelsView(InventoryFormView):
    required_roles = permissions.STOCK_KEEPERS
    form_class = ReorderLevelsForm
    tab = "stock"

    def get_object(self):
        return get_object_or_404(
            StockItem.objects.select_related("product", "warehouse"), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["initial"] = {
            "reorder_point": self.object.reorder_point,
            "reorder_quantity": self.object.reorder_quantity,
            "bin_location": self.object.bin_location,
        }
        return kwargs

    def get_title(self):
        return _("Reorder levels and location: %(item)s") % {"item": self.object}

    def cancel_url(self):
        return reverse("backoffice:product_detail", args=[self.object.product_id])

    def perform(self, form):
        services.set_stock_settings(
            actor=self.request.user,
            product=self.object.product,
            warehouse=self.object.warehouse,
            **form.cleaned_data,
        )
        self.success_message = _("Reorder levels saved.")
        return reverse("backoffice:product_detail", args=[self.object.product_id])


class _StockChangeFormView(InventoryFormView):
    required_roles = permissions.STOCK_KEEPERS
    tab = "stock"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method != "GET":
            return kwargs
        initial = {}
        sku = self.request.GET.get("sku", "").strip()
        if sku:
            initial["product"] = Product.objects.filter(sku=sku).first()
        code = self.request.GET.get("warehouse", "").strip()
        initial["warehouse"] = (
            Warehouse.objects.filter(code=code).first()
            if code
            else Warehouse.objects.filter(is_default=True).first()
        )
        kwargs["initial"] = initial
        return kwargs

    def cancel_url(self):
        return reverse("backoffice:stock_list")


class ReceiveStockView(_StockChangeFormView):
    form_class = ReceiveForm
    title = ""

    def get_title(self):
        return _("Receive stock")

    def perform(self, form):
        data = form.cleaned_data
        movement = services.receive(actor=self.request.user, **data)
        self.success_message = _("%(quantity)d × %(sku)s received in %(warehouse)s.") % {
            "quantity": data["quantity"],
            "sku": data["product"].sku,
            "warehouse": data["warehouse"].code,
        }
        return reverse("backoffice:product_detail", args=[movement.stock_item.product_id])


class AdjustStockView(_StockChangeFormView):
    form_class = AdjustForm

    def get_title(self):
        return _("Adjust stock")

    def perform(self, form):
        data = form.cleaned_data
        common = {
            "product": data["product"],
            "warehouse": data["warehouse"],
            "reason": data["reason"],
            "actor": self.request.user,
        }
        if data["mode"] == MovementKind.WRITE_OFF:
            services.write_off(quantity=data["quantity"], **common)
        elif data["mode"] == AdjustForm.COUNT:
            services.adjust(counted=data["quantity"], **common)
        else:
            services.adjust(quantity=data["quantity"], **common)
        self.success_message = _("Stock of %(sku)s updated.") % {"sku": data["product"].sku}
        return reverse("backoffice:product_detail", args=[data["product"].pk])


class StockImportView(InventoryMixin, View):
    """Upload receipts as CSV: every row is checked first; all are recorded or none."""

    required_roles = permissions.STOCK_KEEPERS
    template_name = "inventory/backoffice/stock_import.html"
    tab = "stock"

    def get(self, request):
        return render(request, self.template_name, self._context(StockImportForm()))

    def _context(self, form, row_errors=()):
        context = {"form": form, "row_errors": row_errors}
        context.update(self.inventory_context())
        return context

    def post(self, request):
        form = StockImportForm(request.POST, request.FILES)
        row_errors = []
        if form.is_valid():
            try:
                parsed = parse_receipts_csv(form.cleaned_data["file"])
                movements = services.record_stock_changes(
                    actor=request.user, changes=parsed.changes
                )
            except CsvFileError as error:
                form.add_error("file", error.message)
            except InvalidStockChanges as error:
                for index, fields in sorted(error.errors.items()):
                    for field, field_messages in fields.items():
                        for message in field_messages:
                            row_errors.append(
                                {
                                    "row": parsed.line_numbers[index],
                                    "field": field,
                                    "message": message,
                                }
                            )
                form.add_error(None, error.message)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request, _("%(count)d receipts recorded.") % {"count": len(movements)}
                )
                return redirect(reverse("backoffice:movement_list") + "?kind=receipt")
        return render(request, self.template_name, self._context(form, row_errors), status=400)


class MovementListView(InventoryMixin, FilteredListView):
    template_name = "inventory/backoffice/movement_list.html"
    filterset_class = MovementFilterSet
    table_class = MovementTable
    context_object_name = "movements"
    paginate_by = 50
    tab = "movements"

    def get_base_queryset(self):
        return movement_list()
