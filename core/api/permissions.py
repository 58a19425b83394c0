"""Who is calling (``client_of``) and what they may do (``ApiAccess``).

Tenancy is enforced at the query (``ApiViewMixin.get_queryset`` narrows every queryset
of a company key to its company, so foreign objects are 404); this module decides the
*actions*: company keys may only run the actions a view lists in
``company_key_actions``; staff writes may be narrowed to roles with ``staff_write_roles``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.actors import is_api_key
from core.roles import has_staff_role


@dataclass(frozen=True)
class Client:
    """The authenticated caller: an API key or a staff user.

    ``api_key`` is the key row (``apikeys.ApiKey``, recognised by duck typing: core
    imports no app above it)."""

    ident: str  # "key:<id>" or "user:<id>": idempotency and throttling are per client
    api_key: Any = None
    user: object | None = None

    @property
    def company(self):
        return self.api_key.company if self.api_key is not None else None

    @property
    def company_id(self):
        return self.api_key.company_id if self.api_key is not None else None

    @property
    def is_company(self) -> bool:
        return self.company_id is not None

    @property
    def is_seller(self) -> bool:
        """Seller keys and staff see and change everything."""
        return not self.is_company

    @property
    def rate_scope(self) -> str:
        if self.api_key is not None:
            return "company" if self.is_company else "seller"
        return "staff"


def client_of(request) -> Client | None:
    cached = getattr(request, "_api_client", None)
    if cached is not None:
        return cached
    auth = getattr(request, "auth", None)
    user = getattr(request, "user", None)
    if is_api_key(auth):
        client = Client(ident=f"key:{auth.pk}", api_key=auth)
    elif user is not None and user.is_authenticated and user.is_active and user.is_staff:
        client = Client(ident=f"user:{user.pk}", user=user)
    else:
        return None
    request._api_client = client
    return client


class ApiAccess(BasePermission):
    """API keys and active staff; company keys only for ``view.company_key_actions``."""

    message = _("You do not have permission to perform this action.")

    def has_permission(self, request, view):
        client = client_of(request)
        if client is None:
            return False
        if client.is_company:
            allowed = getattr(view, "company_key_actions", ("list", "retrieve"))
            # Object actions are decided in has_object_permission, after the lookup,
            # so another company's object is a 404 rather than a 403.
            # The API root (DRF's APIRootView) has no action: its index is public.
            action = getattr(view, "action", None)
            if action is not None and not getattr(view, "detail", False) and action not in allowed:
                return False
        elif client.user is not None and request.method not in SAFE_METHODS:
            roles = getattr(view, "staff_write_roles", ())
            if roles and not has_staff_role(client.user, *roles):
                return False
        return True

    def has_object_permission(self, request, view, obj):
        client = client_of(request)
        if client is not None and client.is_company:
            allowed = getattr(view, "company_key_actions", ("list", "retrieve"))
            return getattr(view, "action", None) in allowed
        return True


class SellerOnly(ApiAccess):
    """Seller keys and staff only (company keys: 403)."""

    def has_permission(self, request, view):
        client = client_of(request)
        if client is not None and client.is_company:
            return False
        return super().has_permission(request, view)
