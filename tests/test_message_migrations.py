"""The data migrations that turn rows stored as rendered text (in Spanish, English or
Polish, as the old writers left them) into message keys; unrecognised rows keep their
text. Each migration runs with the historical models of its own state."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import translation
from django.utils.translation import gettext as _

from customers.tests.factories import CompanyFactory
from inventory import services as inventory
from inventory.models import StockMovement
from inventory.tests.factories import ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["es", "en", "pl"]


def _run(app: str, name: str):
    """The migration's ``forwards`` with the historical apps of its state."""
    loader = MigrationLoader(connection)
    state = loader.project_state((app, name))
    module = importlib.import_module(f"{app}.migrations.{name}")
    module.forwards(state.apps, None)
    return state.apps


def _old(language: str, msgid: str, **params) -> str:
    """A text as the old writers rendered it: the active language, str() of numbers."""
    with translation.override(language):
        return _(msgid) % params if params else _(msgid)


@pytest.mark.parametrize("language", LANGUAGES)
def test_timeline_rows_written_in_each_language_become_keys(language):
    company = CompanyFactory()
    timeline = company.timeline
    placed = timeline.create(
        kind="order",
        summary=_old(
            language,
            "Order %(number)s placed: %(total)s %(currency)s",
            number="PED-2026-000123",
            total=Decimal("1234.56"),
            currency="EUR",
        ),
        created_at="2026-01-05T10:00:00Z",
    )
    with translation.override(language):
        role = str(_("Buyer"))
        fields = f"{_('credit limit')}, {_('city')}"
    added = timeline.create(
        kind="account",
        summary=_old(language, "User %(email)s added as %(role)s", email="a@b.example", role=role),
        created_at="2026-01-05T10:00:00Z",
    )
    changed = timeline.create(
        kind="account",
        summary=_old(language, "Customer data changed: %(fields)s", fields=fields),
        created_at="2026-01-05T10:00:00Z",
    )
    subject = _old(language, "We have received your order %(order_number)s", order_number="PED-1")
    emailed = timeline.create(
        kind="email",
        summary=_old(language, "Email sent: %(subject)s", subject=subject),
        body="orders@company.example",
        created_at="2026-01-05T10:00:00Z",
    )
    held = timeline.create(
        kind="order",
        summary=_old(language, "Order %(number)s held for review", number="PED-2026-000124"),
        body="\n".join(
            [
                _old(language, "First order of this customer above %(amount)s.", amount="3000.00"),
                _old(language, "Shipping address not on file."),
            ]
        ),
        created_at="2026-01-05T10:00:00Z",
    )
    typed = timeline.create(
        kind="call", summary="Llamó por el pedido 123", created_at="2026-01-05T10:00:00Z"
    )
    unknown = timeline.create(
        kind="order", summary="Something nobody templated", created_at="2026-01-05T10:00:00Z"
    )

    _run("customers", "0004_timeline_messages_from_text")

    for row in (placed, added, changed, emailed, held, typed, unknown):
        row.refresh_from_db()
    assert placed.summary == "" and placed.summary_message == {
        "key": "order.placed",
        "params": {"number": "PED-2026-000123", "total": "1234.56", "currency": "EUR"},
    }
    assert added.summary_message == {
        "key": "customer_user.added",
        "params": {"email": "a@b.example", "role": "buyer"},
    }
    assert changed.summary_message == {
        "key": "customer.changed",
        "params": {"fields": ["credit_limit", "city"]},
    }
    assert emailed.summary_message == {
        "key": "notification.sent",
        "params": {"subject": {"key": "email.order_received", "params": {"order_number": "PED-1"}}},
    }
    assert emailed.body == "orders@company.example"  # addresses are not a message
    assert held.body == "" and held.body_message == [
        {"key": "order.hold.first_order", "params": {"amount": "3000.00"}},
        {"key": "order.hold.address_not_on_file", "params": {}},
    ]
    assert typed.summary == "Llamó por el pedido 123" and typed.summary_message == {}
    assert unknown.summary == "Something nobody templated" and unknown.summary_message == {}
    # The same row now reads in every language.
    with translation.override("pl"):
        assert placed.summary_text == "Złożono zamówienie PED-2026-000123: 1\xa0234,56 EUR"
    with translation.override("es"):
        assert placed.summary_text == "Pedido PED-2026-000123 realizado: 1.234,56 EUR"
        assert held.body_text.splitlines()[1] == "Dirección de envío no registrada."


@pytest.mark.parametrize("language", LANGUAGES)
def test_hold_reasons_and_automatic_held_notes_become_keys(language, service_agent):
    from orders.models import Order, OrderEvent
    from orders.tests.factories import stocked_product

    warehouse = WarehouseFactory(code="MAD", is_default=True)
    stocked_product(10, warehouse, sku="X-1", unit_price=Decimal("10.00"))
    from orders import services as orders

    order = orders.place_order(
        actor=service_agent, company=CompanyFactory(), lines=[{"sku": "X-1", "quantity": 1}]
    )
    text = "\n".join(
        [
            _old(
                language,
                "Over the credit limit: %(exposure)s open of %(limit)s.",
                exposure=Decimal("12000.50"),
                limit=Decimal("10000.00"),
            ),
            _old(language, "Shipping address not on file."),
        ]
    )
    Order.objects.filter(pk=order.pk).update(on_hold=True, hold_reason=text, hold_messages=[])
    automatic = OrderEvent.objects.create(
        order=order, kind="held", note=text, data={"automatic": True}
    )
    manual = OrderEvent.objects.create(
        order=order, kind="held", note="Llamar al cliente", data={"automatic": False}
    )

    _run("orders", "0009_hold_reasons_and_notes_from_text")

    order.refresh_from_db()
    automatic.refresh_from_db()
    manual.refresh_from_db()
    expected = [
        {"key": "order.hold.credit_limit", "params": {"exposure": "12000.50", "limit": "10000.00"}},
        {"key": "order.hold.address_not_on_file", "params": {}},
    ]
    assert order.hold_reason == "" and order.hold_messages == expected
    assert automatic.note == "" and automatic.note_message == expected
    assert manual.note == "Llamar al cliente" and manual.note_message == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_system_stock_reasons_become_keys_typed_ones_stay(language):
    warehouse = WarehouseFactory(code="MAD", is_default=True)
    product = ProductFactory()
    inventory.receive(actor=None, product=product, quantity=10, warehouse=warehouse)
    apps = (
        MigrationLoader(connection)
        .project_state(("inventory", "0004_movement_reasons_from_text"))
        .apps
    )
    Historical = apps.get_model("inventory", "StockMovement")
    item_id = StockMovement.objects.get().stock_item_id
    base = {"stock_item_id": item_id, "on_hand_after": 10, "reserved_after": 0}
    reserved = Historical.objects.create(
        kind="reservation",
        on_hand_delta=0,
        reserved_delta=1,
        reason=_old(language, "Order placed"),
        **base,
    )
    released = Historical.objects.create(
        kind="release",
        on_hand_delta=0,
        reserved_delta=-1,
        reason=_old(language, "Order cancelled"),
        **base,
    )
    opening = Historical.objects.create(
        kind="receipt", on_hand_delta=1, reserved_delta=0, reason="Stock inicial", **base
    )
    typed = Historical.objects.create(
        kind="receipt", on_hand_delta=1, reserved_delta=0, reason="Order placed", **base
    )

    _run("inventory", "0004_movement_reasons_from_text")

    rows = {row.pk: row for row in StockMovement.objects.all()}
    assert rows[reserved.pk].reason == ""
    assert rows[reserved.pk].reason_message == {"key": "stock.order_placed", "params": {}}
    assert rows[released.pk].reason_message == {"key": "stock.order_cancelled", "params": {}}
    assert rows[opening.pk].reason_message == {"key": "stock.initial", "params": {}}
    # A receipt's reason is typed by a person, whatever it says.
    assert rows[typed.pk].reason == "Order placed" and rows[typed.pk].reason_message == {}
    with translation.override("pl"):
        assert rows[reserved.pk].reason_text == "Złożono zamówienie"


@pytest.mark.parametrize("language", LANGUAGES)
def test_webhook_disabled_reasons_become_keys(language):
    from webhooks.models import Subscription

    failing = Subscription.objects.create(
        url="https://erp.example/a",
        active=False,
        disabled_reason=_old(language, "Deliveries failed for %(days)s days", days=3),
    )
    by_staff = Subscription.objects.create(
        url="https://erp.example/b",
        active=False,
        disabled_reason=_old(language, "Disabled by staff"),
    )
    typed = Subscription.objects.create(
        url="https://erp.example/c", active=False, disabled_reason="ERP en mantenimiento"
    )

    _run("webhooks", "0004_disabled_reasons_from_text")

    for row in (failing, by_staff, typed):
        row.refresh_from_db()
    assert failing.disabled_message == {"key": "webhook.disabled_failing", "params": {"days": 3}}
    assert by_staff.disabled_message == {"key": "webhook.disabled_by_staff", "params": {}}
    assert failing.disabled_reason == "" and by_staff.disabled_reason == ""
    assert typed.disabled_reason == "ERP en mantenimiento" and typed.disabled_message == {}
    with translation.override("es"):
        assert failing.disabled_reason_text == "Entregas fallidas durante 3 días"
