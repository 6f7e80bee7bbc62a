"""The forecast: when will N ready prospects be contacted (admin page and /api/status/forecast)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from compliance.models import Suppression
from console.forecast import forecast
from inboxes.models import Inbox, InboxDay
from outreach.models import DomainDay
from prospects.models import Contact, Prospect
from tests.factories import ContactFactory, InboxFactory, ProspectFactory

FRIDAY_10 = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # week 1 of an inbox started Monday 30 Nov
FRIDAY_18 = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)  # after the 9-17 window


@pytest.fixture
def weekdays(settings: Any) -> None:
    settings.JENGU = {
        **settings.JENGU,
        "SEND_DAYS": "mon-fri",
        "SEND_HOURS": "9-17",
        "WARMUP_SCHEDULE": "2,4",
    }


def _planned(plan: dict[str, Any]) -> dict[str, int]:
    return {day["date"]: day["planned"] for day in plan["days"]}


@pytest.mark.django_db
def test_forecast_fills_what_is_left_today_skips_weekends_and_follows_the_ramp(weekdays) -> None:
    inbox = InboxFactory(timezone="UTC", warmup_start=date(2026, 11, 30))
    InboxDay.objects.create(inbox=inbox, date=date(2026, 12, 4), limit=2, sent=1)
    with time_machine.travel(FRIDAY_10, tick=False):
        plan = forecast(n=6)
    # Friday: 1 slot left of week 1's 2; the weekend sends nothing; week 2 gives 4 a day.
    assert _planned(plan) == {
        "2026-12-04": 1,
        "2026-12-05": 0,
        "2026-12-06": 0,
        "2026-12-07": 4,
        "2026-12-08": 1,
    }
    assert plan["last_contact_date"] == "2026-12-08"
    assert plan["days_needed"] == 5
    assert [d["capacity"] for d in plan["days"]] == [1, 0, 0, 4, 4]


@pytest.mark.django_db
def test_a_new_inbox_starts_week_one_on_its_first_send_day(weekdays) -> None:
    InboxFactory(timezone="UTC", warmup_start=None)
    with time_machine.travel(FRIDAY_18, tick=False):  # today's window is over
        plan = forecast(n=11)
    planned = _planned(plan)
    assert planned["2026-12-04"] == 0
    # Week 1 (2 a day) runs Monday 7 to Sunday 13 December, week 2 (4 a day) from Monday 14.
    assert [planned[f"2026-12-{d:02}"] for d in (7, 8, 9, 10, 11)] == [2, 2, 2, 2, 2]
    assert plan["last_contact_date"] == "2026-12-14"
    assert planned["2026-12-14"] == 1


@pytest.mark.django_db
def test_sends_are_spread_across_active_inboxes_and_paused_ones_count_for_nothing(
    weekdays,
) -> None:
    InboxFactory(key="a", timezone="UTC", warmup_start=date(2026, 11, 30))
    InboxFactory(key="b", timezone="UTC", warmup_start=date(2026, 11, 30))
    InboxFactory(key="c", timezone="UTC", warmup_start=date(2026, 11, 30), status="paused")
    with time_machine.travel(FRIDAY_10, tick=False):
        plan = forecast(n=3)
    assert plan["days"][0]["inboxes"] == {"a": 2, "b": 1}
    assert plan["last_contact_date"] == "2026-12-04"
    assert plan["assumptions"]["paused_inboxes"] == ["c"]
    assert plan["assumptions"]["active_inboxes"] == ["a", "b"]


@pytest.mark.django_db
def test_without_an_active_inbox_nothing_can_be_planned(weekdays) -> None:
    InboxFactory(status=Inbox.Status.PAUSED)
    plan = forecast(n=4)
    assert plan["last_contact_date"] is None
    assert plan["not_scheduled"] == 4
    assert plan["planned"] == 0


def _ready(email_verification: str = "valid", **prospect: Any) -> Contact:
    return ContactFactory(prospect=ProspectFactory(**prospect), verification=email_verification)


@pytest.mark.django_db
def test_the_default_n_is_the_ready_prospects_with_an_address_we_may_write_to(settings) -> None:
    good = _ready()
    ContactFactory(prospect=good.prospect)  # a second address: still one prospect
    Suppression.objects.create(email=_ready().email, reason="unsubscribe")
    Suppression.objects.create(domain=_ready().prospect.domain, reason="manual")
    _ready("invalid")
    _ready("unknown")
    _ready(stage=Prospect.Stage.ENRICHED)
    _ready(archived=True)
    assert forecast()["n"] == 1
    assert forecast()["n_is_default"] is True
    settings.JENGU = {**settings.JENGU, "SEND_UNVERIFIED": True}
    assert forecast()["n"] == 2


@pytest.mark.django_db
def test_the_forecast_api_answers_per_day_plans_and_assumptions(api, weekdays) -> None:
    InboxFactory(timezone="UTC", warmup_start=date(2026, 11, 30))
    with time_machine.travel(FRIDAY_10, tick=False):
        body = api.get("/api/status/forecast?n=3").json()
    assert body["n"] == 3
    assert body["last_contact_date"] == "2026-12-07"
    assert body["days"][0] == {
        "date": "2026-12-04",
        "weekday": "fri",
        "capacity": 2,
        "planned": 2,
        "held_by_caps": 0,
        "inboxes": {body["assumptions"]["active_inboxes"][0]: 2},
    }
    assert body["assumptions"]["send_days"] == "mon-fri"
    assert body["assumptions"]["notes"]


@pytest.mark.django_db
def test_the_forecast_api_checks_n_and_needs_a_login(api, anon_client) -> None:
    bad = api.get("/api/status/forecast?n=-2")
    assert bad.status_code == 400
    assert "n" in bad.json()["fields"]
    assert anon_client.get("/api/status/forecast").status_code in (401, 403)


@pytest.mark.django_db
def test_the_forecast_page_answers_in_words(admin_client, weekdays) -> None:
    InboxFactory(timezone="UTC", warmup_start=date(2026, 11, 30))
    with time_machine.travel(FRIDAY_10, tick=False):
        page = admin_client.get("/admin/ops/forecast/?n=6").content.decode()
    assert "is contacted on <strong>2026-12-07</strong>" in page
    assert 'aria-label="First emails planned per day for 6 prospects"' in page


@pytest.mark.django_db
def test_the_caps_push_what_is_over_them_to_the_next_days(settings) -> None:
    settings.JENGU = {
        **settings.JENGU,
        "SEND_DAYS": "mon-sun",
        "SEND_HOURS": "0-24",
        "WARMUP_SCHEDULE": "50",
        "DOMAIN_DAILY_CAP": 2,
        "PROVIDER_DAILY_CAPS": "google=3",
    }
    InboxFactory(timezone="UTC", warmup_start=date(2026, 11, 30))
    for host in ("grupo.es", "reservas.grupo.es", "lisboa.grupo.es", "porto.grupo.es"):
        ContactFactory(prospect=ProspectFactory(), email=f"ana@{host}")  # one registrable domain
    for n in range(4):  # four domains on Google Workspace
        ContactFactory(prospect=ProspectFactory(), email=f"ana@casa{n}.pt", mx_provider="google")
    ContactFactory(prospect=ProspectFactory(), email="ana@solo.pt")
    # Today's counters already hold one email to grupo.es.
    DomainDay.objects.create(kind="domain", key="grupo.es", day=date(2026, 12, 4), sent=1)
    with time_machine.travel(FRIDAY_10, tick=False):
        plan = forecast()
    assert plan["n"] == 9
    # Friday: grupo.es 1 (one already sent), Google 3 of 4, solo.pt 1; the rest spills over.
    assert _planned(plan) == {"2026-12-04": 5, "2026-12-05": 3, "2026-12-06": 1}
    assert [d["held_by_caps"] for d in plan["days"]] == [4, 1, 0]
    assert plan["last_contact_date"] == "2026-12-06"
    # A number beyond the known recipients counts as distinct domains.
    with time_machine.travel(FRIDAY_10, tick=False):
        assert _planned(forecast(n=20))["2026-12-04"] == 16
