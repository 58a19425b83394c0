"""The only code that creates or changes complaints, their messages, evidence, clocks,
claims, ratings, SLA targets and deadline rules. The back-office, the portal and the
API call these same functions.

Every write service takes keyword-only arguments and ``actor`` (``core.actors``), runs
in one transaction, locks the complaint row (``SELECT ... FOR UPDATE``) and asks
``complaints.actions.registry`` under the lock (role, state, guards), so two
simultaneous transitions on one complaint queue and the second gets a clean
``transition_not_allowed`` (409). Bad input raises ``InvalidComplaint`` with field
errors; nothing is written when a service raises. Each step writes a
``ComplaintEvent`` (and its customer-timeline entry) and publishes its outbox event;
emails, webhooks and documents follow after commit.

Clocks: each change of a clock is a ``ClockMark`` row, and ``_recompute`` derives the
deadlines stored on the complaint from all of them (``complaints.clocks``):

- filing starts both clocks (outside working hours the business clock starts at the
  next opening, by the calendar's arithmetic);
- the first customer-visible staff message, or the decision, stops the first-response
  clock;
- a staff question (a message with ``awaiting_customer``) pauses the resolution
  clock; the customer's next message resumes it;
- resolving stops it; reopening resumes it.

Public functions (signatures stable; the pages and the API rely on them):

- ``file_complaint(*, actor, category, description, company=None, order=None,
  sku=None, order_line=None, product=None, priority=None, defect_visibility="",
  channel=None, files=()) -> Complaint``
- ``start_analysis(*, complaint, actor, note="")``
- ``decide_complaint(*, complaint, actor, decision, reasoning)``
- ``resolve_complaint(*, complaint, actor, resolution, note="", lines=None,
  discount_percent=None)``
- ``close_complaint(*, complaint, actor, note="")``,
  ``accept_resolution(*, complaint, actor, note="")``
- ``dispute_resolution(*, complaint, actor, reason)``,
  ``reopen_complaint(*, complaint, actor, reason)``
- ``assign_complaint(*, complaint, actor, assignee)``
- ``record_analysis(*, complaint, actor, root_cause=None, responsible_party=None,
  corrective_action=None, priority=None, defect_visibility=None)``
- ``post_message(*, complaint, actor, body, internal=False, awaiting_customer=False,
  files=()) -> ComplaintMessage``
- ``add_attachment(*, complaint, actor, file, internal=False, message=None)``
- ``file_carrier_claim(*, complaint, actor, note="") -> Claim``,
  ``send_supplier_claim(*, complaint, actor, note="") -> Claim``
- ``rate_complaint(*, complaint, actor, score, comment="")``,
  ``rating_token(complaint)``, ``rate_with_token(*, token, score, comment="")``
- ``clocks_of(complaint, now=None) -> dict[str, ClockState]``
- ``save_sla_target(*, actor, category, priority, first_response_business_days,
  resolution_days, resolution_in_business_days=False) -> SlaTarget``
- ``save_deadline_rule(*, actor, code, days, basis="", active=True) -> DeadlineRule``
- ``check_deadlines(*, now=None) -> dict``: the beat task's warnings and escalations;
  ``acknowledge_escalations(*, complaint, actor) -> int`` (managers: off the badge).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import audit, uploads
from core.actors import (
    Actor,
    actor_label,
    company_id_of,
    is_api_key,
    is_customer_actor,
    key_of,
    user_of,
)
from core.money import ZERO, money
from core.numbering import next_sequence_number
from core.roles import StaffRole, has_staff_role
from customers.models import Company
from inventory.models import Product
from orders.models import Order, OrderLine

from . import clocks, deadlines, events
from .actions import registry
from .errors import (
    ClaimNotPossible,
    InvalidAttachment,
    InvalidComplaint,
    NotAllowed,
)
from .models import (
    AlertKind,
    Category,
    Channel,
    Claim,
    ClaimKind,
    ClockMark,
    Complaint,
    ComplaintAlert,
    ComplaintAttachment,
    ComplaintEventKind,
    ComplaintMessage,
    ComplaintStatus,
    DeadlineRule,
    Decision,
    DefectVisibility,
    MarkKind,
    Priority,
    Resolution,
    ResponsibleParty,
    SlaTarget,
)
from .models import Clock as ClockName
from .permissions import (
    SERVICE,
    may_edit_settings,
    may_file,
    may_view,
    may_write_internal,
    owns,
)

COMPLAINT_SERIES = "REC"
MAX_TEXT = 5000
MAX_LINES = 200
MAX_FILES = 10
RATING_SALT = "complaints.rating"


# --- small helpers -----------------------------------------------------------------------


def _text(value, *, field: str, errors: dict, required=False, max_length=MAX_TEXT) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str) or "\x00" in value:
        errors[field] = [_("Enter text.")]
        return ""
    value = value.strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > max_length:
        errors[field] = [_("At most %(max)d characters.") % {"max": max_length}]
    return value


def _choice(value, choices, *, field: str, errors: dict, required=True) -> str:
    if value in (None, "") and not required:
        return ""
    if value not in choices.values:
        errors[field] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}]
        return ""
    return value


def _lock(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related(
            "company",
            "order",
            "order__carrier",
            "order_line__product__supplier",
            "product__supplier",
            "assignee",
        )
        .get(pk=complaint.pk)
    )


def _lock_for(action: str, complaint: Complaint, actor) -> Complaint:
    if not may_view(actor, complaint):
        raise Complaint.DoesNotExist()
    locked = _lock(complaint)
    registry.ensure(action, locked, actor)
    return locked


def _sync(target: Complaint, source: Complaint) -> Complaint:
    """Copy the locked row's state onto the caller's instance."""
    target.__dict__.update(
        {k: v for k, v in source.__dict__.items() if not k.startswith("_") or k == "_state"}
    )
    target._update_initial_state()
    for name in ("_prefetched_objects_cache",):
        target.__dict__.pop(name, None)
    return target


def _channel_for(actor) -> str:
    if is_api_key(actor):
        return Channel.API
    if is_customer_actor(actor):
        return Channel.PORTAL
    return Channel.BACKOFFICE


def _finish(
    complaint: Complaint,
    *,
    actor,
    kind: str,
    from_status: str,
    note="",
    params=None,
    data=None,
    customer_visible=True,
):
    complaint.save()
    events.complaint_event(
        complaint=complaint,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=complaint.status,
        note=note,
        params=params,
        data=data,
        customer_visible=customer_visible,
    )
    events.publish(
        events.COMPLAINT_STATUS_CHANGED,
        events.status_changed_payload(complaint, from_status=from_status, actor=actor),
    )


# --- SLA targets and clocks ---------------------------------------------------------------


def sla_target_for(category: str, priority: str) -> tuple[int, int, bool]:
    """(first response business days, resolution days, resolution in business days)."""
    target = SlaTarget.objects.filter(category=category, priority=priority).first()
    if target is None:
        return (
            int(getattr(settings, "COMPLAINT_FIRST_RESPONSE_BUSINESS_DAYS", 2)),
            int(getattr(settings, "COMPLAINT_RESOLUTION_DAYS", 14)),
            False,
        )
    return (
        target.first_response_business_days,
        target.resolution_days,
        target.resolution_in_business_days,
    )


def _calendars(complaint: Complaint):
    business = clocks.BusinessCalendar()
    resolution = business if complaint.resolution_target_business else clocks.CalendarDays()
    return business, resolution


def _marks(complaint: Complaint, clock: str, rows=None) -> list[clocks.Mark]:
    if rows is None:
        rows = complaint.clock_marks.all()
    return [clocks.Mark(kind=row.kind, at=row.at) for row in rows if row.clock == clock]


def clocks_of(complaint: Complaint, now: dt.datetime | None = None, *, rows=None):
    """Both clocks of ``complaint`` at ``now``, computed from its marks (``rows``: the
    marks when the caller has them, e.g. prefetched)."""
    now = now or timezone.now()
    rows = list(complaint.clock_marks.all()) if rows is None else list(rows)
    business, resolution = _calendars(complaint)
    return {
        ClockName.FIRST_RESPONSE: clocks.compute(
            _marks(complaint, ClockName.FIRST_RESPONSE, rows),
            target=business.days(complaint.first_response_target_days),
            calendar=business,
            now=now,
        ),
        ClockName.RESOLUTION: clocks.compute(
            _marks(complaint, ClockName.RESOLUTION, rows),
            target=resolution.days(complaint.resolution_target_days),
            calendar=resolution,
            now=now,
        ),
    }


def _mark(complaint: Complaint, clock: str, kind: str, at: dt.datetime, reason: str = ""):
    ClockMark.objects.create(complaint=complaint, clock=clock, kind=kind, at=at, reason=reason)


def _recompute(complaint: Complaint, now: dt.datetime | None = None) -> None:
    """Store the clocks' latest answer on the row (for lists, filters and sorting), and
    the business time each stopped clock ran (for the KPIs)."""
    rows = list(ClockMark.objects.filter(complaint=complaint))
    now = now or timezone.now()
    states = clocks_of(complaint, now, rows=rows)
    first = states[ClockName.FIRST_RESPONSE]
    resolution = states[ClockName.RESOLUTION]
    complaint.first_response_business_seconds = clocks.business_seconds(
        _marks(complaint, ClockName.FIRST_RESPONSE, rows), now=now
    )
    complaint.resolution_business_seconds = clocks.business_seconds(
        _marks(complaint, ClockName.RESOLUTION, rows), now=now
    )
    complaint.first_response_due = first.due
    complaint.first_responded_at = first.stopped_at
    complaint.resolution_due = resolution.due
    complaint.resolution_paused_seconds = int(resolution.paused.total_seconds())
    running = [state.due for state in states.values() if state.running and state.due]
    complaint.next_due = min(running) if running else None


# --- filing --------------------------------------------------------------------------------


def _resolve_company(actor, company) -> Company:
    if is_customer_actor(actor):
        own = company_id_of(actor)
        if company is not None and getattr(company, "pk", company) != own:
            raise InvalidComplaint({"customer": [_("Unknown customer.")]})
        return Company.objects.get(pk=own)
    if company is None:
        raise InvalidComplaint({"customer": [_("Choose the customer.")]})
    if isinstance(company, Company):
        return company
    found = Company.objects.filter(pk=company).first() if str(company).isdigit() else None
    if found is None:
        raise InvalidComplaint({"customer": [_("Unknown customer.")]})
    return found


def _resolve_subject(company: Company, *, order, sku, order_line, product, errors: dict):
    """The order, line and product a complaint names, all of ``company`` (another
    company's are unknown, whatever their existence)."""
    if order not in (None, ""):
        if not isinstance(order, Order):
            number = str(order).strip()
            order = Order.objects.filter(number=number, company=company).first()
        elif order.company_id != company.pk:
            order = None
        if order is None:
            errors["order"] = [_("Unknown order.")]
            return None, None, None
    else:
        order = None
    if order_line not in (None, ""):
        if not isinstance(order_line, OrderLine):
            order_line = OrderLine.objects.filter(pk=order_line).select_related("order").first()
        if order_line is None or order_line.order.company_id != company.pk:
            errors["order_line"] = [_("Unknown order line.")]
            return order, None, None
        if order is not None and order_line.order_id != order.pk:
            errors["order_line"] = [_("This line is not on the order.")]
            return order, None, None
        order = order or order_line.order
        return order, order_line, order_line.product
    if sku not in (None, ""):
        if not isinstance(sku, str) or len(sku) > 64 or "\x00" in sku:
            errors["sku"] = [_("Unknown product.")]
            return order, None, None
        sku = sku.strip()
        if order is not None:
            line = order.lines.filter(sku__iexact=sku).select_related("product").first()
            if line is None:
                errors["sku"] = [_("This product is not on the order.")]
                return order, None, None
            return order, line, line.product
        found = Product.objects.filter(sku__iexact=sku).first()
        if found is None:
            errors["sku"] = [_("Unknown product.")]
            return None, None, None
        return None, None, found
    if product not in (None, ""):
        if not isinstance(product, Product):
            product = Product.objects.filter(pk=product).first()
        if product is None:
            errors["product"] = [_("Unknown product.")]
            return order, None, None
        if order is not None:
            line = order.lines.filter(product=product).first()
            if line is None:
                errors["product"] = [_("This product is not on the order.")]
                return order, None, None
            return order, line, product
        return None, None, product
    return order, None, None


def file_complaint(
    *,
    actor: Actor,
    category: str,
    description: str,
    company: Company | int | None = None,
    order: Order | str | None = None,
    sku: str | None = None,
    order_line: OrderLine | int | None = None,
    product: Product | int | None = None,
    priority: str | None = None,
    defect_visibility: str = "",
    channel: str | None = None,
    files: Iterable = (),
    now: dt.datetime | None = None,
) -> Complaint:
    """File a complaint in ``abierta`` for a customer company: by its user or key (their
    own company), or by staff on its behalf (``company`` required). Both clocks start;
    ``files`` are evidence (``add_attachment``'s checks, all or nothing)."""
    company = _resolve_company(actor, company)
    if not may_file(actor, company_id=company.pk):
        raise NotAllowed()
    errors: dict[str, list[str]] = {}
    category = _choice(category, Category, field="category", errors=errors)
    description = _text(description, field="description", errors=errors, required=True)
    priority = _choice(priority or Priority.NORMAL, Priority, field="priority", errors=errors)
    if priority != Priority.NORMAL and is_customer_actor(actor):
        priority = Priority.NORMAL  # customers do not set priorities
    defect_visibility = _choice(
        defect_visibility,
        DefectVisibility,
        field="defect_visibility",
        errors=errors,
        required=False,
    )
    order, order_line, product = _resolve_subject(
        company, order=order, sku=sku, order_line=order_line, product=product, errors=errors
    )
    files = list(files or ())
    if len(files) > MAX_FILES:
        errors["files"] = [_("At most %(max)d files.") % {"max": MAX_FILES}]
    cleaned = []
    if not errors:
        for upload in files:
            try:
                cleaned.append(_clean_file(upload))
            except InvalidAttachment as error:
                errors["files"] = [error.message]
                break
    if errors:
        raise InvalidComplaint(errors)
    now = now or timezone.now()
    first_days, resolution_days, business = sla_target_for(category, priority)
    with transaction.atomic():
        complaint = Complaint.objects.create(
            number=next_sequence_number(COMPLAINT_SERIES),
            company=company,
            filed_by=user_of(actor),
            api_key=key_of(actor),
            filed_by_label=actor_label(actor)[:200],
            on_behalf=not is_customer_actor(actor) and user_of(actor) is not None,
            channel=channel or _channel_for(actor),
            order=order,
            order_line=order_line,
            product=product,
            category=category,
            description=description,
            priority=priority,
            defect_visibility=defect_visibility,
            filed_at=now,
            first_response_target_days=first_days,
            resolution_target_days=resolution_days,
            resolution_target_business=business,
        )
        _mark(complaint, ClockName.FIRST_RESPONSE, MarkKind.START, now, "filed")
        _mark(complaint, ClockName.RESOLUTION, MarkKind.START, now, "filed")
        _recompute(complaint, now)
        complaint.save()
        events.complaint_event(
            complaint=complaint,
            kind=ComplaintEventKind.FILED,
            actor=actor,
            to_status=complaint.status,
            note=description,
            data={"on_behalf": complaint.on_behalf, "channel": complaint.channel},
        )
        for clean in cleaned:
            _store_attachment(complaint, actor, clean, internal=False, message=None)
        events.publish(events.COMPLAINT_CREATED, events.created_payload(complaint))
    return complaint


# --- evidence ------------------------------------------------------------------------------


def _clean_file(upload):
    from core.uploads import clean_upload

    try:
        return clean_upload(upload, allowed=("image", "pdf"))
    except ValidationError as error:
        raise InvalidAttachment(" ".join(str(m) for m in error.messages)) from error


def _store_attachment(complaint, actor, clean, *, internal: bool, message) -> ComplaintAttachment:
    attachment = ComplaintAttachment(complaint=complaint, message=message, internal=internal)
    uploads.save_upload(attachment, clean, actor=actor)
    events.complaint_event(
        complaint=complaint,
        kind=ComplaintEventKind.ATTACHMENT,
        actor=actor,
        note=attachment.original_name,
        customer_visible=not internal,
    )
    return attachment


def add_attachment(
    *, complaint: Complaint, actor: Actor, file, internal: bool = False, message=None
) -> ComplaintAttachment:
    """Evidence for a complaint, checked by content (``core.uploads``: images
    re-encoded without metadata, PDFs), stored privately. ``internal`` (staff only):
    never shown to the customer."""
    if not may_view(actor, complaint):
        raise Complaint.DoesNotExist()
    if internal and not may_write_internal(actor):
        raise NotAllowed(_("Only staff may add internal files."))
    if not owns(
        actor,
        roles=(StaffRole.CUSTOMER_SERVICE, StaffRole.WAREHOUSE, StaffRole.MANAGER),
        customer=True,
        company_id=complaint.company_id,
    ):
        raise NotAllowed()
    clean = _clean_file(file)
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.status == ComplaintStatus.CERRADA:
            raise InvalidAttachment(_("Evidence can no longer be added to a closed complaint."))
        limit = int(getattr(settings, "COMPLAINT_MAX_ATTACHMENTS", 20))
        if locked.attachments.count() >= limit:
            raise InvalidAttachment(_("At most %(max)d files per complaint.") % {"max": limit})
        return _store_attachment(locked, actor, clean, internal=internal, message=message)


# --- messages ------------------------------------------------------------------------------


def post_message(
    *,
    complaint: Complaint,
    actor: Actor,
    body: str,
    internal: bool = False,
    awaiting_customer: bool = False,
    files: Iterable = (),
    now: dt.datetime | None = None,
) -> ComplaintMessage:
    """A message on the complaint. Staff: a reply the customer sees (the first one stops
    the first-response clock; with ``awaiting_customer`` it asks the customer and
    pauses the resolution clock) or an ``internal`` note. Customers: a reply (resumes
    the resolution clock when staff were waiting for it); never internal."""
    if not may_view(actor, complaint):
        raise Complaint.DoesNotExist()
    customer = is_customer_actor(actor)
    errors: dict[str, list[str]] = {}
    body = _text(body, field="body", errors=errors, required=True)
    internal, awaiting_customer = bool(internal), bool(awaiting_customer)
    if customer and internal:
        errors["internal"] = [_("Customers cannot write internal notes.")]
    if customer and awaiting_customer:
        errors["awaiting_customer"] = [_("Only staff can ask the customer a question.")]
    if internal and awaiting_customer:
        errors["awaiting_customer"] = [_("A question for the customer cannot be an internal note.")]
    if customer:
        allowed = owns(actor, roles=(), customer=True, company_id=complaint.company_id)
    elif internal:
        allowed = may_write_internal(actor)
    else:
        allowed = owns(actor, roles=SERVICE, customer=False, company_id=None)
    if not allowed:
        raise NotAllowed()
    files = list(files or ())
    if len(files) > MAX_FILES:
        errors["files"] = [_("At most %(max)d files.") % {"max": MAX_FILES}]
    cleaned = []
    if not errors:
        for upload in files:
            try:
                cleaned.append(_clean_file(upload))
            except InvalidAttachment as error:
                errors["files"] = [error.message]
                break
    if errors:
        raise InvalidComplaint(errors)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(complaint)
        if awaiting_customer and locked.status not in (
            ComplaintStatus.ABIERTA,
            ComplaintStatus.EN_ANALISIS,
            ComplaintStatus.DECIDIDA,
        ):
            raise InvalidComplaint(
                {"awaiting_customer": [_("Only an open complaint can wait for the customer.")]}
            )
        message = ComplaintMessage.objects.create(
            complaint=locked,
            body=body,
            internal=internal,
            from_staff=not customer,
            awaiting_customer=awaiting_customer,
            author=user_of(actor),
            api_key=key_of(actor),
            author_label=actor_label(actor)[:200],
            created_at=now,
        )
        clock_changed = False
        if not customer and not internal:
            first = clocks_of(locked, now)[ClockName.FIRST_RESPONSE]
            if first.state in (clocks.RUNNING, clocks.PAUSED):
                _mark(locked, ClockName.FIRST_RESPONSE, MarkKind.STOP, now, "staff_reply")
                clock_changed = True
            if awaiting_customer and not locked.awaiting_customer:
                _mark(locked, ClockName.RESOLUTION, MarkKind.PAUSE, now, "awaiting_customer")
                locked.awaiting_customer = True
                clock_changed = True
        elif customer and locked.awaiting_customer:
            _mark(locked, ClockName.RESOLUTION, MarkKind.RESUME, now, "customer_reply")
            locked.awaiting_customer = False
            clock_changed = True
        if clock_changed:
            _recompute(locked, now)
        locked.save()
        events.complaint_event(
            complaint=locked,
            kind=ComplaintEventKind.NOTE if internal else ComplaintEventKind.MESSAGE,
            actor=actor,
            note=body,
            customer_visible=not internal,
            data={"message_id": message.pk},
        )
        if awaiting_customer:
            events.complaint_event(
                complaint=locked, kind=ComplaintEventKind.CLOCK_PAUSED, actor=actor
            )
        elif customer and clock_changed:
            events.complaint_event(
                complaint=locked, kind=ComplaintEventKind.CLOCK_RESUMED, actor=actor
            )
        for clean in cleaned:
            _store_attachment(locked, actor, clean, internal=internal, message=message)
        if not customer and not internal:
            events.publish(
                events.COMPLAINT_MESSAGE,
                {
                    "complaint_id": locked.pk,
                    "number": locked.number,
                    "company_id": locked.company_id,
                    "message_id": message.pk,
                    "awaiting_customer": awaiting_customer,
                },
            )
    _sync(complaint, locked)
    return message


# --- transitions ---------------------------------------------------------------------------


def start_analysis(*, complaint: Complaint, actor: Actor, note: str = "") -> Complaint:
    """abierta -> en_analisis (customer service takes it up)."""
    errors: dict[str, list[str]] = {}
    note = _text(note, field="note", errors=errors)
    with transaction.atomic():
        locked = _lock_for("start_analysis", complaint, actor)
        if errors:
            raise InvalidComplaint(errors)
        from_status = locked.status
        locked.start_analysis()
        person = user_of(actor)
        if locked.assignee_id is None and person is not None and has_staff_role(person, *SERVICE):
            locked.assignee = person
        _finish(
            locked,
            actor=actor,
            kind=ComplaintEventKind.ANALYSIS,
            from_status=from_status,
            note=note,
            customer_visible=True,
        )
    return _sync(complaint, locked)


def decide_complaint(
    *, complaint: Complaint, actor: Actor, decision: str, reasoning: str
) -> Complaint:
    """en_analisis -> decidida, accepted or rejected, with the reasoning the customer
    reads. It answers the customer, so it stops the first-response clock too."""
    errors: dict[str, list[str]] = {}
    decision = _choice(decision, Decision, field="decision", errors=errors)
    reasoning = _text(reasoning, field="reasoning", errors=errors, required=True)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_for("decide", complaint, actor)
        if errors:
            raise InvalidComplaint(errors)
        from_status = locked.status
        locked.decision, locked.decision_reasoning = decision, reasoning
        locked.decide()
        first = clocks_of(locked, now)[ClockName.FIRST_RESPONSE]
        if first.state in (clocks.RUNNING, clocks.PAUSED):
            _mark(locked, ClockName.FIRST_RESPONSE, MarkKind.STOP, now, "decided")
        _recompute(locked, now)
        _finish(
            locked,
            actor=actor,
            kind=ComplaintEventKind.DECIDED,
            from_status=from_status,
            note=reasoning,
            params={"decision": decision},
            data={"decision": decision},
        )
    return _sync(complaint, locked)


def _wanted_lines(locked: Complaint, lines, *, errors: dict) -> list[tuple[OrderLine, int]]:
    """The order lines and quantities a replacement or refund covers: ``lines`` (``[{sku,
    quantity}]`` of the complaint's order) or the complaint's line at its quantity."""
    order = locked.order
    if order is None:
        errors["resolution"] = [_("This resolution needs the complaint's order.")]
        return []
    by_sku = {line.sku.upper(): line for line in order.lines.select_related("product")}
    if lines in (None, [], ()):
        if locked.order_line_id is None:
            errors["lines"] = [_("Name the lines (SKU and quantity) it covers.")]
            return []
        line = by_sku.get(locked.order_line.sku.upper())
        return [(line, line.quantity)]
    if not isinstance(lines, Sequence) or isinstance(lines, str | bytes) or len(lines) > MAX_LINES:
        errors["lines"] = [_("Name the lines (SKU and quantity) it covers.")]
        return []
    wanted: dict[int, tuple[OrderLine, int]] = {}
    for index, item in enumerate(lines):
        if not isinstance(item, Mapping):
            errors[f"lines.{index}"] = [_("Each line needs a SKU and a quantity.")]
            continue
        sku = item.get("sku")
        line = by_sku.get(sku.strip().upper()) if isinstance(sku, str) else None
        if line is None:
            errors[f"lines.{index}.sku"] = [_("This product is not on the order.")]
            continue
        quantity = item.get("quantity", line.quantity)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            errors[f"lines.{index}.quantity"] = [_("Enter a whole number of at least 1.")]
            continue
        if quantity > line.quantity:
            errors[f"lines.{index}.quantity"] = [
                _("At most %(max)d (the ordered quantity).") % {"max": line.quantity}
            ]
            continue
        if line.pk in wanted:
            errors[f"lines.{index}.sku"] = [_("This product is named twice.")]
            continue
        wanted[line.pk] = (line, quantity)
    return list(wanted.values())


def _issue_refund(locked: Complaint, wanted):
    from documents import services as documents
    from documents.consumers import queue_generation
    from documents.models import Invoice, InvoiceKind
    from returns.refunds import CreditedGoods, compute_refund

    order = locked.order
    invoice = Invoice.objects.filter(order=order, kind=InvoiceKind.INVOICE).first()
    if invoice is None:
        invoice = documents.issue_invoice(order=order.pk)
    if invoice is None:
        raise InvalidComplaint({"resolution": [_("The order has no invoice to credit yet.")]})
    goods = [
        CreditedGoods(
            sku=line.sku,
            name=line.name,
            quantity=quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
        )
        for line, quantity in sorted(wanted, key=lambda item: item[0].position)
    ]
    whole = sum(quantity for _line, quantity in wanted) == sum(
        line.quantity for line in order.lines.all()
    )
    refund = compute_refund(
        goods=goods,
        order_subtotal=order.subtotal,
        order_discount=order.discount,
        whole_order=whole,
    )
    if refund.total <= 0:
        raise InvalidComplaint({"resolution": [_("Nothing to refund.")]})
    with translation.override(locked.company.language):
        reason = _("Complaint %(number)s") % {"number": locked.number}
    credit = documents.issue_return_credit_note(
        invoice=invoice,
        reason=reason,
        lines=refund.lines,
        subtotal=refund.subtotal,
        discount=refund.discount,
        shipping=refund.shipping,
        tax=refund.tax,
        total=refund.total,
        tax_breakdown=refund.tax_breakdown,
    )
    queue_generation(credit.document.pk)
    return credit, refund


def _discount_percent(value, errors: dict) -> Decimal:
    if value in (None, ""):
        value = getattr(settings, "COMPLAINT_DISCOUNT_PERCENT", "10")
    try:
        percent = Decimal(str(value))
    except (InvalidOperation, ValueError):
        percent = Decimal("-1")
    if not percent.is_finite() or percent <= 0 or percent > 100:
        errors["discount_percent"] = [_("Enter a percentage above 0 and at most 100.")]
        return ZERO
    return money(percent)


def _issue_coupon(locked: Complaint, percent: Decimal):
    from orders.models import CouponKind
    from orders.services import save_coupon

    today = timezone.localdate()
    count = locked.reopen_count
    code = locked.number if not count else f"{locked.number}-{count + 1}"
    with translation.override(locked.company.language):
        description = _("Discount for complaint %(number)s") % {"number": locked.number}
    return save_coupon(
        actor=None,
        code=code,
        description=description[:200],
        kind=CouponKind.PERCENT,
        value=percent,
        valid_from=today,
        valid_until=today + dt.timedelta(days=int(getattr(settings, "COMPLAINT_COUPON_DAYS", 180))),
        usage_limit=1,
        company=locked.company,
        active=True,
    )


def resolve_complaint(
    *,
    complaint: Complaint,
    actor: Actor,
    resolution: str,
    note: str = "",
    lines=None,
    discount_percent=None,
) -> Complaint:
    """decidida -> resuelta, in one transaction with what the resolution makes:

    - replacement: a zero-price order through the orders service (the complaint's line
      at its ordered quantity, unless ``lines``);
    - refund: a credit note through the documents service for the same lines, at what
      was paid (as returns compute it);
    - discount: a single-use coupon for this company (``discount_percent``, default
      ``COMPLAINT_DISCOUNT_PERCENT``);
    - repair, explanation: the note says what happens.

    The resolution clock stops."""
    errors: dict[str, list[str]] = {}
    resolution = _choice(resolution, Resolution, field="resolution", errors=errors)
    note = _text(note, field="note", errors=errors)
    percent = (
        _discount_percent(discount_percent, errors) if resolution == Resolution.DISCOUNT else None
    )
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_for("resolve", complaint, actor)
        if errors:
            raise InvalidComplaint(errors)
        if locked.decision == Decision.REJECTED and resolution != Resolution.EXPLANATION:
            raise InvalidComplaint(
                {"resolution": [_("A rejected complaint is resolved with an explanation.")]}
            )
        data: dict = {"resolution": resolution}
        if resolution in (Resolution.REPLACEMENT, Resolution.REFUND):
            wanted = _wanted_lines(locked, lines, errors=errors)
            if errors:
                raise InvalidComplaint(errors)
            if resolution == Resolution.REPLACEMENT:
                from orders.services import place_replacement_order

                with translation.override(locked.company.language):
                    order_note = _("Replacement for complaint %(number)s") % {
                        "number": locked.number
                    }
                replacement = place_replacement_order(
                    actor=None,
                    source_order=locked.order,
                    lines=[(line.product, quantity) for line, quantity in wanted],
                    notes=order_note,
                )
                locked.replacement_order = replacement
                data["replacement_order"] = replacement.number
            else:
                credit, refund = _issue_refund(locked, wanted)
                locked.credit_note = credit
                locked.refund_total = refund.total
                data["credit_note"] = credit.number
                data["total"] = str(refund.total)
        elif resolution == Resolution.DISCOUNT:
            coupon = _issue_coupon(locked, percent)
            locked.coupon = coupon
            data["coupon"] = coupon.code
        from_status = locked.status
        locked.resolution = resolution
        locked.resolution_note = note
        locked.resolve()
        resolution_clock = clocks_of(locked, now)[ClockName.RESOLUTION]
        if resolution_clock.state in (clocks.RUNNING, clocks.PAUSED):
            _mark(locked, ClockName.RESOLUTION, MarkKind.STOP, now, "resolved")
        locked.awaiting_customer = False
        _recompute(locked, now)
        _finish(
            locked,
            actor=actor,
            kind=ComplaintEventKind.RESOLVED,
            from_status=from_status,
            note=note,
            params={"resolution": resolution},
            data=data,
        )
    return _sync(complaint, locked)


def _close(action: str, complaint: Complaint, actor: Actor, note: str) -> Complaint:
    errors: dict[str, list[str]] = {}
    note = _text(note, field="note", errors=errors)
    with transaction.atomic():
        locked = _lock_for(action, complaint, actor)
        if errors:
            raise InvalidComplaint(errors)
        from_status = locked.status
        locked.close()
        locked.rating_requested_at = locked.rating_requested_at or timezone.now()
        _finish(
            locked,
            actor=actor,
            kind=ComplaintEventKind.CLOSED,
            from_status=from_status,
            note=note,
            data={"accepted_by_customer": is_customer_actor(actor)},
        )
    return _sync(complaint, locked)


def close_complaint(*, complaint: Complaint, actor: Actor, note: str = "") -> Complaint:
    """resuelta -> cerrada by staff (as the customer's ``accept`` does)."""
    return _close("close", complaint, actor, note)


def accept_resolution(*, complaint: Complaint, actor: Actor, note: str = "") -> Complaint:
    """resuelta -> cerrada: the customer accepts the resolution."""
    return _close("accept", complaint, actor, note)


def _reopen(action: str, complaint: Complaint, actor: Actor, reason: str) -> Complaint:
    errors: dict[str, list[str]] = {}
    reason = _text(reason, field="reason", errors=errors, required=True)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_for(action, complaint, actor)
        if errors:
            raise InvalidComplaint(errors)
        from_status = locked.status
        locked.reopen_reason = reason
        locked.reopen()
        _mark(locked, ClockName.RESOLUTION, MarkKind.RESUME, now, "reopened")
        _recompute(locked, now)
        _finish(
            locked,
            actor=actor,
            kind=ComplaintEventKind.REOPENED,
            from_status=from_status,
            note=reason,
            params={"status": from_status},
        )
    return _sync(complaint, locked)


def dispute_resolution(*, complaint: Complaint, actor: Actor, reason: str) -> Complaint:
    """resuelta -> en_analisis: the customer disputes the resolution."""
    return _reopen("dispute", complaint, actor, reason)


def reopen_complaint(*, complaint: Complaint, actor: Actor, reason: str) -> Complaint:
    """resuelta (or cerrada within 14 days) -> en_analisis, with a reason: staff, or the
    customer reopening a closed complaint."""
    return _reopen("reopen", complaint, actor, reason)


# --- assignment, analysis ------------------------------------------------------------------


def _staff_user(value, errors: dict):
    if value in (None, ""):
        return None
    user_model = get_user_model()
    user = value if isinstance(value, user_model) else None
    if user is None and str(value).isdigit():
        user = user_model.objects.filter(pk=value).first()
    if user is None or not user.is_active or not has_staff_role(user, *SERVICE):
        errors["assignee"] = [_("Choose someone of customer service.")]
        return None
    return user


def assign_complaint(*, complaint: Complaint, actor: Actor, assignee) -> Complaint:
    """Give the complaint to someone of customer service (None: unassigned)."""
    errors: dict[str, list[str]] = {}
    user = _staff_user(assignee, errors)
    with transaction.atomic():
        locked = _lock_for("assign", complaint, actor)
        if errors:
            raise InvalidComplaint(errors)
        if locked.assignee_id != (user.pk if user else None):
            locked.assignee = user
            locked.save()
            events.complaint_event(
                complaint=locked,
                kind=ComplaintEventKind.ASSIGNED,
                actor=actor,
                customer_visible=False,
                params={"assignee": str(user) if user else "-"},
                data={"assignee_id": user.pk if user else None},
            )
    return _sync(complaint, locked)


def record_analysis(
    *,
    complaint: Complaint,
    actor: Actor,
    root_cause: str | None = None,
    responsible_party: str | None = None,
    corrective_action: str | None = None,
    priority: str | None = None,
    defect_visibility: str | None = None,
) -> Complaint:
    """The analysis fields (root cause, responsible party, corrective action) and the
    priority and defect kind; what is None stays as it is. Staff-only on the timeline."""
    errors: dict[str, list[str]] = {}
    changes: dict = {}
    if root_cause is not None:
        changes["root_cause"] = _text(root_cause, field="root_cause", errors=errors)
    if corrective_action is not None:
        changes["corrective_action"] = _text(
            corrective_action, field="corrective_action", errors=errors
        )
    if responsible_party is not None:
        changes["responsible_party"] = _choice(
            responsible_party,
            ResponsibleParty,
            field="responsible_party",
            errors=errors,
            required=False,
        )
    if priority not in (None, ""):
        changes["priority"] = _choice(priority, Priority, field="priority", errors=errors)
    if defect_visibility is not None:
        changes["defect_visibility"] = _choice(
            defect_visibility,
            DefectVisibility,
            field="defect_visibility",
            errors=errors,
            required=False,
        )
    with transaction.atomic():
        locked = _lock_for("record_analysis", complaint, actor)
        if errors:
            raise InvalidComplaint(errors)
        changed = {k: v for k, v in changes.items() if getattr(locked, k) != v}
        if changed:
            before = {name: getattr(locked, name) for name in changed}
            for name, value in changed.items():
                setattr(locked, name, value)
            locked.save()
            kind = (
                ComplaintEventKind.PRIORITY
                if set(changed) == {"priority"}
                else ComplaintEventKind.ROOT_CAUSE
            )
            events.complaint_event(
                complaint=locked,
                kind=kind,
                actor=actor,
                customer_visible=False,
                data={"changes": {k: [before[k], v] for k, v in changed.items()}},
            )
    return _sync(complaint, locked)


# --- claims --------------------------------------------------------------------------------


def _claim(kind: str, complaint: Complaint, actor: Actor, note: str) -> Claim:
    errors: dict[str, list[str]] = {}
    note = _text(note, field="note", errors=errors)
    action = "carrier_claim" if kind == ClaimKind.CARRIER else "supplier_claim"
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_for(action, complaint, actor)
        if errors:
            raise InvalidComplaint(errors)
        carrier = supplier = None
        if kind == ClaimKind.CARRIER:
            carrier = locked.order.carrier
            recipient = carrier.claims_email
            if not recipient:
                raise ClaimNotPossible(
                    _("The carrier %(carrier)s has no claims email address.")
                    % {"carrier": carrier.name}
                )
            codes = ("carrier_claim_damage", "carrier_claim_delay")
            event_kind = ComplaintEventKind.CARRIER_CLAIM
        else:
            supplier = locked.supplier
            recipient = supplier.claims_email
            if not recipient:
                raise ClaimNotPossible(
                    _("The supplier %(supplier)s has no claims email address.")
                    % {"supplier": supplier.name}
                )
            codes = ("supplier_claim",)
            event_kind = ComplaintEventKind.SUPPLIER_CLAIM
        window = [d for d in deadlines.legal_deadlines(locked, now=now) if d.code in codes]
        deadline = window[0].due if window else None
        claim = Claim.objects.create(
            complaint=locked,
            kind=kind,
            carrier=carrier,
            supplier=supplier,
            recipient=recipient,
            note=note,
            deadline=deadline,
            late=bool(deadline and now > deadline),
            actor=user_of(actor),
            actor_label=actor_label(actor)[:200],
            created_at=now,
        )
        events.complaint_event(
            complaint=locked,
            kind=event_kind,
            actor=actor,
            note=note,
            customer_visible=False,
            data={"claim_id": claim.pk, "recipient": recipient, "late": claim.late},
        )
        events.publish(
            events.COMPLAINT_CLAIM_FILED,
            {"complaint_id": locked.pk, "number": locked.number, "claim_id": claim.pk},
        )
    return claim


def file_carrier_claim(*, complaint: Complaint, actor: Actor, note: str = "") -> Claim:
    """Email the carrier's claims address a claim (order, tracking number, evidence),
    logged with the claim window it met or missed."""
    return _claim(ClaimKind.CARRIER, complaint, actor, note)


def send_supplier_claim(*, complaint: Complaint, actor: Actor, note: str = "") -> Claim:
    """Email the product's supplier a claim (summary, evidence, the orders concerned)."""
    return _claim(ClaimKind.SUPPLIER, complaint, actor, note)


# --- satisfaction --------------------------------------------------------------------------


def _score(value, errors: dict) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        errors["score"] = [_("Give a score from 1 to 5.")]
        return 0
    return value


def rate_complaint(*, complaint: Complaint, actor: Actor, score, comment: str = "") -> Complaint:
    """The customer's 1-5 score and comment on a closed complaint, once."""
    errors: dict[str, list[str]] = {}
    score = _score(score, errors)
    comment = _text(comment, field="comment", errors=errors, max_length=2000)
    with transaction.atomic():
        locked = _lock_for("rate", complaint, actor)
        if errors:
            raise InvalidComplaint(errors)
        _store_rating(locked, actor, score, comment)
    return _sync(complaint, locked)


def _store_rating(locked: Complaint, actor, score: int, comment: str) -> None:
    locked.rating_score, locked.rating_comment = score, comment
    locked.rated_at = timezone.now()
    locked.save()
    events.complaint_event(
        complaint=locked,
        kind=ComplaintEventKind.RATED,
        actor=actor,
        note=comment,
        params={"score": score},
        data={"score": score},
    )


def rating_token(complaint: Complaint) -> str:
    """The signed credential of the rating link emailed when a complaint closes."""
    return signing.dumps({"c": complaint.pk}, salt=RATING_SALT, compress=True)


class InvalidRatingLink(Exception):
    pass


def complaint_from_token(token: str) -> Complaint:
    max_age = int(getattr(settings, "COMPLAINT_RATING_LINK_DAYS", 60)) * 86400
    try:
        data = signing.loads(token, salt=RATING_SALT, max_age=max_age)
        return Complaint.objects.select_related("company").get(pk=int(data["c"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Complaint.DoesNotExist):
        raise InvalidRatingLink() from None


def rate_with_token(*, token: str, score, comment: str = "") -> Complaint:
    """The rating form of the emailed link (the token is the credential): once, on a
    closed complaint."""
    complaint = complaint_from_token(token)
    errors: dict[str, list[str]] = {}
    score = _score(score, errors)
    comment = _text(comment, field="comment", errors=errors, max_length=2000)
    with transaction.atomic():
        locked = _lock(complaint)
        refusal = registry.refusal("rate", locked)
        if refusal is not None:
            raise refusal
        if errors:
            raise InvalidComplaint(errors)
        _store_rating(locked, None, score, comment)
    return locked


# --- settings: SLA targets and deadline rules ---------------------------------------------


def save_sla_target(
    *,
    actor: Actor,
    category: str,
    priority: str,
    first_response_business_days,
    resolution_days,
    resolution_in_business_days: bool = False,
) -> SlaTarget:
    """Create or change the SLA of a category and priority (managers, audited). Open
    complaints keep the target they were filed with."""
    if not may_edit_settings(actor):
        raise NotAllowed()
    errors: dict[str, list[str]] = {}
    category = _choice(category, Category, field="category", errors=errors)
    priority = _choice(priority, Priority, field="priority", errors=errors)
    if errors:
        raise InvalidComplaint(errors)
    with transaction.atomic():
        target = (
            SlaTarget.objects.select_for_update()
            .filter(category=category, priority=priority)
            .first()
        )
        creating = target is None
        target = target or SlaTarget(category=category, priority=priority)
        before = None if creating else audit.snapshot(target)
        target.first_response_business_days = first_response_business_days
        target.resolution_days = resolution_days
        target.resolution_in_business_days = bool(resolution_in_business_days)
        try:
            target.full_clean()
        except ValidationError as error:
            raise InvalidComplaint(error.message_dict) from error
        target.save()
        if creating:
            audit.record_created(actor=actor, instance=target)
        else:
            audit.record_change(actor=actor, instance=target, before=before)
    return target


def save_deadline_rule(
    *, actor: Actor, code: str, days, basis: str = "", active: bool = True
) -> DeadlineRule:
    """Override a legal or claim deadline's days, basis text or switch it off (managers,
    audited)."""
    if not may_edit_settings(actor):
        raise NotAllowed()
    errors: dict[str, list[str]] = {}
    if code not in deadlines.RULES_BY_CODE:
        errors["code"] = [_("Unknown deadline rule.")]
    basis = _text(basis, field="basis", errors=errors)
    if errors:
        raise InvalidComplaint(errors)
    with transaction.atomic():
        rule = DeadlineRule.objects.select_for_update().filter(code=code).first()
        creating = rule is None
        rule = rule or DeadlineRule(code=code)
        before = None if creating else audit.snapshot(rule)
        rule.days, rule.basis, rule.active = days, basis, bool(active)
        try:
            rule.full_clean()
        except ValidationError as error:
            raise InvalidComplaint(error.message_dict) from error
        rule.save()
        if creating:
            audit.record_created(actor=actor, instance=rule)
        else:
            audit.record_change(actor=actor, instance=rule, before=before)
    return rule


# --- the beat task: warnings and escalations ------------------------------------------------


def _alert(complaint: Complaint, *, kind: str, subject: str, due, event_kind: str, publish) -> bool:
    """Record the alert, its history line and its outbox event together, once: False
    when the alert exists already (its unique row), so a second beat or a restart
    sends nothing again."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                ComplaintAlert.objects.create(
                    complaint=complaint, kind=kind, subject=subject, due=due
                )
        except IntegrityError:
            return False
        events.complaint_event(
            complaint=complaint,
            kind=event_kind,
            actor=None,
            customer_visible=False,
            data={"subject": subject, "due": due.isoformat()},
        )
        event_type, payload = publish
        events.publish(event_type, payload)
    return True


def _alert_payload(complaint: Complaint, kind: str, subject: str, due) -> dict:
    return {
        "complaint_id": complaint.pk,
        "number": complaint.number,
        "kind": kind,
        "subject": subject,
        "due": due.isoformat(),
    }


def _end_of_today(now: dt.datetime) -> dt.datetime:
    from core import calendar as business

    zone = business.time_zone()
    today = timezone.localtime(now, zone).date()
    return dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0), tzinfo=zone)


def check_deadlines(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Warn the assignee of every clock that passes today, escalate every passed clock to
    the managers once per breach (email, badge, ``complaint.sla_breached``), and warn of
    legal deadlines about to pass. Safe to run any number of times: each alert is a
    unique row (complaint, kind, clock, deadline)."""
    now = now or timezone.now()
    end_of_today = _end_of_today(now)
    counts = {"warned": 0, "escalated": 0, "legal": 0}
    rules = deadlines.stored_rules()
    candidates = (
        Complaint.objects.exclude(status=ComplaintStatus.CERRADA)
        .select_related(
            "company",
            "order",
            "order__carrier",
            "order_line__product__supplier",
            "product__supplier",
            "assignee",
        )
        .prefetch_related("clock_marks", "claims")
    )
    for complaint in candidates.iterator(chunk_size=200):
        states = clocks_of(complaint, now, rows=complaint.clock_marks.all())
        for clock, state in states.items():
            if state.due is None:
                continue
            if state.breached and state.state != clocks.STOPPED:
                payload = events.sla_breached_payload(complaint, clock=clock, due=state.due)
                if _alert(
                    complaint,
                    kind=AlertKind.BREACHED,
                    subject=clock,
                    due=state.due,
                    event_kind=ComplaintEventKind.SLA_BREACHED,
                    publish=(events.COMPLAINT_SLA_BREACHED, payload),
                ):
                    counts["escalated"] += 1
            elif state.running and now <= state.due < end_of_today:
                payload = _alert_payload(complaint, AlertKind.DUE_TODAY, clock, state.due)
                if _alert(
                    complaint,
                    kind=AlertKind.DUE_TODAY,
                    subject=clock,
                    due=state.due,
                    event_kind=ComplaintEventKind.SLA_WARNING,
                    publish=(events.COMPLAINT_ALERT, payload),
                ):
                    counts["warned"] += 1
        for deadline in deadlines.legal_deadlines(complaint, now=now, rules=rules):
            if deadline.state != deadlines.WARNING:
                continue
            payload = _alert_payload(complaint, AlertKind.LEGAL, deadline.code, deadline.due)
            if _alert(
                complaint,
                kind=AlertKind.LEGAL,
                subject=deadline.code,
                due=deadline.due,
                event_kind=ComplaintEventKind.LEGAL_WARNING,
                publish=(events.COMPLAINT_ALERT, payload),
            ):
                counts["legal"] += 1
    return counts


def acknowledge_escalations(*, complaint: Complaint, actor: Actor) -> int:
    """A manager has seen the complaint's escalations: they leave the badge."""
    from .permissions import MANAGERS

    if not owns(actor, roles=MANAGERS, customer=False, company_id=None):
        raise NotAllowed()
    return ComplaintAlert.objects.filter(
        complaint=complaint, kind=AlertKind.BREACHED, acknowledged_at__isnull=True
    ).update(acknowledged_at=timezone.now())


def refresh_clocks(*, now: dt.datetime | None = None) -> int:
    """Store every open complaint's clocks again (after a closure day was added, say)."""
    now = now or timezone.now()
    changed = 0
    for complaint in Complaint.objects.exclude(status=ComplaintStatus.CERRADA).iterator():
        with transaction.atomic():
            locked = _lock(complaint)
            fields = (
                "first_response_due",
                "resolution_due",
                "next_due",
                "first_response_business_seconds",
                "resolution_business_seconds",
            )
            before = [getattr(locked, name) for name in fields]
            _recompute(locked, now)
            if before != [getattr(locked, name) for name in fields]:
                locked.save(
                    update_fields=[
                        "first_response_due",
                        "first_responded_at",
                        "resolution_due",
                        "resolution_paused_seconds",
                        "first_response_business_seconds",
                        "resolution_business_seconds",
                        "next_due",
                        "updated_at",
                    ]
                )
                changed += 1
    return changed
