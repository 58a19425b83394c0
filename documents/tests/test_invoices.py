"""Invoices and credit notes: numbering without gaps, immutability, snapshots."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from documents import services
from documents.errors import ImmutableDocument
from documents.models import DocumentFile, DocumentStatus, Invoice, InvoiceKind, InvoiceLine
from orders.models import Order, OrderStatus

pytestmark = pytest.mark.django_db


def test_preparing_an_order_issues_its_invoice_with_a_snapshot(prepared_order):
    invoice = Invoice.objects.get(order=prepared_order)
    year = timezone.localdate().year
    assert invoice.number == f"FV-{year}-000001"
    assert invoice.kind == InvoiceKind.INVOICE
    assert invoice.customer["tax_id"] == prepared_order.company.tax_id
    assert invoice.seller["iban"]
    assert invoice.order_number == prepared_order.number
    assert invoice.po_number == "PO-2026-77"
    assert invoice.total == prepared_order.total
    assert invoice.due_date == invoice.issue_date + timezone.timedelta(days=30)
    assert [line.sku for line in invoice.lines.all()] == ["DRILL-18V", "GLOVES-L", "SHOVEL-PL"]
    breakdown = {row["rate"]: row for row in invoice.tax_breakdown}
    assert set(breakdown) == {"10.00", "21.00"}
    assert sum(Decimal(row["tax"]) for row in invoice.tax_breakdown) == invoice.tax
    bases = sum(Decimal(row["base"]) for row in invoice.tax_breakdown)
    assert bases == invoice.subtotal - invoice.discount + invoice.shipping
    kinds = set(DocumentFile.objects.filter(order=prepared_order).values_list("kind", "status"))
    assert kinds == {
        ("invoice", DocumentStatus.READY),
        ("packing_list", DocumentStatus.READY),
        ("shipping_label", DocumentStatus.READY),
    }


def test_issuing_twice_returns_the_same_invoice(prepared_order):
    first = Invoice.objects.get(order=prepared_order)
    again = services.issue_invoice(order=prepared_order)
    assert again.pk == first.pk
    assert services.prepare_order_documents(order=prepared_order) == []
    assert Invoice.objects.filter(order=prepared_order).count() == 1


def test_a_rolled_back_issue_burns_no_number(company, place):
    first, second = place(company), place(company)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.issue_invoice(order=first)
        raise RuntimeError("the surrounding work failed")
    assert not Invoice.objects.exists()
    year = timezone.localdate().year
    assert services.issue_invoice(order=second).number == f"FV-{year}-000001"
    assert services.issue_invoice(order=first).number == f"FV-{year}-000002"


def test_credit_note_on_cancelling_an_invoiced_order(prepared_order, cancel):
    cancel(prepared_order, reason="Pedido duplicado")
    invoice = Invoice.objects.get(order=prepared_order, kind=InvoiceKind.INVOICE)
    credit = Invoice.objects.get(order=prepared_order, kind=InvoiceKind.CREDIT_NOTE)
    assert credit.number == f"AB-{timezone.localdate().year}-000001"
    assert credit.corrects == invoice
    assert credit.reason == "Pedido duplicado"
    assert credit.total == -invoice.total
    assert credit.tax == -invoice.tax
    assert [line.quantity for line in credit.lines.all()] == [
        -line.quantity for line in invoice.lines.all()
    ]
    assert credit.document.status == DocumentStatus.READY
    # Running the consumer's service again credits nothing more.
    assert services.credit_cancelled_order(order=prepared_order) == credit
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1


def test_cancelling_a_pending_order_issues_no_credit_note(company, place, cancel):
    order = cancel(place(company))
    assert order.status == OrderStatus.CANCELADO
    assert not Invoice.objects.exists()
    assert not DocumentFile.objects.exists()


def test_an_order_cancelled_before_the_documents_ran_is_never_invoiced(
    company, place, service_agent
):
    from orders import services as orders

    # No flush: the preparation's event is still in the outbox when it is cancelled.
    order = orders.prepare_order(order=place(company), actor=service_agent)
    orders.cancel_order(order=order, actor=service_agent, reason="Cambio de planes")
    assert services.prepare_order_documents(order=order) == []
    assert services.credit_cancelled_order(order=order) is None
    assert not Invoice.objects.exists()


def test_issued_documents_are_immutable(prepared_order):
    invoice = Invoice.objects.get(order=prepared_order)
    invoice.total = Decimal("1.00")
    with pytest.raises(ImmutableDocument):
        invoice.save()
    with pytest.raises(ImmutableDocument):
        invoice.delete()
    with pytest.raises(ImmutableDocument):
        Invoice.objects.filter(pk=invoice.pk).update(total=Decimal("1.00"))
    with pytest.raises(ImmutableDocument):
        Invoice.objects.filter(pk=invoice.pk).delete()
    line = InvoiceLine.objects.filter(invoice=invoice).first()
    line.quantity = 99
    with pytest.raises(ImmutableDocument):
        line.save()
    with pytest.raises(ImmutableDocument):
        InvoiceLine.objects.all().update(quantity=1)
    with pytest.raises(ImmutableDocument):
        InvoiceLine.objects.all().delete()
    invoice.refresh_from_db()
    assert invoice.total == prepared_order.total


def test_the_admin_shows_invoices_read_only(prepared_order, client):
    from customers.tests.factories import StaffUserFactory

    admin = StaffUserFactory(is_superuser=True)
    client.force_login(admin)
    invoice = Invoice.objects.get(order=prepared_order)
    page = client.get(f"/admin/documents/invoice/{invoice.pk}/change/")
    assert page.status_code == 200
    assert b'name="total"' not in page.content
    posted = client.post(f"/admin/documents/invoice/{invoice.pk}/delete/", {"post": "yes"})
    assert posted.status_code == 403
    assert Invoice.objects.filter(pk=invoice.pk).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_fifty_concurrent_issuings_get_fifty_consecutive_numbers(company, products, service_agent):
    from orders import services as orders

    order_ids = [
        orders.place_order(
            actor=service_agent, company=company, lines=[{"sku": "GLOVES-L", "quantity": 1}]
        ).pk
        for _ in range(50)
    ]
    barrier = threading.Barrier(50)
    errors = []

    def issue(order_id):
        try:
            barrier.wait(timeout=30)
            services.issue_invoice(order=order_id)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(pk,)) for pk in order_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    year = timezone.localdate().year
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"FV-{year}-{n:06d}" for n in range(1, 51)]
    assert Invoice.objects.values("order").distinct().count() == 50


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_issuings_for_one_order_make_one_invoice(company, place):
    order = place(company)
    barrier = threading.Barrier(8)
    results = []

    def issue():
        try:
            barrier.wait(timeout=30)
            results.append(services.issue_invoice(order=order.pk).number)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and len(results) == 8
    assert Invoice.objects.filter(order=order).count() == 1
    assert Order.objects.get(pk=order.pk).invoices.count() == 1
