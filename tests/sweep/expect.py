"""What a persona should get from a URL: the declaration type and the per-face defaults.

Outcomes: ``LOGIN`` (a redirect to the face's sign-in page), ``OK`` (let through: a
2xx, a redirect elsewhere, or the 400/409 a body-less request earns), or an exact
status code (200, 401, 403, 404, 405).
"""

from __future__ import annotations

from .routes import Route
from .world import GROUPS, PERSONAS

LOGIN = "login"
OK = "ok"
REFUSALS = (LOGIN, 401, 403, 404, 405)

#: URL kwargs that do not name an object of the owning company (so a foreign persona
#: may get its own page rather than a 404).
NOT_OWNED_KWARGS = {"step", "kind", "action", "uidb64", "token"}
#: Default world value for a URL kwarg (``pk`` always needs a declaration).
DEFAULT_KWARGS = {
    "address_pk": "address",
    "user_pk": "customer_user",
    "number": "order",
    "action": "order_action",
    "step": "checkout_step",
    "uidb64": "uidb64",
    "token": "token",
    "sku": "sku",
    "code": "warehouse_code",
    "subscription_id": "subscription",
}


def _refused_or(outcome, otherwise):
    return outcome if outcome in REFUSALS else otherwise


def face_defaults(face: str, owned: bool) -> tuple[dict, dict]:
    """(read, write) outcome per persona for a URL of ``face``; ``owned`` when its
    kwargs name an object of the owning company."""
    foreign = 404 if owned else None
    if face == "backoffice":
        read = dict.fromkeys(("anonymous", *GROUPS["keys"]), LOGIN)
        read.update(dict.fromkeys(GROUPS["customers"], 404))
        read.update(dict.fromkeys(GROUPS["staff"], 200))
        write = {p: _refused_or(o, OK) for p, o in read.items()}
    elif face == "portal":
        read = dict.fromkeys(("anonymous", *GROUPS["keys"]), LOGIN)
        read.update(dict.fromkeys(GROUPS["own_customers"], 200))
        read["other_user"] = foreign or 200
        read.update(dict.fromkeys(GROUPS["staff"], 404))
        write = {p: _refused_or(o, OK) for p, o in read.items()}
        write["viewer"] = 403
    elif face == "api":
        # Customer users have no API access: their session is not an API credential.
        read = dict.fromkeys(("anonymous", *GROUPS["customers"]), 401)
        read.update(dict.fromkeys(GROUPS["staff"], 200))
        read.update(seller_key=200, company_key=200, other_key=foreign or 200)
        write = {p: _refused_or(o, OK) for p, o in read.items()}
        write.update(company_key=403, other_key=foreign or 403)
    else:
        raise ValueError(face)
    return read, write


class Expect:
    """One URL's declaration: its kwargs (world names) and the outcomes that differ
    from its face's defaults.

    Keywords: a URL kwarg (``pk="company"``); a persona or group (``staff=403``,
    ``viewer=200``) for reads (and for writes too when it is a refusal); the same with
    ``_write`` (``buyer_write=OK``) for POST/PUT/PATCH/DELETE; ``list=<rows>`` marks a
    list page for the query budgets; ``owned=`` overrides whether the kwargs name an
    owner's object; ``query=`` a query string; ``data=`` the body of its writes (a valid
    one, so that a role check behind the form's validation is reached too).
    """

    def __init__(self, *, list=None, owned=None, query="", data=None, **options):
        self.list = list
        self.data = data or {}
        self.owned = owned
        self.query = query
        self.options = options

    def kwargs_for(self, route: Route, ids: dict) -> dict:
        kwargs = {}
        for name in route.kwargs:
            source = self.options.get(name, DEFAULT_KWARGS.get(name))
            if source is None:
                raise AssertionError(f"{route.name}: declare which object fills <{name}>")
            kwargs[name] = ids[source]
        return kwargs

    def check(self, route: Route) -> None:
        """Every keyword means something for this route."""
        known = set(PERSONAS) | set(GROUPS)
        for key in self.options:
            base = key.removesuffix("_write")
            if key not in route.kwargs and base not in known:
                raise AssertionError(f"{route.name}: unknown declaration keyword {key!r}")

    def outcomes(self, route: Route) -> tuple[dict, dict]:
        owned = self.owned
        if owned is None:
            owned = any(k not in NOT_OWNED_KWARGS for k in route.kwargs)
        read, write = face_defaults(route.face, owned)
        explicit_viewer_write = False
        for persona in PERSONAS:
            groups = [g for g, members in GROUPS.items() if persona in members]
            for key in (*groups, persona):  # the persona's own keyword wins
                if key in self.options:
                    value = self.options[key]
                    read[persona] = value
                    write[persona] = value if value in REFUSALS else OK
            for key in (*groups, persona):
                if f"{key}_write" in self.options:
                    write[persona] = self.options[f"{key}_write"]
                    explicit_viewer_write |= persona == "viewer"
        if route.face == "portal" and not explicit_viewer_write:
            write["viewer"] = _refused_or(write["viewer"], 403)
        return read, write
