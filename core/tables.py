"""Table declarations for back-office and portal lists (the NetBox way).

A table is a list of ``Column``\\ s plus a default ordering::

    class ProductTable(Table):
        row_name = "product"
        empty_text = _("No products match these filters.")
        default_ordering = "sku"
        columns = [
            Column("sku", _("SKU"), order_by="sku", css="font-monospace small",
                   template_code='<a href="{% url "backoffice:product_detail" row.pk %}">'
                                 "{{ row.sku }}</a>"),
            Column("name", _("Name"), order_by="name"),
        ]

``FilteredListView`` (``core.views``) binds it to the request: ``?sort=<column>`` or
``?sort=-<column>`` orders by the column's ``order_by`` fields, and only by those (an
unknown key falls back to the default ordering, so ``?sort=`` can never order by an
arbitrary field). ``templates/htmx/table.html`` renders any table; ``?export=csv`` gives
the same rows (same filters and ordering) as CSV through ``core.csvio``.

A cell shows ``accessor`` (a dotted path on the row, or a callable taking the row),
or renders ``template_code`` / ``template_name`` with ``row``, ``value``, the row under
``Table.row_name`` and the page's whole context. Translated words go in a
``template_name`` file (makemessages does not read Python strings as templates; a
``{% translate %}`` in ``template_code`` is refused). The CSV gets ``export`` (accessor
or callable) when given, else the accessor's value; ``export=False`` leaves the column
out of the CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.template import engines


def resolve(row: Any, accessor: str | Callable | None) -> Any:
    """Follow a dotted path (``product.category.name``) or call ``accessor(row)``.

    A missing step gives None; a callable attribute at the end is called (Django's
    ``get_FOO_display`` and the like)."""
    if accessor is None:
        return None
    if callable(accessor):
        return accessor(row)
    value = row
    for part in accessor.split("."):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if callable(value) and not isinstance(value, type):
            value = value()
    return value


@dataclass
class Column:
    name: str
    label: Any = ""
    #: Keep the header for screen readers only (e.g. a checkbox column).
    label_hidden: bool = False
    #: What the cell shows (and the CSV exports): dotted path or callable(row).
    accessor: str | Callable | None = None
    #: Inline template for the cell: markup only (no ``{% translate %}``).
    template_code: str | None = None
    #: Template file for the cell (where translated words go); it gets ``column`` too,
    #: so one file can hold the cells of a table (``{% if column.name == "..." %}``).
    template_name: str | None = None
    #: The fields ``?sort=<name>`` orders by; None: not sortable.
    order_by: str | Sequence[str] | None = None
    #: CSS classes of the ``<td>`` (and of the ``<th>`` when ``header_css`` is None).
    css: str = ""
    header_css: str | None = None
    #: CSV value: dotted path or callable(row); None: the accessor; False: not exported.
    export: str | Callable | bool | None = None
    #: CSV header (defaults to ``name``: stable, untranslated column keys).
    export_header: str | None = None
    #: callable(table) -> bool: show the column on the page only when it returns True.
    visible: Callable[[Table], bool] | None = None
    #: False: a CSV-only column (never on the page).
    on_page: bool = True

    def __post_init__(self):
        if self.accessor is None and self.template_code is None and self.template_name is None:
            self.accessor = self.name
        if isinstance(self.order_by, str):
            self.order_by = (self.order_by,)
        if self.template_code is not None and "translate" in self.template_code:
            # makemessages reads templates, not Python strings: words go in a template.
            raise ImproperlyConfigured(
                f"Column {self.name!r}: put translated text in a template_name file."
            )

    @property
    def sortable(self) -> bool:
        return bool(self.order_by)

    @property
    def th_css(self) -> str:
        return self.css if self.header_css is None else self.header_css

    @cached_property
    def compiled(self):
        """The cell template (a ``django.template.Template``), or None."""
        engine = engines["django"].engine
        if self.template_code is not None:
            return engine.from_string(self.template_code)
        if self.template_name is not None:
            return engine.get_template(self.template_name)
        return None

    def value(self, row):
        return resolve(row, self.accessor)

    def export_value(self, row):
        if self.export is None:
            return resolve(row, self.accessor)
        return resolve(row, self.export)

    @property
    def exported(self) -> bool:
        return self.export is not False and (self.export is not None or self.accessor is not None)


@dataclass
class BoundColumn:
    """A column as the page shows it: its sort state and the sort link's key."""

    column: Column
    current: str  # the active sort key ("name", "-name") or ""

    def __getattr__(self, name):
        return getattr(self.column, name)

    @property
    def sorted_ascending(self) -> bool:
        return self.current == self.column.name

    @property
    def sorted_descending(self) -> bool:
        return self.current == "-" + self.column.name

    @property
    def aria_sort(self) -> str:
        if self.sorted_ascending:
            return "ascending"
        if self.sorted_descending:
            return "descending"
        return "none"

    @property
    def next_sort(self) -> str:
        """Ascending first; a second click sorts descending."""
        return "-" + self.column.name if self.sorted_ascending else self.column.name


class Table:
    columns: list[Column] = []
    #: A column name (``-name`` for descending); "" keeps the queryset's own order.
    default_ordering: str = ""
    #: Extra fields appended to every ordering so pages are stable.
    tie_breaker: Sequence[str] = ("-pk",)
    #: The row's name in cell templates (besides ``row``), e.g. "order".
    row_name: str = "row"
    empty_text: Any = ""
    #: The element HTMX swaps (the table's wrapper) and the CSV file's name stem.
    html_id: str = "list-table"
    export_name: str = "export"
    css: str = "table table-hover align-middle"
    #: The ``<table>`` element's own id, when a page or test needs one.
    table_id: str = ""
    #: callable(row) -> CSS class of the ``<tr>``; None: none.
    row_css: Callable | None = None
    #: callable(row) -> {attribute: value} of the ``<tr>``; None: none.
    row_attrs: Callable | None = None

    def __init__(
        self,
        *,
        request=None,
        sort: str | None = None,
        context: dict | None = None,
        rows: Sequence = (),
        sorting: bool = True,
    ):
        self.request = request
        self.context = context if context is not None else {}
        #: False: headers are plain labels (e.g. a short table inside another page).
        self.sorting = sorting
        self.sort = self.clean_sort(sort) if sorting else ""
        self.rows = rows

    # --- sorting ---------------------------------------------------------------------

    @classmethod
    def column(cls, name: str) -> Column | None:
        return next((c for c in cls.columns if c.name == name), None)

    @classmethod
    def sort_keys(cls) -> set[str]:
        names = {c.name for c in cls.columns if c.sortable}
        return names | {"-" + name for name in names}

    def clean_sort(self, sort: str | None) -> str:
        """The requested sort key when whitelisted, else the default ordering."""
        if sort and sort in self.sort_keys():
            return sort
        return self.default_ordering

    def ordering(self) -> list[str]:
        """ORM ``order_by`` arguments for the current sort key ([] for none)."""
        if not self.sort:
            return []
        descending = self.sort.startswith("-")
        column = self.column(self.sort.lstrip("-"))
        if column is None or not column.sortable:
            return []
        fields = []
        for name in column.order_by:
            if descending:
                name = name[1:] if name.startswith("-") else "-" + name
            fields.append(name)
        return fields + [f for f in self.tie_breaker if f.lstrip("-") not in fields]

    def order_queryset(self, queryset):
        ordering = self.ordering()
        if ordering and isinstance(queryset, QuerySet):
            return queryset.order_by(*ordering)
        return queryset

    # --- rendering -------------------------------------------------------------------

    def visible_columns(self) -> list[Column]:
        return [c for c in self.columns if c.on_page and (c.visible is None or c.visible(self))]

    @cached_property
    def bound_columns(self) -> list[BoundColumn]:
        return [BoundColumn(c, self.sort) for c in self.visible_columns()]

    def tr_css(self, row) -> str:
        return self.row_css(row) if self.row_css else ""

    def tr_attrs(self, row) -> dict:
        return self.row_attrs(row) if self.row_attrs else {}

    # --- export ----------------------------------------------------------------------

    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.exported]

    def export_header(self) -> list[str]:
        return [c.export_header or c.name for c in self.export_columns()]

    def export_rows(self, rows):
        columns = self.export_columns()
        for row in rows:
            yield [c.export_value(row) for c in columns]
