"""Tags of the generic table partial (``templates/htmx/table.html``)."""

from django import template
from django.utils import formats
from django.utils.html import conditional_escape, format_html_join

register = template.Library()


@register.simple_tag(takes_context=True)
def render_cell(context, table, column, row):
    """One cell: the column's template with ``row``, ``value`` and the row under
    ``table.row_name`` (plus the page's context), or its escaped value."""
    value = column.value(row) if column.accessor is not None else None
    compiled = column.compiled
    if compiled is None:
        if isinstance(value, bool) or value is None:
            return conditional_escape("" if value is None else value)
        # Numbers and dates as the reader's language writes them (like ``{{ value }}``).
        return conditional_escape(formats.localize(value))
    with context.push(row=row, value=value, column=column, **{table.row_name: row}):
        return compiled.render(context)


@register.simple_tag
def row_attrs(table, row):
    """The ``<tr>``'s extra attributes (class and ``Table.row_attrs``), escaped."""
    attrs = dict(table.tr_attrs(row))
    css = table.tr_css(row)
    if css:
        attrs["class"] = css
    return format_html_join("", ' {}="{}"', attrs.items())
