from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Address, Company, Tag, TimelineEntry, User


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "tax_id", "city", "country", "payment_terms", "status")
    list_filter = ("status", "country", "payment_terms", "tags")
    search_fields = ("legal_name", "tax_id", "email", "external_ref")
    inlines = [AddressInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(TimelineEntry)
class TimelineEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "company", "kind", "summary", "actor", "visibility")
    list_filter = ("kind", "visibility")
    search_fields = ("summary", "company__legal_name")
    raw_id_fields = ("company", "actor")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "company", "role", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "role", "groups")
    search_fields = ("email", "first_name", "last_name", "company__legal_name")
    raw_id_fields = ("company",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (_("Customer"), {"fields": ("company", "role")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
