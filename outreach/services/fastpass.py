"""A send pass's one-statement claims (PostgreSQL): its due emails read once, its inboxes
read once, each claim one statement (``fastclaim``); ``claim_next`` whenever that refuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from compliance import hashing
from inboxes import services as inboxes
from inboxes.models import Inbox
from outreach.services import fastclaim, fastsettle
from outreach.services.ledger import Claim
from outreach.services.sendqueue import Due


@dataclass
class FastClaims:
    due: Due
    senders: dict[int, fastclaim.Sender]
    steps: dict[tuple[int, int], int] = field(default_factory=dict)
    campaigns: set[int] = field(default_factory=set)

    @classmethod
    def start(cls, order: list[Inbox]) -> FastClaims | None:
        """None on SQLite: there every claim is ``claim_next``."""
        if not fastclaim.available() or not order:
            return None
        salt = hashing.existing_salt()
        senders = {
            inbox.pk: fastclaim.Sender(inbox, salt)
            for inbox in order
            if inboxes.preflight_allows(inbox)  # a blocked inbox's claims explain it
        }
        return cls(Due([inbox.pk for inbox in order]), senders)

    def claim(self, inbox_id: int, now: datetime, skipped: dict[int, str]) -> Claim | None:
        sender = self.senders.get(inbox_id)
        if sender is None:
            return None
        waits = sender.inbox.next_send_at
        if waits is not None and waits > now:  # in its gap: claim_next says so
            return None
        email = self.due.pick(sender.inbox, now, skipped)
        if email is None:
            return None
        claim, inbox_ok = fastclaim.claim_in_one(sender, email, now)
        if claim is not None or inbox_ok:
            # Claimed, or refused for its own sake (taken, suppressed, a counter full):
            # claim_next, which comes next, takes it or says why.
            self.due.drop(email)
        return claim

    def claimed_elsewhere(self, claim: Claim) -> None:
        """``claim_next`` took it: no longer due here, and the inbox row moved on (its warmup
        start on a first send, its gap): read it again."""
        self.due.rows = [e for e in self.due.rows if e.pk != claim.email_id]
        if claim.inbox_id in self.senders:
            sender = self.senders[claim.inbox_id]
            fresh = Inbox.objects.get(pk=claim.inbox_id)
            self.senders[claim.inbox_id] = fastclaim.Sender(fresh, sender.salt)

    def settle_sent(self, claim: Claim, *, now: datetime, provider_id: str, raw: str) -> bool:
        """The accepted send recorded in one statement; False: the claim was lost."""
        assert claim.email is not None
        campaign = claim.email.enrollment.campaign_id
        if campaign not in self.campaigns:
            self.campaigns.add(campaign)
            self.steps |= fastsettle.next_steps({campaign})
        return fastsettle.settle_sent(
            claim, now=now, provider_id=provider_id, raw=raw, steps=self.steps
        )
