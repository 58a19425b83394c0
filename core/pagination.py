"""Page-number pagination that stays fast on large tables: counting stops at a cap.

``COUNT(*)`` of a filter that matches most of a million-row table reads the whole
index, on every page view. ``CappedPaginator`` counts at most ``cap`` + 1 rows
(``SELECT COUNT(*) FROM (SELECT id ... LIMIT cap + 1)``, the same index walk the page
itself uses), so a list past the cap reads "1–25 of more than 10,000" and offers pages up
to the cap; below the cap it is exact.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


def default_count_cap() -> int:
    """How many rows a list counts at most (setting ``LIST_COUNT_CAP``, 10,000)."""
    return int(getattr(settings, "LIST_COUNT_CAP", 10_000))


def capped_count(queryset, cap: int | None = None) -> tuple[int, bool]:
    """(rows, whether there are more than ``cap``) counting at most ``cap`` + 1 rows."""
    cap = default_count_cap() if cap is None else cap
    counted = queryset.values("pk")[: cap + 1].count()
    return min(counted, cap), counted > cap


def capped_counts(querysets: dict, cap: int | None = None) -> dict[str, tuple[int, bool]]:
    """``capped_count`` of several querysets in one query: each is a scalar subquery
    ``(SELECT COUNT(*) FROM (SELECT id ... LIMIT cap + 1))`` of one ``SELECT``."""
    cap = default_count_cap() if cap is None else cap
    if not querysets:
        return {}
    names = list(querysets)
    parts, params = [], []
    db = None
    for name in names:
        queryset = querysets[name].values("pk").order_by()[: cap + 1]
        db = db or queryset.db
        sql, part_params = queryset.query.sql_with_params()
        # The SQL is the ORM's own, its values stay parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{len(parts)})")  # noqa: S608
        params.extend(part_params)
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: (min(count, cap), count > cap) for name, count in zip(names, row, strict=True)}


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *args, cap: int | None = None, **kwargs):
        self.cap = default_count_cap() if cap is None else cap
        super().__init__(object_list, per_page, *args, **kwargs)

    @cached_property
    def _capped(self) -> tuple[int, bool]:
        if not hasattr(self.object_list, "values"):
            count = len(self.object_list)
            return min(count, self.cap), count > self.cap
        return capped_count(self.object_list, self.cap)

    @cached_property
    def count(self) -> int:
        return self._capped[0]

    @property
    def capped(self) -> bool:
        """More rows than ``count`` exist."""
        return self._capped[1]
