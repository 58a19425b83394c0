"""Who may change customers' data. The services call the ``ensure_*`` functions (they
raise ``core.errors.NotAllowed``); the faces may call the ``can_*`` ones first, for a
friendly page or to decide which buttons to show.

- Company master data (create, change: credit limit, status, terms, discount...):
  customer service and managers; seller keys; the system. Customers never (their
  profile page is read-only and a company key may only read its record, API.md).
- Shipping addresses of a company: the same seller side, and the company's own active
  administrators (portal). Company keys have no address endpoint.
- Users of a company (invite, resend the invitation, change the role,
  deactivate/reactivate): the same seller side, and the company's own active
  administrators. Creating a user outright, which answers whether the email already
  has an account, is for the seller side only (a customer admin invites instead).
  Company keys: never.
- Timeline notes: any active staff member; seller keys; the system.

``actor`` is a ``customers.User`` (staff or customer user), an API key (anything with
``is_api_key``, see ``core.actors``) or None, the system.
"""

from __future__ import annotations

from core.actors import Actor, has_role, is_active_actor, is_seller_actor, user_of
from core.errors import NotAllowed
from core.roles import StaffRole

from .models import Company, CustomerRole

#: Staff roles that own customer master data, addresses and customer users.
EDITORS = (StaffRole.CUSTOMER_SERVICE, StaffRole.MANAGER)


def is_seller_editor(actor: Actor) -> bool:
    """The system, a seller key, or active staff of customer service or management."""
    return has_role(actor, *EDITORS)


def is_admin_of(actor: Actor, company: Company | int) -> bool:
    """An active administrator user of ``company`` (a company key is not a person)."""
    company_id = company if isinstance(company, int) else company.pk
    user = user_of(actor)
    return bool(
        user is not None
        and not user.is_staff
        and is_active_actor(user)
        and user.company_id == company_id
        and user.role == CustomerRole.ADMIN
    )


def can_edit_company(actor: Actor) -> bool:
    return is_seller_editor(actor)


def can_manage_addresses(actor: Actor, company: Company) -> bool:
    return is_seller_editor(actor) or is_admin_of(actor, company)


def can_manage_users(actor: Actor, company: Company) -> bool:
    return is_seller_editor(actor) or is_admin_of(actor, company)


def can_create_users(actor: Actor) -> bool:
    return is_seller_editor(actor)


def can_add_note(actor: Actor) -> bool:
    return is_seller_actor(actor)


def ensure_can_edit_company(actor: Actor) -> None:
    if not can_edit_company(actor):
        raise NotAllowed()


def ensure_can_manage_addresses(actor: Actor, company: Company) -> None:
    if not can_manage_addresses(actor, company):
        raise NotAllowed()


def ensure_can_manage_users(actor: Actor, company: Company) -> None:
    if not can_manage_users(actor, company):
        raise NotAllowed()


def ensure_can_create_users(actor: Actor) -> None:
    if not can_create_users(actor):
        raise NotAllowed()


def ensure_can_add_note(actor: Actor) -> None:
    if not can_add_note(actor):
        raise NotAllowed()
