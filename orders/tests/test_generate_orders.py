"""``manage.py generate_orders``: a history the application reads and keeps numbering after."""

import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min

from complaints.models import ClockMark, Complaint, ComplaintEvent
from complaints.services import COMPLAINT_SERIES
from core.numbering import next_number, next_sequence_number
from customers.models import Company, TimelineEntry, TimelineKind
from dashboard.kpis import Period, all_figures, customer_summary
from inventory.models import StockItem, StockMovement
from notifications.models import SatisfactionRating
from orders.models import Order, OrderEvent, OrderStatus
from returns.models import AbuseFlag, Return, ReturnEvent, ReturnLine, ReturnStatus
from returns.services import RETURN_SERIES

# By name: nothing under orders/ imports documents (orders/tests/test_actions.py).
Invoice = apps.get_model("documents", "Invoice")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL"),
]


@pytest.fixture
def generated(mad, drill, gloves):
    call_command("generate_orders", orders=600, customers=20, skus=30, batch=250, seed=7)
    return Order.objects.all()


def test_it_generates_orders_with_lines_events_and_a_realistic_spread(generated):
    assert generated.count() == 600
    per_order = generated.annotate(n=Count("lines")).aggregate(low=Min("n"), high=Max("n"))
    assert per_order["low"] >= 1
    assert per_order["high"] <= 40
    statuses = set(generated.values_list("status", flat=True))
    assert statuses <= set(OrderStatus.values)
    assert {OrderStatus.ENTREGADO, OrderStatus.CANCELADO} <= statuses
    # Every order has the events of its path, ending in its current state.
    for order in generated.order_by("?")[:25]:
        events = list(order.events.order_by("created_at", "id"))
        assert events[0].kind == "placed"
        assert events[-1].to_status == order.status
    # Skewed volume: the busiest customer has several times the median customer's orders.
    counts = sorted(generated.values("company").annotate(n=Count("id")).values_list("n", flat=True))
    assert counts[-1] >= 3 * counts[len(counts) // 2]
    # Totals add up on every order.
    for order in generated.order_by("?")[:25]:
        assert order.subtotal == sum(line.line_total for line in order.lines.all())
        assert order.total == order.subtotal + order.shipping + order.tax


def test_it_moves_no_stock_and_the_application_keeps_numbering_after_it(generated, place, buyer):
    assert not StockMovement.objects.filter(reference__in=generated.values("number")).exists()
    assert all(item.reserved == 0 for item in StockItem.objects.all())
    numbers = set(generated.values_list("number", flat=True))
    assert len(numbers) == 600
    order = place(buyer)
    assert order.number not in numbers
    assert OrderEvent.objects.filter(order=order, kind="placed").exists()


def test_generated_orders_are_served_by_the_api(generated, api, seller_key):
    response = api(seller_key).get("/api/v1/orders/", {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50
    number = generated.order_by("?").first().number
    detail = api(seller_key).get(f"/api/v1/orders/{number}/")
    assert detail.status_code == 200
    assert detail.json()["number"] == number


def test_the_aftercare_adds_returns_complaints_ratings_and_the_timeline_in_proportion(generated):
    delivered = generated.filter(status=OrderStatus.ENTREGADO)
    n_delivered = delivered.count()
    ratings = SatisfactionRating.objects.filter(order__in=generated)
    returns = Return.objects.filter(order__in=generated)
    complaints = Complaint.objects.filter(order__in=generated)
    # About a fifth of the deliveries rated, 3-5 % returned, 1-2 % of the orders complained
    # about (loose bounds: 600 orders).
    assert 0.1 * n_delivered < ratings.count() < 0.3 * n_delivered
    assert 0 < returns.count() < 0.1 * n_delivered
    assert 0 < complaints.count() < 0.05 * generated.count()
    assert not ratings.exclude(order__status=OrderStatus.ENTREGADO).exists()
    assert not ratings.filter(rated_at__lt=F("order__delivered_at")).exists()
    # Returns: of delivered orders, after the delivery, 1-3 lines of the order's own lines,
    # their steps in order, spread over the workflow.
    assert not returns.exclude(order__status=OrderStatus.ENTREGADO).exists()
    assert not returns.filter(created_at__lt=F("order__delivered_at")).exists()
    per_return = returns.annotate(n=Count("lines")).aggregate(low=Min("n"), high=Max("n"))
    assert per_return["low"] >= 1 and per_return["high"] <= 3
    assert (
        not ReturnLine.objects.filter(ret__in=returns)
        .exclude(order_line__order=F("ret__order"))
        .exists()
    )
    assert not returns.filter(received_at__lt=F("authorized_at")).exists()
    assert not returns.filter(inspected_at__lt=F("received_at")).exists()
    assert len(set(returns.values_list("status", flat=True))) >= 2
    assert returns.filter(status=ReturnStatus.RESUELTA).exists()
    # The refunded ones: a credit note correcting the order's invoice, issued when resolved.
    refunded = returns.filter(credit_note__isnull=False)
    assert refunded.exists()
    for ret in refunded.select_related("credit_note__corrects"):
        assert ret.status == ReturnStatus.RESUELTA
        assert ret.credit_note.issued_at == ret.resolved_at
        assert ret.credit_note.corrects.order_id == ret.order_id
        assert ret.credit_note.total == -ret.refund_total
        assert ret.refund_due is not None
    # Complaints: after the shipment, with their clocks and what the services store.
    assert not complaints.filter(filed_at__lt=F("order__shipped_at")).exists()
    assert ClockMark.objects.filter(complaint__in=complaints).count() >= 2 * complaints.count()
    answered = complaints.filter(first_responded_at__isnull=False)
    assert answered.exists()
    assert not answered.filter(first_response_business_seconds__isnull=True).exists()
    assert not complaints.filter(first_response_due__isnull=True).exists()
    resolved = complaints.filter(resolved_at__isnull=False)
    assert not resolved.filter(resolution_business_seconds__isnull=True).exists()
    assert not complaints.filter(status="decidida", decision="").exists()
    # The customer timeline: every order event, return event and complaint event.
    timeline = TimelineEntry.objects.filter(company__orders__in=generated).distinct()
    assert TimelineEntry.objects.filter(kind=TimelineKind.ORDER).count() == (
        OrderEvent.objects.filter(order__in=generated).count()
    )
    assert TimelineEntry.objects.filter(kind=TimelineKind.RETURN).count() == (
        ReturnEvent.objects.filter(ret__in=returns).count()
    )
    assert TimelineEntry.objects.filter(kind=TimelineKind.COMPLAINT).count() == (
        ComplaintEvent.objects.filter(complaint__in=complaints).count()
    )
    assert all(entry.summary_text for entry in timeline.order_by("?")[:30])
    # The abuse watch ran over every company with returns.
    assert AbuseFlag.objects.count() == returns.values("company").distinct().count()


def test_the_dashboard_and_the_customer_360_read_the_generated_history(generated):
    period = Period.last_days(365)
    figures = all_figures(period)
    assert figures["orders"]["placed"] > 0
    assert figures["returns"]["units_returned"] > 0
    assert 0 < figures["returns"]["rate_orders"] < Decimal("0.2")
    assert figures["return_reasons"] and figures["top_returned_products"]
    assert figures["refund_time"]["count"] > 0 and figures["refund_time"]["median_hours"] > 0
    assert figures["complaints"]["opened"] > 0
    assert figures["complaints"]["first_response_business_median_hours"] is not None
    assert figures["csat"]["delivery"]["responses"] > 0
    assert 0 < figures["csat"]["delivery"]["response_rate"] < Decimal("0.4")
    assert 1 <= figures["csat"]["average"] <= 5
    busiest = generated.values("company").annotate(n=Count("id")).order_by("-n").first()["company"]
    summary = customer_summary(Company.objects.get(pk=busiest), period)
    assert summary["orders"]["placed"] > 0
    assert summary["returns"]["orders_delivered"] > 0
    assert summary["csat"]["responses"] > 0
    assert summary["last_order"] is not None


def test_the_application_keeps_numbering_returns_complaints_and_documents_after_it(generated):
    # The aftercare moves no stock either: the ledger still reconciles.
    out = io.StringIO()
    call_command("check_stock_ledger", stdout=out)
    assert "Stock ledger OK." in out.getvalue()
    returns = set(Return.objects.values_list("number", flat=True))
    complaints = set(Complaint.objects.values_list("number", flat=True))
    documents = set(Invoice.objects.values_list("number", flat=True))
    assert returns and complaints and documents
    assert next_sequence_number(RETURN_SERIES) not in returns
    assert next_sequence_number(COMPLAINT_SERIES) not in complaints
    years = {issued.year for issued in Invoice.objects.values_list("issue_date", flat=True)}
    with transaction.atomic():
        for year in years:
            for series in ("FV", "AB"):
                assert next_number(series, year=year) not in documents
