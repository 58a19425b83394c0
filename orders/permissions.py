"""Who may do what with an order: the roles that own each action.

``actor`` is a ``customers.User`` (staff or customer user), a ``core.ApiKey`` or None
(the system: seed data, tasks). Services call ``ensure_allowed``; the faces call
``allowed`` to decide which buttons to show.

- place: customer service, manager; customer admin/buyer (own company); seller key;
  company key (own company).
- prepare, hold, release, record_payment: customer service, manager; seller key.
- ship, deliver: warehouse, manager; seller key.
- cancel: customer service, manager; seller key; customer admin/buyer and company key
  of the order's company while it is pendiente.
- add_note: any staff role; seller key.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apikeys.models import ApiKey
from core.roles import StaffRole, has_staff_role

from .models import OrderStatus

CS, WH, MGR = StaffRole.CUSTOMER_SERVICE, StaffRole.WAREHOUSE, StaffRole.MANAGER

STAFF_ROLES = {
    "place": (CS, MGR),
    "prepare": (CS, MGR),
    "ship": (WH, MGR),
    "deliver": (WH, MGR),
    "cancel": (CS, MGR),
    "hold": (CS, MGR),
    "release": (CS, MGR),
    "record_payment": (CS, MGR),
    "add_note": (CS, WH, MGR),
}
#: Actions a customer (portal user with an ordering role, or a company key) may do.
CUSTOMER_ACTIONS = ("place", "cancel")

ACTION_LABELS = {
    "place": _("Place order"),
    "prepare": _("Start preparation"),
    "ship": _("Ship"),
    "deliver": _("Mark delivered"),
    "cancel": _("Cancel"),
    "hold": _("Hold"),
    "release": _("Release hold"),
    "record_payment": _("Record payment"),
    "add_note": _("Add note"),
}


def is_customer_actor(actor) -> bool:
    if isinstance(actor, ApiKey):
        return actor.company_id is not None
    return actor is not None and getattr(actor, "company_id", None) is not None


def actor_company_id(actor):
    return getattr(actor, "company_id", None)


def allowed(actor, action: str, *, company_id=None, order=None) -> bool:
    """True when ``actor`` owns ``action`` (for ``order``'s or ``company_id``'s company).

    This is about roles only; whether the order's state allows it now is the state
    machine's business (``actions_now`` combines both for the UI).
    """
    if order is not None:
        company_id = order.company_id
    if actor is None:
        return True
    if isinstance(actor, ApiKey):
        if actor.revoked_at is not None:
            return False
        if actor.company_id is None:
            return True
        return action in CUSTOMER_ACTIONS and actor.company_id == company_id
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_staff:
        return has_staff_role(actor, *STAFF_ROLES.get(action, ()))
    if actor.company_id is None or actor.company_id != company_id:
        return False
    return action in CUSTOMER_ACTIONS and actor.can_order


def customer_cancel_window(order) -> bool:
    """Customers may cancel only while the order is pending."""
    return order.status == OrderStatus.PENDIENTE


def actions_now(order, actor, *, checks_passed: bool | None = None) -> set[str]:
    """The actions ``actor`` may do on ``order`` right now (role and state).

    ``prepare`` is included only when ``checks_passed`` is true (when given).
    """
    status = order.status
    possible = set()
    if status == OrderStatus.PENDIENTE and not order.on_hold and checks_passed is not False:
        possible.add("prepare")
    if status == OrderStatus.EN_PREPARACION and not order.on_hold:
        possible.add("ship")
    if status == OrderStatus.ENVIADO:
        possible.add("deliver")
    if status in (OrderStatus.PENDIENTE, OrderStatus.EN_PREPARACION):
        possible.add("cancel")
        possible.add("release" if order.on_hold else "hold")
    if status != OrderStatus.CANCELADO and order.amount_paid < order.total:
        possible.add("record_payment")
    possible.add("add_note")
    if is_customer_actor(actor) and not customer_cancel_window(order):
        possible.discard("cancel")
    return {action for action in possible if allowed(actor, action, order=order)}
