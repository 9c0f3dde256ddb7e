"""How long a sweep folder takes to read with its runs in many small shards, and after they are
merged (``SweepStore.merge_shards``, which a sweep does at the end of each session).

    python benchmarks/sweep_reading.py [--shards 500,2000] [--runs-per-shard 20]

It runs one small real sweep (so that shards have the model's real columns), then copies its
rows into ``--shards`` shards of ``--runs-per-shard`` runs each, with new run ids, as a long
sweep in batches would leave them without merging. For each size it times ``sweep_status`` (reads
every run id) and ``load_sweep`` with and without the weekly series, before and after merging.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from experiments import load_sweep, run_sweep, sweep_status  # noqa: E402
from experiments.storage import SweepStore  # noqa: E402

SPEC = {"name": "reading", "base_scenario": "centre-sud", "residents": 200, "weeks": 26, "replications": 20,
        "root_seed": 1, "fixed": {"network.burn_in_weeks": 4}, "outputs": {"weekly_every": 4}}


def _with_run_ids(table: pa.Table, prefix: str) -> pa.Table:
    ids = [f"{prefix}-{i}" for i in range(len(set(table.column("run_id").to_pylist())))]
    own = dict(zip(sorted(set(table.column("run_id").to_pylist())), ids))
    return table.set_column(0, "run_id", pa.array([own[r] for r in table.column("run_id").to_pylist()]))


def make_folder(template: Path, out: Path, shards: int) -> None:
    """``out``: the template sweep's description with ``shards`` copies of its rows as shards."""
    import shutil
    shutil.copytree(template, out, ignore=shutil.ignore_patterns("summary", "weekly", "sweep.lock"))
    summary = pq.read_table(template / "summary")
    weekly = pq.read_table(template / "weekly")
    for folder in ("summary", "weekly"):
        (out / folder).mkdir()
    for k in range(shards):
        name = f"part-{k:06d}.parquet"
        pq.write_table(_with_run_ids(summary, f"s{k:06d}"), out / "summary" / name)
        pq.write_table(_with_run_ids(weekly, f"s{k:06d}"), out / "weekly" / name)


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shards", default="500,2000", help="numbers of shards (comma-separated)")
    ap.add_argument("--runs-per-shard", type=int, default=20)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        run_sweep({**SPEC, "replications": args.runs_per_shard}, template, backend="serial", progress=False,
                  batch_size=args.runs_per_shard)
        print("| shards | runs | files | status s | load (no weekly) s | load (weekly) s | merge s |")
        print("|---:|---:|---|---:|---:|---:|---:|")
        for n in (int(s) for s in args.shards.split(",")):
            out = Path(tmp) / f"sweep-{n}"
            make_folder(template, out, n)
            row = []
            for when in ("small shards", "merged"):
                if when == "merged":
                    merge = timed(lambda: SweepStore(out).merge_shards(min_shards=2))
                files = len(list((out / "summary").glob("*.parquet")))
                row.append((when, files, timed(lambda: sweep_status(out)),
                            timed(lambda: load_sweep(out, weekly=False)), timed(lambda: load_sweep(out))))
            for when, files, status, plain, weekly in row:
                print(f"| {n:,} | {n * args.runs_per_shard:,} | {files:,} {when} | {status:.2f} | {plain:.2f} | "
                      f"{weekly:.2f} | {merge if when == 'merged' else 0:.2f} |")


if __name__ == "__main__":
    main()
