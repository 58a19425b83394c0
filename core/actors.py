"""Who does something: a staff user, a customer user, an API key, or the system.

Every write service takes ``actor`` as a keyword argument typed ``Actor`` and asks its
domain's ``permissions.py`` whether that actor may do it. ``core`` knows no domain
model, so an API key is recognised by its ``is_api_key`` attribute (the key model
defines it) rather than by its class.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from django.utils.translation import gettext as _

from .roles import has_staff_role


@runtime_checkable
class ApiKeyLike(Protocol):
    is_api_key: bool
    name: str
    company_id: int | None
    revoked_at: Any


#: ``None`` is the system itself (seed data, scheduled tasks, consumers).
Actor = Any


def is_api_key(actor) -> bool:
    return bool(getattr(actor, "is_api_key", False))


def is_system(actor) -> bool:
    return actor is None


def user_of(actor):
    """The person behind ``actor`` (None for an API key or the system)."""
    if actor is None or is_api_key(actor) or not getattr(actor, "pk", None):
        return None
    return actor


def key_of(actor):
    """The API key behind ``actor`` (None for a person or the system)."""
    return actor if is_api_key(actor) else None


def is_active_actor(actor) -> bool:
    """The system, an unrevoked key, or a signed-in active person."""
    if actor is None:
        return True
    if is_api_key(actor):
        return actor.revoked_at is None
    return bool(getattr(actor, "is_authenticated", False) and actor.is_active)


def is_staff_actor(actor) -> bool:
    """Active staff person (roles decide what they may do)."""
    user = user_of(actor)
    return bool(user is not None and is_active_actor(user) and user.is_staff)


def is_seller_actor(actor) -> bool:
    """The seller's side: the system, a seller-scoped key or active staff."""
    if actor is None:
        return True
    if is_api_key(actor):
        return actor.revoked_at is None and actor.company_id is None
    return is_staff_actor(actor)


def is_customer_actor(actor) -> bool:
    """A customer company acting: its user or its company-scoped key."""
    if actor is None:
        return False
    if is_api_key(actor):
        return actor.company_id is not None
    return getattr(actor, "company_id", None) is not None and not getattr(actor, "is_staff", False)


def company_id_of(actor) -> int | None:
    """The customer company ``actor`` acts for (None for the seller's side)."""
    return getattr(actor, "company_id", None) if is_customer_actor(actor) else None


def has_role(actor, *roles: str) -> bool:
    """Seller-side actor holding one of the staff ``roles``: the system and seller keys
    hold every role; staff hold their groups' roles."""
    if actor is None:
        return True
    if is_api_key(actor):
        return is_seller_actor(actor)
    return has_staff_role(actor, *roles)


def actor_label(actor) -> str:
    """Who did it, as people read it in histories and audit trails."""
    if actor is None:
        return _("System")
    if is_api_key(actor):
        return _("API client %(name)s") % {"name": actor.name}
    return str(actor)
