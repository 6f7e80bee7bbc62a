"""The scale benchmark's measured paths: pages and endpoints through Django's test client
(signed in as a superuser, every middleware on), one send pass, one reply-check pass, the
EXPLAIN plans, and the web and worker processes of a simulated day."""

from __future__ import annotations

import base64
import itertools
import re
import resource
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

INBOXES = 100
REPLIES_PER_PASS = 100
DAY_SENDS = INBOXES * 30  # thirty emails per inbox per day: a warmed pool's pace
_counter = itertools.count(1)


def make_fixture() -> tuple[int, list[int]]:
    """The rows COPY does not make: 100 Maildir inboxes, a campaign and its step, the admin."""
    from django.contrib.auth import get_user_model

    from inboxes.models import Inbox
    from outreach.models import Campaign, SequenceStep

    ids = [
        Inbox.objects.create(
            key=f"scale-{i}",
            provider=Inbox.Provider.MAILDIR,
            address=f"sender{i}@bench.example",
            warmup_schedule="1000000",
        ).pk
        for i in range(INBOXES)
    ]
    campaign = Campaign.objects.create(name="scale", strategy="cold_direct")
    SequenceStep.objects.create(campaign=campaign, number=1, delay_days=0)
    get_user_model().objects.create_superuser("scale", "scale@bench.example", "scale")
    return campaign.pk, ids


def _client() -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="scale"))
    return client


def _get(client: Any, url: str) -> Callable[[], None]:
    def fetch() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"scale: GET {url} answered {response.status_code}")
        if hasattr(response, "render") and not response.is_rendered:
            response.render()

    return fetch


def _deep_cursor(rows: int) -> str:
    """A cursor halfway down the prospects, as the API's `next` link would encode it."""
    from prospects.models import Prospect

    at = Prospect.objects.order_by("-created_at", "-id").values_list("created_at", flat=True)
    position = str(at[rows // 2])
    return base64.b64encode(urlencode({"p": position}).encode()).decode()


def requests(rows: int, refresh: bool = True) -> Iterator[tuple[str, Callable[[], object]]]:
    """The measured pages. ``refresh``: compute the snapshots first, as the every-minute
    "Refresh snapshots" schedule keeps them (the web simulation has a process doing that)."""
    from django.urls import reverse

    from console.snapshot import refresh_snapshots

    if refresh:
        refresh_snapshots()
    client = _client()
    term = f"Harbour {rows // 3}"  # one hotel's name: the selective search an operator types
    admin = "/admin/"
    pages = [
        ("dashboard", reverse("jengu-dashboard")),
        ("admin prospects", f"{admin}prospects/prospect/"),
        ("admin prospects ?q=", f"{admin}prospects/prospect/?q={term}"),
        ("admin prospects ?stage=", f"{admin}prospects/prospect/?stage__exact=ready"),
        ("admin contacts", f"{admin}prospects/contact/"),
        ("admin contacts ?q=", f"{admin}prospects/contact/?q=guest{rows // 3}@"),
        ("admin contacts ?verification=", f"{admin}prospects/contact/?verification__exact=valid"),
        ("admin enrollments", f"{admin}outreach/enrollment/"),
        ("admin enrollments ?q=", f"{admin}outreach/enrollment/?q=guest{rows // 3}@"),
        ("admin enrollments ?status=", f"{admin}outreach/enrollment/?status__exact=active"),
        ("admin outbound", f"{admin}outreach/outboundemail/"),
        ("admin outbound ?q=", f"{admin}outreach/outboundemail/?q=guest{rows // 3}@"),
        ("admin outbound ?status=", f"{admin}outreach/outboundemail/?status__exact=bounced"),
        ("admin inbound", f"{admin}outreach/inboundmessage/"),
        ("admin inbound ?q=", f"{admin}outreach/inboundmessage/?q=guest{rows // 3}@"),
        ("admin inbound ?kind=", f"{admin}outreach/inboundmessage/?kind__exact=bounce"),
        ("admin replies", f"{admin}outreach/reply/"),
        ("admin replies ?q=", f"{admin}outreach/reply/?q=guest{rows // 3}@"),
        ("admin replies ?state=", f"{admin}outreach/reply/?state=unread"),
        ("api prospects", "/api/prospects"),
        ("api prospects deep cursor", f"/api/prospects?cursor={_deep_cursor(rows)}"),
        ("api prospects ?search=", f"/api/prospects?search=Harbour%20{rows // 3}"),
        ("api prospects ?page=3 (ignored)", "/api/prospects?page=3"),
    ]
    for name in ("warmup", "inboxes", "forecast", "domain-caps", "rate-limits"):
        pages.append((f"api status/{name}", reverse(f"status-{name}")))
    for label, url in pages:
        yield label, _get(client, url)


def _open_gates() -> None:
    """Every inbox may send again now: the pass measures claims and sends, not random gaps."""
    from inboxes.models import Inbox

    Inbox.objects.update(next_send_at=None)


def send_pass() -> int:
    """One round of the send pass: every inbox claims, sends and settles what it may now
    (the scheduled task then waits out the inboxes' random gaps; that wait is not measured)."""
    from outreach.services import run_send_pass

    _open_gates()
    report = run_send_pass()
    if not report.sent:
        raise SystemExit(f"scale: the send pass sent nothing ({report.as_dict()}); --rebuild")
    return report.sent


def _deliver_replies(n: int) -> None:
    """Replies to sent emails in the inboxes' Maildirs: half by In-Reply-To, half by sender."""
    from inboxes.clients.maildir import inbox_path, open_maildir
    from inboxes.models import Inbox
    from outreach.models import OutboundEmail

    inboxes = {i.pk: i for i in Inbox.objects.all()}
    sent = OutboundEmail.objects.filter(status="sent").order_by("-id")
    batch, stamp = next(_counter), time.time_ns()
    for k, (mid, rcpt, inbox_id) in enumerate(
        sent.values_list("message_id", "recipient", "inbox_id")[(batch - 1) * n : batch * n]
    ):
        threading = f"In-Reply-To: {mid}\r\n" if k % 2 == 0 else ""
        raw = (
            f"From: {rcpt}\r\nTo: sender@bench.example\r\nSubject: Re: your question\r\n"
            f"Message-ID: <scale-{stamp}-{k}@reply.example>\r\n{threading}\r\n"
            "Yes, tell me more about the price.\r\n"
        ).encode()
        open_maildir(inbox_path(inboxes[inbox_id])).add(raw)


def reply_pass() -> None:
    from inboxes.models import Inbox
    from outreach.services import reader

    _deliver_replies(REPLIES_PER_PASS)
    Inbox.objects.update(reader_lock_until=None, reader_retry_at=None)
    stored = sum(reader.check_inbox(i).get("stored", 0) for i in reader.readable_inbox_ids())
    if stored < REPLIES_PER_PASS:
        raise SystemExit(f"scale: the reply check stored {stored} of {REPLIES_PER_PASS}")


def passes() -> list[tuple[str, Callable[[], object]]]:
    return [
        (f"pass: send (one pass, {INBOXES} inboxes)", send_pass),
        (f"pass: reply check ({REPLIES_PER_PASS} replies)", reply_pass),
    ]


def _explain(sql: str) -> str:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
        plan = "\n".join("    " + row[0] for row in cur.fetchall())
        transaction.set_rollback(True)
    return plan


def explain_plans(say: Callable[[str], None]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as sent:
        send_pass()
    with CaptureQueriesContext(connection) as read:
        reply_pass()
    wanted = [
        # PostgreSQL's send pass: one read of the due page per 50 emails, then one statement
        # per claim (outreach/services/sendqueue.py, fastclaim.py; README "Sending"). EXPLAIN
        # ANALYZE runs the claim again after the pass took its row: the plan, not the row count.
        ("send due page (one read per 50 emails)", sent, r'"send_after" ASC, .*LIMIT 50'),
        ("send claim (one statement)", sent, r"^WITH .*SKIP LOCKED"),
        (
            "send claim, the ORM path (refusals, SQLite)",
            sent,
            r'FROM "outreach_outboundemail".*FOR UPDATE',
        ),
        ("reply match by Message-ID", read, r'"outreach_outboundemail"."message_id" IN'),
        ("reply match by sender", read, r'UPPER\("outreach_outboundemail"."recipient"'),
    ]
    for label, ctx, pattern in wanted:
        sql = next((q["sql"] for q in ctx.captured_queries if re.search(pattern, q["sql"])), None)
        say(f"EXPLAIN {label}:")
        say("    (not used in this pass)" if sql is None else _explain(sql))


def _rss() -> dict[str, float]:
    lines = Path("/proc/self/status").read_text().splitlines()
    status = dict(line.split(":", 1) for line in lines if ":" in line)
    rss = float(status["VmRSS"].split()[0]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rss_mb": rss, "peak_mb": peak}


def simulate_web(seconds: int) -> dict[str, Any]:
    """The request mix of an operator's day, every page in turn, for ``seconds``."""
    from django.conf import settings
    from django.core.cache import cache

    from console.snapshot import PREFIX

    rows = settings_rows()
    waited = time.monotonic() + 600  # until the refresher's first run is in the cache
    while cache.get(PREFIX + "forecast") is None and time.monotonic() < waited:
        time.sleep(1)
    fetches = list(requests(rows, refresh=False))
    ends, done = time.monotonic() + seconds, 0
    while time.monotonic() < ends:
        for _label, fetch in fetches:
            fetch()
            done += 1
    return {**_rss(), "did": f"{done} requests", "debug": settings.DEBUG}


def settings_rows() -> int:
    from prospects.models import Prospect

    return Prospect.objects.order_by("-id").values_list("id", flat=True).first() or 0


def refresh_every_minute(seconds: int) -> dict[str, Any]:
    """The "Refresh snapshots" schedule (every minute), for ``seconds``."""
    from console.snapshot import refresh_snapshots

    ends, runs = time.monotonic() + seconds, 0
    while time.monotonic() < ends:
        refresh_snapshots()
        runs += 1
        time.sleep(max(0.0, min(60.0, ends - time.monotonic())))
    return {"runs": runs}


def simulate_worker(seconds: int) -> dict[str, Any]:
    """A day of 100 inboxes (DAY_SENDS emails; a reply check after every fifth send pass; the
    snapshots refreshed every minute, as the schedule does), compressed into at most
    ``seconds``."""
    from console.snapshot import refresh_snapshots

    ends, sent_passes, checks, sent = time.monotonic() + seconds, 0, 0, 0
    refreshed = 0.0
    while time.monotonic() < ends and sent < DAY_SENDS:
        if time.monotonic() - refreshed >= 60:
            refresh_snapshots()
            refreshed = time.monotonic()
        sent += send_pass()
        sent_passes += 1
        if sent_passes % 5 == 0:
            reply_pass()
            checks += 1
    return {**_rss(), "did": f"{sent} sent in {sent_passes} passes, {checks} reply checks"}
