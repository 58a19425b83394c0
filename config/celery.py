"""Celery application.

Without ``REDIS_URL`` the settings make every task run in-process (embedded mode);
with it, tasks go to Redis and a real worker runs them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("mayorista")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
