"""Admin: read-only. The catalog and the warehouses change in the back-office, through
the inventory services (who may, with an audit row); stock and its ledger change only
through the services too, so that every change has its movement."""

from django.contrib import admin

from .models import Category, LowStockAlert, Product, StockItem, StockMovement, Warehouse


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "returnable",
        "return_window_days",
        "return_shipping_paid_by",
        "restocking_fee_percent",
    )
    search_fields = ("name",)


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ("sku", "name", "category", "unit_price", "tax_category", "active")
    list_filter = ("active", "category")
    search_fields = ("sku", "name", "external_ref")
    list_select_related = ("category",)


@admin.register(Warehouse)
class WarehouseAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "is_default")


@admin.register(StockItem)
class StockItemAdmin(ReadOnlyAdmin):
    list_display = ("product", "warehouse", "on_hand", "reserved", "reorder_point", "low_stock")
    list_filter = ("warehouse", "low_stock")
    search_fields = ("product__sku", "product__name")
    list_select_related = ("product", "warehouse")


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "stock_item",
        "kind",
        "on_hand_delta",
        "reserved_delta",
        "reason",
        "reference",
        "user",
    )
    list_filter = ("kind", "stock_item__warehouse")
    search_fields = ("stock_item__product__sku", "reason", "reference")
    list_select_related = ("stock_item__product", "stock_item__warehouse", "user")
    date_hierarchy = "created_at"


@admin.register(LowStockAlert)
class LowStockAlertAdmin(ReadOnlyAdmin):
    list_display = (
        "raised_at",
        "stock_item",
        "available",
        "reorder_point",
        "emailed_at",
        "resolved_at",
    )
    list_select_related = ("stock_item__product", "stock_item__warehouse")
