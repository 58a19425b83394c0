"""More rows of one kind, for the list query budgets: ``grow(world, kind, n)`` adds
``n`` rows that the list's persona sees (the owning company's where it matters)."""

from __future__ import annotations

import datetime as dt
import uuid

from core.models import ClosureDay
from customers.models import CustomerRole
from customers.tests.factories import AddressFactory, CompanyFactory, CustomerUserFactory
from documents import services as documents
from inventory import services as inventory
from inventory.models import Warehouse
from inventory.tests.factories import CategoryFactory, ProductFactory, WarehouseFactory
from orders import services as orders
from orders.tests.factories import CarrierFactory, CouponFactory, stocked_product
from webhooks.models import Delivery, Subscription
from webhooks.services import generate_secret

from .world import create_api_key


def _warehouse():
    return Warehouse.objects.get(code="SWP")


def _order(world):
    owner = world.objects["owner"]
    manager = world.users["manager"]
    lines = [{"sku": world.ids["sku"], "quantity": 1}]
    return orders.place_order(actor=manager, company=owner, lines=lines, po_number="GROW")


def _return(world):
    from returns.models import Resolution, Return, ReturnReason

    order = world.objects["order"]
    count = Return.objects.count()
    ret = Return.objects.create(
        number=f"DEV-2026-98{count:04d}",
        order=order,
        company=order.company,
        channel="backoffice",
        requested_resolution=Resolution.REFUND,
        currency=order.currency,
    )
    line = order.lines.first()
    ret.lines.create(
        position=1,
        order_line=line,
        product_id=line.product_id,
        sku=line.sku,
        name=line.name,
        quantity=1,
        reason=ReturnReason.objects.get(code="other"),
    )
    return ret


def _complaint(world):
    from complaints.models import Complaint

    order = world.objects["order"]
    count = Complaint.objects.count()
    return Complaint.objects.create(
        number=f"REC-2026-98{count:04d}",
        company=order.company,
        order=order,
        channel="backoffice",
        category="quality",
        description="Grown complaint",
    )


def _subscription(_world):
    subscription = Subscription(url="https://erp.example/grow", events=["order.created"])
    subscription.secret = generate_secret()
    subscription.save()
    return subscription


def _exchange_rate(_world):
    import datetime as dt

    from customers.exchange_rates import save_exchange_rate
    from customers.models import ExchangeRate

    day = dt.date(2020, 1, 1) + dt.timedelta(days=ExchangeRate.objects.count())
    return save_exchange_rate(actor=None, currency="PLN", rate_to_eur="0.23", date=day)


def _audit_entry(world):
    from core.audit import record_created

    return record_created(actor=world.users["manager"], instance=CouponFactory())


GROWERS = {
    "audit_entries": _audit_entry,
    "exchange_rates": _exchange_rate,
    "companies": lambda w: CompanyFactory(),
    "api_keys": lambda w: create_api_key(name="Grown key", company=w.objects["owner"]),
    "subscriptions": _subscription,
    "deliveries": lambda w: Delivery.objects.create(
        subscription_id=w.ids["subscription"],
        event_id=uuid.uuid4(),
        event_type="order.created",
        body="{}",
    ),
    "products": lambda w: stocked_product(5, _warehouse(), category=CategoryFactory()),
    "movements": lambda w: inventory.receive(
        actor=None, product=w.objects["product"], quantity=1, warehouse=_warehouse()
    ),
    "categories": lambda w: ProductFactory(category=CategoryFactory()).category,
    "warehouses": lambda w: WarehouseFactory(),
    "coupons": lambda w: CouponFactory(),
    "carriers": lambda w: CarrierFactory(),
    "closure_days": lambda w: ClosureDay.objects.create(
        date=dt.date(2001, 1, 3) + dt.timedelta(days=ClosureDay.objects.count())
    ),
    "orders": _order,
    "returns": _return,
    "complaints": _complaint,
    "invoices": lambda w: documents.prepare_order_documents(order=_order(w)),
    "order_events": lambda w: orders.add_order_note(
        order=w.objects["order"],
        actor=w.users["manager"],
        note="Grown note",
        customer_visible=True,
    ),
    "addresses": lambda w: AddressFactory(company=w.objects["owner"]),
    "customer_users": lambda w: CustomerUserFactory(
        company=w.objects["owner"], role=CustomerRole.BUYER
    ),
}


def _price_list(world):
    from pricing.models import PriceList

    return PriceList.objects.get(pk=world.ids["price_list"])


def _grown_price(world):
    from pricing.tests.factories import PriceFactory

    return PriceFactory(price_list=_price_list(world), product=ProductFactory())


def _grown_contract(world):
    from pricing.tests.factories import ContractPriceFactory

    return ContractPriceFactory(company=world.objects["owner"], product=ProductFactory())


def _grown_list(_world):
    from pricing.tests.factories import PriceListFactory

    return PriceListFactory()


GROWERS.update(
    price_lists=_grown_list,
    prices=_grown_price,
    contract_prices=_grown_contract,
)


def grow(world, kind: str, n: int) -> None:
    for _ in range(n):
        GROWERS[kind](world)
