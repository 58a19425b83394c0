"""Encryption at rest for the few secrets the application must read back.

Webhook signing secrets are needed in clear to sign each delivery, so they cannot be
hashed like API keys; they are stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256,
from PyCA's ``cryptography``). The keys are derived from Django's ``SECRET_KEY`` and
``SECRET_KEY_FALLBACKS``: a new value is encrypted with the current key, and a value
encrypted with a fallback still decrypts. After rotating ``SECRET_KEY`` (the old one in
``SECRET_KEY_FALLBACKS``), ``manage.py reencrypt_secrets`` moves every stored value to
the new key, after which the fallback can go.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "reencrypt"]

_INFO = b"mayorista: data at rest"


def _key(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_key(key) for key in keys])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The clear value; ``InvalidToken`` if no current or fallback key opens it."""
    return _fernet().decrypt(token.encode("ascii")).decode()


def reencrypt(token: str) -> str:
    """``token`` encrypted again with the current key."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")
