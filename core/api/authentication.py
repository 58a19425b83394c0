"""Staff sessions (with CSRF) for the browsable API.

Machine clients authenticate with ``Authorization: Api-Key <key>``: that class lives
with the key model in ``apikeys.authentication`` (``core`` knows no key model; it
recognises a key by duck typing, ``core.actors.is_api_key``).
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication


class StaffSessionAuthentication(authentication.SessionAuthentication):
    """Browser sessions of staff only (CSRF enforced); customer users use the portal."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if not (user.is_active and user.is_staff):
            return None
        return result


class StaffSessionScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.StaffSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
