"""Secrets the app must use again later, kept encrypted in the database.

A webhook's signing secret cannot be hashed: every delivery needs it to compute the HMAC the
receiver checks. So it is encrypted with Fernet (AES-128-CBC with an HMAC-SHA256 tag) under a key
from the environment: `FACTCHECK_WEBHOOK_SECRET_KEYS`, or when that is unset a key derived from
`DJANGO_SECRET_KEY` (required anyway). A copy of the database alone then reveals no secret.

`FACTCHECK_WEBHOOK_SECRET_KEYS` holds one or more Fernet keys, newest first: the first encrypts,
all decrypt, so a key is rotated by putting the new one in front. Set it before ever rotating
`DJANGO_SECRET_KEY`, or the derived key changes and stored secrets can no longer be read.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.crypto import salted_hmac


def _keys() -> MultiFernet:
    configured = [key.strip() for key in settings.FACTCHECK_WEBHOOK_SECRET_KEYS if key.strip()]
    if not configured:
        derived = salted_hmac("factcheck.webhook-secrets", "", algorithm="sha256").digest()
        configured = [base64.urlsafe_b64encode(derived).decode("ascii")]
    try:
        return MultiFernet([Fernet(key) for key in configured])
    except ValueError as error:
        raise ImproperlyConfigured(
            "FACTCHECK_WEBHOOK_SECRET_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
            "comma-separated."
        ) from error


def encrypt(plaintext: str) -> str:
    return _keys().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _keys().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted with the configured keys: was DJANGO_SECRET_KEY or "
            "FACTCHECK_WEBHOOK_SECRET_KEYS changed without keeping the old key?"
        ) from error


class EncryptedTextField(models.TextField):
    """Plain text in Python, a Fernet token in the database (a new one on every save)."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else encrypt(value)
