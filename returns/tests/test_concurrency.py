"""Two buyers asking at once for the same delivered units: real threads, each on its own
connection, on PostgreSQL. The order's row lock lets one request count the other's."""

import threading

import pytest
from django.db import connection, connections

from returns import services
from returns.errors import NotEligible
from returns.models import Return, ReturnLine

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


def test_concurrent_requests_never_exceed_the_delivered_units(company, delivered, buyer, manager):
    order = delivered(company)  # 10 paper delivered
    actors = [buyer, manager, buyer, manager]

    def ask(index):
        return services.request_return(
            actor=actors[index],
            order=order,
            lines=[{"sku": "PAPER-A4", "quantity": 4, "reason": "no_longer_needed"}],
            resolution="refund",
        ).number

    numbers, errors = run_in_threads(4, ask)
    assert len(numbers) == 2, errors
    assert len(errors) == 2 and all(isinstance(e, NotEligible) for e in errors)
    assert all(e.verdicts[0].code == "quantity_exceeded" for e in errors)
    assert Return.objects.count() == 2
    assert sum(ReturnLine.objects.values_list("quantity", flat=True)) == 8
