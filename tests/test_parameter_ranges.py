"""Every value the scenario schema accepts runs: each bounded number at each end of its allowed range,
and random combinations of values within their ranges.

A planner or a workshop slider may set any parameter to the edge of its range; the model must then
build and run (no exception, no infinite outcome), or the schema must refuse the value with a
clear message (tests/test_scenario_errors.py).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sim import CaringCommunity, load_scenario, scale_scenario
from sim.errors import ScenarioError
from sim.scenario import describe_parameters, preset_names

# Keys whose ends are not run here: the size of the community (scaled below), and the burn-in, set short.
NOT_RUN = {"population.n_residents", "network.burn_in_weeks"}


def _bounded() -> list[tuple[str, float | int, float, float]]:
    """(key, default, low, high) of every bounded number of the schema."""
    rows = []
    for row in describe_parameters():
        default = row["default"]
        if row["key"] in NOT_RUN or not row["range"] or isinstance(default, bool) or not isinstance(default, (int, float)):
            continue
        low, high = (float(end) if end.strip() else None for end in row["range"].strip("[]").split(","))
        rows.append((row["key"], default, low, high))
    return rows


def _typed(default, value: float):
    return int(round(value)) if isinstance(default, int) else value


def _ends() -> list[tuple[str, float]]:
    return [(key, _typed(default, end)) for key, default, low, high in _bounded() for end in (low, high)
            if end is not None]


def _runs(preset: str, overrides: dict, residents: int, seed: int) -> None:
    """Build and run 13 weeks; fail on an exception or an infinite outcome. A refusal must be a clear message."""
    try:
        scenario = load_scenario(preset, {**overrides, "network.burn_in_weeks": 13})
    except ScenarioError as e:   # refused together with the preset's other values: a clear message is fine
        assert "expected" in str(e)
        return
    model = CaringCommunity(scale_scenario(scenario, residents), rng=seed, agent_views=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # empty groups give NaN shares by design
        outcomes = model.run(13)
    numbers = outcomes.select_dtypes("number").to_numpy(dtype=float)
    assert len(outcomes) == 14 and not np.isinf(numbers).any()


@pytest.mark.parametrize("key, value", _ends(), ids=lambda x: str(x))
def test_each_end_of_each_range_runs(key, value):
    _runs("centre-sud", {key: value}, 250, seed=1)


@pytest.mark.parametrize("case", range(150))
def test_random_combinations_within_the_ranges_run(case):
    """25 parameters at a time, each at an end of its range or anywhere inside, on every preset in turn."""
    rng = np.random.default_rng(case)
    overrides = {}
    rows = _bounded()
    for i in rng.choice(len(rows), size=25, replace=False):
        key, default, low, high = rows[i]
        low = 0.0 if low is None else low
        high = low + 10 * max(1.0, abs(default)) if high is None or high > 1e4 else high
        u = rng.random()
        overrides[key] = _typed(default, low if u < 0.15 else high if u < 0.3 else low + (high - low) * rng.random())
    presets = preset_names()
    _runs(presets[case % len(presets)], overrides, int(rng.integers(150, 600)), seed=case)
