"""Migration from the Cloudflare (D1) and Vercel (Supabase) editions: import the old exports,
record the parallel run (shadow mode), compare it with the old system. See docs/migration.md.
"""

from __future__ import annotations

from jengu.legacy.compare import ShadowComparison, compare_shadow
from jengu.legacy.importer import import_legacy
from jengu.legacy.readers import Export, Record, read_export
from jengu.legacy.report import LegacyReport

__all__ = [
    "Export",
    "LegacyReport",
    "Record",
    "ShadowComparison",
    "compare_shadow",
    "import_legacy",
    "read_export",
]
