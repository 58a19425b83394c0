"""Read queries used by more than one face."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from .models import Company, TimelineEntry, User, Visibility


def company_list() -> QuerySet[Company]:
    """Companies with their tags and user counts, for lists (constant queries per page)."""
    return (
        Company.objects.prefetch_related("tags")
        .annotate(user_count=Count("users", filter=Q(users__is_active=True), distinct=True))
        .order_by("legal_name", "id")
    )


def timeline_for(company: Company, *, customer_view: bool = False) -> QuerySet[TimelineEntry]:
    """A company's timeline, newest first; customers see only the customer-visible part."""
    entries = TimelineEntry.objects.filter(company=company).select_related("actor")
    if customer_view:
        entries = entries.filter(visibility=Visibility.CUSTOMER)
    return entries.order_by("-created_at", "-id")


def with_order_numbers(entries) -> list[TimelineEntry]:
    """The entries, evaluated, each with ``order_number`` set when it is about an order
    (None otherwise), so the timeline can link to it: one query for the whole page."""
    entries = list(entries)
    order_model = apps.get_model("orders", "Order")
    order_type_id = ContentType.objects.get_for_model(order_model).pk
    ids = {
        int(entry.object_id)
        for entry in entries
        if entry.content_type_id == order_type_id and entry.object_id.isdigit()
    }
    numbers = {}
    if ids:
        company_ids = {entry.company_id for entry in entries}
        numbers = {
            str(pk): number
            for pk, number in order_model.objects.filter(
                pk__in=ids, company_id__in=company_ids
            ).values_list("pk", "number")
        }
    for entry in entries:
        is_order = entry.content_type_id == order_type_id
        entry.order_number = numbers.get(entry.object_id) if is_order else None
    return entries


def users_for(company: Company) -> QuerySet[User]:
    """The users of one company (tenancy starts here)."""
    return User.objects.filter(company=company).order_by("-is_active", "email")
