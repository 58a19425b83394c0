"""Random sequences of actions never reach an invalid state and stock always reconciles."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from core.errors import DomainError
from inventory.models import StockItem
from inventory.selectors import ledger_mismatches
from inventory.tests.factories import WarehouseFactory
from orders import services
from orders.models import Order, OrderStatus

from .factories import stocked_product

pytestmark = pytest.mark.django_db

ALLOWED = {
    OrderStatus.PENDIENTE: {OrderStatus.EN_PREPARACION, OrderStatus.CANCELADO},
    OrderStatus.EN_PREPARACION: {OrderStatus.ENVIADO, OrderStatus.CANCELADO},
    OrderStatus.ENVIADO: {OrderStatus.ENTREGADO},
    OrderStatus.ENTREGADO: set(),
    OrderStatus.CANCELADO: set(),
}
_run = itertools.count()
STOCK = 12


class OrderMachine(RuleBasedStateMachine):
    orders = Bundle("orders")

    @initialize()
    def setup(self):
        from customers.tests.factories import CompanyFactory, StaffUserFactory

        run = next(_run)
        self.warehouse = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
        self.skus = [f"HYP{run}-{i}" for i in range(2)]
        self.products = [stocked_product(STOCK, self.warehouse, sku=s) for s in self.skus]
        self.company = CompanyFactory(credit_limit=10**6)
        self.staff = StaffUserFactory(roles=["manager"])
        self.status: dict[int, str] = {}
        self.shipped = dict.fromkeys(self.skus, 0)

    @rule(target=orders, q0=st.integers(0, 8), q1=st.integers(0, 8))
    def place(self, q0, q1):
        lines = [{"sku": s, "quantity": q} for s, q in zip(self.skus, (q0, q1), strict=True) if q]
        try:
            order = services.place_order(actor=self.staff, company=self.company, lines=lines)
        except DomainError:
            return None
        self.status[order.pk] = order.status
        return order.pk

    def _act(self, pk, func, **kwargs):
        if pk is None:
            return
        order = Order.objects.get(pk=pk)
        before = order.status
        try:
            func(order=order, actor=self.staff, **kwargs)
        except DomainError:
            assert Order.objects.get(pk=pk).status == before
            return
        after = Order.objects.get(pk=pk).status
        assert after == before or after in ALLOWED[before], (before, after)
        if after == OrderStatus.ENVIADO and before != after:
            for line in order.lines.all():
                self.shipped[line.sku] += line.quantity
        self.status[pk] = after

    @rule(pk=orders)
    def prepare(self, pk):
        self._act(pk, services.prepare_order)

    @rule(pk=orders, days=st.integers(-1, 3), tracking=st.sampled_from(["T1", "", " "]))
    def ship(self, pk, days, tracking):
        self._act(
            pk,
            services.ship_order,
            carrier=services.resolve_carrier("seur"),
            tracking_number=tracking,
            estimated_delivery=timezone.localdate() + dt.timedelta(days=days),
        )

    @rule(pk=orders, future=st.booleans())
    def deliver(self, pk, future):
        when = timezone.now() + dt.timedelta(days=2 if future else -1)
        self._act(pk, services.deliver_order, delivered_at=when)

    @rule(pk=orders, reason=st.sampled_from(["", "cambio"]))
    def cancel(self, pk, reason):
        self._act(pk, services.cancel_order, reason=reason)

    @rule(pk=orders)
    def hold(self, pk):
        self._act(pk, services.hold_order, note="revisar")

    @rule(pk=orders)
    def release(self, pk):
        self._act(pk, services.release_order, note="ok")

    @invariant()
    def statuses_are_valid_and_stock_reconciles(self):
        if not hasattr(self, "products"):
            return
        orders = {o.pk: o for o in Order.objects.filter(pk__in=self.status)}
        for pk, status in self.status.items():
            assert orders[pk].status == status
            assert status in OrderStatus.values
            if orders[pk].on_hold:
                assert status in (OrderStatus.PENDIENTE, OrderStatus.EN_PREPARACION)
        open_qty = dict.fromkeys(self.skus, 0)
        for order in orders.values():
            if order.status in (OrderStatus.PENDIENTE, OrderStatus.EN_PREPARACION):
                for line in order.lines.all():
                    open_qty[line.sku] += line.quantity
        for product in self.products:
            item = StockItem.objects.get(product=product, warehouse=self.warehouse)
            assert item.reserved == open_qty[product.sku]
            assert item.on_hand == STOCK - self.shipped[product.sku]
            assert 0 <= item.reserved <= item.on_hand
        assert not ledger_mismatches().exists()


OrderMachine.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def test_random_action_sequences_keep_orders_and_stock_consistent(settings):
    from hypothesis.stateful import run_state_machine_as_test

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    runs_before = next(_run)
    run_state_machine_as_test(OrderMachine, settings=OrderMachine.TestCase.settings)
    # The invariants asserted after every step; the machine really ran:
    assert next(_run) > runs_before + 1
