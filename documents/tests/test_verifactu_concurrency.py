"""Concurrent issuings never fork an issuer's VeriFactu chain: real threads, each on its
own PostgreSQL connection, queue on the issuer's locked chain row."""

import io
import itertools
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from customers.tests.factories import CompanyFactory, StaffUserFactory
from documents import services
from documents.models import Invoice, VerifactuChain, VerifactuRecord
from documents.verifactu.records import record_alta
from inventory.tests.factories import WarehouseFactory
from orders import services as orders
from orders.tests.factories import stocked_product

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent connections need PostgreSQL"
    ),
]


@pytest.fixture(autouse=True)
def _fresh_content_types(settings, tmp_path):
    from django.contrib.contenttypes.models import ContentType

    settings.MEDIA_ROOT = tmp_path / "media"
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def run_together(tasks):
    """Start every task at once (a barrier), each in its own thread and connection."""
    barrier = threading.Barrier(len(tasks))
    errors = []

    def run(task):
        try:
            barrier.wait(30)
            with transaction.atomic():
                task()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors


def test_twenty_concurrent_issuings_give_one_unbroken_chain(settings):
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    stocked_product(100, mad, sku="BOLT")
    staff = StaffUserFactory(is_superuser=True)
    company = CompanyFactory()
    order_ids = [
        orders.place_order(actor=staff, company=company, lines=[{"sku": "BOLT", "quantity": 1}]).pk
        for _ in range(20)
    ]
    # Ten invoices issued while VeriFactu was off get their records now, concurrently
    # with ten invoices being issued (and recorded): twenty appends to one chain at once.
    settings.SII_REPORTING = True
    earlier = [services.issue_invoice(order=pk) for pk in order_ids[:10]]
    assert not VerifactuRecord.objects.exists()
    settings.SII_REPORTING = False

    tasks = [lambda pk=pk: services.issue_invoice(order=pk) for pk in order_ids[10:]]
    tasks += [lambda invoice=invoice: record_alta(invoice) for invoice in earlier]
    run_together(tasks)

    records = list(VerifactuRecord.objects.order_by("sequence"))
    assert len(records) == 20 == Invoice.objects.count()
    assert [r.sequence for r in records] == list(range(1, 21))
    assert records[0].previous_hash == ""
    assert all(after.previous_hash == before.hash for before, after in itertools.pairwise(records))
    assert len({r.previous_hash for r in records}) == 20  # no two share a predecessor
    head = VerifactuChain.objects.get()
    assert head.length == 20 and head.last_record_id == records[-1].pk
    call_command("check_verifactu_chain", stdout=io.StringIO())
