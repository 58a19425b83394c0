"""Who may do what with orders: the role rules (the roles each action needs are in its
declaration, ``orders/actions.py``).

``actor`` is a staff or customer user, an API key or None (the system: seed data,
tasks); see ``core.actors``.

- The seller's side (the system, a seller key, staff holding one of the action's
  roles) may do every declared action it holds the role for.
- A customer (a portal user whose role may order, or a company key) acts only on its
  own company's orders and only on actions declared ``customer=True``.
- Placing: customer service, manager, seller keys, and customers for their company.
- Coupons and carriers: customer service and manager (and the system).
"""

from __future__ import annotations

from core.actors import company_id_of, has_role, is_active_actor, is_api_key, is_customer_actor
from core.roles import StaffRole

CS, WH, MGR = StaffRole.CUSTOMER_SERVICE, StaffRole.WAREHOUSE, StaffRole.MANAGER
#: Customer service and managers: placing for customers, holds, payments, coupons...
EDITORS = (CS, MGR)
#: The warehouse's actions: shipping and delivering.
FULFILMENT = (WH, MGR)
ANY_STAFF = (CS, WH, MGR)


def customer_may_order(actor) -> bool:
    """A company key, or a portal user whose company role may place and cancel orders."""
    return is_api_key(actor) or bool(getattr(actor, "can_order", False))


def owns(actor, *, roles: tuple[str, ...], customer: bool, company_id) -> bool:
    """The role rule every orders action follows (see the module docstring)."""
    if not is_active_actor(actor):
        return False
    if is_customer_actor(actor):
        return customer and company_id_of(actor) == company_id and customer_may_order(actor)
    return has_role(actor, *roles)


def owns_action(actor, action, order) -> bool:
    """``core.actions`` asks this for every declared order action."""
    return owns(actor, roles=action.roles, customer=action.customer, company_id=order.company_id)


def may_place(actor, *, company_id) -> bool:
    return owns(actor, roles=EDITORS, customer=True, company_id=company_id)


def may_edit_catalog(actor) -> bool:
    """Coupons and carriers: customer service and managers."""
    return owns(actor, roles=EDITORS, customer=False, company_id=None)
