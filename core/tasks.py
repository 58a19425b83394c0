from celery import shared_task
from django.core.management import call_command


@shared_task
def cleanup_login_attempts():
    """Forget expired failed-login records (django-axes keeps them otherwise)."""
    call_command("axes_reset_failure_logs", age=30)
