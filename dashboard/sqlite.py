"""What the figures need of SQLite (the embedded mode, ``make run``) that PostgreSQL has
built in: ``percentile_cont``, registered on every SQLite connection as an aggregate
(``kpis.Percentile`` compiles to ``percentile_cont(value, fraction)`` there)."""

from __future__ import annotations

import math


class PercentileCont:
    """``percentile_cont(value, fraction)``: the continuous percentile of the non-null
    values, interpolated between the two nearest ranks as PostgreSQL's is."""

    def __init__(self):
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value, fraction):
        self.fraction = float(fraction)
        if value is not None:
            self.values.append(float(value))

    def finalize(self):
        if not self.values:
            return None
        values = sorted(self.values)
        position = self.fraction * (len(values) - 1)
        lower, upper = math.floor(position), math.ceil(position)
        return values[lower] + (values[upper] - values[lower]) * (position - lower)


def register(sender, connection, **kwargs):
    """``connection_created`` receiver: the aggregates, on SQLite connections only."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("percentile_cont", 2, PercentileCont)
