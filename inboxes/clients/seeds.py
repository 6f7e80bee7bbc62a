"""Reading a placement seed over IMAP: where did each test message land, Inbox or spam?

The spam folder is found two ways, both case-insensitive: the folder LIST flags ``\\Junk``
(RFC 6154 SPECIAL-USE: Gmail, Dovecot with ``special_use``, Fastmail), and a list of known
names (JENGU_PLACEMENT_SPAM_FOLDERS: Gmail's ``[Gmail]/Spam``, Outlook's ``Junk Email``, Dovecot's
``Junk``, and localized Outlook names) matched on the whole name or its last part, so that
``INBOX.Junk`` and ``INBOX/Spam`` count too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from imapclient.imapclient import JUNK

from inboxes.clients.imap import connect_to
from inboxes.models import SeedMailbox

INBOX = "INBOX"


@dataclass(frozen=True)
class Found:
    where: str  # "inbox" | "spam"
    folder: str


def spam_folders(
    listing: Iterable[tuple[Sequence[bytes], bytes | None, str]], names: list[str]
) -> list[str]:
    """The folders of a LIST answer that hold spam, in the server's order."""
    wanted = {name.strip().casefold() for name in names if name.strip()}
    found: list[str] = []
    for flags, delimiter, name in listing:
        if any(flag.lower() == b"\\noselect" for flag in flags):
            continue
        sep = delimiter.decode() if delimiter else ""
        leaf = name.rsplit(sep, 1)[-1] if sep else name
        flagged = any(flag.lower() == JUNK.lower() for flag in flags)
        if flagged or name.casefold() in wanted or leaf.casefold() in wanted:
            found.append(name)
    return found


def locate(seed: SeedMailbox, message_ids: list[str], spam_names: list[str]) -> dict[str, Found]:
    """Search INBOX, then every spam folder, for each Message-ID. Absent from the answer:
    not delivered anywhere we look (the message is missing). Raises ``IMAPError``."""
    found: dict[str, Found] = {}
    login = seed.username or seed.email
    with connect_to(seed.imap_host, seed.imap_port, login, seed.password) as conn:
        folders = [(INBOX, "inbox")]
        folders += [(name, "spam") for name in spam_folders(conn.list_folders(), spam_names)]
        for folder, where in folders:
            left = [mid for mid in message_ids if mid not in found]
            if not left:
                break
            conn.select_folder(folder, readonly=True)
            for mid in left:
                # HEADER search is what Gmail, Outlook and Dovecot all answer for Message-ID.
                if conn.search(["HEADER", "Message-ID", mid]):
                    found[mid] = Found(where, folder)
    return found
