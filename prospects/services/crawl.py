"""Reading a hotel's website: the shared pace per host, and the home page plus its likely
contact pages turned into one ``SiteInfo``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from prospects.clients.web import FetchError, Page, WebClient
from prospects.conf import knob, user_agent
from prospects.extract import SiteInfo, extract_contacts
from prospects.models import CrawlHost

PREFERRED = ("contact", "kontakt", "contato", "contatti", "contacto")


class HostBusy(Exception):
    """The host's queue of polite requests is longer than ``CRAWL_MAX_WAIT``: come back at
    ``retry_at`` instead of holding a worker."""

    def __init__(self, host: str, retry_at: datetime) -> None:
        super().__init__(f"{host} is busy until {retry_at.isoformat(timespec='seconds')}")
        self.host = host
        self.retry_at = retry_at


def reserve_slot(host: str, interval: float, *, max_wait: float) -> float:
    """Take the host's next request slot; returns the seconds to wait for it.

    The slot is a row per host locked with select_for_update, so every worker on every machine
    shares one pace: ``interval`` seconds between two requests to one host.
    """
    now = timezone.now()
    with transaction.atomic():
        CrawlHost.objects.bulk_create([CrawlHost(host=host, next_at=now)], ignore_conflicts=True)
        row = CrawlHost.objects.select_for_update().get(host=host)
        start = max(now, row.next_at)
        wait = (start - now).total_seconds()
        if wait > max_wait:
            raise HostBusy(host, start)
        row.next_at = start + timedelta(seconds=interval)
        row.save(update_fields=["next_at"])
    return wait


def db_throttle(host: str, interval: float) -> None:
    wait = reserve_slot(host[:255], interval, max_wait=knob("CRAWL_MAX_WAIT"))
    if wait > 0:
        time.sleep(wait)


def web_client() -> WebClient:
    return WebClient(
        throttle=db_throttle,
        user_agent=user_agent(),
        timeout=knob("CRAWL_TIMEOUT"),
        max_bytes=knob("CRAWL_MAX_BYTES"),
        delay=knob("CRAWL_DELAY"),
        proxy=knob("CRAWL_PROXY"),
    )


@dataclass
class Crawl:
    start_url: str
    info: SiteInfo
    pages: list[dict[str, Any]] = field(default_factory=list)
    home_ok: bool = False

    @property
    def refused(self) -> bool:
        return bool(self.pages) and self.pages[0].get("error") == "robots"


def _page_record(page: Page) -> dict[str, Any]:
    record: dict[str, Any] = {"url": page.url, "status": page.status, "bytes": len(page.body)}
    if page.final_url != page.url:
        record["final_url"] = page.final_url
    if page.truncated:
        record["truncated"] = True
    return record


def _merge(into: SiteInfo, other: SiteInfo) -> None:
    into.emails += [e for e in other.emails if e not in into.emails]
    into.phones += [p for p in other.phones if p not in into.phones]
    for platform, url in other.social.items():
        into.social.setdefault(platform, url)
    into.description = into.description or other.description


def _contact_pages(info: SiteInfo, limit: int) -> list[str]:
    def rank(url: str) -> int:
        return 0 if any(word in url.lower() for word in PREFERRED) else 1

    return sorted(info.contact_pages, key=rank)[:limit]


def _fetch(client: WebClient, url: str, crawl: Crawl) -> SiteInfo | None:
    try:
        page = client.fetch(url)
    except FetchError as exc:
        crawl.pages.append({"url": url, "error": exc.reason, "detail": exc.detail})
        return None
    crawl.pages.append(_page_record(page))
    return extract_contacts(page.body, page.final_url)


def crawl_site(client: WebClient, url: str) -> Crawl:
    """The home page, then up to CRAWL_CONTACT_PAGES same-site contact/about pages."""
    crawl = Crawl(url, SiteInfo(url=url))
    home = _fetch(client, url, crawl)
    if home is None:
        return crawl
    crawl.home_ok = True
    crawl.info = home
    for page_url in _contact_pages(home, knob("CRAWL_CONTACT_PAGES")):
        found = _fetch(client, page_url, crawl)
        if found is not None:
            _merge(crawl.info, found)
    return crawl
