import pytest
from django.core.management import call_command

from orders.models import Order, OrderStatus, ShoppingList
from orders.selectors import late_filter

pytestmark = pytest.mark.django_db


def test_seed_demo_has_orders_in_every_state_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    orders = Order.objects.filter(po_number__startswith="DEMO-")
    assert set(orders.values_list("status", flat=True)) == set(OrderStatus.values)
    assert orders.filter(on_hold=True).count() >= 2
    assert late_filter(orders).exists()
    assert set(orders.values_list("channel", flat=True)) == {"portal", "backoffice", "api"}
    count = orders.count()
    # Each demo company has a shared shopping list, with the lines of an order.
    lists = ShoppingList.objects.all()
    assert {"Reposición mensual", "Zamówienie miesięczne"} <= set(
        lists.values_list("name", flat=True)
    )
    assert all(shopping_list.items.exists() for shopping_list in lists)
    list_count = lists.count()
    call_command("seed_demo", verbosity=0)
    assert Order.objects.filter(po_number__startswith="DEMO-").count() == count
    assert ShoppingList.objects.count() == list_count
