"""Read queries of returns used by more than one face."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import AbuseFlag, Return, ReturnEvent, ReturnLine, StoreCreditEntry


def return_list() -> QuerySet[Return]:
    """The register: newest first, with what a row shows."""
    return Return.objects.select_related("order", "company").order_by("-created_at", "-id")


def return_detail() -> QuerySet[Return]:
    return Return.objects.select_related(
        "order", "company", "warehouse", "credit_note", "replacement_order"
    ).prefetch_related(
        Prefetch(
            "lines", queryset=ReturnLine.objects.select_related("reason").order_by("position")
        ),
        "attachments",
        Prefetch("events", queryset=ReturnEvent.objects.order_by("created_at", "id")),
    )


def returns_for(company) -> QuerySet[Return]:
    """A company's returns (the portal starts from these)."""
    return return_list().filter(company=company)


def returns_of_order(order) -> QuerySet[Return]:
    return return_list().filter(order=order)


def store_credit_entries(company) -> QuerySet[StoreCreditEntry]:
    return StoreCreditEntry.objects.filter(company=company).select_related(
        "ret", "order", "credit_note"
    )


def flagged_companies() -> QuerySet[AbuseFlag]:
    """The abuse watch's list: flagged companies with the figures behind the flag."""
    return (
        AbuseFlag.objects.filter(flagged=True)
        .select_related("company")
        .order_by("-rate", "-returns_count")
    )
