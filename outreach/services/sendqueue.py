"""The due emails of one send pass, read a page at a time for all its inboxes together.

Read without locks, with what the claim and the message need (prospect, contact, campaign,
the recipients' unsubscribe tokens): the one-statement claim (``fastclaim``) locks the row and
checks again that it is still queued, due, sticky to no other inbox and not suppressed. An
email this pass could not take here is left to ``ledger.claim_next``, which explains why.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from compliance.services import unsubscribe_tokens_for
from inboxes.models import Inbox
from outreach.models import OutboundEmail
from outreach.services.ledger import due_for, wait_reason

PAGE = 50
MAX_PAGES = 20


class Due:
    def __init__(self, inbox_ids: list[int]) -> None:
        self.inbox_ids = inbox_ids
        self.rows: list[OutboundEmail] = []
        self.tokens: dict[str, str] = {}  # recipient (lower case) -> unsubscribe token
        self.after: tuple[datetime, int] | None = None
        self.pages = 0
        self.exhausted = False

    def _fill(self, now: datetime) -> None:
        qs = due_for(self.inbox_ids, now)
        if self.after is not None:
            at, pk = self.after
            qs = qs.filter(Q(send_after__gt=at) | Q(send_after=at, pk__gt=pk))
        page = list(qs[:PAGE])
        self.pages += 1
        self.exhausted = len(page) < PAGE or self.pages >= MAX_PAGES
        if page:
            self.after = (page[-1].send_after, page[-1].pk)
        self.rows.extend(page)
        self.tokens |= unsubscribe_tokens_for([e.recipient for e in page if e.recipient])

    def pick(self, inbox: Inbox, now: datetime, skipped: dict[int, str]) -> OutboundEmail | None:
        """The oldest read email this inbox may send now (not yet claimed by this pass)."""
        seen = 0
        while True:
            for email in self.rows[seen:]:
                reason = wait_reason(email, inbox, now)
                if not reason:
                    return email
                if email.enrollment.inbox_id not in self.inbox_ids:  # else its inbox takes it
                    skipped[email.pk] = reason
            seen = len(self.rows)
            if self.exhausted:
                return None
            self._fill(now)

    def drop(self, email: OutboundEmail) -> None:
        """Claimed (or found gone): no inbox of this pass tries it again."""
        self.rows = [e for e in self.rows if e.pk != email.pk]

    def token(self, recipient: str) -> str:
        return self.tokens.get(recipient.strip().lower(), "")
