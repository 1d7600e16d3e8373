"""The small congress the headline and dashboard tests count."""

from __future__ import annotations

import pytest

from tests.reports.world import World


@pytest.fixture
def world(tenant_a) -> World:
    with tenant_a.scope():  # test setup
        return World(tenant_a.congress)
