"""One normalized result for every transport, and what every reader hands back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from inboxes.bounces import Verdict


@dataclass(frozen=True)
class SendResult:
    """accepted | rejected (the server answered no: see ``verdict``) | auth | unavailable.

    ``unavailable``: no answer about this message (connection refused, timeout, dropped).
    ``temporary`` is the protocol's own class (SMTP 4xx, HTTP 429/5xx); the bounce classifier's
    consequence, not this flag, decides what happens to the address.
    """

    outcome: str
    provider_message_id: str = ""
    code: int | None = None
    message: str = ""
    temporary: bool = False
    retry_after: float | None = None
    verdict: Verdict | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome == "accepted"


class Transport(Protocol):
    def send(self, *, raw: bytes, mail_from: str, recipients: list[str]) -> SendResult: ...

    def find_sent(self, message_id: str) -> bool | None:
        """Is a message with this Message-ID in the Sent folder? None: cannot tell."""
        ...

    def close(self) -> None: ...


@dataclass
class Fetched:
    raw: bytes
    uid: str = ""
    received_at: datetime | None = None


@dataclass
class Batch:
    messages: list[Fetched] = field(default_factory=list)
    cursor: dict[str, Any] = field(default_factory=dict)  # Inbox fields to save afterwards
    reset: bool = False  # the server's UIDVALIDITY changed: everything was read again
    done: list[Path] = field(default_factory=list)  # Maildir files to move to cur/
