"""`manage.py serve` (what `make run` starts): the port from PORT, gunicorn's own lines as JSON
in the one log stream, its control socket under var/ (not the home folder), and a favicon."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.ops.test_deploy import ROOT, manage


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check: Any, what: str, output: list[str], seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen:\n" + "".join(output)[-3000:])


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def served(tmp_path_factory: Any) -> Iterator[tuple[int, Path, Path, list[str]]]:
    var, home = tmp_path_factory.mktemp("var"), tmp_path_factory.mktemp("home")
    port = _free_port()
    own = ("DATABASE_URL", "REDIS_URL", "PROMETHEUS_MULTIPROC_DIR", "XDG_RUNTIME_DIR", "HOME")
    env = {k: v for k, v in os.environ.items() if k not in own and not k.startswith("JENGU_")}
    env |= {"JENGU_VAR_DIR": str(var), "HOME": str(home), "PORT": str(port)}
    env |= {"JENGU_LOG_FORMAT": "json", "Q_WORKERS": "1"}
    migrated = manage(env, "migrate", "--no-input", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--web-workers", "1"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(map(bytes.decode, proc.stdout)))
    reader.start()
    try:
        _wait(lambda: _listening(port), f"listening on PORT {port}", output)
        yield port, var, home, output
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=40)
        reader.join(timeout=10)


@pytest.mark.slow
def test_serve_listens_on_port_and_serves_a_favicon(served) -> None:
    port, *_ = served
    icon = httpx.get(f"http://127.0.0.1:{port}/favicon.ico", timeout=30)
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.slow
def test_gunicorn_lines_are_json_and_its_control_socket_is_in_var(served) -> None:
    _port, var, home, output = served
    _wait(lambda: (var / "gunicorn.ctl").exists(), "the control socket in var/", output)
    assert not (home / ".gunicorn").exists()
    _wait(lambda: any("gunicorn.error" in line for line in output), "gunicorn logging", output)
    lines = [line for line in list(output) if line.strip().startswith("{")]
    events = [json.loads(line) for line in lines]
    gunicorn = [e for e in events if e["logger"].startswith("gunicorn")]
    assert any("Control socket" in e["event"] for e in gunicorn)
    # Only serve's own banner is not a log line; everything gunicorn says is JSON.
    others = [line for line in list(output) if line.strip() and not line.startswith("{")]
    assert all(line.startswith("Jengu is running") for line in others), others


def test_the_favicon_is_served_to_anyone(anon_client) -> None:
    icon = anon_client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/x-icon"
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"
