"""Fakes of the enrichment vendors: Hunter, MillionVerifier, Apollo, Google Places (New).

Each fake is a small ``HTTPTestServer`` configured with the people / addresses / places it
knows; anything else gets the vendor's "nothing found" answer. Bodies and error shapes follow
the vendors' documented responses. ``fake.fail(429, retry_after=30)`` makes the next request
fail with that vendor's error body; a wrong key gets the vendor's own auth error.
"""

from __future__ import annotations

from tests.servers.vendors.apollo import ApolloFake
from tests.servers.vendors.hunter import HunterFake
from tests.servers.vendors.millionverifier import MillionVerifierFake
from tests.servers.vendors.places import PlacesFake, make_place

__all__ = ["ApolloFake", "HunterFake", "MillionVerifierFake", "PlacesFake", "make_place"]
