from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from customers import services
from customers.errors import DefaultAddressError, LastAdminError
from customers.models import Address, Company, CustomerRole, TimelineEntry, Visibility
from customers.selectors import timeline_for

from .factories import AddressFactory, CompanyFactory, CustomerUserFactory

COMPANY = {
    "legal_name": "Suministros Ibéricos S.L.",
    "tax_id": "es b23456783",
    "email": "compras@iberico.example",
    "line1": "Calle Real 1",
    "postal_code": "41001",
    "city": "Sevilla",
    "country": "ES",
    "payment_terms": "net30",
    "credit_limit": Decimal("5000"),
}


@pytest.mark.django_db
def test_create_company_makes_billing_address_the_default_shipping_address(manager):
    company = services.create_company(actor=manager, tags=["horeca"], **COMPANY)
    assert company.tax_id == "ESB23456783"
    address = company.addresses.get()
    assert address.is_default
    assert (address.line1, address.city, address.postal_code) == (
        "Calle Real 1",
        "Sevilla",
        "41001",
    )
    assert list(company.tags.values_list("name", flat=True)) == ["horeca"]
    entry = company.timeline.get()
    assert entry.actor == manager and entry.kind == "account"


@pytest.mark.django_db
def test_create_company_with_invalid_data_writes_nothing(manager):
    with pytest.raises(ValidationError):
        services.create_company(actor=manager, **{**COMPANY, "tax_id": "123"})
    assert not Company.objects.exists()
    assert not TimelineEntry.objects.exists()


@pytest.mark.django_db
def test_update_company_records_changed_fields(manager):
    company = CompanyFactory()
    services.update_company(
        company=company, actor=manager, credit_limit=Decimal("99.00"), city=company.city
    )
    entry = company.timeline.get()
    assert entry.summary_message == {
        "key": "customer.changed",
        "params": {"fields": ["credit_limit"]},
    }
    with translation.override("en"):
        assert entry.summary_text == "Customer data changed: credit limit"


@pytest.mark.django_db
def test_update_without_changes_adds_no_timeline_entry(manager):
    company = CompanyFactory()
    services.update_company(company=company, actor=manager, city=company.city)
    assert not company.timeline.exists()


@pytest.mark.django_db
def test_making_an_address_default_unsets_the_previous_one(manager):
    company = CompanyFactory()
    old = company.addresses.get()
    new = services.save_address(
        company=company,
        actor=manager,
        label="Almacén 2",
        line1="Calle B 2",
        postal_code="28002",
        city="Madrid",
        country="ES",
        is_default=True,
    )
    old.refresh_from_db()
    assert new.is_default and not old.is_default


@pytest.mark.django_db
def test_default_address_cannot_be_deleted(manager):
    company = CompanyFactory()
    with pytest.raises(DefaultAddressError):
        services.delete_address(address=company.addresses.get(), actor=manager)
    other = AddressFactory(company=company)
    services.delete_address(address=other, actor=manager)
    assert Address.objects.filter(company=company).count() == 1


@pytest.mark.django_db
def test_invited_user_gets_an_email_with_a_link_in_the_company_language(
    manager, django_capture_on_commit_callbacks
):
    company = CompanyFactory(language="pl")
    with django_capture_on_commit_callbacks(execute=True):
        user = services.create_customer_user(
            company=company, actor=manager, email="Nowy@Firma.example", role="buyer"
        )
    assert user.email == "nowy@firma.example"
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nowy@firma.example"]
    assert "/portal/invitation/" in message.body
    assert "hasło" in message.body.lower()  # Polish text
    assert message.alternatives[0][1] == "text/html"
    assert company.timeline.filter(kind="email").exists()


@pytest.mark.django_db
def test_last_admin_cannot_be_demoted_or_deactivated(customer_admin, manager):
    with pytest.raises(LastAdminError):
        services.change_customer_user_role(user=customer_admin, actor=customer_admin, role="buyer")
    with pytest.raises(LastAdminError):
        services.change_customer_user_role(user=customer_admin, actor=manager, role="buyer")
    with pytest.raises(LastAdminError):
        services.set_customer_user_active(user=customer_admin, actor=manager, active=False)
    customer_admin.refresh_from_db()
    assert customer_admin.role == CustomerRole.ADMIN and customer_admin.is_active


@pytest.mark.django_db
def test_admin_can_be_demoted_when_another_admin_remains(customer_admin, company):
    second = CustomerUserFactory(company=company, role=CustomerRole.ADMIN)
    services.change_customer_user_role(user=second, actor=customer_admin, role="viewer")
    second.refresh_from_db()
    assert second.role == "viewer"
    assert company.timeline.filter(
        visibility=Visibility.CUSTOMER,
        summary_message__key="customer_user.role_changed",
        summary_message__params__email=second.email,
    ).exists()


@pytest.mark.django_db
def test_timeline_is_newest_first_and_customer_view_hides_staff_notes(manager, company):
    services.add_staff_note(
        company=company, actor=manager, kind="call", summary="internal", visibility="staff"
    )
    services.add_staff_note(
        company=company, actor=manager, kind="note", summary="shared", visibility="customer"
    )
    assert [e.summary for e in timeline_for(company)] == ["shared", "internal"]
    assert [e.summary for e in timeline_for(company, customer_view=True)] == ["shared"]


@pytest.mark.django_db
def test_timeline_entry_links_to_its_subject(company, buyer):
    entry = services.append_timeline(company=company, kind="account", summary="x", subject=buyer)
    assert entry.subject == buyer


@pytest.mark.django_db
def test_first_address_label_is_in_the_company_language(manager):
    company = services.create_company(actor=manager, **{**COMPANY, "language": "pl"})
    assert company.addresses.get().label == "Adres główny"


@pytest.mark.django_db
def test_making_an_address_default_when_the_instance_already_says_so(manager):
    """A ModelForm copies the ticked checkbox onto the instance before the service
    runs: the old default is still cleared."""
    company = CompanyFactory()
    old = company.addresses.get()
    other = AddressFactory(company=company)
    other.is_default = True  # what AddressForm(instance=other).is_valid() leaves behind
    services.save_address(company=company, actor=manager, address=other, is_default=True)
    old.refresh_from_db()
    other.refresh_from_db()
    assert other.is_default and not old.is_default


@pytest.mark.django_db
def test_create_customer_user_refuses_an_email_that_has_an_account(manager, other_buyer):
    company = CompanyFactory()
    with pytest.raises(ValidationError) as caught:
        services.create_customer_user(
            company=company, actor=manager, email=other_buyer.email.upper(), role="buyer"
        )
    assert caught.value.error_dict["email"][0].code == "email_taken"
    assert not company.users.exists()


@pytest.mark.django_db
def test_create_customer_user_refuses_a_255_character_email(manager):
    company = CompanyFactory()
    with pytest.raises(ValidationError) as caught:
        services.create_customer_user(
            company=company, actor=manager, email="a" * 241 + "@gomez.example", role="buyer"
        )
    assert "email" in caught.value.error_dict


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_invitation_never_doubles_the_full_stop_and_carries_its_language(
    manager, django_capture_on_commit_callbacks, language
):
    company = CompanyFactory(language=language, legal_name="Gómez S.L.")
    with django_capture_on_commit_callbacks(execute=True):
        services.create_customer_user(
            company=company, actor=manager, email="nuevo@gomez.example", role="buyer"
        )
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "Gómez S.L." in text
        assert ".." not in text.replace("...", "")
    assert f'<html lang="{language}">' in html


@pytest.mark.django_db
def test_invite_customer_user_creates_a_new_address_like_create(
    customer_admin, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.invite_customer_user(
            company=company, actor=customer_admin, email="Nueva@Gomez.example", role="viewer"
        )
    assert (user.email, user.company, user.role) == ("nueva@gomez.example", company, "viewer")
    assert [m.to for m in mail.outbox] == [["nueva@gomez.example"]]


@pytest.mark.django_db
def test_invite_customer_user_of_a_taken_address_creates_nobody_and_tells_the_holder(
    customer_admin, company, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.invite_customer_user(
            company=company, actor=customer_admin, email=manager.email, role="admin"
        )
    assert result is None
    manager.refresh_from_db()
    assert manager.company is None and manager.is_staff
    assert list(company.users.all()) == [customer_admin]
    (notice,) = mail.outbox
    assert notice.to == [manager.email]
    assert company.legal_name in notice.body
