"""DNS preflight per inbox: MX, SPF, DKIM, DMARC, reverse DNS of the sending domain.

``JENGU_DNS_PREFLIGHT``: ``warn`` (default: status, alert, dashboard badge), ``enforce`` (an
inbox whose SPF or DMARC alignment fails does not send until an operator overrides) or ``off``.
"""

from __future__ import annotations

from inboxes.services.preflight.gate import (
    preflight_allows,
    preflight_override,
    preflight_payload,
    preflight_rows,
)
from inboxes.services.preflight.runner import (
    inspect,
    is_blocking,
    mode,
    preflight_run,
    preflight_run_many,
)

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
