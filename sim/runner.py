"""Running one scenario and writing what a planner reads: ``caring-community run``.

Writes into the output folder:

* ``outcomes.parquet`` — the weekly outcomes (one row per week, week 0 = initial state);
* ``summary.json`` and ``summary.csv`` — the final-year summary;
* ``chart.png`` — isolation and empowerment over time;
* ``codebook.csv`` — every column of the files above (file, column, dtype, unit, range, final-year
  aggregation, meaning), from :mod:`sim.outcomes`;
* ``scenario.yaml`` — the fully resolved parameters, with the seed, for reproduction;
* on request, ``residents_week{W}.parquet`` and ``edges_week{W}.parquet`` at chosen weeks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import yaml

from . import outcomes as oc
from .errors import UserError, file_in_the_way
from .model import CaringCommunity
from .scenario import Scenario, load_scenario


def seeded_batch_run(model_cls, parameters: dict, seeds: list[int], **kwargs) -> list[dict]:
    """``mesa.batch_run`` with one run of every parameter combination per seed, whichever Mesa 3 this is.

    Mesa >= 3.5 takes the seeds as ``batch_run``'s own ``rng`` argument (and overrides an ``rng`` in
    ``parameters``); Mesa 3.3 takes them as a swept ``rng`` parameter. ``parameters`` may hold dotted
    scenario keys (``"governance.decision_rule": [...]``) and ``"scenario"``.
    """
    import inspect

    import mesa

    if "rng" in inspect.signature(mesa.batch_run).parameters:
        return mesa.batch_run(model_cls, parameters=parameters, rng=list(seeds), **kwargs)
    # Mesa 3.3 reports the rows up to ``model.steps - 1``: a run that stops at its horizon (``running``
    # false) lost its last week, and its end-of-run row was the week before (mesa issue #2514, fixed in
    # Mesa 3.5). Its batch_run is run with each run reported as Mesa 3.5 reports it.
    import mesa.batchrunner as batchrunner

    original = batchrunner._model_run_func
    batchrunner._model_run_func = _mesa33_run_to_its_end
    try:
        return mesa.batch_run(model_cls, parameters={**parameters, "rng": list(seeds)}, iterations=1, **kwargs)
    finally:
        batchrunner._model_run_func = original


def _mesa33_run_to_its_end(model_cls, run, max_steps: int, data_collection_period: int) -> list[dict]:
    """One run of Mesa 3.3's ``batch_run``, as Mesa 3.5 runs and reports it: at most ``max_steps``
    weeks, and every ``data_collection_period``-th week the model collected, from week 0 (so the
    last week only where the period reaches it), or the last week alone for -1."""
    from mesa.batchrunner import _collect_data

    run_id, iteration, kwargs = run
    model = model_cls(**kwargs)
    while model.running and model.steps < max_steps:
        model.step()
    collected = len(next(iter(model.datacollector.model_vars.values())))   # week 0, then one a week
    steps = [collected - 1] if data_collection_period == -1 else list(range(0, collected, data_collection_period))
    rows = []
    for step in steps:
        model_data, agents_data = _collect_data(model, step)
        ids = {"RunId": run_id, "iteration": iteration, "Step": step, **kwargs, **model_data}
        rows.extend([{**ids, **agent} for agent in agents_data] if agents_data else [ids])
    return rows


def horizon_weeks(scenario: Scenario, years: float | None) -> int:
    """Weeks to run: the scenario's horizon, or ``years`` (a bad ``years`` is left to :func:`check_run_arguments`)."""
    if years is None:
        return scenario.weeks
    try:
        return int(round(float(years) * 52))
    except (ValueError, OverflowError, TypeError):
        return 0


def check_run_arguments(seed: Any, years: float | None, snapshot_weeks: list[int], weeks: int,
                        edges: bool = False, command_line: bool = False) -> None:
    """Bad seeds, horizons and snapshot weeks are user errors (exit status 2), not tracebacks; the
    message names the command's option (``--seed``) or, from Python, the argument (``seed``)."""
    def name(argument: str) -> str:
        return "--" + argument.replace("_", "-") if command_line else argument

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise UserError(f"expected a whole number 0 or more; found {seed!r}", key=name("seed"))
    if years is not None and (isinstance(years, (bool, np.bool_))
                              or not (isinstance(years, (int, float, np.integer, np.floating)) and 0 < years <= 100)):
        finite = "finite " if isinstance(years, (float, np.floating)) and not np.isfinite(years) else ""
        raise UserError(f"expected a {finite}horizon above 0 and at most 100 years; found {years!r}",
                        key=name("years"))
    if weeks < 1:
        raise UserError(f"expected a horizon of at least one week (0.02 years); found {years!r} years, which is "
                        f"{weeks} weeks", key=name("years"))
    bad = [w for w in snapshot_weeks if not 0 <= w <= weeks]
    if bad:
        raise UserError(f"expected snapshot weeks within the run (0 to {weeks}); found {bad[0]}",
                        key=name("snapshot_weeks"))
    if edges and not snapshot_weeks:
        raise UserError(f"expected {name('snapshot_weeks')} with it (the weeks at which to write the edge list, "
                        f"e.g. {name('snapshot_weeks')} {'0,' if command_line else '[0, '}{weeks}"
                        f"{'' if command_line else ']'}); found none", key=name("edges"))


def run_to_folder(scenario: "str | Path | dict | Scenario", seed: int, out: Path, years: float | None = None,
                  snapshot_weeks: list[int] | None = None, edges: bool = False,
                  progress: Callable[[int], Any] | None = None, overrides: dict | None = None) -> dict:
    """Run one scenario with one seed and write its outputs into ``out``; returns the summary."""
    resolved_scenario = load_scenario(scenario, overrides or None)
    weeks = horizon_weeks(resolved_scenario, years)
    snapshot_weeks = sorted(set(snapshot_weeks or []))
    check_run_arguments(seed, years, snapshot_weeks, weeks, edges)
    out = Path(out)
    blocker = file_in_the_way(out)
    if blocker == out:
        raise UserError("expected a folder; found a file", file=str(out), key="--out")
    if blocker is not None:
        raise UserError(f"expected a folder at {blocker} to hold the run's folder; found a file", file=str(out),
                        key="--out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"expected a folder that can be created or written to; found {e.strerror or e}",
                        file=str(out), key="--out") from None
    model = CaringCommunity(resolved_scenario, rng=int(seed), agent_views=False)
    # A folder holds a finished run only once its outcomes and summary are written: the previous
    # run's go first, and the parameters come first, so a run that stops half-way is seen as one.
    # The previous run's chart and snapshots go too, so that no file in the folder is another run's.
    for stale in ("outcomes.parquet", "summary.json", "summary.csv", "chart.png", "codebook.csv"):
        (out / stale).unlink(missing_ok=True)
    for pattern in ("residents_week*.parquet", "edges_week*.parquet"):
        for stale in out.glob(pattern):
            stale.unlink()
    write_resolved_scenario(model.params, out / "scenario.yaml", seed=int(seed), weeks=weeks)

    written = {}   # the columns of the snapshots and edge lists written, for the codebook

    def write(table: str, frame: pd.DataFrame, name: str) -> None:
        frame.to_parquet(out / f"{name}_week{model.week}.parquet", index=False)
        written[f"{name}_week*.parquet"] = (table, list(frame.dtypes.astype(str).items()))

    def snapshot():
        if model.week in snapshot_weeks:
            write("snapshot", oc.resident_snapshot(model), "residents")
            if edges:
                write("edges", oc.edge_list(model), "edges")

    snapshot()
    for _ in range(weeks):
        model.step()
        snapshot()
        if progress:
            progress(1)
    df = model.outcomes()
    df.to_parquet(out / "outcomes.parquet", index=False)
    summary = oc.summarise(df)
    meta = {"scenario": model.params.name, "seed": int(seed), "weeks": weeks, "residents": model.residents.n}
    (out / "summary.json").write_text(json.dumps({**meta, "final_year": summary}, indent=2))
    summary_row = pd.DataFrame([{**meta, **summary}])
    summary_row.to_csv(out / "summary.csv", index=False)
    oc.codebook({"outcomes.parquet": ("outcomes", df), "summary.csv": ("summary", summary_row),
                 **written}, currency=model.params.funding.currency).to_csv(out / "codebook.csv", index=False)
    plot_run(df, out / "chart.png", title=model.params.title or model.params.name)
    return summary


def write_resolved_scenario(scenario: Scenario, path: Path, seed: int, weeks: int) -> None:
    """The fully resolved parameters, reloadable as a scenario; the seed and lineage in the header comment."""
    path.write_text(resolved_scenario_text(scenario, seed, weeks, path.name), encoding="utf-8")


def resolved_scenario_text(scenario: Scenario, seed: int, weeks: int, file_name: str = "scenario.yaml",
                           note: str = "") -> str:
    """A scenario file that reloads as ``scenario`` with every parameter written out (``extends``
    already applied), its header saying the seed and the command that reproduces the run of
    ``weeks`` weeks from a file called ``file_name``; ``note``, if any, is a further comment line."""
    resolved = scenario.model_dump(mode="json")
    parent = resolved.get("extends")
    resolved["extends"] = None  # already applied: every parameter is written out
    header = (f"# Resolved scenario '{scenario.name}'" + (f" (derived from {parent})" if parent else "") + "\n"
              + (f"# {note}\n" if note else "")
              + f"# seed: {seed}\n# weeks: {weeks}\n"
              f"# reproduce: caring-community run {file_name} --seed {seed} --years {weeks / 52:g}\n")
    return header + yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True)


def plot_run(df: pd.DataFrame, path: Path, title: str = "") -> None:
    """Isolation and empowerment over time (the run's chart), saved to ``path``.

    Drawn on a figure of its own, not pyplot's, so that a run from a notebook leaves the notebook's
    matplotlib backend (its inline plots) as it was.
    """
    from matplotlib.figure import Figure

    years = df["week"] / 52.0
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    colours = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")  # Okabe-Ito, colour-blind safe
    for col, label, c in (("isolated_share_all", "isolated, all residents", colours[0]),
                          ("isolated_share_65_alone", "isolated, 65+ living alone", colours[1]),
                          ("lonely_share_65plus", "lonely, 65+", colours[2])):
        ax1.plot(years, 100 * df[col], label=label, color=c, lw=2)
    ax1.set(xlabel="year", ylabel="% of residents", title="Isolation and loneliness")
    ax1.legend(frameon=False)
    ax2.plot(years, df["empowerment_index"], color=colours[0], lw=2, label="empowerment index (0-1)")
    ax2.plot(years, df["engagement_level_1_share"] + df["engagement_level_2_share"] + df["engagement_level_3_share"],
             color=colours[3], lw=2, label="patients at engagement level 1+")
    ax2.set(xlabel="year", ylabel="index / share", title="Empowerment", ylim=(0, 1))
    ax2.legend(frameon=False)
    if title:
        fig.suptitle(title)
    fig.savefig(path, dpi=110)
