"""``core.numbering``: the gap-free counters, the order sequence and its SQLite fallback,
and the migrations that moved the counters to ``core`` and created the sequence.
Runs on SQLite and on PostgreSQL (the thread tests are in
``orders/tests/test_order_numbering_concurrency.py``)."""

import re

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core import numbering
from core.models import SequenceCounter, SequenceTicket
from core.numbering import (
    next_number,
    next_sequence_number,
    next_sequence_value,
    sequence_name,
)


@pytest.fixture
def fallback(monkeypatch):
    """Force the table fallback (what SQLite always uses), also on PostgreSQL."""
    monkeypatch.setattr(numbering, "has_sequences", lambda conn=None: False)


def test_sequence_name_is_derived_from_the_series():
    assert sequence_name("PED") == "numbering_ped_seq"


@pytest.mark.parametrize("series", ["", "PED'; DROP TABLE x; --", "P-1", "A" * 11])
def test_bad_series_are_refused(series):
    with pytest.raises(ValueError):
        sequence_name(series)


@pytest.mark.parametrize("name", ["", "x'y", "Upper", "1starts_with_digit", "a" * 64])
def test_bad_sequence_names_are_refused(name, db):
    with pytest.raises(ValueError):
        next_sequence_value(name)


def test_order_numbers_keep_their_format_and_grow(db):
    year = timezone.localdate().year
    first = next_sequence_number("PED")
    second = next_sequence_number("PED")
    assert re.fullmatch(rf"PED-{year}-\d{{6,}}", first)
    assert int(second.split("-")[-1]) == int(first.split("-")[-1]) + 1
    assert next_sequence_number("PED", year=2031).startswith("PED-2031-")


@pytest.mark.django_db(transaction=True)
def test_order_numbers_need_no_transaction_but_the_gap_free_counter_does():
    assert not connection.in_atomic_block
    first = next_sequence_value(sequence_name("PED"))
    assert next_sequence_value(sequence_name("PED")) == first + 1
    with pytest.raises(RuntimeError):
        next_number("FV")


def test_the_fallback_counts_up_and_keeps_one_row_per_sequence(db, fallback):
    values = [next_sequence_value("test_fallback_seq") for _ in range(5)]
    assert values == list(range(values[0], values[0] + 5))
    other = next_sequence_value("test_other_seq")
    assert other > values[-1]
    assert next_sequence_value("test_fallback_seq") > other
    assert SequenceTicket.objects.filter(sequence="test_fallback_seq").count() == 1
    assert SequenceTicket.objects.filter(sequence="test_other_seq").count() == 1


def test_the_fallback_stays_unique_after_a_rollback(db, fallback):
    first = next_sequence_value("test_fallback_seq")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        rolled_back = next_sequence_value("test_fallback_seq")
        assert rolled_back > first
        raise ZeroDivisionError
    after = next_sequence_value("test_fallback_seq")
    assert after > first
    if connection.vendor == "sqlite":
        # SQLite's AUTOINCREMENT counter rolls back with the row: the value is reused
        # (no gap). Forced onto PostgreSQL, the id comes from an identity sequence and
        # the rolled-back value is burnt instead; unique either way.
        assert after == rolled_back
    assert SequenceTicket.objects.filter(sequence="test_fallback_seq").count() == 1


def test_the_fallback_numbers_orders(db, fallback):
    year = timezone.localdate().year
    first, second = next_sequence_number("TST"), next_sequence_number("TST")
    assert re.fullmatch(rf"TST-{year}-\d{{6,}}", first)
    assert int(second[-6:]) == int(first[-6:]) + 1


def test_the_gap_free_counter_is_core_s_own_model(db):
    with transaction.atomic():
        assert next_number("FV", year=2040) == "FV-2040-000001"
        assert next_number("FV", year=2040) == "FV-2040-000002"
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert next_number("FV", year=2040) == "FV-2040-000003"
        raise ZeroDivisionError
    with transaction.atomic():
        # A rollback gives the number back: invoices have no gaps.
        assert next_number("FV", year=2040) == "FV-2040-000003"
    assert SequenceCounter.objects.get(series="FV", year=2040).last_value == 3
    assert SequenceCounter._meta.db_table == "core_sequencecounter"


def test_a_new_database_has_only_the_core_counter_table(db):
    tables = connection.introspection.table_names()
    assert "core_sequencecounter" in tables
    assert "orders_sequencecounter" not in tables
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "core_sequencecounter")
    unique = [c for c in constraints.values() if c["unique"] and not c["primary_key"]]
    assert [c["columns"] for c in unique] == [["series", "year"]]
    if connection.vendor == "postgresql":
        # Renamed with its table: orders.0001 on a new database can create its own.
        assert "core_sequencecounter_series_year" in constraints


BEFORE = [("core", "0002_audit_entry"), ("orders", "0002_carriers")]


@pytest.mark.django_db(transaction=True)
def test_moving_the_counter_keeps_an_existing_database_s_counters_and_numbers():
    """A database migrated before the move: its counters live in
    ``orders_sequencecounter`` and orders were numbered from the PED counter. After
    migrating, the invoice series continues without a gap and the order sequence starts
    after every number taken."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old_apps = executor.loader.project_state(BEFORE).apps
        old_counter = old_apps.get_model("orders", "SequenceCounter")
        assert old_counter._meta.db_table == "orders_sequencecounter"
        year = timezone.localdate().year
        old_counter.objects.create(series="FV", year=year, last_value=41)
        old_counter.objects.create(series="AB", year=year, last_value=3)
        old_counter.objects.create(series="PED", year=year - 1, last_value=900)
        old_counter.objects.create(series="PED", year=year, last_value=77)
        assert "core_sequencecounter" not in connection.introspection.table_names()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    tables = connection.introspection.table_names()
    assert "orders_sequencecounter" not in tables
    kept = set(SequenceCounter.objects.values_list("series", "year", "last_value"))
    assert kept == {
        ("FV", year, 41),
        ("AB", year, 3),
        ("PED", year - 1, 900),
        ("PED", year, 77),
    }
    with transaction.atomic():
        assert next_number("FV") == f"FV-{year}-000042"
        assert next_number("AB") == f"AB-{year}-000004"
        # New rows still get ids in the renamed table.
        assert next_number("FV", year=year + 1) == f"FV-{year + 1}-000001"
    # Above the highest PED value of any year: no number can repeat an earlier one.
    assert next_sequence_number("PED") == f"PED-{year}-000901"
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "core_sequencecounter")
    unique = [c for c in constraints.values() if c["unique"] and not c["primary_key"]]
    assert [c["columns"] for c in unique] == [["series", "year"]]
    if connection.vendor == "postgresql":
        # Renamed with its table: orders.0001 on a new database can create its own.
        assert "core_sequencecounter_series_year" in constraints


def test_the_order_sequence_also_starts_after_numbers_of_existing_orders(db):
    """Orders numbered without a counter row (e.g. imported) count too."""
    import importlib

    from django.apps import apps

    from customers.tests.factories import CompanyFactory, StaffUserFactory
    from orders import services
    from orders.models import Order
    from orders.tests.factories import stocked_product

    migration = importlib.import_module("orders.migrations.0004_order_number_sequence")
    assert migration._taken(apps) == 0
    stocked_product(5, sku="NUM")
    order = services.place_order(
        actor=StaffUserFactory(is_superuser=True),
        company=CompanyFactory(),
        lines=[{"sku": "NUM", "quantity": 1}],
    )
    Order.objects.filter(pk=order.pk).update(number="PED-2020-001234")
    SequenceCounter.objects.create(series="PED", year=2021, last_value=1000)
    SequenceCounter.objects.create(series="FV", year=2021, last_value=5000)
    assert migration._taken(apps) == 1234
