from __future__ import annotations

from typing import Any

import pytest

from tests.roles.world import build_world


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """Users of every role and a row for (nearly) every admin model."""
    return build_world()
