"""The reads of the complaint pages (desk, register, a complaint's page, the portal's
lists, the breakdown), with their joins: every list costs the same number of queries
whatever its number of rows. What a customer may see (no internal note, no internal
evidence, no staff-only event) is decided here, once, for every portal page."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import calendar

from ..models import (
    OPEN_STATUSES,
    STATUS_FLOW,
    Category,
    ClockMark,
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    ComplaintStatus,
    ResponsibleParty,
)
from .sla import NEAR, clock_views

#: The desk's tabs, in order (key, label); "open" is every open complaint, then one tab
#: per open state (keyed by the state).
DESK_TABS = {
    "open": _("All open"),
    "mine": _("Mine"),
    "unassigned": _("Unassigned"),
    "due_today": _("Due today"),
    "due_soon": _("Due soon"),
    "breached": _("Overdue"),
    "awaiting": _("Waiting for the customer"),
    **{status.value: status.label for status in OPEN_STATUSES},
}


def _end_of_today(now: dt.datetime) -> dt.datetime:
    """The end of ``now``'s day in the seller's time zone (the next midnight)."""
    local = timezone.localtime(now, calendar.time_zone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)


def _base() -> QuerySet[Complaint]:
    return Complaint.objects.select_related(
        "company", "order", "order_line", "product", "assignee"
    ).prefetch_related(Prefetch("clock_marks", queryset=ClockMark.objects.order_by("at", "id")))


def complaint_register() -> QuerySet[Complaint]:
    """Every complaint with what the register and the desk show (constant queries)."""
    return _base()


def complaint_detail() -> QuerySet[Complaint]:
    return _base().select_related("credit_note", "replacement_order", "coupon", "filed_by")


def complaints_for(company) -> QuerySet[Complaint]:
    """One company's complaints: every portal query starts here."""
    return _base().filter(company=company)


def open_complaints() -> QuerySet[Complaint]:
    return Complaint.objects.filter(status__in=OPEN_STATUSES)


def needing_staff() -> QuerySet[Complaint]:
    """Open complaints whose next move is the staff's (not waiting for the customer)."""
    return open_complaints().filter(awaiting_customer=False)


def _tab_filter(queryset, tab, *, user, now):
    if tab == "mine":
        return queryset.filter(assignee=user)
    if tab == "unassigned":
        return queryset.filter(assignee__isnull=True)
    if tab == "due_today":
        return queryset.filter(next_due__gte=now, next_due__lt=_end_of_today(now))
    if tab == "due_soon":
        limit = calendar.add_business_time(now, NEAR)
        return queryset.filter(next_due__gte=now, next_due__lte=limit)
    if tab in OPEN_STATUSES:
        return queryset.filter(status=tab)
    if tab == "breached":
        return queryset.filter(next_due__lt=now)
    if tab == "awaiting":
        return queryset.filter(awaiting_customer=True)
    return queryset


def desk_queue(tab: str, *, user, now=None) -> QuerySet[Complaint]:
    """The open complaints of one desk tab, the most urgent first."""
    now = now or timezone.now()
    queryset = _base().filter(status__in=OPEN_STATUSES)
    return _tab_filter(queryset, tab, user=user, now=now).order_by("next_due", "filed_at", "id")


def desk_tabs(user, *, current: str, now=None) -> list[dict]:
    """Each tab with its count, in one query."""
    now = now or timezone.now()
    limit = calendar.add_business_time(now, NEAR)
    counts = open_complaints().aggregate(
        open=Count("id"),
        mine=Count("id", filter=Q(assignee=user)),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        due_today=Count("id", filter=Q(next_due__gte=now, next_due__lt=_end_of_today(now))),
        due_soon=Count("id", filter=Q(next_due__gte=now, next_due__lte=limit)),
        breached=Count("id", filter=Q(next_due__lt=now)),
        awaiting=Count("id", filter=Q(awaiting_customer=True)),
        **{status.value: Count("id", filter=Q(status=status)) for status in OPEN_STATUSES},
    )
    return [
        {"key": key, "label": label, "count": counts[key], "current": key == current}
        for key, label in DESK_TABS.items()
    ]


class Row:
    """A complaint with its clocks computed once (for the table's cells)."""

    def __init__(self, complaint, now):
        self.complaint = complaint
        self.clocks = clock_views(complaint, now)

    def __getattr__(self, name):
        return getattr(self.complaint, name)


def with_clocks(complaints, now=None) -> list[Row]:
    now = now or timezone.now()
    return [Row(complaint, now) for complaint in complaints]


def clocks_of(complaint, now=None):
    return clock_views(complaint, now)


def customer_clocks(complaint, now=None):
    """What the customer sees of the clocks: our deadlines while the complaint is open."""
    return clock_views(complaint, now) if complaint.is_open else []


def clock_history(complaint) -> list[dict]:
    from ..models import Clock, MarkKind

    clock_labels, kind_labels = dict(Clock.choices), dict(MarkKind.choices)
    return [
        {
            "at": mark.at,
            "clock": mark.clock,
            "kind": mark.kind,
            "clock_label": clock_labels.get(mark.clock, mark.clock),
            "kind_label": kind_labels.get(mark.kind, mark.kind),
        }
        for mark in complaint.clock_marks.all()
    ]


def messages_of(complaint, *, staff: bool) -> QuerySet[ComplaintMessage]:
    """The thread; a customer never gets an internal note."""
    messages = complaint.messages.select_related("author").order_by("created_at", "id")
    return messages if staff else messages.filter(internal=False)


def attachments_of(complaint, *, staff: bool) -> QuerySet[ComplaintAttachment]:
    attachments = complaint.attachments.order_by("created_at", "id")
    return attachments if staff else attachments.filter(internal=False)


def events_of(complaint, *, staff: bool):
    events = complaint.events.order_by("created_at", "id")
    return events if staff else events.filter(customer_visible=True)


def customer_may_reply(complaint) -> bool:
    return complaint.status != ComplaintStatus.CERRADA


def progress_steps(complaint) -> list[dict]:
    step = complaint.progress_step
    return [
        {
            "slug": status.value,
            "label": status.label,
            "done": step >= index,
            "current": step == index,
        }
        for index, status in enumerate(STATUS_FLOW)
    ]


def _in_range(date_from: dt.date | None, date_to: dt.date | None) -> QuerySet[Complaint]:
    complaints = Complaint.objects.all()
    if date_from:
        complaints = complaints.filter(filed_at__date__gte=date_from)
    if date_to:
        complaints = complaints.filter(filed_at__date__lte=date_to)
    return complaints


def breakdown(date_from=None, date_to=None) -> list[tuple[str, str, list]]:
    """(key, title, [(code, label, count)]) for the categories, the root causes and the
    responsible parties of the complaints filed in the range."""
    complaints = _in_range(date_from, date_to)
    categories = dict(Category.choices)
    parties = dict(ResponsibleParty.choices)
    by_category = complaints.values("category").annotate(n=Count("id"))
    by_party = (
        complaints.exclude(responsible_party="").values("responsible_party").annotate(n=Count("id"))
    )
    by_cause = (
        complaints.exclude(root_cause="")
        .values("root_cause")
        .annotate(n=Count("id"))
        .order_by("-n", "root_cause")[:15]
    )
    return [
        (
            "category",
            _("Categories"),
            [
                (r["category"], categories.get(r["category"], r["category"]), r["n"])
                for r in by_category
            ],
        ),
        (
            "root_cause",
            _("Root causes"),
            [(r["root_cause"][:60], r["root_cause"][:60], r["n"]) for r in by_cause],
        ),
        (
            "responsible_party",
            _("Responsible parties"),
            [
                (
                    r["responsible_party"],
                    parties.get(r["responsible_party"], r["responsible_party"]),
                    r["n"],
                )
                for r in by_party
            ],
        ),
    ]


def rating_figures(date_from=None, date_to=None) -> dict:
    figures = (
        _in_range(date_from, date_to)
        .filter(rating_score__isnull=False)
        .aggregate(average=Avg("rating_score"), count=Count("id"))
    )
    average = figures["average"]
    return {"count": figures["count"], "average": round(average, 1) if average else None}


def legal_deadlines(complaint, now=None):
    """The legal and claim deadlines (``complaints.deadlines``) with their basis."""
    from ..deadlines import legal_deadlines as compute

    return compute(complaint, now=now)


def claims_of(complaint):
    return list(complaint.claims.select_related("carrier", "supplier").order_by("created_at", "id"))
