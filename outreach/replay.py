"""Dead-letter replay handlers for sending (registered with jengu.replay)."""

from __future__ import annotations
