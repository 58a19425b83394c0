"""Summarise the deliveries of the days not summarised yet, up to yesterday (what the
nightly task does), or rebuild the summaries of a range of days.

    python manage.py summarise_deliveries [--from 2026-01-01 --to 2026-03-31]
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from dashboard.summaries import summarise_days, summarise_deliveries, summarised_through


class Command(BaseCommand):
    help = "Summarise the deliveries per day for the dashboard (dashboard.summaries)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=dt.date.fromisoformat)

    def handle(self, *args, date_from, date_to, **options):
        started = time.monotonic()
        if date_from or date_to:
            if not (date_from and date_to) or date_to < date_from:
                raise CommandError("Give --from and --to, the first not after the last.")
            last = summarised_through()
            if last is None or date_to > last:
                raise CommandError(
                    "Only summarised days can be rebuilt (run it without --from/--to first)."
                )
            written = summarise_days(date_from, date_to)
        else:
            written = summarise_deliveries()
        self.stdout.write(
            f"{written} summary rows written; summarised through {summarised_through()} "
            f"({time.monotonic() - started:.1f} s)"
        )
