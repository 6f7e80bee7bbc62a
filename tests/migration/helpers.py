"""The legacy export fixtures, and a copy of them to grow into a "final export"."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "legacy"
D1 = FIXTURES / "d1"
SUPABASE = FIXTURES / "supabase"

# The Cloudflare export's people and Message-IDs (tests/fixtures/legacy/d1/jengu-crm.sql).
MARIA = "maria@casadoalfama.example"  # Casa do Alfama: step 1 sent 2026-11-30 09:12:05 UTC
MARIA_STEP1 = "<1f0c2a9e-77b1-4c1e-9d1e-5a0e4b2f3c11@jengu-mail.example>"
JOAO = "joao@ribeiraporto.example"  # Hotel Ribeira Porto: steps 1 and 2 sent, from ana@
SOFIA = "sofia@quintadaserra.example"  # replied to step 1
PEDRO = "pedro@villacascais.example"  # hard bounce
INES = "ines@herdadeevora.example"  # domain excluded
RITA = "rita@lagoshotel.example"  # prospects.email_bounced = 1
SENDER = "edd@jengu-mail.example"


def export_copy(tmp_path: Path, *folders: Path) -> Path:
    """The fixtures copied into one folder, so a test can add the rows of a later export."""
    target = tmp_path / "export"
    for folder in folders:
        shutil.copytree(folder, target / folder.name, dirs_exist_ok=True)
    return target


def run_import(folder: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_legacy", str(folder), *args, stdout=out)
    return out.getvalue()


def later_email(**fields: Any) -> str:
    """One more D1 ``emails`` row, as a later ``wrangler d1 export`` would hold it."""
    columns = ",".join(f'"{name}"' for name in fields)
    cells = ",".join("NULL" if v is None else f"'{v}'" for v in fields.values())
    return f'INSERT INTO "emails" ({columns}) VALUES({cells});\n'
