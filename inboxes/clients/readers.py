"""Readers: the messages an inbox received since the last check (IMAP, Graph, Maildir).

Each returns a ``Batch``: the raw messages and the cursor to save once they are stored. Storage
is idempotent per Message-ID, so a crash between storing and saving the cursor re-reads a few
messages and changes nothing.
"""

from __future__ import annotations

import logging
import re

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
    from inboxes.clients.imap import connect, quote_mailbox

    with connect(inbox) as conn:
        folder = quote_mailbox(inbox.imap_folder or "INBOX")
        status, _ = conn.select(folder, readonly=inbox.imap_readonly)
        if status != "OK":
            raise OSError(f"cannot open folder {inbox.imap_folder!r}")
        uidvalidity = int(conn.response("UIDVALIDITY")[1][0])
        reset = inbox.imap_uidvalidity is not None and uidvalidity != inbox.imap_uidvalidity
        last = 0 if reset else inbox.imap_last_uid
        status, data = conn.uid("SEARCH", f"UID {last + 1}:*")
        # "n:*" always matches the highest UID, even below n: filter.
        uids = sorted(u for u in map(int, (data[0] or b"").split()) if u > last)[:limit]
        batch = Batch(
            reset=reset,
            cursor={"imap_uidvalidity": uidvalidity, "imap_last_uid": max(uids, default=last)},
        )
        for start in range(0, len(uids), 50):
            chunk = ",".join(map(str, uids[start : start + 50]))
            status, parts = conn.uid("FETCH", chunk, "(UID BODY.PEEK[])")
            for part in parts:
                if isinstance(part, tuple):
                    uid = re.search(rb"UID (\d+)", part[0])
                    batch.messages.append(Fetched(part[1], uid.group(1).decode() if uid else ""))
    return batch


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
