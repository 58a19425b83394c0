"""Settings of the processes the fault tests start (``tests/faults.py``): the project's
own, with ``DEBUG`` off as in production (error pages, the 503 answers) but the plain
static-files storage (no ``collectstatic`` manifest needed for a throw-away run)."""

from config.settings import *  # noqa: F403

DEBUG = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A killed worker's unacknowledged task is looked for every second (kombu's default:
# every 10 x 10 s), so that a low CELERY_VISIBILITY_TIMEOUT shows within a test.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
