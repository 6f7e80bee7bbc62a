"""The demo hotels' websites, served on 127.0.0.1 while ``make run`` runs.

The enrichment reaches them the way it reaches any site through an HTTP proxy: in demo mode the
settings point ``CRAWL_PROXY`` at this server (``JENGU_DEMO_SITE_URL``), so a request for
``http://casadolimoeiro.example/`` arrives here as ``GET http://casadolimoeiro.example/ HTTP/1.1``
and is answered from the demo hotel with that domain. It forwards nothing: any other host is a
404. ``manage.py serve`` starts it in demo mode.
"""

from __future__ import annotations

import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from console.demo import DemoHotel, hotel_for_domain

ROBOTS = b"User-agent: *\nAllow: /\n"
CONTACT_WORD = {"Portugal": "Contacto", "Spain": "Contacto", "Italy": "Contatti",
                "Germany": "Kontakt", "Austria": "Kontakt"}  # fmt: skip


def _page(title: str, description: str, body: str) -> bytes:
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title>"
        f'<meta name="description" content="{escape(description)}">'
        f"</head><body>{body}</body></html>"
    ).encode()


def home_page(hotel: DemoHotel) -> bytes:
    contact = CONTACT_WORD.get(hotel.country, "Contact")
    handle = hotel.domain.removesuffix(".example")
    body = (
        f"<header><h1>{escape(hotel.name)}</h1><p>{escape(hotel.city)}, "
        f"{escape(hotel.country)}</p></header>"
        f"<main><p>{escape(hotel.description)}</p>"
        f"<p>Reservations: {escape(hotel.phone)}</p>"
        f'<p><a href="/contact">{contact}</a></p></main>'
        f'<footer><a href="https://instagram.com/{handle}">Instagram</a> '
        f'<a href="https://www.facebook.com/{handle}">Facebook</a></footer>'
    )
    return _page(f"{hotel.name} | Boutique hotel in {hotel.city}", hotel.description, body)


def contact_page(hotel: DemoHotel) -> bytes:
    body = (
        f"<h1>{escape(CONTACT_WORD.get(hotel.country, 'Contact'))}</h1>"
        f"<p>{escape(hotel.person)}, {escape(hotel.title)}</p>"
        f'<p><a href="mailto:{hotel.email}">{hotel.email}</a></p>'
        f"<p>Phone: {escape(hotel.phone)}</p>"
    )
    return _page(f"Contact | {hotel.name}", f"How to reach {hotel.name}", body)


def respond(host: str, path: str) -> tuple[int, str, bytes]:
    """(status, content type, body) for one request."""
    hotel = hotel_for_domain(host.removeprefix("www."))
    if hotel is None:
        return 404, "text/plain", b"not a demo hotel"
    if path == "/robots.txt":
        return 200, "text/plain", ROBOTS
    if path in ("", "/", "/index.html"):
        return 200, "text/html; charset=utf-8", home_page(hotel)
    if path.rstrip("/") == "/contact":
        return 200, "text/html; charset=utf-8", contact_page(hotel)
    return 404, "text/html; charset=utf-8", _page("Not found", "", "<h1>Not found</h1>")


class Handler(BaseHTTPRequestHandler):
    server_version = "JenguDemoSite/1.0"

    def do_GET(self) -> None:
        # A proxy request names the whole URL; a direct one names the host in its header.
        target = urlsplit(self.path)
        host = (target.hostname or self.headers.get("Host", "").split(":")[0]).lower()
        status, kind, body = respond(host, target.path or "/")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the crawler's own log says what it fetched


class DemoSite:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.server = ThreadingHTTPServer(
            (parts.hostname or "127.0.0.1", parts.port or 80), Handler
        )
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> DemoSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start(url: str) -> DemoSite:
    """Serve the demo hotels at ``url`` (``http://127.0.0.1:0`` picks a free port)."""
    return DemoSite(url).start()
