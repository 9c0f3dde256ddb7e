"""Synthetic result folders in the exact layout ``caring-community run`` and ``sweep`` write.

For tests and demonstrations of the analysis without running the model: every value is chosen by
the caller (or drawn from a seeded generator), so statistics computed from them have known answers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

EQUITY_GROUPS = ("majority", "cultural_community", "lgbti")
SPENDING_LINES = ("partner_compensation", "organization_grants", "training", "coordination", "supervision")


def plausible_final(rng: np.random.Generator, effect: float = 0.0, residents: int = 1000) -> dict[str, float]:
    """A full final-year summary with plausible values; ``effect`` (0-1) improves isolation and costs money."""
    iso65 = float(np.clip(0.30 - 0.10 * effect + rng.normal(0, 0.02), 0, 1))
    iso_all = float(np.clip(0.08 - 0.02 * effect + rng.normal(0, 0.005), 0, 1))
    out = {
        "isolated_share_all": iso_all, "isolated_share_65plus": iso65 * 0.7,
        "isolated_share_65_alone": iso65, "isolated_share_65_with_others": iso65 * 0.3,
        "isolated_share_single_parents": float(np.clip(0.06 + rng.normal(0, 0.01), 0, 1)),
        "isolated_share_65_women": iso65 * 0.8, "isolated_share_65_men": iso65 * 0.6,
        "lonely_share_65plus": float(np.clip(0.5 - 0.1 * effect + rng.normal(0, 0.02), 0, 1)),
        "lonely_share_all": float(np.clip(0.35 - 0.05 * effect + rng.normal(0, 0.02), 0, 1)),
        "loneliness_mean_all": float(0.45 - 0.05 * effect + rng.normal(0, 0.01)),
        "empowerment_index": float(0.34 + 0.05 * effect + rng.normal(0, 0.01)),
        "competency_mean": float(58 + 3 * effect + rng.normal(0, 0.5)),
        "recovery_mean": float(0.35 + 0.02 * effect + rng.normal(0, 0.005)),
        "partner_burnout_share": float(np.clip(0.05 * effect + rng.normal(0, 0.01), 0, 1)),
        "partners_left": float(max(0, 4 * effect + rng.normal(0, 1))),
        "patient_partners": float(10 * effect + rng.normal(0, 1) * effect),
        "citizen_partners": float(15 * effect + rng.normal(0, 1) * effect),
        "ed_visits": float(100 - 10 * effect + rng.normal(0, 5)),
        "admissions": float(30 - 3 * effect + rng.normal(0, 2)),
        "isolated_count": iso_all * residents,
    }
    levels = np.array([0.7 - 0.2 * effect, 0.2, 0.08 + 0.1 * effect, 0.02 + 0.1 * effect])
    for i, v in enumerate(levels / levels.sum()):
        out[f"engagement_level_{i}_share"] = float(v)
    groups = {g: float(np.clip(iso_all * f + rng.normal(0, 0.005), 0, 1)) for g, f in zip(EQUITY_GROUPS, (0.8, 1.6, 1.2))}
    for g, v in groups.items():
        out[f"isolated_share_group_{g}"] = v
        out[f"loneliness_mean_group_{g}"] = float(0.4 + v)
    out["isolation_gap_groups"] = max(groups.values()) - min(groups.values())
    out["loneliness_gap_groups"] = out["isolation_gap_groups"]
    spend = {line: float(effect * w * 100_000 * (1 + rng.normal(0, 0.03)))
             for line, w in zip(SPENDING_LINES, (0.3, 0.3, 0.1, 0.2, 0.1))}
    for line, v in spend.items():
        out[f"spending_{line}"] = v
    out["spending_total"] = sum(spend.values())
    return out


def write_run(folder: str | Path, seed: int, final: dict[str, float], scenario: str = "synthetic",
              weeks: int = 104, residents: int = 1000, start: dict[str, float] | None = None,
              weekly: pd.DataFrame | None = None, currency: str | None = None) -> Path:
    """A run folder: ``outcomes.parquet``, ``summary.json``, ``summary.csv``, ``scenario.yaml``.

    ``currency`` is recorded as ``funding.currency`` in ``scenario.yaml``; without it the folder is one
    written before scenarios named their currency (its amounts are dollars).

    Without ``weekly``, each outcome moves linearly from ``start`` (default: its final value) to its
    final-year value.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    start = dict(start or {})
    if weekly is None:
        w = np.arange(weeks + 1)
        frac = np.minimum(1.0, w / max(1, weeks - 26))
        cols = {"week": w, "year": w / 52.0}
        for key, value in final.items():
            s = start.get(key, value)
            cols[key] = s + (value - s) * frac
        weekly = pd.DataFrame(cols)
    weekly.to_parquet(folder / "outcomes.parquet", index=False)
    summary = dict(final)
    for key in ("isolated_share_all", "isolated_share_65_alone", "lonely_share_65plus", "competency_mean"):
        if key in final:
            summary[f"{key}_start"] = float(start.get(key, final[key]))
    summary["weeks"] = weeks
    meta = {"scenario": scenario, "seed": seed, "weeks": weeks, "residents": residents}
    (folder / "summary.json").write_text(json.dumps({**meta, "final_year": summary}, indent=2))
    pd.DataFrame([{**meta, **summary}]).to_csv(folder / "summary.csv", index=False)
    recorded = {"name": scenario, "seed": seed, **({"funding": {"currency": currency}} if currency else {})}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(recorded))
    return folder


def write_replications(parent: str | Path, seeds, scenario: str = "synthetic", effect: float = 0.0,
                       weeks: int = 104, residents: int = 1000, noise_seed: int = 0,
                       currency: str | None = None) -> Path:
    """A folder of run folders ``SCENARIO-seedN`` with :func:`plausible_final` values.

    The random part of each run depends on the seed only (as with common random numbers), so a
    scenario and a baseline written with the same seeds are positively correlated.
    """
    parent = Path(parent)
    for seed in seeds:
        rng = np.random.default_rng([noise_seed, seed])
        final = plausible_final(rng, effect, residents)
        start = plausible_final(np.random.default_rng([noise_seed, seed]), 0.0, residents)
        write_run(parent / f"{scenario}-seed{seed}", seed, final, scenario, weeks, residents, start=start,
                  currency=currency)
    return parent


def write_sweep(folder: str | Path, design: pd.DataFrame, summary: pd.DataFrame, meta: dict,
                failed: list[dict] | None = None, weekly: pd.DataFrame | None = None) -> Path:
    """A sweep folder in the contract of ``caring-community sweep``.

    ``design`` has ``point`` and one column per swept key; ``summary`` has ``point``, ``replication``,
    ``seed`` and outcomes (``run_id`` and the parameter columns are added); ``meta`` is completed
    with the defaults the contract requires.
    """
    folder = Path(folder)
    (folder / "summary").mkdir(parents=True, exist_ok=True)
    params = [c for c in design.columns if c != "point"]
    reps = int(meta.get("replications", summary["replication"].nunique() if len(summary) else 1))
    seeds = pd.DataFrame({"replication": range(reps), "seed": [1000 + r for r in range(reps)]})
    meta = {"base_scenario": "synthetic", "design": "points", "parameters": params, "n_points": len(design),
            "replications": reps, "root_seed": 0, "weeks": 104, "expected_runs": len(design) * reps, **meta}
    if weekly is not None:
        meta.setdefault("outputs", {"weekly_every": 1})
    design.to_parquet(folder / "design.parquet", index=False)
    seeds.to_parquet(folder / "seeds.parquet", index=False)
    (folder / "spec.yaml").write_text(yaml.safe_dump({"base": "synthetic", "design": meta["design"]}))
    (folder / "meta.json").write_text(json.dumps(meta, indent=2))
    summary = summary.copy()
    if "run_id" not in summary:
        summary.insert(0, "run_id", [f"p{p:05d}-r{r:03d}" for p, r in zip(summary["point"], summary["replication"])])
    merged = summary.merge(design, on="point", how="left")
    front = ["run_id", "point", "replication", "seed", *params]
    merged = merged[front + [c for c in merged.columns if c not in front]]
    half = len(merged) // 2
    for i, part in enumerate((merged.iloc[:half], merged.iloc[half:])):  # two shards, as batches would write
        if len(part):
            part.to_parquet(folder / "summary" / f"batch-{i:04d}.parquet", index=False)
            if weekly is not None:
                (folder / "weekly").mkdir(exist_ok=True)
                ids = set(part["run_id"])
                wk = weekly.copy()
                if "run_id" not in wk:
                    wk.insert(0, "run_id", [f"p{p:05d}-r{r:03d}" for p, r in zip(wk["point"], wk["replication"])])
                wk[wk["run_id"].isin(ids)].to_parquet(folder / "weekly" / f"batch-{i:04d}.parquet", index=False)
    for record in failed or []:
        (folder / "failed").mkdir(exist_ok=True)
        rid = record.get("run_id") or f"p{record['point']:05d}-r{record['replication']:03d}"
        (folder / "failed" / f"{rid}.json").write_text(json.dumps({"run_id": rid, **record}))
    return folder
