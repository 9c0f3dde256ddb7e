"""Means with 95% confidence intervals across replications, and comparisons paired by seed.

Every interval is t-based: ``mean ± t(n-1) · sd / √n``. Two scenarios are compared **paired by
seed** (replication *i* of each used the same seed, so their difference removes most of the
noise both share): the difference per seed, then its mean and interval. The cost per person no
longer isolated is a ratio of two paired mean differences; its interval comes from Fieller's
theorem, and it is reported as *not defined* when no one is less isolated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as sps

from sim.errors import UserError, did_you_mean

from .load import ID_COLUMNS, Results

#: The outcomes a planner asks about, in the order a report shows them, with how each is read:
#: ``share`` (0-1, shown in %), ``rate`` (people who left a year per person on the roster, shown in %;
#: above 100% when a small roster turns over more than once), ``points`` (a difference of shares or
#: rates), ``index`` (0-1 or 0-100 scale), ``count`` (people or events a year), ``money`` (the scenario's
#: currency a year, ``funding.currency``). None of them can be negative (a report shows their intervals from 0 up); ``points`` here is
#: a gap between groups, never below 0.
KEY_OUTCOMES: dict[str, str] = {
    "isolated_share_65_alone": "share",
    "isolated_share_all": "share",
    "lonely_share_65plus": "share",
    "loneliness_mean_all": "index",
    "empowerment_index": "index",
    "competency_mean": "index",
    "engagement_level_0_share": "share",
    "engagement_level_1_share": "share",
    "engagement_level_2_share": "share",
    "engagement_level_3_share": "share",
    "recovery_mean": "index",
    "partner_burnout_share": "share",
    "partners_left": "count",
    "partner_turnover_share": "rate",
    "patient_partners": "count",
    "citizen_partners": "count",
    "ed_visits": "count",
    "admissions": "count",
    "spending_total": "money",
    "isolated_count": "count",
    "isolation_gap_groups": "points",
    "loneliness_gap_groups": "index",
}

#: Whether a higher value is better (for wording: "fell"/"rose" stays neutral, this is for colour).
HIGHER_IS_BETTER = {"empowerment_index": True, "competency_mean": True, "recovery_mean": True,
                    "engagement_level_3_share": True, "patient_partners": True, "citizen_partners": True}


@dataclass(frozen=True)
class Interval:
    """A mean and its confidence interval (``low``/``high`` are NaN with fewer than two values)."""

    mean: float
    low: float
    high: float
    n: int
    sd: float = float("nan")
    level: float = 0.95

    @property
    def half_width(self) -> float:
        """Half the interval's width: the "±" of ``mean ± half_width`` (NaN where there is no interval)."""
        return (self.high - self.low) / 2


def mean_ci(values, level: float = 0.95) -> Interval:
    """Mean and t-based confidence interval of ``values`` (NaNs dropped)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return Interval(float("nan"), float("nan"), float("nan"), 0, level=level)
    m = float(x.mean())
    if n < 2:
        return Interval(m, float("nan"), float("nan"), n, level=level)
    sd = float(x.std(ddof=1))
    h = float(sps.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return Interval(m, m - h, m + h, n, sd, level)


def summarise(results: Results, outcomes=None, level: float = 0.95) -> pd.DataFrame:
    """Final-year outcomes across replications: one row per outcome with ``mean, low, high, n``.

    ``outcomes`` is a name or a list (default: the key outcomes, :data:`KEY_OUTCOMES`); ``low`` and
    ``high`` bound the ``level`` confidence interval of the mean. For a sweep, one row per design
    point and outcome (column ``point``).
    """
    outcomes = _outcomes(results, outcomes)
    if results.kind == "sweep":
        frames = []
        for point, group in results.summary.groupby("point"):
            frame = _summary_rows(group, outcomes, level)
            frame.insert(0, "point", int(point))
            frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=["point", "outcome", "mean", "low", "high", "n"])
    return _summary_rows(results.summary, outcomes, level)


def _summary_rows(df: pd.DataFrame, outcomes, level) -> pd.DataFrame:
    rows = []
    for col in outcomes:
        ci = mean_ci(df[col], level)
        rows.append({"outcome": col, "mean": ci.mean, "low": ci.low, "high": ci.high, "n": ci.n})
    return pd.DataFrame(rows)


def _outcomes(results: Results, outcomes) -> list[str]:
    results.check_summary_kept()
    available = set(results.summary.columns)
    if outcomes is None:
        return [c for c in KEY_OUTCOMES if c in available]
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    results.check_outcomes(outcomes)
    return list(dict.fromkeys(outcomes))      # each once, in the order asked


def weekly_bands(results: Results, outcomes, level: float = 0.95, point: int | None = None) -> pd.DataFrame:
    """Mean and confidence band of weekly outcomes across replications: ``week, outcome, mean, low, high, n``.

    ``outcomes`` is a name (a :class:`UserError` if the weekly series lack it) or a list (the names
    they lack are left out); ``point`` keeps one design point of a sweep. Empty where the weekly
    series were not kept or loaded.
    """
    weekly = results.weekly
    if weekly.empty:
        return pd.DataFrame(columns=["week", "outcome", "mean", "low", "high", "n"])
    if point is not None and "point" in weekly:
        weekly = weekly[weekly["point"] == point]
    if isinstance(outcomes, str) and outcomes not in weekly:
        columns = [c for c in weekly.columns if c not in ID_COLUMNS]
        raise UserError(f"no weekly outcome '{outcomes}' in these results{did_you_mean(outcomes, columns)}; expected "
                        "one of the weekly outcome columns (as in outcomes.parquet of a run)", file=str(results.path))
    outcomes = [outcomes] if isinstance(outcomes, str) else [c for c in outcomes if c in weekly]
    grouped = weekly.groupby("week")
    frames = []
    for col in outcomes:
        g = grouped[col]
        mean, sd, n = g.mean(), g.std(ddof=1), g.count()
        t = pd.Series(sps.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)), index=n.index).where(n > 1)
        h = t * sd / np.sqrt(n)
        frames.append(pd.DataFrame({"week": mean.index, "outcome": col, "mean": mean.values,
                                    "low": (mean - h).values, "high": (mean + h).values, "n": n.values}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["week", "outcome", "mean", "low", "high", "n"])


# ---------------------------------------------------------------------------------------------
# Paired comparisons


@dataclass(frozen=True)
class PairedDifference:
    """One outcome, ``scenario − baseline`` paired by seed: each side's mean over the shared seeds, the
    mean difference with its interval, and a two-sided paired t-test ``p_value``.

    ``difference.n`` counts the seeds where both sides are defined; ``baseline.n`` and ``scenario.n``
    those where each is (a share of partners is undefined where the baseline has none).
    """

    outcome: str
    baseline: Interval
    scenario: Interval
    difference: Interval
    p_value: float

    def as_row(self) -> dict:
        """The comparison as one row of :attr:`Comparison.table` (``n_pairs`` is ``difference.n``)."""
        return {"outcome": self.outcome, "baseline": self.baseline.mean, "baseline_low": self.baseline.low,
                "baseline_high": self.baseline.high, "scenario": self.scenario.mean,
                "scenario_low": self.scenario.low, "scenario_high": self.scenario.high,
                "difference": self.difference.mean, "difference_low": self.difference.low,
                "difference_high": self.difference.high, "n_pairs": self.difference.n,
                "baseline_n": self.baseline.n, "scenario_n": self.scenario.n, "p_value": self.p_value}


def paired_difference(scenario: pd.Series, baseline: pd.Series, outcome: str = "", level: float = 0.95) -> PairedDifference:
    """Difference ``scenario − baseline`` of two series indexed by seed, over the seeds they share
    (seeds where either is NaN do not count as pairs).

    The p-value is NaN with fewer than two pairs, and 0 or 1 when every pair differs by the same amount
    (non-zero or zero).
    """
    common = scenario.index.intersection(baseline.index)
    s, b = scenario.loc[common].astype(float), baseline.loc[common].astype(float)
    d = (s - b).dropna()
    p = float("nan")
    if len(d) >= 2:
        sd = d.std(ddof=1)
        if sd > 1e-9 * d.abs().max():   # a spread beyond floating-point rounding of equal differences
            p = float(2 * sps.t.sf(abs(d.mean()) / (sd / math.sqrt(len(d))), len(d) - 1))
        else:
            p = 0.0 if d.mean() != 0 else 1.0
    return PairedDifference(outcome, mean_ci(b, level), mean_ci(s, level), mean_ci(d, level), p)


@dataclass(frozen=True)
class CostEffect:
    """Extra spending per person no longer isolated, paired by seed.

    ``status`` is ``"ok"`` (a number, with an interval when it is bounded), ``"no_reduction"`` (the
    scenario does not have fewer isolated people than the baseline on average: the ratio means
    nothing), ``"unbounded"`` (fewer isolated people on average, but not clearly enough for the
    interval to be finite) or ``"saves"`` (less isolation *and* less spending).
    """

    status: str
    ratio: float
    low: float
    high: float
    extra_spending: Interval
    fewer_isolated: Interval
    n_pairs: int


def cost_per_person_no_longer_isolated(scenario: pd.DataFrame, baseline: pd.DataFrame, level: float = 0.95,
                                       spending: str = "spending_total", isolated: str = "isolated_count") -> CostEffect:
    """``(spending scenario − spending baseline) / (isolated baseline − isolated scenario)``, paired by seed.

    Both tables have one row per run with a ``seed`` column and final-year outcomes (spending a year,
    mean number of isolated residents). Fieller's interval for the ratio of the two mean differences.
    """
    s = scenario.set_index("seed")
    b = baseline.set_index("seed")
    common = s.index.intersection(b.index)
    ds = (s.loc[common, spending] - b.loc[common, spending]).astype(float).to_numpy()
    di = (b.loc[common, isolated] - s.loc[common, isolated]).astype(float).to_numpy()
    extra, fewer = mean_ci(ds, level), mean_ci(di, level)
    n = len(common)
    nan = float("nan")
    if n == 0 or not fewer.mean > 0:
        return CostEffect("no_reduction", nan, nan, nan, extra, fewer, n)
    a, bb = extra.mean, fewer.mean
    ratio = a / bb
    if n < 2:
        return CostEffect("saves" if a < 0 else "ok", ratio, nan, nan, extra, fewer, n)
    t2 = float(sps.t.ppf(0.5 + level / 2, n - 1)) ** 2
    cov = np.cov(ds, di, ddof=1) / n
    v11, v12, v22 = cov[0, 0], cov[0, 1], cov[1, 1]
    denom = bb * bb - t2 * v22
    if denom <= 0:
        return CostEffect("unbounded", ratio, -math.inf, math.inf, extra, fewer, n)
    mid = a * bb - t2 * v12
    disc = max(0.0, mid * mid - denom * (a * a - t2 * v11))
    low, high = (mid - math.sqrt(disc)) / denom, (mid + math.sqrt(disc)) / denom
    return CostEffect("saves" if a < 0 else "ok", ratio, low, high, extra, fewer, n)


@dataclass
class Comparison:
    """A scenario against a baseline, paired by seed.

    ``table`` has one row per outcome (:meth:`PairedDifference.as_row`); ``cost`` is None where the
    outcomes compared leave out spending or the isolated count; ``seeds`` are the pairs' seeds,
    ``unpaired`` each side's seeds without a partner; ``warnings`` name what differs without preventing
    the comparison (``"residents"``: the two communities have different sizes).
    """

    scenario: Results
    baseline: Results
    table: pd.DataFrame
    cost: CostEffect | None
    seeds: list[int]
    unpaired: dict[str, list[int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def row(self, outcome: str) -> pd.Series:
        """The table's row for ``outcome`` (a KeyError if it was not compared)."""
        return self.table.set_index("outcome").loc[outcome]

    def __repr__(self) -> str:
        """The two sides, the seeds paired and the differences (a notebook shows this for ``compare(...)``),
        instead of both sides' results in full as the dataclass's own repr printed them. A comparison of no
        outcome (``outcomes=[]``, or outcomes the baseline lacks) has an empty table, said in words."""
        cost = "not computed" if self.cost is None else (
            f"{self.cost.status}, {self.cost.ratio:,.0f} per person no longer isolated" if self.cost.status == "ok"
            else self.cost.status)
        columns = [c for c in ("outcome", "baseline", "scenario", "difference", "difference_low", "difference_high",
                               "p_value") if c in self.table.columns]
        table = self.table[columns].to_string(index=False) if len(self.table) else "no outcome compared"
        return (f"<Comparison {self.scenario.name!r} against {self.baseline.name!r}, paired over {len(self.seeds)} "
                f"seeds; cost: {cost}\n{table}\n"
                "  .table (with each side's interval and n), .cost, .seeds, .unpaired, .warnings>")


def check_compatible(scenario: Results, baseline: Results) -> tuple[list[int], list[str]]:
    """``(common seeds, warnings)`` of two result sets, or a :class:`UserError` saying why they cannot be
    compared (the same folder, different horizons, amounts in different currencies, no seed in common);
    ``warnings`` lists ``"residents"``
    where the communities differ in size."""
    if Path(scenario.path).resolve() == Path(baseline.path).resolve():
        raise UserError("the baseline is the same folder as the scenario: a comparison with itself shows no "
                        "difference. Give the baseline's own runs (for example the hospital-baseline scenario run "
                        "with the same seeds)", file=str(baseline.path), key="--baseline")
    if scenario.weeks and baseline.weeks and int(scenario.weeks) != int(baseline.weeks):
        raise UserError(f"incompatible baseline: it ran {baseline.weeks} weeks, the scenario {scenario.weeks}; "
                        "compare runs with the same horizon", file=str(baseline.path), key="--baseline")
    check_same_currency(scenario, baseline)
    common = sorted(set(scenario.seeds) & set(baseline.seeds))
    if not common:
        raise UserError(f"incompatible baseline: no seed in common (scenario seeds {_short(scenario.seeds)}, "
                        f"baseline seeds {_short(baseline.seeds)}); run both with the same seeds so they "
                        "can be compared paired by seed", file=str(baseline.path), key="--baseline")
    warnings = []
    if scenario.residents and baseline.residents and scenario.residents != baseline.residents:
        warnings.append("residents")
    return common, warnings


def check_same_currency(scenario: Results, baseline: Results) -> None:
    """A :class:`UserError` unless the baseline's amounts are in the scenario's currency (``funding.currency``).

    The model converts no amount: spending in euros less spending in dollars, or a cost per person
    from the two, would be a number with no meaning, so the comparison is refused rather than shown.
    """
    if scenario.currency != baseline.currency:
        raise UserError(f"incompatible baseline: expected its amounts in the scenario's currency, {scenario.currency}; "
                        f"found {baseline.currency} (funding.currency, as recorded with its runs). The model converts "
                        "no amount, so its spending and the cost per person no longer isolated cannot be set against "
                        f"the scenario's: run the baseline again from a scenario with funding.currency: "
                        f"{scenario.currency} (a label only: its other results stay the same) and the same seeds",
                        file=str(baseline.path), key="funding.currency")


def _short(seeds) -> str:
    seeds = list(seeds)
    return ", ".join(map(str, seeds[:6])) + (" ..." if len(seeds) > 6 else "") if seeds else "none"


def compare(scenario: Results, baseline: Results, outcomes=None, level: float = 0.95) -> Comparison:
    """Compare final-year outcomes of ``scenario`` with ``baseline`` paired by seed.

    ``outcomes`` is a name or a list (default: the key outcomes). ``baseline`` may be a run, a set of
    replications or a sweep of one design point; ``scenario`` may not be a sweep (``select`` a point).

    ``table`` has one row per outcome: baseline and scenario means with intervals, the mean
    difference (scenario − baseline) with its interval, the number of pairs (and of seeds where each
    side is defined) and a paired t-test p.
    """
    if scenario.kind == "sweep":
        raise UserError("compare one scenario's replications at a time; for a sweep use Results.select(point)",
                        file=str(scenario.path))
    baseline = baseline.as_baseline()   # a sweep of one point: its replications
    common, warnings = check_compatible(scenario, baseline)
    shared = [c for c in _outcomes(scenario, outcomes) if c in baseline.summary.columns]
    s = scenario.summary.set_index("seed").loc[common]
    b = baseline.summary.set_index("seed").loc[common]
    table = pd.DataFrame([paired_difference(s[c], b[c], c, level).as_row() for c in shared])
    cost = cost_per_person_no_longer_isolated(s.reset_index(), b.reset_index(), level) \
        if {"spending_total", "isolated_count"} <= set(shared) else None
    unpaired = {"scenario": sorted(set(scenario.seeds) - set(common)),
                "baseline": sorted(set(baseline.seeds) - set(common))}
    return Comparison(scenario, baseline, table, cost, common, unpaired, warnings)


# ---------------------------------------------------------------------------------------------
# Equity and spending breakdowns


def group_columns(results: Results, prefix: str = "isolated_share_") -> list[str]:
    """The breakdown groups present: the population groups of MODEL.md §4, then each equity group."""
    fixed = [f"{prefix}{g}" for g in ("65_alone", "65_with_others", "single_parents", "65_women", "65_men")]
    cols = [c for c in fixed if c in results.summary.columns]
    cols += sorted(c for c in results.summary.columns if c.startswith(f"{prefix}group_"))
    return cols


def spending_over_the_run(results: Results) -> pd.Series | None:
    """Each run's spending over its whole horizon (the last week's ``spending_cumulative``), indexed by
    seed; ``None`` when the weekly series are not at hand (a sweep that kept none)."""
    weekly = results.weekly
    if weekly is None or weekly.empty or "spending_cumulative" not in weekly or "seed" not in weekly:
        return None
    last = weekly.sort_values("week", kind="stable").groupby("seed")["spending_cumulative"].last()
    return last.astype(float)


def spending_lines(results: Results) -> list[str]:
    """The summary's spending columns by budget line (``spending_*`` without the totals)."""
    skip = {"spending_total", "spending_cumulative"}
    return [c for c in results.summary.columns if c.startswith("spending_") and c not in skip]
