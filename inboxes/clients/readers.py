"""Readers: the messages an inbox received since the last check (IMAP, Graph, Maildir).

Each returns a ``Batch``: the raw messages and the cursor to save once they are stored. Storage
is idempotent per Message-ID, so a crash between storing and saving the cursor re-reads a few
messages and changes nothing.
"""

from __future__ import annotations

import logging

from inboxes.clients.base import Batch, Fetched
from inboxes.models import Inbox

log = logging.getLogger(__name__)
BATCH = 200


def read_new(inbox: Inbox, limit: int = BATCH) -> Batch:
    if inbox.provider == Inbox.Provider.GRAPH:
        return _graph(inbox, limit)
    if inbox.provider == Inbox.Provider.MAILDIR:
        return _maildir(inbox, limit)
    return _imap(inbox, limit)


def _imap(inbox: Inbox, limit: int) -> Batch:
    from inboxes.clients.imap import fetch_new

    return fetch_new(inbox, limit)


def _graph(inbox: Inbox, limit: int) -> Batch:
    from inboxes.clients.graph import GraphTransport

    graph = GraphTransport(inbox)
    try:
        return graph.fetch_since(inbox.graph_last_received_at, limit)
    finally:
        graph.close()


def _maildir(inbox: Inbox, limit: int) -> Batch:
    from inboxes.clients.maildir import inbox_path, open_maildir

    root = inbox_path(inbox)
    open_maildir(root)
    batch = Batch()
    for path in sorted((root / "new").iterdir())[:limit]:
        if path.is_file():
            batch.messages.append(Fetched(path.read_bytes(), uid=path.name))
            batch.done.append(path)
    return batch


def commit(inbox: Inbox, batch: Batch) -> None:
    """Save the cursor once every message of the batch is stored."""
    for path in batch.done:
        target = path.parent.parent / "cur" / (path.name + ":2,S")
        path.rename(target)
    if batch.cursor:
        Inbox.objects.filter(pk=inbox.pk).update(**batch.cursor)
        for name, value in batch.cursor.items():
            setattr(inbox, name, value)
