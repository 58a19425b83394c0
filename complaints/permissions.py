"""Who may do what with complaints (the roles each action needs are in its declaration,
``complaints/actions.py``).

- Customer service analyses, decides, resolves, assigns, writes to the customer, files
  carrier and supplier claims; managers (and seller keys, and the system) do
  everything, including the SLA targets and the deadline rules.
- A customer (a portal user whose role may order, or a company key) files complaints
  for its own company, replies, adds evidence, accepts or disputes the resolution and
  rates the handling; it never sees another company's complaints nor any internal
  note. A viewer reads its company's complaints and writes nothing.
- Every staff role reads complaints (the warehouse sees what went wrong in shipping).
"""

from __future__ import annotations

from core.actors import company_id_of, has_role, is_active_actor, is_api_key, is_customer_actor
from core.roles import StaffRole

CS, WH, MGR = StaffRole.CUSTOMER_SERVICE, StaffRole.WAREHOUSE, StaffRole.MANAGER
#: Customer service: analysis, decision, resolution, claims, messages.
SERVICE = (CS, MGR)
MANAGERS = (MGR,)
ANY_STAFF = (CS, WH, MGR)


def customer_may_write(actor) -> bool:
    """A company key, or a portal user whose company role may order (not a viewer)."""
    return is_api_key(actor) or bool(getattr(actor, "can_order", False))


def owns(actor, *, roles: tuple[str, ...], customer: bool, company_id) -> bool:
    if not is_active_actor(actor):
        return False
    if is_customer_actor(actor):
        return customer and company_id_of(actor) == company_id and customer_may_write(actor)
    return bool(roles) and has_role(actor, *roles)


def owns_action(actor, action, complaint) -> bool:
    """``core.actions`` asks this for every declared complaint action."""
    return owns(
        actor, roles=action.roles, customer=action.customer, company_id=complaint.company_id
    )


def may_file(actor, *, company_id) -> bool:
    return owns(actor, roles=SERVICE, customer=True, company_id=company_id)


def may_view(actor, complaint) -> bool:
    if not is_active_actor(actor):
        return False
    if is_customer_actor(actor):
        return company_id_of(actor) == complaint.company_id
    return has_role(actor, *ANY_STAFF)


def sees_internal(actor) -> bool:
    """Internal notes and internal evidence: the seller's side only."""
    return not is_customer_actor(actor) and is_active_actor(actor) and has_role(actor, *ANY_STAFF)


def may_write_internal(actor) -> bool:
    return not is_customer_actor(actor) and owns(
        actor, roles=ANY_STAFF, customer=False, company_id=None
    )


def may_edit_settings(actor) -> bool:
    """SLA targets and deadline rules: managers (and the system, seller keys)."""
    return not is_customer_actor(actor) and owns(
        actor, roles=MANAGERS, customer=False, company_id=None
    )
