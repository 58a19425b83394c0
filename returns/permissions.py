"""Who may do what with returns (the roles each action needs are in its declaration,
``returns/actions.py``).

- Customer service authorizes, rejects and resolves; the warehouse receives and
  inspects; managers (and seller keys, and the system) do everything.
- A customer (a portal user whose role may order, or a company key) requests returns
  for its own company's orders, adds evidence to them and cancels them while allowed;
  it never sees another company's returns.
- Staff request returns on a customer's behalf (customer service, managers) and may
  override an eligibility refusal with a note.
- Store credit is applied to an order by customer service, managers, and the
  company's buyers for their own orders.
"""

from __future__ import annotations

from core.actors import company_id_of, has_role, is_active_actor, is_api_key, is_customer_actor
from core.roles import StaffRole

CS, WH, MGR = StaffRole.CUSTOMER_SERVICE, StaffRole.WAREHOUSE, StaffRole.MANAGER
#: Customer service: authorize, reject, resolve, requests on behalf, overrides.
SERVICE = (CS, MGR)
#: The warehouse: receive and inspect.
WAREHOUSE = (WH, MGR)
ANY_STAFF = (CS, WH, MGR)


def customer_may_return(actor) -> bool:
    """A company key, or a portal user whose company role may order."""
    return is_api_key(actor) or bool(getattr(actor, "can_order", False))


def owns(actor, *, roles: tuple[str, ...], customer: bool, company_id) -> bool:
    if not is_active_actor(actor):
        return False
    if is_customer_actor(actor):
        return customer and company_id_of(actor) == company_id and customer_may_return(actor)
    return has_role(actor, *roles)


def owns_action(actor, action, ret) -> bool:
    """``core.actions`` asks this for every declared return action."""
    return owns(actor, roles=action.roles, customer=action.customer, company_id=ret.company_id)


def may_request(actor, *, company_id) -> bool:
    return owns(actor, roles=SERVICE, customer=True, company_id=company_id)


def may_override(actor) -> bool:
    """Accept a refused line despite the policy (staff of customer service, managers)."""
    return not is_customer_actor(actor) and owns(
        actor, roles=SERVICE, customer=False, company_id=None
    )


def may_view(actor, ret) -> bool:
    if not is_active_actor(actor):
        return False
    if is_customer_actor(actor):
        return company_id_of(actor) == ret.company_id
    return has_role(actor, *ANY_STAFF)


def may_add_attachment(actor, ret) -> bool:
    return owns(actor, roles=ANY_STAFF, customer=True, company_id=ret.company_id)


def may_apply_store_credit(actor, *, company_id) -> bool:
    return owns(actor, roles=SERVICE, customer=True, company_id=company_id)


def may_edit_reasons(actor) -> bool:
    """The reasons and their rules: managers (and the system)."""
    return not is_customer_actor(actor) and owns(
        actor, roles=(MGR,), customer=False, company_id=None
    )
