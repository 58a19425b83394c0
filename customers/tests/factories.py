from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from customers.demo import polish_nip
from customers.models import Address, Company, CustomerRole, TimelineEntry, User

PASSWORD = "test-pass-123"


def _nip(n: int) -> str:
    base = 100_000_000 + n * 7
    while True:
        try:
            return "PL" + polish_nip(str(base))
        except ValueError:
            base += 1


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"Empresa {n} S.L.")
    tax_id = factory.Sequence(_nip)
    email = factory.Sequence(lambda n: f"orders{n}@company.example")
    line1 = factory.Sequence(lambda n: f"Calle Mayor {n}")
    postal_code = "28001"
    city = "Madrid"
    country = "ES"
    language = "es"
    currency = "EUR"
    payment_terms = "net30"
    credit_limit = Decimal("10000.00")
    discount_percent = Decimal("0.00")

    @factory.post_generation
    def default_address(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            AddressFactory(company=obj, is_default=True, label="Main")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    company = factory.SubFactory(CompanyFactory, default_address=False)
    label = factory.Sequence(lambda n: f"Warehouse {n}")
    line1 = factory.Sequence(lambda n: f"Polígono Industrial {n}")
    postal_code = "28830"
    city = "San Fernando de Henares"
    country = "ES"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Ana"
    last_name = "García"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CustomerUserFactory(UserFactory):
    company = factory.SubFactory(CompanyFactory)
    role = CustomerRole.BUYER


class StaffUserFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        for role in extracted or ():
            obj.groups.add(Group.objects.get(name=role))


class TimelineEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEntry

    company = factory.SubFactory(CompanyFactory)
    kind = "note"
    summary = factory.Sequence(lambda n: f"Note {n}")
    created_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").UTC)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Tag"

    name = factory.Sequence(lambda n: f"tag-{n}")
