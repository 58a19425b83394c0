"""Read queries of complaints used by more than one face. Every selector that a
customer's face uses filters internal notes and internal evidence out at the query,
so no list, count, search or export can show them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    OPEN_STATUSES,
    AlertKind,
    Claim,
    ClaimKind,
    ClockMark,
    Complaint,
    ComplaintAlert,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintMessage,
    ComplaintStatus,
)


def complaint_list() -> QuerySet[Complaint]:
    """The register and the desk: newest first, with what a row shows."""
    return Complaint.objects.select_related(
        "company", "order", "order_line", "product", "assignee"
    ).order_by("-filed_at", "-id")


def complaint_detail(*, customer_view: bool = False) -> QuerySet[Complaint]:
    """One complaint with its clocks' marks, messages, evidence, events and claims;
    ``customer_view``: without anything internal."""
    messages = ComplaintMessage.objects.order_by("created_at", "id")
    attachments = ComplaintAttachment.objects.order_by("created_at", "id")
    complaint_events = ComplaintEvent.objects.order_by("created_at", "id")
    if customer_view:
        messages = messages.filter(internal=False)
        attachments = attachments.filter(internal=False)
        complaint_events = complaint_events.filter(customer_visible=True)
    return Complaint.objects.select_related(
        "company",
        "order",
        "order__carrier",
        "order_line__product__supplier",
        "product__supplier",
        "assignee",
        "credit_note",
        "replacement_order",
        "coupon",
    ).prefetch_related(
        Prefetch("clock_marks", queryset=ClockMark.objects.order_by("at", "id")),
        Prefetch("messages", queryset=messages),
        Prefetch("attachments", queryset=attachments),
        Prefetch("events", queryset=complaint_events),
        "claims",
    )


def complaints_for(company) -> QuerySet[Complaint]:
    """A company's complaints (the portal starts from these)."""
    return complaint_list().filter(company=company)


def complaints_of_order(order) -> QuerySet[Complaint]:
    return complaint_list().filter(order=order)


def visible_messages(complaint: Complaint, *, customer_view: bool) -> QuerySet[ComplaintMessage]:
    rows = complaint.messages.select_related("author").order_by("created_at", "id")
    return rows.filter(internal=False) if customer_view else rows


def visible_attachments(
    complaint: Complaint, *, customer_view: bool
) -> QuerySet[ComplaintAttachment]:
    rows = ComplaintAttachment.objects.filter(complaint=complaint).order_by("created_at", "id")
    return rows.filter(internal=False) if customer_view else rows


def with_message_counts(queryset: QuerySet[Complaint], *, customer_view: bool):
    """``message_count`` per row (customer-visible messages only for customers)."""
    condition = Q(messages__internal=False) if customer_view else Q()
    return queryset.annotate(message_count=Count("messages", filter=condition, distinct=True))


def open_complaints() -> QuerySet[Complaint]:
    return complaint_list().filter(status__in=OPEN_STATUSES)


def overdue(now: dt.datetime | None = None) -> QuerySet[Complaint]:
    """Open complaints with a running clock past its deadline."""
    now = now or timezone.now()
    return complaint_list().exclude(status=ComplaintStatus.CERRADA).filter(next_due__lt=now)


def due_today(now: dt.datetime | None = None) -> QuerySet[Complaint]:
    """Complaints with a running clock that passes later today (seller's time zone)."""
    from core import calendar as business

    now = now or timezone.now()
    zone = business.time_zone()
    today = timezone.localtime(now, zone).date()
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return (
        complaint_list()
        .exclude(status=ComplaintStatus.CERRADA)
        .filter(next_due__gte=now, next_due__lt=end)
    )


def assigned_to(user) -> QuerySet[Complaint]:
    return complaint_list().filter(assignee=user)


def unassigned() -> QuerySet[Complaint]:
    return complaint_list().exclude(status=ComplaintStatus.CERRADA).filter(assignee__isnull=True)


def escalations(now: dt.datetime | None = None) -> QuerySet[ComplaintAlert]:
    """Breaches escalated to managers, not acknowledged, on complaints still overdue
    (the back-office badge counts these: one query)."""
    now = now or timezone.now()
    return (
        ComplaintAlert.objects.filter(kind=AlertKind.BREACHED, acknowledged_at__isnull=True)
        .exclude(complaint__status=ComplaintStatus.CERRADA)
        .filter(complaint__next_due__lt=now)
        .select_related("complaint")
    )


def escalation_count() -> int:
    return escalations().values("complaint_id").distinct().count()


def carrier_claims(
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    carrier=None,
    service: str | None = None,
) -> QuerySet[Claim]:
    """*Carrier claims*: claims of kind carrier about an order (a carrier claim always
    is), filed (``created_at``) on the seller's days ``first`` to ``last`` (open ends
    when None); narrowed to ``carrier`` (a carrier, its id, or ``NO_CARRIER``) and to
    ``service``, the shipping method of the complaint's order. The carrier page counts
    the complaints with such claims (``dashboard.kpis.carrier_performance``), the
    complaint register lists them (its ``claim_*`` filters)."""
    from orders.selectors import NO_CARRIER, days_q

    claims = Claim.objects.filter(
        days_q("created_at", first, last), kind=ClaimKind.CARRIER, complaint__order__isnull=False
    )
    if carrier == NO_CARRIER:
        claims = claims.filter(carrier__isnull=True)
    elif carrier is not None:
        claims = claims.filter(carrier=carrier)
    if service:
        claims = claims.filter(complaint__order__shipping_method=service)
    return claims
