"""Document numbers: ``<SERIES>-<YEAR>-<000123>`` (6 digits or more), two kinds.

Gap-free (``next_number``; invoices and credit notes, which are fiscal documents): a
counter row per (series, year) is locked (``SELECT ... FOR UPDATE``) and incremented in
the caller's transaction. Two transactions never get the same number and a rollback
gives the number back, so there are no gaps; the price is that every transaction that
takes a number of a series waits for the previous one to commit.

Non-blocking (``next_sequence_number``; orders): the value comes from a database
sequence (PostgreSQL ``nextval``), which never waits for another transaction. A
sequence is not transactional, so a placement that rolls back burns its number: the
series may have gaps. One sequence per series, not per year: the year in the number is
the year it was taken, and the count does not restart on 1 January (numbers stay unique
because the value alone is). The sequence is created by a migration of the app that owns
the series (``create_sequence``). Databases without sequences (SQLite, the embedded
mode) use ``SequenceTicket``: insert a row, use its auto-increment id.
"""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.utils import timezone

from core.models import SequenceCounter, SequenceTicket

_SERIES = re.compile(r"^[A-Za-z0-9]{1,10}$")
_SEQUENCE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def format_number(series: str, year: int, value: int, *, width: int = 6) -> str:
    return f"{series}-{year}-{value:0{width}d}"


def next_number(series: str, *, year: int | None = None, width: int = 6) -> str:
    """Take the next gap-free number of ``series`` for ``year`` (default: this year,
    local time).

    Must run inside a transaction (the lock lasts until it commits).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("next_number() must run inside a transaction")
    year = year or timezone.localdate().year
    # Create the row once (concurrent creators do not collide), then lock it.
    SequenceCounter.objects.bulk_create(
        [SequenceCounter(series=series, year=year, last_value=0)], ignore_conflicts=True
    )
    counter = SequenceCounter.objects.select_for_update().get(series=series, year=year)
    counter.last_value += 1
    SequenceCounter.objects.filter(pk=counter.pk).update(last_value=counter.last_value)
    return format_number(series, year, counter.last_value, width=width)


# --- database sequences (gaps allowed, no lock) ---------------------------------------


def sequence_name(series: str) -> str:
    """The database sequence behind ``next_sequence_number(series)``."""
    if not _SERIES.match(series):
        raise ValueError(f"invalid numbering series {series!r}")
    return f"numbering_{series.lower()}_seq"


def _checked(name: str) -> str:
    if not _SEQUENCE.match(name):
        raise ValueError(f"invalid sequence name {name!r}")
    return name


def has_sequences(conn=None) -> bool:
    """Whether the database has ``CREATE SEQUENCE`` / ``nextval`` (PostgreSQL)."""
    return (conn or connection).vendor == "postgresql"


def next_sequence_value(name: str) -> int:
    """The next value of the database sequence ``name``; never waits for another
    transaction and is not given back on rollback (gaps are possible). Without
    sequences (SQLite) a rolled-back value is taken again by the next caller."""
    name = _checked(name)
    if has_sequences():
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s::regclass)", [name])
            return cursor.fetchone()[0]
    # No sequences (SQLite): the ticket's auto-increment id is the value. SQLite lets one
    # writer in at a time, so this serializes exactly as every other write there does.
    with transaction.atomic():
        ticket = SequenceTicket.objects.create(sequence=name)
        SequenceTicket.objects.filter(sequence=name, pk__lt=ticket.pk).delete()
    return ticket.pk


def next_sequence_number(series: str, *, year: int | None = None, width: int = 6) -> str:
    """``<series>-<year>-<value>`` with the value from ``sequence_name(series)``: unique,
    increasing, without a lock, possibly with gaps (orders)."""
    year = year or timezone.localdate().year
    return format_number(series, year, next_sequence_value(sequence_name(series)), width=width)


def create_sequence(schema_editor, name: str, *, start: int = 1) -> None:
    """Create the sequence ``name`` so that its next value is ``start`` (for migrations;
    on databases without sequences the fallback table is seeded instead)."""
    name = _checked(name)
    start = max(int(start), 1)
    if has_sequences(schema_editor.connection):
        schema_editor.execute(
            f"CREATE SEQUENCE IF NOT EXISTS {schema_editor.quote_name(name)} START WITH {start}"
        )
        return
    if start > 1:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO core_sequenceticket (id, sequence) VALUES (%s, %s)",
                [start - 1, name],
            )


def drop_sequence(schema_editor, name: str) -> None:
    name = _checked(name)
    if has_sequences(schema_editor.connection):
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {schema_editor.quote_name(name)}")
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM core_sequenceticket WHERE sequence = %s",
            [name],
        )
