"""The back-office and portal menus, and the back-office home's figures: a registry
that each app fills from its own ``navigation.py`` (discovered on first use, like
``admin.py``), so ``core`` names no other app's URLs and imports none of them.

An entry whose URL does not exist yet (a domain still to be built) is shown disabled.
``PLANNED_*`` below reserves the place of such domains (key, label, position only); a
domain app that registers the same key later takes the place over.

An entry may carry a badge: a function returning a count worth attention (back-office:
low-stock items; portal: ``badge(user)``, the products in the cart), shown next to the
label when it is not zero. A back-office badge counts over a whole table and is read on
every back-office page, so it is cached for ``BADGE_SECONDS`` (one count a minute per
badge, not one per page view); with the cache down it is counted on each page. The
portal's badges are the user's own (the cart) and are never cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.core.cache import cache as shared_cache
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from .roles import has_staff_role


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str
    url_name: str | None  # None: planned, shown disabled
    order: int
    roles: tuple[str, ...] = ()  # back-office: staff roles; portal: company roles
    badge: Callable[..., int] | None = None
    badge_title: str = ""
    #: ``SETTINGS``: shown in the menu's "Settings" dropdown rather than on the bar.
    group: str = ""


#: The back-office menu's dropdown of configuration pages (API keys, audit trail,
#: closure days, exchange rates): the bar keeps the daily work and fits at 1280 px.
SETTINGS = "settings"


@dataclass(frozen=True)
class HomeFigure:
    key: str
    label: str
    count: Callable[[], int]
    url_name: str
    query: str
    order: int


_backoffice: dict[str, MenuEntry] = {}
_portal: dict[str, MenuEntry] = {}
_figures: dict[str, HomeFigure] = {}


def register_backoffice(
    key, label, url_name, *, order, roles=(), badge=None, badge_title="", group=""
):
    """Add (or replace) the back-office menu entry ``key`` at position ``order``;
    ``group=SETTINGS`` puts it in the "Settings" dropdown."""
    _backoffice[key] = MenuEntry(
        key, label, url_name, order, tuple(roles), badge, badge_title, group
    )


def register_portal(key, label, url_name, *, order, roles=(), badge=None, badge_title=""):
    """Add (or replace) the portal menu entry ``key``; ``roles`` are company roles;
    ``badge(user)`` returns a count shown beside the label (e.g. the cart's products)."""
    _portal[key] = MenuEntry(key, label, url_name, order, tuple(roles), badge, badge_title)


def register_home_figure(key, label, count, *, url_name, query="", order):
    """A figure on the back-office home: ``count()`` linked to ``url_name`` + ``query``."""
    _figures[key] = HomeFigure(key, label, count, url_name, query, order)


# Domains still to be built: their place in the menus, disabled until they register
# (complaints took theirs over: complaints/navigation.py).
PLANNED_BACKOFFICE: list[tuple[str, str, int]] = []
PLANNED_PORTAL: list[tuple[str, str, int]] = []


@cache
def _discover() -> None:
    for key, label, order in PLANNED_BACKOFFICE:
        _backoffice.setdefault(key, MenuEntry(key, label, None, order))
    for key, label, order in PLANNED_PORTAL:
        _portal.setdefault(key, MenuEntry(key, label, None, order))
    # The back-office home (config.urls: the KPI dashboard of dashboard.views).
    register_backoffice("home", _("Dashboard"), "backoffice:home", order=10)
    # So is the managers' audit trail of every configuration change (core.audit).
    register_backoffice(
        "audit",
        _("Audit trail"),
        "backoffice:audit_list",
        order=95,
        roles=("manager",),
        group=SETTINGS,
    )
    # And the closure days of the business calendar (core.calendar).
    register_backoffice(
        "closures",
        _("Closure days"),
        "backoffice:closure_list",
        order=96,
        roles=("manager",),
        group=SETTINGS,
    )
    autodiscover_modules("navigation")


def _entries(registry) -> list[MenuEntry]:
    _discover()
    return sorted(registry.values(), key=lambda entry: (entry.order, entry.key))


def _resolve(url_name):
    if url_name is None:
        return None
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


#: How long a back-office badge's count is reused.
BADGE_SECONDS = 60


def badge_cache_key(key: str) -> str:
    return f"menu-badge:{key}"


def _badge(entry: MenuEntry):
    if entry.badge is None:
        return None
    cache_key = badge_cache_key(entry.key)
    count = shared_cache.get(cache_key)
    if count is None:
        count = entry.badge()
        shared_cache.set(cache_key, count, BADGE_SECONDS)
    return {"count": count, "title": entry.badge_title} if count else None


def backoffice_menu(user):
    entries = []
    for entry in _entries(_backoffice):
        if entry.roles and not has_staff_role(user, *entry.roles):
            continue
        url = _resolve(entry.url_name)
        entries.append(
            {
                "key": entry.key,
                "label": entry.label,
                "url": url,
                "badge": url and _badge(entry),
                "group": entry.group,
            }
        )
    return entries


def portal_menu(user):
    entries = []
    for entry in _entries(_portal):
        if entry.roles and getattr(user, "role", None) not in entry.roles:
            continue
        url = _resolve(entry.url_name)
        count = entry.badge(user) if url and entry.badge is not None else 0
        entries.append(
            {
                "key": entry.key,
                "label": entry.label,
                "url": url,
                "badge": {"count": count, "title": entry.badge_title} if count else None,
            }
        )
    return entries


def home_figures() -> list[dict]:
    """The back-office home's figures, in order: label, count and link."""
    _discover()
    figures = []
    for figure in sorted(_figures.values(), key=lambda f: (f.order, f.key)):
        url = _resolve(figure.url_name)
        figures.append(
            {
                "key": figure.key,
                "label": figure.label,
                "count": figure.count(),
                "url": f"{url}{figure.query}" if url and figure.query else url,
            }
        )
    return figures
