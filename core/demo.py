"""Helpers for ``manage.py seed_demo``: a demo clock and a quiet outbound side.

The demo writes its history through the real services (so the ledger, the events, the
invoices and their PDFs agree), but that history happened "in the past": ``demo_clock``
makes Django's clock (``timezone.now``, hence ``localdate``, ``auto_now`` and
``default=timezone.now`` fields) read a chosen moment while a step runs. ``quiet`` runs
every task in-process and swaps the email backend for one that only counts, so seeding
sends nothing, not even from a worker later, and leaves nothing pending for the sweeps.

Only the seeding command uses these: they patch process-wide state for a short while
and are not meant for a running server.

Each app contributes its demo data in its own ``demo.py``: a ``seed()`` that returns
the ``(who, email)`` logins it created, and optionally ``history_days()`` (how many
business days back its history starts) and ``DEMO_PASSWORD``. ``demo_modules`` finds
them in INSTALLED_APPS order, which is the order of the app layers (see
docs/architecture.md), so an app's seed runs after the seeds of the apps it uses.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.core.mail.backends.base import BaseEmailBackend
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

# The real clock, whatever demo clock is running.
_real_now = timezone.now


@contextmanager
def demo_clock(at: dt.datetime) -> Iterator[None]:
    """While inside, ``timezone.now()`` starts at ``at`` and ticks at the real pace."""
    real_now = timezone.now
    started = real_now()

    def now() -> dt.datetime:
        return at + (real_now() - started)

    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.default is real_now
    ]

    def set_default(value) -> None:
        for field in fields:
            field.default = value
            field.__dict__.pop("_get_default", None)  # a cached_property of Field

    timezone.now = now
    set_default(now)
    try:
        yield
    finally:
        timezone.now = real_now
        set_default(real_now)


class CountingEmailBackend(BaseEmailBackend):
    """Sends nothing; counts the messages it was given (``CountingEmailBackend.count``)."""

    count = 0

    def send_messages(self, email_messages) -> int:
        messages = list(email_messages)
        type(self).count += len(messages)
        return len(messages)


@contextmanager
def quiet() -> Iterator[type[CountingEmailBackend]]:
    """Tasks run in-process and emails go nowhere (counted); yields the counter class."""
    from celery import current_app

    conf = current_app.conf
    eager = conf.task_always_eager
    trace_logger = logging.getLogger("celery.app.trace")  # "Task ... succeeded" lines
    level = trace_logger.level
    CountingEmailBackend.count = 0
    conf.task_always_eager = True
    trace_logger.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND=f"{__name__}.CountingEmailBackend"):
            yield CountingEmailBackend
    finally:
        conf.task_always_eager = eager
        trace_logger.setLevel(level)


def workday(days_ago: int, at: str, *, today: dt.date | None = None) -> dt.datetime:
    """``at`` ("HH:MM", local time) on the business day ``days_ago`` business days
    before ``today`` (default: the real today, even inside a demo clock; 0: today
    itself, even on a weekend)."""
    day = today or timezone.localdate(_real_now())
    while days_ago > 0:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days_ago -= 1
    hour, minute = (int(part) for part in at.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def demo_modules() -> list[ModuleType]:
    """The installed apps' ``demo`` modules that have a ``seed()``, in app order."""
    modules = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            if callable(getattr(module, "seed", None)):
                modules.append(module)
    return modules
