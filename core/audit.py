"""The audit trail of configuration and master data (catalog, stock settings,
customers, addresses, coupons, carriers, webhooks, API keys, users).

Services call these helpers inside their transaction, right after the change::

    before = audit.snapshot(product)
    ... change and save product ...
    audit.record_change(actor=actor, instance=product, before=before)

``record_created`` / ``record_deleted`` do the same for new and removed rows. Values
are stored as JSON (foreign keys by id); fields named in ``SECRET_FIELDS`` appear only
as "***" so that a trail never leaks a password, key hash or signing secret.
Order, return and complaint *transitions* are not audit entries: they have their own
event rows and timelines.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .actors import actor_label, key_of, user_of
from .models import AuditAction, AuditEntry

SECRET_FIELDS = frozenset({"password", "hashed_key", "secret", "encrypted_secret", "token"})
#: Bookkeeping fields whose change is not worth an entry.
IGNORED_FIELDS = frozenset({"updated_at", "created_at", "last_login", "last_used_at"})
MASK = "***"


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return MASK
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, *, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited field values of ``instance`` (concrete fields; foreign keys by id)."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in IGNORED_FIELDS:
            continue
        if fields is not None and field.name not in fields:
            continue
        if field.name in SECRET_FIELDS:
            values[field.name] = MASK if getattr(instance, field.attname) else ""
            continue
        values[field.name] = _json_value(getattr(instance, field.attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose value differs."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [old, new]
        elif name in SECRET_FIELDS and old == MASK and new == MASK:
            continue
    return changes


def _write(*, actor, instance, action: str, changes: dict) -> AuditEntry:
    key = key_of(actor)
    return AuditEntry.objects.create(
        actor_user=user_of(actor),
        actor_key_id=key.pk if key is not None else None,
        actor_label=str(actor_label(actor))[:200],
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        changes=changes,
    )


def record_created(*, actor, instance: models.Model, fields: list[str] | None = None):
    """An entry for a new row, listing its initial values."""
    after = snapshot(instance, fields=fields)
    changes = {name: [None, value] for name, value in after.items() if value not in (None, "")}
    return _write(actor=actor, instance=instance, action=AuditAction.CREATED, changes=changes)


def record_change(
    *,
    actor,
    instance: models.Model,
    before: dict[str, Any],
    fields: list[str] | None = None,
    extra: dict[str, list[Any]] | None = None,
) -> AuditEntry | None:
    """An entry for the fields that changed since ``before`` (a ``snapshot``); none when
    nothing did. ``extra`` adds changes that are not columns (e.g. group membership)."""
    changes = diff(before, snapshot(instance, fields=fields if fields else list(before)))
    if extra:
        changes.update(extra)
    if not changes:
        return None
    return _write(actor=actor, instance=instance, action=AuditAction.CHANGED, changes=changes)


def record_deleted(*, actor, instance: models.Model, fields: list[str] | None = None):
    """An entry for a removed row (call it before deleting, while it has its pk)."""
    before = snapshot(instance, fields=fields)
    changes = {name: [value, None] for name, value in before.items() if value not in (None, "")}
    return _write(actor=actor, instance=instance, action=AuditAction.DELETED, changes=changes)


def entries_for(instance: models.Model, *, limit: int | None = 50):
    """The newest audit entries of one object, for its page."""
    queryset = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
    ).select_related("actor_user")
    return queryset[:limit] if limit else queryset
