"""The reads of the return pages (register, charts, abuse list), with their joins."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, QuerySet, Sum

from ..models import AbuseFlag, Return, ReturnLine, ReturnReason


def return_register() -> QuerySet[Return]:
    """Every return with what the register shows, in a fixed number of queries."""
    return Return.objects.select_related("company", "order", "credit_note").prefetch_related(
        Prefetch(
            "lines",
            queryset=ReturnLine.objects.select_related("reason").order_by("position"),
        )
    )


def return_detail() -> QuerySet[Return]:
    return Return.objects.select_related(
        "company", "order", "credit_note", "replacement_order", "warehouse", "requested_by"
    )


def _lines_in(date_from: dt.date | None, date_to: dt.date | None) -> QuerySet[ReturnLine]:
    lines = ReturnLine.objects.exclude(ret__status="cancelada")
    if date_from:
        lines = lines.filter(ret__created_at__date__gte=date_from)
    if date_to:
        lines = lines.filter(ret__created_at__date__lte=date_to)
    return lines


def reasons_figures(date_from=None, date_to=None) -> list[tuple[str, str, int]]:
    """(code, label, units returned) per reason in the range (cancelled returns left
    out), for the Pareto chart."""
    rows = (
        _lines_in(date_from, date_to)
        .values("reason_id")
        .annotate(units=Sum("quantity"), returns=Count("ret", distinct=True))
    )
    reasons = {reason.pk: reason for reason in ReturnReason.objects.all()}
    return [
        (reasons[row["reason_id"]].code, str(reasons[row["reason_id"]].label), row["units"])
        for row in rows
    ]


def product_figures(date_from=None, date_to=None, limit=15) -> list[tuple[str, str, int]]:
    """(SKU, name, units returned) of the most returned products in the range."""
    rows = (
        _lines_in(date_from, date_to)
        .values("sku", "name")
        .annotate(units=Sum("quantity"))
        .order_by("-units", "sku")[:limit]
    )
    return [(row["sku"], f"{row['sku']} · {row['name']}", row["units"]) for row in rows]


def flagged_companies() -> QuerySet[AbuseFlag]:
    return AbuseFlag.objects.filter(flagged=True).select_related("company")
