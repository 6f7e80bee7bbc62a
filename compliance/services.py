"""Compliance rules: who may never be emailed, and the one-click unsubscribe links (RFC 8058).

Every sender and importer asks here. What a suppression does to running sequences is the
business of the app that runs them (``outreach.services.suppress`` wraps ``suppression_add``).
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from compliance import hashing
from compliance.models import Suppression, UnsubscribeToken
from core.errors import JenguError

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")  # what unsubscribe_token_for makes, with margin


def _domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def is_suppressed(email: str) -> Suppression | None:
    """The suppression that covers this address (its own row, its domain's, or the salted hash
    of an erased address), if any."""
    if not email.strip():
        return None
    return Suppression.objects.filter(suppression_find_q(email)).first()


def is_erased(email: str) -> bool:
    """The address belongs to an erased person: it must never be stored again."""
    return bool(erased_among([email]))


def erased_among(emails: list[str]) -> set[str]:
    """The addresses of ``emails`` (lower-cased) that belong to an erased person: one query."""
    salt = hashing.existing_salt()
    wanted = {e.strip().lower() for e in emails if e and e.strip()}
    if salt is None or not wanted:
        return set()
    by_hash = {hashing.digest(e, with_salt=salt): e for e in wanted}
    found = Suppression.objects.filter(email_hash__in=list(by_hash)).values_list(
        "email_hash", flat=True
    )
    return {by_hash[h] for h in found}


def suppression_find_q(email: str) -> Q:
    """Rows about this address: its own, its domain's, its hashed (erased) entry."""
    email = email.strip().lower()
    match = Q(email__iexact=email) | Q(domain__iexact=_domain(email))
    if (salt := hashing.existing_salt()) is not None:
        match |= Q(email_hash=hashing.digest(email, with_salt=salt))
    return match


def suppression_erase(*, email: str, reason: str = "", actor: str = "system") -> bool:
    """Replace the address's own suppression (if any) by a salted hash of the address and of
    its domain, or add one: the erased person is never contacted again, and no row names
    them. Returns True when a hashed row was created (False: it already existed)."""
    email = email.strip().lower()
    if not email:
        return False
    email_hash, domain_hash = hashing.email_digest(email), hashing.domain_digest(email)
    own = Suppression.objects.filter(email__iexact=email).first()
    Suppression.objects.filter(email__iexact=email).delete()
    if Suppression.objects.filter(email_hash=email_hash).exists():
        return False
    Suppression.objects.create(
        email_hash=email_hash,
        domain_hash=domain_hash,
        reason=own.reason if own else Suppression.Reason.MANUAL,
        source="gdpr erasure",
        detail=reason[:200],
        created_by=actor,
    )
    return True


def unsubscribe_tokens_erase(emails: list[str]) -> int:
    """Forget the unsubscribe links of these addresses (the hashed suppression replaces them)."""
    match = Q(pk__in=[])
    for email in emails:
        match |= Q(email__iexact=email.strip())
    return UnsubscribeToken.objects.filter(match).delete()[0]


def suppression_add(
    *,
    email: str = "",
    domain: str = "",
    reason: str,
    source: str = "",
    detail: str = "",
    actor: str = "system",
) -> tuple[Suppression, bool]:
    """``(row, created)``. Idempotent: an existing row keeps its first reason and evidence."""
    email, domain = email.strip().lower(), domain.strip().lower().lstrip("@")
    if bool(email) == bool(domain):
        raise JenguError("give either an email or a domain", code="bad_suppression")
    lookup = {"email__iexact": email} if email else {"domain__iexact": domain}
    existing = Suppression.objects.filter(**lookup).first()
    if existing:
        return existing, False
    if email and is_erased(email):  # an erased person: their address is not written again
        erased = Suppression.objects.get(email_hash=hashing.email_digest(email))
        return erased, False
    try:
        with transaction.atomic():
            row = Suppression.objects.create(
                email=email,
                domain=domain,
                reason=reason,
                source=source[:100],
                detail=detail[:5000],
                created_by=actor,
            )
    except IntegrityError:  # a concurrent writer won: theirs is the first reason
        return Suppression.objects.get(**lookup), False
    return row, True


def suppression_save(row: Suppression) -> Suppression:
    """An operator's edit of an existing row, stored in the same normal form as new ones."""
    row.email = row.email.strip().lower()
    row.domain = row.domain.strip().lower().lstrip("@")
    row.save()
    return row


# --- unsubscribe links --------------------------------------------------------------------
def unsubscribe_url(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/u/{token}"


def list_unsubscribe_headers(token: str, *, mailto: str) -> dict[str, str]:
    """RFC 8058 one-click headers: the signed-by-randomness link first, a mailto fallback."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(token)}>, <mailto:{mailto}?subject=unsubscribe>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe_tokens_for(emails: list[str]) -> dict[str, str]:
    """``unsubscribe_token_for`` of many recipients at once (a send pass's page): one read,
    one insert of the missing ones (a concurrent insert of the same address wins), one read."""
    wanted = {e.strip().lower() for e in emails if e.strip()}
    if not wanted:
        return {}
    rows = UnsubscribeToken.objects.annotate(key=Lower("email")).filter(key__in=wanted)
    found = dict(rows.values_list("key", "token"))
    missing = wanted - set(found)
    if missing:
        UnsubscribeToken.objects.bulk_create(
            [UnsubscribeToken(email=e, token=secrets.token_urlsafe(32)) for e in sorted(missing)],
            ignore_conflicts=True,
        )
        found = dict(rows.values_list("key", "token"))
    return found


def unsubscribe_token_for(email: str) -> str:
    """Random, stored per recipient, so SECRET_KEY rotation never breaks a sent link."""
    email = email.strip().lower()
    row = UnsubscribeToken.objects.filter(email__iexact=email).first()
    if row:
        return row.token
    try:
        with transaction.atomic():
            return UnsubscribeToken.objects.create(
                email=email, token=secrets.token_urlsafe(32)
            ).token
    except IntegrityError:
        return UnsubscribeToken.objects.get(email__iexact=email).token


def unsubscribe_token_email(token: str) -> str | None:
    """The address a token was made for; None for a malformed or unknown token."""
    if not TOKEN.match(token):
        return None
    return UnsubscribeToken.objects.filter(token=token).values_list("email", flat=True).first()


def unsubscribe_token_used(token: str) -> None:
    """Note the first use (the admin shows who unsubscribed by link and when)."""
    UnsubscribeToken.objects.filter(token=token, used_at__isnull=True).update(
        used_at=timezone.now()
    )
