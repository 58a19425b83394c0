"""``Idempotency-Key`` on POST: one effect per key and client, whatever the retries.

The first request inserts an ``IdempotencyRecord`` (committed at once: the unique
``(client, key)`` constraint is the lock), runs, and stores its response on the record.
A repeat with the same fingerprint (method, path and body) gets that response again; a
different fingerprint is a 409 ``idempotency_key_reused``; a repeat while the first is
still running is a 409 ``idempotency_key_in_progress``. Server errors (5xx) release the
key so the client can retry. Records live ``IDEMPOTENCY_TTL_HOURS`` (at least 24 h).
"""

from __future__ import annotations

import hashlib
import json
import re
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.utils.encoders import JSONEncoder

from core.models import IdempotencyRecord

from .exceptions import ApiError

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location",)
KEY_PATTERN = re.compile(rf"[!-~]{{1,{MAX_KEY_LENGTH}}}")


def ttl() -> timedelta:
    return timedelta(hours=max(24, settings.IDEMPOTENCY_TTL_HOURS))


def lock_timeout() -> timedelta:
    return timedelta(seconds=settings.IDEMPOTENCY_LOCK_TIMEOUT)


def fingerprint(method: str, full_path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(f"{method.upper()}\n{full_path}\n".encode("utf-8", "surrogatepass"))
    digest.update(body)
    return digest.hexdigest()


def clean_key(raw: str | None) -> str | None:
    """The header's key (None when absent); 400 unless 1 to 255 visible ASCII characters."""
    if raw is None:
        return None
    if not KEY_PATTERN.fullmatch(raw):
        message = _("Idempotency-Key must be 1 to 255 visible ASCII characters.")
        raise ApiError(message, code="invalid_idempotency_key", fields={HEADER: [message]})
    return raw


@dataclass
class Begin:
    record: IdempotencyRecord | None = None  # we run the request and complete this record
    replay: IdempotencyRecord | None = None  # answer with this record's response


def begin(*, client: str, key: str, request_hash: str) -> Begin:
    """Claim ``key`` for this request, or tell how to answer a repeat."""
    for _attempt in range(5):
        now = timezone.now()
        try:
            # One statement, committed at once; inside a caller's transaction (tests), a
            # savepoint keeps that transaction usable when the key is taken.
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                record = IdempotencyRecord.objects.create(
                    client=client, key=key, request_hash=request_hash, created_at=now
                )
            return Begin(record=record)
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.filter(client=client, key=key).first()
        if record is None:
            continue  # released meanwhile: try again
        if record.created_at < now - ttl():
            IdempotencyRecord.objects.filter(pk=record.pk, created_at=record.created_at).delete()
            continue
        if record.request_hash != request_hash:
            raise ApiError(
                _("This Idempotency-Key was already used with a different request."),
                code="idempotency_key_reused",
                status_code=409,
            )
        if record.completed_at is not None:
            return Begin(replay=record)
        if record.created_at < now - lock_timeout():
            # The first request died without an answer (worker killed): take it over.
            taken = IdempotencyRecord.objects.filter(
                pk=record.pk, completed_at__isnull=True, created_at=record.created_at
            ).update(created_at=now)
            if taken:
                record.created_at = now
                return Begin(record=record)
            continue
        raise ApiError(
            _("A request with this Idempotency-Key is still being processed."),
            code="idempotency_key_in_progress",
            status_code=409,
        )
    raise ApiError(
        _("A request with this Idempotency-Key is still being processed."),
        code="idempotency_key_in_progress",
        status_code=409,
    )


def complete(record: IdempotencyRecord, response) -> None:
    """Store the response of the first request (status < 500) for replays."""
    body = None
    if getattr(response, "data", None) is not None:
        body = json.loads(json.dumps(response.data, cls=JSONEncoder))
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        completed_at=timezone.now(),
        response_status=response.status_code,
        response_body=body,
        response_headers=headers,
    )


def release(record: IdempotencyRecord) -> None:
    """Forget an unfinished key (the request failed with a server error)."""
    IdempotencyRecord.objects.filter(pk=record.pk, completed_at__isnull=True).delete()


def purge_expired() -> int:
    """Delete records older than the retention time; returns how many."""
    deleted, _details = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - ttl()
    ).delete()
    return deleted
