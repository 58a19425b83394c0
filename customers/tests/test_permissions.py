"""The customers services are the authority: each write checks its actor (staff role,
customer admin of the company, buyer/viewer, seller key, company key) and writes an
audit row; the rules that once lived in a face (own account, address ownership, email
uniqueness) hold at the service."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.actors import actor_label
from core.audit import MASK
from core.errors import NotAllowed
from core.models import AuditAction, AuditEntry
from customers import services
from customers.errors import SelfDeactivationError
from customers.models import Address, Company, CustomerRole, TimelineEntry, User

from .factories import AddressFactory, CustomerUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


class Key:
    """An API key as the services see one (``core.actors`` duck-types keys)."""

    is_api_key = True

    def __init__(self, *, pk=7, company_id=None, revoked_at=None, name="ERP"):
        self.pk, self.company_id, self.revoked_at, self.name = pk, company_id, revoked_at, name


@pytest.fixture
def seller_key():
    return Key()


@pytest.fixture
def own_company_key(company):
    return Key(pk=8, company_id=company.pk, name="Gomez ERP")


@pytest.fixture
def revoked_key():
    return Key(pk=9, revoked_at=datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture
def roleless_staff():
    return StaffUserFactory(email="nobody@example.com")


def actor(request, name):
    return None if name == "system" else request.getfixturevalue(name)


COMPANY = {
    "legal_name": "Suministros Ibéricos S.L.",
    "tax_id": "ESB23456783",
    "email": "compras@iberico.example",
    "line1": "Calle Real 1",
    "postal_code": "41001",
    "city": "Sevilla",
    "country": "ES",
}
SELLER_EDITORS = ["system", "manager", "service_agent", "seller_key"]
NOT_EDITORS = [
    "warehouse_worker",
    "roleless_staff",
    "customer_admin",
    "buyer",
    "viewer",
    "own_company_key",
    "revoked_key",
]


# --- company master data ----------------------------------------------------------------


@pytest.mark.parametrize("who", SELLER_EDITORS)
def test_seller_editors_create_and_change_companies(request, who):
    company = services.create_company(actor=actor(request, who), **COMPANY)
    services.update_company(
        company=company, actor=actor(request, who), credit_limit=Decimal("10.00")
    )
    company.refresh_from_db()
    assert company.credit_limit == Decimal("10.00")


@pytest.mark.parametrize("who", NOT_EDITORS)
def test_others_can_neither_create_nor_change_companies(request, who, company):
    with pytest.raises(NotAllowed):
        services.create_company(actor=actor(request, who), **COMPANY)
    with pytest.raises(NotAllowed):
        services.update_company(
            company=company, actor=actor(request, who), status="blocked", credit_limit=Decimal(0)
        )
    company.refresh_from_db()
    assert company.status == "active" and company.credit_limit == Decimal("10000.00")
    assert not Company.objects.filter(tax_id="ESB23456783").exists()
    assert not AuditEntry.objects.exists()


def test_a_company_change_is_audited_with_before_and_after(manager, company):
    services.update_company(
        company=company,
        actor=manager,
        credit_limit=Decimal("2500.00"),
        status="blocked",
        payment_terms="net60",
        discount_percent=Decimal("5.00"),
        city=company.city,
        tags=["horeca"],
    )
    entry = AuditEntry.objects.get(action=AuditAction.CHANGED)
    assert entry.changes == {
        "credit_limit": ["10000.00", "2500.00"],
        "discount_percent": ["0.00", "5.00"],
        "payment_terms": ["net30", "net60"],
        "status": ["active", "blocked"],
        "tags": [[], ["horeca"]],
    }
    assert entry.actor_user == manager and entry.actor_label == str(manager)
    assert entry.object_id == str(company.pk)


def test_an_unchanged_company_writes_no_audit_row(manager, company):
    services.update_company(company=company, actor=manager, city=company.city)
    assert not AuditEntry.objects.exists()


def test_a_new_company_and_its_first_address_are_audited_with_the_key(seller_key):
    company = services.create_company(actor=seller_key, tags=["horeca"], **COMPANY)
    entries = {entry.object_repr: entry for entry in AuditEntry.objects.all()}
    created = entries[str(company)]
    assert created.action == AuditAction.CREATED
    assert created.changes["tax_id"] == [None, "ESB23456783"]
    assert created.changes["tags"] == [None, ["horeca"]]
    assert created.actor_key_id == seller_key.pk and created.actor_user is None
    assert created.actor_label == str(actor_label(seller_key))
    assert entries[str(company.addresses.get())].action == AuditAction.CREATED


# --- addresses --------------------------------------------------------------------------

ADDRESS = {"label": "Almacén", "line1": "Calle 2", "postal_code": "28001", "city": "Madrid"}


@pytest.mark.parametrize("who", ["manager", "service_agent", "seller_key", "customer_admin"])
def test_editors_and_the_companys_admin_manage_its_addresses(request, who, company):
    address = services.save_address(company=company, actor=actor(request, who), **ADDRESS)
    assert address.company == company
    services.delete_address(address=address, actor=actor(request, who))
    assert not Address.objects.filter(pk=address.pk).exists()


@pytest.mark.parametrize(
    "who", ["warehouse_worker", "other_admin", "buyer", "viewer", "own_company_key"]
)
def test_others_cannot_touch_a_companys_addresses(request, who, company):
    existing = company.addresses.get()
    with pytest.raises(NotAllowed):
        services.save_address(company=company, actor=actor(request, who), **ADDRESS)
    with pytest.raises(NotAllowed):
        services.save_address(
            company=company, actor=actor(request, who), address=existing, label="Changed"
        )
    extra = AddressFactory(company=company)
    with pytest.raises(NotAllowed):
        services.delete_address(address=extra, actor=actor(request, who))
    assert company.addresses.count() == 2
    existing.refresh_from_db()
    assert existing.label == "Main"
    assert not AuditEntry.objects.exists()


def test_an_address_of_another_company_cannot_be_saved_as_ours(
    customer_admin, company, other_company
):
    foreign = other_company.addresses.get()
    with pytest.raises(NotAllowed):
        services.save_address(
            company=company, actor=customer_admin, address=foreign, label="Mine now"
        )
    foreign.refresh_from_db()
    assert foreign.label == "Main" and foreign.company == other_company


def test_address_changes_are_audited_also_the_default_that_moves(customer_admin, company):
    old_default = company.addresses.get()
    new = services.save_address(company=company, actor=customer_admin, **ADDRESS)
    services.save_address(
        company=company, actor=customer_admin, address=new, city="Toledo", is_default=True
    )
    changed = AuditEntry.objects.filter(action=AuditAction.CHANGED)
    by_object = {entry.object_id: entry.changes for entry in changed}
    assert by_object[str(new.pk)] == {"city": ["Madrid", "Toledo"], "is_default": [False, True]}
    assert by_object[str(old_default.pk)] == {"is_default": [True, False]}
    assert {entry.actor_user for entry in changed} == {customer_admin}
    deleted = AddressFactory(company=company)
    deleted_pk = deleted.pk
    services.delete_address(address=deleted, actor=customer_admin)
    entry = AuditEntry.objects.get(action=AuditAction.DELETED)
    assert entry.object_id == str(deleted_pk) and entry.changes["label"] == [deleted.label, None]


# --- users ------------------------------------------------------------------------------

USER_MANAGERS = ["system", "manager", "service_agent", "seller_key", "customer_admin"]
NOT_USER_MANAGERS = [
    "warehouse_worker",
    "roleless_staff",
    "other_admin",
    "buyer",
    "viewer",
    "own_company_key",
]


@pytest.mark.parametrize("who", USER_MANAGERS)
def test_editors_and_the_companys_admin_manage_its_users(request, who, company, buyer):
    by = actor(request, who)
    created = services.invite_customer_user(
        company=company, actor=by, email="newer@gomez.example", role="buyer"
    )
    assert created is not None and created.company == company
    services.resend_invitation(user=created, actor=by)
    services.change_customer_user_role(user=buyer, actor=by, role="viewer")
    services.set_customer_user_active(user=buyer, actor=by, active=False)
    buyer.refresh_from_db()
    assert buyer.role == "viewer" and not buyer.is_active


@pytest.mark.parametrize("who", NOT_USER_MANAGERS)
def test_others_cannot_manage_a_companys_users(request, who, company, buyer):
    by = actor(request, who)
    invited = CustomerUserFactory(company=company, email="invited@gomez.example")
    invited.set_unusable_password()
    invited.save()
    calls = [
        lambda: services.create_customer_user(
            company=company, actor=by, email="new@gomez.example", role="admin"
        ),
        lambda: services.invite_customer_user(
            company=company, actor=by, email="new@gomez.example", role="admin"
        ),
        lambda: services.resend_invitation(user=invited, actor=by),
        lambda: services.change_customer_user_role(user=buyer, actor=by, role="admin"),
        lambda: services.set_customer_user_active(user=buyer, actor=by, active=False),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            call()
    buyer.refresh_from_db()
    assert buyer.role == "buyer" and buyer.is_active
    assert not User.objects.filter(email="new@gomez.example").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("who", ["system", "manager", "service_agent", "seller_key"])
def test_the_seller_side_creates_users_outright(request, who, company):
    user = services.create_customer_user(
        company=company, actor=actor(request, who), email="new@gomez.example", role="viewer"
    )
    assert user.company == company and user.role == "viewer"


def test_a_customer_admin_invites_but_does_not_create_outright(company, customer_admin):
    """Creating outright says whether an email has an account: not for customers."""
    with pytest.raises(NotAllowed):
        services.create_customer_user(
            company=company, actor=customer_admin, email="buyer2@gomez.example", role="buyer"
        )
    assert not User.objects.filter(email="buyer2@gomez.example").exists()


def test_staff_accounts_are_not_customer_users(manager, service_agent):
    with pytest.raises(NotAllowed):
        services.change_customer_user_role(user=service_agent, actor=manager, role="admin")
    with pytest.raises(NotAllowed):
        services.set_customer_user_active(user=service_agent, actor=manager, active=False)
    service_agent.refresh_from_db()
    assert service_agent.is_active and service_agent.role == ""


def test_user_changes_are_audited_without_the_password(manager, company, customer_admin):
    user = services.create_customer_user(
        company=company, actor=manager, email="Nueva@Gomez.example", role="buyer", password="x1"
    )
    created = AuditEntry.objects.get(action=AuditAction.CREATED)
    assert created.changes["email"] == [None, "nueva@gomez.example"]
    assert created.changes["role"] == [None, "buyer"]
    assert "password" not in created.changes
    services.change_customer_user_role(user=user, actor=customer_admin, role="viewer")
    services.set_customer_user_active(user=user, actor=customer_admin, active=False)
    services.set_customer_user_active(user=user, actor=manager, active=True)
    changes = [
        (entry.actor_user, entry.changes)
        for entry in AuditEntry.objects.filter(action=AuditAction.CHANGED).order_by("id")
    ]
    assert changes == [
        (customer_admin, {"role": ["buyer", "viewer"]}),
        (customer_admin, {"is_active": [True, False]}),
        (manager, {"is_active": [False, True]}),
    ]
    assert MASK not in str(changes)


def test_nobody_deactivates_their_own_account(company, customer_admin):
    CustomerUserFactory(company=company, role=CustomerRole.ADMIN)  # not the last admin
    with pytest.raises(SelfDeactivationError) as caught:
        services.set_customer_user_active(user=customer_admin, actor=customer_admin, active=False)
    assert caught.value.code == "cannot_deactivate_self"
    customer_admin.refresh_from_db()
    assert customer_admin.is_active
    assert not TimelineEntry.objects.exists() and not AuditEntry.objects.exists()


def test_emails_are_unique_across_staff_and_customers_in_any_case(company, manager, buyer):
    for email in ("MANAGER@example.com", "Buyer@Gomez.Example"):
        with pytest.raises(ValidationError) as caught:
            services.create_customer_user(company=company, actor=manager, email=email, role="buyer")
        assert caught.value.error_dict["email"][0].code == "email_taken"
    assert User.objects.count() == 2


# --- timeline notes ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "warehouse_worker", "roleless_staff", "seller_key"])
def test_staff_and_seller_keys_write_notes(request, who, company):
    services.add_staff_note(
        company=company, actor=actor(request, who), kind="call", summary="Hi", visibility="staff"
    )
    assert company.timeline.filter(summary="Hi").exists()


@pytest.mark.parametrize("who", ["customer_admin", "buyer", "own_company_key"])
def test_customers_do_not_write_staff_notes(request, who, company):
    with pytest.raises(NotAllowed):
        services.add_staff_note(
            company=company,
            actor=actor(request, who),
            kind="note",
            summary="Hi",
            visibility="staff",
        )
    assert not company.timeline.exists()


# --- through the faces ---------------------------------------------------------------------


def test_backoffice_user_form_shows_the_services_email_refusal(client_for, manager, company):
    url = reverse("backoffice:customer_user_create", args=[company.pk])
    response = client_for(manager).post(url, {"email": "Manager@Example.COM", "role": "buyer"})
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert User.objects.filter(company=company).count() == 0


def test_backoffice_company_form_shows_a_refusal_of_the_service(
    client_for, service_agent, company, monkeypatch
):
    def refuse(**kwargs):
        raise NotAllowed()

    monkeypatch.setattr(services, "update_company", refuse)
    url = reverse("backoffice:customer_edit", args=[company.pk])
    data = {**COMPANY, "tax_id": company.tax_id, "language": "es", "currency": "EUR"}
    data |= {"payment_terms": "net30", "credit_limit": "1", "discount_percent": "0"}
    response = client_for(service_agent).post(url, {**data, "status": "blocked"})
    assert response.status_code == 400
    assert len(response.context["form"].non_field_errors()) == 1
    company.refresh_from_db()
    assert company.status == "active" and company.credit_limit == Decimal("10000.00")


def test_company_page_shows_its_change_history_to_editors(client_for, manager, company):
    services.update_company(company=company, actor=manager, credit_limit=Decimal("123.00"))
    page = client_for(manager).get(reverse("backoffice:customer_detail", args=[company.pk]))
    content = page.content.decode()
    assert "audit-trail" in content and "credit_limit" in content and "123.00" in content


def test_company_page_hides_the_history_from_non_editors(client_for, warehouse_worker, company):
    page = client_for(warehouse_worker).get(
        reverse("backoffice:customer_detail", args=[company.pk])
    )
    assert page.status_code == 200 and "audit-trail" not in page.content.decode()


def test_portal_self_deactivation_is_refused_by_the_service(client_for, customer_admin, company):
    CustomerUserFactory(company=company, role=CustomerRole.ADMIN)  # not the last admin
    response = client_for(customer_admin).post(
        reverse("portal:user_update", args=[customer_admin.pk]),
        {"action": "deactivate"},
        follow=True,
    )
    shown = {str(message) for message in response.context["messages"]}
    assert shown & {
        "You cannot deactivate your own account.",
        "No puede desactivar su propia cuenta.",
    }
    customer_admin.refresh_from_db()
    assert customer_admin.is_active


def test_portal_address_form_saves_through_the_service_with_an_audit_row(
    client_for, customer_admin, company
):
    response = client_for(customer_admin).post(
        reverse("portal:address_create"), {**ADDRESS, "country": "ES"}
    )
    assert response.status_code == 302
    address = company.addresses.get(label="Almacén")
    entry = AuditEntry.objects.get(object_id=str(address.pk))
    assert entry.action == AuditAction.CREATED and entry.actor_user == customer_admin


def test_api_changes_by_staff_are_audited(client_for, service_agent, company):
    client = client_for(service_agent)
    response = client.patch(
        f"/api/v1/customers/{company.pk}/",
        {"credit_limit": "42.00"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.get()
    assert entry.changes == {"credit_limit": ["10000.00", "42.00"]}
    assert entry.actor_user == service_agent
