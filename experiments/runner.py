"""The sweep loop: resolve a spec, skip finished runs, run the rest on a backend, write shards.

One *task* is a small batch of runs sent to a worker; the worker returns the batch's summary rows
(and weekly rows), which the driver writes at once as one shard and forgets, so nothing
accumulates in the driver. A run that raises is recorded in ``failed/`` with its parameters and
traceback and never stops the sweep. Running the same spec on the same folder again resumes.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import platform
import socket
import sys
import time
import traceback
import types
import uuid
import warnings
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from sim.errors import UserError, did_you_mean
from sim.money import DEFAULT_CURRENCY
from sim.scenario import Scenario

from . import storage
from .backends import Backend, ProcessBackend, make_backend
from .design import Design, build_design, design_from_frame, replication_seeds, run_id
from .spec import (MAX_BATCH_SIZE, SweepSpec, base_scenario, check_plain_value, check_point_keys, check_spec,
                   check_value, horizon_weeks, read_spec)


# ----------------------------------------------------------------------------- what code made the runs
@functools.lru_cache(maxsize=1)
def model_code() -> dict[str, str]:
    """The code that makes a sweep's runs, as recorded in ``meta.json`` under ``code``: ``version``,
    the installed ``caring-community`` package's version, and ``model_source``, the
    :func:`source_digest` of the ``sim`` package this process imports. Computed once per process."""
    import sim
    return {"version": sim.installed_version() or "unknown",
            "model_source": source_digest(Path(sim.__file__).resolve().parent)}


def source_digest(root: Path) -> str:
    """A SHA-256 of the model's Python source under ``root`` (the ``sim`` package): every ``.py``
    file but the workshop page (``viz/``), each as its path relative to ``root`` and its text with
    line endings normalised to LF.

    It depends on that source alone, not on where the checkout is, file times, ``__pycache__`` or
    git, so a driver and its workers (dask on other machines included) running the same code get the
    same value, and any edit to the model gives another.
    """
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py"), key=lambda p: p.relative_to(root).as_posix()):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("viz/") or "__pycache__" in rel.split("/"):
            continue
        digest.update(rel.encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def _describe_code(code: dict) -> str:
    return f"version {code.get('version', '?')}, model source {str(code.get('model_source', '?'))[:12]}"


# ----------------------------------------------------------------------------- what a worker gets
@dataclass(frozen=True)
class Run:
    """One run: a design point with one replication's seed."""

    run_id: str
    point: int
    replication: int
    seed: int
    params: dict[str, Any]


@dataclass(frozen=True)
class Task:
    """A batch of runs of one sweep, with everything a worker needs to run them."""

    shard: str
    runs: tuple[Run, ...]
    base: dict                      # the resolved base scenario (model_dump)
    base_key: str                   # its fingerprint (workers validate it once)
    weeks: int
    param_dtypes: dict[str, str]
    summary_columns: list[str] | None   # None: all; []: none (only the ids and swept parameters)
    weekly_every: int | None
    weekly_columns: list[str] | None
    simulate: Callable[..., pd.DataFrame] | None = None   # the model wrapper (None: :func:`simulate`)


@dataclass
class TaskResult:
    """What a worker sends back: a batch's rows (Arrow tables, cheap to pickle and to write)."""

    summary: pa.Table | None
    weekly: pa.Table | None
    failures: list[dict] = field(default_factory=list)
    seconds: float = 0.0            # wall time spent running models (the runs themselves)
    cpu_seconds: float = 0.0        # CPU time of the same
    model_source: str = ""          # the worker's :func:`model_code` (the driver checks it is its own)
    host: str = ""                  # where the worker ran


_SCENARIO_CACHE: dict[str, Scenario] = {}


def _base(task: Task) -> Scenario:
    """The base scenario, validated once per worker process."""
    from sim.scenario import load_scenario
    key = task.base_key
    if key not in _SCENARIO_CACHE:
        _SCENARIO_CACHE.clear()
        _SCENARIO_CACHE[key] = load_scenario(task.base)
    return _SCENARIO_CACHE[key]


def simulate(scenario: Scenario, params: dict[str, Any], seed: int, weeks: int) -> pd.DataFrame:
    """The model wrapper: one run's weekly outcomes for a scenario, overrides and seed."""
    from sim.model import CaringCommunity
    model = CaringCommunity(scenario, rng=seed, agent_views=False, **params)
    return model.run(weeks)


def run_task(task: Task) -> TaskResult:
    """Run a batch of runs (on a worker) and return its rows; a run that raises becomes a failure."""
    from sim.outcomes import summarise

    summaries, weeklies, failures = [], [], []
    seconds = cpu = 0.0
    base = _base(task)
    model = task.simulate or simulate
    for run in task.runs:
        ids = {"run_id": run.run_id, "point": run.point, "replication": run.replication, "seed": run.seed}
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            df = model(base, run.params, run.seed, task.weeks)
            summary = summarise(df) if task.summary_columns != [] else {}
        except Exception as e:  # noqa: BLE001 - recorded, never stops the sweep
            seconds += time.perf_counter() - t0
            cpu += time.process_time() - c0
            failures.append({**ids, "parameters": run.params, "error": f"{type(e).__name__}: {e}",
                             "traceback": traceback.format_exc(), "host": socket.gethostname(),
                             "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
            continue
        seconds += time.perf_counter() - t0
        cpu += time.process_time() - c0
        if task.summary_columns is not None:
            summary = {k: summary[k] for k in task.summary_columns if k in summary}
        summaries.append({**ids, **run.params, **summary})
        if task.weekly_every:
            keep = (df["week"] % task.weekly_every == 0) | (df["week"] == df["week"].max())
            cols = [c for c in df.columns if task.weekly_columns is None or c in task.weekly_columns
                    or c in ("week", "year")]
            kept = df.loc[keep, cols]
            n = len(kept)
            columns = {"run_id": pa.array([run.run_id] * n, pa.string()),
                       **{k: pa.array(np.full(n, ids[k], dtype=np.int64)) for k in ("point", "replication", "seed")},
                       **{c: pa.array(kept[c].to_numpy()) for c in cols}}
            weeklies.append(pa.table(columns))
    summary_table = _summary_table(summaries, task.param_dtypes) if summaries else None
    weekly_table = pa.concat_tables(weeklies, promote_options="permissive") if weeklies else None
    return TaskResult(summary_table, weekly_table, failures, seconds, cpu, model_code()["model_source"],
                      socket.gethostname())


_ARROW_TYPES = {"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_(), "object": pa.string(),
                "str": pa.string()}


def _summary_table(rows: list[dict], param_dtypes: dict[str, str]) -> pa.Table:
    """Summary rows as an Arrow table, ids as int64 and each swept column with the design's type."""
    names = list(dict.fromkeys(key for row in rows for key in row))   # every row's columns, not the first's
    table = pa.table({name: [row.get(name) for row in rows] for name in names})
    for name in ("point", "replication", "seed", *param_dtypes):
        target = pa.int64() if name in ("point", "replication", "seed") else _ARROW_TYPES.get(param_dtypes[name])
        if target is not None and table.schema.field(name).type != target:
            i = table.schema.get_field_index(name)
            table = table.set_column(i, name, table.column(name).cast(target))
    return table


# ----------------------------------------------------------------------------- preparing a sweep
@dataclass
class Plan:
    """A validated sweep: spec, base scenario, design, seeds and horizon."""

    spec: SweepSpec
    file: str | None
    text: str
    base: Scenario
    design: Design
    seeds: list[int]
    weeks: int

    @property
    def expected_runs(self) -> int:
        """Runs the sweep holds when complete: design points × replication seeds."""
        return self.design.n_points * len(self.seeds)

    def meta(self) -> dict[str, Any]:
        s = self.spec
        base_ref = s.base_scenario if isinstance(s.base_scenario, str) else (self.base.name or "dict")
        return {
            "name": s.name or (Path(self.file).stem if self.file else self.base.name),
            "spec_file": self.file,
            "base_scenario": base_ref,
            "base_scenario_name": self.base.name,
            "residents": self.base.population.n_residents,
            "design": self.design.kind,
            "parameters": self.design.parameters,
            "n_points": self.design.n_points,
            "replications": len(self.seeds),
            "root_seed": s.root_seed,
            "weeks": self.weeks,
            "years": self.weeks / 52.0,
            "expected_runs": self.expected_runs,
            "outputs": s.outputs.model_dump(),
            "fixed": s.fixed,
            **self.design.extra,
            "fingerprint": self.fingerprint(),
            "code": model_code(),
        }

    def fingerprint(self) -> str:
        """What must not change for a folder to be resumed (everything but the replication count)."""
        if not hasattr(self, "_fingerprint"):
            import hashlib
            import json
            base = self.base.model_dump(mode="json")
            if base["funding"]["currency"] == DEFAULT_CURRENCY:   # as before scenarios named a currency: a
                del base["funding"]["currency"]                   # sweep written then resumes; another currency does not
            payload = {"base": base, "design": self.design.points.to_json(),
                       "weeks": self.weeks, "root_seed": self.spec.root_seed,
                       "outputs": self.spec.outputs.model_dump()}
            self._fingerprint = hashlib.sha1(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
        return self._fingerprint

    def runs(self) -> Iterator[Run]:
        """Every run, replication by replication, so that a partial sweep covers every point evenly."""
        params = [self.design.params(p) for p in range(self.design.n_points)]
        for rep, seed in enumerate(self.seeds):
            for point in range(self.design.n_points):
                yield Run(run_id(point, rep, params[point], seed), point, rep, seed, params[point])


def plan_sweep(spec: "str | Path | dict | SweepSpec", points: pd.DataFrame | None = None) -> Plan:
    """Read and check a spec (and optional explicit design points) without running anything.

    Returns the :class:`Plan`: the spec, base scenario, design points, replication seeds and horizon
    in weeks (``expected_runs`` = points × seeds).
    """
    spec, file, text = read_spec(spec)
    if points is not None:
        spec = spec.model_copy(update={"design": "points", "parameters": {}, "subexperiments": [], "ranges": {},
                                       "points": [{k: v for k, v in r.items() if k != "point"}
                                                  for r in points.to_dict("records")]})
    base = base_scenario(spec, file)
    try:
        weeks = horizon_weeks(spec, base)
    except UserError as e:
        raise UserError(e.detail, file=file, key=e.key) from None
    if spec.design == "points" and spec.points:
        check_point_keys(spec.points, file)
        frame = pd.DataFrame(spec.points)
        for key in frame.columns:
            for i, value in enumerate(frame[key]):
                check_plain_value(value, file, f"points.{i}.{key}", base, key)
            for value in pd.unique(frame[key]):
                check_value(base, key, value.item() if hasattr(value, "item") else value, file, f"points.{key}")
        spec_for_check = spec.model_copy(update={"points": spec.points[:1]})
        check_spec(spec_for_check, file, base)
        design = design_from_frame(frame)
    else:
        check_spec(spec, file, base)
        design = build_design(spec, base)
    _check_outputs(spec, file, base)
    return Plan(spec, file, text, base, design, replication_seeds(spec.root_seed, spec.replications), weeks)


def _check_outputs(spec: SweepSpec, file: str | None, base: Scenario) -> None:
    """Named outcome columns must exist (checked on the base scenario's initial state)."""
    oc = spec.outputs
    wanted = ([("outputs.summary", c) for c in oc.summary] if isinstance(oc.summary, list) else []) + \
             [("outputs.weekly_columns", c) for c in (oc.weekly_columns or [])]
    if not wanted:
        return
    from sim.model import CaringCommunity
    from sim.outcomes import summarise
    small = base
    if base.population.n_residents > 600:
        from sim.scenario import scale_scenario
        small = scale_scenario(base, 600)
    df = CaringCommunity(small, rng=0, agent_views=False).run(1)
    known = {"summary": set(summarise(df)), "weekly": set(df.columns)}
    for where, col in wanted:
        pool = known["summary" if where == "outputs.summary" else "weekly"]
        if col not in pool:
            raise UserError(f"unknown outcome '{col}'{did_you_mean(col, sorted(pool))}; see the columns of a run's "
                            "outcomes.parquet or summary.csv", file=file, key=where)


# ----------------------------------------------------------------------------- running
def _design_differs(store: storage.SweepStore, plan: Plan) -> bool:
    """Whether the folder's design points differ from the plan's, compared at full precision (the
    fingerprint keeps 10 significant digits, and two values that close still make different runs)."""
    stored = store.root / "design.parquet"
    if not stored.is_file():
        return False
    old = storage.read_frame(stored).reset_index(drop=True)
    new = plan.design.points.reset_index(drop=True)
    return (list(old.columns) != list(new.columns) or len(old) != len(new)
            or not old.map(repr).equals(new.map(repr)))


def _what_else_differs(store: storage.SweepStore, plan: Plan, base_yaml: str) -> str:
    """Which stored part of a sweep differs when its description's keys are the same."""
    if _design_differs(store, plan):
        return "the swept values (design.parquet)"
    stored = store.root / "base_scenario.yaml"
    if stored.is_file() and stored.read_text(encoding="utf-8") != base_yaml:
        return "the resolved base scenario (base_scenario.yaml)"
    return "the spec's other settings (spec.yaml)"


def _description_says(store: storage.SweepStore, replications: int) -> bool:
    """Whether the folder's ``spec.yaml`` and ``seeds.parquet`` say ``replications``, as its ``meta.json`` does.

    Raising ``replications`` rewrites the whole description, ``meta.json`` last; a session stopped in
    between (Ctrl-C, ``kill -9``) leaves a ``spec.yaml`` and perhaps a ``seeds.parquet`` of the extension
    over runs that ``meta.json`` still rightly describes as the sweep before it.
    """
    try:
        spec = yaml.safe_load((store.root / "spec.yaml").read_text(encoding="utf-8"))
        seeds = pq.read_metadata(store.root / "seeds.parquet").num_rows
    except (OSError, ValueError, yaml.YAMLError, pa.ArrowException):
        return False
    return isinstance(spec, dict) and spec.get("replications", 1) == replications == seeds


def _check_code(store: storage.SweepStore, old: dict, meta: dict, allow_code_change: bool) -> None:
    """Refuse to add runs made by other model code than the folder's (see :func:`model_code`),
    unless ``allow_code_change``; then ``meta`` records the code the folder's runs came from.

    A folder written before sweeps recorded their code (no ``code`` in ``meta.json``) resumes with
    a warning, and keeps saying that its code is unknown.
    """
    before, now = old.get("code"), meta["code"]
    if before is None:
        warnings.warn(f"{store.root}: this sweep was written before sweeps recorded the model code that made "
                      "their runs; resuming it cannot tell whether the model changed since", stacklevel=4)
        meta.pop("code")
        return
    earlier = list(old.get("earlier_code", []))
    if before.get("model_source") == now["model_source"]:
        if earlier:
            meta["earlier_code"] = earlier
        return
    if not allow_code_change:
        raise UserError(f"this folder's runs were made by other model code ({_describe_code(before)}) than this "
                        f"one ({_describe_code(now)}): results of the two would be mixed; expected the same code to "
                        "resume it: run the sweep into another --out, or pass --allow-code-change "
                        "(run_sweep(..., allow_code_change=True)) to add runs of this code to the folder anyway",
                        file=str(store.root))
    warnings.warn(f"{store.root}: adding runs made by other model code ({_describe_code(now)}) than the folder's "
                  f"earlier runs ({_describe_code(before)}); meta.json records both", stacklevel=4)
    meta["earlier_code"] = earlier + [before]


def _prepare_folder(store: storage.SweepStore, plan: Plan, allow_code_change: bool = False) -> None:
    """Write the sweep's description, or check that the folder holds this same sweep, made by the
    same model code (see :func:`_check_code`)."""
    meta = plan.meta()
    seeds = pd.DataFrame({"replication": range(len(plan.seeds)), "seed": plan.seeds}).astype("int64")
    base_yaml = yaml.safe_dump(plan.base.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    if store.exists():
        old = store.read_meta()
        if old.get("fingerprint") != meta["fingerprint"] or _design_differs(store, plan):
            changed = [k for k in ("base_scenario", "design", "parameters", "n_points", "weeks", "root_seed",
                                   "outputs", "residents", "fixed") if old.get(k) != meta.get(k)]
            if not changed:
                changed = [_what_else_differs(store, plan, base_yaml)]
            what = ", ".join(changed)
            raise UserError(f"this folder holds a different sweep (differs in: {what}); expected the same spec "
                            f"to resume it; use another --out for a new sweep", file=str(store.root))
        _check_code(store, old, meta, allow_code_change)
        if old.get("replications") == meta["replications"]:
            kept = {**old, **{k: meta[k] for k in ("code", "earlier_code") if k in meta}}
            if not _description_says(store, meta["replications"]):   # an extension stopped before its meta.json
                store.write_description(plan.text, kept, plan.design.points, seeds, base_yaml)
            elif old.get("code") != meta.get("code"):   # runs of other code now join the folder: say so
                store.write_meta(kept)
            return  # same sweep: keep its description as first written
        if int(old.get("replications", 0)) > meta["replications"]:
            raise UserError(f"this folder holds {old['replications']} replications; expected at least as many to "
                            f"resume it (found {meta['replications']}); more replications extend a sweep, fewer "
                            "need another --out", file=str(store.root))
    store.write_description(plan.text, meta, plan.design.points, seeds, base_yaml)


def _auto_batch(remaining: int, workers: int) -> int:
    """Runs per task: enough tasks to keep every worker busy, few enough shards to stay efficient."""
    return max(1, min(20, remaining // (8 * max(1, workers))))


@dataclass
class SweepResult:
    """What one call of :func:`run_sweep` did.

    ``skipped`` counts the runs not run by this call: those already finished and, unless
    ``retry_failed``, those that failed in an earlier call, ``failed_earlier`` (still recorded in
    ``failed/``; ``retry_failed=True`` reruns them). ``failed`` counts the runs that failed in this call.
    """

    path: Path
    expected: int
    skipped: int
    ran: int
    failed: int
    seconds: float
    run_seconds: float          # wall time the workers spent in the model
    run_cpu_seconds: float      # CPU time the workers spent in the model
    backend: str
    failed_earlier: int = 0     # of ``skipped``: runs that failed in an earlier call and were not run again

    @property
    def finished_earlier(self) -> int:
        """Runs skipped because an earlier call finished them."""
        return self.skipped - self.failed_earlier

    @property
    def complete(self) -> bool:
        """Whether every run of the sweep has finished: none remains, none is recorded as failed (in this
        call or an earlier one)."""
        status = storage.sweep_status(self.path)
        return status.remaining == 0 and status.failed == 0 and not self.failed


def run_sweep(spec: "str | Path | dict | SweepSpec", out: str | Path, backend: str | Backend = "processes",
              workers: int | None = None, scheduler: str | None = None, retry_failed: bool = False,
              progress: bool = True, batch_size: int | None = None, points: pd.DataFrame | None = None,
              max_runs: int | None = None, simulate: Callable[..., pd.DataFrame] | None = None,
              allow_code_change: bool = False) -> SweepResult:
    """Run (or resume) a sweep into the folder ``out``; returns counts and timings (a :class:`SweepResult`).

    ``spec`` is a spec file, a dict or a :class:`~experiments.spec.SweepSpec`. ``backend`` is
    ``serial``, ``processes`` or ``dask`` (a LocalCluster, or the cluster at ``scheduler``), or a
    :class:`Backend` already open; ``workers`` is its number of worker processes (default: all the
    cores this process may use). ``retry_failed`` reruns the runs that failed in an earlier call
    (otherwise they are skipped); ``progress`` shows a progress bar (``tqdm.auto``: a widget in a notebook);
    ``batch_size`` is the number of
    runs sent to a worker at once (default: the spec's, else chosen from the work). ``points`` replaces the spec's
    design by explicit design points (a DataFrame whose columns are dotted keys). ``max_runs``
    stops after that many runs (the rest is done by a later call). ``simulate`` replaces the model
    wrapper: a module-level function ``(scenario, params, seed, weeks) -> weekly DataFrame`` (it is
    sent to the workers by reference, so one defined in a notebook's cell is refused with the processes
    backend: import it from a .py file, or use ``backend="serial"``), by default :func:`simulate`.

    ``meta.json`` records the model code that made the runs (:func:`model_code`). Resuming a folder
    whose runs were made by other code is refused, unless ``allow_code_change`` (the folder then
    mixes the results of both, and ``meta.json`` lists the earlier code under ``earlier_code``). A
    worker whose model code is not the driver's stops the sweep before any of its rows is written.

    The spec and the backend options are checked before anything is written to ``out``; the folder
    is then locked for the session, so that a second driver on the same folder stops at once.
    """
    plan = plan_sweep(spec, points)
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
                                   or not 1 <= batch_size <= MAX_BATCH_SIZE):
        raise UserError(f"expected a number of runs per task from 1 to {MAX_BATCH_SIZE:,}; found {batch_size!r}",
                        key="--batch-size")
    storage.check_not_inside_a_sweep(out)
    own = not isinstance(backend, Backend)
    engine = make_backend(backend, workers, scheduler) if own else backend
    try:
        _check_simulate(simulate, engine)
        store = storage.SweepStore(out)
        with store.lock():
            _prepare_folder(store, plan, allow_code_change)
            store.clean_partial()
            return _run(plan, store, engine, retry_failed, progress, batch_size, max_runs, simulate)
    finally:
        if own:
            engine.close()


def _check_simulate(simulate: Callable | None, engine: Backend) -> None:
    """Refuse, before anything is written, a ``simulate`` that worker processes cannot find by name.

    The processes backend sends ``simulate`` to its workers by reference (module and name): a lambda or
    a function defined inside another cannot be sent at all, and one defined in a notebook (module
    ``__main__``, with no file) is not found by workers started by "spawn", which a notebook's kernel
    gets. Each run would otherwise be recorded as failed, after its worker died with a traceback.

    With any backend, something that cannot be called (a name as text, a number) is refused; with the
    processes backend, a callable object that cannot be pickled (a ``functools.partial`` of a lambda, an
    instance of a class defined inside a function) too: every run would be recorded as failed with
    "Can't pickle local object".
    """
    if simulate is not None and not callable(simulate):
        raise UserError(f"expected a function (scenario, params, seed, weeks) -> weekly DataFrame, or None for the "
                        f"model; found {type(simulate).__name__} {simulate!r:.80}", key="simulate")
    if simulate is None or not isinstance(engine, ProcessBackend):
        return
    if not isinstance(simulate, types.FunctionType):   # a callable object, such as a functools.partial
        try:
            pickle.dumps(simulate)
        except Exception as e:  # noqa: BLE001 - whatever pickling raises, the same advice
            raise UserError(f"simulate {simulate!r:.80} cannot be sent to worker processes ({type(e).__name__}: {e}); "
                            "expected a function, a functools.partial of one or an object defined at module level in "
                            "an importable module (a .py file on the path), or backend='serial' to run in this "
                            "process", key="simulate") from None
        return
    name = simulate.__qualname__
    module = sys.modules.get(simulate.__module__ or "")
    if "<" in name or module is None:
        where = "a lambda or a function defined inside another function" if "<" in name else "a function"
        raise UserError(f"simulate {name!r} is {where}, which worker processes cannot import by name; expected a "
                        "function defined at module level in an importable module (a .py file on the path), or "
                        "backend='serial' to run in this process", key="simulate")
    if module.__name__ == "__main__" and not getattr(module, "__file__", None) and engine.start_method() == "spawn":
        raise UserError(f"simulate {name!r} is defined in this notebook or interactive session (module __main__), "
                        "which worker processes started by 'spawn' cannot import; expected a function defined at "
                        "module level in an importable module: put it in a .py file next to the notebook and import "
                        "it from there, or pass backend='serial' to run in this process", key="simulate")


def _run(plan: Plan, store: storage.SweepStore, engine: Backend, retry_failed: bool, progress: bool,
         batch_size: int | None, max_runs: int | None, simulate: Callable | None) -> SweepResult:
    """The loop of one session on a prepared, locked folder."""
    done = store.done_run_ids()
    failed_earlier = set() if retry_failed else store.failed_run_ids() - done
    skip = done | failed_earlier
    already = min(plan.expected_runs, len(skip))  # every id in the folder is a run of this plan
    left = plan.expected_runs - already
    todo = left if max_runs is None else min(max_runs, left)
    runs = islice((r for r in plan.runs() if r.run_id not in skip), todo)
    size = batch_size or plan.spec.batch_size or _auto_batch(todo, engine.workers)
    template = _task_template(plan, simulate)
    session = _Session(store, plan, engine, already, len(done), progress)
    try:
        lost = []
        for task, ok, result in engine.imap_unordered(run_task, _tasks(template, runs, size)):
            if not session.record(task, ok, result):
                lost.append(task)
        if lost:  # batches lost with their worker: each run again on its own, to blame only the culprit
            singles = (replace(task, shard=_shard_name((run,)), runs=(run,)) for task in lost for run in task.runs)
            for task, ok, result in engine.imap_unordered(run_task, singles):
                session.record(task, ok, result, split=False)
    except BaseException:
        session.finish("interrupted")
        store.write_codebook(plan.design.parameters, plan.base.funding.currency)
        raise
    session.finish("finished")
    store.merge_shards(announce=_announce_merge if progress else None)
    store.write_codebook(plan.design.parameters, plan.base.funding.currency)
    return SweepResult(store.root, plan.expected_runs, already, session.ran, session.failures,
                       time.time() - session.started, session.run_seconds, session.run_cpu, engine.describe(),
                       failed_earlier=min(len(failed_earlier), already))


def _announce_merge(shards: int, files: int) -> None:
    """Say so when merging takes long enough to be noticed (about 1 s a hundred shards)."""
    if shards >= 100:
        print(f"merging {shards:,} result shards into {files:,} file{'s' if files > 1 else ''}...", file=sys.stderr,
              flush=True)


def _task_template(plan: Plan, simulate: Callable | None) -> Task:
    """What every task of this sweep shares (its ``shard`` and ``runs`` are filled in per batch)."""
    oc = plan.spec.outputs
    summary_columns = [] if oc.summary is False else oc.summary if isinstance(oc.summary, list) else None
    return Task(shard="", runs=(), base=plan.base.model_dump(mode="json"), base_key=plan.fingerprint(),
                weeks=plan.weeks, param_dtypes={k: str(plan.design.points[k].dtype) for k in plan.design.parameters},
                summary_columns=summary_columns, weekly_every=oc.weekly_every, weekly_columns=oc.weekly_columns,
                simulate=simulate)


def _shard_name(runs: tuple[Run, ...]) -> str:
    return f"part-{runs[0].run_id}-{uuid.uuid4().hex[:8]}"


def _tasks(template: Task, runs: Iterator[Run], size: int) -> Iterator[Task]:
    """Batches of ``size`` runs, taken from the stream of runs as the backend asks for them."""
    while chunk := tuple(islice(runs, size)):
        yield replace(template, shard=_shard_name(chunk), runs=chunk)


class _Session:
    """One session's bookkeeping: writes each finished batch, counts, progress bar and progress.json."""

    def __init__(self, store: storage.SweepStore, plan: Plan, engine: Backend, already: int, done: int,
                 progress: bool):
        # tqdm.auto: one bar that updates in place in a notebook (a widget), the usual text bar in a terminal.
        from tqdm.auto import tqdm
        tqdm.monitor_interval = 0  # no monitor thread: worker processes can then be forked safely
        self.store = store
        self.code = model_code()
        self.started = self.last_write = time.time()
        self.ran = self.failures = 0
        self.run_seconds = self.run_cpu = 0.0
        self.state = {"started_at": self.started, "updated_at": self.started, "finished": 0, "failed": 0,
                      "state": "running", "backend": engine.describe(), "host": platform.node(),
                      "pid": os.getpid(), "expected": plan.expected_runs, "done_at_start": done}
        store.write_progress(self.state)
        # Rate and ETA from this session's runs over its whole time (tqdm's smoothing 0): a moving average
        # kept the workers' start-up, all in the first batch's interval, in the ETA for a long time.
        self.bar = tqdm(total=plan.expected_runs, initial=already, unit="run", desc=f"sweep {store.root.name}",
                        disable=not progress, dynamic_ncols=True, smoothing=0)

    def record(self, task: Task, ok: bool, result: "TaskResult | str", split: bool = True) -> bool:
        """Write a finished task's rows and failures; ``False`` (nothing written) for a batch of
        several runs lost with its worker when ``split`` is allowed: the caller reruns its runs one by one."""
        if not ok:
            if split and len(task.runs) > 1:
                return False
            result = TaskResult(None, None, [
                {"run_id": r.run_id, "point": r.point, "replication": r.replication, "seed": r.seed,
                 "parameters": r.params, "error": str(result), "traceback": str(result)} for r in task.runs])
        if result.model_source and result.model_source != self.code["model_source"]:
            raise UserError(f"a worker (on {result.host or 'another host'}) runs other model code (model source "
                            f"{result.model_source[:12]}) than this driver ({_describe_code(self.code)}); expected "
                            "the same code on every machine: install this checkout on the workers and run the "
                            "sweep again (it resumes)", file=str(self.store.root))
        for record in result.failures:
            self.store.write_failure(record)
        self.store.write_batch(task.shard, result.summary, result.weekly)
        self.ran += 0 if result.summary is None else result.summary.num_rows
        self.failures += len(result.failures)
        self.run_seconds += result.seconds
        self.run_cpu += result.cpu_seconds
        self.bar.update(len(task.runs))
        if self.failures:
            self.bar.set_postfix(failed=self.failures, refresh=False)
        now = time.time()
        self.state.update(updated_at=now, finished=self.ran + self.failures, failed=self.failures)
        if now - self.last_write > 2.0:
            self.store.write_progress(self.state)
            self.last_write = now
        return True

    def finish(self, state: str) -> None:
        self.state.update(updated_at=time.time(), state=state)
        self.store.write_progress(self.state)
        self.bar.close()
