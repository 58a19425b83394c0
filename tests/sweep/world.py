"""The objects every sweep request points at, built once per module, and the personas.

``build_world()`` creates an owning company ("owner") with one object of every kind a
URL can name (order, invoice and its PDF, address, customer users, product, stock item,
warehouse, category, coupon, carrier, webhook subscription and delivery, API keys) and
a second company ("other") with its own user, key and order. Other-company personas
are sent to the owner's ids: a foreign object must answer 404.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.models import ClosureDay
from core.roles import StaffRole
from customers.models import CustomerRole
from customers.tests.factories import (
    AddressFactory,
    CompanyFactory,
    CustomerUserFactory,
    StaffUserFactory,
)
from documents import services as documents
from documents.models import CreditReason, DocumentKind, DocumentStatus
from inventory.models import StockItem
from inventory.tests.factories import CategoryFactory, WarehouseFactory
from notifications.models import NotificationKind, SentNotification
from orders import services as orders
from orders.tests.factories import CarrierFactory, CouponFactory, stocked_product

#: Who the sweep requests every URL as.
PERSONAS = (
    "anonymous",
    "other_user",  # an admin of another company (browser session)
    "other_key",  # a company API key of another company
    "company_key",  # a company API key of the owning company
    "viewer",
    "admin",
    "buyer",
    "customer_service",
    "warehouse",
    "manager",
    "seller_key",
)
#: Shorthands a declaration may use for several personas at once.
GROUPS = {
    "customers": ("other_user", "viewer", "admin", "buyer"),
    "own_customers": ("viewer", "admin", "buyer"),
    "staff": ("customer_service", "warehouse", "manager"),
    "keys": ("other_key", "company_key", "seller_key"),
    "company_keys": ("other_key", "company_key"),
}
#: Personas that belong to another company: nothing of the owner's may reach them.
FOREIGN = ("other_user", "other_key")

OWNER_NAME = "Sweepowner Ferretería S.L."
OWNER_PO = "PO-SWEEP-OWNER-77"


def api_key_model():
    """The ApiKey model, wherever it lives (it is moving out of ``core``)."""
    return next(m for m in django_apps.get_models() if m.__name__ == "ApiKey")


def create_api_key(*, name: str, company=None):
    """(row, raw key) through the stable ``create_api_key`` command of API.md, which
    prints the key alone on its last line."""
    out = io.StringIO()
    args = ["create_api_key", name] + (["--company", str(company.pk)] if company else [])
    call_command(*args, stdout=out)
    raw = out.getvalue().strip().splitlines()[-1].strip()
    return api_key_model().objects.filter(name=name).latest("pk"), raw


@dataclass
class World:
    ids: dict[str, object] = field(default_factory=dict)  # URL kwarg values by name
    users: dict[str, object] = field(default_factory=dict)  # persona -> user
    keys: dict[str, str] = field(default_factory=dict)  # persona -> raw API key
    markers: tuple[str, ...] = ()  # strings only the owner's pages may show
    objects: dict[str, object] = field(default_factory=dict)

    sessions: dict[str, str] = field(default_factory=dict)  # persona -> session key

    def sign_in_everyone(self) -> None:
        """One session per signed-in persona, made with the world (and rolled back
        with it), so the sweep does not sign in for each request."""
        for persona, user in self.users.items():
            client = Client()
            client.force_login(user)
            self.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value

    def client(self, persona: str) -> Client:
        """A test client acting as ``persona`` (signed in, or sending its key)."""
        client = Client()
        if persona in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        elif persona in self.users:
            client.force_login(self.users[persona])
        elif persona in self.keys:
            client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {self.keys[persona]}"
        return client


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 10, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def build_world() -> World:
    world = World()
    staff = {
        role: StaffUserFactory(email=f"sweep-{role}@example.com", roles=[role])
        for role in StaffRole.values
    }
    manager = staff[StaffRole.MANAGER]

    owner = CompanyFactory(legal_name=OWNER_NAME)
    other = CompanyFactory(legal_name="Hurtownia Obca Sp. z o.o.", country="PL", language="pl")
    address = AddressFactory(company=owner, label="Sweep dock", line1="Calle Sweepdock 9")
    AddressFactory(company=other, label="Obcy dock")
    users = {
        role: CustomerUserFactory(company=owner, role=role, email=f"sweep-{role}@owner.example")
        for role in (CustomerRole.ADMIN, CustomerRole.BUYER, CustomerRole.VIEWER)
    }
    other_admin = CustomerUserFactory(
        company=other, role=CustomerRole.ADMIN, email="sweep-admin@other.example"
    )
    invited = CustomerUserFactory(
        company=owner, role=CustomerRole.BUYER, email="sweep-invited@owner.example"
    )
    invited.set_unusable_password()
    invited.save()

    warehouse = WarehouseFactory(code="SWP", name="Sweep warehouse", is_default=True)
    category = CategoryFactory(name="Sweep tools")
    product = stocked_product(
        500,
        warehouse,
        sku="SWEEP-DRILL",
        name="Sweep drill",
        category=category,
        unit_price=Decimal("25.00"),
    )
    stock_item = StockItem.objects.get(product=product, warehouse=warehouse)
    coupon = CouponFactory(code="SWEEP10")
    carrier = CarrierFactory(code="sweepcar", name="Sweep Carrier")
    closure_day = ClosureDay.objects.create(date=dt.date(2001, 1, 2), note="Sweep closure")

    lines = [{"sku": product.sku, "quantity": 2}]
    order = orders.place_order(actor=manager, company=owner, lines=lines, po_number=OWNER_PO)
    other_order = orders.place_order(actor=manager, company=other, lines=lines, po_number="OBCY")
    documents.prepare_order_documents(order=order)  # its invoice's PDF is a stub
    invoice_document = order.documents.get(kind=DocumentKind.INVOICE)
    invoice_document.file.save("sweep-invoice.pdf", ContentFile(b"%PDF-1.4\n% sweep\n"), save=False)
    invoice_document.status = DocumentStatus.READY
    invoice_document.save()

    # A second order, invoiced and corrected by a credit note; an email sent about it.
    credited = orders.place_order(actor=manager, company=owner, lines=lines, po_number=OWNER_PO)
    credit_note = documents.issue_credit_note(
        invoice=documents.issue_invoice(order=credited),
        reason_code=CreditReason.CORRECTION,
        reason="Sweep correction",
    )
    notification = SentNotification.objects.create(
        event_id="6f1c1b1e-0000-4000-8000-000000000002",
        kind=NotificationKind.ORDER_RECEIVED,
        company=owner,
        order=order,
        recipients=["sweep-buyer@owner.example"],
        language="es",
    )

    from pricing.tests.factories import ContractPriceFactory, PriceFactory, PriceListFactory

    price_list = PriceListFactory(code="SWEEP-LIST", currency="EUR")
    price = PriceFactory(price_list=price_list, product=product, price=Decimal("24.00"))
    contract = ContractPriceFactory(company=owner, product=product, price=Decimal("20.00"))
    # A delivered order with an authorized return (evidence attached) of the owner.
    delivered = orders.place_order(
        actor=manager,
        company=owner,
        lines=[{"sku": product.sku, "quantity": 40}],
        po_number=OWNER_PO,
    )
    delivered = orders.prepare_order(order=delivered, actor=manager)
    delivered = orders.ship_order(
        order=delivered,
        actor=manager,
        carrier=carrier,
        tracking_number="TRK-SWEEP-RMA",
        estimated_delivery=dt.date.today() + dt.timedelta(days=2),
    )
    delivered = orders.deliver_order(order=delivered, actor=manager)
    from returns import services as returns
    from returns.models import ReturnReason

    ret = returns.request_return(
        actor=manager,
        order=delivered,
        lines=[{"sku": product.sku, "quantity": 1, "reason": "defective"}],
        resolution="refund",
    )
    evidence = returns.add_attachment(
        ret=ret, actor=manager, file=ContentFile(_png(), name="sweep-evidence.png")
    )
    ret = returns.authorize_return(ret=ret, actor=manager)
    # A complaint of the owner about the delivered order, with evidence.
    from complaints import services as complaints

    complaint = complaints.file_complaint(
        actor=manager,
        company=owner,
        order=delivered,
        sku=product.sku,
        category="damage",
        description="Sweep complaint",
    )
    complaint_evidence = complaints.add_attachment(
        complaint=complaint, actor=manager, file=ContentFile(_png(), name="sweep-complaint.png")
    )

    shopping_list = orders.create_shopping_list(
        actor=users[CustomerRole.BUYER], company=owner, name="Sweep owner list"
    )
    orders.add_to_shopping_list(
        actor=users[CustomerRole.BUYER], shopping_list=shopping_list, items=[(product, 3)]
    )

    from webhooks.models import Delivery, Subscription
    from webhooks.services import generate_secret

    subscription = Subscription(url="https://erp.example/hooks", events=["order.created"])
    subscription.secret = generate_secret()
    subscription.save()
    Delivery.objects.create(
        subscription=subscription,
        event_id="6f1c1b1e-0000-4000-8000-000000000001",
        event_type="order.created",
        body="{}",
    )

    seller_row, seller_raw = create_api_key(name="Sweep ERP")
    company_row, company_raw = create_api_key(name="Sweep owner key", company=owner)
    _other_row, other_raw = create_api_key(name="Sweep other key", company=other)
    target_key, _raw = create_api_key(name="Sweep key to revoke", company=owner)

    world.users = {
        "other_user": other_admin,
        "viewer": users[CustomerRole.VIEWER],
        "admin": users[CustomerRole.ADMIN],
        "buyer": users[CustomerRole.BUYER],
        "customer_service": staff[StaffRole.CUSTOMER_SERVICE],
        "warehouse": staff[StaffRole.WAREHOUSE],
        "manager": manager,
    }
    world.keys = {"seller_key": seller_raw, "company_key": company_raw, "other_key": other_raw}
    world.ids = {
        "company": owner.pk,
        "address": address.pk,
        "customer_user": users[CustomerRole.BUYER].pk,
        "invited_user": invited.pk,
        "uidb64": urlsafe_base64_encode(force_bytes(invited.pk)),
        "token": default_token_generator.make_token(invited),
        "order": order.number,
        "invoice": invoice_document.invoice.number,
        "credit_note": credit_note.number,
        "credit_note_pk": credit_note.pk,
        "notification": notification.pk,
        "document": invoice_document.pk,
        "document_kind": "invoice",
        "portal_action": "cancel",
        "approval_decision": "approve",
        "product": product.pk,
        "sku": product.sku,
        "stock_item": stock_item.pk,
        "warehouse": warehouse.pk,
        "warehouse_code": warehouse.code,
        "category": category.pk,
        "coupon": coupon.pk,
        "price_list": price_list.pk,
        "price_list_code": price_list.code,
        "price": price.pk,
        "contract_price": contract.pk,
        "carrier": carrier.pk,
        "closure_day": closure_day.pk,
        "order_delivered": delivered.number,
        "return": ret.number,
        "return_attachment": evidence.pk,
        "return_reason": ReturnReason.objects.get(code="defective").pk,
        "return_action": "add_note",
        "subscription": subscription.pk,
        "api_key": target_key.pk,
        "email_kind": NotificationKind.ORDER_RECEIVED.value,
        "order_action": "cancel",
        "checkout_step": "review",
        "return_pk": ret.pk,
        "shopping_list": shopping_list.pk,
        "complaint": complaint.number,
        "complaint_pk": complaint.pk,
        "complaint_attachment": complaint_evidence.pk,
        "complaint_action": "start_analysis",
        "complaint_portal_action": "accept",
    }
    world.markers = (
        OWNER_NAME,
        OWNER_PO,
        order.number,
        "Calle Sweepdock 9",
        "@owner.example",
        ret.number,
        "Sweep owner list",
        complaint.number,
    )
    world.objects = {
        "owner": owner,
        "other": other,
        "order": order,
        "other_order": other_order,
        "delivered_order": delivered,
        "product": product,
        "seller_key_row": seller_row,
        "company_key_row": company_row,
    }
    return world


# --- "nothing changed" ------------------------------------------------------------------

#: Tables a refused request may legitimately write: sign-in bookkeeping, not data.
_IGNORED_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "core_idempotencyrecord",
}
#: Bookkeeping columns: an UPDATE that sets only these is not a change of data.
_IGNORED_COLUMNS = {"last_login", "last_used_at"}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
_SET = re.compile(r"\bSET\s+(.*?)\s+WHERE\b", re.I | re.S)


def _is_data_write(sql: str) -> str | None:
    """The table ``sql`` writes data to, or None (a read, or bookkeeping)."""
    match = _WRITE.match(sql)
    if match is None or match.group(1).lower() in _IGNORED_TABLES:
        return None
    if sql.lstrip()[:6].upper() == "UPDATE":
        assignments = _SET.search(sql)
        if assignments:
            columns = set(re.findall(r'"(\w+)"\s*=', assignments.group(1)))
            if columns and columns <= _IGNORED_COLUMNS:
                return None
    return match.group(1)


@contextmanager
def data_writes():
    """Collects the tables every INSERT/UPDATE/DELETE of the block wrote (statements,
    not net effect: a refused request should not even try)."""
    tables: list[str] = []

    def watch(execute, sql, params, many, context):
        table = _is_data_write(sql)
        if table is not None:
            tables.append(table)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield tables


@contextmanager
def module_world(django_db_blocker, media_root):
    """Build the world in one transaction that is rolled back when the module ends; the
    module's tests run inside it (each in its own savepoint, as pytest-django does)."""
    settings = override_settings(
        MEDIA_ROOT=str(media_root),
        # The world's users need passwords; the fast hasher keeps building them cheap.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    with django_db_blocker.unblock(), settings:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
