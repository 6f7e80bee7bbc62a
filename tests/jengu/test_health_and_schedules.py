from __future__ import annotations

import pytest
from django.core.management import call_command
from django_q.models import Schedule

SEED_CRONS = {"*/5 8-18 * * 1-6", "0 7 * * *", "*/1 * * * *", "0 6 * * 0"}


@pytest.mark.django_db
def test_health_answers_without_auth(anon_client) -> None:
    response = anon_client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["status"] in ("ok", "degraded")
    assert "depth" in body["queue"]


@pytest.mark.django_db
def test_setup_schedules_is_idempotent_and_keeps_the_seed_crons(capsys) -> None:
    call_command("setup_schedules")
    first = sorted(Schedule.objects.values_list("name", "func", "cron"))
    call_command("setup_schedules")
    second = sorted(Schedule.objects.values_list("name", "func", "cron"))
    assert first == second
    assert {cron for _, _, cron in second} >= SEED_CRONS
    assert Schedule.objects.count() == len(second)
    assert "unchanged" in capsys.readouterr().out


@pytest.mark.django_db
def test_every_schedule_points_at_a_real_function() -> None:
    from django.utils.module_loading import import_string

    call_command("setup_schedules")
    for func in Schedule.objects.values_list("func", flat=True):
        assert callable(import_string(func))


@pytest.mark.django_db
def test_a_new_schedule_does_not_fire_before_its_cron_time() -> None:
    from croniter import croniter

    call_command("setup_schedules")
    weekly = Schedule.objects.get(cron="0 6 * * 0")
    assert croniter.match("0 6 * * 0", weekly.next_run)


@pytest.mark.django_db
def test_the_pipeline_schedules_exist_beside_the_seed_ones() -> None:
    call_command("setup_schedules")
    funcs = set(Schedule.objects.values_list("func", flat=True))
    assert {"outreach.tasks.draft_ahead", "outreach.tasks.reconcile_expired"} <= funcs
