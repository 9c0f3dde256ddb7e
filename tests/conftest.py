"""Shared fixtures: small communities that run in well under a second a week."""

from __future__ import annotations

import pytest

from sim import load_scenario, scale_scenario


@pytest.fixture(scope="session")
def small_centre_sud():
    """The Centre-Sud preset scaled to 600 residents."""
    return scale_scenario(load_scenario("centre-sud"), 600)


@pytest.fixture
def tiny_yaml(tmp_path):
    """A scenario file: Centre-Sud with 200 clinic patients (300 residents), titled 'Tiny Centre-Sud'."""
    path = tmp_path / "tiny.yaml"
    path.write_text("extends: centre-sud\ntitle: Tiny Centre-Sud\npopulation: {n_patients: 200}\n")
    return path
