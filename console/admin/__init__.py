"""The console's admin: the operations models (``ops``) and the inbox and prospect pages with
their charts and timelines (``pages``). Imported for its registrations."""

from __future__ import annotations

from console.admin import ops, pages

__all__ = ["ops", "pages"]
