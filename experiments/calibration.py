"""Calibration of the free parameters against the literature (MODEL.md §6).

Method: **emulator-assisted approximate Bayesian computation in waves** (history-matching style).

1. *Prior*: independent uniform priors over :data:`~experiments.calibration_targets.PRIORS`.
2. *Wave 1*: a Latin hypercube of ``budget / waves`` parameter points over the prior; each point is
   run with ``replications`` seeds (common random numbers: replication ``i`` uses the same seed at
   every point) through the three measurement experiments of
   :mod:`experiments.calibration_targets`, on a backend of :mod:`experiments.backends` (serial, local
   processes or a dask cluster).
3. *Emulator*: for each fitted target, a ridge regression on the parameters scaled to [0, 1] with
   linear, squared and pairwise-interaction terms (interactions kept only when enough points);
   its leave-one-out residual variance (which contains the model's own sampling noise) is kept.
4. *ABC on the emulator*: ``n_prior`` draws from the prior; distance
   ``d(θ) = Σ_t (μ_t(θ) − y_t)² / (σ_t² + s²_t)`` over the fitted targets (σ_t the target's stated
   tolerance, s²_t the emulator's LOO variance); the ``accept`` fraction with the smallest distance
   is the approximate posterior.
5. *Later waves*: new points are drawn from the current approximate posterior, run, and the
   emulator refitted on every point so far (the design concentrates where the fit is good).
6. *Verification*: the posterior median is run with fresh seeds (``verify`` replications, seeds
   never used in the waves); the fit table reports each target against the model's mean and 95%
   interval across those replications. Validation facts (not fitted) come from the same runs.

Everything is written under ``out``: ``design_runs.parquet`` (every run's measures),
``posterior_samples.parquet``, ``parameters.csv`` (median, 95% interval, prior, identifiability),
``fit.csv``, ``validation.csv``, ``calibrated_overrides.yaml``, ``calibration.json`` and
``fit.png``.
"""

from __future__ import annotations

import json
import math
import time
from itertools import combinations
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from sim.errors import UserError, file_in_the_way

from .backends import check_workers
from .calibration_targets import (EMULATOR_INPUTS, EXPERIMENTS, FITTED, LOG_PRIORS, PRIORS, SHARE_TARGETS, TARGETS,
                                  TARGETS_BY_NAME, CalibrationTask, run_task)

#: Seeds: the waves use replication seeds from ROOT_SEED, the verification from VERIFY_SEED.
ROOT_SEED = 20240601
VERIFY_SEED = 777001


# ----------------------------------------------------------------------------- designs and seeds
def replication_seeds(root: int, n: int) -> list[int]:
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(root).spawn(n)]


def _bounds(names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    log = np.array([k in LOG_PRIORS for k in names])
    lo = np.array([PRIORS[k][0] for k in names], dtype=float)
    hi = np.array([PRIORS[k][1] for k in names], dtype=float)
    return np.where(log, np.log(np.where(log, lo, 1.0)), lo), np.where(log, np.log(np.where(log, hi, 1.0)), hi), log


def scale(values: np.ndarray, names: list[str]) -> np.ndarray:
    """Parameters to the unit cube of the prior (log scale for log-uniform priors)."""
    lo, hi, log = _bounds(names)
    v = np.where(log, np.log(np.clip(values, 1e-300, None)), values)
    return (v - lo) / (hi - lo)


def unscale(unit: np.ndarray, names: list[str]) -> np.ndarray:
    lo, hi, log = _bounds(names)
    v = lo + unit * (hi - lo)
    return np.where(log, np.exp(v), v)


def lhs(n: int, names: list[str], seed: int) -> np.ndarray:
    from scipy.stats import qmc
    try:
        sampler = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(seed))
    except TypeError:  # scipy < 1.15
        sampler = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed))
    return unscale(sampler.random(n), names)


# ----------------------------------------------------------------------------- the emulator
class Emulator:
    """Ridge regression of one measure on scaled parameters (linear, squares, some interactions).

    With ``logit=True`` (shares) the regression is on the logit of the measure and predictions are
    returned as shares; ``loo_var`` is then carried to the share scale at the prediction (delta method).
    """

    def __init__(self, interactions: bool, ridge: float = 1e-3, logit: bool = False):
        self.interactions = interactions
        self.ridge = ridge
        self.logit = logit
        self.columns: list[int] = []

    def features(self, x: np.ndarray) -> np.ndarray:
        cols = [np.ones(len(x)), *x.T, *((x - 0.5) ** 2).T]
        if self.interactions:
            cols += [(x[:, i] - 0.5) * (x[:, j] - 0.5) for i, j in combinations(range(x.shape[1]), 2)]
        return np.column_stack(cols)

    def fit(self, x: np.ndarray, y: np.ndarray) -> "Emulator":
        ok = np.isfinite(y)
        x, y = x[ok], y[ok]
        if self.logit:
            p = np.clip(y, 0.01, 0.99)
            y = np.log(p / (1 - p))
        f = self.features(x)
        self.mu, self.sd = f[:, 1:].mean(axis=0), f[:, 1:].std(axis=0) + 1e-12
        z = self._z(f)
        a = z.T @ z + self.ridge * len(y) * np.diag([0.0] + [1.0] * (z.shape[1] - 1))
        self.beta = np.linalg.solve(a, z.T @ y)
        hat = np.einsum("ij,ji->i", z, np.linalg.solve(a, z.T))
        resid = (y - z @ self.beta) / np.clip(1.0 - hat, 0.05, None)
        self.loo_var = float(np.mean(resid ** 2))
        self.r2 = float(1.0 - np.mean(resid ** 2) / max(np.var(y), 1e-12))
        self.n = len(y)
        return self

    def _z(self, f: np.ndarray) -> np.ndarray:
        return np.column_stack([f[:, 0], (f[:, 1:] - self.mu) / self.sd])

    def predict_raw(self, x: np.ndarray) -> np.ndarray:
        return self._z(self.features(x)) @ self.beta

    def predict(self, x: np.ndarray) -> np.ndarray:
        z = self.predict_raw(x)
        return 1.0 / (1.0 + np.exp(-z)) if self.logit else z

    def variance(self, x: np.ndarray) -> np.ndarray:
        """The emulator's LOO variance on the measure's own scale at ``x``."""
        if not self.logit:
            return np.full(len(x), self.loo_var)
        p = self.predict(x)
        return (p * (1 - p)) ** 2 * self.loo_var


def fit_emulators(runs: pd.DataFrame, names: list[str]) -> dict[str, Emulator]:
    """One emulator per fitted target, on the point means of the runs, with the target's inputs only."""
    means = runs.groupby("point")[names + list(FITTED)].mean()
    x = scale(means[names].to_numpy(), names)
    emulators = {}
    for t in FITTED:
        cols = [names.index(k) for k in EMULATOR_INPUTS.get(t, names) if k in names]
        d = len(cols)
        interactions = len(means) >= 3 * (1 + 2 * d + d * (d - 1) // 2)
        em = Emulator(interactions, logit=t in SHARE_TARGETS).fit(x[:, cols], means[t].to_numpy(dtype=float))
        em.columns = cols
        emulators[t] = em
    return emulators


def abc_on_emulator(emulators: dict[str, Emulator], names: list[str], n_prior: int, accept: float,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Prior draws, their emulated distance to the targets, and the accepted fraction (sorted by distance)."""
    unit = rng.random((n_prior, len(names)))
    d = np.zeros(n_prior)
    for t, em in emulators.items():
        target = TARGETS_BY_NAME[t]
        u = unit[:, em.columns]
        d += (em.predict(u) - target.value) ** 2 / (target.sigma ** 2 + em.variance(u))
    k = max(10, int(round(accept * n_prior)))
    best = np.argsort(d)[:k]
    df = pd.DataFrame(unscale(unit[best], names), columns=names)
    df["distance"] = d[best]
    return df


def posterior_table(samples: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    rows = []
    for k in names:
        lo, hi = PRIORS[k]
        q = samples[k].quantile([0.025, 0.5, 0.975]).to_numpy()
        width = scale(q[[0, 2]][None, :].T, [k])[:, 0]   # on the prior's own (log or linear) scale
        rows.append({"parameter": k, "median": q[1], "low_95": q[0], "high_95": q[2], "prior_low": lo,
                     "prior_high": hi, "prior_scale": "log-uniform" if k in LOG_PRIORS else "uniform",
                     "interval_over_prior": float(width[1] - width[0])})
    df = pd.DataFrame(rows)
    df["identified"] = np.where(df["interval_over_prior"] > 0.75, "poorly",
                                np.where(df["interval_over_prior"] > 0.45, "partly", "well"))
    return df


# ----------------------------------------------------------------------------- running
def run_tasks(tasks: list[CalibrationTask], backend: str, workers: int | None, scheduler: str | None = None,
              progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Run calibration tasks on a backend of :mod:`experiments.backends`; failures are reported, not fatal."""
    from .backends import make_backend

    rows, failed = [], []
    with make_backend(backend, workers, scheduler) as be:
        for i, (task, ok, value) in enumerate(be.imap_unordered(run_task, tasks), 1):
            if ok:
                rows.append(value)
            else:
                failed.append((task, value))
            if progress:
                progress(f"  {i}/{len(tasks)} runs ({be.describe()})")
    if failed and not rows:
        raise UserError(f"every calibration run failed; first error: {failed[0][1]}")
    df = pd.DataFrame(rows).sort_values(["point", "replication"]).reset_index(drop=True)
    df.attrs["failed"] = len(failed)
    return df


def check_options(budget: int, replications: int, residents: int, years: float | None, waves: int,
                  verify: int, accept: float, seed: int = ROOT_SEED) -> None:
    if budget < 8:
        raise UserError(f"expected a budget of at least 8 parameter points; found {budget}", key="--budget")
    if replications < 1:
        raise UserError(f"expected at least 1 replication; found {replications}", key="--replications")
    if verify < 2:
        raise UserError(f"expected at least 2 verification replications; found {verify}", key="--verify")
    if residents < 500:
        raise UserError(f"expected at least 500 residents for the measurements; found {residents}",
                        key="--residents")
    most = max_residents()
    if residents > most:   # scale_scenario would quietly make the largest community it can
        raise UserError(f"expected at most {most:,} residents for the measurements (the workload experiment has "
                        f"three times as many); found {residents:,}", key="--residents")
    if years is not None and not 6.0 <= years <= 20.0:
        raise UserError(f"expected --years between 6 and 20 (a burn-in year, then the five years of the turnover "
                        f"target); found {years}", key="--years")
    if not 1 <= waves <= 5 or budget // waves < 4:
        raise UserError(f"expected 1 to 5 waves of at least 4 points each; found {waves} waves for budget {budget}",
                        key="--waves")
    if not 0.0 < accept <= 0.5:
        raise UserError(f"expected an acceptance fraction in (0, 0.5]; found {accept}", key="--accept")
    if isinstance(seed, bool) or seed < 0:
        raise UserError(f"expected a seed that is a whole number 0 or more; found {seed}", key="--seed")


def max_residents() -> int:
    """The most residents a calibration run may have: every measurement experiment's scenario can be
    scaled to its size (see :func:`sim.scenario.residents_range`)."""
    from sim.scenario import load_scenario, residents_range

    return min(residents_range(load_scenario(exp["scenario"]))[1] // exp.get("population_factor", 1)
               for exp in EXPERIMENTS.values())


def calibrate(out: str | Path, budget: int = 240, replications: int = 2, residents: int = 2000,
              years: float | None = None, waves: int = 4, verify: int = 10, accept: float = 0.01,
              n_prior: int = 100_000, backend: str = "processes", workers: int | None = None,
              scheduler: str | None = None, seed: int = ROOT_SEED,
              progress: Callable[[str], None] | None = print) -> dict[str, Any]:
    """Run the whole calibration and write its results to ``out``; returns the summary (also in calibration.json)."""
    check_options(budget, replications, residents, years, waves, verify, accept, seed)
    check_workers(workers)   # before anything is written
    say = progress or (lambda s: None)
    out = Path(out)
    blocker = file_in_the_way(out)
    if blocker is not None:
        raise UserError(f"expected a folder{'' if blocker == out else f' at {blocker} to hold the output folder'}; "
                        "found a file", file=str(out), key="--out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"expected a folder that can be created or written to; found {e.strerror or e}",
                        file=str(out), key="--out") from None
    names = list(PRIORS)
    rng = np.random.default_rng(seed)
    seeds = replication_seeds(seed, replications)
    t0 = time.time()
    per_wave = [budget // waves + (1 if w < budget % waves else 0) for w in range(waves)]
    runs = pd.DataFrame()
    samples = None
    point0 = 0
    for w, n in enumerate(per_wave):
        if w == 0:
            points = lhs(n, names, seed)
        else:
            pick = rng.choice(len(samples), size=n, replace=len(samples) < n)
            points = samples[names].to_numpy()[pick]
        tasks = [CalibrationTask(point0 + i, rep, s, {k: float(v) for k, v in zip(names, points[i])}, residents, years)
                 for rep, s in enumerate(seeds) for i in range(n)]
        say(f"wave {w + 1}/{waves}: {n} points x {replications} replication(s)")
        wave_runs = run_tasks(tasks, backend, workers, scheduler, progress)
        wave_runs["wave"] = w + 1
        runs = pd.concat([runs, wave_runs], ignore_index=True)
        point0 += n
        emulators = fit_emulators(runs, names)
        samples = abc_on_emulator(emulators, names, n_prior, accept, rng)
    runs.to_parquet(out / "design_runs.parquet", index=False)
    samples.to_parquet(out / "posterior_samples.parquet", index=False)
    post = posterior_table(samples, names)
    post.to_csv(out / "parameters.csv", index=False)
    emu = pd.DataFrame([{"target": t, "r2_loo": e.r2, "loo_sd": math.sqrt(e.loo_var), "points": e.n,
                         "inputs": "; ".join(EMULATOR_INPUTS.get(t, names)), "interactions": e.interactions}
                        for t, e in emulators.items()])
    emu.to_csv(out / "emulators.csv", index=False)

    # Verification of the posterior median with fresh seeds.
    best = {k: float(v) for k, v in zip(post["parameter"], post["median"])}
    say(f"verification: posterior median x {verify} fresh seeds")
    vtasks = [CalibrationTask(-1, rep, s, best, residents, years)
              for rep, s in enumerate(replication_seeds(VERIFY_SEED, verify))]
    ver = run_tasks(vtasks, backend, workers, scheduler, progress)
    ver.to_parquet(out / "verification_runs.parquet", index=False)
    fit = fit_table(ver)
    fit.to_csv(out / "fit.csv", index=False)
    val = validation_table(ver)
    val.to_csv(out / "validation.csv", index=False)
    # Best direct runs (rejection ABC on the runs themselves, as a check on the emulator).
    direct = direct_rejection(runs, names)
    direct.to_csv(out / "direct_rejection.csv", index=False)
    import yaml
    (out / "calibrated_overrides.yaml").write_text(yaml.safe_dump(
        {k: round(v, 4) for k, v in best.items()}, sort_keys=False))
    summary = {"method": "emulator-assisted ABC in waves (see experiments/calibration.py)", "budget": budget,
               "waves": waves, "replications": replications, "residents": residents, "years": years,
               "verify": verify, "accept": accept, "n_prior": n_prior, "seed": seed, "backend": backend,
               "runs": int(len(runs)), "failed_runs": int(runs.attrs.get("failed", 0)),
               "seconds": round(time.time() - t0, 1), "posterior_median": best,
               "targets_within_tolerance": int(fit["within_tolerance"].sum()), "targets": int(len(fit))}
    (out / "calibration.json").write_text(json.dumps(summary, indent=2))
    try:
        figure(fit, post, out / "fit.png")
    except Exception as e:  # noqa: BLE001 - the figure is a convenience
        say(f"(no figure: {e})")
    return summary


def fit_table(ver: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for t in TARGETS:
        v = ver[t.name].to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        mean = float(v.mean()) if len(v) else float("nan")
        lo, hi = (np.quantile(v, [0.025, 0.975]) if len(v) else (float("nan"),) * 2)
        rows.append({"target": t.name, "value": t.value, "tolerance": 2 * t.sigma, "source": t.source,
                     "model_mean": mean, "model_low_95": float(lo), "model_high_95": float(hi),
                     "within_tolerance": bool(abs(mean - t.value) <= 2 * t.sigma), "fitted": t.fitted,
                     "informs": "; ".join(t.informs), "measured_as": t.measured_as})
    return pd.DataFrame(rows)


#: Stylised facts not used in fitting: (column(s), statement, source, test).
VALIDATION = (
    ("v_lonely_65_alone / v_lonely_65_with_others",
     "People living alone are lonely about twice as often as people living with others (24% vs 11%, "
     "ages 15+; measured here among people 65+)",
     "Statistics Canada 2021, Canadian Social Survey ('Loneliness in Canada', 11-627-M2021090)",
     lambda r: r["v_lonely_65_alone"] / r["v_lonely_65_with_others"], (1.6, 2.8)),
    ("v_lonely_adults_18_64 / lonely_65plus",
     "Adults under 65 are lonely about as often as people 65+ (always/often lonely: 10-15% at 25-64, "
     "9% at 65-74, 14% at 75+; 23% at 15-24)",
     "Statistics Canada 2021, Canadian Social Survey ('Loneliness in Canada')",
     lambda r: r["v_lonely_adults_18_64"] / r["lonely_65plus"], (0.8, 1.5)),
    ("v_corr_ties_loneliness",
     "Objective isolation (network size) and loneliness are only weakly to moderately correlated",
     "Cornwell & Waite 2009; Coyle & Dugan 2012",
     lambda r: r["v_corr_ties_loneliness"], (-0.4, -0.1)),
    ("v_isolated_among_lonely",
     "Most lonely people are not socially isolated (isolation and loneliness are distinct states)",
     "Cornwell & Waite 2009; Coyle & Dugan 2012",
     lambda r: r["v_isolated_among_lonely"], (0.0, 0.5)),
    ("v_ties_65plus / v_ties_adults_18_64",
     "Personal networks are smaller in old age than in midlife", "Wrzus et al. 2013 (meta-analysis)",
     lambda r: r["v_ties_65plus"] / r["v_ties_adults_18_64"], (0.6, 0.97)),
    ("v_pam_gain_low_start - v_pam_gain_high_start",
     "Coaching raises activation most among the least activated (PAM points, below vs above the median "
     "at pairing)", "Hibbard et al. 2009; Deen et al. 2011",
     lambda r: r["v_pam_gain_low_start"] - r["v_pam_gain_high_start"], (0.0, float("inf"))),
)


def validation_table(ver: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for cols, fact, source, f, (lo, hi) in VALIDATION:
        v = np.array([f(r) for _, r in ver.iterrows()], dtype=float)
        v = v[np.isfinite(v)]
        mean = float(v.mean()) if len(v) else float("nan")
        q = np.quantile(v, [0.025, 0.975]) if len(v) else (float("nan"),) * 2
        rows.append({"fact": fact, "source": source, "statistic": cols, "expected_low": lo, "expected_high": hi,
                     "model_mean": mean, "model_low_95": float(q[0]), "model_high_95": float(q[1]),
                     "verdict": "hit" if lo <= mean <= hi else "miss"})
    return pd.DataFrame(rows)


def direct_rejection(runs: pd.DataFrame, names: list[str], accept: float = 0.1) -> pd.DataFrame:
    """Rejection ABC on the runs themselves (point means), the best ``accept`` fraction."""
    means = runs.groupby("point")[names + list(FITTED)].mean()
    d = np.zeros(len(means))
    for t in FITTED:
        target = TARGETS_BY_NAME[t]
        v = means[t].to_numpy(dtype=float)
        d += np.where(np.isfinite(v), (v - target.value) ** 2 / target.sigma ** 2, 1e3)
    means["distance"] = d
    k = max(3, int(round(accept * len(means))))
    return means.sort_values("distance").head(k).reset_index()


def figure(fit: pd.DataFrame, post: pd.DataFrame, path: Path) -> None:
    from matplotlib.figure import Figure   # not pyplot's: the caller's backend is left as it was

    fig = Figure(figsize=(13, 5.5))
    a1, a2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    y = np.arange(len(fit))[::-1]
    tol = fit["tolerance"].to_numpy()
    z = (fit["model_mean"] - fit["value"]) / (tol / 2)
    zl = (fit["model_low_95"] - fit["value"]) / (tol / 2)
    zh = (fit["model_high_95"] - fit["value"]) / (tol / 2)
    a1.axvspan(-2, 2, color="0.9", label="tolerance (±2σ)")
    a1.hlines(y, zl, zh, color="C0")
    for yi, fitted, zi in zip(y, fit["fitted"], z):
        a1.plot(zi, yi, "o", color="C0" if fitted else "C1")
    a1.axvline(0, color="k", lw=0.8)
    a1.set_yticks(y, [f"{t} ({v:g})" for t, v in zip(fit["target"], fit["value"])])
    a1.set_xlabel("(model − target) / σ\ndot: mean, bar: 95% across replications; orange: a check, not fitted")
    a1.set_title("Fit at the posterior median")
    y2 = np.arange(len(post))[::-1]
    names = list(post["parameter"])
    lo = np.diag(scale(np.tile(post["low_95"].to_numpy(), (len(names), 1)), names))
    hi = np.diag(scale(np.tile(post["high_95"].to_numpy(), (len(names), 1)), names))
    med = np.diag(scale(np.tile(post["median"].to_numpy(), (len(names), 1)), names))
    a2.hlines(y2, lo, hi, color="C2", lw=4)
    a2.plot(med, y2, "k|", ms=14)
    a2.set_xlim(0, 1)
    a2.set_yticks(y2, post["parameter"])
    a2.set_xlabel("position in the prior range (log scale for rates)\nbar: posterior 95% interval, tick: median")
    a2.set_title("Posterior of the free parameters")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def fit_markdown(fit: pd.DataFrame) -> list[str]:
    """The fit table (each target against the model's mean and 95% interval) as Markdown lines."""
    lines = ["| target | value | source | model mean | model 95% interval | within ±2σ | parameters informed |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for _, r in fit.iterrows():
        tag = "" if r["fitted"] else " (check, not fitted)"
        lines.append(f"| {r['target']}{tag} | {r['value']:g} ± {r['tolerance']:g} | {r['source']} | "
                     f"{r['model_mean']:.3g} | {r['model_low_95']:.3g} – {r['model_high_95']:.3g} | "
                     f"{'yes' if r['within_tolerance'] else '**no**'} | {r['informs']} |")
    return lines


def validation_markdown(val: pd.DataFrame) -> list[str]:
    """The validation table (stylised facts not used in fitting) as Markdown lines."""
    lines = ["| stylised fact | source | expected | model mean (95% interval) | verdict |",
             "| --- | --- | --- | --- | --- |"]
    for _, r in val.iterrows():
        lines.append(f"| {r['fact']} | {r['source']} | {r['expected_low']:g} – {r['expected_high']:g} "
                     f"(`{r['statistic']}`) | {r['model_mean']:.3g} ({r['model_low_95']:.3g} – {r['model_high_95']:.3g}) "
                     f"| {r['verdict']} |")
    return lines


def markdown_tables(out: str | Path) -> str:
    """The fit, parameter and validation tables of a calibration folder, as Markdown (for the docs)."""
    out = Path(out)
    post = pd.read_csv(out / "parameters.csv")
    lines = fit_markdown(pd.read_csv(out / "fit.csv"))
    lines += ["", "| parameter | prior (uniform) | posterior median | 95% interval | identified |",
              "| --- | --- | --- | --- | --- |"]
    for _, r in post.iterrows():
        lines.append(f"| `{r['parameter']}` | {r['prior_low']:g} – {r['prior_high']:g} ({r['prior_scale']}) | {r['median']:.4g} | "
                     f"{r['low_95']:.4g} – {r['high_95']:.4g} | {r['identified']} "
                     f"({100 * r['interval_over_prior']:.0f}% of prior) |")
    lines += ["", *validation_markdown(pd.read_csv(out / "validation.csv"))]
    return "\n".join(lines)


def check_defaults(verify: int = 10, residents: int = 2000, years: float | None = None, backend: str = "processes",
                   workers: int | None = None, scheduler: str | None = None, seed: int = VERIFY_SEED,
                   progress: Callable[[str], None] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How well the scenario defaults, as they are now, meet the calibration targets: the measurement
    experiments with ``verify`` fresh seeds and no fitting. Returns the fit and validation tables."""
    check_options(8, 1, residents, years, 1, verify, 0.01, seed)
    tasks = [CalibrationTask(-1, rep, s, {}, residents, years) for rep, s in enumerate(replication_seeds(seed, verify))]
    ver = run_tasks(tasks, backend, workers, scheduler, progress)
    return fit_table(ver), validation_table(ver)
