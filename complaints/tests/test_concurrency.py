"""Two people moving one complaint at once: real threads, each on its own connection,
on PostgreSQL. The complaint's row lock queues them; the second finds the new state
and gets a clean ``transition_not_allowed`` (409), and nothing is written twice."""

import threading

import pytest
from django.db import connection, connections

from complaints import services
from complaints.errors import TransitionNotAllowed
from complaints.models import ClockMark, Complaint, ComplaintEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _fresh_content_types():
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def run_in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(index):
        try:
            barrier.wait()
            results.append(target(index))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_two_decisions_at_once_one_wins(order, file_complaint, walk, service_agent, manager):
    complaint = walk(file_complaint(order=order.number), to="en_analisis")
    actors = [service_agent, manager]
    decisions = ["accepted", "rejected"]

    def decide(index):
        stale = Complaint.objects.get(pk=complaint.pk)  # both read "en_analisis"
        return services.decide_complaint(
            complaint=stale, actor=actors[index], decision=decisions[index], reasoning="r"
        ).decision

    results, errors = run_in_threads(2, decide)
    assert len(results) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], TransitionNotAllowed)
    assert errors[0].status == 409
    complaint.refresh_from_db()
    assert complaint.status == "decidida" and complaint.decision == results[0]
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="decided").count() == 1
    assert (
        ClockMark.objects.filter(complaint=complaint, clock="first_response", kind="stop").count()
        == 1
    )


def test_accept_and_dispute_at_once(order, file_complaint, walk, buyer, customer_admin):
    complaint = walk(file_complaint(order=order.number), to="resuelta")

    def act(index):
        stale = Complaint.objects.get(pk=complaint.pk)
        if index == 0:
            return services.accept_resolution(complaint=stale, actor=buyer).status
        return services.dispute_resolution(
            complaint=stale, actor=customer_admin, reason="No"
        ).status

    results, errors = run_in_threads(2, act)
    assert len(results) == 1 and len(errors) == 1, (results, errors)
    assert isinstance(errors[0], TransitionNotAllowed)
    complaint.refresh_from_db()
    assert complaint.status == results[0]
