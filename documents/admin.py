from django.contrib import admin

from .models import DocumentFile, Invoice, InvoiceLine, VerifactuRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    """Issued documents are immutable: the admin only shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    readonly_fields = ("position", "sku", "description", "quantity", "unit_price", "vat_rate")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "order_number", "company", "issued_at", "total", "currency")
    list_filter = ("kind", "currency")
    search_fields = ("number", "order_number", "customer__legal_name")
    inlines = [InvoiceLineInline]


@admin.register(DocumentFile)
class DocumentFileAdmin(ReadOnlyAdmin):
    list_display = ("order", "kind", "status", "attempts", "updated_at")
    list_filter = ("kind", "status")


@admin.register(VerifactuRecord)
class VerifactuRecordAdmin(ReadOnlyAdmin):
    """VeriFactu records are append-only: shown, never changed."""

    list_display = ("issuer_nif", "sequence", "kind", "invoice_number", "generated_at", "hash")
    list_filter = ("kind", "issuer_nif")
    search_fields = ("invoice_number", "hash")
