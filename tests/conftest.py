"""Shared fixtures: small communities that run in well under a second a week."""

from __future__ import annotations

import pytest

from sim import load_scenario, scale_scenario


@pytest.fixture(scope="session")
def small_centre_sud():
    """The Centre-Sud preset scaled to 600 residents."""
    return scale_scenario(load_scenario("centre-sud"), 600)
