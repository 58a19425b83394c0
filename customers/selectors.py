"""Read queries used by more than one face."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from .models import Company, TimelineEntry, TimelineKind, User, Visibility


def company_list() -> QuerySet[Company]:
    """Companies with their tags and user counts, for lists (constant queries per page)."""
    return (
        Company.objects.prefetch_related("tags")
        .annotate(user_count=Count("users", filter=Q(users__is_active=True), distinct=True))
        .order_by("legal_name", "id")
    )


#: The timeline's filters: a group of kinds each (``?kind=orders``), in the tabs' order.
TIMELINE_GROUPS = {
    "orders": (TimelineKind.ORDER,),
    "emails": (TimelineKind.EMAIL,),
    "returns": (TimelineKind.RETURN,),
    "complaints": (TimelineKind.COMPLAINT,),
    "notes": (TimelineKind.NOTE, TimelineKind.CALL, TimelineKind.MEETING),
    "account": (TimelineKind.ACCOUNT,),
}


def timeline_for(
    company: Company, *, customer_view: bool = False, group: str | None = None
) -> QuerySet[TimelineEntry]:
    """A company's timeline, newest first; customers see only the customer-visible part;
    ``group`` (a key of ``TIMELINE_GROUPS``) keeps the entries of its kinds."""
    entries = TimelineEntry.objects.filter(company=company).select_related("actor")
    if customer_view:
        entries = entries.filter(visibility=Visibility.CUSTOMER)
    if group is not None:
        entries = entries.filter(kind__in=TIMELINE_GROUPS[group])
    return entries.order_by("-created_at", "-id")


def timeline_counts(company: Company) -> dict[str, int]:
    """How many entries each ``TIMELINE_GROUPS`` group has, and ``all`` (one query)."""
    return TimelineEntry.objects.filter(company=company).aggregate(
        all=Count("id"),
        **{name: Count("id", filter=Q(kind__in=kinds)) for name, kinds in TIMELINE_GROUPS.items()},
    )


#: What an entry's ``subject`` links to, per face: model label -> (URL name, the field
#: shown as its reference, the field the URL takes). Looked up by label: the models
#: belong to apps above ``customers``.
BACKOFFICE_SUBJECTS = {
    "orders.order": ("backoffice:order_detail", "number", "number"),
    "returns.return": ("backoffice:return_detail", "number", "number"),
    "complaints.complaint": ("backoffice:complaint_detail", "number", "number"),
    # An invoice or credit note is on its order's page (its documents).
    "documents.invoice": ("backoffice:order_detail", "number", "order_number"),
}
PORTAL_SUBJECTS = {
    "orders.order": ("portal:order_detail", "number", "number"),
    "returns.return": ("portal:return_detail", "number", "number"),
    "complaints.complaint": ("portal:complaint_detail", "number", "number"),
}


def with_subject_links(entries, subjects: dict = BACKOFFICE_SUBJECTS) -> list[TimelineEntry]:
    """The entries, evaluated, each with ``subject_reference`` (e.g. the order number)
    and ``subject_url`` (its page) when its subject is one of ``subjects``, else empty:
    one query per kind of subject on the page, whatever the number of entries; only
    objects of the entries' companies are linked."""
    entries = list(entries)
    wanted: dict[int, set[int]] = {}
    for entry in entries:
        entry.subject_reference = entry.subject_url = ""
        if entry.content_type_id and entry.object_id.isdigit():
            wanted.setdefault(entry.content_type_id, set()).add(int(entry.object_id))
    company_ids = {entry.company_id for entry in entries}
    found: dict[tuple[int, str], tuple[str, str]] = {}
    for type_id, ids in wanted.items():
        content_type = ContentType.objects.get_for_id(type_id)  # cached
        link = subjects.get(f"{content_type.app_label}.{content_type.model}")
        model = content_type.model_class()
        if link is None or model is None:
            continue
        url_name, reference_field, url_field = link
        rows = model._default_manager.filter(pk__in=ids, company_id__in=company_ids).values_list(
            "pk", reference_field, url_field
        )
        for pk, reference, argument in rows:
            found[type_id, str(pk)] = (reference, reverse(url_name, args=[argument]))
    for entry in entries:
        link = found.get((entry.content_type_id, entry.object_id))
        if link is not None:
            entry.subject_reference, entry.subject_url = link
    return entries


def users_for(company: Company) -> QuerySet[User]:
    """The users of one company (tenancy starts here)."""
    return User.objects.filter(company=company).order_by("-is_active", "email")
