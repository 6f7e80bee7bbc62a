"""pytest fixtures for the SMTP, Graph, S3 and DNS test servers.

Register with ``pytest_plugins = ["tests.servers.fixtures"]``. Every server listens on 127.0.0.1
and a free port and is stopped when its fixture ends, even when the test fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.servers.dns import DNSTestServer
from tests.servers.graph import GraphTestServer
from tests.servers.s3 import ACCESS_KEY, REGION, SECRET_KEY, S3TestServer
from tests.servers.smtp import SMTPTestServer


@pytest.fixture
def smtp_server() -> Iterator[SMTPTestServer]:
    """A fresh STARTTLS submission server requiring AUTH (``.username``/``.password``)."""
    with SMTPTestServer(mode="starttls") as server:
        yield server


@pytest.fixture
def smtp_server_factory() -> Iterator[Callable[..., SMTPTestServer]]:
    """``make(mode="implicit", username="b@x.test")``: extra servers, all stopped at the end."""
    started: list[SMTPTestServer] = []

    def make(**kwargs: Any) -> SMTPTestServer:
        server = SMTPTestServer(**kwargs)
        server.start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def graph_server() -> Iterator[GraphTestServer]:
    """A fresh fake Microsoft identity + Graph (mailboxes, tokens, scripted failures)."""
    with GraphTestServer() as server:
        yield server


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3TestServer]:
    """One moto S3 server for the session; use ``s3_bucket`` for per-test isolation."""
    with S3TestServer() as server:
        yield server


@pytest.fixture
def s3_bucket(s3_server: S3TestServer) -> Iterator[str]:
    """The name of a new, empty bucket on ``s3_server``, deleted after the test."""
    name = s3_server.create_bucket()
    yield name
    try:
        s3_server.delete_bucket(name)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "NoSuchBucket":  # the test may have deleted it
            raise


@pytest.fixture
def s3_storage(settings: Any, s3_server: S3TestServer, s3_bucket: str) -> str:
    """The default storage is the moto bucket for this test (as STORAGE_BUCKET would make it)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": s3_bucket,
                "endpoint_url": s3_server.endpoint_url,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    return s3_bucket


@pytest.fixture
def dns_server() -> Iterator[DNSTestServer]:
    """A DNS server with no records yet: set ``dns_server.records[name] = {...}``."""
    with DNSTestServer() as server:
        yield server
