"""Erasing a person from the AI usage records (GDPR): a usage row holds no prompt, but a
provider's error message may quote one; such an error is blanked, the counts stay."""

from __future__ import annotations

from aiengine.models import AIUsage
from core.erasure import ERASED, text_q


def usage_scrub(*, needles: list[str]) -> int:
    return AIUsage.objects.filter(text_q(("error",), needles)).update(error=ERASED)
