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
    sample_setting: str  # ... and of the fewest sends in the window before it may pause
    decimals: int  # complaints live around 0.1%: they need two decimals, bounces one

    def min_sample(self) -> int:
        return int(settings.JENGU[self.sample_setting])


BOUNCES = Rate("bounce_rate", "BOUNCE_PAUSE_RATE", "BOUNCE_MIN_SAMPLE", 1)
COMPLAINTS = Rate("complaint_rate", "COMPLAINT_PAUSE_RATE", "COMPLAINT_MIN_SAMPLE", 2)
TOO_FEW = "too few sends to judge"


def caption(rate: Rate) -> str:
    """The chart's caption: when the line really pauses an inbox."""
    pause = settings.JENGU[rate.pause_setting] * 100
    return (
        f"7 days; past the {pause:g}% line an inbox pauses itself, once it has sent "
        f"{rate.min_sample()} or more (a paler bar: {TOO_FEW})"
    )


def rate_chart(
    rate: Rate, inboxes: Sequence[Inbox], title: str, *, label: str = "", note: str = ""
) -> SafeString:
    """One bar per inbox (labelled ``label`` or the inbox key), ``note`` after "of N". Below
    the minimum sample the rate pauses nothing: that bar is pale and says so."""
    pause = settings.JENGU[rate.pause_setting] * 100
    least = rate.min_sample()
    rows = []
    for inbox in inboxes:
        value = getattr(inbox, rate.field) * 100
        sample = inbox.bounce_sample  # sends in the window: the sample of both rates
        if sample < least:
            rows.append(Bar(label or inbox.key, value, "jc-muted", f"of {sample}: {TOO_FEW}"))
            continue
        css = "jc-bad" if value > pause else "jc-warn" if value >= pause / 2 else "jc-ok"
        rows.append(Bar(label or inbox.key, value, css, f"of {sample}{note}"))
    return hbar_chart(
        rows,
        title,
        threshold=pause,
        threshold_label=f"{pause:g}% pause, from {least} sends",
        fmt=lambda v: f"{v:.{rate.decimals}f}%",
        max_value=pause * 1.5,
        clip_at=pause * 4,
    )
