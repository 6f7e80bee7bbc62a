"""Pytest fixtures for the IMAP, LLM and vendor test servers (a plugin module).

Register with ``pytest_plugins = ["tests.servers.fixtures_more"]``. The HTTP fakes are
function-scoped (fresh queue and request log per test); Dovecot starts once per session and
each test gets its own user and mailbox from ``imap_user``.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator

import pytest

from tests.servers.imap import DovecotNotInstalled, DovecotServer, ImapUser
from tests.servers.llm import AnthropicFake, OpenAIFake
from tests.servers.vendors import ApolloFake, HunterFake, MillionVerifierFake, PlacesFake

_user_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def imap_server() -> Iterator[DovecotServer]:
    # A missing Dovecot must fail loudly: a skip would let CI pass without testing IMAP.
    server = DovecotServer()
    missing = None
    try:
        server.start()
    except DovecotNotInstalled as exc:
        missing = str(exc)
    if missing:  # failing outside the except keeps the report to this one line
        pytest.fail(f"{missing} The IMAP tests need a real Dovecot.", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap_user(imap_server: DovecotServer) -> ImapUser:
    """A fresh user with an empty INBOX; the address doubles as the IMAP login."""
    name = f"inbox{next(_user_numbers)}-{secrets.token_hex(3)}@jengu.test"
    return imap_server.add_user(name, secrets.token_urlsafe(12))


@pytest.fixture
def anthropic_server() -> Iterator[AnthropicFake]:
    with AnthropicFake(api_key="test-anthropic-key") as fake:
        yield fake


@pytest.fixture
def openai_server() -> Iterator[OpenAIFake]:
    with OpenAIFake(api_key="test-openai-key") as fake:
        yield fake


@pytest.fixture
def grok_server() -> Iterator[OpenAIFake]:
    """xAI speaks the OpenAI protocol; this flavour has Grok's model and error bodies."""
    with OpenAIFake(api_key="test-xai-key", vendor="xai") as fake:
        yield fake


@pytest.fixture
def hunter_server() -> Iterator[HunterFake]:
    with HunterFake(api_key="test-hunter-key") as fake:
        yield fake


@pytest.fixture
def millionverifier_server() -> Iterator[MillionVerifierFake]:
    with MillionVerifierFake(api_key="test-mv-key") as fake:
        yield fake


@pytest.fixture
def apollo_server() -> Iterator[ApolloFake]:
    with ApolloFake(api_key="test-apollo-key") as fake:
        yield fake


@pytest.fixture
def places_server() -> Iterator[PlacesFake]:
    with PlacesFake(api_key="test-places-key") as fake:
        yield fake
