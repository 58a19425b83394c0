"""Back-office pages for the catalog and stock: lists, forms, imports and exports.

Every page is for staff; changing stock is for warehouse staff and managers, changing
the catalog (products, categories, warehouses) for managers.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.errors import DomainError
from core.roles import StaffRole, has_staff_role
from core.views import FilteredListView, StaffRequiredMixin

from .. import services
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

CATALOG_EDITORS = (StaffRole.MANAGER,)
STOCK_KEEPERS = (StaffRole.WAREHOUSE, StaffRole.MANAGER)


def add_domain_error(form, error: DomainError) -> None:
    """Show a service's error on the form: on its fields when it names them."""
    placed = False
    for field, field_messages in error.fields.items():
        target = field if field in form.fields else {"sku": "product"}.get(field)
        if target in form.fields:
            for message in field_messages:
                form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


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
            "can_edit_catalog": has_staff_role(user, *CATALOG_EDITORS),
            "can_keep_stock": has_staff_role(user, *STOCK_KEEPERS),
        }


class InventoryFormView(InventoryMixin, View):
    """A form that calls one service; ``perform`` returns where to go next.

    Domain errors from the service become form errors and nothing is saved.
    """

    form_class = None
    template_name = "inventory/backoffice/form.html"
    title = ""
    success_message = ""

    def get_object(self):
        return None

    def get_form_kwargs(self):
        return {}

    def get_context(self, form, **extra):
        context = {
            "form": form,
            "object": self.object,
            "title": self.get_title(),
            "cancel_url": self.cancel_url(),
        }
        context.update(self.inventory_context())
        context.update(extra)
        return context

    def get_title(self):
        return self.title

    def cancel_url(self):
        return reverse("backoffice:product_list")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.form_class(**self.get_form_kwargs())
        return render(request, self.template_name, self.get_context(form))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.form_class(request.POST, request.FILES, **self.get_form_kwargs())
        if form.is_valid():
            try:
                target = self.perform(form)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return redirect(target)
        return render(request, self.template_name, self.get_context(form), status=400)

    def perform(self, form):
        raise NotImplementedError


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
    required_roles = CATALOG_EDITORS
    form_class = ProductForm
    tab = "products"

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Product, pk=pk) if pk else None

    def get_form_kwargs(self):
        return {"instance": self.object}

    def get_title(self):
        return _("Edit product") if self.object else _("New product")

    def cancel_url(self):
        if self.object:
            return reverse("backoffice:product_detail", args=[self.object.pk])
        return reverse("backoffice:product_list")

    def perform(self, form):
        data = form.cleaned_data
        if self.object is None:
            product = services.create_product(actor=self.request.user, **data)
            messages.success(self.request, _("Product created."))
        else:
            self.object.refresh_from_db()
            product = services.update_product(product=self.object, actor=self.request.user, **data)
            messages.success(self.request, _("Product saved."))
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
        return {"can_edit_catalog": has_staff_role(self.request.user, *CATALOG_EDITORS)}


class CategoryFormView(InventoryFormView):
    required_roles = CATALOG_EDITORS
    form_class = CategoryForm
    tab = "categories"
    success_message = ""

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Category, pk=pk) if pk else None

    def get_form_kwargs(self):
        return {"instance": self.object}

    def get_title(self):
        return _("Edit category") if self.object else _("New category")

    def cancel_url(self):
        return reverse("backoffice:category_list")

    def perform(self, form):
        if self.object is None:
            services.create_category(actor=self.request.user, **form.cleaned_data)
        else:
            self.object.refresh_from_db()
            services.update_category(
                category=self.object, actor=self.request.user, **form.cleaned_data
            )
        messages.success(self.request, _("Category saved."))
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
        return {"can_edit_catalog": has_staff_role(self.request.user, *CATALOG_EDITORS)}


class WarehouseFormView(InventoryFormView):
    required_roles = CATALOG_EDITORS
    form_class = WarehouseForm
    tab = "warehouses"

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Warehouse, pk=pk) if pk else None

    def get_form_kwargs(self):
        return {"instance": self.object}

    def get_title(self):
        return _("Edit warehouse") if self.object else _("New warehouse")

    def cancel_url(self):
        return reverse("backoffice:warehouse_list")

    def perform(self, form):
        data = dict(form.cleaned_data)
        if self.object is None:
            services.create_warehouse(actor=self.request.user, **data)
        else:
            self.object.refresh_from_db()
            if self.object.is_default and not data["is_default"]:
                raise DomainError(
                    _("Make another warehouse the default instead of unticking this one."),
                    fields={"is_default": [_("Make another warehouse the default instead.")]},
                )
            services.update_warehouse(warehouse=self.object, actor=self.request.user, **data)
        messages.success(self.request, _("Warehouse saved."))
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
    required_roles = STOCK_KEEPERS
    form_class = ReorderLevelsForm
    tab = "stock"

    def get_object(self):
        return get_object_or_404(
            StockItem.objects.select_related("product", "warehouse"), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        return {
            "initial": {
                "reorder_point": self.object.reorder_point,
                "reorder_quantity": self.object.reorder_quantity,
                "bin_location": self.object.bin_location,
            }
        }

    def get_title(self):
        return _("Reorder levels and location: %(item)s") % {"item": self.object}

    def cancel_url(self):
        return reverse("backoffice:product_detail", args=[self.object.product_id])

    @transaction.atomic
    def perform(self, form):
        data = dict(form.cleaned_data)
        where = {"product": self.object.product, "warehouse": self.object.warehouse}
        services.set_bin_location(**where, bin_location=data.pop("bin_location"))
        services.set_reorder_levels(**where, user=self.request.user, **data)
        messages.success(self.request, _("Reorder levels saved."))
        return reverse("backoffice:product_detail", args=[self.object.product_id])


class _StockChangeFormView(InventoryFormView):
    required_roles = STOCK_KEEPERS
    tab = "stock"

    def get_form_kwargs(self):
        if self.request.method != "GET":
            return {}
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
        return {"initial": initial}

    def cancel_url(self):
        return reverse("backoffice:stock_list")


class ReceiveStockView(_StockChangeFormView):
    form_class = ReceiveForm
    title = ""

    def get_title(self):
        return _("Receive stock")

    def perform(self, form):
        data = form.cleaned_data
        movement = services.receive(user=self.request.user, **data)
        messages.success(
            self.request,
            _("%(quantity)d × %(sku)s received in %(warehouse)s.")
            % {
                "quantity": data["quantity"],
                "sku": data["product"].sku,
                "warehouse": data["warehouse"].code,
            },
        )
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
            "user": self.request.user,
        }
        if data["mode"] == MovementKind.WRITE_OFF:
            services.write_off(quantity=data["quantity"], **common)
        elif data["mode"] == AdjustForm.COUNT:
            services.adjust(counted=data["quantity"], **common)
        else:
            services.adjust(quantity=data["quantity"], **common)
        messages.success(
            self.request, _("Stock of %(sku)s updated.") % {"sku": data["product"].sku}
        )
        return reverse("backoffice:product_detail", args=[data["product"].pk])


class StockImportView(InventoryMixin, View):
    """Upload receipts as CSV: every row is checked first; all are recorded or none."""

    required_roles = STOCK_KEEPERS
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
                movements = services.record_stock_changes(changes=parsed.changes, user=request.user)
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
                form.add_error(None, error.message)
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
