"""Two workers never both send one email: the claim is a row state change under a
row lock (PostgreSQL; SQLite serializes writers anyway)."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connection, connections

from customers.tests.factories import CustomerUserFactory
from notifications import mailer
from notifications.models import NotificationKind, NotificationStatus, SentNotification


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_eight_workers_racing_for_one_email_send_it_once(company):
    user = CustomerUserFactory(company=company, email="carrera@gomez.example")
    user.set_unusable_password()
    user.save()
    notification = SentNotification.objects.create(
        event_id="6f1c1b7e-2f0e-4c89-9d38-000000000008",
        kind=NotificationKind.INVITATION,
        company=company,
        user=user,
        recipients=[user.email],
        language="es",
    )
    sent = []

    def slow_send(self, messages):
        time.sleep(0.3)  # the others arrive while this one is sending
        sent.extend(messages)
        return len(messages)

    task = SimpleNamespace(request=SimpleNamespace(is_eager=True, retries=0), max_retries=10)
    barrier = threading.Barrier(8)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=30)
            results.append(mailer.deliver(task, notification.pk))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", slow_send):
        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sorted(results) == [False] * 7 + [True]
    assert [message.to for message in sent] == [[user.email]]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 1)
