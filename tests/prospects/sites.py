"""Hotel websites on 127.0.0.1, and the fixtures that point the pipeline at local servers.

``SiteServer`` serves ``tests/fixtures/sites/<host>/...`` by the request's Host header. The
crawler reaches it as its HTTP proxy (``CRAWL_PROXY``), so prospects keep real-looking
domains (``alfama-azul.test``) that the DNS test server can answer MX queries for. Tests add
generated pages (a 10 MB page, a slow one) with ``add``.
"""

from __future__ import annotations

import mimetypes
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers.dns import DNSTestServer
from tests.servers.http import HTTPTestServer, Request, Response
from tests.servers.vendors import ApolloFake, HunterFake, MillionVerifierFake, PlacesFake

SITES = Path(__file__).resolve().parent.parent / "fixtures" / "sites"


class SiteServer:
    def __init__(self, root: Path = SITES) -> None:
        self.root = root
        self.server = HTTPTestServer()
        self.server.route("GET", r".*", self._serve)
        self.extra: dict[tuple[str, str], Response] = {}
        self.hits: list[tuple[float, str, str]] = []  # (monotonic time, host, path)
        self._lock = threading.Lock()

    def add(self, host: str, path: str, response: Response) -> None:
        self.extra[(host, path)] = response

    def paths(self, host: str) -> list[str]:
        return [path for _, h, path in self.hits if h == host]

    def _redirect(self, host: str, path: str) -> Response | None:
        rules = self.root / host / "_redirects"
        if not rules.is_file():
            return None
        for line in rules.read_text().splitlines():
            source, status, target = line.split()
            if source == path:
                return Response(int(status), b"", {"Location": target})
        return None

    def _file(self, host: str, path: str) -> Path | None:
        base = (self.root / host).resolve()
        relative = path.strip("/")
        candidates = ["index.html"]
        if relative:
            candidates = [f"{relative}/index.html", relative, f"{relative}.html"]
        for candidate in candidates:
            target = (base / candidate).resolve()
            if target.is_file() and base in target.parents and target.name != "_redirects":
                return target
        return None

    def _serve(self, req: Request) -> Response:
        host = req.headers.get("host", "").split(":")[0].lower()
        with self._lock:
            self.hits.append((time.monotonic(), host, req.path))
        if (host, req.path) in self.extra:
            return self.extra[(host, req.path)]
        if redirect := self._redirect(host, req.path):
            return redirect
        found = self._file(host, req.path)
        if found is None:
            return Response(404, b"<h1>Not found</h1>", {"Content-Type": "text/html"})
        kind = mimetypes.guess_type(found.name)[0] or "text/html"
        return Response(200, found.read_bytes(), {"Content-Type": kind})

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> SiteServer:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()


MX = {
    "alfama-azul.test": {"MX": [(10, "mx1.alfama-azul.test")]},
    "casa-largo.test": {"MX": [(10, "mx.casa-largo.test")]},
    "quinta-serra.test": {"MX": [(10, "mx.quinta-serra.test")]},
    "palacio-flores.test": {"MX": [(5, "mx.palacio-flores.test")]},
    "old-palacio.test": {"A": ["192.0.2.40"]},
    "miradouro.test": {"MX": [(10, "mx.miradouro.test")]},
    "gasthof-mueller.test": {"MX": [(10, "mx.gasthof-mueller.test")]},
}


@pytest.fixture
def sites(settings: Any) -> Iterator[SiteServer]:
    """The hotel websites, reached through ``CRAWL_PROXY``; no pause between requests."""
    with SiteServer() as server:
        settings.JENGU = {
            **settings.JENGU,
            "CRAWL_PROXY": server.url,
            "CRAWL_DELAY": 0.0,
            "CRAWL_TIMEOUT": 2.0,
        }
        yield server


@pytest.fixture
def mx(settings: Any, dns_server: DNSTestServer) -> DNSTestServer:
    """The DNS test server as the MX resolver, answering for the fixture sites' domains."""
    dns_server.records.update(MX)
    settings.JENGU = {**settings.JENGU, "DNS_RESOLVER": dns_server.address, "DNS_TIMEOUT": 2.0}
    return dns_server


@pytest.fixture
def no_vendors(settings: Any) -> None:
    for name in ("HUNTER", "APOLLO", "MILLIONVERIFIER", "GOOGLE_PLACES"):
        setattr(settings, f"{name}_API_KEY", "")


@pytest.fixture
def mv(settings: Any, no_vendors: None, millionverifier_server: MillionVerifierFake) -> Any:
    settings.MILLIONVERIFIER_API_KEY = millionverifier_server.api_key
    settings.MILLIONVERIFIER_BASE_URL = millionverifier_server.url
    return millionverifier_server


@pytest.fixture
def hunter(settings: Any, no_vendors: None, hunter_server: HunterFake) -> HunterFake:
    settings.HUNTER_API_KEY = hunter_server.api_key
    settings.HUNTER_BASE_URL = hunter_server.url
    return hunter_server


@pytest.fixture
def apollo(settings: Any, no_vendors: None, apollo_server: ApolloFake) -> ApolloFake:
    settings.APOLLO_API_KEY = apollo_server.api_key
    settings.APOLLO_BASE_URL = apollo_server.url
    return apollo_server


@pytest.fixture
def places(settings: Any, no_vendors: None, places_server: PlacesFake) -> PlacesFake:
    settings.GOOGLE_PLACES_API_KEY = places_server.api_key
    settings.GOOGLE_PLACES_BASE_URL = places_server.url
    return places_server
