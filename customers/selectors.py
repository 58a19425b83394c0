"""Read queries used by more than one face."""

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


def users_for(company: Company) -> QuerySet[User]:
    """The users of one company (tenancy starts here)."""
    return User.objects.filter(company=company).order_by("-is_active", "email")
