"""The crawler against local hotel websites: robots.txt, redirects, size cap, timeouts, pace."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from prospects.clients.web import FetchError, RobotsRefused
from prospects.models import CrawlHost
from prospects.services.crawl import HostBusy, crawl_site, reserve_slot, web_client
from tests.prospects.sites import SiteServer, sites  # noqa: F401
from tests.servers.http import Response

pytestmark = pytest.mark.django_db


def test_home_and_contact_page_give_obfuscated_and_plain_addresses(sites: SiteServer) -> None:
    with web_client() as client:
        crawl = crawl_site(client, "http://alfama-azul.test/")
    info = crawl.info
    assert info.emails == [
        "reservas@alfama-azul.test",
        "ana.ribeiro@alfama-azul.test",
        "eventos@alfama-azul.test",
    ]
    assert info.phones[0] == "+351218860100" and "+351218860199" not in info.phones  # no fax
    assert set(info.social) == {"facebook", "instagram"}
    assert "boutique hotel in Alfama" in info.description
    assert sites.paths("alfama-azul.test") == ["/robots.txt", "/", "/contactos/"]


def test_robots_txt_that_forbids_everything_is_obeyed(sites: SiteServer) -> None:
    with web_client() as client, pytest.raises(RobotsRefused):
        client.fetch("http://quinta-serra.test/")
    assert sites.paths("quinta-serra.test") == ["/robots.txt"]


def test_robots_rules_for_our_agent_are_the_ones_applied(sites: SiteServer) -> None:
    with web_client() as client:
        page = client.fetch("http://palacio-flores.test/")  # "*" is refused, JenguBot is not
        assert page.status == 200
        with pytest.raises(RobotsRefused):
            client.fetch("http://palacio-flores.test/private/staff")
    assert "/private/staff" not in sites.paths("palacio-flores.test")


def test_redirect_to_another_host_is_followed_with_its_own_robots(sites: SiteServer) -> None:
    with web_client() as client:
        crawl = crawl_site(client, "http://old-palacio.test/")
    assert crawl.pages[0]["final_url"] == "http://palacio-flores.test/"
    assert sites.paths("old-palacio.test") == ["/robots.txt", "/"]
    assert sites.paths("palacio-flores.test")[:2] == ["/robots.txt", "/"]
    # the JSON-LD of the contact page, and the "(at)/(dot)" text of the home page
    assert crawl.info.emails == ["geral@palacio-flores.test", "reservas@palacio-flores.test"]
    assert crawl.info.phones == ["+351223405000"]
    assert set(crawl.info.social) == {"instagram", "tripadvisor", "facebook"}


def test_broken_html_still_gives_its_contacts(sites: SiteServer) -> None:
    with web_client() as client:
        crawl = crawl_site(client, "http://casa-largo.test/")
    assert crawl.home_ok
    assert crawl.info.emails == ["info@casa-largo.test"]
    assert crawl.info.phones == ["210001234"]
    assert crawl.info.social == {"instagram": "https://instagram.com/casadolargo"}
    broken = crawl.pages[1]
    assert broken["url"] == "http://casa-largo.test/contacto.php?lang=en"
    assert (broken["error"], broken["detail"]) == ("http_status", "HTTP 404")


def test_latin1_page_is_decoded_and_script_addresses_ignored(sites: SiteServer) -> None:
    with web_client() as client:
        crawl = crawl_site(client, "http://miradouro.test/")
    assert crawl.info.description.startswith("Pensão familiar com vista")
    assert crawl.info.emails == ["reservas@miradouro.test", "comercial@miradouro.test"]
    assert "spam@miradouro.test" not in crawl.info.emails


def test_the_impressum_of_a_german_guesthouse_is_followed(sites: SiteServer) -> None:
    with web_client() as client:
        crawl = crawl_site(client, "http://gasthof-mueller.test/")
    assert sites.paths("gasthof-mueller.test") == ["/robots.txt", "/", "/impressum"]
    assert crawl.info.emails == [  # mailto: links first, then the text
        "studio@pixel-agentur.test",
        "info@gasthof-mueller.test",
        "h.mueller@gasthof-mueller.test",
    ]
    assert crawl.info.phones == ["0891234567", "+49891234567"]  # not the Telefax
    assert crawl.info.description.startswith("Gasthof mit 14 Zimmern")


def test_a_ten_megabyte_page_is_cut_at_the_size_cap(sites: SiteServer, settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "CRAWL_MAX_BYTES": 300_000}
    filler = b"<p>" + b"lorem ipsum dolor sit amet " * 40 + b"</p>\n"
    body = b"<html><body><p>Reservas: reservas@big-hotel.test</p>\n"
    body += filler * (10_000_000 // len(filler) + 1) + b"<p>late@big-hotel.test</p></body></html>"
    assert len(body) > 10_000_000
    sites.add("big-hotel.test", "/", Response(200, body, {"Content-Type": "text/html"}))
    with web_client() as client:
        page = client.fetch("http://big-hotel.test/")
        crawl = crawl_site(client, "http://big-hotel.test/")
    assert page.truncated and len(page.body) == 300_000
    assert crawl.info.emails == ["reservas@big-hotel.test"]
    assert crawl.pages[0]["truncated"] is True


def test_a_slow_page_times_out(sites: SiteServer, settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "CRAWL_TIMEOUT": 0.5}
    sites.add("slow-hotel.test", "/", Response(200, "<p>hi</p>", delay=3.0))
    started = time.monotonic()
    with web_client() as client, pytest.raises(FetchError) as caught:
        client.fetch("http://slow-hotel.test/")
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 2.5


def test_hosts_written_as_ip_addresses_are_not_crawled(sites: SiteServer) -> None:
    with web_client() as client, pytest.raises(FetchError) as caught:
        client.fetch("http://10.0.0.7/admin")
    assert caught.value.reason == "bad_url"
    assert sites.hits == []


def test_the_pace_per_domain_holds_across_clients(sites: SiteServer, settings: Any) -> None:
    settings.JENGU = {**settings.JENGU, "CRAWL_DELAY": 0.4}
    first, second = web_client(), web_client()  # two workers, one database row per host
    try:
        first.fetch("http://alfama-azul.test/")
        second.fetch("http://alfama-azul.test/contactos/")
        first.fetch("http://casa-largo.test/")  # another host is not held back
    finally:
        first.close()
        second.close()
    times = [t for t, host, _ in sites.hits if host == "alfama-azul.test"]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 4  # robots.txt twice (each client reads it once), then two pages
    assert all(gap >= 0.35 for gap in gaps), gaps
    other = next(t for t, host, _ in sites.hits if host == "casa-largo.test")
    assert other - times[-1] < 0.35
    assert CrawlHost.objects.filter(host="alfama-azul.test").exists()


def test_a_host_booked_far_ahead_is_left_for_later(settings: Any) -> None:
    later = timezone.now() + timedelta(minutes=5)
    CrawlHost.objects.create(host="busy-hotel.test", next_at=later)
    with pytest.raises(HostBusy) as caught:
        reserve_slot("busy-hotel.test", 2.0, max_wait=30)
    assert caught.value.retry_at == later
    assert reserve_slot("quiet-hotel.test", 2.0, max_wait=30) == 0.0
