"""The back-office table of the audit trail."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.messages import display_value
from core.tables import Column, Table

from .filters import content_type_label

_DATETIME = '|date:"SHORT_DATETIME_FORMAT"'


def change_rows(entry) -> list[tuple[str, object, object]]:
    """``(field label, before, after)`` for each change of an audit entry; labels are
    the model fields' translated verbose names where the field still exists."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, values in (entry.changes or {}).items():
        pair = [*values, None, None][:2] if isinstance(values, list) else [None, values]
        before, after = (display_value(value) for value in pair)
        label = name
        if model is not None:
            try:
                label = str(capfirst(model._meta.get_field(name).verbose_name))
            except (FieldDoesNotExist, AttributeError):
                label = name
        rows.append((label, before, after))
    return rows


def _changes_text(entry) -> str:
    parts = []
    for label, before, after in change_rows(entry):
        before = "—" if before is None else before
        after = "—" if after is None else after
        parts.append(f"{label}: {before} → {after}")
    return "; ".join(parts)


class AuditTable(Table):
    """The managers' audit page: one row per change, newest first."""

    row_name = "entry"
    html_id = "audit-table"
    export_name = "audit"
    default_ordering = "-time"
    empty_text = _("No changes match these filters.")
    columns = [
        Column(
            "time",
            _("Time"),
            order_by="created_at",
            css="text-nowrap small",
            export="created_at",
            template_code="<time datetime=\"{{ entry.created_at|date:'c' }}\">"
            "{{ entry.created_at" + _DATETIME + " }}</time>",
        ),
        Column(
            "by", _("By"), accessor="actor_text", order_by="actor_label", css="small text-break"
        ),
        Column(
            "action",
            _("Action"),
            order_by="action",
            export="action",
            template_code='<span class="badge text-bg-light border">'
            "{{ entry.get_action_display }}</span>",
        ),
        Column(
            "object_type",
            _("Object type"),
            export=lambda entry: content_type_label(entry.content_type),
            on_page=False,
        ),
        Column(
            "object",
            _("Object"),
            order_by=("content_type", "object_repr"),
            export="object_repr",
            template_code='<span class="text-body-secondary small">{{ entry.type_label }}</span> '
            '{% if entry.url %}<a href="{{ entry.url }}">{{ entry.object_repr }}</a>'
            "{% else %}{{ entry.object_repr }}{% endif %}",
        ),
        Column("object_id", _("Object id"), on_page=False),
        Column(
            "changes",
            _("Changes"),
            accessor=change_rows,
            export=_changes_text,
            css="small",
            template_code='{% if value %}<dl class="row mb-0">'
            "{% for label, before, after in value %}"
            '<dt class="col-sm-4 text-break fw-normal text-body-secondary">{{ label }}</dt>'
            '<dd class="col-sm-8 text-break mb-0">'
            "{% if before is not None %}<del>{{ before }}</del> → {% endif %}"
            '{{ after|default_if_none:"—" }}</dd>{% endfor %}</dl>{% endif %}',
        ),
    ]
