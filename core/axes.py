"""Sign-in limits on top of django-axes.

django-axes locks out per combination of ``AXES_LOCKOUT_PARAMETERS`` (here: email and
address together), but with one failure limit and one cool-off for every combination
(``AXES_FAILURE_LIMIT``, ``AXES_COOLOFF_TIME``). This handler keeps that lockout and adds
two wider caps, each with its own limit and cool-off:

- per address, across every email (``LOGIN_FAILURE_LIMIT_PER_IP`` failures within
  ``LOGIN_COOLOFF_HOURS_PER_IP``): one address trying many accounts;
- per account, across every address (``LOGIN_FAILURE_LIMIT_PER_ACCOUNT`` within
  ``LOGIN_COOLOFF_HOURS_PER_ACCOUNT``): one account tried from many addresses. Higher
  and shorter, so that others' failures lock a real user out for minutes only.

They count axes' failure log (one row per failed password check) over a sliding window:
an address or account with ``limit`` failures in the last cool-off is refused until the
oldest of them is older than that. Refused attempts check no password and are not
logged (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``), so one address adds
at most ``LOGIN_FAILURE_LIMIT`` failures to an account per cool-off: one attacker alone
cannot lock a real user out.
"""

import ipaddress
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.utils import timezone


def client_ip_address(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind our proxy (``TRUST_PROXY_HEADERS``)
    the address the proxy saw, the last ``X-Forwarded-For`` entry (the one it wrote)."""
    remote = request.META.get("REMOTE_ADDR")
    if not settings.TRUST_PROXY_HEADERS:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return remote


def client_username(request, credentials=None) -> str | None:
    """The email signing in, in lower case as stored: ``Buyer@x`` and ``buyer@x`` are one
    account to every limit (otherwise changing the case would dodge them)."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return value.strip().lower() if isinstance(value, str) else value


def wider_caps() -> list[tuple[str, int, float]]:
    """(field of the failure log, limit, cool-off in hours); a limit of 0 is off."""
    return [
        ("ip_address", settings.LOGIN_FAILURE_LIMIT_PER_IP, settings.LOGIN_COOLOFF_HOURS_PER_IP),
        (
            "username",
            settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT,
            settings.LOGIN_COOLOFF_HOURS_PER_ACCOUNT,
        ),
    ]


class TieredAxesHandler(AxesDatabaseHandler):
    def exceeded_cap(self, request, credentials=None) -> str | None:
        """The wider cap this request's address or account has reached, if any."""
        values = {
            "ip_address": getattr(request, "axes_ip_address", None),
            "username": get_client_username(request, credentials),
        }
        now = timezone.now()
        for field, limit, hours in wider_caps():
            if limit <= 0 or not values[field]:
                continue
            recent = AccessFailureLog.objects.filter(
                **{field: values[field]}, attempt_time__gte=now - timedelta(hours=hours)
            )
            if recent.count() >= limit:
                return field
        return None

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or (
            self.exceeded_cap(request, credentials) is not None
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_whitelisted(request, credentials):
            return
        # The failure just logged may be the one that reaches a cap: refuse at once, as
        # axes does for the pair lockout.
        if self.exceeded_cap(request, credentials) is not None:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
