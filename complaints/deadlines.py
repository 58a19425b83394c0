"""Legal and claim deadlines of a complaint, as data: each rule says when it applies,
from which moment it counts, how many days it gives, its basis and what passing it
means. Defaults are here; managers change the days, the basis text or switch a rule
off with a ``DeadlineRule`` row (``services.save_deadline_rule``). The carrier's and
the supplier's windows are their own settings (``Carrier.claim_days_*``,
``Supplier.claim_window_days``).

Days are calendar days in the seller's time zone, and a window ends at the end of its
last day (23:59:59 local time): a delivery on 2 December with 4 days ends on
6 December at midnight. These defaults are a starting point, not legal advice.

``legal_deadlines(complaint, now=None, rules=None)`` answers every applicable rule
with its due moment, state (``pending``, ``warning``, ``passed``, ``met``, ``late``)
and basis. Notice windows are the buyer's: a complaint filed after one is flagged
``late`` (for the decision), never refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import calendar as business

from .models import Category, DeadlineRule, DefectVisibility, ResponsibleParty

PENDING, WARNING, PASSED, MET, LATE = "pending", "warning", "passed", "met", "late"
#: Rule kinds: the seller must act (reply, claim) or the buyer had to (notice).
SELLER, BUYER = "seller", "buyer"


@dataclass(frozen=True)
class Rule:
    code: str
    label: object
    basis: object
    effect: object
    days: int
    kind: str  # SELLER: the seller must act by then; BUYER: the buyer's notice window


RULES: list[Rule] = [
    Rule(
        code="seller_reply_consumer_pl",
        label=_("Reply to the complaint (consumer protection)"),
        basis=_(
            "Polish Civil Code, art. 561⁵ with art. 556⁴ and 556⁵: a sole trader buying "
            "with consumer protection (przedsiębiorca na prawach konsumenta) must get the "
            "seller's answer within 14 days."
        ),
        effect=_("Not answered in time, the complaint is deemed accepted."),
        days=14,
        kind=SELLER,
    ),
    Rule(
        code="seller_reply_contractual",
        label=_("Reply to the complaint (contractual)"),
        basis=_("The reply deadline of the general terms of sale."),
        effect=_("A late reply breaches the terms of sale."),
        days=14,
        kind=SELLER,
    ),
    Rule(
        code="buyer_notice_es_visible",
        label=_("Buyer's notice of visible defects"),
        basis=_(
            "Spanish Commercial Code (Código de Comercio), art. 336: defects of quantity "
            "or quality visible on receipt are claimed within 4 days of receipt."
        ),
        effect=_("Notified later, the claim may be refused; the decision weighs it."),
        days=4,
        kind=BUYER,
    ),
    Rule(
        code="buyer_notice_es_hidden",
        label=_("Buyer's notice of hidden defects"),
        basis=_(
            "Spanish Commercial Code (Código de Comercio), art. 342: hidden defects are "
            "claimed within 30 days of delivery."
        ),
        effect=_("Notified later, the claim may be refused; the decision weighs it."),
        days=30,
        kind=BUYER,
    ),
    Rule(
        code="buyer_notice_pl",
        label=_("Buyer's notice of defects"),
        basis=_(
            "Polish Civil Code, art. 563: between businesses the buyer notifies a defect "
            "without delay (here: within 14 days of delivery, configurable)."
        ),
        effect=_("Notified later, the warranty rights may be lost; the decision weighs it."),
        days=14,
        kind=BUYER,
    ),
    Rule(
        code="carrier_claim_damage",
        label=_("Carrier claim: hidden damage or loss"),
        basis=_(
            "CMR Convention, art. 30(2): damage not apparent on delivery is reserved in "
            "writing to the carrier within 7 days of delivery (the carrier's setting)."
        ),
        effect=_("Claimed later, the carrier may refuse to pay."),
        days=7,
        kind=SELLER,
    ),
    Rule(
        code="carrier_claim_delay",
        label=_("Carrier claim: delay"),
        basis=_(
            "CMR Convention, art. 30(3): a delay is claimed in writing within 21 days of "
            "the goods being placed at the consignee's disposal (the carrier's setting)."
        ),
        effect=_("Claimed later, no compensation for the delay is payable."),
        days=21,
        kind=SELLER,
    ),
    Rule(
        code="supplier_claim",
        label=_("Supplier claim"),
        basis=_("The supplier's notice window for defects (the supplier's setting)."),
        effect=_("Claimed later, the supplier may refuse to take the cost."),
        days=30,
        kind=SELLER,
    ),
]
RULES_BY_CODE = {rule.code: rule for rule in RULES}


@dataclass(frozen=True)
class LegalDeadline:
    code: str
    label: str
    basis: str
    effect: str
    kind: str
    days: int
    starts_at: dt.datetime
    due: dt.datetime
    met_at: dt.datetime | None
    state: str

    @property
    def warning(self) -> bool:
        return self.state == WARNING

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": str(self.label),
            "basis": str(self.basis),
            "effect": str(self.effect),
            "kind": self.kind,
            "days": self.days,
            "starts_at": self.starts_at.isoformat(),
            "due": self.due.isoformat(),
            "met_at": self.met_at.isoformat() if self.met_at else None,
            "state": self.state,
        }


def stored_rules() -> dict[str, DeadlineRule]:
    """The managers' overrides, by code (one query)."""
    return {row.code: row for row in DeadlineRule.objects.all()}


def end_of_window(start: dt.datetime, days: int) -> dt.datetime:
    """The end (23:59:59 local) of the ``days``-th calendar day after ``start``."""
    zone = business.time_zone()
    last = timezone.localtime(start, zone).date() + dt.timedelta(days=days)
    return dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=zone)


def warning_days() -> int:
    return int(getattr(settings, "COMPLAINT_DEADLINE_WARNING_DAYS", 2))


def _state(rule_kind, due, met_at, now, *, filed_at) -> str:
    if rule_kind == BUYER:
        return LATE if filed_at > due else MET
    if met_at is not None:
        return MET if met_at <= due else LATE
    if now > due:
        return PASSED
    if due - now <= dt.timedelta(days=warning_days()):
        return WARNING
    return PENDING


def _claim_at(complaint, kind: str) -> dt.datetime | None:
    times = [claim.created_at for claim in complaint.claims.all() if claim.kind == kind]
    return min(times) if times else None


def _applicable(complaint) -> list[tuple[str, dt.datetime | None, int | None, Callable | None]]:
    """(code, start, days override, met_at) of the rules that apply to ``complaint``."""
    company = complaint.company
    order = complaint.order if complaint.order_id else None
    delivered = order.delivered_at if order is not None else None
    rows: list = []
    if company.country == "PL" and company.consumer_protected:
        rows.append(("seller_reply_consumer_pl", complaint.filed_at, None, complaint.decided_at))
    else:
        rows.append(("seller_reply_contractual", complaint.filed_at, None, complaint.decided_at))
    if delivered is not None and company.country == "ES":
        if complaint.defect_visibility != DefectVisibility.HIDDEN:
            rows.append(("buyer_notice_es_visible", delivered, None, None))
        if complaint.defect_visibility != DefectVisibility.VISIBLE:
            rows.append(("buyer_notice_es_hidden", delivered, None, None))
    elif delivered is not None and company.country == "PL":
        rows.append(("buyer_notice_pl", delivered, None, None))
    if complaint.responsible_party == ResponsibleParty.CARRIER and order is not None:
        carrier = order.carrier if order.carrier_id else None
        if carrier is not None and delivered is not None:
            if complaint.category == Category.DELIVERY_DELAY:
                code, days = "carrier_claim_delay", carrier.claim_days_delay
            else:
                code, days = "carrier_claim_damage", carrier.claim_days_damage
            rows.append((code, delivered, days, _claim_at(complaint, "carrier")))
    if complaint.responsible_party == ResponsibleParty.SUPPLIER:
        supplier = complaint.supplier
        if supplier is not None:
            rows.append(
                (
                    "supplier_claim",
                    complaint.filed_at,
                    supplier.claim_window_days,
                    _claim_at(complaint, "supplier"),
                )
            )
    return rows


def legal_deadlines(
    complaint, *, now: dt.datetime | None = None, rules: dict[str, DeadlineRule] | None = None
) -> list[LegalDeadline]:
    """Every legal and claim deadline that applies to ``complaint`` (see the module
    docstring); ``rules``: the overrides, when the caller has read them already."""
    now = now or timezone.now()
    rules = stored_rules() if rules is None else rules
    answers: list[LegalDeadline] = []
    for code, start, days, met_at in _applicable(complaint):
        rule = RULES_BY_CODE[code]
        override = rules.get(code)
        if override is not None and not override.active:
            continue
        if days is None:
            days = override.days if override is not None else rule.days
        basis = override.basis if override is not None and override.basis.strip() else rule.basis
        due = end_of_window(start, days)
        answers.append(
            LegalDeadline(
                code=code,
                label=rule.label,
                basis=basis,
                effect=rule.effect,
                kind=rule.kind,
                days=days,
                starts_at=start,
                due=due,
                met_at=met_at,
                state=_state(rule.kind, due, met_at, now, filed_at=complaint.filed_at),
            )
        )
    return answers
