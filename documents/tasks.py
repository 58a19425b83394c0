"""Celery tasks of the documents domain: thin and idempotent."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services
from .models import DocumentFile, DocumentStatus

logger = logging.getLogger(__name__)

MAX_RETRIES = 6


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def generate_document(self, document_id: int) -> str:
    """Render one document's PDF. A ready document is left as it is; a failure marks it
    failed (the back-office shows a retry button) and retries with a growing delay."""
    try:
        document = services.generate_document(document_id=document_id)
    except Exception as exc:
        logger.exception("Document %s failed to render", document_id)
        services.mark_failed(document_id=document_id, error=f"{type(exc).__name__}: {exc}")
        if self.request.is_eager or self.request.retries >= MAX_RETRIES:
            return DocumentStatus.FAILED
        raise self.retry(exc=exc, countdown=min(3600, 30 * 2**self.request.retries)) from exc
    return document.status if document is not None else "missing"


@shared_task
def sweep_pending_documents(older_than_seconds: int = 600) -> int:
    """Periodic: queue documents left pending (a broker outage, a worker killed while
    rendering) for a while."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        DocumentFile.objects.filter(
            status=DocumentStatus.PENDING, updated_at__lt=cutoff
        ).values_list("pk", flat=True)[:200]
    )
    for document_id in ids:
        generate_document.delay(document_id)
    return len(ids)
