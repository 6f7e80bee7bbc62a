"""Blackout dates: the recipient's public holidays and the operator's blackout days are skipped
by the send window, the manual send says why it waits, and the forecast skips them too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from console.forecast import forecast
from outreach.blackout import parse_blackout
from outreach.models import Campaign, OutboundEmail
from outreach.services import run_send_pass
from outreach.services.policy import in_window, next_window_start
from tests.factories import CampaignFactory, ContactFactory, InboxFactory, ProspectFactory
from tests.outreach.helpers import enrolled, smtp_inbox

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PARIS, TOKYO, UTC = ZoneInfo("Europe/Paris"), ZoneInfo("Asia/Tokyo"), ZoneInfo("UTC")
BASTILLE_DAY = datetime(2026, 7, 14, 10, 0, tzinfo=PARIS)  # a Tuesday
# 07:30 UTC on 14 July: 09:30 in Paris and 16:30 in Tokyo, both inside their 9-17 windows.
BOTH_OPEN = datetime(2026, 7, 14, 7, 30, tzinfo=UTC)


@pytest.fixture
def holidays_on(settings: Any) -> None:
    settings.JENGU = {
        **settings.JENGU,
        "SKIP_HOLIDAYS": True,
        "SEND_HOURS": "9-17",
        "SEND_DAYS": "mon-fri",
    }


def _french(**contact: Any) -> dict[str, Any]:
    return {"prospect__country": "France", "prospect__city": "Paris", **contact}


def test_a_french_recipient_waits_out_14_july_and_christmas(holidays_on) -> None:
    assert not in_window(PARIS, BASTILLE_DAY, country="France")
    assert in_window(PARIS, BASTILLE_DAY, country="")  # no country: no holiday known
    assert next_window_start(PARIS, BASTILLE_DAY, country="FR") == datetime(
        2026, 7, 15, 9, 0, tzinfo=PARIS
    )
    # Friday 25 December, then the weekend: the next business day is Monday 28.
    christmas = datetime(2026, 12, 25, 11, 0, tzinfo=PARIS)
    assert next_window_start(PARIS, christmas, country="FR") == datetime(
        2026, 12, 28, 9, 0, tzinfo=PARIS
    )


def test_the_pass_skips_a_holiday_in_france_but_sends_to_japan(
    holidays_on, smtp_server, settings
) -> None:
    with time_machine.travel(BOTH_OPEN, tick=False):
        smtp_inbox(smtp_server, settings)
        campaign = CampaignFactory()
        (paris,) = enrolled(campaign, now=BOTH_OPEN, **_french())
        (tokyo,) = enrolled(
            campaign, now=BOTH_OPEN, prospect__country="Japan", prospect__city="Tokyo"
        )
        report = run_send_pass()
    assert [m.rcpt_tos for m in smtp_server.messages] == [[tokyo.contact.email]]
    (skipped,) = report.as_dict()["skipped"]
    assert skipped["reason"] == "public holiday in FR (National Day)"
    # The next business day, the French email goes.
    with time_machine.travel(datetime(2026, 7, 15, 10, 0, tzinfo=PARIS), tick=False):
        assert run_send_pass().sent == 1
    assert smtp_server.messages[1].rcpt_tos == [paris.contact.email]


def test_holiday_skipping_can_be_turned_off(holidays_on, smtp_server, settings) -> None:
    settings.JENGU = {**settings.JENGU, "SKIP_HOLIDAYS": False}
    with time_machine.travel(BASTILLE_DAY, tick=False):
        smtp_inbox(smtp_server, settings)
        enrolled(now=BASTILLE_DAY, **_french())
        assert run_send_pass().sent == 1


def test_a_global_blackout_range_holds_every_email(holidays_on, smtp_server, settings) -> None:
    settings.JENGU = {**settings.JENGU, "BLACKOUT_DATES": "2026-07-20..2026-07-21, 2026-12-31"}
    monday = datetime(2026, 7, 20, 10, 0, tzinfo=PARIS)
    with time_machine.travel(monday, tick=False):
        smtp_inbox(smtp_server, settings)
        enrolled(now=monday, **_french())
        report = run_send_pass()
    assert report.sent == 0 and report.as_dict()["skipped"][0]["reason"] == "blackout date"
    assert next_window_start(PARIS, monday) == datetime(2026, 7, 22, 9, 0, tzinfo=PARIS)
    with time_machine.travel(datetime(2026, 7, 22, 9, 0, tzinfo=PARIS), tick=False):
        assert run_send_pass().sent == 1


def test_a_campaign_blackout_holds_only_that_campaigns_emails(
    holidays_on, smtp_server, settings
) -> None:
    monday = datetime(2026, 7, 20, 10, 0, tzinfo=PARIS)
    with time_machine.travel(monday, tick=False):
        smtp_inbox(smtp_server, settings)
        quiet = CampaignFactory(blackout_dates="2026-07-20\n2026-07-24")
        enrolled(quiet, now=monday, **_french())
        (other,) = enrolled(CampaignFactory(), now=monday, **_french())
        report = run_send_pass()
    assert [m.rcpt_tos for m in smtp_server.messages] == [[other.contact.email]]
    assert report.as_dict()["skipped"][0]["reason"] == "blackout date"


def test_blackout_grammar_and_the_admin_field(admin_client) -> None:
    assert parse_blackout("2026-12-24..2026-12-26, 2026-12-31\n") == (
        (date(2026, 12, 24), date(2026, 12, 26)),
        (date(2026, 12, 31), date(2026, 12, 31)),
    )
    with pytest.raises(ValueError, match="24/12"):
        parse_blackout("24/12")
    campaign = CampaignFactory(steps=[0])
    url = f"/admin/outreach/campaign/{campaign.pk}/change/"
    form = {
        "name": campaign.name,
        "strategy": "cold_direct",
        "status": "active",
        "ab_min_sample": "100",
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
    }
    bad = admin_client.post(url, {**form, "blackout_dates": "2026-12-26..2026-12-24"})
    assert bad.status_code == 200 and "must run forwards" in bad.content.decode()
    good = admin_client.post(url, {**form, "blackout_dates": "2026-12-24..2026-12-26"})
    assert good.status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).blackout_dates == "2026-12-24..2026-12-26"
    assert "2026-12-24..2026-12-26" in admin_client.get(url).content.decode()


def test_send_email_answers_when_and_why_it_waits(holidays_on, api, settings) -> None:
    InboxFactory(timezone="UTC")
    holiday = ContactFactory(**{"prospect__country": "France", "prospect__city": "Paris"})
    evening = ContactFactory(prospect__country="Japan", prospect__city="Tokyo")
    open_now = ContactFactory(prospect__country="Germany", prospect__city="Berlin")
    with time_machine.travel(BASTILLE_DAY, tick=False):
        answers = {
            name: api.post("/api/send-email", {"prospectId": c.prospect_id}, format="json")
            for name, c in (("fr", holiday), ("jp", evening), ("de", open_now))
        }
    assert {r.status_code for r in answers.values()} == {202}
    fr, jp, de = (answers[k].json() for k in ("fr", "jp", "de"))
    assert fr["reason"] == "public holiday in FR (National Day)"
    assert datetime.fromisoformat(fr["send_after"]) == datetime(2026, 7, 15, 9, 0, tzinfo=PARIS)
    assert OutboundEmail.objects.get(pk=fr["id"]).send_after == datetime(
        2026, 7, 15, 9, 0, tzinfo=PARIS
    )
    # 17:00 in Tokyo: the window has closed; it opens at 09:00 the next morning.
    assert jp["reason"] == "outside the recipient's send window (business hours)"
    assert datetime.fromisoformat(jp["send_after"]) == datetime(2026, 7, 15, 9, 0, tzinfo=TOKYO)
    assert de["reason"].startswith("due now")
    assert datetime.fromisoformat(de["send_after"]) == BASTILLE_DAY


def _ready_in(country: str, city: str) -> None:
    ContactFactory(prospect=ProspectFactory(country=country, city=city))


def _day(plan: dict[str, Any], iso: str) -> dict[str, Any]:
    return next(day for day in plan["days"] if day["date"] == iso)


def test_the_forecast_skips_holidays_and_blackout_days(holidays_on, settings) -> None:
    settings.JENGU = {**settings.JENGU, "BLACKOUT_DATES": "2026-07-16", "WARMUP_SCHEDULE": "5"}
    InboxFactory(timezone="Europe/Paris", warmup_start=date(2026, 7, 1))
    _ready_in("France", "Paris")
    with time_machine.travel(datetime(2026, 7, 13, 10, 0, tzinfo=PARIS), tick=False):
        plan = forecast(n=15)
    assert _day(plan, "2026-07-14")["capacity"] == 0
    assert _day(plan, "2026-07-14")["closed"] == "public holiday in FR (National Day)"
    assert _day(plan, "2026-07-16")["closed"] == "blackout date"
    # Mon 13, Wed 15, Fri 17 carry the 15 emails; Tue 14 and Thu 16 are closed.
    assert plan["last_contact_date"] == "2026-07-17"
    assert [d["planned"] for d in plan["days"]] == [5, 0, 5, 0, 5]


def test_the_forecast_reads_the_ready_countries_again_after_a_few_minutes(holidays_on) -> None:
    InboxFactory(timezone="Europe/Paris", warmup_start=date(2026, 7, 1))
    _ready_in("France", "Paris")
    with time_machine.travel(datetime(2026, 7, 13, 10, 0, tzinfo=PARIS), tick=False):
        assert _day(forecast(n=15), "2026-07-14")["closed"]
        _ready_in("Japan", "Tokyo")  # the Japanese can be written to on 14 July
        assert _day(forecast(n=15), "2026-07-14")["closed"]  # the countries are cached
    with time_machine.travel(datetime(2026, 7, 13, 10, 6, tzinfo=PARIS), tick=False):
        assert "closed" not in _day(forecast(n=15), "2026-07-14")


def test_the_forecast_keeps_a_day_open_while_some_countries_work(holidays_on, settings) -> None:
    InboxFactory(timezone="Europe/Paris", warmup_start=date(2026, 7, 1))
    _ready_in("France", "Paris")
    _ready_in("Japan", "Tokyo")
    campaign = CampaignFactory(is_default=True, blackout_dates="2026-07-15")
    with time_machine.travel(datetime(2026, 7, 14, 8, 0, tzinfo=PARIS), tick=False):
        plan = forecast(n=1)
    assert plan["days"][0]["date"] == "2026-07-14" and plan["days"][0]["planned"] == 1
    campaign.delete()
    with time_machine.travel(datetime(2026, 7, 15, 8, 0, tzinfo=PARIS), tick=False):
        Campaign.objects.create(name="Default", is_default=True, blackout_dates="2026-07-15")
        plan = forecast(n=1)
    assert plan["days"][0]["closed"] == "blackout date" and plan["days"][1]["planned"] == 1


def _knobs(env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: s.JENGU[k] for k in ('SKIP_HOLIDAYS', 'BLACKOUT_DATES')}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("JENGU_", "Q_"))}
    run = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "jengu.settings", "JENGU_VAR_DIR": str(tmp_path),
             **env},
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_holidays_are_skipped_by_default_but_never_block_the_demo(tmp_path: Path) -> None:
    assert _knobs({}, tmp_path) == {"SKIP_HOLIDAYS": True, "BLACKOUT_DATES": ""}
    assert _knobs({"JENGU_DEMO": "true"}, tmp_path)["SKIP_HOLIDAYS"] is False
    kept = _knobs({"JENGU_DEMO": "true", "JENGU_SKIP_HOLIDAYS": "true"}, tmp_path)
    assert kept["SKIP_HOLIDAYS"] is True


def test_the_demo_sends_on_christmas_day(smtp_server, settings) -> None:
    # What JENGU_DEMO=true applies: every hour of every day, holidays included.
    demo = {"DEMO": True, "SEND_HOURS": "0-24", "SEND_DAYS": "mon-sun", "SKIP_HOLIDAYS": False}
    settings.JENGU = {**settings.JENGU, **demo}
    christmas = datetime(2026, 12, 25, 22, 0, tzinfo=PARIS)
    with time_machine.travel(christmas, tick=False):
        smtp_inbox(smtp_server, settings)
        enrolled(now=christmas, **_french())
        assert run_send_pass().sent == 1
