"""Coupons and carriers, edited in the back-office."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import (
    InvalidOrder,
)
from ..models import (
    Carrier,
    Coupon,
)

# --- catalog of coupons and carriers (back-office) ----------------------------------------


def _save_clean(instance, fields: dict[str, Any]):
    from django.core.exceptions import ValidationError

    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as error:
        raise InvalidOrder(error.message_dict, message=_("Some fields are invalid.")) from error
    instance.save()
    return instance


@transaction.atomic
def save_coupon(*, actor, coupon: Coupon | None = None, **fields: Any) -> Coupon:
    """Create or change a coupon (its code is stored in capitals)."""
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().upper()
    return _save_clean(coupon or Coupon(), fields)


@transaction.atomic
def save_carrier(*, actor, carrier: Carrier | None = None, **fields: Any) -> Carrier:
    """Create or change a carrier."""
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().lower()
    return _save_clean(carrier or Carrier(), fields)
