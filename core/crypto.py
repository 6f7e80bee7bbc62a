"""Credentials at rest: MultiFernet, so keys can rotate without re-entering passwords.

``FIELD_ENCRYPTION_KEY`` holds one or more comma-separated Fernet keys (newest first). Without
it, a key is derived from SECRET_KEY (development only; production refuses to start).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: str, secret_key: str) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])
    digest = hashlib.sha256(b"jengu-field-encryption:" + secret_key.encode()).digest()
    return MultiFernet([Fernet(base64.urlsafe_b64encode(digest))])


def fernet() -> MultiFernet:
    return _fernet(settings.FIELD_ENCRYPTION_KEY, settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    return PREFIX + fernet().encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("stored credential cannot be decrypted with FIELD_ENCRYPTION_KEY") from exc


class EncryptedTextField(models.TextField):
    """Encrypted in the database, plain text on the model instance. Never put it in an API."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        return decrypt(value) if value else ""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""

    def value_to_string(self, obj: Any) -> str:
        # Serialisation (dumpdata, fixtures) carries the ciphertext, never the password.
        value = self.value_from_object(obj)
        return encrypt(str(value)) if value else ""

    def to_python(self, value: Any) -> Any:
        # Loading a fixture hands back what value_to_string wrote: decrypt it once here, so the
        # save encrypts it once (and not the ciphertext a second time).
        return decrypt(value) if isinstance(value, str) and value.startswith(PREFIX) else value
