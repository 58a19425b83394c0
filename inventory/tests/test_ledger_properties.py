"""Property: whatever sequence of stock operations runs (valid or refused), every stock
item equals the sum of its movements, 0 <= reserved <= on_hand, and levels match a
simple model of what should have happened."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from inventory import services
from inventory.models import StockItem
from inventory.selectors import ledger_mismatches

from .factories import ProductFactory, WarehouseFactory

SKUS = ["P-A", "P-B"]
WAREHOUSES = ["MAD", "WAW"]

quantity = st.integers(min_value=-3, max_value=12)
sku = st.sampled_from(SKUS)
warehouse = st.sampled_from(WAREHOUSES)
operation = st.one_of(
    st.tuples(st.just("receive"), sku, warehouse, quantity),
    st.tuples(st.just("adjust"), sku, warehouse, quantity),
    st.tuples(st.just("write_off"), sku, warehouse, quantity),
    st.tuples(st.just("restock"), sku, warehouse, quantity),
    st.tuples(st.just("reserve"), st.lists(st.tuples(sku, quantity), min_size=1, max_size=3)),
    st.tuples(st.just("release"), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("ship"), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("reorder"), sku, warehouse, st.integers(min_value=0, max_value=10)),
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(operation, max_size=25))
def test_ledger_invariant_after_random_operations(operations):
    with transaction.atomic():
        warehouses = {
            code: WarehouseFactory(code=code, is_default=code == "MAD") for code in WAREHOUSES
        }
        products = {s: ProductFactory(sku=s) for s in SKUS}
        model: dict[tuple[str, str], list[int]] = {(s, w): [0, 0] for s in SKUS for w in WAREHOUSES}
        reservations = []  # list of allocation lists still held
        for op in operations:
            try:
                if op[0] == "receive":
                    _, s, w, q = op
                    services.receive(
                        actor=None, product=products[s], warehouse=warehouses[w], quantity=q
                    )
                    model[(s, w)][0] += q
                elif op[0] == "adjust":
                    _, s, w, q = op
                    services.adjust(
                        actor=None,
                        product=products[s],
                        warehouse=warehouses[w],
                        quantity=q,
                        reason="count",
                    )
                    model[(s, w)][0] += q
                elif op[0] == "write_off":
                    _, s, w, q = op
                    services.write_off(
                        actor=None,
                        product=products[s],
                        warehouse=warehouses[w],
                        quantity=q,
                        reason="broken",
                    )
                    model[(s, w)][0] -= q
                elif op[0] == "restock":
                    _, s, w, q = op
                    services.restock_return(
                        actor=None, product=products[s], warehouse=warehouses[w], quantity=q
                    )
                    model[(s, w)][0] += q
                elif op[0] == "reserve":
                    allocations = services.reserve(lines=[(products[s], q) for s, q in op[1]])
                    for a in allocations:
                        model[(a.sku, a.warehouse_code)][1] += a.quantity
                    reservations.append(allocations)
                elif op[0] in ("release", "ship") and reservations:
                    allocations = reservations.pop(op[1] % len(reservations))
                    getattr(services, op[0])(allocations=allocations)
                    for a in allocations:
                        model[(a.sku, a.warehouse_code)][1] -= a.quantity
                        if op[0] == "ship":
                            model[(a.sku, a.warehouse_code)][0] -= a.quantity
                elif op[0] == "reorder":
                    _, s, w, q = op
                    services.set_reorder_levels(
                        actor=None,
                        product=products[s],
                        warehouse=warehouses[w],
                        reorder_point=q,
                        reorder_quantity=q,
                    )
            except DomainError:
                pass  # refused: nothing may have changed (checked through the model below)

            assert not ledger_mismatches().exists()
            for item in StockItem.objects.select_related("product", "warehouse"):
                assert 0 <= item.reserved <= item.on_hand
                assert [item.on_hand, item.reserved] == model[
                    (item.product.sku, item.warehouse.code)
                ]
                assert item.low_stock == (item.available < item.reorder_point)
        transaction.set_rollback(True)
