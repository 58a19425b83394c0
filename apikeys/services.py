"""API keys: minting, lookup and revocation (the only code that writes ApiKey rows).

Minting and revoking take the ``actor`` (``core.actors``): managers and the system
may, nobody else; each writes an audit row (``core.audit``).

A key reads ``mk_<prefix>_<secret>``. Only the SHA-256 of the whole key is stored: keys
carry 256 random bits, so a fast hash is enough (no password-style stretching needed)
and the lookup is a single indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.actors import user_of
from core.errors import DomainError

from .models import ApiKey, ApiKeyScope
from .permissions import check_may_manage_keys

KEY_PREFIX = "mk_"
# last_used_at is written at most this often per key (not on every request).
LAST_USED_RESOLUTION = timedelta(seconds=60)
#: What a key's "created" audit row lists (never the hash).
AUDITED_FIELDS = ["name", "prefix", "scope", "company"]


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def create_api_key(*, name: str, company=None, actor=None) -> tuple[ApiKey, str]:
    """Mint a key: a seller key, or a company key when ``company`` is given.

    Returns the row and the raw key, which is never stored and cannot be shown again.
    ``actor`` (a manager, or None for the system) is recorded as its creator.
    """
    check_may_manage_keys(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError(
            _("A name is required."),
            code="validation_error",
            fields={"name": [_("This field is required.")]},
        )
    for _attempt in range(5):
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    raw_key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        name=name[:100],
        prefix=prefix,
        hashed_key=hash_key(raw_key),
        scope=ApiKeyScope.COMPANY if company is not None else ApiKeyScope.SELLER,
        company=company,
        created_by=user_of(actor),
    )
    audit.record_created(actor=actor, instance=api_key, fields=AUDITED_FIELDS)
    return api_key, raw_key


@transaction.atomic
def revoke_api_key(*, api_key: ApiKey, actor=None) -> ApiKey:
    """Revoke a key at once; later requests with it answer 401. Revoking twice is a no-op
    (and writes no second audit row)."""
    check_may_manage_keys(actor)
    revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    api_key.refresh_from_db(fields=["revoked_at"])
    if revoked:
        audit.record_change(actor=actor, instance=api_key, before={"revoked_at": None})
    return api_key


def key_for(raw_key: str) -> ApiKey | None:
    """The active key matching ``raw_key`` (with its company), or None."""
    if not raw_key.startswith(KEY_PREFIX) or len(raw_key) > 200:
        return None
    api_key = (
        ApiKey.objects.select_related("company")
        .filter(hashed_key=hash_key(raw_key), revoked_at__isnull=True)
        .first()
    )
    if api_key is not None:
        touch(api_key)
    return api_key


def touch(api_key: ApiKey) -> None:
    """Record that the key was used (at most once per LAST_USED_RESOLUTION)."""
    now = timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now
