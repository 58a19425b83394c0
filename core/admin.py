"""Admin: the VAT rates per country and tax category (``core.TaxRate``), changed by
managers; each change is audited (``core.audit``) like any configuration change."""

from django.contrib import admin

from . import audit
from .models import TaxRate
from .roles import StaffRole


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ("country", "category", "rate")
    list_filter = ("country", "category")
    ordering = ("country", "rate")

    def _is_manager(self, request) -> bool:
        user = request.user
        return user.is_superuser or user.groups.filter(name=StaffRole.MANAGER).exists()

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff and self._is_manager(request)

    def has_add_permission(self, request):
        return self.has_view_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def save_model(self, request, obj, form, change):
        if change:
            before = audit.snapshot(TaxRate.objects.get(pk=obj.pk))
            obj.save()
            audit.record_change(actor=request.user, instance=obj, before=before)
        else:
            obj.save()
            audit.record_created(actor=request.user, instance=obj)
