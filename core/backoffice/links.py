"""Where an audited object lives in the back-office, without core naming any domain.

Each app registers the page of the models it audits (in its ``backoffice/tables.py``,
which its views import, so every registration is made when the URLconf loads)::

    register_object_url("inventory.product", "backoffice:product_detail")

The URL name takes the object's primary key as its one argument. A model without a
registration links through its ``get_absolute_url`` when it has one (the audit page
loads those objects with one query per model on the page); otherwise the object is
shown as plain text.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

_URL_NAMES: dict[str, str] = {}


def register_object_url(model_label: str, url_name: str) -> None:
    """``model_label``: ``"app_label.modelname"`` (lower case, as content types)."""
    _URL_NAMES[model_label.lower()] = url_name


def registered_url(model_label: str, pk) -> str | None:
    name = _URL_NAMES.get(model_label.lower())
    if name is None:
        return None
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def link_entries(entries) -> None:
    """Give each audit entry ``type_label`` and ``url`` (its object's page, or None for
    a deleted object or one without a known page)."""
    from .filters import content_type_label

    pending: dict = {}
    for entry in entries:
        content_type = entry.content_type
        entry.type_label = content_type_label(content_type)
        entry.url = None
        if entry.action == "deleted":
            continue
        label = f"{content_type.app_label}.{content_type.model}"
        entry.url = registered_url(label, entry.object_id)
        if entry.url is None and label not in _URL_NAMES:
            model = content_type.model_class()
            if model is not None and hasattr(model, "get_absolute_url"):
                pending.setdefault(model, []).append(entry)
    for model, waiting in pending.items():
        found = model._default_manager.in_bulk([e.object_id for e in waiting])
        by_key = {str(pk): obj for pk, obj in found.items()}
        for entry in waiting:
            obj = by_key.get(entry.object_id)
            entry.url = obj.get_absolute_url() if obj is not None else None
