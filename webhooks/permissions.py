"""Who may manage webhook subscriptions: managers, seller keys and the system (the
services call ``ensure_can_manage``; the faces answer 403 early for a friendly page).
Company keys and customer users never (API.md: seller keys only)."""

from __future__ import annotations

from core.actors import Actor, has_role
from core.errors import NotAllowed
from core.roles import StaffRole

#: Staff roles that manage the webhook subscriptions.
MANAGERS = (StaffRole.MANAGER,)


def can_manage(actor: Actor) -> bool:
    return has_role(actor, *MANAGERS)


def ensure_can_manage(actor: Actor) -> None:
    if not can_manage(actor):
        raise NotAllowed()
