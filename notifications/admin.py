from django.contrib import admin

from .models import SatisfactionRating, SentNotification


@admin.register(SentNotification)
class SentNotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "order", "company", "user", "status", "attempts", "subject", "sent_at")
    list_filter = ("kind", "status")
    list_select_related = ("order", "company", "user")
    readonly_fields = [field.name for field in SentNotification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    list_display = ("order", "score", "rated_at")
    readonly_fields = ("order", "score", "rated_at")

    def has_add_permission(self, request):
        return False
