"""Closure days (``core.ClosureDay``): the managers' extra non-working days of the
business calendar (``core.calendar``). Written only here, audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .actors import Actor, has_role
from .errors import DomainError, NotAllowed
from .models import ClosureDay
from .roles import StaffRole


def may_edit_closures(actor: Actor) -> bool:
    return has_role(actor, StaffRole.MANAGER)


@transaction.atomic
def save_closure_day(
    *,
    actor: Actor,
    closure: ClosureDay | None = None,
    date: dt.date,
    country: str = "",
    note: str = "",
) -> ClosureDay:
    """Create or change a closure day (one per date and country)."""
    if not may_edit_closures(actor):
        raise NotAllowed()
    instance = closure or ClosureDay()
    creating = instance.pk is None
    before = None if creating else audit.snapshot(instance)
    instance.date, instance.country, instance.note = date, (country or "").upper(), note.strip()
    try:
        instance.full_clean()
    except ValidationError as error:
        raise DomainError(
            _("Some fields are invalid."), code="invalid", fields=error.message_dict
        ) from error
    instance.save()
    if creating:
        audit.record_created(actor=actor, instance=instance)
    else:
        audit.record_change(actor=actor, instance=instance, before=before)
    return instance


@transaction.atomic
def delete_closure_day(*, actor: Actor, closure: ClosureDay) -> None:
    if not may_edit_closures(actor):
        raise NotAllowed()
    audit.record_deleted(actor=actor, instance=closure)
    closure.delete()
