"""Reading what storage wrote into pandas: one run, a set of replications, or a sweep.

Three kinds of folder are recognised:

* a **run** folder written by ``caring-community run`` (``outcomes.parquet``, ``summary.json``,
  ``scenario.yaml``);
* a **replication set**: a folder whose sub-folders are run folders of the same scenario with
  different seeds (``runs/centre-sud-seed0``, ``runs/centre-sud-seed1`` ...);
* a **sweep** folder written by ``caring-community sweep`` (``meta.json``, ``design.parquet``,
  ``seeds.parquet``, ``summary/``, optionally ``weekly/`` and ``failed/``).

Everything is returned as a :class:`Results`: ``summary`` has one row per completed run (final-year
outcomes, with ``seed`` and, for sweeps, ``point``, ``replication`` and the swept parameters);
``weekly`` has one row per run and week. Runs that are missing or failed are counted, never
silently dropped: see :attr:`Results.missing_runs`, :attr:`Results.failed` and
:meth:`Results.completeness_note`.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.errors import UserError, as_path, counted, did_you_mean
from sim.money import DEFAULT_CURRENCY
from sim.scenario import ScenarioError, set_dotted

RUN_FILES = ("outcomes.parquet", "summary.json")
ID_COLUMNS = ("run_id", "point", "replication", "seed", "week", "year")

#: Outcomes computed here from the final-year summary: ``name: (numerator, denominator)``.
#: ``partner_turnover_share`` is the share of partners who left over the final year: partners who
#: left (summed over the year) / partners on the roster (averaged over the year); NaN with no partners.
DERIVED_OUTCOMES = {"partner_turnover_share": ("partners_left", "partners_total"),
                    "volunteer_turnover_share": ("volunteers_left", "volunteers")}


@dataclass
class Results:
    """Results of one or more runs, as pandas tables.

    ``kind`` is ``"run"``, ``"replications"`` or ``"sweep"``. ``summary`` has one row per completed
    run; ``weekly`` one row per run and week (may be empty for a sweep that did not keep weekly
    outcomes, or that was loaded with ``weekly=False``: ``weekly_on_disk``, and :meth:`select` then
    reads the point's weekly rows from the folder). ``design`` (sweeps) has one row per design point,
    ``parameters`` the swept keys.
    ``scenario_parameters`` is the scenario its runs simulated, as recorded with them (a run's
    ``scenario.yaml``, a sweep's ``base_scenario.yaml``, and for one design point of a sweep that
    base with the point's swept values) without its descriptive keys, or None where none was
    recorded. ``currency`` is the ISO 4217 code its amounts are in (``funding.currency`` as recorded;
    :data:`sim.money.DEFAULT_CURRENCY`, Canadian dollars, for a folder written before scenarios named
    their currency), kept by :meth:`select` (a sweep cannot vary it).
    """

    kind: str
    path: Path
    name: str
    summary: pd.DataFrame
    weekly: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    design: pd.DataFrame | None = None
    parameters: list[str] = field(default_factory=list)
    expected_runs: int = 0
    #: One row per run that failed (``run_id``, ``error`` and, in a sweep, ``point``, ``replication``,
    #: ``seed``, ``parameters``), as :func:`experiments.load_sweep` gives it.
    failed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["run_id", "error"]))
    residents: int | None = None
    weeks: int | None = None
    scenario_parameters: dict[str, Any] | None = None
    currency: str = DEFAULT_CURRENCY
    #: A sweep whose weekly series was left in its folder (``load(..., weekly=False)``).
    weekly_on_disk: bool = False

    @property
    def completed_runs(self) -> int:
        """Runs completed (rows of ``summary``)."""
        return len(self.summary)

    @property
    def kept_summary(self) -> "bool | list[str]":
        """What a sweep kept of the final-year summary, as its spec's ``outputs.summary`` said: ``True``
        (every outcome), ``False`` (none: ``summary`` is only the run index) or a list of outcomes;
        ``True`` for runs, which always keep it."""
        kept = (self.meta.get("outputs") or {}).get("summary", True) if self.kind == "sweep" else True
        return kept if isinstance(kept, (bool, list)) else True

    def check_summary_kept(self) -> None:
        """Stop with one clear message on a sweep that kept no final-year outcome (``outputs.summary: false``)."""
        if self.kept_summary is False:
            weekly = " (its weekly series are in weekly/)" if self.weekly_on_disk or not self.weekly.empty else ""
            raise UserError("this sweep kept no final-year summary (its spec had outputs: {summary: false}), so it has "
                            f"no outcome to report on or analyse{weekly}; expected a sweep that kept the summary: run "
                            "the spec with outputs.summary true, or a list of the outcomes wanted, into another --out",
                            file=str(self.path), key="outputs.summary")

    def check_outcomes(self, outcomes: list[str], key: str | None = None) -> None:
        """Stop with one clear message at the first of ``outcomes`` these results do not have."""
        self.check_summary_kept()
        available = [c for c in self.summary.columns if c not in ID_COLUMNS and c not in self.parameters]
        kept = self.kept_summary
        for name in outcomes:
            if name not in self.summary.columns:
                if isinstance(kept, list):
                    raise UserError(f"no outcome '{name}' in these results{did_you_mean(name, available)}: this sweep "
                                    f"kept only {', '.join(available) or 'none'} of the final-year summary "
                                    "(outputs.summary); expected one of them", file=str(self.path), key=key or name)
                raise UserError(f"no outcome '{name}' in these results{did_you_mean(name, available)}; expected "
                                "one of the final-year summary's columns (as in summary.csv of a run)",
                                file=str(self.path), key=key or name)

    @property
    def failed_runs(self) -> int:
        """Runs recorded as failed (rows of ``failed``)."""
        return len(self.failed)

    @property
    def missing_runs(self) -> int:
        """Runs expected but neither completed nor recorded as failed."""
        return max(0, self.expected_runs - self.completed_runs - self.failed_runs)

    @property
    def complete(self) -> bool:
        """Whether every expected run completed and none is recorded as failed."""
        return self.completed_runs >= self.expected_runs and self.failed.empty

    @property
    def design_name(self) -> str | None:
        """A sweep's design kind (``sobol``, ``morris``, ``lhs``, ...); None for runs and replications."""
        return self.meta.get("design") if self.kind == "sweep" else None

    @property
    def seeds(self) -> list[int]:
        """The seeds of the completed runs, in increasing order."""
        return sorted(int(s) for s in self.summary["seed"].unique()) if "seed" in self.summary else []

    def outcome_columns(self) -> list[str]:
        """Numeric outcome columns of the summary (not ids, not swept parameters)."""
        skip = set(ID_COLUMNS) | set(self.parameters) | {"scenario", "residents", "weeks"}
        return [c for c in self.summary.columns
                if c not in skip and pd.api.types.is_numeric_dtype(self.summary[c])]

    @property
    def replications(self) -> int:
        """Replications per design point of a sweep: as its design asked (``meta.replications``), else as found."""
        if self.meta.get("replications"):
            return int(self.meta["replications"])
        return max(1, int(self.summary["replication"].nunique())) if "replication" in self.summary else 1

    def points(self) -> list[int]:
        """A sweep's design points (ids, in design order); empty for runs and replications."""
        if self.kind != "sweep":
            return []
        if self.design is not None and "point" in self.design:
            return [int(p) for p in self.design["point"]]
        return sorted(int(p) for p in self.summary["point"].unique())

    def select(self, point: int, weekly: bool = True) -> "Results":
        """The replications of one design point of a sweep, as a replication set (``weekly=False``: its
        summary only, as comparing final years needs)."""
        if self.kind != "sweep":
            raise UserError("only a sweep has design points", file=str(self.path))
        summary = self.summary[self.summary["point"] == point].reset_index(drop=True)
        if not weekly:
            series = self.weekly.iloc[0:0]
        elif self.weekly_on_disk:
            series = _sweep_weekly(self.path, [point])
        elif "point" in self.weekly:
            series = self.weekly[self.weekly["point"] == point].reset_index(drop=True)
        else:
            series = self.weekly
        failed = (self.failed[self.failed["point"] == point].reset_index(drop=True) if "point" in self.failed
                  else self.failed.iloc[0:0])
        return Results(kind="replications", path=self.path, name=f"{self.name} #{point}", summary=summary,
                       weekly=series, meta={**self.meta, "point": point}, expected_runs=self.replications, failed=failed,
                       residents=self.residents, weeks=self.weeks, currency=self.currency,
                       scenario_parameters=self._scenario_at(point))

    def _scenario_at(self, point: int) -> dict | None:
        """The scenario a design point's runs simulated: the sweep's base scenario with the point's
        swept values (None where the base scenario or the point's row is not recorded)."""
        if self.scenario_parameters is None or not self.parameters:
            return self.scenario_parameters
        rows = [] if self.design is None else self.design[self.design["point"] == point].to_dict("records")
        params = copy.deepcopy(self.scenario_parameters)
        try:
            for key in self.parameters:
                set_dotted(params, key, rows[0][key])   # to_dict gives plain Python values, as the runs had
        except (ScenarioError, LookupError, TypeError, ValueError):   # no such point, column or key in the record
            return None
        return params

    def as_baseline(self) -> "Results":
        """These results as a baseline to compare with: a run or replications as they are; a sweep of
        one design point (a spec with no ``parameters``, run with the scenario sweep's ``residents``,
        ``weeks``, ``replications`` and ``root_seed``, hence the same seeds) as its replications; a
        sweep of several points is refused."""
        if self.kind != "sweep":
            return self
        points = self.points()
        if len(points) != 1:
            raise UserError(f"expected a baseline that is a run, a set of replications or a sweep of one design "
                            f"point (a spec with no 'parameters'); found a sweep of {len(points)} points",
                            file=str(self.path), key="--baseline")
        return replace(self.select(points[0]), name=self.name)

    def __repr__(self) -> str:
        """A few lines (a notebook shows them for ``load(...)``): what was loaded, its runs and the tables'
        sizes, not every table in full as the dataclass's own repr printed them."""
        seeds = ", ".join(map(str, self.seeds[:8])) + (", ..." if len(self.seeds) > 8 else "")
        swept = f"; {counted(len(self.points()), 'design point')}, swept {', '.join(self.parameters)}" if self.parameters else ""
        weekly = "left on disk" if self.weekly_on_disk else f"{len(self.weekly):,} rows"
        return (f"<Results ({self.kind}) {self.name!r} from {self.path}: {self.completed_runs} of {self.expected_runs} "
                f"runs completed, {self.failed_runs} failed, {self.missing_runs} missing; seeds {seeds or 'none'}{swept}\n"
                f"  .summary {len(self.summary):,} rows, .weekly {weekly}>")

    def completeness_note(self) -> dict[str, int]:
        """Runs expected, completed, failed and missing."""
        return {"expected": self.expected_runs, "completed": self.completed_runs,
                "failed": self.failed_runs, "missing": self.missing_runs}


def add_derived_outcomes(summary: pd.DataFrame) -> pd.DataFrame:
    """``summary`` with the :data:`DERIVED_OUTCOMES` its columns allow (a ratio is NaN where the denominator is 0)."""
    for name, (num, den) in DERIVED_OUTCOMES.items():
        if name in summary or num not in summary or den not in summary or summary.empty:
            continue
        denominator = pd.to_numeric(summary[den], errors="coerce").astype(float)
        summary[name] = pd.to_numeric(summary[num], errors="coerce").astype(float) / denominator.where(denominator > 0)
    return summary


# ---------------------------------------------------------------------------------------------
# Detection


def is_run_folder(path: Path) -> bool:
    """Whether ``path`` holds a finished run of ``caring-community run`` (outcomes and summary written)."""
    return (path / "outcomes.parquet").is_file() and (path / "summary.json").is_file()


def _looks_like_run(path: Path) -> bool:
    """A run folder, complete or not (a crashed run leaves some of its files)."""
    return any((path / f).exists() for f in ("outcomes.parquet", "summary.json", "scenario.yaml", "summary.csv"))


def is_sweep_folder(path: Path) -> bool:
    """Whether ``path`` is a sweep folder (``meta.json`` with a design or summary shards)."""
    return (path / "meta.json").is_file() and ((path / "design.parquet").is_file() or (path / "summary").exists())


def load(path: str | Path, weekly: bool = True) -> Results:
    """Load a run folder, a folder of replications, or a sweep folder.

    ``weekly=False`` leaves a sweep's weekly series in its folder (a large sweep's can be gigabytes):
    ``results.weekly`` is then empty and ``results.select(point)`` reads that point's weekly rows.
    A path that is none of these folders, or a damaged one, is a :class:`UserError` naming the file.
    """
    path = as_path(path, "path")
    if not path.exists():
        raise UserError("expected a run folder, a folder of run folders or a sweep folder; found no such folder",
                        file=str(path))
    if not path.is_dir():
        raise UserError("expected a folder written by 'caring-community run' or 'caring-community sweep', "
                        "found a file", file=str(path))
    if is_sweep_folder(path):
        return load_sweep(path, weekly)
    if is_run_folder(path):
        return load_runs([path], path, kind="run")
    subs = sorted(p for p in path.iterdir() if p.is_dir() and _looks_like_run(p))
    if subs:
        return load_runs(subs, path, kind="replications")
    raise UserError("not a run folder (no outcomes.parquet and summary.json), not a folder of run folders "
                    "and not a sweep folder (no meta.json)", file=str(path))


# ---------------------------------------------------------------------------------------------
# Runs and replication sets


def _read_run(folder: Path) -> tuple[dict, pd.DataFrame]:
    try:
        info = json.loads((folder / "summary.json").read_text())
    except (OSError, ValueError) as e:
        raise UserError(f"cannot read summary.json ({e})", file=str(folder / "summary.json")) from None
    if not isinstance(info, dict) or "final_year" not in info or "seed" not in info:
        raise UserError("summary.json has no 'final_year' or 'seed'; was it written by 'caring-community run'?",
                        file=str(folder / "summary.json"))
    whole = {k: info.get(k) for k in ("seed", "weeks", "residents") if k in info}
    bad = next((k for k, v in whole.items() if v is not None and (isinstance(v, bool) or not isinstance(v, int))), None)
    if not isinstance(info["final_year"], dict) or bad:
        found = f"'{bad}': {whole[bad]!r}" if bad else f"'final_year': {info['final_year']!r}"
        raise UserError(f"expected summary.json as 'caring-community run' writes it ('final_year' a mapping of outcomes; "
                        f"'seed', 'weeks' and 'residents' whole numbers); found {found}", file=str(folder / "summary.json"))
    try:
        weekly = pd.read_parquet(folder / "outcomes.parquet")
    except Exception as e:  # pyarrow raises several kinds
        raise UserError(f"cannot read outcomes.parquet ({e})", file=str(folder / "outcomes.parquet")) from None
    if "week" not in weekly:
        raise UserError("expected outcomes.parquet as 'caring-community run' writes it (one row per week); found no "
                        "'week' column", file=str(folder / "outcomes.parquet"))
    return info, weekly


#: Keys of a run's ``scenario.yaml`` that describe the scenario without changing what it simulates
#: (and ``seed``, which replications differ by), left out when runs are checked to be replications.
DESCRIPTIVE_KEYS = ("name", "title", "description", "sources", "extends", "seed")


def _parameters(folder: Path, file: str = "scenario.yaml") -> dict | None:
    """The simulated parameters recorded in a run folder's ``scenario.yaml`` (a sweep's
    ``base_scenario.yaml``), None where unreadable. A file written before scenarios named their
    currency gets ``funding.currency``: :data:`~sim.money.DEFAULT_CURRENCY`, the dollars its amounts
    were in, so that its runs are replications of the same scenario run now."""
    try:
        data = yaml.safe_load((folder / file).read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(data, dict):
        return None
    params = {k: v for k, v in data.items() if k not in DESCRIPTIVE_KEYS}
    if isinstance(params.get("funding"), dict) and "currency" not in params["funding"]:
        params["funding"] = {**params["funding"], "currency": DEFAULT_CURRENCY}
    return params


def currency_of(params: dict | None) -> str:
    """The currency recorded in a scenario's parameters (``funding.currency``), or
    :data:`~sim.money.DEFAULT_CURRENCY` where none is (a folder written before scenarios named one)."""
    funding = (params or {}).get("funding")
    code = funding.get("currency") if isinstance(funding, dict) else None
    return str(code) if code else DEFAULT_CURRENCY


def community_difference(scenario: Results, baseline: Results) -> tuple[str, Any, Any] | None:
    """Where the baseline simulates another community than the scenario: the first dotted key of
    ``population`` or ``organizations`` (whether an organization is a partner of the programme
    aside) at which their recorded parameters differ, with the scenario's and the baseline's
    values; None when they are the same community or either is unknown.

    A baseline is the scenario's community without the programme; against another community the
    paired differences mix the programme's effect with the communities' own differences.
    """
    def community(params: dict) -> dict:
        orgs = [{k: v for k, v in o.items() if k != "partnered"} if isinstance(o, dict) else o
                for o in params.get("organizations") or []]
        return {"population": params.get("population"), "organizations": orgs}

    if scenario.scenario_parameters is None or baseline.scenario_parameters is None:
        return None
    return _first_difference(community(scenario.scenario_parameters), community(baseline.scenario_parameters))


def _first_difference(a: Any, b: Any, key: str = "") -> tuple[str, Any, Any] | None:
    """The first dotted key at which two parameter trees differ, with both values (None if equal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            found = _first_difference(a.get(k), b.get(k), f"{key}.{k}" if key else str(k))
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            found = _first_difference(x, y, f"{key}.{i}")
            if found:
                return found
        return None if len(a) == len(b) else (key, f"{len(a)} items", f"{len(b)} items")
    return None if a == b else (key, a, b)


def load_runs(folders: list[Path], path: Path, kind: str = "replications") -> Results:
    """Runs of one scenario (different seeds) as one :class:`Results`; ``path`` is the folder they are in.

    A folder without ``outcomes.parquet`` and ``summary.json`` (a run that did not finish) is counted
    as failed. Runs that are not replications of one another are refused: different scenario names,
    horizons or recorded parameters (``scenario.yaml``: a scenario file edited between runs is another
    scenario), or one seed twice.
    """
    rows, weeklies, failed = [], [], []
    scenarios, weeks, residents = set(), set(), set()
    reference: tuple[str, dict] | None = None
    for folder in folders:
        if not is_run_folder(folder):
            failed.append({"run_id": folder.name, "error": "incomplete run folder (no outcomes.parquet or summary.json)"})
            continue
        info, weekly = _read_run(folder)
        params = _parameters(folder)
        if params is not None and reference is None:
            reference = (folder.name, params)
        elif params is not None and (diff := _first_difference(reference[1], params)):
            raise UserError(f"the run folders mix parameter sets: '{folder.name}' differs from '{reference[0]}' at "
                            f"'{diff[0]}' ({diff[2]!r} against {diff[1]!r}, as recorded in their scenario.yaml); "
                            "a set of replications must be one scenario with different seeds, so put the runs "
                            "of a changed scenario in a folder of their own", file=str(path))
        seed = int(info["seed"])
        scenarios.add(info.get("scenario", ""))
        weeks.add(int(info.get("weeks", weekly["week"].max())))
        if info.get("residents") is not None:
            residents.add(int(info["residents"]))
        rows.append({"run_id": folder.name, "seed": seed, **info["final_year"]})
        weekly = weekly.copy()
        weekly.insert(0, "seed", seed)
        weekly.insert(0, "run_id", folder.name)
        weeklies.append(weekly)
    if len(scenarios) > 1:
        raise UserError(f"the run folders mix scenarios ({', '.join(sorted(scenarios))}); "
                        "a set of replications must be one scenario with different seeds", file=str(path))
    if len(weeks) > 1:
        raise UserError(f"the run folders have different horizons ({', '.join(map(str, sorted(weeks)))} weeks)",
                        file=str(path))
    if not rows:
        raise UserError("no complete run folder (outcomes.parquet and summary.json) found", file=str(path))
    summary = add_derived_outcomes(pd.DataFrame(rows))
    dup = summary["seed"][summary["seed"].duplicated()]
    if not dup.empty:
        raise UserError(f"seed {int(dup.iloc[0])} appears in more than one run folder; replications need "
                        "different seeds", file=str(path))
    summary = summary.sort_values("seed").reset_index(drop=True)
    weekly = pd.concat(weeklies, ignore_index=True).sort_values(["seed", "week"]).reset_index(drop=True)
    name = next(iter(scenarios)) or path.name
    return Results(kind=kind, path=path, name=name, summary=summary, weekly=weekly,
                   meta={"scenario": name}, expected_runs=len(folders),
                   failed=pd.DataFrame(failed, columns=["run_id", "error"]),
                   residents=residents.pop() if len(residents) == 1 else None, weeks=weeks.pop() if weeks else None,
                   scenario_parameters=reference[1] if reference else None,
                   currency=currency_of(reference[1] if reference else None))


# ---------------------------------------------------------------------------------------------
# Sweeps


def load_sweep(path: str | Path, weekly: bool = True) -> Results:
    """A sweep folder, read by :func:`experiments.storage.load_sweep` (the one reader of what sweeps
    write: it refuses a folder whose runs appear twice), as :class:`Results`; ``weekly=False`` leaves
    the weekly series in the folder (see :func:`load`)."""
    from experiments import storage  # noqa: PLC0415 - keeps ``analysis`` importable on its own

    stored = storage.load_sweep(path, weekly=weekly)
    summary = _int_ids(stored.summary)
    weekly_frame = _int_ids(stored.weekly) if stored.weekly is not None else pd.DataFrame()
    if not summary.empty:
        summary = add_derived_outcomes(summary)
    meta = stored.meta
    name = str(meta.get("name") or meta.get("base_scenario") or stored.path.name)
    params = _parameters(stored.path, "base_scenario.yaml")
    return Results(kind="sweep", path=stored.path, name=name, summary=summary, weekly=weekly_frame, meta=meta,
                   design=stored.design if not stored.design.empty else None, parameters=stored.parameters,
                   expected_runs=stored.expected_runs, failed=stored.failed,
                   weeks=meta.get("weeks"), residents=meta.get("residents"),
                   scenario_parameters=params, currency=currency_of(params),
                   weekly_on_disk=not weekly and bool(meta.get("outputs", {}).get("weekly_every")))


def _int_ids(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (a table just read, not shared) with its point, replication and seed as integers."""
    for col in ("point", "replication", "seed"):
        if col in frame and not frame.empty:
            frame[col] = frame[col].astype(int)
    return frame


def _sweep_weekly(path: Path, points: list[int]) -> pd.DataFrame:
    """The weekly rows of design ``points`` of the sweep at ``path``, read from its folder."""
    from experiments import storage  # noqa: PLC0415 - keeps ``analysis`` importable on its own

    weekly = storage.read_weekly(path, points=points)
    return _int_ids(weekly) if weekly is not None else pd.DataFrame()
