"""Approvals: a buyer's order above their order limit is pending with
``awaiting_approval`` (stock reserved, on the timeline, not in the preparation queue)
until an admin of the same company approves it; rejecting (with a note) cancels it and
releases the stock; both are emailed to the buyer."""

import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from core.models import OutboxEvent
from customers.tests.factories import CustomerUserFactory
from inventory.models import StockItem
from orders import services
from orders.errors import InvalidInput, NotAllowed, TransitionNotAllowed
from orders.models import EventKind, Order, OrderStatus
from orders.selectors import order_queue, queue_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(buyer):
    buyer.order_limit = Decimal("100.00")
    buyer.save()
    return buyer


def big(actor):  # 2 drills: 200 + VAT, above 100
    return services.place_order(actor=actor, lines=[{"sku": "DRILL-18V", "quantity": 2}])


def reserved(product):
    return StockItem.objects.get(product=product).reserved


def test_an_order_above_the_buyers_limit_waits_for_approval(limited, drill, gloves):
    order = big(limited)
    assert order.status == OrderStatus.PENDIENTE and order.awaiting_approval
    assert reserved(drill) == 2
    event = order.events.get(kind=EventKind.APPROVAL)
    assert event.customer_visible
    assert order not in order_queue("pendiente") and order in order_queue("all")
    assert queue_counts()["pendiente"][0] == 0


def test_below_the_limit_or_without_one_no_approval(limited, customer_admin, drill, gloves):
    small = services.place_order(actor=limited, lines=[{"sku": "GLOVES-L", "quantity": 2}])
    assert not small.awaiting_approval
    customer_admin.order_limit = Decimal("1.00")  # admins approve, they need no approval
    customer_admin.save()
    assert not big(customer_admin).awaiting_approval


def test_a_waiting_order_cannot_be_prepared(limited, drill, gloves, manager):
    order = big(limited)
    Order.objects.filter(pk=order.pk).update(on_hold=False)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.prepare_order(order=Order.objects.get(pk=order.pk), actor=manager)
    assert refused.value.code == "transition_not_allowed"
    assert "aprobación" in refused.value.message or "approval" in refused.value.message


def test_an_admin_approves_and_the_buyer_is_emailed(
    limited, customer_admin, drill, gloves, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = big(limited)
    requested = [m for m in mail.outbox if customer_admin.email in m.to]
    assert len(requested) == 1 and order.number in requested[0].subject
    del mail.outbox[:]
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_order(order=order, actor=customer_admin, note="Budget ok")
    order.refresh_from_db()
    assert not order.awaiting_approval and order.approval_decided_by == customer_admin
    assert order in order_queue("pendiente")
    assert order.events.filter(kind=EventKind.APPROVED, note="Budget ok").exists()
    [email] = [m for m in mail.outbox if limited.email in m.to]
    assert order.number in email.subject and "Budget ok" in email.body
    with pytest.raises(TransitionNotAllowed):  # once only
        services.approve_order(order=order, actor=customer_admin)


def test_an_admin_rejects_with_a_note_it_cancels_and_releases(
    limited, customer_admin, drill, gloves, django_capture_on_commit_callbacks
):
    order = big(limited)
    with pytest.raises(InvalidInput):
        services.reject_order(order=order, actor=customer_admin, note="  ")
    assert Order.objects.get(pk=order.pk).awaiting_approval and reserved(drill) == 2
    del mail.outbox[:]
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_order(order=order, actor=customer_admin, note="Over budget")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELADO and not order.awaiting_approval
    assert order.cancel_reason == "Over budget" and reserved(drill) == 0
    # One email to the buyer, the rejection with its note (not also the cancellation).
    [email] = [m for m in mail.outbox if limited.email in m.to]
    assert "Over budget" in email.body
    # Integrations still hear of the cancellation, and why.
    changed = OutboxEvent.objects.filter(event_type="order.status_changed").latest("id")
    assert changed.payload["to"] == OrderStatus.CANCELADO
    assert changed.payload["approval"] == "rejected"


def test_only_an_admin_of_the_same_company_decides(limited, other_admin, company, drill, gloves):
    order = big(limited)
    another_buyer = CustomerUserFactory(company=company, role="buyer")
    for actor in (limited, another_buyer, other_admin):
        with pytest.raises(NotAllowed):
            services.approve_order(order=order, actor=actor)
        with pytest.raises(NotAllowed):
            services.reject_order(order=order, actor=actor, note="no")
    assert Order.objects.get(pk=order.pk).awaiting_approval


# --- portal -------------------------------------------------------------------------------


def approval_url(order, decision):
    return reverse("portal:order_approval", args=[order.number, decision])


def test_the_portal_approval_flow(client_for, limited, customer_admin, drill, gloves):
    order = big(limited)
    buyer_page = client_for(limited).get(
        reverse("portal:order_detail", args=[order.number]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert 'id="approval"' in buyer_page.text and 'id="approval-form"' not in buyer_page.text
    assert client_for(limited).post(approval_url(order, "approve")).status_code == 403
    admin = client_for(customer_admin)
    listing = admin.get(reverse("portal:approval_list"))
    assert listing.status_code == 200 and order.number in listing.text
    page = admin.get(reverse("portal:order_detail", args=[order.number]))
    assert 'id="approval-form"' in page.text
    refused = admin.post(approval_url(order, "reject"), {"note": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 302
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDIENTE
    done = admin.post(approval_url(order, "approve"), {"note": "ok"}, follow=True)
    assert done.status_code == 200
    assert not Order.objects.get(pk=order.pk).awaiting_approval


def test_another_companys_admin_gets_404(client_for, limited, other_admin, drill, gloves):
    order = big(limited)
    client = client_for(other_admin)
    assert client.post(approval_url(order, "approve")).status_code == 404
    assert client.get(reverse("portal:order_detail", args=[order.number])).status_code == 404
    assert order.number not in client.get(reverse("portal:approval_list")).text
    assert Order.objects.get(pk=order.pk).awaiting_approval


def test_an_unknown_decision_is_404(client_for, limited, customer_admin, drill, gloves):
    order = big(limited)
    assert client_for(customer_admin).post(approval_url(order, "maybe")).status_code == 404


def test_the_review_warns_above_the_limit_and_placing_says_it_waits(
    client_for, limited, drill, gloves
):
    from orders.portal import cart

    cart.add(limited, drill, 2)
    client = client_for(limited)
    data = {
        "shipping_method": "standard",
        "shipping_address": limited.company.addresses.get().pk,
    }
    review = client.post(reverse("portal:checkout", args=["review"]), data)
    assert 'id="over-limit"' in review.text
    placed = client.post(
        reverse("portal:checkout", args=["place"]), data, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "waits for the approval" in placed.text
    assert Order.objects.get().awaiting_approval


# --- order limits on the portal users page ---------------------------------------------


def limit_url(user):
    return reverse("portal:user_update", args=[user.pk])


def test_an_admin_sets_and_clears_a_buyers_limit(client_for, customer_admin, buyer):
    client = client_for(customer_admin)
    page = client.get(reverse("portal:user_list"))
    assert f'id="limit-{buyer.pk}"' in page.text
    client.post(limit_url(buyer), {"action": "limit", "order_limit": "250.50"})
    buyer.refresh_from_db()
    assert buyer.order_limit == Decimal("250.50")
    response = client.post(
        limit_url(buyer),
        {"action": "limit", "order_limit": "-3"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "order limit of 0 or more" in response.text
    buyer.refresh_from_db()
    assert buyer.order_limit == Decimal("250.50")
    client.post(limit_url(buyer), {"action": "limit", "order_limit": ""})
    buyer.refresh_from_db()
    assert buyer.order_limit is None


def test_a_buyer_or_another_company_cannot_set_limits(client_for, buyer, other_admin):
    assert client_for(buyer).post(
        limit_url(buyer), {"action": "limit", "order_limit": "1"}
    ).status_code in (403, 404)
    assert (
        client_for(other_admin)
        .post(limit_url(buyer), {"action": "limit", "order_limit": "1"})
        .status_code
        == 404
    )
    buyer.refresh_from_db()
    assert buyer.order_limit is None


# --- API ------------------------------------------------------------------------------------


def test_the_api_shows_the_approval_state(api, company_key, limited, drill, gloves):
    order = big(limited)
    answer = api(company_key).get(f"/api/v1/orders/{order.number}/").json()
    assert answer["awaiting_approval"] is True
    placed = api(company_key).post(
        "/api/v1/orders/",
        {"lines": [{"sku": "GLOVES-L", "quantity": 1}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert placed.json()["awaiting_approval"] is False  # API keys have no order limit


def test_the_api_lists_orders_waiting_for_approval(api, seller_key, limited, drill, gloves):
    waiting = big(limited)
    services.place_order(actor=limited, lines=[{"sku": "GLOVES-L", "quantity": 1}])
    client = api(seller_key)
    rows = client.get("/api/v1/orders/?awaiting_approval=true").json()["results"]
    assert [row["number"] for row in rows] == [waiting.number]
    assert len(client.get("/api/v1/orders/?awaiting_approval=false").json()["results"]) == 1
