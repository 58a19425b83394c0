"""``Authorization: Api-Key <key>`` for machine clients.

A key request's ``request.user`` is an ``ApiKeyUser`` (authenticated, not a database
user) and ``request.auth`` the ``ApiKey``. Services get ``actor=None`` for key requests
(see ``core.api.views.ApiViewMixin.actor``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiKey
from .services import key_for

KEYWORD = "api-key"


class ApiKeyUser:
    """Stands for the key's client in ``request.user``."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.company = api_key.company
        self.company_id = api_key.company_id

    def __str__(self):
        return str(self.api_key)

    def has_perm(self, perm, obj=None):
        return False


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request)
        if not header:
            return None
        try:
            scheme, _sep, raw_key = header.decode("latin-1").partition(" ")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes any byte
            return None
        if scheme.lower() != KEYWORD:
            return None
        raw_key = raw_key.strip()
        if not raw_key or " " in raw_key:
            raise exceptions.AuthenticationFailed(_("Invalid API key header."))
        api_key = key_for(raw_key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        return ApiKeyUser(api_key), api_key

    def authenticate_header(self, request):
        return "Api-Key"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "apikeys.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>` (create one with `manage.py create_api_key`).",
        }
