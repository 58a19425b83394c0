"""Celery application.

Without ``REDIS_URL`` the settings make every task run in-process (embedded mode);
with it, tasks go to Redis and a real worker runs them.
"""

import gc
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("mayorista")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def prepare_worker_process(**kwargs):
    """Ready a worker process for rendering PDFs, then freeze what it holds.

    The PDF renderer's fonts and parsed stylesheets are loaded once, and everything
    alive at this point (Django, the apps, those caches) goes to the collector's
    permanent generation (``gc.freeze()``): the full collections a render's many
    short-lived objects trigger then scan only the render's own objects, not the
    ~140,000 objects of the loaded process (about 60 ms a document; ``bench/README.md``).
    """
    from documents.rendering import warm_up

    warm_up()
    gc.collect()
    gc.freeze()
