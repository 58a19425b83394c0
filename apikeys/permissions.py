"""Who may mint and revoke API keys: managers (and the system, e.g. the
``create_api_key`` command). No API key manages keys."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.actors import has_role, is_api_key
from core.errors import NotAllowed
from core.roles import StaffRole


def may_manage_keys(actor) -> bool:
    return not is_api_key(actor) and has_role(actor, StaffRole.MANAGER)


def check_may_manage_keys(actor) -> None:
    if not may_manage_keys(actor):
        raise NotAllowed(_("Only managers may create or revoke API keys."))
