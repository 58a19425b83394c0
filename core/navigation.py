"""The back-office and portal menus.

An entry whose URL does not exist yet (a domain still to be built) is shown disabled,
so each domain lights up its menu entry just by registering its URL name.

A back-office entry may name a badge: a function returning a count worth attention
(e.g. low-stock items), shown next to the label when it is not zero.
"""

from importlib import import_module

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import has_staff_role

BACKOFFICE_MENU = [
    ("home", _("Dashboard"), "backoffice:home", ()),
    ("orders", _("Orders"), "backoffice:order_list", ()),
    ("customers", _("Customers"), "backoffice:customer_list", ()),
    ("inventory", _("Inventory"), "backoffice:product_list", ()),
    ("returns", _("Returns"), "backoffice:return_list", ()),
    ("complaints", _("Complaints"), "backoffice:complaint_list", ()),
    ("api", _("API"), "backoffice:apikey_list", ("manager",)),
]

PORTAL_MENU = [
    ("home", _("Home"), "portal:home", ()),
    ("orders", _("Orders"), "portal:order_list", ()),
    ("returns", _("Returns"), "portal:return_list", ()),
    ("complaints", _("Complaints"), "portal:complaint_list", ()),
    ("company", _("Company"), "portal:company", ()),
    ("users", _("Users"), "portal:user_list", ("admin",)),
]


def _resolve(url_name):
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


BACKOFFICE_BADGES = {
    "inventory": (
        "inventory.selectors.low_stock_count",
        _("stock items below their reorder point"),
    ),
}


def _badge(key):
    if key not in BACKOFFICE_BADGES:
        return None
    path, title = BACKOFFICE_BADGES[key]
    module, _sep, function = path.rpartition(".")
    count = getattr(import_module(module), function)()
    return {"count": count, "title": title} if count else None


def backoffice_menu(user):
    entries = []
    for key, label, name, roles in BACKOFFICE_MENU:
        if roles and not has_staff_role(user, *roles):
            continue
        url = _resolve(name)
        entries.append({"key": key, "label": label, "url": url, "badge": url and _badge(key)})
    return entries


def portal_menu(user):
    return [
        {"key": key, "label": label, "url": _resolve(name)}
        for key, label, name, roles in PORTAL_MENU
        if not roles or getattr(user, "role", None) in roles
    ]
