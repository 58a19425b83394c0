"""Every URL of the three faces, from the URL resolver, with the HTTP methods it serves.

The back-office (``backoffice:``) and the portal (``portal:``) by namespace; the API as
every pattern under ``/api/v1/`` (the DRF router's routes with the methods of their
viewset actions, plus the plain API views).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

WRITE_METHODS = ("post", "put", "patch", "delete")
METHODS = ("get", *WRITE_METHODS)
FACES = ("backoffice", "portal", "api")


@dataclass(frozen=True)
class Route:
    name: str  # what ``reverse`` takes: "portal:order_detail", "order-list"
    face: str  # "backoffice", "portal" or "api"
    pattern: str  # the joined route, for messages
    methods: tuple[str, ...]  # lower-case, of METHODS
    kwargs: tuple[str, ...]  # the URL's keyword arguments

    @property
    def reads(self) -> tuple[str, ...]:
        return tuple(m for m in self.methods if m == "get")

    @property
    def writes(self) -> tuple[str, ...]:
        return tuple(m for m in self.methods if m in WRITE_METHODS)

    @property
    def is_write_only(self) -> bool:
        return not self.reads


def _methods(pattern: URLPattern) -> tuple[str, ...]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset route: {"get": "list", "post": "create"}
        served = getattr(callback.cls, "http_method_names", METHODS)
        return tuple(m for m in METHODS if m in actions and m in served)
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ("get",)
    allowed = [m.lower() for m in getattr(view_class, "http_method_names", METHODS)]

    def served(method):
        handler = getattr(view_class, method, None)
        if handler is None or method not in allowed:
            return False
        # Django's FormView answers PUT as a POST: only methods the project wrote count.
        return method in ("get", "post") or not handler.__module__.startswith("django.")

    return tuple(m for m in METHODS if served(m))


def _walk(patterns, prefix: str, namespace: str | None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


_KWARG = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def _kwargs(joined: str) -> tuple[str, ...]:
    """The keyword arguments of the whole joined route (``<int:pk>``, ``(?P<sku>...)``)."""
    return tuple(a or b for a, b in _KWARG.findall(joined))


def all_routes() -> list[Route]:
    """Every named route of the three faces, in URLconf order (first of a repeated name)."""
    found: dict[str, Route] = {}
    for joined, namespace, pattern in _walk(get_resolver().url_patterns, "", None):
        path = re.sub(r"[\^$]", "", joined)
        if namespace in ("backoffice", "portal"):
            face = namespace
        elif namespace is None and path.startswith("api/v1/"):
            face = "api"
        else:
            continue
        if not pattern.name:
            raise AssertionError(f"/{path} has no URL name: the sweep cannot declare it")
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        found.setdefault(
            name,
            Route(
                name=name,
                face=face,
                pattern="/" + path,
                methods=_methods(pattern),
                kwargs=_kwargs(joined),
            ),
        )
    return list(found.values())
