"""Sweeps: designs, seeds, backends, resume after SIGKILL, a lost dask worker, and spec errors.

Tiny communities (200 to 300 residents) and short horizons keep the file fast. Results are only ever
compared with other runs, never with hard-coded outcome values (the model is still being tuned).
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from experiments import load_sweep, plan_sweep, run_sweep, sweep, sweep_status
from experiments.design import replication_seeds
from experiments.runner import simulate
from experiments.storage import SweepStore, done_run_ids
from sim.errors import UserError

ROOT = Path(__file__).resolve().parent.parent

SPEC = {
    "name": "tiny",
    "base_scenario": "centre-sud",
    "residents": 200,
    "fixed": {"network.burn_in_weeks": 8},  # a short burn-in keeps the tests fast
    "weeks": 12,
    "replications": 4,
    "root_seed": 11,
    "design": "full_factorial",
    "parameters": {"governance.decision_rule": ["majority", "consensus"],
                   "peer_support.competency_gain": [0.5, 4.0]},
    "outputs": {"weekly_every": 4},
}


def assert_same_results(a, b) -> None:
    """Two sweep folders hold exactly the same runs with the same outcomes."""
    pd.testing.assert_frame_equal(a.summary, b.summary)
    if a.weekly is not None or b.weekly is not None:
        pd.testing.assert_frame_equal(a.weekly, b.weekly)
    pd.testing.assert_frame_equal(a.design, b.design)
    pd.testing.assert_frame_equal(a.seeds, b.seeds)


def raw_run_ids(out: Path) -> list[str]:
    """The run ids of every row of the summary dataset as stored (nothing merged or dropped)."""
    return pq.read_table(out / "summary", columns=["run_id"]).column("run_id").to_pylist()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The tiny sweep run serially, uninterrupted: the dataset every other way must reproduce."""
    out = tmp_path_factory.mktemp("reference") / "sweep"
    result = run_sweep(SPEC, out, backend="serial", progress=False)
    assert result.ran == result.expected == 16 and result.failed == 0
    return load_sweep(out)


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "tiny.yaml"
    path.write_text(yaml.safe_dump(SPEC, sort_keys=False))
    return path


# ----------------------------------------------------------------------------- storage contract
def test_folder_contract_and_common_random_numbers(reference):
    r = reference
    folder = r.path
    for name in ("spec.yaml", "meta.json", "design.parquet", "seeds.parquet"):
        assert (folder / name).is_file(), name
    assert yaml.safe_load((folder / "spec.yaml").read_text()) == SPEC
    m = r.meta
    assert m["design"] == "full_factorial" and m["n_points"] == 4 and m["replications"] == 4
    assert m["parameters"] == list(SPEC["parameters"]) and m["expected_runs"] == 16 and m["weeks"] == 12
    assert m["root_seed"] == 11 and m["base_scenario"] == "centre-sud"
    assert list(r.design.columns) == ["point", *SPEC["parameters"]] and len(r.design) == 4
    assert r.seeds["seed"].tolist() == replication_seeds(11, 4)
    assert r.seeds["seed"].nunique() == 4
    # common random numbers: replication i has the same seed at every design point
    seeds_by_rep = r.summary.groupby("replication")["seed"].nunique()
    assert (seeds_by_rep == 1).all()
    assert dict(zip(r.summary["replication"], r.summary["seed"])) == dict(enumerate(r.seeds["seed"]))
    # the same seed under the same parameter values gives the same run: paired differences are real
    s = r.summary
    assert list(s.columns[:6]) == ["run_id", "point", "replication", "seed", *SPEC["parameters"]]
    assert s["run_id"].is_unique and len(s) == 16 and r.missing_runs == 0 and r.failed.empty
    assert {"isolated_share_all", "empowerment_index", "spending_total"} <= set(s.columns)
    w = r.weekly
    assert list(w.columns[:5]) == ["run_id", "point", "replication", "seed", "week"]
    assert sorted(w["week"].unique()) == [0, 4, 8, 12]
    assert len(w) == 16 * 4
    # replications differ (independent seeds)
    first = s[s["point"] == 0]
    assert first["isolated_share_all"].nunique() > 1 or first["ties_total"].nunique() > 1


def test_codebook_describes_every_column_a_sweep_writes(reference):
    """codebook.csv lists every column of summary/, weekly/, design.parquet and seeds.parquet, with a
    meaning (a swept key's from the scenario schema) and how the summary aggregates each outcome."""
    book = pd.read_csv(reference.path / "codebook.csv", keep_default_na=False)
    data = {"summary/*.parquet": reference.summary, "weekly/*.parquet": reference.weekly,
            "design.parquet": reference.design, "seeds.parquet": reference.seeds}
    assert set(book["file"]) == set(data)
    for name, frame in data.items():
        rows = book[book["file"] == name]
        assert list(rows["column"]) == list(frame.columns), name
        assert (rows["meaning"] != "").all(), rows[rows["meaning"] == ""]
    summary = book[book["file"] == "summary/*.parquet"].set_index("column")
    assert summary.loc["peer_support.competency_gain", "meaning"].startswith("swept parameter")
    assert summary.loc["point", "meaning"].startswith("the design point")
    assert summary.loc["spending_total", "final_year"] == "sum"


def test_the_readmes_pandas_only_recipe_reads_a_sweep_as_load_sweep_does(reference):
    """The README's recipe for a collaborator with pandas alone, run as written on a sweep folder."""
    readme = (ROOT / "README.md").read_text()
    code = readme.split("with pandas alone (a collaborator without the package),")[1]
    code = code.split("```python\n", 1)[1].split("```", 1)[0].replace('"sweeps/gov', f'"{reference.path}')
    found: dict = {}
    exec(code, found)
    assert "import sim" not in code and "experiments" not in code
    pd.testing.assert_frame_equal(found["summary"].sort_values("run_id").reset_index(drop=True),
                                  reference.summary.sort_values("run_id").reset_index(drop=True))
    assert len(found["weekly"]) == len(reference.weekly)
    assert list(found["weekly"].columns[-2:]) == list(SPEC["parameters"])
    assert set(found["codebook"]["column"]) >= set(reference.summary.columns)


def test_seeds_are_stable_when_replications_grow():
    assert replication_seeds(5, 3) == replication_seeds(5, 10)[:3]
    assert replication_seeds(5, 3) != replication_seeds(6, 3)


# ----------------------------------------------------------------------------- backends
@pytest.fixture(scope="module")
def dask_local():
    """The dask backend's own LocalCluster (2 worker processes), shared by the dask tests."""
    from experiments.backends import DaskBackend

    backend = DaskBackend(workers=2)
    yield backend
    backend.close()


@pytest.mark.parametrize("backend,workers", [("processes", 1), ("processes", 2)])
def test_process_backends_give_identical_results(reference, tmp_path, backend, workers):
    out = tmp_path / backend
    result = run_sweep(SPEC, out, backend=backend, workers=workers, progress=False)
    assert result.ran == 16 and result.failed == 0
    assert_same_results(load_sweep(out), reference)


def test_dask_local_cluster_gives_identical_results(reference, tmp_path, dask_local):
    result = run_sweep(SPEC, tmp_path / "dask", backend=dask_local, progress=False)
    assert result.ran == 16 and result.failed == 0 and "LocalCluster" in result.backend
    assert_same_results(load_sweep(tmp_path / "dask"), reference)


def mark_start_and_end(markers: Path, scenario, params, seed, weeks):
    """The model, with a marker file per run and worker process when it starts and when it ends."""
    key = f"{'-'.join(str(v) for v in params.values())}-{seed}.{os.getpid()}"
    (markers / f"{key}.start").touch()
    time.sleep(0.15)  # runs long enough for a kill to catch one in flight
    df = simulate(scenario, params, seed, weeks)
    (markers / f"{key}.end").touch()
    return df


def test_dask_worker_killed_mid_sweep_loses_no_run(reference, tmp_path, dask_local):
    out, markers = tmp_path / "dask-killed", tmp_path / "markers"
    markers.mkdir()
    pids = dask_local.client.run(os.getpid)
    errors: list[BaseException] = []

    def go():  # a second client, connected to the running cluster by its address (--scheduler)
        try:
            run_sweep(SPEC, out, backend="dask", scheduler=dask_local.scheduler, batch_size=1, progress=False,
                      simulate=functools.partial(mark_start_and_end, markers))
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    thread = threading.Thread(target=go)
    thread.start()
    deadline, killed = time.time() + 60, None
    while killed is None and time.time() < deadline and thread.is_alive():
        if len(list((out / "summary").glob("*.parquet"))) >= 2:  # mid-sweep: kill a worker that has a task
            busy = [addr for addr, keys in dask_local.client.processing().items() if keys and addr in pids]
            if busy:
                killed = pids[busy[0]]
                os.kill(killed, signal.SIGKILL)
        time.sleep(0.01)
    killed_at = len(done_run_ids(out))
    thread.join(180)
    assert not thread.is_alive() and not errors, errors
    assert killed is not None and 0 < killed_at < 16, "the worker must be killed while the sweep is running"
    started = {p.name.removesuffix(".start") for p in markers.glob(f"*.{killed}.start")}
    ended = {p.name.removesuffix(".end") for p in markers.glob(f"*.{killed}.end")}
    assert started - ended, "the killed worker must have had a run in flight"
    ids = raw_run_ids(out)
    assert len(ids) == 16 and len(set(ids)) == 16
    result = load_sweep(out)
    assert result.failed.empty and result.missing_runs == 0
    assert_same_results(result, reference)


# ----------------------------------------------------------------------------- resume
def sweep_command_until(spec_file: Path, out: Path, shards: int) -> subprocess.Popen:
    """`caring-community sweep` on 2 worker processes, in a process group of its own, once it has
    written ``shards`` result shards (or stopped, or a minute passed)."""
    cmd = [sys.executable, "-m", "sim.cli", "sweep", str(spec_file), "--out", str(out), "--backend", "processes",
           "--workers", "2", "--batch-size", "1", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while len(list((out / "summary").glob("*.parquet"))) < shards and time.time() < deadline and proc.poll() is None:
        time.sleep(0.005)
    return proc


def test_sigkill_then_resume_equals_uninterrupted(reference, spec_file, tmp_path):
    out = tmp_path / "killed"
    proc = sweep_command_until(spec_file, out, 5)
    with pytest.raises(UserError, match=rf"another sweep is writing to .* \(pid {proc.pid} "):
        with SweepStore(out).lock():  # a second driver while the first one writes
            pass
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and its worker processes, mid-sweep
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    done = done_run_ids(out)
    assert 0 < len(done) < 16, f"killed after {len(done)} runs: not half-way"
    # what a kill during a write leaves behind: a temporary file and a weekly shard without its summary
    (out / "summary" / ".part-x.parquet.1.dead.tmp").write_bytes(b"PAR1 half a file")
    orphan = next((out / "weekly").glob("*.parquet"))
    (out / "weekly" / "part-orphan.parquet").write_bytes(orphan.read_bytes())
    partial = load_sweep(out)  # readable at any time: only committed shards are read
    assert set(partial.summary["run_id"]) == done and partial.summary["run_id"].is_unique
    assert len(raw_run_ids(out)) == len(done)  # as stored: no run twice
    status = sweep_status(out)
    assert status.remaining == 16 - len(done) and status.state.startswith("interrupted"), status

    resumed = run_sweep(spec_file, out, backend="processes", workers=2, progress=False)
    assert resumed.skipped == len(done) and resumed.ran == 16 - len(done)
    ids = raw_run_ids(out)  # as stored, not as load_sweep shows them
    assert len(ids) == 16 and len(set(ids)) == 16
    final = load_sweep(out)
    assert final.missing_runs == 0
    assert_same_results(final, reference)
    assert not list(out.rglob(".*.tmp")) and not (out / "weekly" / "part-orphan.parquet").exists()
    again = run_sweep(spec_file, out, backend="serial", progress=False)  # nothing left to do
    assert again.ran == 0 and again.skipped == 16


def shard_names(out: Path, folder: str) -> list[str]:
    return sorted(p.name for p in (out / folder).glob("*.parquet"))


def test_a_sweep_of_fewer_than_100_shards_keeps_them_as_they_are(reference):
    """Merging costs about a second a hundred shards and reading so few takes well under a second."""
    names = shard_names(reference.path, "summary")
    assert 1 < len(names) < 100 and not any(n.startswith("merged-") for n in names)


def test_small_shards_are_merged_at_the_end_of_each_session(reference, tmp_path, monkeypatch):
    monkeypatch.setattr("experiments.storage.MERGE_MIN_SHARDS", 2)   # a sweep merges from 100 shards
    out = tmp_path / "merged"
    first = run_sweep(SPEC, out, backend="serial", progress=False, batch_size=1, max_runs=5)
    assert first.ran == 5
    merged = shard_names(out, "summary")
    assert len(merged) == 1 and merged[0].startswith("merged-") and shard_names(out, "weekly") == merged
    second = run_sweep(SPEC, out, backend="serial", progress=False, batch_size=1)  # 11 more shards of one run
    assert second.skipped == 5 and second.ran == 11
    assert len(shard_names(out, "summary")) == 1 and shard_names(out, "weekly") == shard_names(out, "summary")
    assert sorted(raw_run_ids(out)) == sorted(reference.summary["run_id"])   # as stored: each run once
    assert_same_results(load_sweep(out), reference)


def test_merged_shards_keep_to_their_size_limit(reference, tmp_path, monkeypatch):
    out = tmp_path / "limited"
    merge = SweepStore.merge_shards
    monkeypatch.setattr(SweepStore, "merge_shards", lambda self, **kw: 0)   # the sweep's own merge: off
    run_sweep(SPEC, out, backend="serial", progress=False, batch_size=1)
    assert len(shard_names(out, "summary")) == 16
    per_run = max(p.stat().st_size for p in (out / "summary").glob("*.parquet"))
    assert merge(SweepStore(out), summary_bytes=4 * per_run, weekly_bytes=2**30, min_shards=2) == \
        16 - len(shard_names(out, "summary"))
    assert 4 <= len(shard_names(out, "summary")) < 16   # groups of at most 4 runs' worth of bytes
    assert shard_names(out, "weekly") == shard_names(out, "summary")
    assert_same_results(load_sweep(out), reference)
    before, announced = len(shard_names(out, "summary")), []
    merge(SweepStore(out), announce=lambda shards, files: announced.append((shards, files)), min_shards=2)
    assert len(shard_names(out, "summary")) == 1 and announced == [(before, 1)]   # the merged shards merge again
    assert_same_results(load_sweep(out), reference)


def test_a_reader_reads_again_when_a_merge_removes_the_shards_it_listed(reference, tmp_path, monkeypatch):
    """A notebook reading a sweep folder as its session ends: the shards it listed are merged away before it
    reads them, so it reads the folder again (before merging, shards were never removed while read)."""
    import experiments.storage as storage
    out = tmp_path / "read-while-merging"
    monkeypatch.setattr(SweepStore, "merge_shards", lambda self, **kw: 0)
    run_sweep(SPEC, out, backend="serial", progress=False, batch_size=1)
    monkeypatch.undo()
    listing, merges = storage.summary_shards, []

    def list_then_merge(root):
        files = listing(root)
        if not merges:   # the session's merge strikes between this reader's listing and its reading
            merges.append(None)
            merges[0] = SweepStore(out).merge_shards(min_shards=2)
        return files

    monkeypatch.setattr(storage, "summary_shards", list_then_merge)
    assert_same_results(load_sweep(out), reference)
    assert merges == [15] and len(shard_names(out, "summary")) == 1
    merges.clear()
    SweepStore(out).merge_shards(summary_bytes=1, weekly_bytes=1)   # nothing small left to merge
    assert sorted(done_run_ids(out)) == sorted(reference.summary["run_id"])


def test_a_merge_cut_short_after_its_commit_loses_and_doubles_nothing(reference, tmp_path, monkeypatch):
    """Killed after the merged shards are written, before the shards they replace are removed: readers see
    each run once, and the next session removes the replaced shards."""
    out = tmp_path / "cut"
    monkeypatch.setattr("experiments.storage.MERGE_MIN_SHARDS", 2)

    def killed(files):
        raise KeyboardInterrupt

    remove = SweepStore.__dict__["_remove"]
    monkeypatch.setattr(SweepStore, "_remove", staticmethod(killed))
    with pytest.raises(KeyboardInterrupt):
        run_sweep(SPEC, out, backend="serial", progress=False, batch_size=1)
    assert len(shard_names(out, "summary")) == 17 and len(raw_run_ids(out)) == 32   # as stored: all twice
    assert_same_results(load_sweep(out), reference)
    assert sorted(done_run_ids(out)) == sorted(reference.summary["run_id"])
    status = sweep_status(out)
    assert status.done == 16 and status.remaining == 0
    monkeypatch.setattr(SweepStore, "_remove", remove)   # no longer killed
    again = run_sweep(SPEC, out, backend="serial", progress=False)
    assert again.ran == 0 and again.skipped == 16
    assert len(shard_names(out, "summary")) == 1 and shard_names(out, "weekly") == shard_names(out, "summary")
    assert sorted(raw_run_ids(out)) == sorted(reference.summary["run_id"])
    assert_same_results(load_sweep(out), reference)


def test_a_killed_driver_takes_its_lock_and_its_workers_with_it(spec_file, tmp_path):
    """kill -9 of the driver alone (not its process group): its worker processes exit and the folder
    is free for a resume at once, although the workers were forked while the driver held the lock."""
    out = tmp_path / "driver-killed"
    proc = sweep_command_until(spec_file, out, 2)
    assert proc.poll() is None, proc.stderr.read().decode()
    os.kill(proc.pid, signal.SIGKILL)                    # the driver only
    proc.wait(10)

    def group_alive() -> bool:
        try:
            os.killpg(proc.pid, 0)
            return True
        except ProcessLookupError:
            return False

    deadline = time.time() + 15
    while group_alive() and time.time() < deadline:
        time.sleep(0.1)
    assert not group_alive(), "worker processes outlived their driver"
    with SweepStore(out).lock():                         # free at once
        pass


CTRL_C_SCRIPT = """
import os, signal, sys, time
from pathlib import Path
from experiments import run_sweep

signal.signal(signal.SIGINT, signal.default_int_handler)   # Ctrl-C as in a terminal, even where the
                                                           # test runner was started with it ignored

def slow(scenario, params, seed, weeks):   # a run far longer than the test waits
    (Path(sys.argv[2]) / f"{os.getpid()}-{seed}").touch()
    end = time.time() + 300
    while time.time() < end:   # busy, as a model run is
        pass

if __name__ == "__main__":
    try:
        run_sweep(SPEC, sys.argv[1], backend=sys.argv[3], workers=2, batch_size=1, progress=False, simulate=slow)
    except KeyboardInterrupt:
        sys.exit(130)
"""


def _signal_when_both_workers_run(proc, markers, send, what: str) -> str:
    """Wait until both workers of the sweep ``proc`` are in a (300 s) run, ``send`` the signal, and
    return the driver's stderr once it has exited; fail if it waited for the runs."""
    deadline = time.time() + 90
    while len(list(markers.iterdir())) < 2 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None and len(list(markers.iterdir())) >= 2, proc.stderr.read()
    send()
    try:
        return proc.communicate(timeout=120)[1]
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"the sweep waited for its workers' runs after {what}")


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_ctrl_c_stops_the_workers_at_once_and_quietly(tmp_path, backend):
    """Ctrl-C reaches the driver and its workers (the terminal's process group): the workers stop
    without finishing their runs and without a traceback of their own; the driver exits."""
    script, out, markers = tmp_path / "sweep.py", tmp_path / "out", tmp_path / "markers"
    markers.mkdir()
    script.write_text(CTRL_C_SCRIPT.replace("SPEC", repr(SPEC)))
    proc = subprocess.Popen([sys.executable, str(script), str(out), str(markers), backend], cwd=ROOT,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = _signal_when_both_workers_run(proc, markers, lambda: os.killpg(proc.pid, signal.SIGINT), "Ctrl-C")
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert sweep_status(out).remaining == 16


SIGTERM_SCRIPT = """
import functools, os, sys, time
from pathlib import Path
import experiments.runner as runner
from sim.cli import main

def slow(scenario, params, seed, weeks):   # a run far longer than the test waits
    (Path(sys.argv[2]) / f"{os.getpid()}-{seed}").touch()
    end = time.time() + 300
    while time.time() < end:
        pass

if __name__ == "__main__":
    runner.run_sweep = functools.partial(runner.run_sweep, simulate=slow)
    sys.exit(main(["sweep", sys.argv[4], "--out", sys.argv[1], "--backend", sys.argv[3], "--workers", "2",
                   "--batch-size", "1", "--quiet"]))
"""


@pytest.mark.parametrize("backend,whom", [("processes", "group"), ("processes", "driver"), ("dask", "group")])
def test_sigterm_stops_a_sweep_as_ctrl_c_does(tmp_path, backend, whom):
    """A cluster's time limit sends SIGTERM to every process of the job (``kill PID`` to the driver
    alone): ``caring-community sweep`` stops at once without waiting for the runs in flight, says what
    is kept, exits with status 143, records the session as interrupted and frees the folder."""
    script, spec, out, markers = tmp_path / "sweep.py", tmp_path / "tiny.yaml", tmp_path / "out", tmp_path / "markers"
    markers.mkdir()
    script.write_text(SIGTERM_SCRIPT)
    spec.write_text(yaml.safe_dump(SPEC))
    proc = subprocess.Popen([sys.executable, str(script), str(out), str(markers), backend, str(spec)], cwd=ROOT,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = _signal_when_both_workers_run(
        proc, markers, lambda: (os.killpg if whom == "group" else os.kill)(proc.pid, signal.SIGTERM), "SIGTERM")
    assert proc.returncode == 143, err
    assert "terminated: 0 of 16 runs are finished and kept" in err and "run the same command again to resume" in err, err
    assert "Traceback" not in err, err
    status = sweep_status(out)
    assert status.state == "interrupted" and status.remaining == 16
    with SweepStore(out).lock():   # free at once
        pass


def test_a_resumed_sweeps_progress_rate_is_this_sessions_average(tmp_path, monkeypatch):
    """The bar's rate and ETA come from the runs this session made over its whole time (so the workers'
    start-up, all in the first batch, weighs no more than its share), never from the runs found done."""
    import experiments.runner as runner
    out = tmp_path / "bar"
    run_sweep(SPEC, out, backend="serial", progress=False, max_runs=5)
    seen = {}
    finish = runner._Session.finish

    def keep_the_bar(self, state):
        seen.update(self.bar.format_dict)
        finish(self, state)

    monkeypatch.setattr(runner._Session, "finish", keep_the_bar)
    run_sweep(SPEC, out, backend="serial", progress=True)
    assert seen["initial"] == 5 and seen["n"] == 16
    assert seen["rate"] is None   # tqdm then shows (n - initial) / elapsed: no moving average of batches


def test_partial_runs_then_resume(reference, tmp_path):
    out = tmp_path / "partial"
    first = run_sweep(SPEC, out, backend="serial", progress=False, max_runs=5)
    status = sweep_status(out)
    assert first.ran == 5 and status.done == 5 and status.remaining == 11 and status.state == "incomplete"
    assert status.rate_per_minute > 0 and status.eta_seconds > 0 and "ETA" in status.format()
    second = run_sweep(SPEC, out, backend="serial", progress=False)
    assert second.skipped == 5 and second.ran == 11
    assert_same_results(load_sweep(out), reference)
    changed = {**SPEC, "weeks": 20}
    with pytest.raises(UserError, match="different sweep.*weeks"):
        run_sweep(changed, out, backend="serial", progress=False)
    other_values = {**SPEC, "parameters": {**SPEC["parameters"], "peer_support.competency_gain": [0.5, 3.0]}}
    with pytest.raises(UserError, match=r"different sweep \(differs in: the swept values \(design.parquet\)\)"):
        run_sweep(other_values, out, backend="serial", progress=False)
    other_base = {**SPEC, "fixed": {"network.burn_in_weeks": 8, "peer_support.competency_gain": 1.0}}
    with pytest.raises(UserError, match="different sweep"):
        run_sweep(other_base, out, backend="serial", progress=False)


def test_failed_runs_are_recorded_and_retried(reference, tmp_path, monkeypatch):
    import experiments.runner as runner

    real = runner.simulate

    def flaky(scenario, params, seed, weeks):
        if params["peer_support.competency_gain"] == 4.0 and params["governance.decision_rule"] == "consensus":
            raise RuntimeError("boom")
        return real(scenario, params, seed, weeks)

    out = tmp_path / "flaky"
    monkeypatch.setattr(runner, "simulate", flaky)
    result = run_sweep(SPEC, out, backend="serial", progress=False)
    assert result.failed == 4 and result.ran == 12  # the sweep went on after the failures
    loaded = load_sweep(out)
    assert len(loaded.failed) == 4 and loaded.missing_runs == 0 and len(loaded.summary) == 12
    rec = loaded.failed.iloc[0]
    assert rec["parameters"]["governance.decision_rule"] == "consensus" and "boom" in rec["traceback"]
    assert "RuntimeError" in rec["traceback"] and rec["seed"] in set(loaded.seeds["seed"])
    assert sweep_status(out).failed == 4
    # a plain resume skips failures; --retry-failed reruns them
    assert run_sweep(SPEC, out, backend="serial", progress=False).ran == 0
    monkeypatch.setattr(runner, "simulate", real)
    retried = run_sweep(SPEC, out, backend="serial", progress=False, retry_failed=True)
    assert retried.ran == 4 and retried.failed == 0
    final = load_sweep(out)
    assert final.failed.empty and not list((out / "failed").glob("*.json"))
    assert_same_results(final, reference)


# ----------------------------------------------------------------------------- designs
def test_subexperiments_lhs_sobol_morris(tmp_path):
    base = {"base_scenario": "centre-sud", "residents": 200, "weeks": 4}
    sub = plan_sweep({**base, "design": "subexperiments", "subexperiments": [
        {"governance.decision_rule": ["majority", "consensus"]},
        {"peer_support.competency_gain": [0.5, 1.0, 2.0], "peer_support.meeting_probability": [0.3, 0.9]}]})
    d = sub.design.points
    assert len(d) == 2 + 6 and list(d.columns) == ["point", "governance.decision_rule",
                                                   "peer_support.competency_gain", "peer_support.meeting_probability"]
    assert (d["peer_support.competency_gain"][:2] == sub.base.peer_support.competency_gain).all()
    assert (d["governance.decision_rule"][2:] == sub.base.governance.decision_rule).all()

    lhs = plan_sweep({**base, "design": "lhs", "samples": 20, "ranges": {
        "peer_support.competency_gain": [0.5, 3.0], "retention.initial_patient_partners": [1, 9]}})
    d = lhs.design.points
    assert len(d) == 20 and d["peer_support.competency_gain"].between(0.5, 3.0).all()
    strata = np.floor((d["peer_support.competency_gain"] - 0.5) / 2.5 * 20).astype(int)
    assert sorted(strata) == list(range(20))  # one point per stratum: a Latin hypercube
    assert d["retention.initial_patient_partners"].dtype == "int64"  # integer parameter stays integer

    sob = plan_sweep({**base, "design": "sobol", "samples": 8, "ranges": {
        "peer_support.competency_gain": [0.5, 3.0], "peer_support.meeting_probability": [0.2, 0.9]}})
    assert sob.design.n_points == 8 * (2 * 2 + 2)
    meta = sob.meta()
    assert meta["salib_problem"] == {"num_vars": 2, "names": ["peer_support.competency_gain",
                                                              "peer_support.meeting_probability"],
                                     "bounds": [[0.5, 3.0], [0.2, 0.9]]}
    assert meta["N"] == 8 and meta["calc_second_order"] is True and meta["design"] == "sobol"

    mor = plan_sweep({**base, "design": "morris", "samples": 5, "num_levels": 4, "ranges": {
        "peer_support.competency_gain": [0.5, 3.0], "peer_support.meeting_probability": [0.2, 0.9]}})
    assert mor.design.n_points == 5 * 3 and mor.meta()["num_levels"] == 4
    # designs are reproducible
    again = plan_sweep({**base, "design": "sobol", "samples": 8, "ranges": {
        "peer_support.competency_gain": [0.5, 3.0], "peer_support.meeting_probability": [0.2, 0.9]}})
    pd.testing.assert_frame_equal(again.design.points, sob.design.points)


def test_python_api_with_a_dataframe_of_points(tmp_path):
    points = pd.DataFrame({"peer_support.competency_gain": [0.5, 2.0, 3.5],
                           "governance.decision_rule": ["majority", "consensus", "majority"]})
    spec = {"base_scenario": "centre-sud", "residents": 200, "weeks": 6, "replications": 2, "root_seed": 3,
            "fixed": {"network.burn_in_weeks": 4}}
    res = sweep(spec, tmp_path / "pts", points=points, backend="serial", progress=False)
    assert res.meta["design"] == "points" and len(res.summary) == 6 and res.weekly is None
    pd.testing.assert_frame_equal(res.design.drop(columns="point"), points)
    assert res.summary["point"].tolist() == [0, 0, 1, 1, 2, 2]


# ----------------------------------------------------------------------------- malformed specs
@pytest.mark.parametrize("change,key,words", [
    ({"parameters": {"governance.decisionrule": ["majority"]}}, "parameters.governance.decisionrule",
     "did you mean 'decision_rule'"),
    ({"parameters": {"nonsense.knob": [1, 2]}}, "parameters.nonsense.knob", "not a scenario parameter"),
    ({"parameters": {"governance.decision_rule": []}}, "parameters.governance.decision_rule", "empty list"),
    ({"parameters": {"peer_support.competency_gain": [1.0, 99.0]}}, "parameters.peer_support.competency_gain",
     "allowed range"),
    ({"design": "lhs", "parameters": {}, "samples": 4, "ranges": {"peer_support.competency_gain": [2.0, 2.0]}},
     "ranges.peer_support.competency_gain", "non-empty range"),
    ({"design": "sobol", "parameters": {}, "samples": 10, "ranges": {"peer_support.competency_gain": [0.5, 2]}},
     "samples", "power of 2"),
    ({"design": "lhs", "parameters": {}, "ranges": {"peer_support.competency_gain": [0.5, 2]}}, "samples",
     "needs 'samples'"),
    ({"base_scenario": "centre-sdu"}, "base_scenario", "did you mean 'centre-sud'"),
    ({"base_scenario": "missing/scenario.yaml"}, "base_scenario", "no such file"),
    ({"replicatons": 3}, "replicatons", "did you mean 'replications'"),
    ({"replications": 0}, "replications", "greater than or equal to 1"),
    ({"replications": True}, "replications", "expected a whole number; found true"),
    ({"root_seed": 1e308}, "root_seed", "expected a smaller whole number; found 1e+308"),
    # seat counts past 64 bits broke the design table (OverflowError), or wrapped round to negative
    ({"parameters": {"governance.seats.city": [1, 10**30]}}, "parameters.governance.seats.city",
     "expected a seat count from 0 to 1,000"),
    ({"parameters": {"governance.seats.city": [1, 2**63]}}, "parameters.governance.seats.city",
     "expected a seat count from 0 to 1,000"),
    ({"design": "lhs", "parameters": {}, "samples": 4, "ranges": {"governance.seats.city": [0, 1e30]}},
     "ranges.governance.seats.city", "expected a seat count from 0 to 1,000"),
    ({"design": "lhs", "parameters": {}, "samples": 10**30, "ranges": {"peer_support.competency_gain": [0.5, 2]}},
     "samples", "less than or equal to 1000000"),            # numpy's "Maximum allowed dimension exceeded"
    ({"outputs": {"weekly_every": 10**30}}, "outputs.weekly_every", "less than or equal to 5200"),   # every run failed
    ({"design": "morris", "parameters": {}, "samples": 4, "num_levels": 10**30,       # numpy: "Maximum allowed size"
      "ranges": {"peer_support.competency_gain": [0.5, 2]}}, "num_levels", "less than or equal to 100"),
    ({"design": "lhs", "parameters": {}, "samples": 4, "ranges": {"peer_support.competency_gain": [0.5]}},
     "ranges", "expected [low, high] for the range of 'peer_support.competency_gain'; found 1 values"),
    ({"design": "morris", "parameters": {}, "samples": 4, "num_levels": 5,
      "ranges": {"peer_support.competency_gain": [0.5, 2]}}, "num_levels", "even num_levels"),
    ({"outputs": {"summary": ["isolated_share_al"]}}, "outputs.summary", "did you mean 'isolated_share_all'"),
    ({"parameters": {"funding.sources": [[], [{"name": "grant", "sector": "city", "amount_per_year": 1000,
                                               "start_week": 0}]]}}, "parameters.funding.sources",
     "sweep the fields inside it instead"),
    ({"design": "points", "parameters": {}, "points": [{"governance.seats": {"city": 1}}]},
     "points.0.governance.seats", "found a mapping"),
])
def test_malformed_specs_get_one_clear_error(tmp_path, change, key, words):
    spec = {**SPEC, **change}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    with pytest.raises(UserError) as info:
        plan_sweep(path)
    err = info.value
    assert err.exit_status == 2 and err.file == str(path) and err.key == key, str(err)
    assert words in str(err) and str(path) in str(err)


def test_missing_base_scenario_key_and_cli_exit_status(tmp_path, capsys):
    from sim.cli import main

    path = tmp_path / "nobase.yaml"
    path.write_text(yaml.safe_dump({k: v for k, v in SPEC.items() if k != "base_scenario"}))
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "base_scenario" in err and "required" in err and str(path) in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
    assert main(["sweep", str(tmp_path / "absent.yaml")]) == 2
    assert main(["sweep", "status", str(tmp_path / "nowhere")]) == 2


def test_cli_sweep_and_status(tmp_path, capsys):
    from sim.cli import main

    spec = {**SPEC, "replications": 1, "weeks": 4}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(spec))
    out = tmp_path / "cli"
    assert main(["sweep", str(path), "--out", str(out), "--backend", "serial", "--quiet"]) == 0
    assert main(["sweep", "status", str(out)]) == 0
    text = capsys.readouterr().out
    assert "4 / 4" in text and "remaining" in text and "finished" in text and "runs/minute" in text
    assert SweepStore(out).done_run_ids() == set(load_sweep(out).summary["run_id"])


def test_example_specs_are_valid():
    specs = sorted((ROOT / "experiments" / "specs").glob("*.yaml"))
    assert specs
    for path in specs:
        plan = plan_sweep(path)
        assert plan.expected_runs > 0


def test_the_example_baseline_spec_has_the_seeds_and_community_of_its_sweep():
    """governance-funding-baseline.yaml is the baseline of governance-funding.yaml (README): the same
    seeds for every replication, and the same community (hospital-baseline is centre-sud's counterfactual)."""
    from analysis.load import _first_difference

    specs = ROOT / "experiments" / "specs"
    sweep, baseline = plan_sweep(specs / "governance-funding.yaml"), plan_sweep(specs / "governance-funding-baseline.yaml")
    assert list(baseline.seeds) == list(sweep.seeds) and baseline.weeks == sweep.weeks
    assert baseline.design.n_points == 1
    community = [{k: getattr(p.base, k).model_dump() if k == "population" else [o.model_dump() for o in p.base.organizations]
                  for k in ("population", "organizations")} for p in (sweep, baseline)]
    assert _first_difference(*community) is None


def test_load_sweep_reads_chosen_columns_from_wherever_they_are(reference):
    """`columns` may name summary-only, weekly-only or shared outcomes; a typo is one clear error."""
    out = reference.path
    chosen = load_sweep(out, columns=["competency_mean_start", "isolated_share_all"])
    assert {"competency_mean_start", "isolated_share_all"} <= set(chosen.summary.columns)
    assert "isolated_share_all" in chosen.weekly.columns and "lonely_share_all" not in chosen.weekly.columns
    assert len(chosen.summary) == len(reference.summary)
    with pytest.raises(UserError, match="no outcome 'isolated_share_al' in this sweep .*did you mean 'isolated_share_all'"):
        load_sweep(out, columns=["isolated_share_al"])
