"""Does a scaled community behave as the full one? Per-resident outcomes of a preset at several sizes.

Sweeps (``residents:``), ``run --residents`` and the workshop page run a preset scaled down
(:func:`sim.scenario.scale_scenario`: residents, clinicians, organizations' places, partners and money
scale together). Their results speak for the full community only as far as the scaled community
behaves like it: this prints the final-year mean of each outcome per resident, by size, averaged over
seeds, with the full size last. Reported in the README ("Sweeps at a smaller size")::

    python -m experiments.scaling [--scenario centre-sud] [--sizes 500,2000,6000] [--years 3] [--seeds 3]
"""

from __future__ import annotations

import argparse

import pandas as pd

from sim import load_scenario, run, scale_scenario
from sim.errors import UserError
from sim.scenario import check_residents

#: Shares and indices, compared as they are.
SHARES = ("isolated_share_all", "isolated_share_65_alone", "lonely_share_65plus", "loneliness_mean_all",
          "ties_per_person", "empowerment_index")
#: Counts and money, compared per 1,000 residents (weekly counts summed over the final year).
PER_1000 = {"partners_total": "mean", "ed_visits": "sum", "spending_total": "sum"}


def final_year(outcomes: pd.DataFrame, residents: int) -> dict[str, float]:
    """The final year's shares (means) and counts per 1,000 residents (``partners_total`` the mean
    roster, events and spending summed over the year)."""
    last = outcomes[outcomes.week > outcomes.week.max() - 52]
    row = {c: float(last[c].mean()) for c in SHARES}
    for c, how in PER_1000.items():
        row[f"{c}_per_1000"] = float(getattr(last[c], how)()) * 1000 / residents
    return row


def scaling(scenario: str = "centre-sud", sizes: tuple[int, ...] = (500, 2000, 6000), years: float = 3,
            seeds: int = 3) -> pd.DataFrame:
    """One row per size (the full size last): the mean over ``seeds`` of :func:`final_year`."""
    full = load_scenario(scenario)
    rows = []
    for n in [*sizes, None]:
        sc = full if n is None else scale_scenario(full, n)
        size = sc.population.n_residents
        for seed in range(seeds):
            rows.append({"residents": size, **final_year(run(sc, seed=seed, years=years), size)})
    return pd.DataFrame(rows).groupby("residents", sort=False).mean()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="centre-sud", help="preset or scenario file (default centre-sud)")
    parser.add_argument("--sizes", default="500,2000,6000", help="smaller sizes, comma-separated")
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    try:
        sizes = tuple(int(s) for s in args.sizes.split(",") if s.strip())
    except ValueError:
        parser.error(f"--sizes: expected whole numbers separated by commas (500,2000); found {args.sizes!r}")
    if args.seeds < 1:
        parser.error(f"--seeds: expected 1 or more; found {args.seeds}")
    try:
        scenario = load_scenario(args.scenario)
        for n in sizes:
            check_residents(scenario, n, key="--sizes")
        table = scaling(args.scenario, sizes, args.years, args.seeds)
    except UserError as e:
        parser.error(str(e))
    print(f"{args.scenario}: final year of {args.years:g} years, mean of {args.seeds} seeds; counts per 1,000 residents")
    print(table.T.to_string(float_format=lambda v: f"{v:.3f}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
