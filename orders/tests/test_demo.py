import pytest
from django.core.management import call_command

from orders.models import Order, OrderStatus
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
    call_command("seed_demo", verbosity=0)
    assert Order.objects.filter(po_number__startswith="DEMO-").count() == count
