"""Bounce and complaint rates per inbox against their pause lines (dashboard and inbox page)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.safestring import SafeString

from console.dashboard.svg import Bar, hbar_chart
from inboxes.models import Inbox


@dataclass(frozen=True)
class Rate:
    field: str  # the Inbox attribute holding the rate (a fraction)
    pause_setting: str  # the JENGU setting of the rate that pauses an inbox
    decimals: int  # complaints live around 0.1%: they need two decimals, bounces one


BOUNCES = Rate("bounce_rate", "BOUNCE_PAUSE_RATE", 1)
COMPLAINTS = Rate("complaint_rate", "COMPLAINT_PAUSE_RATE", 2)


def rate_chart(
    rate: Rate, inboxes: Sequence[Inbox], title: str, *, label: str = "", note: str = ""
) -> SafeString:
    """One bar per inbox (labelled ``label`` or the inbox key), ``note`` after "of N"."""
    pause = settings.JENGU[rate.pause_setting] * 100
    rows = []
    for inbox in inboxes:
        value = getattr(inbox, rate.field) * 100
        css = "jc-bad" if value > pause else "jc-warn" if value >= pause / 2 else "jc-ok"
        rows.append(Bar(label or inbox.key, value, css, f"of {inbox.bounce_sample}{note}"))
    return hbar_chart(
        rows,
        title,
        threshold=pause,
        threshold_label=f"{pause:g}% pause",
        fmt=lambda v: f"{v:.{rate.decimals}f}%",
        max_value=pause * 1.5,
        clip_at=pause * 4,
    )
