"""The after-sales history of generated orders: ``generate_orders``' aftercare step.

    python manage.py generate_aftercare [--first ID --last ID] [--seed 1]

(``generate_orders`` runs it on the orders it made unless ``--no-aftercare``; without
``--first``/``--last`` it takes every generated order.) It lives in the dashboard app,
the layer that may read every domain it writes. PostgreSQL only. For the orders of the
id range it adds, with COPY through ``generate_orders``' ``Table``:

- delivery ratings (``notifications.SatisfactionRating``) of about a fifth of the
  delivered orders, a day or so after delivery;
- returns of about 4 % of the delivered orders (1 to 3 lines, reasons from the seeded
  ``ReturnReason`` rows), requested within a month of delivery and spread over the
  workflow by their age (requested, authorized, received, inspected, resolved, and
  some rejected or cancelled), with their events; the refunded ones get the order's
  invoice and a credit note (``AB``) issued on the resolution day, some of them late
  against ``refund_due`` and a few still waiting past it (refunds overdue);
- complaints about 1.5 % of the orders (mostly delivered ones; some about a shipment
  that has not arrived), with categories, priorities, the SLA snapshot of their pair,
  the clock marks (first response, resolution, pauses waiting for the customer) and
  what the services store from them (``complaints.clocks``: due times, business
  seconds, the next deadline), decisions, responsible parties, messages, events and
  ratings; some answered or resolved late (SLA breaches);
- the customer timeline (``customers.TimelineEntry``) of every order event, return
  event and complaint event, as the domains' event functions append it;
- at the end, the returns abuse watch of every company with returns
  (``returns.services.evaluate_all_abuse``, the nightly task's own code).

Ids come from the tables' sequences and numbers from the series' sequences (returns
``DEV``, complaints ``REC``) or counters (invoices ``FV``, credit notes ``AB``), so the
application keeps numbering after them. Everything happens after the orders exist,
never inside a placing transaction.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone, translation

from complaints import clocks
from complaints.models import (
    Category,
    ClockMark,
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    ComplaintStatus,
    Decision,
    Priority,
    ResponsibleParty,
)
from complaints.models import Resolution as ComplaintResolution
from complaints.services import COMPLAINT_SERIES, sla_target_for
from core import calendar as business
from core.messages import Msg
from core.models import SequenceCounter
from core.numbering import format_number, sequence_name
from customers.models import Company, TimelineEntry, TimelineKind, Visibility
from documents.models import SERIES, CreditReason, Invoice, InvoiceKind, InvoiceLine
from documents.services import customer_snapshot, seller_snapshot
from notifications.models import SatisfactionRating
from orders.models import Order, OrderEvent, OrderLine
from returns.events import _summary as return_summary
from returns.models import Resolution, Return, ReturnEvent, ReturnLine, ReturnReason, ReturnStatus
from returns.services import RETURN_SERIES, evaluate_all_abuse

CENT = Decimal("0.01")

RATING_SHARE = 0.20
RETURN_SHARE = 0.04
COMPLAINT_SHARE = 0.015
#: Delivery scores of a B2B desk that mostly works.
SCORES = ((5, 45), (4, 30), (3, 12), (2, 7), (1, 6))
REASON_WEIGHTS = {
    "wrong_item": 15,
    "defective": 25,
    "damaged_in_transport": 20,
    "not_as_described": 10,
    "no_longer_needed": 20,
    "other": 10,
}
CATEGORY_WEIGHTS = {
    Category.QUALITY: 25,
    Category.DELIVERY_DELAY: 20,
    Category.WRONG_ITEM: 12,
    Category.DAMAGE: 18,
    Category.INVOICING: 10,
    Category.SERVICE: 10,
    Category.OTHER: 5,
}
PRIORITY_WEIGHTS = {Priority.LOW: 5, Priority.NORMAL: 70, Priority.HIGH: 20, Priority.URGENT: 5}
#: Who the analysis usually holds responsible, per category.
PARTY_BY_CATEGORY = {
    Category.QUALITY: ResponsibleParty.SUPPLIER,
    Category.DELIVERY_DELAY: ResponsibleParty.CARRIER,
    Category.WRONG_ITEM: ResponsibleParty.WAREHOUSE,
    Category.DAMAGE: ResponsibleParty.CARRIER,
    Category.INVOICING: ResponsibleParty.SALES,
    Category.SERVICE: ResponsibleParty.SALES,
    Category.OTHER: ResponsibleParty.OTHER,
}

RETURN_COLUMNS = (
    "id", "number", "order_id", "company_id", "channel", "status", "requested_resolution",
    "resolution", "currency", "authorized_at", "rejected_at", "received_at", "inspected_at",
    "resolved_at", "cancelled_at", "receive_by", "refund_due", "refund_total", "credit_note_id",
    "repair_shipped_at", "rejection_reason", "cancel_reason", "expired", "created_at",
    "updated_at", "return_shipping_payer",
)  # fmt: skip
RETURN_LINE_COLUMNS = (
    "id", "ret_id", "position", "order_line_id", "product_id", "sku", "name", "quantity",
    "reason_id", "eligibility", "received_quantity", "resellable_quantity", "damaged_quantity",
    "missing_quantity",
)  # fmt: skip
RETURN_EVENT_COLUMNS = (
    "id", "ret_id", "kind", "from_status", "to_status", "customer_visible", "created_at",
)  # fmt: skip
COMPLAINT_COLUMNS = (
    "id", "number", "company_id", "channel", "order_id", "order_line_id", "product_id",
    "category", "description", "priority", "status", "filed_at", "analysis_started_at",
    "decision", "decision_reasoning", "decided_at", "resolution", "resolution_note",
    "resolved_at", "closed_at", "responsible_party", "root_cause", "awaiting_customer",
    "first_response_target_days", "resolution_target_days", "resolution_target_business",
    "first_response_due", "first_responded_at", "resolution_due", "resolution_paused_seconds",
    "first_response_business_seconds", "resolution_business_seconds", "next_due",
    "rating_score", "rated_at", "rating_requested_at", "filed_by_label", "created_at",
    "updated_at",
)  # fmt: skip
MARK_COLUMNS = ("id", "complaint_id", "clock", "kind", "at", "reason")
MESSAGE_COLUMNS = (
    "id", "complaint_id", "body", "internal", "from_staff", "awaiting_customer", "author_label",
    "created_at",
)  # fmt: skip
COMPLAINT_EVENT_COLUMNS = (
    "id", "complaint_id", "kind", "from_status", "to_status", "customer_visible", "actor_label",
    "created_at",
)  # fmt: skip
RATING_COLUMNS = ("id", "order_id", "score", "rated_at")
TIMELINE_COLUMNS = (
    "company_id", "kind", "summary", "summary_message", "visibility", "content_type_id",
    "object_id", "created_at",
)  # fmt: skip
INVOICE_COLUMNS = (
    "id", "kind", "number", "order_id", "company_id", "corrects_id", "reason_code", "reason",
    "issued_at", "issue_date", "due_date", "language", "currency", "seller", "customer",
    "shipping_address", "order_number", "po_number", "payment_terms", "subtotal", "discount",
    "shipping", "tax", "total", "tax_breakdown",
)  # fmt: skip
INVOICE_LINE_COLUMNS = (
    "id", "invoice_id", "position", "sku", "description", "quantity", "unit_price", "vat_rate",
    "net_amount",
)  # fmt: skip


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def _hours(rng: random.Random, mean: float) -> dt.timedelta:
    return dt.timedelta(hours=rng.expovariate(1 / mean))


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


@dataclass
class Made:
    """What the aftercare made (the command's report and the tests' proportions)."""

    ratings: int = 0
    returns: int = 0
    return_lines: int = 0
    credit_notes: int = 0
    complaints: int = 0
    complaint_ratings: int = 0
    timeline: int = 0
    flagged: int = 0
    counts: dict = field(default_factory=dict)


class Aftercare:
    """Adds the after-sales rows of the orders ``first_id``..``last_id``."""

    def __init__(self, command, *, seed: int, now: dt.datetime, batch: int = 20_000):
        from orders.management.commands.generate_orders import (
            Table,
            _reserve_ids,
            _reserve_sequence,
        )

        self.Table, self.reserve_ids, self.reserve_sequence = Table, _reserve_ids, _reserve_sequence
        self.command = command
        self.rng = random.Random(seed * 7919 + 1)  # noqa: S311 - test data
        self.now = now
        self.batch = batch
        self.made = Made()
        self.reasons = {r.code: r.pk for r in ReturnReason.objects.filter(active=True)}
        self.reason_weights = {c: w for c, w in REASON_WEIGHTS.items() if c in self.reasons}
        if not self.reason_weights:
            self.reason_weights = dict.fromkeys(self.reasons, 1)
        self.companies = {}
        self.content_types = {
            model: ContentType.objects.get_for_model(model).pk
            for model in (Order, Return, Complaint)
        }
        self.targets = {}
        self.seller = seller_snapshot()
        self.calendar = clocks.BusinessCalendar()
        self.tables = {
            "ret": Table(Return, RETURN_COLUMNS),
            "ret_line": Table(ReturnLine, RETURN_LINE_COLUMNS),
            "ret_event": Table(ReturnEvent, RETURN_EVENT_COLUMNS),
            "complaint": Table(Complaint, COMPLAINT_COLUMNS),
            "mark": Table(ClockMark, MARK_COLUMNS),
            "message": Table(ComplaintMessage, MESSAGE_COLUMNS),
            "c_event": Table(ComplaintEvent, COMPLAINT_EVENT_COLUMNS),
            "rating": Table(SatisfactionRating, RATING_COLUMNS),
            "timeline": Table(TimelineEntry, TIMELINE_COLUMNS, omit=("id",)),
            "invoice": Table(Invoice, INVOICE_COLUMNS),
            "invoice_line": Table(InvoiceLine, INVOICE_LINE_COLUMNS),
        }

    # --- the driver ----------------------------------------------------------------------

    def run(self, first_id: int, last_id: int) -> Made:
        start = first_id
        while start <= last_id:
            end = min(last_id, start + self.batch - 1)
            with transaction.atomic(), connection.cursor() as cursor:
                self._chunk(cursor, start, end)
            start = end + 1
        self.made.flagged = self._abuse()
        return self.made

    def _company(self, pk: int):
        if pk not in self.companies:
            self.companies.update({c.pk: c for c in Company.objects.filter(pk=pk)})
        return self.companies[pk]

    def _chunk(self, cursor, start: int, end: int) -> None:
        rng, now = self.rng, self.now
        cursor.execute(
            f"SELECT id, number, company_id, status, currency, created_at, shipped_at,"  # noqa: S608
            f" delivered_at, po_number, shipping_address, payment_status"
            f" FROM {Order._meta.db_table} WHERE id BETWEEN %s AND %s ORDER BY id",
            [start, end],
        )
        orders = cursor.fetchall()
        ratings, returns, complaints = [], [], []
        for row in orders:
            order = SimpleNamespace(
                id=row[0],
                number=row[1],
                company_id=row[2],
                status=row[3],
                currency=row[4],
                created_at=row[5],
                shipped_at=row[6],
                delivered_at=row[7],
                po_number=row[8],
                shipping_address=row[9],
                payment_status=row[10],
            )
            if order.delivered_at is not None:
                if rng.random() < RATING_SHARE:
                    rated = order.delivered_at + _hours(rng, 20)
                    if rated <= now:
                        ratings.append((order, rated))
                if rng.random() < RETURN_SHARE:
                    requested = order.delivered_at + dt.timedelta(
                        days=min(28, rng.expovariate(1 / 6)), hours=rng.uniform(0, 8)
                    )
                    if requested <= now:
                        returns.append((order, requested))
            if order.shipped_at is not None and rng.random() < COMPLAINT_SHARE:
                if order.delivered_at is None:
                    filed = order.shipped_at + dt.timedelta(days=rng.uniform(3, 6))
                else:
                    filed = order.delivered_at + dt.timedelta(
                        days=min(25, rng.expovariate(1 / 3)), hours=rng.uniform(0, 6)
                    )
                if filed <= now:
                    complaints.append((order, filed))
        lines = self._lines(cursor, {o.id for o, _t in returns} | {o.id for o, _t in complaints})
        self._ratings(cursor, ratings)
        self._returns(cursor, returns, lines)
        self._complaints(cursor, complaints, lines)
        for table in self.tables.values():
            table.flush(cursor)
        self._order_timeline(cursor, start, end)

    @staticmethod
    def _lines(cursor, order_ids: set) -> dict:
        if not order_ids:
            return {}
        cursor.execute(
            "SELECT order_id, id, position, product_id, sku, name, unit_price, vat_rate, quantity"  # noqa: S608
            f" FROM {OrderLine._meta.db_table} WHERE order_id = ANY(%s)"
            " ORDER BY order_id, position",
            [sorted(order_ids)],
        )
        lines: dict[int, list] = {}
        for row in cursor.fetchall():
            lines.setdefault(row[0], []).append(
                SimpleNamespace(
                    id=row[1],
                    position=row[2],
                    product_id=row[3],
                    sku=row[4],
                    name=row[5],
                    unit_price=row[6],
                    vat_rate=row[7],
                    quantity=row[8],
                )
            )
        return lines

    # --- timeline ------------------------------------------------------------------------

    def _timeline(self, *, company_id, kind, at, model, object_id, message=None, summary=""):
        self.tables["timeline"].add(
            {
                "company_id": company_id,
                "kind": kind,
                "summary": summary[:255],
                "summary_message": message.stored if message is not None else {},
                "visibility": Visibility.CUSTOMER,
                "content_type_id": self.content_types[model],
                "object_id": str(object_id),
                "created_at": at,
            }
        )
        self.made.timeline += 1

    def _order_timeline(self, cursor, start: int, end: int) -> None:
        """One timeline entry per order event, as ``orders.events`` appends them: the
        placement with its total, every transition with the order's number."""
        cursor.execute(
            f"""
            INSERT INTO {TimelineEntry._meta.db_table}
                (company_id, kind, summary, body, summary_message, body_message, visibility,
                 content_type_id, object_id, created_at)
            SELECT o.company_id, %s, '', '',
                   CASE WHEN e.kind = 'placed'
                        THEN jsonb_build_object('key', 'order.placed', 'params',
                             jsonb_build_object('number', o.number, 'total', o.total::text,
                                                'currency', o.currency))
                        ELSE jsonb_build_object('key', 'order.' || e.kind, 'params',
                             jsonb_build_object('number', o.number))
                   END,
                   '{{}}'::jsonb, %s, %s, o.id::text, e.created_at
            FROM {OrderEvent._meta.db_table} e
            JOIN {Order._meta.db_table} o ON o.id = e.order_id
            WHERE e.order_id BETWEEN %s AND %s
            ORDER BY e.id
            """,  # noqa: S608 (model tables; values are parameters)
            [TimelineKind.ORDER, Visibility.CUSTOMER, self.content_types[Order], start, end],
        )
        self.made.timeline += cursor.rowcount

    # --- ratings -------------------------------------------------------------------------

    def _ratings(self, cursor, ratings) -> None:
        if not ratings:
            return
        first = self.reserve_ids(cursor, SatisfactionRating._meta.db_table, len(ratings))
        scores, weights = zip(*SCORES, strict=True)
        for k, (order, rated) in enumerate(ratings):
            self.tables["rating"].add(
                {
                    "id": first + k,
                    "order_id": order.id,
                    "score": self.rng.choices(scores, weights)[0],
                    "rated_at": rated,
                }
            )
        self.made.ratings += len(ratings)

    # --- returns -------------------------------------------------------------------------

    def _return_plan(self, requested: dt.datetime) -> dict:
        """The steps of one return (state -> time), its fate and resolution."""
        rng = self.rng
        fate = rng.choices(("resolved", "rejected", "cancelled"), (86, 8, 6))[0]
        steps = {ReturnStatus.SOLICITADA: requested}
        if fate == "rejected":
            steps[ReturnStatus.RECHAZADA] = requested + _hours(rng, 20)
            return {"fate": fate, "steps": steps}
        authorized = requested + _hours(rng, 16)
        steps[ReturnStatus.AUTORIZADA] = authorized
        if fate == "cancelled":
            steps[ReturnStatus.CANCELADA] = authorized + dt.timedelta(days=rng.uniform(1, 14))
            return {"fate": fate, "steps": steps}
        received = authorized + dt.timedelta(days=rng.uniform(2, 9))
        inspected = received + _hours(rng, 30)
        # Most refunds within the 7 business days; one in ten late, a few very late.
        slow = rng.random()
        if slow < 0.04:
            resolve_after = dt.timedelta(days=rng.uniform(14, 30))
        elif slow < 0.12:
            resolve_after = dt.timedelta(days=rng.uniform(9, 14))
        else:
            resolve_after = _hours(rng, 60)
        steps[ReturnStatus.RECIBIDA] = received
        steps[ReturnStatus.INSPECCIONADA] = inspected
        steps[ReturnStatus.RESUELTA] = inspected + resolve_after
        return {"fate": fate, "steps": steps}

    def _returns(self, cursor, returns, lines) -> None:
        if not returns:
            return
        rng, now = self.rng, self.now
        size = len(returns)
        first = self.reserve_ids(cursor, Return._meta.db_table, size)
        first_number = self.reserve_sequence(cursor, sequence_name(RETURN_SERIES), size)
        plans = []
        n_lines = n_events = 0
        for order, requested in returns:
            plan = self._return_plan(requested)
            reached = [(s, t) for s, t in plan["steps"].items() if t <= now]
            plan["reached"] = reached
            order_lines = lines.get(order.id, [])
            plan["lines"] = rng.sample(order_lines, min(len(order_lines), rng.choice((1, 1, 2, 3))))
            n_lines += len(plan["lines"])
            n_events += len(reached)
            plans.append(plan)
        line_id = self.reserve_ids(cursor, ReturnLine._meta.db_table, n_lines)
        event_id = self.reserve_ids(cursor, ReturnEvent._meta.db_table, n_events)
        refunded = []
        for k, ((order, requested), plan) in enumerate(zip(returns, plans, strict=True)):
            ret_id = first + k
            number = format_number(RETURN_SERIES, requested.year, first_number + k)
            status, last_at = plan["reached"][-1]
            steps = dict(plan["reached"])
            resolution = Resolution.REFUND if rng.random() < 0.85 else Resolution.REPAIR
            refund_due = None
            if ReturnStatus.INSPECCIONADA in steps:
                refund_due = business.add_business_days(
                    timezone.localdate(steps[ReturnStatus.INSPECCIONADA]), 7
                )
            total = Decimal("0.00")
            net_by_rate: dict[Decimal, Decimal] = {}
            returned_lines = []
            for position, line in enumerate(plan["lines"], start=1):
                quantity = rng.randint(1, line.quantity)
                reason = _pick(rng, self.reason_weights)
                received = ReturnStatus.RECIBIDA in steps
                inspected = ReturnStatus.INSPECCIONADA in steps
                damaged = rng.randint(0, quantity) if inspected and rng.random() < 0.3 else 0
                self.tables["ret_line"].add(
                    {
                        "id": line_id,
                        "ret_id": ret_id,
                        "position": position,
                        "order_line_id": line.id,
                        "product_id": line.product_id,
                        "sku": line.sku,
                        "name": line.name,
                        "quantity": quantity,
                        "reason_id": self.reasons[reason],
                        "eligibility": {"eligible": True, "code": "", "params": {}},
                        "received_quantity": quantity if received else None,
                        "resellable_quantity": quantity - damaged if inspected else 0,
                        "damaged_quantity": damaged,
                        "missing_quantity": 0,
                    }
                )
                line_id += 1
                net = _money(line.unit_price * quantity)
                net_by_rate[line.vat_rate] = net_by_rate.get(line.vat_rate, Decimal("0")) + net
                returned_lines.append((line, quantity, net))
            tax = sum(
                (_money(net * rate / 100) for rate, net in net_by_rate.items()), Decimal("0.00")
            )
            total = sum(net_by_rate.values(), Decimal("0.00")) + tax
            resolved = status == ReturnStatus.RESUELTA
            credit_note_id = None
            if resolved and resolution == Resolution.REFUND:
                credit_note_id = ("pending", len(refunded))
                refunded.append((order, steps[ReturnStatus.RESUELTA], returned_lines, net_by_rate))
            row = {
                "id": ret_id,
                "number": number,
                "order_id": order.id,
                "company_id": order.company_id,
                "channel": rng.choice(("portal", "portal", "api", "backoffice")),
                "status": status,
                "requested_resolution": resolution,
                "resolution": resolution if resolved else "",
                "currency": order.currency,
                "authorized_at": steps.get(ReturnStatus.AUTORIZADA),
                "rejected_at": steps.get(ReturnStatus.RECHAZADA),
                "received_at": steps.get(ReturnStatus.RECIBIDA),
                "inspected_at": steps.get(ReturnStatus.INSPECCIONADA),
                "resolved_at": steps.get(ReturnStatus.RESUELTA),
                "cancelled_at": steps.get(ReturnStatus.CANCELADA),
                "receive_by": (
                    timezone.localdate(steps[ReturnStatus.AUTORIZADA]) + dt.timedelta(days=14)
                    if ReturnStatus.AUTORIZADA in steps
                    else None
                ),
                "refund_due": refund_due,
                "refund_total": total if credit_note_id else None,
                "credit_note_id": credit_note_id,
                "repair_shipped_at": steps[ReturnStatus.RESUELTA]
                if resolved and resolution == Resolution.REPAIR
                else None,
                "rejection_reason": "Outside the policy"
                if status == ReturnStatus.RECHAZADA
                else "",
                "cancel_reason": "Goods never sent" if status == ReturnStatus.CANCELADA else "",
                "expired": status == ReturnStatus.CANCELADA and rng.random() < 0.5,
                "created_at": requested,
                "updated_at": last_at,
                "return_shipping_payer": "",
            }
            plan["row"] = row
            company = self._company(order.company_id)
            fake = SimpleNamespace(number=number, order=SimpleNamespace(number=order.number))
            previous = ""
            for state, at in plan["reached"]:
                kind = _RETURN_EVENT_KIND[state]
                if state == ReturnStatus.CANCELADA and row["expired"]:
                    kind = "expired"
                self.tables["ret_event"].add(
                    {
                        "id": event_id,
                        "ret_id": ret_id,
                        "kind": kind,
                        "from_status": previous,
                        "to_status": state,
                        "customer_visible": True,
                        "created_at": at,
                    }
                )
                event_id += 1
                previous = state
                with translation.override(company.language):
                    summary = return_summary(fake, kind)
                self._timeline(
                    company_id=order.company_id,
                    kind=TimelineKind.RETURN,
                    at=at,
                    model=Return,
                    object_id=ret_id,
                    summary=summary,
                )
            self.made.counts[status] = self.made.counts.get(status, 0) + 1
        credit_ids = self._credit_notes(cursor, refunded)
        for plan in plans:
            row = plan["row"]
            if row["credit_note_id"]:
                row["credit_note_id"] = credit_ids[row["credit_note_id"][1]]
            self.tables["ret"].add(row)
        self.made.returns += size
        self.made.return_lines += n_lines

    def _credit_notes(self, cursor, refunded) -> list[int]:
        """The order's invoice (issued at delivery) and the return's credit note (on the
        resolution) of each refunded return; the ids of the credit notes."""
        if not refunded:
            return []
        size = len(refunded)
        first = self.reserve_ids(cursor, Invoice._meta.db_table, 2 * size)
        order_ids = sorted({order.id for order, *_rest in refunded})
        cursor.execute(
            "SELECT id, subtotal, discount, shipping, tax, total FROM"  # noqa: S608
            f" {Order._meta.db_table} WHERE id = ANY(%s)",
            [order_ids],
        )
        amounts = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT order_id, position, sku, name, quantity, unit_price, vat_rate, line_total"  # noqa: S608
            f" FROM {OrderLine._meta.db_table} WHERE order_id = ANY(%s)",
            [order_ids],
        )
        order_lines: dict[int, list] = {}
        for row in cursor.fetchall():
            order_lines.setdefault(row[0], []).append(row[1:])
        n_lines = sum(len(order_lines.get(o.id, [])) for o, *_r in refunded)
        n_lines += sum(len(lines) for _o, _t, lines, _n in refunded)
        line_id = self.reserve_ids(cursor, InvoiceLine._meta.db_table, n_lines)
        invoiced_at = [order.delivered_at for order, *_r in refunded]
        invoice_numbers = self._numbers(cursor, SERIES[InvoiceKind.INVOICE], invoiced_at)
        credit_numbers = self._numbers(
            cursor, SERIES[InvoiceKind.CREDIT_NOTE], [at for _o, at, *_r in refunded]
        )
        ids = []
        for k, (order, at, lines, net_by_rate) in enumerate(refunded):
            company = self._company(order.company_id)
            customer = customer_snapshot(company)
            subtotal, discount, shipping, tax, total = amounts[order.id]
            invoice_id, credit_id = first + 2 * k, first + 2 * k + 1
            issue = timezone.localdate(order.delivered_at)
            base = {
                "order_id": order.id,
                "company_id": order.company_id,
                "language": company.language,
                "currency": order.currency,
                "seller": self.seller,
                "customer": customer,
                "shipping_address": order.shipping_address,
                "order_number": order.number,
                "po_number": order.po_number,
                "payment_terms": company.payment_terms,
            }
            breakdown: dict[Decimal, Decimal] = {}
            for position, sku, name, quantity, unit_price, vat_rate, line_total in order_lines.get(
                order.id, []
            ):
                breakdown[vat_rate] = breakdown.get(vat_rate, Decimal("0")) + line_total
                self.tables["invoice_line"].add(
                    {
                        "id": line_id,
                        "invoice_id": invoice_id,
                        "position": position,
                        "sku": sku,
                        "description": name,
                        "quantity": quantity,
                        "unit_price": unit_price,
                        "vat_rate": vat_rate,
                        "net_amount": line_total,
                    }
                )
                line_id += 1
            self.tables["invoice"].add(
                {
                    **base,
                    "id": invoice_id,
                    "kind": InvoiceKind.INVOICE,
                    "number": invoice_numbers[k],
                    "corrects_id": None,
                    "reason_code": "",
                    "reason": "",
                    "issued_at": order.delivered_at,
                    "issue_date": issue,
                    "due_date": issue + dt.timedelta(days=company.payment_terms_days),
                    "subtotal": subtotal,
                    "discount": discount,
                    "shipping": shipping,
                    "tax": tax,
                    "total": total,
                    "tax_breakdown": [
                        {"rate": str(r), "base": str(b), "tax": str(_money(b * r / 100))}
                        for r, b in sorted(breakdown.items())
                    ],
                }
            )
            net = sum(net_by_rate.values(), Decimal("0.00"))
            credit_tax = sum((_money(b * r / 100) for r, b in net_by_rate.items()), Decimal("0.00"))
            for position, (line, quantity, line_net) in enumerate(lines, start=1):
                self.tables["invoice_line"].add(
                    {
                        "id": line_id,
                        "invoice_id": credit_id,
                        "position": position,
                        "sku": line.sku,
                        "description": line.name,
                        "quantity": -quantity,
                        "unit_price": line.unit_price,
                        "vat_rate": line.vat_rate,
                        "net_amount": -line_net,
                    }
                )
                line_id += 1
            credit_day = timezone.localdate(at)
            self.tables["invoice"].add(
                {
                    **base,
                    "id": credit_id,
                    "kind": InvoiceKind.CREDIT_NOTE,
                    "number": credit_numbers[k],
                    "corrects_id": invoice_id,
                    "reason_code": CreditReason.RETURN,
                    "reason": "Goods returned",
                    "issued_at": at,
                    "issue_date": credit_day,
                    "due_date": credit_day,
                    "subtotal": -net,
                    "discount": Decimal("0.00"),
                    "shipping": Decimal("0.00"),
                    "tax": -credit_tax,
                    "total": -(net + credit_tax),
                    "tax_breakdown": [
                        {"rate": str(r), "base": str(-b), "tax": str(-_money(b * r / 100))}
                        for r, b in sorted(net_by_rate.items())
                    ],
                }
            )
            ids.append(credit_id)
        self.made.credit_notes += size
        return ids

    @staticmethod
    def _numbers(cursor, series: str, moments) -> list[str]:
        """Gap-free numbers of ``series`` for documents issued at ``moments`` (in that
        order within each year), taken from the series' counters as ``next_number``
        takes them."""
        years = [timezone.localdate(at).year for at in moments]
        need: dict[int, int] = {}
        for year in years:
            need[year] = need.get(year, 0) + 1
        start = {}
        for year, count in need.items():
            SequenceCounter.objects.bulk_create(
                [SequenceCounter(series=series, year=year, last_value=0)], ignore_conflicts=True
            )
            counter = SequenceCounter.objects.select_for_update().get(series=series, year=year)
            start[year] = counter.last_value + 1
            SequenceCounter.objects.filter(pk=counter.pk).update(
                last_value=counter.last_value + count
            )
        numbers = []
        for year in years:
            numbers.append(format_number(series, year, start[year]))
            start[year] += 1
        return numbers

    # --- complaints ----------------------------------------------------------------------

    def _target(self, category: str, priority: str):
        key = (category, priority)
        if key not in self.targets:
            self.targets[key] = sla_target_for(category, priority)
        return self.targets[key]

    def _complaint_plan(self, order, filed: dt.datetime, lines) -> dict:
        rng = self.rng
        category = (
            Category.DELIVERY_DELAY if order.delivered_at is None else _pick(rng, CATEGORY_WEIGHTS)
        )
        priority = _pick(rng, PRIORITY_WEIGHTS)
        fr_days, rs_days, rs_business = self._target(category, priority)
        # The first staff reply: mostly within a working day; one in eight late.
        late_reply = rng.random() < 0.12
        replied = self.calendar.add(
            filed,
            dt.timedelta(hours=rng.uniform(20, 40) if late_reply else rng.expovariate(1 / 5)),
        )
        asks = rng.random() < 0.25
        answered = replied + _hours(rng, 30) if asks else None
        restart = answered or replied
        decided = restart + _hours(rng, 48)
        late_resolution = rng.random() < 0.10
        resolved = decided + (
            dt.timedelta(days=rng.uniform(12, 25)) if late_resolution else _hours(rng, 48)
        )
        closed = resolved + dt.timedelta(days=rng.uniform(3, 10))
        decision = Decision.ACCEPTED if rng.random() < 0.8 else Decision.REJECTED
        if decision == Decision.REJECTED:
            resolution = ComplaintResolution.EXPLANATION
        else:
            resolution = rng.choice(
                (
                    ComplaintResolution.REPLACEMENT,
                    ComplaintResolution.REFUND,
                    ComplaintResolution.DISCOUNT,
                    ComplaintResolution.REPAIR,
                )
            )
        party = PARTY_BY_CATEGORY[category] if rng.random() < 0.8 else ""
        if party and rng.random() < 0.1:
            party = ResponsibleParty.CUSTOMER
        line = rng.choice(lines) if lines and category != Category.DELIVERY_DELAY else None
        return {
            "category": category,
            "priority": priority,
            "targets": (fr_days, rs_days, rs_business),
            "replied": replied,
            "asks": asks,
            "answered": answered,
            "decided": decided,
            "resolved": resolved,
            "closed": closed,
            "decision": decision,
            "resolution": resolution,
            "party": party,
            "line": line,
        }

    def _complaints(self, cursor, complaints, lines) -> None:
        if not complaints:
            return
        size = len(complaints)
        first = self.reserve_ids(cursor, Complaint._meta.db_table, size)
        first_number = self.reserve_sequence(cursor, sequence_name(COMPLAINT_SERIES), size)
        built = []
        for k, (order, filed) in enumerate(complaints):
            built.append(self._complaint(order, filed, first + k, first_number + k, lines))
        n_marks = sum(len(b["marks"]) for b in built)
        n_messages = sum(len(b["messages"]) for b in built)
        n_events = sum(len(b["events"]) for b in built)
        mark_id = self.reserve_ids(cursor, ClockMark._meta.db_table, n_marks)
        message_id = self.reserve_ids(cursor, ComplaintMessage._meta.db_table, n_messages)
        event_id = self.reserve_ids(cursor, ComplaintEvent._meta.db_table, n_events)
        for b in built:
            row = b["row"]
            self.tables["complaint"].add(row)
            for clock, kind, at, reason in b["marks"]:
                self.tables["mark"].add(
                    {
                        "id": mark_id,
                        "complaint_id": row["id"],
                        "clock": clock,
                        "kind": kind,
                        "at": at,
                        "reason": reason,
                    }
                )
                mark_id += 1
            for from_staff, asks, at, body in b["messages"]:
                self.tables["message"].add(
                    {
                        "id": message_id,
                        "complaint_id": row["id"],
                        "body": body,
                        "internal": False,
                        "from_staff": from_staff,
                        "awaiting_customer": asks,
                        "author_label": "Customer service" if from_staff else "Buyer",
                        "created_at": at,
                    }
                )
                message_id += 1
            previous = ""
            for kind, to_status, at, params in b["events"]:
                self.tables["c_event"].add(
                    {
                        "id": event_id,
                        "complaint_id": row["id"],
                        "kind": kind,
                        "from_status": previous if to_status else "",
                        "to_status": to_status,
                        "customer_visible": True,
                        "actor_label": "",
                        "created_at": at,
                    }
                )
                event_id += 1
                previous = to_status or previous
                self._timeline(
                    company_id=row["company_id"],
                    kind=TimelineKind.COMPLAINT,
                    at=at,
                    model=Complaint,
                    object_id=row["id"],
                    message=Msg(_COMPLAINT_KEYS[kind], number=row["number"], **params),
                )
            status = row["status"]
            self.made.counts[f"complaint_{status}"] = (
                self.made.counts.get(f"complaint_{status}", 0) + 1
            )
        self.made.complaints += size

    def _complaint(self, order, filed, complaint_id, sequence_value, lines) -> dict:
        rng, now = self.rng, self.now
        plan = self._complaint_plan(order, filed, lines.get(order.id, []))
        number = format_number(COMPLAINT_SERIES, filed.year, sequence_value)
        fr_days, rs_days, rs_business = plan["targets"]
        FR, RS = "first_response", "resolution"
        marks = [(FR, "start", filed, "filed"), (RS, "start", filed, "filed")]
        messages, events = [], [("filed", ComplaintStatus.ABIERTA, filed, {})]
        status = ComplaintStatus.ABIERTA
        row_times = {}
        awaiting = False
        if plan["replied"] <= now:
            marks.append((FR, "stop", plan["replied"], "staff_reply"))
            messages.append((True, plan["asks"], plan["replied"], "We are looking into it."))
            events.append(("message", "", plan["replied"], {}))
            events.append(("analysis", ComplaintStatus.EN_ANALISIS, plan["replied"], {}))
            status = ComplaintStatus.EN_ANALISIS
            row_times["analysis_started_at"] = plan["replied"]
            if plan["asks"]:
                marks.append((RS, "pause", plan["replied"], "awaiting_customer"))
                events.append(("clock_paused", "", plan["replied"], {}))
                awaiting = True
                if plan["answered"] <= now:
                    marks.append((RS, "resume", plan["answered"], "customer_reply"))
                    messages.append((False, False, plan["answered"], "Photos attached."))
                    events.append(("message", "", plan["answered"], {}))
                    events.append(("clock_resumed", "", plan["answered"], {}))
                    awaiting = False
        if not awaiting and plan["decided"] <= now and status == ComplaintStatus.EN_ANALISIS:
            status = ComplaintStatus.DECIDIDA
            row_times["decided_at"] = plan["decided"]
            events.append(
                (
                    "decided",
                    ComplaintStatus.DECIDIDA,
                    plan["decided"],
                    {"decision": plan["decision"]},
                )
            )
            if plan["resolved"] <= now:
                status = ComplaintStatus.RESUELTA
                row_times["resolved_at"] = plan["resolved"]
                marks.append((RS, "stop", plan["resolved"], "resolved"))
                events.append(
                    (
                        "resolved",
                        ComplaintStatus.RESUELTA,
                        plan["resolved"],
                        {"resolution": plan["resolution"]},
                    )
                )
                if plan["closed"] <= now:
                    status = ComplaintStatus.CERRADA
                    row_times["closed_at"] = plan["closed"]
                    events.append(("closed", ComplaintStatus.CERRADA, plan["closed"], {}))
        # The clocks' answer, as complaints.services._recompute stores it.
        business_calendar = self.calendar
        resolution_calendar = business_calendar if rs_business else clocks.CalendarDays()
        fr_marks = [clocks.Mark(kind=k, at=at) for c, k, at, _r in marks if c == FR]
        rs_marks = [clocks.Mark(kind=k, at=at) for c, k, at, _r in marks if c == RS]
        first_state = clocks.compute(
            fr_marks, target=business_calendar.days(fr_days), calendar=business_calendar, now=now
        )
        resolution_state = clocks.compute(
            rs_marks,
            target=resolution_calendar.days(rs_days),
            calendar=resolution_calendar,
            now=now,
        )
        running = [s.due for s in (first_state, resolution_state) if s.running and s.due]
        rated_at = score = requested_at = None
        if status == ComplaintStatus.CERRADA:
            requested_at = plan["closed"]
            if rng.random() < 0.35:
                rated_at = requested_at + _hours(rng, 30)
                if rated_at <= now:
                    score = rng.choices((5, 4, 3, 2, 1), (35, 30, 15, 10, 10))[0]
                    events.append(("rated", "", rated_at, {"score": score}))
                    self.made.complaint_ratings += 1
                else:
                    rated_at = None
        last = max(at for _k, _s, at, _p in events)
        decided = status in (
            ComplaintStatus.DECIDIDA,
            ComplaintStatus.RESUELTA,
            ComplaintStatus.CERRADA,
        )
        line = plan["line"]
        row = {
            "id": complaint_id,
            "number": number,
            "company_id": order.company_id,
            "channel": rng.choice(("portal", "portal", "api", "backoffice")),
            "order_id": order.id,
            "order_line_id": line.id if line else None,
            "product_id": line.product_id if line else None,
            "category": plan["category"],
            "description": f"Generated complaint about order {order.number}.",
            "priority": plan["priority"],
            "status": status,
            "filed_at": filed,
            "analysis_started_at": row_times.get("analysis_started_at"),
            "decision": plan["decision"] if decided else "",
            "decision_reasoning": "Checked against the delivery records." if decided else "",
            "decided_at": row_times.get("decided_at"),
            "resolution": plan["resolution"] if "resolved_at" in row_times else "",
            "resolution_note": "",
            "resolved_at": row_times.get("resolved_at"),
            "closed_at": row_times.get("closed_at"),
            "responsible_party": plan["party"] if decided else "",
            "root_cause": "Recorded by the analysis." if decided and plan["party"] else "",
            "awaiting_customer": awaiting,
            "first_response_target_days": fr_days,
            "resolution_target_days": rs_days,
            "resolution_target_business": rs_business,
            "first_response_due": first_state.due,
            "first_responded_at": first_state.stopped_at,
            "resolution_due": resolution_state.due,
            "resolution_paused_seconds": int(resolution_state.paused.total_seconds()),
            "first_response_business_seconds": clocks.business_seconds(fr_marks, now=now),
            "resolution_business_seconds": clocks.business_seconds(rs_marks, now=now),
            "next_due": min(running) if running else None,
            "rating_score": score,
            "rated_at": rated_at,
            "rating_requested_at": requested_at,
            "filed_by_label": "Buyer",
            "created_at": filed,
            "updated_at": last,
        }
        return {"row": row, "marks": marks, "messages": messages, "events": events}

    # --- the abuse watch -----------------------------------------------------------------

    def _abuse(self) -> int:
        """The nightly evaluation over every company with returns (its own code)."""
        from returns.models import AbuseFlag

        evaluate_all_abuse(now=self.now)
        return AbuseFlag.objects.filter(flagged=True).count()


_RETURN_EVENT_KIND = {
    ReturnStatus.SOLICITADA: "requested",
    ReturnStatus.AUTORIZADA: "authorized",
    ReturnStatus.RECHAZADA: "rejected",
    ReturnStatus.RECIBIDA: "received",
    ReturnStatus.INSPECCIONADA: "inspected",
    ReturnStatus.RESUELTA: "resolved",
    ReturnStatus.CANCELADA: "cancelled",
}
_COMPLAINT_KEYS = {
    "filed": "complaint.filed",
    "analysis": "complaint.analysis",
    "decided": "complaint.decided",
    "resolved": "complaint.resolved",
    "closed": "complaint.closed",
    "message": "complaint.message",
    "clock_paused": "complaint.paused",
    "clock_resumed": "complaint.resumed",
    "rated": "complaint.rated",
}
#: The tables the aftercare fills (vacuumed and analysed after it).
AFTERCARE_MODELS = (
    SatisfactionRating,
    Return,
    ReturnLine,
    ReturnEvent,
    Invoice,
    InvoiceLine,
    Complaint,
    ClockMark,
    ComplaintMessage,
    ComplaintEvent,
    TimelineEntry,
)


class Command(BaseCommand):
    help = "Add the after-sales history of generated orders (PostgreSQL, COPY)."

    def add_arguments(self, parser):
        parser.add_argument("--first", type=int, help="first order id (default: the first)")
        parser.add_argument("--last", type=int, help="last order id (default: the last)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, first, last, seed, **options):
        from orders.management.commands.generate_orders import PREFIX

        if connection.vendor != "postgresql":
            raise CommandError("generate_aftercare needs PostgreSQL (it loads with COPY).")
        if first is None or last is None:
            bounds = Order.objects.filter(company__legal_name__startswith=f"{PREFIX} ").aggregate(
                low=Min("id"), high=Max("id")
            )
            if bounds["low"] is None:
                raise CommandError("No generated order: run generate_orders first.")
            first = bounds["low"] if first is None else first
            last = bounds["high"] if last is None else last
        started = time.monotonic()
        made = Aftercare(self, seed=seed, now=timezone.now()).run(first, last)
        vacuum = "VACUUM (ANALYZE)" if connection.get_autocommit() else "ANALYZE"
        with connection.cursor() as cursor:
            for model in AFTERCARE_MODELS:
                cursor.execute(f"{vacuum} {model._meta.db_table}")
        self.stdout.write(
            f"aftercare: {made.ratings} delivery ratings, {made.returns} returns "
            f"({made.return_lines} lines, {made.credit_notes} credit notes), "
            f"{made.complaints} complaints ({made.complaint_ratings} rated), "
            f"{made.timeline} timeline entries, {made.flagged} customers flagged by the "
            f"abuse watch ({time.monotonic() - started:.0f} s)"
        )
