"""The order action registry (``core.actions`` + ``orders.actions``): one declaration
drives availability, reasons, the back-office, the portal, the API and the services."""

import ast
import datetime as dt
import pathlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIRequestFactory

from core.actions import Action, ActionRegistry
from orders import services
from orders.actions import registry
from orders.api.views import OrderViewSet, install_actions
from orders.errors import ChecksFailed, NotAllowed, TransitionNotAllowed
from orders.models import EventKind, Order, OrderStatus
from orders.permissions import EDITORS


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def names(actions):
    return [action.name for action in actions]


# --- availability and reasons --------------------------------------------------------------


def test_available_actions_follow_state_guards_and_roles(
    place, buyer, service_agent, warehouse_worker, manager
):
    order = place(buyer)
    assert names(registry.available(order, service_agent)) == [
        "prepare",
        "record_payment",
        "hold",
        "cancel",
        "change_fiscal_position",
        "add_note",
    ]
    assert names(registry.available(order, warehouse_worker)) == ["add_note"]
    assert names(registry.available(order, buyer)) == ["cancel"]
    services.hold_order(order=order, actor=service_agent, note="Revisar")
    now = names(registry.available(order, manager))
    assert "prepare" not in now and "hold" not in now and "release" in now
    assert "release it before preparing" in registry.reason("prepare", order)


def test_reasons_are_the_errors_the_services_raise(place, buyer, service_agent, warehouse_worker):
    order = place(buyer)
    reason = registry.reason("ship", order)
    with pytest.raises(TransitionNotAllowed) as error:
        services.ship_order(
            order=order,
            actor=warehouse_worker,
            carrier=services.resolve_carrier("seur"),
            tracking_number="1",
            estimated_delivery=timezone.localdate(),
        )
    assert reason and error.value.message == reason
    services.prepare_order(order=order, actor=service_agent)
    # A customer may cancel only while pending: the reason says why, the service agrees.
    assert "cancel" not in names(registry.available(order, buyer))
    assert "contact us" in registry.reason("cancel", order, buyer)
    assert registry.reason("cancel", order, service_agent) is None
    with pytest.raises(TransitionNotAllowed) as error:
        services.cancel_order(order=order, actor=buyer, reason="Ya no")
    assert error.value.message == registry.reason("cancel", order, buyer)


def test_failing_checks_make_prepare_unavailable_with_the_checklist(place, buyer, service_agent):
    order = place(buyer)
    type(buyer.company).objects.filter(pk=buyer.company.pk).update(email="")
    order = Order.objects.select_related("company").get(pk=order.pk)
    assert "prepare" not in names(registry.available(order, service_agent))
    refusal = registry.refusal("prepare", order)
    assert isinstance(refusal, ChecksFailed)
    assert [c.name for c in refusal.checks if not c.passed] == ["customer_data"]


def test_a_fully_paid_order_offers_no_payment(place, buyer, service_agent):
    order = place(buyer)
    services.record_payment(order=order, actor=service_agent, amount=order.total)
    assert "record_payment" not in names(registry.available(order, service_agent))
    with pytest.raises(TransitionNotAllowed):
        services.record_payment(order=order, actor=service_agent, amount=Decimal("1.00"))


def test_roles_come_from_the_declaration(place, buyer, warehouse_worker, other_buyer):
    order = place(buyer)
    assert registry.permits(buyer, "cancel", order)
    assert not registry.permits(other_buyer, "cancel", order)
    assert not registry.permits(buyer, "hold", order)
    with pytest.raises(NotAllowed):
        services.hold_order(order=order, actor=warehouse_worker, note="x")


def test_prepare_evaluates_the_checks_once(
    place, buyer, service_agent, django_assert_max_num_queries
):
    order = place(buyer)
    with CaptureQueriesContext(connection) as queries:
        services.prepare_order(order=order, actor=service_agent)
    overdue = [q for q in queries.captured_queries if '"payment_due" <' in q["sql"]]
    assert len(overdue) == 1, "the payment check ran more than once"
    order = Order.objects.get(pk=order.pk)
    order.__class__.objects.filter(pk=order.pk).update(status=OrderStatus.PENDIENTE)
    order = Order.objects.get(pk=order.pk)
    with django_assert_max_num_queries(12):
        services.prepare_order(order=order, actor=service_agent)


# --- one declaration reaches every face -----------------------------------------------------


def archive_order(*, order, actor, note=""):
    """A throwaway action's service (the test's own)."""
    services.add_order_note(order=order, actor=actor, note=f"archived {note}".strip())
    return order


@pytest.fixture
def archive():
    """Declare one more action for the length of a test."""
    action = registry.declare(
        Action(
            name="archive",
            label="Archive",
            service=archive_order,
            object_arg="order",
            states=(OrderStatus.PENDIENTE,),
            roles=EDITORS,
            customer=True,
            form="orders.backoffice.forms.NoteForm",
            serializer="orders.api.serializers.OptionalNoteInputSerializer",
            api_path="archive",
        )
    )
    yield action
    registry.remove("archive")


def test_a_new_declaration_reaches_every_face(
    archive, place, buyer, service_agent, client_for, seller_key
):
    order = place(buyer)
    assert "archive" in names(registry.available(order, service_agent))
    assert "archive" in names(registry.available(order, buyer))

    staff = client_for(service_agent)
    page = staff.get(reverse("backoffice:order_detail", args=[order.number]))
    assert 'data-action="archive"' in page.text and 'id="form-archive"' in page.text
    response = staff.post(
        reverse("backoffice:order_action", args=[order.number, "archive"]),
        {"archive-note": "hoy"},
    )
    assert response.status_code == 302
    assert order.events.filter(kind=EventKind.NOTE, note="archived hoy").exists()

    portal = client_for(buyer).get(reverse("portal:order_detail", args=[order.number]))
    assert 'data-action="archive"' in portal.text

    class Probe(OrderViewSet):
        pass

    install_actions(Probe, registry)
    router = SimpleRouter()
    router.register("orders", Probe, basename="probe")
    assert "probe-archive" in {url.name for url in router.urls}
    endpoint = Probe.as_view({"post": "archive"})
    request = APIRequestFactory().post(
        f"/api/v1/orders/{order.number}/archive/",
        {"note": "api"},
        format="json",
        HTTP_AUTHORIZATION=f"Api-Key {seller_key}",
    )
    response = endpoint(request, number=order.number)
    assert response.status_code == 200 and response.data["number"] == order.number
    assert order.events.filter(kind=EventKind.NOTE, note="archived api").exists()


def test_unknown_actions_are_404(place, buyer, service_agent, client_for):
    order = place(buyer)
    url = reverse("backoffice:order_action", args=[order.number, "explode"])
    assert client_for(service_agent).post(url).status_code == 404
    url = reverse("portal:order_action", args=[order.number, "hold"])
    assert client_for(buyer).post(url, {"note": "x"}).status_code == 404


def test_a_registry_refuses_duplicates_and_undeclared_states():
    own = ActionRegistry(owns=lambda *a: True, not_now=lambda *a: ValueError())
    own.declare(Action(name="a", label="A", service=archive_order, states=("x",)))
    with pytest.raises(ValueError):
        own.declare(Action(name="a", label="A", service=archive_order, states=("x",)))
    with pytest.raises(ValueError):
        own.declare(Action(name="b", label="B", service=archive_order))


# --- layering ------------------------------------------------------------------------------


def test_orders_does_not_import_documents():
    root = pathlib.Path(__file__).resolve().parents[1]
    offenders = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            if any(m == "documents" or m.startswith("documents.") for m in modules):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_the_api_order_detail_still_lists_documents(api, seller_key, place, buyer):
    from orders.hooks import order_documents

    assert order_documents.fetch is not None  # registered by DocumentsConfig.ready()
    order = place(buyer)
    response = api(seller_key).get(f"/api/v1/orders/{order.number}/")
    assert response.status_code == 200 and response.json()["documents"] == []


# --- faces convert input; services get typed values -------------------------------------


def test_api_refuses_garbage_times_and_amounts_as_field_errors(api, seller_key, place, buyer):
    order = place(buyer)
    client = api(seller_key)
    url = f"/api/v1/orders/{order.number}/payments/"
    response = client.post(url, {"amount": "abc"}, format="json")
    assert response.status_code == 400 and "amount" in response.json()["fields"]
    response = client.post(url, {"amount": "1.00", "paid_at": "ayer"}, format="json")
    assert response.status_code == 400 and "paid_at" in response.json()["fields"]
    assert not order.payments.exists()


def test_service_refuses_a_payment_in_the_future(place, buyer, service_agent):
    order = place(buyer)
    later = timezone.now() + dt.timedelta(hours=1)
    with pytest.raises(Exception) as error:
        services.record_payment(
            order=order, actor=service_agent, amount=Decimal("1.00"), paid_at=later
        )
    assert "paid_at" in error.value.fields
