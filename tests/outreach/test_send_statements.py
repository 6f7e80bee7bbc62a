"""On PostgreSQL a send pass claims in one statement and settles an accepted send in one."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inboxes.models import Inbox, InboxDay
from outreach.models import DomainDay, Enrollment, OutboundEmail
from outreach.services import prepare_due, run_send_pass
from outreach.services.fastpass import FastClaims
from outreach.services.fastsettle import next_steps
from outreach.services.sendpass import inboxes_by_health
from prospects.models import Prospect
from tests.factories import CampaignFactory, InboxFactory
from tests.outreach.helpers import enrolled

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(settings: Any) -> Inbox:
    settings.JENGU = {
        **settings.JENGU,
        "SEND_HOURS": "0-24",
        "SEND_DAYS": "mon-sun",
        "SEND_GAP_SECONDS": "0",
        "DOMAIN_DAILY_CAP": 1,
    }
    with time_machine.travel(NOON, tick=False):
        inbox = InboxFactory(warmup_schedule="1000")
        campaign = CampaignFactory()
        for domain in ("one.example", "two.example", "mail.two.example"):
            enrolled(campaign, now=NOON, prospect__domain=domain)
        prepare_due(now=NOON)
    return inbox


def _sql(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries]


def test_one_claim_is_one_statement_and_one_settle_is_one(world: Inbox) -> None:
    fast = FastClaims.start(inboxes_by_health(NOON))
    assert fast is not None
    first = fast.due.pick(fast.senders[world.pk].inbox, NOON, {})  # the pass's read
    assert first is not None
    with CaptureQueriesContext(connection) as claimed:
        claim = fast.claim(world.pk, NOON, {})
    assert claim is not None and claim.email_id == first.pk
    assert len(_sql(claimed)) == 1, _sql(claimed)
    row = OutboundEmail.objects.get(pk=first.pk)
    assert (row.status, row.claim_token, row.attempts) == ("sending", claim.token, 1)
    assert InboxDay.objects.get(inbox=world).reserved == 1
    domain = DomainDay.objects.get(key=claim.hold.domain if claim.hold else "")
    assert (domain.reserved, domain.sent) == (1, 0)

    assert claim.email is not None
    campaign = claim.email.enrollment.campaign_id
    fast.steps |= next_steps({campaign})  # read once per pass, before the count
    fast.campaigns.add(campaign)
    with CaptureQueriesContext(connection) as settled:
        assert fast.settle_sent(claim, now=NOON, provider_id="p-1", raw="")
    assert len(_sql(settled)) == 1, _sql(settled)
    # Settled once: the claim's token no longer matches, a second settle changes nothing.
    assert not fast.settle_sent(claim, now=NOON, provider_id="again", raw="")

    row.refresh_from_db()
    assert (row.status, row.provider_message_id, row.lease_until) == ("sent", "p-1", None)
    day = InboxDay.objects.get(inbox=world)
    assert (day.reserved, day.sent) == (0, 1)
    domain.refresh_from_db()
    assert (domain.reserved, domain.sent) == (0, 1)
    assert Enrollment.objects.get(pk=row.enrollment_id).current_step == 1
    assert Prospect.objects.get(pk=row.prospect_id).stage == Prospect.Stage.CONTACTED
    inbox = Inbox.objects.get(pk=world.pk)
    assert (inbox.last_success_at, inbox.bounce_sample, inbox.bounce_rate) == (NOON, 1, 0.0)


def test_a_full_counter_takes_nothing_and_the_ledger_explains_it(world: Inbox) -> None:
    """The domain cap is 1: the second email to two.example is refused by the one-statement
    claim without touching a counter, and the pass's ``claim_next`` defers it for the day."""
    with time_machine.travel(NOON, tick=False):
        report = run_send_pass()
    assert report.sent == 2
    assert "domain cap reached for two.example" in " ".join(report.skipped.values())
    assert [d.reserved for d in DomainDay.objects.all()] == [0, 0]
    assert sorted(d.sent for d in DomainDay.objects.all()) == [1, 1]
    day = InboxDay.objects.get(inbox=world)
    assert (day.reserved, day.sent) == (0, 2)
    waiting = OutboundEmail.objects.get(status="queued")
    assert waiting.send_after > NOON and waiting.attempts == 0


def test_a_pass_costs_two_statements_per_email_on_top_of_its_reads(world: Inbox) -> None:
    with time_machine.travel(NOON, tick=False), CaptureQueriesContext(connection) as ctx:
        report = run_send_pass(count=2)
    assert report.sent == 2
    ours = [s for s in _sql(ctx) if s.startswith("WITH ")]
    assert len(ours) == 4, _sql(ctx)  # two claims, two settles
    # Besides: the unsubscribe tokens of the page's recipients, created in one INSERT.
    others = [s for s in _sql(ctx) if not s.startswith(("SELECT", "WITH ", "BEGIN", "COMMIT"))]
    assert len(others) == 1 and "unsubscribetoken" in others[0], others


def test_a_full_provider_cap_leaves_no_counter_taken(settings: Any) -> None:
    """Provider cap 1 for Google: the first email takes its domain and the provider in its
    one statement; the second (another domain, same provider) takes neither."""
    settings.JENGU = {
        **settings.JENGU,
        "SEND_HOURS": "0-24",
        "SEND_DAYS": "mon-sun",
        "SEND_GAP_SECONDS": "0",
        "PROVIDER_DAILY_CAPS": "google=1",
    }
    with time_machine.travel(NOON, tick=False):
        inbox = InboxFactory(warmup_schedule="1000")
        campaign = CampaignFactory()
        for domain in ("hotel-um.pt", "hotel-dois.pt"):
            enrolled(campaign, now=NOON, prospect__domain=domain, mx_provider="google")
        prepare_due(now=NOON)
        fast = FastClaims.start(inboxes_by_health(NOON))
        assert fast is not None
        claim = fast.claim(inbox.pk, NOON, {})
        assert claim is not None and claim.hold is not None
        assert claim.hold.provider == "google"
        assert fast.claim(inbox.pk, NOON, {}) is None  # the provider is full
    counts = {(d.kind, d.key): (d.reserved, d.sent) for d in DomainDay.objects.all()}
    assert counts == {("domain", claim.hold.domain): (1, 0), ("provider", "google"): (1, 0)}
    assert InboxDay.objects.get(inbox=inbox).reserved == 1
    assert OutboundEmail.objects.filter(status="sending").count() == 1


def test_a_day_filled_while_the_claim_waits_undoes_the_whole_claim(world: Inbox) -> None:
    """Another transaction holds the inbox's day row and fills it; the claim, which already
    took the domain slot, finds the day full once it gets the row: the statement fails and
    takes nothing back to the database (no domain slot held, the email still queued)."""
    with time_machine.travel(NOON, tick=False):
        InboxDay.objects.create(inbox=world, date=NOON.date(), limit=1000)
        fast = FastClaims.start(inboxes_by_health(NOON))
        assert fast is not None
        email = fast.due.pick(fast.senders[world.pk].inbox, NOON, {})
        assert email is not None
    s = connection.settings_dict
    url = f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    other = psycopg.connect(url)
    other.execute("UPDATE inboxes_inboxday SET sent = 1000 WHERE inbox_id = %s", (world.pk,))
    results: list[Any] = []

    def claim_it() -> None:
        try:
            results.append(fast.claim(world.pk, NOON, {}))
        except BaseException as exc:
            results.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=claim_it)
    thread.start()
    waiting, watcher = 0, psycopg.connect(url, autocommit=True)  # fresh activity each read
    for _ in range(1000):  # until the claim waits on the day row
        waiting = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        ).fetchone()[0]
        if waiting or not thread.is_alive():
            break
        time.sleep(0.01)
    watcher.close()
    other.commit()
    other.close()
    thread.join(timeout=30)
    assert waiting == 1, results
    (claim,) = results
    assert claim is None
    assert OutboundEmail.objects.get(pk=email.pk).status == "queued"
    assert not DomainDay.objects.filter(reserved__gt=0).exists()
    assert InboxDay.objects.get(inbox=world).reserved == 0


def test_an_inbox_whose_day_is_full_refuses_and_keeps_the_email_for_the_others(
    world: Inbox,
) -> None:
    """Its day is full: the inbox refuses (nothing taken), the email stays in the pass's due
    page, so another inbox's one-statement claim can still take it."""
    fast = FastClaims.start(inboxes_by_health(NOON))
    assert fast is not None
    InboxDay.objects.create(inbox=world, date=NOON.date(), limit=1000, sent=1000)
    assert fast.claim(world.pk, NOON, {}) is None
    assert len(fast.due.rows) == OutboundEmail.objects.filter(status="queued").count() == 3
    assert OutboundEmail.objects.filter(status="sending").count() == 0
    assert not DomainDay.objects.filter(reserved__gt=0).exists()
