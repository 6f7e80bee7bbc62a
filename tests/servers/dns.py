"""A tiny authoritative DNS server for tests (dnslib), on 127.0.0.1, UDP and TCP, one port.

Records come from a dict that tests may change at any time::

    DNSTestServer({"hotel-a.test": {"MX": [(10, "mx.hotel-a.test")], "A": ["192.0.2.10"]}})

Unknown names get NXDOMAIN; a known name without the asked type gets an empty NOERROR answer
(dnspython's ``NoAnswer``); a name mapped to a string such as ``"SERVFAIL"`` gets that rcode.
``delay`` stalls every answer, to test resolver timeouts.

A TXT value may be a list of strings (one record of several character-strings, as a long
DKIM key is published); ``PTR`` answers reverse names (``9.113.0.203.in-addr.arpa``); a name
with a ``CNAME`` answers every type with the alias and the target's records of that type, as a
recursive resolver does.
"""

from __future__ import annotations

import socket
import threading
import time
import traceback
from typing import Any, Self

from dnslib import AAAA, CNAME, MX, PTR, QTYPE, RCODE, RR, TXT, A, DNSRecord
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer

# name -> {"MX": [(pref, host)], "A": [ip], "AAAA": [ip], "TXT": [str | [str]], "PTR": [host],
#          "CNAME": host}
Records = dict[str, Any]

_RDATA: dict[str, Any] = {
    "MX": lambda value: MX(value[1], value[0]),
    "A": A,
    "AAAA": AAAA,
    "TXT": TXT,
    "PTR": PTR,
}


def _norm(name: str) -> str:
    return name.rstrip(".").lower()


class DNSTestServer(BaseResolver):
    """``with DNSTestServer(records) as dns: resolver.nameserver_ports = {dns.host: dns.port}``."""

    def __init__(
        self, records: Records | None = None, *, delay: float = 0.0, ttl: int = 60
    ) -> None:
        self.records: Records = records if records is not None else {}
        self.delay = delay
        self.ttl = ttl
        self.queries: list[tuple[str, str]] = []  # (name, type), in arrival order
        self._servers: list[DNSServer] = []

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> Self:
        quiet = DNSLogger(log="-recv,-send,-request,-reply,-truncated,-error,-data", prefix=False)
        for _attempt in range(5):
            udp = DNSServer(self, address="127.0.0.1", port=0, logger=quiet)
            port = udp.server.server_address[1]
            try:
                tcp = DNSServer(self, address="127.0.0.1", port=port, tcp=True, logger=quiet)
                break
            except OSError:  # that TCP port is taken; try another pair
                udp.server.server_close()
        else:
            raise RuntimeError("no free port for both UDP and TCP")
        self._servers = [udp, tcp]
        for server in self._servers:
            # An answer still stalled by ``delay`` when the test stops the server has no socket
            # left to go out on; that is the test being over, not an error worth a traceback.
            server.server.handle_error = self._handle_error  # type: ignore[method-assign]
            # a short poll keeps stop() quick (socketserver's default is 0.5 s per server)
            loop = threading.Thread(
                target=server.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            loop.start()
        return self

    def _handle_error(self, request: Any, client_address: Any) -> None:
        if self._servers:
            traceback.print_exc()

    def stop(self) -> None:
        servers, self._servers = self._servers, []
        for server in servers:
            server.stop()
            server.server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return int(self._servers[0].server.server_address[1])

    @property
    def address(self) -> str:
        """``ip:port``, the grammar of Jengu's ``DNS_RESOLVER`` setting."""
        return f"{self.host}:{self.port}"

    # -- answering (runs in dnslib's handler threads) -------------------------------------
    def resolve(self, request: DNSRecord, handler: DNSHandler) -> DNSRecord:
        name, qtype = str(request.q.qname), QTYPE[request.q.qtype]
        self.queries.append((_norm(name), qtype))
        if self.delay:
            time.sleep(self.delay)
        reply = request.reply()
        self._answer(reply, name, qtype, hops=0)
        return reply

    def _answer(self, reply: DNSRecord, name: str, qtype: str, hops: int) -> None:
        entry = {_norm(k): v for k, v in self.records.items()}.get(_norm(name))
        if entry is None:
            reply.header.rcode = RCODE.NXDOMAIN
        elif isinstance(entry, str):
            reply.header.rcode = getattr(RCODE, entry)
        elif "CNAME" in entry and hops < 8:
            target = entry["CNAME"]
            reply.add_answer(RR(name, QTYPE.CNAME, rdata=CNAME(target), ttl=self.ttl))
            if qtype != "CNAME":
                self._answer(reply, target, qtype, hops + 1)
        else:
            for value in entry.get(qtype, []) if qtype in _RDATA else []:
                rdata = _RDATA[qtype](value)
                reply.add_answer(RR(name, getattr(QTYPE, qtype), rdata=rdata, ttl=self.ttl))


def free_udp_port() -> int:
    """A port where nothing answers, for "the resolver is down" tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
