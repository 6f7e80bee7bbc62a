"""Production deployment: `check --deploy`, gunicorn + whitenoise from the Procfile, HTTPS headers,
secure cookies, JSON logs; the systemd units and the Procfile name real commands."""

from __future__ import annotations

import json
import os
import shlex
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
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
HOST = "crm.example.com"


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment an operator sets for production (README "Production"), on SQLite."""
    # the metrics folder too: production's default is the one under JENGU_VAR_DIR
    own = ("DATABASE_URL", "REDIS_URL", "PROMETHEUS_MULTIPROC_DIR")
    env = {k: v for k, v in os.environ.items() if k not in own}
    return {
        **env,
        "JENGU_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": "prod-" + "k3y" * 20,
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "PUBLIC_BASE_URL": f"https://{HOST}",
        "JENGU_VAR_DIR": str(var_dir),
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_check_deploy_is_clean_under_production_settings(tmp_path) -> None:
    done = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_with_the_redis_broker_starts_and_checks_clean(tmp_path) -> None:
    # With Redis, django-q2 registers no OrmQ admin: the admin must not assume it does.
    env = production_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/12")
    done = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_its_keys(tmp_path) -> None:
    env = production_env(tmp_path)
    del env["FIELD_ENCRYPTION_KEY"]
    done = manage(env, "check")
    assert done.returncode != 0
    assert "needs SECRET_KEY and FIELD_ENCRYPTION_KEY" in done.stderr


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def test_the_procfile_runs_web_workers_and_release_steps() -> None:
    procs = _procfile()
    assert set(procs) == {"web", "worker", "release"}
    assert procs["web"].startswith("gunicorn -c deploy/gunicorn.conf.py jengu.wsgi")
    assert procs["worker"] == "python manage.py qcluster"
    assert "migrate" in procs["release"] and "setup_schedules" in procs["release"]


def _unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as {section: {key: [values]}} (keys like ExecStart may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            current.setdefault(key, []).append(value)
    return sections


@pytest.mark.parametrize("unit", sorted((ROOT / "deploy/systemd").glob("*.service")))
def test_systemd_units_start_real_commands(unit: Path) -> None:
    service = _unit(unit)["Service"]
    assert service["EnvironmentFile"] == ["/etc/jengu/jengu.env"]
    assert service["User"] == ["jengu"] and service["NoNewPrivileges"] == ["yes"]
    commands = [shlex.split(line) for line in service["ExecStart"]]
    for argv in commands:
        # the project-relative parts must exist: the unit runs from the checkout
        assert argv[0].startswith("/opt/jengu/.venv/bin/"), argv
        assert any(a in ("manage.py", "jengu.wsgi") for a in argv), argv
        for arg in argv:
            if arg.startswith("deploy/") or arg == "manage.py":
                assert (ROOT / arg).exists(), arg
    if unit.name == "jengu-release.service":
        steps = [argv[2] for argv in commands]
        assert steps == ["migrate", "collectstatic", "setup_schedules"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], output: list[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            time.sleep(0.5)
            raise AssertionError("gunicorn exited:\n" + "".join(output)[-3000:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start listening")


@pytest.fixture(scope="module")
def production_server(tmp_path_factory: Any) -> Iterator[tuple[httpx.Client, list[str]]]:
    """gunicorn started the Procfile's way, after collectstatic, with production settings.

    Two workers, so /metrics must add them up; gunicorn's access log on, so its lines are seen.
    """
    port = _free_port()
    env = production_env(
        tmp_path_factory.mktemp("var"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        GUNICORN_ACCESS_LOG="true",
        METRICS_TOKEN=METRICS_TOKEN,
    )
    collected = manage(env, "collectstatic", "--no-input", "-v", "0")
    assert collected.returncode == 0, collected.stderr
    for step in _procfile()["release"].split("&&"):  # the release phase: migrate, schedules
        released = manage(env, *shlex.split(step)[2:])
        assert released.returncode == 0, released.stderr
    argv = shlex.split(_procfile()["web"])
    proc = subprocess.Popen([sys.executable, "-m", *argv], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(map(bytes.decode, proc.stdout)))
    reader.start()
    try:
        _wait_for_port(port, proc, output)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Host": HOST}) as client:
            yield client, output
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        reader.join(timeout=10)


HTTPS = {"X-Forwarded-Proto": "https"}
METRICS_TOKEN = "prod-metrics-5521"


@pytest.mark.slow
def test_static_files_are_served_compressed_and_cached(production_server) -> None:
    client, _ = production_server
    css = client.get("/static/admin/css/base.css", headers={**HTTPS, "Accept-Encoding": "gzip"})
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert css.headers.get("content-encoding") == "gzip" and b"body" in css.content
    manifest = client.get("/static/staticfiles.json", headers=HTTPS).json()["paths"]
    hashed = client.get(f"/static/{manifest['admin/css/base.css']}", headers=HTTPS)
    assert hashed.status_code == 200 and "immutable" in hashed.headers["cache-control"]


@pytest.mark.slow
def test_https_headers_and_secure_cookies_in_production(production_server) -> None:
    client, _ = production_server
    page = client.get("/admin/login/", headers=HTTPS)
    assert page.status_code == 200
    assert page.headers["strict-transport-security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("csrftoken=") and "Secure" in cookie


@pytest.mark.slow
def test_plain_http_is_redirected_to_https_except_health(production_server) -> None:
    client, _ = production_server
    plain = client.get("/admin/login/")
    assert plain.status_code == 301
    assert plain.headers["location"] == f"https://{HOST}/admin/login/"
    health = client.get("/health")  # load balancers probe over plain HTTP
    assert health.status_code == 200 and health.json()["database"] == "ok"


@pytest.mark.slow
def test_production_logs_are_one_json_object_per_line(production_server) -> None:
    client, output = production_server
    response = client.get("/static/admin/css/nope.css", headers={**HTTPS, "X-Request-ID": "lb-42"})
    assert response.status_code == 404 and response.headers["x-request-id"] == "lb-42"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any("gunicorn.access" in x and "lb-42" in x
                                                  for x in output):  # fmt: skip
        time.sleep(0.1)
    events = [json.loads(line) for line in list(output) if line.strip()]  # all JSON
    assert any(e["logger"] == "gunicorn.error" for e in events)  # gunicorn's own lines too
    [line] = [e for e in events if e.get("request_id") == "lb-42" and e["event"] == "request"]
    assert (line["path"], line["status"]) == ("/static/admin/css/nope.css", 404)
    # every line about a request carries its id: the app's, Django's 404 warning, gunicorn's
    about_requests = [e for e in events if e["logger"] in REQUEST_LOGGERS]
    assert about_requests and all(e.get("request_id") for e in about_requests)
    ours = {e["logger"]: e for e in about_requests if e["request_id"] == "lb-42"}
    assert set(ours) == set(REQUEST_LOGGERS)
    assert (ours["gunicorn.access"]["path"], ours["gunicorn.access"]["status"]) == (
        "/static/admin/css/nope.css",
        404,
    )


REQUEST_LOGGERS = ("jengu.request", "django.request", "gunicorn.access")


def _not_found_count(client: httpx.Client) -> float:
    scraped = client.get("/metrics", headers={**HTTPS, "Authorization": f"Bearer {METRICS_TOKEN}"})
    assert scraped.status_code == 200, scraped.text
    for family in text_string_to_metric_families(scraped.text):
        for s in family.samples:
            if s.name == "jengu_http_requests_total" and s.labels == NOT_FOUND:
                return s.value
    return 0.0


NOT_FOUND = {"method": "GET", "status": "404"}


@pytest.mark.slow
def test_metrics_add_up_the_gunicorn_workers(production_server) -> None:
    client, _ = production_server
    before = _not_found_count(client)
    for n in range(12):  # a new connection each: the kernel hands them to either worker
        assert client.get(f"/static/nope-{n}.css", headers=HTTPS).status_code == 404
    assert _not_found_count(client) - before == 12


@pytest.mark.slow
def test_the_worker_logs_json_and_clears_dead_samples_when_it_starts(tmp_path) -> None:
    """The Procfile's worker: django-q2's own lines are JSON, and dead processes' files go."""
    env = production_env(tmp_path)
    assert manage(env, "migrate", "--no-input").returncode == 0
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / "prometheus" / f"counter_{int(done.stdout)}.db"
    stale.write_bytes(b"")
    worker = manage(env, *shlex.split(_procfile()["worker"])[2:], "--run-once")
    assert worker.returncode == 0, worker.stderr
    events = [json.loads(line) for line in (worker.stdout + worker.stderr).splitlines() if line]
    assert any(e["logger"] == "django-q" and "running" in e["event"] for e in events)
    assert not stale.exists()


def test_static_files_are_served_with_debug_off(settings, tmp_path) -> None:
    """In-process: whitenoise serves what collectstatic put into STATIC_ROOT, DEBUG off."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", "--no-input", verbosity=0)
    response = Client().get("/static/admin/css/base.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"/*")
    assert Client().get("/static/admin/css/nope.css").status_code == 404
