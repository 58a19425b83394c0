"""The configuration the fault runs rely on (``bench/faults.py``): webhook deliveries
on their own queue and every documented worker consuming it, late acknowledgement with
a visibility timeout, database health checks and a connect timeout."""

from pathlib import Path

import yaml
from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[1]


def _queue_of(task_name: str) -> str:
    route = app.amqp.router.route({}, task_name, args=(1,), kwargs={})
    return route["queue"].name


def test_webhook_deliveries_have_their_own_queue_and_the_rest_the_default_one():
    assert _queue_of("webhooks.tasks.deliver_webhook") == "webhooks"
    for name in (
        "core.tasks.process_event",
        "documents.tasks.generate_document",
        "notifications.tasks.send_notification",
        "webhooks.tasks.retry_due_deliveries",
    ):
        assert _queue_of(name) == "celery", name


def test_the_compose_stack_consumes_both_queues():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    consumed = {}
    for name, service in services.items():
        command = service.get("command") or []
        if "worker" in command:
            consumed[name] = command[command.index("-Q") + 1].split(",")
    assert consumed == {"worker": ["celery"], "webhooks": ["webhooks"]}


def test_make_worker_consumes_both_queues():
    makefile = (ROOT / "Makefile").read_text()
    assert "worker -l info -Q celery,webhooks" in makefile


def test_tasks_are_acknowledged_late_and_return_after_the_visibility_timeout():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    timeout = app.conf.broker_transport_options["visibility_timeout"]
    # Longer than the longest retry countdown (an hour), or ETA tasks would run twice.
    assert timeout > 3600


def test_database_connections_are_health_checked_and_connect_with_a_timeout():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    if connection.vendor == "postgresql":
        assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 3
