"""Places on another app's page where a higher app shows something of its own, without
the lower app importing it (the returns badge on a company page, the "Return items"
button on a delivered order).

A page names its slot once: ``{% load slots %}{% slot "backoffice.company" company=company %}``.
An app fills it from its ``navigation.py`` (discovered with the menus)::

    register_slot("backoffice.company", "returns/includes/company_badge.html",
                  context=lambda request, company: {"flag": flag_of(company)})

``context(request, **kwargs)`` returns the include's context, or None to show nothing
there (e.g. no flag). Entries render in ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SlotEntry:
    template_name: str
    context: Callable[..., dict | None] | None
    order: int


_slots: dict[str, dict[str, SlotEntry]] = {}


def register_slot(name: str, template_name: str, *, context=None, order: int = 50) -> None:
    """Show ``template_name`` in the slot ``name`` (registering it again replaces it)."""
    _slots.setdefault(name, {})[template_name] = SlotEntry(template_name, context, order)


def entries(name: str) -> list[SlotEntry]:
    from .navigation import _discover

    _discover()  # the apps' navigation.py modules register their slots
    return sorted(_slots.get(name, {}).values(), key=lambda e: (e.order, e.template_name))
