from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from customers.models import Address, CompanyStatus, CustomerRole, User
from customers.validators import is_valid_tax_id, normalize_tax_id

from .factories import AddressFactory, CompanyFactory, CustomerUserFactory, StaffUserFactory


@pytest.mark.parametrize(
    "value",
    [
        "B87654323",
        "ESB87654323",
        "es b-8765432 3",
        "12345678Z",
        "X1234567L",
        "5260250274",
        "PL5260250274",
        "DE123456789",
    ],
)
def test_valid_tax_ids(value):
    assert is_valid_tax_id(value)


@pytest.mark.parametrize(
    "value", ["", "B87654324", "12345678A", "5260250275", "PL123", "hello", "ZZ123456"]
)
def test_invalid_tax_ids(value):
    assert not is_valid_tax_id(value)


def test_normalize_tax_id_strips_separators():
    assert normalize_tax_id(" es-b.87654323 ") == "ESB87654323"


@pytest.mark.django_db
def test_tax_id_is_unique():
    CompanyFactory(tax_id="B87654323")
    with pytest.raises(IntegrityError):
        CompanyFactory(tax_id="B87654323")


@pytest.mark.django_db
def test_credit_limit_cannot_be_negative_in_database():
    company = CompanyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(company).objects.filter(pk=company.pk).update(credit_limit=Decimal("-1"))


@pytest.mark.django_db
def test_discount_must_be_a_percentage():
    company = CompanyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(company).objects.filter(pk=company.pk).update(discount_percent=Decimal("101"))


@pytest.mark.django_db
def test_status_is_checked_in_database():
    company = CompanyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(company).objects.filter(pk=company.pk).update(status="deleted")
    company.refresh_from_db()
    assert company.status == CompanyStatus.ACTIVE


@pytest.mark.django_db
def test_only_one_default_shipping_address_per_company():
    company = CompanyFactory()  # has a default address already
    with pytest.raises(IntegrityError), transaction.atomic():
        AddressFactory(company=company, is_default=True)
    AddressFactory(company=company, is_default=False)
    assert Address.objects.filter(company=company).count() == 2


@pytest.mark.django_db
def test_customer_user_needs_company_and_role():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("lonely@example.com", "x", role=CustomerRole.BUYER)
    company = CompanyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("norole@example.com", "x", company=company)


@pytest.mark.django_db
def test_staff_cannot_belong_to_a_company():
    company = CompanyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(
            "staff@example.com", "x", company=company, role=CustomerRole.ADMIN, is_staff=True
        )


@pytest.mark.django_db
def test_emails_are_unique_case_insensitively():
    StaffUserFactory(email="Ana@Example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffUserFactory(email="ana@example.com")


@pytest.mark.django_db
def test_missing_data_lists_what_an_order_needs():
    company = CompanyFactory()
    assert company.missing_data() == []
    company.email = ""
    company.line1 = ""
    assert len(company.missing_data()) == 2


@pytest.mark.django_db
def test_full_clean_rejects_bad_tax_id():
    company = CompanyFactory.build(tax_id="NOT-A-TAX-ID")
    with pytest.raises(ValidationError) as excinfo:
        company.full_clean()
    assert "tax_id" in excinfo.value.message_dict


@pytest.mark.django_db
def test_user_can_order_by_role():
    company = CompanyFactory()
    assert CustomerUserFactory(company=company, role=CustomerRole.BUYER).can_order
    assert CustomerUserFactory(company=company, role=CustomerRole.ADMIN).can_order
    assert not CustomerUserFactory(company=company, role=CustomerRole.VIEWER).can_order
