"""Which levers matter most: sensitivity analysis of a sweep.

* a **Sobol** design: first-order and total Sobol indices (SALib), with 95% confidence intervals;
* a **Morris** design: μ* (mean absolute elementary effect, with its interval) and σ;
* a **full factorial**, **Latin-hypercube**, sub-experiment or explicit-points design: main effects
  (the mean outcome at each level of each parameter, other parameters averaged over).

Sobol and Morris work on the outcome averaged over the replications of each design point, in
SALib's sample order; they need every replication of every design point, so an incomplete sweep is
an error here, not a silently shorter sample (a point averaged over fewer seeds than the others
would carry less of the shared random noise). Main effects are still computed on an incomplete
sweep, but the result says so (:attr:`Sensitivity.incomplete`) and the report shows it. Asking for an analysis the design does not allow is a
:class:`~sim.errors.UserError` that says which analysis the design does allow.
"""

from __future__ import annotations

import math
import sys
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.errors import UserError

from .load import Results
from .stats import mean_ci

METHODS = ("sobol", "morris", "main_effects")
#: SALib seeds its bootstrap only for a truthy seed (``if seed:``), so the default is 1, not 0:
#: the same sweep then always gives the same confidence intervals (and the same report).
DEFAULT_METHOD = {"sobol": "sobol", "morris": "morris", "full_factorial": "main_effects", "lhs": "main_effects",
                  "subexperiments": "main_effects", "points": "main_effects"}
#: Sobol indices are shares of the outcome's variance (0 to 1). When the widest 95% interval of an
#: index is wider than this either side, the base sample N is too small for the indices to be read
#: (with a few samples SALib returns values below 0 or above 1 and rankings that change with the seed).
SOBOL_MAX_HALF_WIDTH = 0.1
#: Morris μ* screens the levers by their size relative to the most influential one's. When the widest
#: 95% interval of a μ* (SALib's ``mu_star_conf``) is wider, either side, than this share of the largest
#: μ*, the trajectories are too few for the order of the levers, or which of them matter little, to be
#: read (the interval is measured against the largest μ*, not each lever's own: a lever that does not
#: matter has a μ* near 0, which any interval dwarfs).
MORRIS_MAX_RELATIVE_HALF_WIDTH = 0.25
#: The widest half-width each method's intervals may have before its result comes with a caution.
INTERVAL_LIMITS = {"sobol": SOBOL_MAX_HALF_WIDTH, "morris": MORRIS_MAX_RELATIVE_HALF_WIDTH}


@dataclass
class Sensitivity:
    """The result of one sensitivity analysis.

    ``table`` holds the method's own columns (``S1, S1_conf, ST, ST_conf`` / ``mu, mu_star,
    mu_star_conf, sigma`` / ``level, mean, low, high, n, binned``; ``binned`` is true where a
    continuous parameter's values were grouped into quantile bins, ``level`` then being the bin's
    mean value, and false where each level is a value the design set); ``ranking`` has one row per parameter,
    most influential first: ``parameter, value, low, high`` (``value`` is ST, μ* or the swing of the
    main effect; for main effects ``low``/``high`` are the smallest and largest level means).
    ``incomplete_points`` counts the design points with fewer finished runs than the design's
    replications (only main effects are ever computed on such a sweep), out of ``n_points``.
    ``caution`` says why the indices are imprecise (a design with too few samples: a Sobol index's
    interval wider than ±:data:`SOBOL_MAX_HALF_WIDTH`, or a Morris μ*'s wider than
    ±:data:`MORRIS_MAX_RELATIVE_HALF_WIDTH` of the largest μ*), and is ``None`` otherwise; the report
    shows it and :func:`sobol` and :func:`morris` also issue it as a :class:`UserWarning`.
    ``base_samples`` is the sample size SALib was given (Sobol: the base sample N; Morris: the number
    of trajectories), ``widest_interval`` the widest 95% half-width (Morris: as a share of the
    largest μ*) and :attr:`interval_limit` the widest allowed.
    """

    method: str
    outcome: str
    table: pd.DataFrame
    ranking: pd.DataFrame
    design: str
    incomplete_points: int = 0
    n_points: int = 0
    caution: str | None = None   # why the indices are not to be relied on (too few samples), or None
    base_samples: int | None = None      # Sobol: the base sample N; Morris: the trajectories
    widest_interval: float | None = None  # Sobol: the widest 95% half-width of S1 and ST; Morris: of μ*,
                                          # as a share of the largest μ*

    @property
    def interval_limit(self) -> float | None:
        """The widest half-width allowed before :attr:`caution` is set (None for main effects)."""
        return INTERVAL_LIMITS.get(self.method)

    @property
    def incomplete(self) -> bool:
        """Whether the analysis used a sweep in which some design point lacks some of its replications."""
        return self.incomplete_points > 0

    def __repr__(self) -> str:
        """The method, the outcome and the ranking (a notebook shows this for ``analyse(...)``), instead of
        every table in full as the dataclass's own repr printed them."""
        notes = [note for note, shown in ((f"incomplete: {self.incomplete_points} of {self.n_points} design points "
                                           "lack replications", self.incomplete), (self.caution, self.caution))
                 if shown]
        return (f"<Sensitivity of {self.outcome!r} by {self.method} ({self.design} design, {self.n_points} points)"
                + "".join(f"\n  {note}" for note in notes)
                + f"\n{self.ranking.to_string(index=False)}\n  .ranking, .table (the method's own columns)>")


def analyse(results: Results, outcome: str, method: str | None = None, seed: int = 1) -> Sensitivity:
    """The sensitivity analysis of ``outcome`` that the sweep's design allows (or the one asked for).

    ``method`` is ``sobol``, ``morris`` or ``main_effects`` (default: Sobol for a Sobol design, Morris
    for a Morris design, main effects otherwise); ``seed`` seeds SALib's bootstrap.
    """
    if results.kind != "sweep":
        raise UserError("sensitivity analysis needs a sweep folder (written by 'caring-community sweep'), "
                        "not a run or a set of replications", file=str(results.path))
    design = results.design_name or "?"
    method = method or DEFAULT_METHOD.get(design, "main_effects")
    if method not in METHODS:
        raise UserError(f"unknown analysis '{method}' (expected one of {', '.join(METHODS)})", key="method")
    if results.summary.empty:
        hint = ("see failed/ for the errors" if results.failed_runs else
                "run the same sweep command again to resume it")   # nothing failed: it was stopped, or is running
        raise UserError(f"the sweep has no completed run yet ({results.failed_runs} failed, {results.missing_runs} "
                        f"missing of {results.expected_runs}); {hint}", file=str(results.path))
    results.check_outcomes([outcome])
    if method == "sobol":
        return sobol(results, outcome, seed=seed)
    if method == "morris":
        return morris(results, outcome, seed=seed)
    return main_effects(results, outcome)


def _require(results: Results, design: str, what: str) -> dict:
    if results.design_name != design:
        own = DEFAULT_METHOD.get(results.design_name or "", "main_effects")   # main effects: any design
        allowed = own if own == "main_effects" else f"{own} or main_effects"
        raise UserError(f"{what} need a '{design}' design; this sweep's design is '{results.design_name}' "
                        f"(it allows: {allowed})", file=str(results.path), key="design")
    problem = results.meta.get("salib_problem")
    if not problem or "names" not in problem or "bounds" not in problem:
        raise UserError("meta.json has no 'salib_problem' (num_vars, names, bounds)", file=str(results.path / "meta.json"),
                        key="salib_problem")
    return {"num_vars": int(problem.get("num_vars", len(problem["names"]))), "names": list(problem["names"]),
            "bounds": [list(map(float, b)) for b in problem["bounds"]]}


def incomplete_points(results: Results) -> dict[int, int]:
    """Design points with fewer finished runs than the design's replications: ``{point: finished runs}``."""
    done = results.summary.groupby("point").size() if not results.summary.empty else pd.Series(dtype=int)
    reps = results.replications
    runs = {p: int(done.get(p, 0)) for p in results.points()}
    return {p: n for p, n in runs.items() if n < reps}


def point_means(results: Results, outcome: str, what: str = "this analysis") -> np.ndarray:
    """The outcome averaged over replications at each design point, in point order; every run of every point needed."""
    points = results.points()
    short = incomplete_points(results)
    if short:
        first = next(iter(short))
        raise UserError(f"the sweep is incomplete: {len(short)} of {len(points)} design points lack some of their "
                        f"{results.replications} replications (first: point {first}, {short[first]} finished); "
                        f"{what} need every replication of every point. Re-run the missing runs "
                        f"({results.missing_runs} missing, {results.failed_runs} failed)", file=str(results.path))
    means = results.summary.groupby("point")[outcome].mean().reindex(points)
    undefined = [p for p in points if not np.isfinite(means.loc[p])]
    if undefined:
        raise UserError(f"'{outcome}' is not defined at {len(undefined)} of {len(points)} design points (first: point "
                        f"{undefined[0]}); {what} need a value at every point", file=str(results.path), key=outcome)
    return means.to_numpy(dtype=float)


def sobol(results: Results, outcome: str, seed: int = 1, level: float = 0.95) -> Sensitivity:
    """First-order (S1) and total (ST) Sobol indices with confidence intervals."""
    from SALib.analyze import sobol as sobol_analyze

    problem = _require(results, "sobol", "Sobol indices")
    y = point_means(results, outcome, "Sobol indices")
    d = problem["num_vars"]
    second = bool(results.meta.get("calc_second_order", True))
    per = 2 * d + 2 if second else d + 2
    if len(y) % per:
        raise UserError(f"a Sobol design with {d} parameters needs a multiple of {per} points, found {len(y)}",
                        file=str(results.path), key="n_points")
    if np.ptp(y) == 0:
        raise UserError(f"'{outcome}' is the same at every design point: no variance to apportion",
                        file=str(results.path), key=outcome)
    si = sobol_analyze.analyze(problem, y, calc_second_order=second, conf_level=level, seed=seed)
    table = pd.DataFrame({"parameter": problem["names"], "S1": si["S1"], "S1_conf": si["S1_conf"],
                          "ST": si["ST"], "ST_conf": si["ST_conf"]})
    table = table.sort_values("ST", ascending=False).reset_index(drop=True)
    ranking = pd.DataFrame({"parameter": table["parameter"], "value": table["ST"],
                            "low": table["ST"] - table["ST_conf"], "high": table["ST"] + table["ST_conf"]})
    conf = np.abs(table[["S1_conf", "ST_conf"]].to_numpy(dtype=float))
    widest = float(conf.max()) if conf.size and np.isfinite(conf).all() else float("inf")
    n = len(y) // per
    return _with_caution(Sensitivity("sobol", outcome, table, ranking, "sobol", n_points=len(y), base_samples=n,
                                     widest_interval=widest))


def _with_caution(sens: Sensitivity) -> Sensitivity:
    """``sens`` with its :attr:`~Sensitivity.caution` set, and issued as a :class:`UserWarning`, when
    its widest interval is wider than its limit (Sobol and Morris alike).

    Intervals narrow as 1/sqrt(n) with the sample size n, so the message gives the sample that would
    bring them within the limit (for Sobol a power of 2), extrapolated from at least 16 Sobol base
    samples or 8 Morris trajectories, and an order of magnitude below that.
    """
    widest, limit, n = sens.widest_interval, sens.interval_limit, sens.base_samples
    if widest is None or limit is None or widest <= limit:
        return sens
    sobol_design = sens.method == "sobol"
    if n >= (16 if sobol_design else 8) and math.isfinite(widest):
        need = n * (widest / limit) ** 2
        more = f"of about {2 ** math.ceil(math.log2(need)) if sobol_design else math.ceil(need)}"
    else:   # too few samples to extrapolate from
        more = "in the hundreds or more" if sobol_design else "in the tens or more"
    if sobol_design:
        caution = (f"these Sobol indices of '{sens.outcome}' are imprecise: with a base sample of N = {n} "
                   f"({sens.n_points} design points) the widest 95% interval is ±{widest:.2f}, so indices below 0 or "
                   f"above 1 and the ranking may be noise; a sweep with 'samples' {more} would bring the intervals "
                   f"within ±{limit:g}")
    else:
        caution = (f"these Morris μ* of '{sens.outcome}' are imprecise: with {n} trajectories ({sens.n_points} design "
                   f"points) the widest 95% interval of μ* is ±{widest:.0%} of the largest μ*, so the order of the "
                   f"levers, and which of them matter little, may be noise; a sweep with 'samples' (trajectories) "
                   f"{more} would bring the intervals within ±{limit:.0%}")
    warnings.warn(caution, UserWarning, stacklevel=_caller_level())
    sens.caution = caution
    return sens


def _caller_level() -> int:
    """The ``stacklevel``, for a warning issued by the function that calls this, of the first frame outside
    this module: the warning then names the notebook line (or the report code) that called :func:`analyse`,
    :func:`sobol` or :func:`morris`, not a line of this file."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename == __file__:
        frame, level = frame.f_back, level + 1
    return level


def morris(results: Results, outcome: str, seed: int = 1, level: float = 0.95) -> Sensitivity:
    """Morris elementary effects: μ, μ* (with interval) and σ."""
    from SALib.analyze import morris as morris_analyze

    problem = _require(results, "morris", "Morris elementary effects")
    y = point_means(results, outcome, "Morris elementary effects")
    design = results.design
    if design is None:
        raise UserError("the sweep has no design.parquet", file=str(results.path))
    x = design.set_index("point").loc[results.points(), problem["names"]].to_numpy(dtype=float)
    if len(y) % (problem["num_vars"] + 1):
        raise UserError(f"a Morris design with {problem['num_vars']} parameters needs a multiple of "
                        f"{problem['num_vars'] + 1} points, found {len(y)}", file=str(results.path), key="n_points")
    if len(y) < 2 * (problem["num_vars"] + 1):   # SALib would give σ = NaN and an interval of ±0 for μ*
        raise UserError(f"Morris elementary effects need at least 2 trajectories ({2 * (problem['num_vars'] + 1)} "
                        f"points): with one, μ*'s interval and σ cannot be computed; found {len(y)} points (1 "
                        f"trajectory). Run a sweep with 'samples' of 10 or more", file=str(results.path), key="samples")
    si = morris_analyze.analyze(problem, x, y, conf_level=level, num_levels=int(results.meta.get("num_levels", 4)),
                                seed=seed)
    table = pd.DataFrame({"parameter": problem["names"], "mu": si["mu"], "mu_star": si["mu_star"],
                          "mu_star_conf": si["mu_star_conf"], "sigma": si["sigma"]})
    table = table.sort_values("mu_star", ascending=False).reset_index(drop=True)
    ranking = pd.DataFrame({"parameter": table["parameter"], "value": table["mu_star"],
                            "low": table["mu_star"] - table["mu_star_conf"],
                            "high": table["mu_star"] + table["mu_star_conf"]})
    conf = np.abs(table["mu_star_conf"].to_numpy(dtype=float))
    largest = float(np.nanmax(table["mu_star"].to_numpy(dtype=float))) if len(table) else 0.0
    if not largest > 0:     # no lever moves the outcome: nothing to rank, nothing imprecise
        widest = 0.0
    else:
        widest = float(conf.max()) / largest if np.isfinite(conf).all() else float("inf")
    return _with_caution(Sensitivity("morris", outcome, table, ranking, "morris", n_points=len(y),
                                     base_samples=len(y) // (problem["num_vars"] + 1), widest_interval=widest))


def _subexperiment_blocks(results: Results) -> "dict[int, list[str]] | None":
    """For a sub-experiments sweep: each design point's block's keys (``meta.subexperiments``); else None."""
    blocks = results.meta.get("subexperiments") if results.design_name == "subexperiments" else None
    if not blocks:
        return None
    out, point = {}, 0
    for block in blocks:
        for _ in range(int(block["points"])):
            out[point] = list(block["keys"])
            point += 1
    return out


def main_effects(results: Results, outcome: str, bins: int = 5, level: float = 0.95) -> Sensitivity:
    """Mean outcome at each level of each swept parameter (quantile bins for continuous samples).

    Intervals are within-replication (Cousineau–Morey style): with several replications, each one's
    mean over the design is removed first, since replication *i* uses the same seed at every point.
    """
    df = results.summary
    if df.empty:
        raise UserError("the sweep has no completed run", file=str(results.path))
    if "replication" in df and df["replication"].nunique() > 1:
        # Replications share their seed at every point (common random numbers): remove each replication's
        # own level so the intervals show how surely a lever moves the outcome, not how much seeds differ.
        df = df.copy()
        df[outcome] = df[outcome] - df.groupby("replication")[outcome].transform("mean") + df[outcome].mean()
    rows = []
    blocks = _subexperiment_blocks(results)
    for param in results.parameters:
        if param not in df:
            continue
        # sub-experiments: only the points of the blocks that vary this key (elsewhere it sits at its base
        # value while other keys move, which would be credited to its base level)
        runs = df if blocks is None else df[df["point"].map(blocks).apply(lambda keys: param in keys)]
        values = runs[param]
        if values.nunique() < 2:
            continue
        binned = bool(pd.api.types.is_numeric_dtype(values) and values.nunique() > 10)
        if binned:
            # Bins of the sampled values, not of the runs: every replication of a point falls in its bin.
            distinct = np.sort(values.unique())
            bin_of = pd.qcut(np.arange(len(distinct)), q=min(bins, len(distinct)), labels=False)
            codes = values.map(dict(zip(distinct, bin_of)))
            groups = runs.groupby(codes)
            level_value = groups[param].mean()
        else:
            groups = runs.groupby(param, sort=True)
            level_value = pd.Series(groups.groups.keys(), index=list(groups.groups.keys()))
        for key, g in groups:
            ci = mean_ci(g[outcome], level)
            rows.append({"parameter": param, "level": level_value.loc[key], "mean": ci.mean, "low": ci.low,
                         "high": ci.high, "n": ci.n, "binned": binned})
    if not rows:
        designed = [p for p in results.parameters if results.design is not None and p in results.design
                    and results.design[p].nunique() > 1]
        if designed and not results.complete:
            raise UserError(f"main effects need runs at two or more values of a swept parameter; the completed runs "
                            f"({results.completed_runs} of {results.expected_runs}: {results.failed_runs} failed, "
                            f"{results.missing_runs} missing) all have the same value of {', '.join(designed)}",
                            file=str(results.path), key="parameters")
        raise UserError("main effects need at least one swept parameter that takes two or more values",
                        file=str(results.path), key="parameters")
    table = pd.DataFrame(rows)
    swing = table.groupby("parameter", sort=False)["mean"].agg(["min", "max"])
    ranking = pd.DataFrame({"parameter": swing.index, "value": (swing["max"] - swing["min"]).values,
                            "low": swing["min"].values, "high": swing["max"].values})
    ranking = ranking.sort_values("value", ascending=False).reset_index(drop=True)
    return Sensitivity("main_effects", outcome, table, ranking, results.design_name or "?",
                       incomplete_points=len(incomplete_points(results)), n_points=len(results.points()))
