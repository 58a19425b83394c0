"""The only code that creates or changes webhook subscriptions and deliveries.

Deliveries follow the Standard Webhooks specification: ``webhook-id`` is the outbox
event id (stable across retries), ``webhook-timestamp`` the attempt's unix time and
``webhook-signature`` is made by the ``standardwebhooks`` package.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import random
import secrets
import socket
import sys
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from standardwebhooks import Webhook
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from core import audit
from core.actors import Actor
from core.errors import DomainError
from core.messages import Msg
from core.models import OutboxEvent

from . import permissions
from .events import EventType
from .models import Attempt, Delivery, DeliveryStatus, Subscription

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_MIN_BYTES, SECRET_MAX_BYTES = 24, 64
# While one worker sends a delivery, nobody else picks it up.
SEND_LEASE = timedelta(minutes=5)
FIRST_RETRY_SECONDS = 30
MAX_RETRY_DELAY = timedelta(hours=6)
EXCERPT_BYTES = 2048
USER_AGENT = "Mayorista-Webhooks/1.0"


class WebhookUrlNotAllowed(DomainError):
    code = "webhook_url_not_allowed"

    def __init__(self, message):
        super().__init__(message, fields={"url": [message]})


# --- secrets and URLs -----------------------------------------------------------------


def generate_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def check_secret(secret: str) -> str:
    """The secret if it is ``whsec_`` + base64 of 24 to 64 bytes; a DomainError if not."""
    message = _("The secret must be 'whsec_' followed by the base64 of 24 to 64 random bytes.")
    if not secret.startswith(SECRET_PREFIX):
        raise DomainError(message, code="validation_error", fields={"secret": [message]})
    try:
        raw = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except ValueError as exc:
        raise DomainError(message, code="validation_error", fields={"secret": [message]}) from exc
    if not SECRET_MIN_BYTES <= len(raw) <= SECRET_MAX_BYTES:
        raise DomainError(message, code="validation_error", fields={"secret": [message]})
    return secret


# Wrappers whose meaning is the IPv4 address they embed in their last 32 bits:
# IPv4-mapped (::ffff:0:0/96) and the NAT64 well-known prefix (64:ff9b::/96, RFC 6052).
_IPV4_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Local-use NAT64 (RFC 8215) translates for the operator's own network: never public.
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
# IPv4-compatible addresses (::a.b.c.d, deprecated by RFC 4291).
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def _ipv4_is_public(ip: ipaddress.IPv4Address) -> bool:
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or ip in _CGNAT
        or not ip.is_global
    )


def _ipv6_is_public(ip: ipaddress.IPv6Address) -> bool:
    if ip in _IPV4_MAPPED or ip in _NAT64:
        return _ipv4_is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip in _NAT64_LOCAL or ip in _IPV4_COMPATIBLE:
        return False
    if (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_site_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return False
    # 6to4 (2002::/16) and Teredo (2001::/32) carry IPv4 addresses: check those too.
    embedded = [ip.sixtofour] if ip.sixtofour is not None else []
    embedded += list(ip.teredo or ())
    return all(_ipv4_is_public(v4) for v4 in embedded)


def _is_public(address: str) -> bool:
    """True for a globally reachable unicast address (IPv4 or IPv6, with any IPv4 it
    embeds checked as well); False for anything else, unparsable included."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv4Address):
        return _ipv4_is_public(ip)
    return _ipv6_is_public(ip)


def _url_host(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; WebhookUrlNotAllowed if it is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookUrlNotAllowed(_("Enter a valid URL.")) from exc
    if parts.scheme not in ("http", "https"):
        raise WebhookUrlNotAllowed(_("Only http and https URLs are allowed."))
    if not parts.hostname:
        raise WebhookUrlNotAllowed(_("Enter a valid URL."))
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve_destination(url: str, *, allow_private: bool) -> list[tuple[int, tuple]]:
    """Resolve the URL's host once: its ``(family, sockaddr)`` addresses, every one of
    them public unless ``allow_private``. The delivery connects to these very addresses,
    so a second lookup (DNS rebinding) cannot swap in another one."""
    _scheme, host, port = _url_host(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise WebhookUrlNotAllowed(_("The URL's host cannot be resolved.")) from exc
    addresses = [
        (family, sockaddr)
        for family, _type, _proto, _name, sockaddr in infos
        if family in (socket.AF_INET, socket.AF_INET6)
    ]
    if not addresses:
        raise WebhookUrlNotAllowed(_("The URL's host cannot be resolved."))
    if not allow_private and not all(_is_public(str(sockaddr[0])) for _f, sockaddr in addresses):
        raise WebhookUrlNotAllowed(
            _("The URL's host resolves to a loopback, private or link-local address.")
        )
    return list(dict.fromkeys(addresses))


def check_url(url: str) -> str:
    """Refuse non-http(s) URLs and, unless ``WEBHOOK_ALLOW_PRIVATE_URLS``, hosts that
    resolve to loopback, private, link-local or otherwise non-public addresses."""
    _url_host(url)
    if not settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        resolve_destination(url, allow_private=False)
    return url


def _clean_events(events) -> list[str]:
    valid = set(EventType.values)
    cleaned = []
    for event in events or []:
        if event not in valid:
            message = _("Unknown event type: %(event)s") % {"event": event}
            raise DomainError(message, code="validation_error", fields={"events": [message]})
        if event not in cleaned:
            cleaned.append(event)
    if not cleaned:
        message = _("Choose at least one event.")
        raise DomainError(message, code="validation_error", fields={"events": [message]})
    return cleaned


# --- subscriptions --------------------------------------------------------------------

#: What the audit trail records of a subscription. The signing secret is never among
#: them (its ciphertext is no business of a trail): a new one shows as "***".
AUDITED_FIELDS = [
    "url",
    "events",
    "description",
    "active",
    "disabled_at",
    "disabled_reason",
    "disabled_message",
]
SECRET_CHANGED = [audit.MASK, audit.MASK]


@transaction.atomic
def create_subscription(
    *,
    actor: Actor,
    url: str,
    events: list[str],
    secret: str | None = None,
    description: str = "",
) -> Subscription:
    """Subscribe ``url`` to ``events``; without a ``secret`` one is generated (the caller
    shows it once)."""
    permissions.ensure_can_manage(actor)
    subscription = Subscription(
        url=check_url(url),
        events=_clean_events(events),
        secret=check_secret(secret) if secret else generate_secret(),
        description=description,
    )
    subscription.full_clean()
    subscription.save()
    entry = audit.record_created(actor=actor, instance=subscription, fields=AUDITED_FIELDS)
    entry.changes["secret"] = [None, audit.MASK]
    entry.save(update_fields=["changes"])
    return subscription


@transaction.atomic
def rotate_subscription_secret(
    *, subscription: Subscription, actor: Actor, secret: str | None = None
) -> Subscription:
    """Give a subscription a new signing secret (``secret``, or a generated one that the
    caller shows once); deliveries sent from now on are signed with it."""
    permissions.ensure_can_manage(actor)
    before = audit.snapshot(subscription, fields=AUDITED_FIELDS)
    subscription.secret = check_secret(secret) if secret else generate_secret()
    subscription.save(update_fields=["secret_encrypted", "updated_at"])
    audit.record_change(
        actor=actor, instance=subscription, before=before, extra={"secret": SECRET_CHANGED}
    )
    return subscription


@transaction.atomic
def delete_subscription(*, subscription: Subscription, actor: Actor) -> None:
    """Remove a subscription with its delivery log."""
    permissions.ensure_can_manage(actor)
    audit.record_deleted(actor=actor, instance=subscription, fields=AUDITED_FIELDS)
    subscription.delete()


@transaction.atomic
def set_subscription_active(
    *, subscription: Subscription, active: bool, actor: Actor
) -> Subscription:
    """Enable (clearing the failure streak) or disable a subscription by hand."""
    permissions.ensure_can_manage(actor)
    before = audit.snapshot(subscription, fields=AUDITED_FIELDS)
    subscription.active = active
    if active:
        subscription.failing_since = None
        subscription.disabled_at = None
        subscription.disabled_reason = ""
        subscription.disabled_message = {}
    else:
        subscription.disabled_at = timezone.now()
        subscription.disabled_reason = ""
        subscription.disabled_message = Msg("webhook.disabled_by_staff").stored
    subscription.save()
    audit.record_change(actor=actor, instance=subscription, before=before)
    return subscription


def _disable_failing(subscription_id: int) -> bool:
    """Disable a subscription failing for WEBHOOK_DISABLE_AFTER_DAYS; tell staff once."""
    now = timezone.now()
    limit = now - timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS)
    with transaction.atomic():
        disabled = Subscription.objects.filter(
            pk=subscription_id, active=True, failing_since__lte=limit
        ).update(
            active=False,
            disabled_at=now,
            disabled_reason="",
            disabled_message=Msg(
                "webhook.disabled_failing", days=settings.WEBHOOK_DISABLE_AFTER_DAYS
            ).stored,
            updated_at=now,
        )
        if disabled:
            # Only an active subscription is disabled here; enabling one clears both.
            audit.record_change(
                actor=None,
                instance=Subscription.objects.get(pk=subscription_id),
                before={
                    "active": True,
                    "disabled_at": None,
                    "disabled_reason": "",
                    "disabled_message": {},
                },
            )
            Delivery.objects.filter(
                subscription_id=subscription_id, status=DeliveryStatus.PENDING
            ).update(
                status=DeliveryStatus.FAILED,
                next_attempt_at=None,
                last_error=_("Subscription disabled"),
                updated_at=now,
            )
            from core import outbox

            from .events import SUBSCRIPTION_DISABLED

            outbox.publish(SUBSCRIPTION_DISABLED, {"subscription_id": subscription_id})
    return bool(disabled)


# --- deliveries -----------------------------------------------------------------------


def event_body(event: OutboxEvent) -> str:
    """The JSON document delivered for an event: ``{id, type, created_at, data}``."""
    return json.dumps(
        {
            "id": str(event.pk),
            "type": event.event_type,
            "created_at": event.created_at.isoformat(),
            "data": event.payload,
        },
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def enqueue_deliveries(event: OutboxEvent) -> list[Delivery]:
    """One delivery per active subscription that wants the event (outbox consumer)."""
    subscriptions = [
        s for s in Subscription.objects.filter(active=True) if s.wants(event.event_type)
    ]
    if not subscriptions:
        return []
    body = event_body(event)
    now = timezone.now()
    created = []
    for subscription in subscriptions:
        delivery, was_created = Delivery.objects.get_or_create(
            subscription=subscription,
            event_id=event.pk,
            defaults={"event_type": event.event_type, "body": body, "next_attempt_at": now},
        )
        if was_created:
            created.append(delivery)
    from .tasks import deliver_webhook

    for delivery in created:
        delivery_id = delivery.pk
        transaction.on_commit(lambda d=delivery_id: deliver_webhook.delay(d), robust=True)
    return created


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff (30 s, 1 min, 2 min ... up to 6 h) with +-20 % jitter."""
    base = min(MAX_RETRY_DELAY.total_seconds(), FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1))
    return timedelta(seconds=base * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not crypto


def signed_headers(subscription: Subscription, delivery: Delivery, at: datetime) -> dict[str, str]:
    msg_id = str(delivery.event_id)
    signature = Webhook(subscription.secret).sign(msg_id=msg_id, timestamp=at, data=delivery.body)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


def _host_key(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


class _PinnedConnectionMixin:
    """A urllib3 connection that connects to addresses resolved (and checked) earlier
    instead of looking the host up again. The Host header, TLS SNI and certificate
    verification still use the URL's hostname: only the socket's target is fixed."""

    pinned_host = ""
    pinned_addresses: tuple = ()

    def _new_conn(self) -> socket.socket:
        if _host_key(self.host) != self.pinned_host:
            raise NewConnectionError(self, f"Refusing to connect to unchecked host {self.host}")
        error: Exception = NewConnectionError(self, "No address to connect to")
        for family, sockaddr in self.pinned_addresses:
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                if self.timeout is None or isinstance(self.timeout, int | float):
                    sock.settimeout(self.timeout)
                if self.source_address:
                    sock.bind(self.source_address)
                sock.connect(sockaddr)
            except TimeoutError as exc:
                sock.close()
                error = ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
                )
                error.__cause__ = exc
            except OSError as exc:
                sock.close()
                error = NewConnectionError(self, f"Failed to establish a new connection: {exc}")
                error.__cause__ = exc
            else:
                sys.audit("http.client.connect", self, self.host, self.port)
                return sock
        raise error


def pinned_adapter(url: str, addresses: list[tuple[int, tuple]]) -> HTTPAdapter:
    """A requests transport adapter that sends to ``url``'s host only, over ``addresses``
    (from :func:`resolve_destination`)."""
    host = _host_key(urlsplit(url).hostname or "")

    class Connection(_PinnedConnectionMixin, HTTPConnection):
        pinned_host = host
        pinned_addresses = tuple(addresses)

    class SecureConnection(_PinnedConnectionMixin, HTTPSConnection):
        pinned_host = host
        pinned_addresses = tuple(addresses)

    class Pool(HTTPConnectionPool):
        ConnectionCls = Connection

    class SecurePool(HTTPSConnectionPool):
        ConnectionCls = SecureConnection

    adapter = HTTPAdapter(max_retries=0)
    adapter.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": SecurePool}
    return adapter


def _post(url: str, body: str, headers: dict) -> tuple[int | None, str, str]:
    """POST without following redirects; returns (status, response excerpt, error).

    The host is resolved once; unless ``WEBHOOK_ALLOW_PRIVATE_URLS`` every address must
    be public, and the request goes to those addresses (no second lookup)."""
    timeout = settings.WEBHOOK_TIMEOUT
    session = requests.Session()
    session.trust_env = False  # no proxies or netrc from the environment
    try:
        prepared = session.prepare_request(
            requests.Request("POST", url, data=body.encode("utf-8"), headers=headers)
        )
        # The host as requests sends it (IDNA-encoded), resolved and checked once.
        addresses = resolve_destination(
            prepared.url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE_URLS
        )
        adapter = pinned_adapter(prepared.url, addresses)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        with session.send(
            prepared,
            timeout=(min(5.0, timeout), timeout),
            allow_redirects=False,
            stream=True,
        ) as response:
            raw = response.raw.read(EXCERPT_BYTES, decode_content=True) or b""
            excerpt = raw.decode("utf-8", "replace").replace("\x00", "")
            return response.status_code, excerpt, ""
    except WebhookUrlNotAllowed as exc:
        return None, "", str(exc.message)
    except requests.RequestException as exc:
        return None, "", f"{type(exc).__name__}: {exc}"[:500]
    except Exception as exc:  # urllib3 decoding errors and the like
        return None, "", f"{type(exc).__name__}: {exc}"[:500]
    finally:
        session.close()


def attempt_delivery(delivery_id: int) -> Delivery | None:
    """Send one delivery now if it is due and nobody else is sending it.

    Success (2xx) ends it; anything else is logged and retried with backoff until
    ``WEBHOOK_RETRY_HOURS`` after the event, then the delivery is marked failed.
    """
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(next_attempt_at=now + SEND_LEASE)
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    if not subscription.active:
        Delivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED,
            next_attempt_at=None,
            last_error=_("Subscription disabled"),
            updated_at=now,
        )
        return delivery

    at = timezone.now()
    started = time.monotonic()
    status_code, excerpt, error = _post(
        subscription.url, delivery.body, signed_headers(subscription, delivery, at)
    )
    duration_ms = int((time.monotonic() - started) * 1000)
    succeeded = status_code is not None and 200 <= status_code < 300
    if status_code is not None and not succeeded and not error:
        error = _("HTTP %(status)s") % {"status": status_code}

    done_at = timezone.now()
    with transaction.atomic():
        Attempt.objects.create(
            delivery=delivery,
            attempted_at=at,
            status_code=status_code,
            response_excerpt=excerpt,
            error=error[:500],
            duration_ms=duration_ms,
        )
        delivery.attempts += 1
        delivery.last_status_code = status_code
        delivery.last_response = excerpt
        delivery.last_error = error[:500]
        if succeeded:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.delivered_at = done_at
            delivery.next_attempt_at = None
        elif done_at >= delivery.created_at + timedelta(hours=settings.WEBHOOK_RETRY_HOURS):
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = done_at + retry_delay(delivery.attempts)
        delivery.save()
        if succeeded:
            Subscription.objects.filter(pk=subscription.pk, failing_since__isnull=False).update(
                failing_since=None
            )
        else:
            Subscription.objects.filter(pk=subscription.pk, failing_since__isnull=True).update(
                failing_since=at
            )
    if not succeeded:
        _disable_failing(subscription.pk)
    return delivery


def due_deliveries(limit: int = 500) -> list[int]:
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def sweep() -> int:
    """Periodic: hand due deliveries to workers and disable long-failing subscriptions."""
    from .tasks import deliver_webhook

    for subscription_id in Subscription.objects.filter(
        active=True,
        failing_since__lte=timezone.now() - timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS),
    ).values_list("pk", flat=True):
        _disable_failing(subscription_id)
    count = 0
    for delivery_id in due_deliveries():
        deliver_webhook.delay(delivery_id)
        count += 1
    return count
