"""Experimental designs and seeds: which parameter values are run, and with which seeds.

A design is a table with one row per design point (``point`` = 0, 1, ...) and one column per
swept dotted key. Designs: full factorial, NetLogo-style sub-experiments (each crossed within
itself, concatenated, unswept keys at their base value), Latin hypercube (``scipy.stats.qmc``),
Sobol (Saltelli sampling) and Morris (elementary effects), both from SALib and kept in SALib's
order so that ``SALib.analyze`` can be run on the results. Seeds follow common random numbers:
replication ``i`` uses the same seed at every point, so differences between points are paired.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.scenario import Scenario

from .spec import SweepSpec, is_integer, value_at


@dataclass
class Design:
    """The resolved design: the points table and what SALib needs to analyse it."""

    kind: str
    points: pd.DataFrame                 # point, then one column per swept key
    parameters: list[str]
    extra: dict[str, Any] = field(default_factory=dict)  # salib_problem, N, calc_second_order, num_levels

    @property
    def n_points(self) -> int:
        return len(self.points)

    def params(self, point: int) -> dict[str, Any]:
        """The overrides of one design point, as plain Python values."""
        row = self.points.iloc[point]
        return {k: _plain(row[k]) for k in self.parameters}


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _table(rows: list[dict[str, Any]], parameters: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=parameters)
    for col in parameters:
        values = [r[col] for r in rows]
        if all(isinstance(v, bool) for v in values):
            df[col] = df[col].astype(bool)
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            df[col] = df[col].astype("int64")
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            df[col] = df[col].astype("float64")
        elif all(isinstance(v, str) for v in values):
            df[col] = df[col].astype(object)
    df.insert(0, "point", np.arange(len(df), dtype="int64"))
    return df


def full_factorial(parameters: dict[str, list]) -> list[dict[str, Any]]:
    """Every combination of the listed values (the first key varies slowest)."""
    if not parameters:
        return [{}]
    keys = list(parameters)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(parameters[k] for k in keys))]


def subexperiments(subs: list[dict[str, list]], base: dict[str, Any]) -> list[dict[str, Any]]:
    """NetLogo-style: each sub-experiment is a full factorial of its own keys; others stay at base."""
    rows = []
    for sub in subs:
        for row in full_factorial(sub):
            rows.append({**base, **row})
    return rows


def _bounds(spec: SweepSpec) -> list[list[float]]:
    return [[spec.ranges[k].low, spec.ranges[k].high] for k in spec.ranges]


def latin_hypercube(spec: SweepSpec, seed: int) -> np.ndarray:
    from scipy.stats import qmc
    d = len(spec.ranges)
    try:
        sampler = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed))
    except TypeError:  # scipy < 1.15
        sampler = qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed))
    unit = sampler.random(spec.samples)
    b = np.array(_bounds(spec))
    return qmc.scale(unit, b[:, 0], b[:, 1])


def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    return {"num_vars": len(spec.ranges), "names": list(spec.ranges), "bounds": _bounds(spec)}


def sobol(spec: SweepSpec, seed: int) -> np.ndarray:
    from SALib.sample import sobol as sobol_sample
    return sobol_sample.sample(salib_problem(spec), spec.samples, calc_second_order=spec.calc_second_order,
                               scramble=True, seed=seed)


def morris(spec: SweepSpec, seed: int) -> np.ndarray:
    from SALib.sample import morris as morris_sample
    return morris_sample.sample(salib_problem(spec), spec.samples, num_levels=spec.num_levels, seed=seed)


def build_design(spec: SweepSpec, scenario: Scenario) -> Design:
    """The design table for a validated spec and its base scenario."""
    kind = spec.design
    if kind == "full_factorial":
        params = list(spec.parameters)
        return Design(kind, _table(full_factorial(spec.parameters), params), params)
    if kind == "subexperiments":
        params = list(dict.fromkeys(k for sub in spec.subexperiments for k in sub))
        base = {k: value_at(scenario, k) for k in params}
        # which points each block made (in order), so that a key's main effect compares its own block's points
        blocks = [{"keys": list(sub), "points": len(full_factorial(sub))} for sub in spec.subexperiments]
        return Design(kind, _table(subexperiments(spec.subexperiments, base), params), params,
                      {"subexperiments": blocks})
    if kind == "points":
        params = list(spec.points[0])
        return Design(kind, _table([dict(p) for p in spec.points], params), params)
    seed = spec.root_seed if spec.sample_seed is None else spec.sample_seed
    params = list(spec.ranges)
    matrix = {"lhs": latin_hypercube, "sobol": sobol, "morris": morris}[kind](spec, seed)
    rows = []
    for values in matrix:
        row = {}
        for k, v in zip(params, values):
            row[k] = int(round(float(v))) if is_integer(spec, scenario, k) else float(v)
        rows.append(row)
    extra: dict[str, Any] = {"sample_seed": seed, "samples": spec.samples}
    if kind in ("sobol", "morris"):
        extra["salib_problem"] = salib_problem(spec)
        extra["N"] = spec.samples
        if kind == "sobol":
            extra["calc_second_order"] = spec.calc_second_order
        else:
            extra["num_levels"] = spec.num_levels
    return Design(kind, _table(rows, params), params, extra)


def design_from_frame(frame: pd.DataFrame) -> Design:
    """A ``points`` design from a DataFrame whose columns are dotted keys (``point`` is renumbered)."""
    params = [c for c in frame.columns if c != "point"]
    rows = [{k: _plain(v) for k, v in row.items()} for row in frame[params].to_dict("records")]
    return Design("points", _table(rows, params), params)


# ----------------------------------------------------------------------------- seeds and run ids
def replication_seeds(root_seed: int, replications: int) -> list[int]:
    """One seed per replication, from ``SeedSequence(root_seed).spawn``: independent streams, and
    extending a sweep with more replications keeps the seeds of the earlier ones."""
    children = np.random.SeedSequence(root_seed).spawn(replications)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def run_id(point: int, replication: int, params: dict[str, Any], seed: int) -> str:
    """A stable id from the design point (its values) and the seed: ``p000012-r0003-<digest>``."""
    digest = hashlib.sha1(json.dumps({"params": params, "seed": int(seed)}, sort_keys=True,
                                     default=str).encode()).hexdigest()[:10]
    return f"p{point:06d}-r{replication:04d}-{digest}"
