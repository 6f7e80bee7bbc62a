"""A throw-away certificate authority for the test servers (trustme).

Every TLS test server presents a certificate for 127.0.0.1 and localhost signed by one
session-wide CA; clients trust it through ``ca_file()`` (e.g. ``SMTP_CA_FILE``) or
``client_context()``. Nothing here touches the system trust store.
"""

from __future__ import annotations

import ssl
import tempfile
from functools import lru_cache
from pathlib import Path

import trustme


@lru_cache(maxsize=1)
def authority() -> trustme.CA:
    return trustme.CA()


@lru_cache(maxsize=1)
def _server_cert() -> trustme.LeafCert:
    return authority().issue_cert("127.0.0.1", "localhost", "::1")


@lru_cache(maxsize=1)
def _dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="jengu-certs-"))


def ca_file() -> str:
    """PEM file of the test CA, for clients that take a path."""
    path = _dir() / "ca.pem"
    if not path.exists():
        authority().cert_pem.write_to_path(str(path))
    return str(path)


def server_cert_files() -> tuple[str, str]:
    """(certificate chain PEM, private key PEM) paths, for servers that take files (Dovecot)."""
    cert, key = _dir() / "server.pem", _dir() / "server.key"
    if not cert.exists():
        leaf = _server_cert()
        with cert.open("wb") as fh:
            for blob in leaf.cert_chain_pems:
                fh.write(blob.bytes())
        leaf.private_key_pem.write_to_path(str(key))
    return str(cert), str(key)


def server_context() -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    _server_cert().configure_cert(ctx)
    return ctx


def client_context() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    authority().configure_trust(ctx)
    return ctx
