"""Where settings come from: the environment (django-environ), ``NAME_FILE`` secrets, ``var/``."""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

VAR_DIR = Path(env.str("JENGU_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

# prometheus_client's multiprocess mode: every process (gunicorn and qcluster workers) writes its
# samples to files here and /metrics adds them up. prometheus_client reads the variable when it is
# first imported, so it is set here, before any app loads. The test run gets a folder of its own.
_METRICS_DEFAULT = VAR_DIR / "prometheus"
if "pytest" in sys.modules and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    _METRICS_DEFAULT = Path(tempfile.mkdtemp(prefix="jengu-metrics-"))
    atexit.register(shutil.rmtree, _METRICS_DEFAULT, ignore_errors=True)
METRICS_DIR = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_METRICS_DEFAULT)))
METRICS_DIR.mkdir(parents=True, exist_ok=True)


def secret(name: str, default: str = "") -> str:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    value = os.environ.get(name)
    if value:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return default


def generated_secret_key() -> str:
    # Never hard-coded: made once per installation and kept beside the database.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
