"""Every value the scenario schema accepts runs: each bounded number at each end of its allowed range.

A planner or a workshop slider may set any parameter to the edge of its range; the model must then
build and run (no exception, no infinite outcome), or the schema must refuse the value with a
clear message (tests/test_scenario_errors.py). One parameter at a time, on a small Centre-Sud.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sim import CaringCommunity, load_scenario, scale_scenario
from sim.errors import ScenarioError
from sim.scenario import describe_parameters

# Keys whose ends are not run here: the size of the community (scaled below), and the burn-in, set short.
NOT_RUN = {"population.n_residents", "network.burn_in_weeks"}


def _ends() -> list[tuple[str, float]]:
    cases = []
    for row in describe_parameters():
        default = row["default"]
        if row["key"] in NOT_RUN or not row["range"] or isinstance(default, bool) or not isinstance(default, (int, float)):
            continue
        for end in row["range"].strip("[]").split(","):
            if end.strip():
                value = float(end)
                cases.append((row["key"], int(value) if isinstance(default, int) else value))
    return cases


@pytest.mark.parametrize("key, value", _ends(), ids=lambda x: str(x))
def test_each_end_of_each_range_runs(key, value):
    try:
        scenario = load_scenario("centre-sud", {key: value, "network.burn_in_weeks": 13})
    except ScenarioError as e:   # refused together with the preset's other values: a clear message is fine
        assert key.split(".")[-1] in str(e) or "expected" in str(e)
        return
    model = CaringCommunity(scale_scenario(scenario, 250), rng=1, agent_views=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # empty groups give NaN shares by design
        outcomes = model.run(13)
    numbers = outcomes.select_dtypes("number").to_numpy(dtype=float)
    assert len(outcomes) == 14 and not np.isinf(numbers).any()
