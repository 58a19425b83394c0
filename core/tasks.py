from celery import shared_task
from django.core.management import call_command


@shared_task
def cleanup_login_attempts():
    """Forget expired failed-login records (django-axes keeps them otherwise)."""
    call_command("axes_reset_failure_logs", age=30)


@shared_task(bind=True, acks_late=True, max_retries=20)
def process_event(self, event_id: str) -> None:
    """Run the outbox consumers of one event (each at most once, see core.outbox)."""
    from core import outbox

    failed = outbox.process(event_id)
    if failed:
        if self.request.is_eager:
            # In-process mode: leave the event pending; the sweep runs it again.
            raise outbox.ConsumerFailed(", ".join(failed))
        raise self.retry(countdown=min(3600, 30 * 2**self.request.retries))


@shared_task
def relay_outbox() -> int:
    """Periodic sweep: hand events the on-commit relay could not send to Celery."""
    from core import outbox

    return outbox.relay()


@shared_task
def purge_api_records() -> None:
    """Forget expired idempotency keys and long-dispatched outbox events."""
    from datetime import timedelta

    from django.conf import settings

    from core import outbox
    from core.api import idempotency

    idempotency.purge_expired()
    outbox.purge_dispatched(older_than=timedelta(days=settings.OUTBOX_RETENTION_DAYS))
