"""Salted hashes of erased addresses: sha256 over the database's salt + the normalised value.

The salt is one row (``SuppressionSalt``, pk 1) created on first use. It is not derived from
SECRET_KEY, so rotating the key keeps every erased person suppressed.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import IntegrityError, transaction

from compliance.models import SuppressionSalt

SALT_PK = 1


def existing_salt() -> str | None:
    """The salt, or None when nothing was ever hashed (then no hash can match: a read never
    creates it)."""
    return SuppressionSalt.objects.filter(pk=SALT_PK).values_list("salt", flat=True).first()


def salt() -> str:
    found = existing_salt()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return SuppressionSalt.objects.create(pk=SALT_PK, salt=secrets.token_hex(32)).salt
    except IntegrityError:  # another process made it first: theirs is the salt
        return SuppressionSalt.objects.get(pk=SALT_PK).salt


def normalise_email(email: str) -> str:
    return email.strip().lower()


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def digest(value: str, *, with_salt: str | None = None) -> str:
    value = value.strip().lower()
    return hashlib.sha256(((with_salt or salt()) + value).encode()).hexdigest() if value else ""


def email_digest(email: str) -> str:
    return digest(normalise_email(email))


def domain_digest(email_or_domain: str) -> str:
    return digest(domain_of(email_or_domain) if "@" in email_or_domain else email_or_domain)
