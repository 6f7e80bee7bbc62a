"""Fetch a hotel's web pages politely: robots.txt, a pace per host, timeouts and a size cap.

- robots.txt is read once per host per client (RFC 9309): a 4xx means no rules, a 5xx or an
  unreachable file means "stay out" for now. Rules are matched for the ``JenguBot`` token, and
  a ``Crawl-delay`` longer than our own pace is honoured (up to a minute).
- Every request, robots.txt included, first asks the ``throttle`` for the host's next slot; the
  pipeline's throttle is a database row per host, so all workers share one pace.
- Redirects are followed by hand (five at most) so each hop's host gets the same checks.
- A body is read up to ``max_bytes`` (the rest is dropped and the page marked truncated), and
  within ``3 x timeout`` overall, so a server that trickles bytes cannot hold a worker.
- Hosts written as IP addresses are refused: a hotel's website has a name, and this keeps
  imported data from pointing the crawler at internal services.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from prospects.normalize import normalize_domain

ROBOTS_AGENT = "JenguBot"
MAX_REDIRECTS = 5
MAX_CRAWL_DELAY = 60.0
CHUNK = 65536
REDIRECTS = frozenset({301, 302, 303, 307, 308})
Throttle = Callable[[str, float], None]  # (host key, seconds between requests): waits or raises


class FetchError(Exception):
    """The page could not be read. ``reason``: timeout, network, http_status, not_html,
    redirects, bad_url or robots."""

    def __init__(self, url: str, reason: str, detail: str = "") -> None:
        super().__init__(f"{url}: {detail or reason}")
        self.url = url
        self.reason = reason
        self.detail = detail or reason


class RobotsRefused(FetchError):
    def __init__(self, url: str) -> None:
        super().__init__(url, "robots", "robots.txt disallows this page")


@dataclass
class Page:
    url: str  # as asked
    final_url: str  # after redirects
    status: int
    body: bytes
    content_type: str = ""
    truncated: bool = False


@dataclass
class Robots:
    parser: RobotFileParser | None = None
    allow_all: bool = False

    def allows(self, url: str) -> bool:
        if self.allow_all:
            return True
        return self.parser is not None and self.parser.can_fetch(ROBOTS_AGENT, url)

    def delay(self) -> float:
        if self.parser is None:
            return 0.0
        value = self.parser.crawl_delay(ROBOTS_AGENT)
        return min(float(value or 0), MAX_CRAWL_DELAY)


def host_key(url: str) -> str:
    """The throttle's key: the registrable host (www. dropped), else the raw host."""
    parts = urlsplit(url)
    return normalize_domain(url) or (parts.hostname or "").lower()


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError as exc:
        raise FetchError(url, "bad_url", str(exc)) from exc
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError(url, "bad_url", "not an http(s) URL")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return
    raise FetchError(url, "bad_url", "IP address hosts are not crawled")


class WebClient:
    def __init__(
        self,
        *,
        throttle: Throttle,
        user_agent: str,
        timeout: float = 10.0,
        max_bytes: int = 2_000_000,
        delay: float = 2.0,
        proxy: str = "",
    ) -> None:
        self.throttle = throttle
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.delay = delay
        self.robots: dict[str, Robots] = {}
        headers = {
            "User-Agent": user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            "Accept-Language": "en;q=0.9, *;q=0.5",
        }
        self.http = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers=headers,
            follow_redirects=False,
            proxy=proxy or None,
            trust_env=not proxy,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> WebClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- robots.txt ---------------------------------------------------------------------
    def robots_for(self, url: str) -> Robots:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            self.robots[origin] = self._read_robots(origin, host_key(url))
        return self.robots[origin]

    def _read_robots(self, origin: str, host: str) -> Robots:
        url = f"{origin}/robots.txt"
        for _hop in range(MAX_REDIRECTS + 1):
            self.throttle(host_key(url) or host, self.delay)
            try:
                _check_url(url)
                status, headers, body, _ = self._read(url, limit=500_000)
            except FetchError:
                return Robots()  # unreachable: stay out this time (RFC 9309 section 2.3.1.4)
            if status in REDIRECTS and headers.get("location"):
                url = urljoin(url, headers["location"])
                continue
            if 400 <= status < 500:
                return Robots(allow_all=True)  # no robots.txt: no rules
            if status >= 300:
                return Robots()  # server error: assume complete disallow for now
            parser = RobotFileParser()
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
            return Robots(parser=parser)
        return Robots(allow_all=True)  # a redirect loop counts as "unavailable" (a 4xx)

    # -- pages --------------------------------------------------------------------------
    def fetch(self, url: str) -> Page:
        """The page at ``url`` after redirects; raises FetchError (RobotsRefused) or whatever
        the throttle raises when the host is too busy."""
        asked = url
        for _hop in range(MAX_REDIRECTS + 1):
            _check_url(url)
            robots = self.robots_for(url)
            if not robots.allows(url):
                raise RobotsRefused(url)
            self.throttle(host_key(url), max(self.delay, robots.delay()))
            status, headers, body, truncated = self._read(url, limit=self.max_bytes)
            location = headers.get("location", "")
            if status in REDIRECTS and location:
                url = urljoin(url, location)
                continue
            if status >= 400:
                raise FetchError(url, "http_status", f"HTTP {status}")
            content_type = headers.get("content-type", "")
            if content_type and "html" not in content_type and "xml" not in content_type:
                raise FetchError(url, "not_html", f"not a web page ({content_type})")
            return Page(asked, url, status, body, content_type, truncated)
        raise FetchError(asked, "redirects", f"more than {MAX_REDIRECTS} redirects")

    def _read(self, url: str, *, limit: int) -> tuple[int, httpx.Headers, bytes, bool]:
        deadline = time.monotonic() + 3 * self.timeout
        try:
            with self.http.stream("GET", url) as response:
                if response.status_code in REDIRECTS or response.status_code >= 400:
                    return response.status_code, response.headers, b"", False
                body, truncated = _capped_body(response, limit, deadline, url)
                return response.status_code, response.headers, body, truncated
        except httpx.TimeoutException as exc:
            raise FetchError(url, "timeout", f"no answer within {self.timeout:g} s") from exc
        except httpx.InvalidURL as exc:
            raise FetchError(url, "bad_url", str(exc)) from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, "network", f"{type(exc).__name__}: {exc}") from exc


def _capped_body(
    response: httpx.Response, limit: int, deadline: float, url: str
) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes(CHUNK):
        if time.monotonic() > deadline:
            raise FetchError(url, "timeout", "the page took too long to arrive")
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            return b"".join(chunks)[:limit], True
    return b"".join(chunks), False
