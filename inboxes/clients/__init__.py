"""The only code that speaks a mailbox protocol: SMTP, Microsoft Graph, Maildir, IMAP."""

from __future__ import annotations

from inboxes.clients.base import SendResult, Transport
from inboxes.models import Inbox


def transport_for(inbox: Inbox) -> Transport:
    """A transport for one inbox. Reuse it for a batch, then ``close()`` it."""
    if inbox.provider == Inbox.Provider.SMTP:
        from inboxes.clients.smtp import SMTPTransport

        return SMTPTransport(inbox)
    if inbox.provider == Inbox.Provider.GRAPH:
        from inboxes.clients.graph import GraphTransport

        return GraphTransport(inbox)
    from inboxes.clients.maildir import MaildirTransport

    return MaildirTransport(inbox)


__all__ = ["SendResult", "Transport", "transport_for"]
