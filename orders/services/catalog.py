"""Coupons and carriers, edited in the back-office: checked for the actor's role,
validated by the model (``full_clean``) and written to the audit trail."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.actors import Actor

from ..errors import InvalidOrder, NotAllowed
from ..models import Carrier, Coupon
from ..permissions import may_edit_catalog

COUPON_FIELDS = frozenset(
    {
        "code",
        "description",
        "kind",
        "value",
        "currency",
        "minimum_order",
        "valid_from",
        "valid_until",
        "usage_limit",
        "company",
        "active",
    }
)
CARRIER_FIELDS = frozenset(
    {
        "code",
        "name",
        "tracking_url_template",
        "transit_days_standard",
        "transit_days_express",
        "claims_email",
        "claim_days_damage",
        "claim_days_delay",
        "active",
    }
)


def _save_audited(*, actor: Actor, instance, fields: dict[str, Any], allowed: frozenset[str]):
    if not may_edit_catalog(actor):
        raise NotAllowed()
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    creating = instance.pk is None
    before = None if creating else audit.snapshot(instance)
    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as error:
        raise InvalidOrder(error.message_dict, message=_("Some fields are invalid.")) from error
    instance.save()
    if creating:
        audit.record_created(actor=actor, instance=instance)
    else:
        audit.record_change(actor=actor, instance=instance, before=before)
    return instance


@transaction.atomic
def save_coupon(*, actor: Actor, coupon: Coupon | None = None, **fields: Any) -> Coupon:
    """Create or change a coupon (its code is stored in capitals)."""
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().upper()
    return _save_audited(
        actor=actor, instance=coupon or Coupon(), fields=fields, allowed=COUPON_FIELDS
    )


@transaction.atomic
def save_carrier(*, actor: Actor, carrier: Carrier | None = None, **fields: Any) -> Carrier:
    """Create or change a carrier; the tracking link must be an http(s) address with
    ``{tracking}`` where the number goes (``Carrier.clean``)."""
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().lower()
    if isinstance(fields.get("tracking_url_template"), str):
        fields["tracking_url_template"] = fields["tracking_url_template"].strip()
    return _save_audited(
        actor=actor, instance=carrier or Carrier(), fields=fields, allowed=CARRIER_FIELDS
    )
