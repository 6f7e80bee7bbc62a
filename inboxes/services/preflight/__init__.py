"""DNS preflight per inbox: MX, SPF, DKIM, DMARC, reverse DNS of the sending domain.

``JENGU_DNS_PREFLIGHT``: ``warn`` (default: status, alert, dashboard badge), ``enforce`` (an
inbox whose SPF or DMARC alignment fails does not send until an operator overrides) or ``off``.

The checks themselves (``runner``: checkdmarc, dnspython, some 40 MB) are imported on the first
run, not when the web or worker process starts: most processes never run a preflight.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from inboxes.services.preflight.gate import (
    preflight_allows,
    preflight_override,
    preflight_payload,
    preflight_rows,
)
from inboxes.services.preflight.target import mode

if TYPE_CHECKING:
    from inboxes.models import Inbox, InboxPreflight
    from inboxes.services.preflight.target import Result


def inspect(inbox: Inbox, deadline: float | None = None) -> dict[str, Result] | None:
    from inboxes.services.preflight import runner

    return runner.inspect(inbox, deadline)


def is_blocking(results: dict[str, Result]) -> bool:
    from inboxes.services.preflight import runner

    return runner.is_blocking(results)


def preflight_run_many(
    *, inboxes: Iterable[Inbox], actor: Any = None, within: float | None = None
) -> list[InboxPreflight]:
    from inboxes.services.preflight import runner

    return runner.preflight_run_many(inboxes=inboxes, actor=actor, within=within)


def preflight_run(*, inbox: Inbox, actor: Any = None) -> InboxPreflight | None:
    from inboxes.services.preflight import runner

    return runner.preflight_run(inbox=inbox, actor=actor)


__all__ = [
    "inspect",
    "is_blocking",
    "mode",
    "preflight_allows",
    "preflight_override",
    "preflight_payload",
    "preflight_rows",
    "preflight_run",
    "preflight_run_many",
]
