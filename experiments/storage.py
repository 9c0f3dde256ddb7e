"""What a sweep writes, and reading it back: the storage layer of ``experiments/``.

A sweep folder ``DIR`` holds:

* ``spec.yaml`` (the spec as given), ``meta.json`` (base scenario, design kind, swept keys, number
  of points, replications, root seed, horizon, expected runs, and for Sobol and Morris designs the
  SALib problem), ``design.parquet`` (``point`` then one column per swept dotted key),
  ``seeds.parquet`` (``replication``, ``seed``) and ``base_scenario.yaml`` (the resolved base);
* ``summary/``: a Parquet dataset, one shard per finished batch of runs: ``run_id``, ``point``,
  ``replication``, ``seed``, the swept parameters, then the final-year summary;
* ``weekly/`` (only when weekly series are kept): ``run_id, point, replication, seed, week, ...``
  every k weeks; a weekly shard has the same file name as its summary shard;
* ``failed/``: one JSON per failed run (run_id, point, replication, seed, parameters, traceback);
* ``progress.json``: the state of the latest session, for ``caring-community sweep status``;
* ``sweep.lock``: held (``flock``) by the driver writing the folder, with its pid and host; the
  lock goes with the process, however it ends, so the file left behind means nothing by itself.

Every file is written under a temporary name (starting with ``.``) and renamed into place, so a
reader never sees half a file. A summary shard is renamed last: a run is finished exactly when its
row is in a summary shard, and a weekly shard without its summary shard (a crash between the two)
is ignored by readers and removed on resume.

At the end of a session that is not interrupted, 100 small shards or more are merged into a few
``merged-*.parquet`` shards (:meth:`SweepStore.merge_shards`): 40,000 runs in batches of 20 are
2,000 files of each kind, which take ten times as long to read as one (and count against a cluster
file system's quota of files). A merged summary shard names the shards it replaces in its Parquet
metadata; readers ignore those still there (a merge cut short after its commit) and the next
session removes them.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import re
import time
import uuid
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import UserError, as_path, counted, did_you_mean, file_in_the_way

SUMMARY = "summary"
WEEKLY = "weekly"
FAILED = "failed"
LOCK = "sweep.lock"
ID_COLUMNS = ("run_id", "point", "replication", "seed")
DESIGN_KINDS = ("full_factorial", "subexperiments", "lhs", "sobol", "morris", "points")
MERGED = "merged-"                          # name prefix of a shard that holds the rows of merged shards
REPLACES = b"caring_community.replaces"     # its Parquet metadata key: the names of the shards it replaces
MERGE_SUMMARY_BYTES = 16 * 2**20            # merged shards grow to about this size on disk, summary ...
MERGE_WEEKLY_BYTES = 64 * 2**20             # ... and weekly (a group is read into memory as one table)
MERGE_MIN_SHARDS = 100                      # fewer small shards read in well under a second: left as they are

_HELD_LOCKS: set[int] = set()   # file descriptors of the folder locks this process holds


def release_inherited_locks() -> None:
    """In a process forked from a driver: let go of the driver's folder locks (the descriptors are
    pointed at /dev/null), so that the lock goes with the driver even if this process outlives it."""
    for fd in list(_HELD_LOCKS):
        null = os.open(os.devnull, os.O_RDWR)
        try:
            os.dup2(null, fd)
        finally:
            os.close(null)
    _HELD_LOCKS.clear()


# ----------------------------------------------------------------------------- atomic writes
def _tmp_name(path: Path) -> Path:
    return path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"


def _commit(tmp: Path, path: Path) -> None:
    """Flush ``tmp`` to disk and rename it to ``path`` (atomic on POSIX and Windows)."""
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _make_folder_for(path: Path) -> None:
    """Create the folder ``path`` goes in; a file standing where a folder of the sweep should be
    (a damaged or hand-edited folder) is one message naming it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = file_in_the_way(path.parent) or path.parent
        raise UserError("expected a folder; found a file (remove or move it, then run the same command again)",
                        file=str(blocker)) from None


def check_not_inside_a_sweep(out: "str | Path") -> None:
    """Refuse an output folder inside another sweep's folder: its runs would be read as that sweep's
    (``--out OTHER/summary``) or lie among its files."""
    for parent in as_path(out, "out").resolve().parents:
        if (parent / "meta.json").is_file() and (parent / "design.parquet").is_file():
            raise UserError(f"expected an output folder outside other sweeps' folders; found one inside the "
                            f"sweep folder {parent}", key="--out")


def write_parquet_atomic(data: "pd.DataFrame | pa.Table", path: Path) -> None:
    """Write a table as one Parquet file that appears complete or not at all."""
    _make_folder_for(path)
    tmp = _tmp_name(path)
    try:
        if isinstance(data, pa.Table):
            pq.write_table(data, tmp)
        else:
            data.to_parquet(tmp, index=False, engine="pyarrow")
        _commit(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(text: str, path: Path) -> None:
    _make_folder_for(path)
    tmp = _tmp_name(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        _commit(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json_atomic(obj: Any, path: Path) -> None:
    write_text_atomic(json.dumps(obj, indent=2, default=_json_default), path)


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return str(value)


def _shards(folder: Path) -> list[Path]:
    """The committed shard files of a dataset folder (temporary files are skipped)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith("."))


def summary_shards(root: str | Path) -> list[Path]:
    """The summary shards that hold a sweep's finished runs: the committed ones, less those a merged
    shard replaced (still there only when a merge was cut short)."""
    files = _shards(Path(root) / SUMMARY)
    replaced = _replaced(files)
    return [f for f in files if f.name not in replaced] if replaced else files


def _replaced(files: list[Path]) -> set[str]:
    """The names of the shards whose rows the merged shards among ``files`` hold."""
    names: set[str] = set()
    for f in files:
        if f.name.startswith(MERGED):
            names.update(json.loads((read_schema(f).metadata or {}).get(REPLACES, b"[]")))
    return names


def _merge_groups(root: Path, summary_limit: int, weekly_limit: int) -> list[list[Path]]:
    """The summary shards to merge, in groups of consecutive shards up to the size limits on disk
    (weekly shards counted with their summary shards); a shard already half a limit's size stays as it is."""
    groups: list[list[Path]] = [[]]
    size = {SUMMARY: 0, WEEKLY: 0}
    limit = {SUMMARY: summary_limit, WEEKLY: weekly_limit}
    for f in summary_shards(root):
        weekly = root / WEEKLY / f.name
        mine = {SUMMARY: f.stat().st_size, WEEKLY: weekly.stat().st_size if weekly.is_file() else 0}
        big = any(2 * mine[k] >= limit[k] for k in mine)
        if big or any(size[k] + mine[k] > limit[k] for k in mine):
            groups.append([])
            size = {SUMMARY: 0, WEEKLY: 0}
        if big:
            continue
        groups[-1].append(f)
        size = {k: size[k] + mine[k] for k in mine}
    return [g for g in groups if len(g) > 1]


# ----------------------------------------------------------------------------- writing
class SweepStore:
    """The sweep folder as the runner writes it (one driver process writes; anyone may read)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    # -- the description of the sweep
    @property
    def meta_path(self) -> Path:
        return self.root / "meta.json"

    def exists(self) -> bool:
        return self.meta_path.is_file()

    def read_meta(self) -> dict:
        return read_meta(self.root)

    def write_description(self, spec_text: str, meta: dict, design: pd.DataFrame, seeds: pd.DataFrame,
                          base_yaml: str | None = None) -> None:
        """Write spec, design, seeds and the resolved base scenario, then ``meta.json`` last."""
        self.root.mkdir(parents=True, exist_ok=True)
        write_text_atomic(spec_text, self.root / "spec.yaml")
        write_parquet_atomic(design, self.root / "design.parquet")
        write_parquet_atomic(seeds, self.root / "seeds.parquet")
        if base_yaml is not None:
            write_text_atomic(base_yaml, self.root / "base_scenario.yaml")
        self.write_meta(meta)

    def write_meta(self, meta: dict) -> None:
        """Write (or rewrite) ``meta.json``, atomically: the sweep's description readers go by."""
        write_json_atomic(meta, self.meta_path)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder's exclusive lock while the block runs: one driver writes a folder at a time.

        Another driver (here or, on a shared file system that supports ``flock``, on another
        machine) gets a :class:`UserError` naming the holder's pid. The operating system releases
        the lock when the holder exits, even by ``kill -9``. Without ``fcntl`` (Windows) there is no lock.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            yield
            return
        blocker = file_in_the_way(self.root)
        if blocker == self.root:
            raise UserError("expected an output folder (--out); found a file", file=str(self.root))
        if blocker is not None:
            raise UserError(f"expected a folder at {blocker} to hold the output folder (--out); found a file",
                            file=str(self.root))
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            f = open(self.root / LOCK, "a+", encoding="utf-8")
        except OSError as e:
            raise UserError(f"expected a folder this process can write to; found {e.strerror or e}",
                            file=str(self.root)) from None
        with f:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.seek(0)
                holder = f.read().strip() or "pid unknown"
                raise UserError(f"another sweep is writing to {self.root} ({holder}); expected one driver per "
                                "folder: wait for it to finish (see 'caring-community sweep status') or stop it",
                                file=str(self.root)) from None
            except OSError as e:  # a file system without locks: go on, as before locks existed
                warnings.warn(f"could not lock {self.root / LOCK} ({e.strerror or e}); make sure no other sweep "
                              "writes to this folder", stacklevel=3)
            f.seek(0)
            f.truncate()
            f.write(f"pid {os.getpid()} on {platform.node()}\n")
            f.flush()
            _HELD_LOCKS.add(f.fileno())
            try:
                yield
            finally:
                _HELD_LOCKS.discard(f.fileno())

    # -- results
    def clean_partial(self) -> int:
        """Remove temporary files left by a killed session, shards a merged shard replaced, and weekly
        shards without their summary."""
        removed = 0
        for folder in (self.root, self.root / SUMMARY, self.root / WEEKLY, self.root / FAILED):
            if folder.is_dir():
                for p in folder.glob(".*.tmp"):
                    p.unlink(missing_ok=True)
                    removed += 1
        for name in sorted(_replaced(_shards(self.root / SUMMARY))):
            for p in (self.root / SUMMARY / name, self.root / WEEKLY / name):
                if p.is_file():
                    p.unlink()
                    removed += 1
        summary_names = {p.name for p in _shards(self.root / SUMMARY)}
        for p in _shards(self.root / WEEKLY):
            if p.name not in summary_names:
                p.unlink(missing_ok=True)
                removed += 1
        return removed

    def done_run_ids(self) -> set[str]:
        """Run ids that have a row in a committed summary shard."""
        return done_run_ids(self.root)

    def failed_run_ids(self) -> set[str]:
        folder = self.root / FAILED
        return {p.stem for p in folder.glob("*.json") if not p.name.startswith(".")} if folder.is_dir() else set()

    def write_batch(self, shard: str, summary: "pd.DataFrame | pa.Table | None",
                    weekly: "pd.DataFrame | pa.Table | None") -> None:
        """Write one batch of finished runs: the weekly shard first, the summary shard (the commit) last."""
        name = f"{shard}.parquet"
        if weekly is not None and len(weekly):
            write_parquet_atomic(weekly, self.root / WEEKLY / name)
        if summary is not None and len(summary):
            write_parquet_atomic(summary, self.root / SUMMARY / name)
            ids = summary.column("run_id").to_pylist() if isinstance(summary, pa.Table) else summary["run_id"]
            for run_id in ids:
                (self.root / FAILED / f"{run_id}.json").unlink(missing_ok=True)

    def merge_shards(self, summary_bytes: int | None = None, weekly_bytes: int | None = None,
                     announce: "Callable[[int, int], None] | None" = None, min_shards: int | None = None) -> int:
        """Merge the small shards into few (of about ``summary_bytes`` and ``weekly_bytes`` on disk; default
        :data:`MERGE_SUMMARY_BYTES`, :data:`MERGE_WEEKLY_BYTES`) once there are at least ``min_shards``
        of them (default :data:`MERGE_MIN_SHARDS`); returns the number of shards merged away.
        ``announce(shards, files)`` is told how many shards will become how many files before it starts.

        Each group's weekly rows are written first, then its summary rows, naming the shards they
        replace (the commit), and the replaced shards are removed last: a merge cut short at any
        point leaves every run once to readers.
        """
        groups = _merge_groups(self.root, summary_bytes or MERGE_SUMMARY_BYTES, weekly_bytes or MERGE_WEEKLY_BYTES)
        small = sum(map(len, groups))
        if small < (MERGE_MIN_SHARDS if min_shards is None else min_shards):
            return 0
        if announce is not None:
            announce(small, len(groups))
        for group in groups:
            name = f"{MERGED}{uuid.uuid4().hex[:12]}.parquet"
            weekly = [p for p in (self.root / WEEKLY / f.name for f in group) if p.is_file()]
            if weekly:
                write_parquet_atomic(_concat(weekly), self.root / WEEKLY / name)
            summary = _concat(group)
            metadata = {**(summary.schema.metadata or {}), REPLACES: json.dumps([f.name for f in group]).encode()}
            write_parquet_atomic(summary.replace_schema_metadata(metadata), self.root / SUMMARY / name)
            self._remove([*group, *weekly])
        return sum(len(g) - 1 for g in groups)

    @staticmethod
    def _remove(files: list[Path]) -> None:
        for f in files:
            f.unlink(missing_ok=True)

    def write_codebook(self, parameters: list[str], currency: str) -> None:
        """Write ``codebook.csv``: every column of ``summary/``, ``weekly/``, ``design.parquet`` and
        ``seeds.parquet`` with its dtype, unit (amounts in ``currency``, the base scenario's), range,
        final-year aggregation and meaning (:func:`sim.outcomes.codebook`; a swept key's from the
        scenario schema). The outcome columns are read from the shards written: before the first
        finished run (a sweep stopped at once) it describes the design and the seeds only, and the
        next session completes it."""
        from sim.money import unit_in
        from sim.outcomes import codebook

        summary = summary_shards(self.root)
        weekly = _shards(self.root / WEEKLY)
        tables = {"summary/*.parquet": ("summary", _columns(summary[0]))} if summary else {}
        if weekly:
            tables["weekly/*.parquet"] = ("sweep", _columns(weekly[0]))
        for name in ("design.parquet", "seeds.parquet"):
            if (self.root / name).is_file():
                tables[name] = ("summary", _columns(self.root / name))
        if not tables:
            return
        book = codebook(tables, currency)
        for i, column in book["column"].items():
            if column in parameters:
                unit, *rest = _describe_swept(column)
                book.loc[i, ["unit", "range", "final_year", "meaning"]] = [unit_in(unit, currency), *rest]
        write_text_atomic(book.to_csv(index=False), self.root / "codebook.csv")

    def write_failure(self, record: dict) -> None:
        write_json_atomic(record, self.root / FAILED / f"{record['run_id']}.json")

    def write_progress(self, progress: dict) -> None:
        write_json_atomic(progress, self.root / "progress.json")


# ----------------------------------------------------------------------------- reading
def _columns(path: Path) -> list[tuple[str, str]]:
    """``[(column, pandas dtype), ...]`` of a Parquet file, read from its schema."""
    schema = read_schema(path)
    return list(schema.empty_table().to_pandas().dtypes.astype(str).items())


def _describe_swept(key: str) -> list[str]:
    """[unit, range, "", meaning] of a swept dotted key (``funding.sources.0.end_week``), from the
    scenario schema's parameter that it sets (``funding.sources[].end_week``)."""
    from sim.docs import parameter_rows

    rows = parameter_rows()
    for row in rows:
        pattern = re.escape(row["key"]).replace(re.escape("[]."), r"\.\d+\.").replace(re.escape(".NAME."), r"\.[^.]+\.")
        if re.fullmatch(pattern, key):
            return [row["unit"], row["range"], "", f"swept parameter {row['key']}: {row['meaning']}"]
    for row in sorted(rows, key=lambda r: -len(r["key"])):   # a table's entry (governance.seats.city)
        if key.startswith(row["key"] + "."):
            return [row["unit"], row["range"], "",
                    f"swept parameter {row['key']} ({key[len(row['key']) + 1:]}): {row['meaning']}"]
    return ["", "", "", "swept parameter (see base_scenario.yaml)"]


def read_meta(path: str | Path) -> dict:
    path = Path(path)
    meta_path = path / "meta.json"
    if not path.is_dir():
        found = "a file" if path.exists() else "no such folder"
        raise UserError(f"expected a sweep output folder; found {found}", file=str(path))
    if not meta_path.is_file():
        raise UserError("expected a sweep output folder (with meta.json, written by 'caring-community sweep'); "
                        "found no meta.json", file=str(path))
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise UserError(f"expected a readable JSON file; found {e}", file=str(meta_path)) from None
    if not isinstance(meta, dict):
        raise UserError(f"expected a JSON object (the sweep's description, as 'caring-community sweep' writes it); "
                        f"found a {type(meta).__name__}", file=str(meta_path))
    return meta


class ShardGone(UserError):
    """A shard listed a moment ago is gone: a session's merge replaced it while this process read the folder."""


def _while_merging(read: Callable) -> Callable:
    """``read`` again (three tries in all) when a shard it listed vanished: a merge had just replaced it."""
    @functools.wraps(read)
    def reading(*args, **kwargs):
        for attempt in range(3):
            try:
                return read(*args, **kwargs)
            except ShardGone:
                if attempt == 2:
                    raise
    return reading


def _unreadable(path: Path, found: str) -> UserError:
    """The error for a Parquet file of a sweep folder that cannot be read as the sweep wrote it; a shard
    of summary/ or weekly/ can be removed, and its runs are then redone by running the sweep again."""
    remedy = "; remove it, then run the sweep again to redo its runs" if path.parent.name in (SUMMARY, WEEKLY) else ""
    return UserError(f"expected a Parquet file as 'caring-community sweep' writes it; found {found}{remedy}",
                     file=str(path))


def _cannot_read(e: Exception) -> str:
    return f"a file that cannot be read ({str(e).splitlines()[0] if str(e) else type(e).__name__})"


def read_table(path: Path, columns: list[str] | None = None, points: list[int] | None = None) -> pa.Table:
    """``columns`` (default: all) of a Parquet file of a sweep folder, the rows of design ``points`` only
    when given; a file that is damaged, cut short, or lacks a column asked for (a file the sweep did not
    write) is a :class:`UserError` naming it."""
    have = read_schema(path).names
    missing = [c for c in columns or [] if c not in have]
    if missing:
        raise _unreadable(path, f"no column '{missing[0]}' in it")
    try:
        return pq.read_table(path, columns=columns,
                             filters=None if points is None else [("point", "in", [int(p) for p in points])])
    except FileNotFoundError:
        raise _gone(path) from None
    except (OSError, pa.ArrowException) as e:
        raise _unreadable(path, _cannot_read(e)) from None


def read_schema(path: Path) -> pa.Schema:
    """The schema of a Parquet file of a sweep folder (see :func:`read_table`)."""
    try:
        return pq.read_schema(path)
    except FileNotFoundError:
        raise _gone(path) from None
    except (OSError, pa.ArrowException) as e:
        raise _unreadable(path, _cannot_read(e)) from None


def _gone(path: Path) -> UserError:
    """A file of the folder gone between listing and reading: a merged shard's, if it was a shard."""
    if path.parent.name in (SUMMARY, WEEKLY):
        return ShardGone("expected the shard listed a moment ago; found it gone, removed by a sweep still merging "
                         "this folder's shards: read it again", file=str(path))
    return UserError("expected a file of the sweep folder; found none", file=str(path))


def read_frame(path: Path) -> pd.DataFrame:
    """A Parquet file of a sweep folder as pandas reads it (see :func:`read_table`)."""
    try:
        return pd.read_parquet(path)
    except (OSError, pa.ArrowException) as e:
        raise _unreadable(path, _cannot_read(e)) from None


@_while_merging
def done_run_ids(path: str | Path) -> set[str]:
    """Run ids with a row in a committed summary shard (reads only the ``run_id`` column)."""
    done: set[str] = set()
    for shard in summary_shards(path):
        done.update(read_table(shard, columns=["run_id"]).column("run_id").to_pylist())
    return done


def _concat(files: Iterable[Path], columns: list[str] | None = None,
            points: list[int] | None = None) -> pa.Table | None:
    """The shards as one table (the rows of design ``points`` only, when given; None for no shard); of
    ``columns``, those each shard has (a column some shards lack is null in their rows)."""
    def wanted(f: Path) -> list[str] | None:
        if columns is None:
            return None
        have = set(read_schema(f).names)
        return [c for c in columns if c in have]

    tables = [read_table(f, columns=wanted(f), points=points) for f in files]
    return pa.concat_tables(tables, promote_options="permissive") if tables else None


def _read_dataset(files: Iterable[Path], columns: list[str] | None = None,
                  points: list[int] | None = None) -> pd.DataFrame | None:
    """The shards as one DataFrame (see :func:`_concat`)."""
    table = _concat(files, columns, points)
    return None if table is None else table.to_pandas()


def _check_columns(path: Path, columns: list[str], files: list[Path]) -> None:
    """Every column asked for is in the summary or the weekly series of at least one shard."""
    if not files:
        return
    have = set().union(*(read_schema(f).names for f in files))
    unknown = [c for c in columns if c not in have]
    if unknown:
        raise UserError(f"no outcome '{unknown[0]}' in this sweep{did_you_mean(unknown[0], sorted(have))}; "
                        "expected a column of its summary or weekly series", file=str(path), key="columns")


def _sorted(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def _check_unique(summary: pd.DataFrame, files: list[Path], path: Path) -> None:
    """Raise a UserError naming the runs that have more than one row, and the shards holding them.

    The runner writes each run once (one driver per folder); duplicates mean shards were copied in
    or written by two drivers at once, and hiding them would bias every mean.
    """
    dup = summary["run_id"][summary["run_id"].duplicated()].unique()
    if not len(dup):
        return
    wanted = set(dup)
    shards = [f.name for f in files if wanted & set(read_table(f, columns=["run_id"]).column("run_id").to_pylist())]
    shown = ", ".join(sorted(dup)[:5]) + (f" and {len(dup) - 5} more" if len(dup) > 5 else "")
    raise UserError(f"expected one row per run in summary/; found {len(dup)} run(s) twice or more: {shown} "
                    f"(in shards {', '.join(shards)}); remove the extra shards, then run the sweep again to "
                    "redo any run they alone held", file=str(path / SUMMARY))


def read_failures(path: str | Path) -> pd.DataFrame:
    """Failed runs, one row each: run_id, point, replication, seed, parameters, error, traceback."""
    rows = []
    folder = Path(path) / FAILED
    for f in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        if f.name.startswith("."):
            continue
        try:
            record = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = None
        if not isinstance(record, dict):
            record = {"error": "unreadable failure record"}
        record.setdefault("run_id", f.stem)
        rows.append(record)
    columns = ["run_id", "point", "replication", "seed", "parameters", "error", "traceback"]
    df = pd.DataFrame(rows, columns=list(dict.fromkeys(columns + [k for r in rows for k in r])))
    return df.sort_values(["point", "replication"]).reset_index(drop=True) if len(df) else df


@dataclass
class Sweep:
    """A sweep's results and description as pandas tables.

    ``summary`` has one row per finished run (ids, swept parameters, final-year outcomes) in design
    order (point, then replication); ``weekly`` one row per run and kept week, or ``None`` when the
    sweep keeps no weekly series; ``failed`` one row per run that raised and has not succeeded since.
    """

    path: Path
    meta: dict
    design: pd.DataFrame
    seeds: pd.DataFrame
    summary: pd.DataFrame
    weekly: pd.DataFrame | None
    failed: pd.DataFrame
    parameters: list[str] = field(default_factory=list)

    @property
    def expected_runs(self) -> int:
        """Runs the sweep holds when complete: design points × replication seeds."""
        return int(self.meta.get("expected_runs", len(self.design) * len(self.seeds)))

    @property
    def completed_runs(self) -> int:
        """Runs finished (rows of ``summary``)."""
        return len(self.summary)

    @property
    def failed_runs(self) -> int:
        """Runs that failed and have not succeeded since (rows of ``failed``)."""
        return len(self.failed)

    @property
    def missing_runs(self) -> int:
        """Runs expected but neither finished nor recorded as failed."""
        return max(0, self.expected_runs - self.completed_runs - self.failed_runs)

    @property
    def complete(self) -> bool:
        """Whether every expected run has finished."""
        return self.completed_runs >= self.expected_runs

    def __repr__(self) -> str:
        """A few lines (a notebook shows them for ``load_sweep(...)``): the folder, the runs and the
        tables' sizes, not every table in full as the dataclass's own repr printed them."""
        kept = bool((self.meta.get("outputs") or {}).get("weekly_every"))
        weekly = _rows_by_columns(self.weekly) if self.weekly is not None else (
            "not loaded (weekly=False)" if kept else "none kept")
        return (f"<Sweep {self.path}: {self.completed_runs} of {counted(self.expected_runs, 'run')} finished, "
                f"{self.failed_runs} failed, {self.missing_runs} missing; {counted(len(self.design), 'design point')} x "
                f"{counted(len(self.seeds), 'replication')}; swept {', '.join(self.parameters) or 'nothing'}\n"
                f"  .summary {_rows_by_columns(self.summary)}, .weekly {weekly}, .design, .seeds, .meta, .failed>")


def _rows_by_columns(frame: pd.DataFrame) -> str:
    return f"{len(frame):,} rows x {frame.shape[1]} columns"


@_while_merging
def load_sweep(path: str | Path, weekly: bool = True, columns: list[str] | None = None) -> Sweep:
    """Read a sweep folder (finished, partial or still running) into a :class:`Sweep`.

    ``weekly=False`` skips the weekly series (large sweeps); ``columns`` limits the summary (and
    weekly) outcome columns read, the id columns are always kept.
    """
    path = as_path(path, "path")
    meta = read_meta(path)
    parameters = list(meta.get("parameters", []))
    design = read_frame(path / "design.parquet") if (path / "design.parquet").is_file() else pd.DataFrame(
        columns=["point", *parameters])
    seeds = read_frame(path / "seeds.parquet") if (path / "seeds.parquet").is_file() else pd.DataFrame(
        columns=["replication", "seed"])
    summary_files = summary_shards(path)
    if columns is not None:
        _check_columns(path, columns, [*summary_files, *_shards(path / WEEKLY)])
    cols = None if columns is None else list(dict.fromkeys([*ID_COLUMNS, *parameters, *columns]))
    summary = _read_dataset(summary_files, cols)
    if summary is None:
        summary = pd.DataFrame({"run_id": pd.Series(dtype="str"), "point": pd.Series(dtype="int64"),
                                "replication": pd.Series(dtype="int64"), "seed": pd.Series(dtype="int64"),
                                **{p: pd.Series(dtype=design[p].dtype if p in design else "float64")
                                   for p in parameters}})
    else:
        _check_unique(summary, summary_files, path)
        summary = _sorted(summary, ["point", "replication"])
    weekly_df = _read_weekly(path, meta, summary_files, columns) if weekly else None
    failed = read_failures(path)
    if len(failed) and len(summary):
        failed = failed[~failed["run_id"].isin(set(summary["run_id"]))].reset_index(drop=True)
    return Sweep(path=path, meta=meta, design=design, seeds=seeds, summary=summary, weekly=weekly_df,
                 failed=failed, parameters=parameters)


@_while_merging
def read_weekly(path: str | Path, points: list[int] | None = None,
                columns: list[str] | None = None) -> pd.DataFrame | None:
    """The weekly series of a sweep folder's finished runs, of design ``points`` only when given (a
    report reads its best point's this way, not the whole sweep's); ``None`` when the sweep keeps none."""
    path = as_path(path, "path")
    return _read_weekly(path, read_meta(path), summary_shards(path), columns, points)


def _read_weekly(path: Path, meta: dict, summary_files: list[Path], columns: list[str] | None,
                 points: list[int] | None = None) -> pd.DataFrame | None:
    """The weekly shards of the runs in ``summary_files`` (a batch is finished once its summary shard is
    written), sorted by point, replication and week."""
    if not meta.get("outputs", {}).get("weekly_every"):
        return None
    names = {p.name for p in summary_files}
    files = [p for p in _shards(path / WEEKLY) if p.name in names]
    wcols = None if columns is None else list(dict.fromkeys([*ID_COLUMNS, "week", "year", *columns]))
    weekly = _read_dataset(files, wcols, points)
    if weekly is None:
        return pd.DataFrame(columns=[*ID_COLUMNS, "week"])
    return _sorted(weekly, ["point", "replication", "week"])


# ----------------------------------------------------------------------------- status
@dataclass
class SweepStatus:
    """How far a sweep has got: counts, and the rate and ETA of its latest session."""

    path: Path
    expected: int
    done: int
    failed: int
    remaining: int
    state: str                      # running | finished | interrupted | not started
    rate_per_minute: float | None   # runs per minute in the latest session
    eta_seconds: float | None
    updated_at: float | None

    def format(self) -> str:
        """The status as the lines ``caring-community sweep status`` prints."""
        pct = 100.0 * self.done / self.expected if self.expected else 100.0
        lines = [f"sweep {self.path}",
                 f"  done       {self.done} / {self.expected} ({pct:.1f}%)",
                 f"  failed     {self.failed}",
                 f"  remaining  {self.remaining}",
                 f"  state      {self.state}" + (f" (last update {_ago(self.updated_at)})" if self.updated_at else "")]
        if self.rate_per_minute is not None:
            lines.append(f"  rate       {self.rate_per_minute:.1f} runs/minute (latest session)")
        if self.eta_seconds is not None and self.remaining:
            lines.append(f"  ETA        {_duration(self.eta_seconds)}" +
                         ("" if self.state == "running" else " at that rate, once resumed"))
        return "\n".join(lines)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


def _ago(t: float) -> str:
    return f"{_duration(max(0.0, time.time() - t))} ago"


def _driver_gone(progress: dict) -> bool:
    """Whether the process that wrote ``progress.json`` on this machine no longer exists."""
    import platform
    pid = progress.get("pid")
    if not pid or progress.get("host") != platform.node():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError, TypeError, ValueError, OverflowError):   # not a pid this process can ask about
        return False
    return False


def sweep_status(path: str | Path) -> SweepStatus:
    """Done, failed and remaining runs of a sweep folder, with the latest session's rate and ETA."""
    path = as_path(path, "path")
    meta = read_meta(path)
    expected = int(meta.get("expected_runs", 0))
    done_ids = done_run_ids(path)
    failed_ids = {p.stem for p in (path / FAILED).glob("*.json") if not p.name.startswith(".")} \
        if (path / FAILED).is_dir() else set()
    failed = len(failed_ids - done_ids)
    done = len(done_ids)
    remaining = max(0, expected - done - failed)
    progress: dict = {}
    if (path / "progress.json").is_file():
        try:
            progress = json.loads((path / "progress.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            progress = {}
    if not isinstance(progress, dict):   # progress is only a help: a damaged file is as none
        progress = {}
    rate = eta = None
    state = str(progress.get("state", "not started"))
    updated_at = progress.get("updated_at")
    if isinstance(updated_at, bool) or not isinstance(updated_at, (int, float)):
        updated_at = None
    try:
        elapsed = float(progress.get("updated_at", 0)) - float(progress.get("started_at", 0))
        ran = int(progress.get("finished", 0))
    except (TypeError, ValueError):
        elapsed = ran = 0
    if elapsed > 0 and ran > 0:
        rate = 60.0 * ran / elapsed
        eta = remaining / (rate / 60.0) if remaining else 0.0
    if state == "running" and _driver_gone(progress):
        state = "interrupted (its process is gone)"
    if remaining == 0 and failed == 0 and done >= expected:
        state = "finished"
    elif state == "finished":
        state = "finished with failures" if failed else "incomplete"
    return SweepStatus(path=path, expected=expected, done=done, failed=failed, remaining=remaining, state=state,
                       rate_per_minute=rate, eta_seconds=eta, updated_at=updated_at)
