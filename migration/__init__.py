"""Migration from the Cloudflare (D1) and Vercel (Supabase) editions: import the old exports,
record the parallel run (shadow mode), compare it with the old system. See docs/migration.md.

Entry points: ``migration.importer.import_legacy`` and ``migration.compare.compare_shadow``.
"""
