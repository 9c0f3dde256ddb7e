"""Without the programme nothing trends: the hospital-centred baseline starts in its own steady state.

A planner's "before / after" reads true only if the baseline does not drift by itself (a network that
slowly loses kin, or newcomers whose shared decisions never recover, once moved isolation among
seniors living alone from 10% to 19% over ten years of baseline).
"""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.stationarity import window_means
from sim import load_scenario, run, scale_scenario

#: Largest change allowed between the first half-year and year 8 (mean of three seeds).
TOLERANCE = {"isolated_share_65_alone": 0.05, "lonely_share_65plus": 0.03, "ties_per_person": 0.3,
             "shared_decisions_mean": 0.02, "engagement_level_1_share": 0.03}


@pytest.fixture(scope="module")
def baseline_windows() -> pd.DataFrame:
    scenario = scale_scenario(load_scenario("hospital-baseline"), 2000)
    runs = [window_means(run(scenario, seed=seed, years=8), every_years=8, horizon_years=8) for seed in range(3)]
    return pd.concat(runs).groupby("year").mean()


@pytest.mark.parametrize("outcome", sorted(TOLERANCE))
def test_the_baseline_does_not_drift(baseline_windows, outcome):
    start, end = baseline_windows.loc[0, outcome], baseline_windows.loc[8, outcome]
    assert abs(end - start) <= TOLERANCE[outcome], f"{outcome} drifts from {start:.3f} to {end:.3f} in 8 years"
