"""/metrics: prometheus_client in multiprocess mode, Jengu's names kept, who may scrape.

Every process writes its samples under PROMETHEUS_MULTIPROC_DIR (this test run has a folder of
its own, inherited by the subprocesses below), so a scrape adds up gunicorn and qcluster workers.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from django.utils import timezone
from django_q.tasks import async_task
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from console.metrics import PipelineCollector
from core.metrics import clear_dead_process_files, on_process_start
from core.services import deadletter_create
from inboxes.models import InboxDay
from outreach.services.prepare import prepare_due
from tests.factories import CampaignFactory, InboxFactory
from tests.outreach.helpers import enrolled

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scrape-token-8841"
BEARER = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(autouse=True)
def metrics_token(settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "METRICS_TOKEN": TOKEN}


def parse(body: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def scrape() -> Samples:
    response = Client().get("/metrics", **BEARER)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return parse(response.content.decode())


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_the_pipeline_gauges_keep_their_names() -> None:
    enrolled(CampaignFactory(steps=[0]), now=timezone.now(), n=2)
    prepare_due(now=timezone.now(), limit=10)
    InboxDay.objects.create(inbox=InboxFactory(), date=timezone.now().date(), limit=10, sent=7,
                            bounced=2)  # fmt: skip
    deadletter_create(kind="send", error="boom")

    samples = scrape()
    assert value(samples, "jengu_emails", status="queued") == 2
    assert value(samples, "jengu_sends_total") == 7
    assert value(samples, "jengu_bounces_total") == 2
    assert value(samples, "jengu_dead_letters_open") == 1
    assert value(samples, "jengu_queue_depth") >= 0
    assert ("jengu_queue_failures_24h", frozenset()) in samples


def test_requests_are_counted_beside_the_librarys_http_and_db_metrics() -> None:
    before = scrape()
    for _ in range(3):
        assert Client().put("/no-such-page").status_code == 404
    after = scrape()

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("jengu_http_requests_total", method="PUT", status="404") == 3
    assert grew("jengu_http_request_seconds_count", method="PUT") == 3
    assert grew("jengu_http_request_seconds_sum", method="PUT") > 0
    # django-prometheus: its middleware, and its database wrapper counting the scrape's queries
    assert grew("django_http_requests_total_by_method_total", method="PUT") == 3
    vendor = {"alias": "default", "vendor": "postgresql" if "postgres" in _engine() else "sqlite"}
    assert grew("django_db_execute_total", **vendor) > 0


def _engine() -> str:
    from django.db import connection

    return connection.settings_dict["ENGINE"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("nobody", 401),
        ("wrong bearer", 401),
        ("bearer", 200),
        ("role token", 200),
        ("no-role token", 401),
        ("unknown token", 401),
        ("role session", 200),
        ("no-role session", 401),
    ],
)
def test_who_may_scrape(who: str, expected: int, staff_user: Any, django_user_model: Any) -> None:
    from rest_framework.authtoken.models import Token

    user = django_user_model.objects.create_user("viewer", password="pw-viewer-1")
    client = Client()
    headers = {
        "wrong bearer": {"HTTP_AUTHORIZATION": "Bearer nope"},
        "bearer": BEARER,
        "role token": {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=staff_user)}"},
        "no-role token": {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user)}"},
        "unknown token": {"HTTP_AUTHORIZATION": "Token 0123456789abcdef"},
    }.get(who, {})
    if who.endswith("session"):
        client.force_login(staff_user if who == "role session" else user)
    response = client.get("/metrics", **headers)
    assert response.status_code == expected
    assert (b"jengu_queue_depth" in response.content) == (expected == 200)


def test_prometheus_gets_openmetrics_when_it_asks() -> None:
    response = Client().get("/metrics", HTTP_ACCEPT="application/openmetrics-text", **BEARER)
    assert response["Content-Type"].startswith("application/openmetrics-text")
    assert response.content.endswith(b"# EOF\n")


def _work() -> str:
    return "done"


def _broken() -> None:
    raise RuntimeError("broken task")


def test_tasks_are_counted_by_function_and_outcome() -> None:
    before = scrape()
    async_task("tests.ops.test_metrics._work", sync=True)
    with pytest.raises(RuntimeError):
        async_task("tests.ops.test_metrics._broken", sync=True)
    after = scrape()
    for func, success in (("_work", "true"), ("_broken", "false")):
        labels = {"func": f"tests.ops.test_metrics.{func}", "success": success}
        assert (
            value(after, "jengu_tasks_total", **labels)
            - value(before, "jengu_tasks_total", **labels)
            == 1
        )


# Another process going through the app's whole middleware stack, as a gunicorn worker does.
WORKER = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jengu.settings")
django.setup()
from django.test import Client
for _ in range(int(sys.argv[1])):
    assert Client().patch("/metrics").status_code == 401
"""


def test_a_scrape_adds_up_every_process() -> None:
    before = value(scrape(), "jengu_http_requests_total", method="PATCH", status="401")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    assert env["PROMETHEUS_MULTIPROC_DIR"]  # the folder this run shares with its children
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(n)], cwd=ROOT, env=env) for n in (3, 4)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    after = value(scrape(), "jengu_http_requests_total", method="PATCH", status="401")
    assert after - before == 7


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def test_a_start_clears_the_files_of_dead_processes_only(tmp_path: Path) -> None:
    dead, alive = _dead_pid(), os.getpid()
    for name in (f"counter_{dead}.db", f"gauge_livesum_{dead}.db", f"counter_{alive}.db"):
        (tmp_path / name).write_bytes(b"")
    assert clear_dead_process_files(tmp_path) == 2
    assert [p.name for p in tmp_path.iterdir()] == [f"counter_{alive}.db"]


def test_only_a_qcluster_start_clears(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    stale = tmp_path / f"counter_{_dead_pid()}.db"
    stale.write_bytes(b"")
    on_process_start(["manage.py", "check"])
    assert stale.exists()
    on_process_start(["manage.py", "qcluster"])
    assert not stale.exists()


def _exposed_names() -> set[str]:
    """Every sample name /metrics can show: the registered metrics and the pipeline gauges."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
    families = [*REGISTRY.collect(), *PipelineCollector().collect()]
    return {f.name + s for f in families for s in suffixes.get(f.type, ("",))}


def test_the_grafana_dashboard_and_the_scrape_config_match_what_is_exposed() -> None:
    dashboard = json.loads((ROOT / "deploy/grafana-jengu.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = {m for e in exprs for m in re.findall(r"\b(?:jengu|django)_[a-z0-9_]+", e)}
    assert {"jengu_http_requests_total", "jengu_queue_depth", "django_db_execute_total"} <= used
    assert used <= _exposed_names()

    [job] = yaml.safe_load((ROOT / "deploy/prometheus.yml").read_text())["scrape_configs"]
    assert job["metrics_path"] == "/metrics" and job["authorization"]["type"] == "Bearer"
