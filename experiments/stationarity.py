"""Is the hospital-centred baseline stationary? Key outcomes over a long horizon, several seeds.

Without the programme nothing should trend: isolation, loneliness and network size in the
baseline are the population's steady state, so that a change in a programme scenario is the
programme's doing and a planner's "before / after" reads true. Reported in docs/CALIBRATION.md::

    python -m experiments.stationarity [--residents 2000] [--years 20] [--seeds 4]
"""

from __future__ import annotations

import argparse

import pandas as pd

from sim import load_scenario, run, scale_scenario

COLUMNS = ("isolated_share_all", "isolated_share_65_alone", "lonely_share_65plus", "loneliness_mean_all",
           "ties_per_person", "shared_decisions_mean", "engagement_level_1_share", "empowerment_index")


def window_means(outcomes: pd.DataFrame, every_years: int, horizon_years: int) -> pd.DataFrame:
    """Mean of each outcome over the half-year either side of years 0, k, 2k, ... (the first half-year for 0)."""
    rows = []
    for year in range(0, horizon_years + 1, every_years):
        centre = 52 * year
        window = outcomes[(outcomes.week > centre - 26) & (outcomes.week <= centre + 26)]
        rows.append({"year": year, **window[list(COLUMNS)].mean().to_dict()})
    return pd.DataFrame(rows)


def stationarity(residents: int = 2000, years: int = 20, seeds: int = 4, every_years: int = 5) -> pd.DataFrame:
    """Mean over seeds of each outcome at years 0, 5, 10, ... of the baseline."""
    scenario = scale_scenario(load_scenario("hospital-baseline"), residents)
    runs = [window_means(run(scenario, seed=seed, years=years), every_years, years) for seed in range(seeds)]
    return pd.concat(runs).groupby("year").mean()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=4)
    args = parser.parse_args(argv)
    table = stationarity(args.residents, args.years, args.seeds)
    print(f"hospital-baseline, {args.residents} residents, mean of {args.seeds} seeds (half-year windows)")
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":
    main()
