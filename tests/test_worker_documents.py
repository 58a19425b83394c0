"""A real Celery worker (Redis broker, PostgreSQL) generates an order's documents."""

import time

import pytest

from documents.models import DocumentFile, DocumentStatus, Invoice
from documents.tests.fixtures import products, warehouses  # noqa: F401 - fixtures
from orders import services as orders

from .worker import WORKER_MARKS, wait_for

pytestmark = WORKER_MARKS


@pytest.mark.usefixtures("products")
def test_preparing_an_order_makes_its_pdfs_on_a_real_worker(worker, company):
    order = orders.place_order(
        actor=None,
        company=company,
        lines=[{"sku": "DRILL-18V", "quantity": 1}, {"sku": "SHOVEL-PL", "quantity": 2}],
        po_number="PO-WORKER",
    )
    assert wait_for(lambda: any(worker.iterdir())), "the order-received email was not sent"
    orders.prepare_order(order=order, actor=None)

    def ready():
        return DocumentFile.objects.filter(order=order, status=DocumentStatus.READY).count() == 3

    assert wait_for(ready), list(DocumentFile.objects.values_list("kind", "status", "last_error"))
    invoice = Invoice.objects.get(order=order)
    assert invoice.document.status == DocumentStatus.READY
    for document in DocumentFile.objects.filter(order=order):
        # The worker stored it in the private media directory both processes share.
        with document.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-", document.kind
        document.file.storage.delete(document.file.name)
    # Preparation sends no email: only the order-received one is there.
    time.sleep(1)
    assert len(list(worker.iterdir())) == 1
