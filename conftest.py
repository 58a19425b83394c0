"""Fixtures shared by every app: two companies with users of each role, staff of each role."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache

from core.roles import StaffRole
from customers.models import CustomerRole
from customers.tests.factories import CompanyFactory, CustomerUserFactory, StaffUserFactory

# Tests create thousands of users: hash their passwords with a fast hasher (the
# production one, PBKDF2, takes a good fraction of a second per user on purpose).
# Nothing here tests the hasher itself; sign-in tests still check the password.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Rows that data migrations create and every test may rely on. A transactional test
# empties the database when it ends (a flush), so the next one gets them back here.
REFERENCE_DATA = [
    ("customers.migrations.0002_staff_groups", "create_groups"),
    ("orders.migrations.0002_carriers", "add_carriers"),
    ("pricing.migrations.0002_price_row_view_and_default_lists", "default_lists"),
    ("core.migrations.0005_tax_rates", "seed"),
    ("returns.migrations.0002_reasons_and_number_sequence", "add_reasons"),
]


@pytest.fixture(autouse=True)
def _reference_data(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        for module, function in REFERENCE_DATA:
            getattr(import_module(module), function)(django_apps, None)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request a test made in English
    leaves English active in the thread (LocaleMiddleware), and a factory's translated
    field written then would fill the English column instead of the default one."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    from core.fiscal import clear_rates_cache

    cache.clear()
    clear_rates_cache()  # a test's rolled-back VAT rate change must not outlive it
    yield
    cache.clear()
    clear_rates_cache()


@pytest.fixture(autouse=True)
def _celery_join_flag():
    """In embedded mode Celery's ``delay()`` sets a process-wide "inside a task" flag
    around the in-process run and then restores the previous value; the thread tests
    queue tasks from many threads at once, and interleaved restores can leave it set,
    after which ``.get()`` on any result raises "Never call result.get() within a
    task!". (The application never calls ``.get()``.) Each test starts clear."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture
def company(db):
    return CompanyFactory(legal_name="Ferretería Gómez S.L.")


@pytest.fixture
def other_company(db):
    return CompanyFactory(legal_name="Hurtownia Kowalski Sp. z o.o.", country="PL", language="pl")


@pytest.fixture
def customer_admin(company):
    return CustomerUserFactory(
        company=company, role=CustomerRole.ADMIN, email="admin@gomez.example"
    )


@pytest.fixture
def buyer(company):
    return CustomerUserFactory(
        company=company, role=CustomerRole.BUYER, email="buyer@gomez.example"
    )


@pytest.fixture
def viewer(company):
    return CustomerUserFactory(
        company=company, role=CustomerRole.VIEWER, email="viewer@gomez.example"
    )


@pytest.fixture
def other_admin(other_company):
    return CustomerUserFactory(
        company=other_company, role=CustomerRole.ADMIN, email="admin@kowalski.example"
    )


@pytest.fixture
def other_buyer(other_company):
    return CustomerUserFactory(
        company=other_company, role=CustomerRole.BUYER, email="buyer@kowalski.example"
    )


@pytest.fixture
def manager(db):
    return StaffUserFactory(email="manager@example.com", roles=[StaffRole.MANAGER])


@pytest.fixture
def service_agent(db):
    return StaffUserFactory(email="service@example.com", roles=[StaffRole.CUSTOMER_SERVICE])


@pytest.fixture
def warehouse_worker(db):
    return StaffUserFactory(email="warehouse@example.com", roles=[StaffRole.WAREHOUSE])


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client signed in as ``user``."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
