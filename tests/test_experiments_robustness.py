"""Sweeps under stress: worker processes that die, two drivers on one folder, duplicated rows,
options that must be refused before anything is written, and inputs from notebooks (numpy values).

The run functions below are module-level so that worker processes can import them (by ``fork`` or
``spawn``); they are given to :func:`run_sweep` as ``simulate=``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

import experiments.backends as backends
import experiments.runner as runner
from experiments import load_sweep, plan_sweep, run_sweep
from experiments.design import replication_seeds
from experiments.storage import SweepStore
from sim.errors import UserError
from sweep_specs import tiny_spec

SPEC = tiny_spec("robust", replications=3, root_seed=7, outputs={"weekly_every": 2})
EXPECTED = 6
HERE = Path(__file__).resolve().parent
TARGET_SEED = replication_seeds(7, 3)[0]  # the target run: point 0 ('majority'), replication 0


def _is_target(params: dict, seed: int) -> bool:
    return params["governance.decision_rule"] == "majority" and seed == TARGET_SEED


def crash_on_target(scenario, params, seed, weeks):
    """The target run kills its worker process at once, every time; the others take a while, so that
    they are in flight when it dies."""
    if _is_target(params, seed):
        time.sleep(0.05)
        os._exit(1)
    time.sleep(0.3)
    return runner.simulate(scenario, params, seed, weeks)


def remove_the_script_on_target(scenario, params, seed, weeks):
    """The target run deletes the driver's script (SWEEP_TEST_SCRIPT) and kills its worker: workers
    started by 'spawn' afterwards cannot import the script again."""
    if _is_target(params, seed):
        Path(os.environ["SWEEP_TEST_SCRIPT"]).unlink(missing_ok=True)
        os._exit(1)
    time.sleep(0.3)
    return runner.simulate(scenario, params, seed, weeks)


def sigkill_target_once(scenario, params, seed, weeks):
    """The target run's worker is killed by SIGKILL (as by the out-of-memory killer) the first time
    only: the run must then succeed when run again. The marker file says it has happened."""
    marker = Path(os.environ["SWEEP_TEST_MARKER"])
    if _is_target(params, seed) and not marker.exists():
        marker.touch()
        time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.3)
    return runner.simulate(scenario, params, seed, weeks)


def extra_outcome_for_consensus(scenario, params, seed, weeks):
    """A model wrapper whose outcomes have one more column at the 'consensus' points only (it counts
    its calls in the file SWEEP_TEST_CALLS names)."""
    with open(os.environ["SWEEP_TEST_CALLS"], "a") as calls:
        calls.write("x")
    df = runner.simulate(scenario, params, seed, weeks)
    if params["governance.decision_rule"] == "consensus":
        df["extra"] = 1.0
    return df


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "sweep"
    assert run_sweep(SPEC, out, backend="serial", progress=False).ran == EXPECTED
    return load_sweep(out)


def fresh_python(args: list[str], cwd: Path, env: dict | None = None, timeout: float = 300):
    """A new interpreter run with ``args``, which imports this project and these tests' modules."""
    paths = os.pathsep.join([str(HERE), str(HERE.parent), os.environ.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": paths, **(env or {})}, timeout=timeout)


def sweep_script(tmp_path: Path, text: str, env: dict | None = None):
    """Write ``text`` as the script ``my_sweep.py`` and run it with the sweep folder as its argument;
    returns the script's path, the folder and the finished process."""
    script, out = tmp_path / "my_sweep.py", tmp_path / "sweep"
    script.write_text(text, encoding="utf-8")
    return script, out, fresh_python([str(script), str(out)], tmp_path, env)


def sweep_in_fresh_python(out: Path, simulate: str, batch_size: int, env: dict | None = None) -> dict:
    """Run the sweep in a new interpreter, as the command line does: a driver without other threads,
    whose worker processes start by ``fork`` (this test process may hold threads left by dask, which
    would make them start by the slower ``spawn``). Returns the run's counts."""
    code = ("import json, sys; from experiments import run_sweep; import test_experiments_robustness as t; "
            f"r = run_sweep(t.SPEC, sys.argv[1], backend='processes', workers=2, batch_size={batch_size}, "
            f"progress=False, simulate=t.{simulate}); print(json.dumps({{'ran': r.ran, 'failed': r.failed}}))")
    proc = fresh_python(["-c", code, str(out)], HERE.parent, env, timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def raw_run_ids(out: Path) -> list[str]:
    """The run ids of every row of the summary dataset as stored (nothing merged or dropped)."""
    return pq.read_table(out / "summary", columns=["run_id"]).column("run_id").to_pylist()


UNGUARDED_SCRIPT = """
import sys, threading, time
threading.Thread(target=time.sleep, args=(600,), daemon=True).start()   # a program with a thread: workers spawn
from experiments import run_sweep
import test_experiments_robustness as t
run_sweep(t.SPEC, sys.argv[1], backend="processes", workers=2, progress=False)
"""


def test_a_script_without_a_main_guard_stops_with_one_message_when_workers_spawn(tmp_path):
    """A sweep in a script without ``if __name__ == "__main__":``, whose workers start by ``spawn``
    (macOS and Windows always; Linux when the program has threads): each worker imports the script
    again and dies before running anything. The pool was restarted task after task (half a minute for
    six runs, hours for a real sweep) and every run then recorded as failed by "a crash, a kill or
    running out of memory". The sweep now stops at the first such death, says why, and records nothing."""
    _, out, proc = sweep_script(tmp_path, UNGUARDED_SCRIPT)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("sim.errors.UserError: key '--backend': expected worker processes to start")
    assert "start method 'spawn'" in last and 'if __name__ == "__main__":' in last
    assert not (out / "failed").exists() or not any((out / "failed").iterdir())
    assert json.loads((out / "progress.json").read_text())["state"] == "interrupted"


GUARDED_SCRIPT = """
import sys, threading, time
from experiments import run_sweep
import test_experiments_robustness as t
if __name__ == "__main__":
    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()   # workers spawn
    run_sweep(t.SPEC, sys.argv[1], backend="processes", workers=2, batch_size=1, progress=False,
              simulate=t.remove_the_script_on_target)
"""


def test_workers_that_can_no_longer_start_mid_sweep_stop_it_with_one_message(tmp_path):
    """The script is moved or deleted during a sweep whose workers spawn: the workers started after a
    worker died cannot import it, and die as they start. The sweep stops with the same message as when
    no worker could ever start, keeping the runs already done, instead of blaming run after run."""
    script, out, proc = sweep_script(tmp_path, GUARDED_SCRIPT, {"SWEEP_TEST_SCRIPT": str(tmp_path / "my_sweep.py")})
    assert not script.exists() and proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].startswith(
        "sim.errors.UserError: key '--backend': expected worker processes to start")
    assert not (out / "failed").exists() or not any((out / "failed").iterdir())
    assert json.loads((out / "progress.json").read_text())["state"] == "interrupted"


# ----------------------------------------------------------------------------- dying workers
def test_a_run_that_kills_its_worker_fails_alone(reference, tmp_path):
    out = tmp_path / "crash"
    assert sweep_in_fresh_python(out, "crash_on_target", batch_size=1) == {"ran": EXPECTED - 1, "failed": 1}
    ids = raw_run_ids(out)
    assert len(ids) == EXPECTED - 1 and len(set(ids)) == len(ids)  # every other run exactly once
    loaded = load_sweep(out)
    assert loaded.failed["run_id"].tolist() == [f for f in reference.summary["run_id"] if f.startswith("p000000-r0000")]
    assert "worker process died while running this task alone" in loaded.failed["error"].iloc[0]
    healthy = reference.summary[reference.summary["run_id"] != loaded.failed["run_id"].iloc[0]]
    pd.testing.assert_frame_equal(loaded.summary, healthy.reset_index(drop=True))


def test_a_worker_killed_once_loses_no_run(reference, tmp_path):
    out = tmp_path / "killed-once"
    # batches of 2 runs: the lost batch is rerun and no run is blamed for a worker that died once
    result = sweep_in_fresh_python(out, "sigkill_target_once", batch_size=2,
                                   env={"SWEEP_TEST_MARKER": str(tmp_path / "killed")})
    assert (tmp_path / "killed").exists(), "the target run must have killed its worker"
    assert result == {"ran": EXPECTED, "failed": 0}
    ids = raw_run_ids(out)
    assert len(ids) == EXPECTED and len(set(ids)) == EXPECTED
    loaded = load_sweep(out)
    assert loaded.failed.empty
    pd.testing.assert_frame_equal(loaded.summary, reference.summary)


class LosesBatches(backends.SerialBackend):
    """Runs tasks here, but reports as lost with its worker every batch of several runs and every
    task holding the target run (what a backend reports once a task has killed its worker repeatedly)."""

    def imap_unordered(self, fn, tasks):
        for task in tasks:
            if len(task.runs) > 1 or any(r.point == 0 and r.seed == TARGET_SEED for r in task.runs):
                yield task, False, "worker lost"
            else:
                yield task, True, fn(task)


def test_a_lost_batch_is_rerun_run_by_run(reference, tmp_path):
    out = tmp_path / "split"
    result = run_sweep(SPEC, out, backend=LosesBatches(), batch_size=3, progress=False)
    assert result.ran == EXPECTED - 1 and result.failed == 1
    loaded = load_sweep(out)
    assert loaded.failed["run_id"].tolist() == [reference.summary["run_id"].iloc[0]]
    assert loaded.failed["error"].tolist() == ["worker lost"]
    pd.testing.assert_frame_equal(loaded.summary, reference.summary.iloc[1:].reset_index(drop=True))


def test_process_pool_keeps_its_start_method_after_a_break(monkeypatch):
    seen = []
    real = backends._context

    def once():
        seen.append(True)
        return real()

    monkeypatch.setattr(backends, "_context", once)
    backend = backends.ProcessBackend(2)
    try:
        for _ in range(3):   # each pool's workers start (run a task) before it is replaced
            assert [value for _, _, value in backend.imap_unordered(abs, [-1])] == [1]
            backend._replace_pool()
        assert len(seen) == 1 and backend._pool._mp_context is backend._ctx
    finally:
        backend.close()


# ----------------------------------------------------------------------------- dask: workers joining late
_LIVE = {"now": 0, "most": 0}
_LIVE_LOCK = threading.Lock()


def _count_concurrent(x):
    """A task that notes how many tasks run at once (the workers are threads of this process)."""
    with _LIVE_LOCK:
        _LIVE["now"] += 1
        _LIVE["most"] = max(_LIVE["most"], _LIVE["now"])
    time.sleep(0.1)
    with _LIVE_LOCK:
        _LIVE["now"] -= 1
    return x


def test_dask_window_grows_when_workers_join():
    from dask.distributed import LocalCluster

    cluster = LocalCluster(n_workers=0, processes=False, threads_per_worker=2, dashboard_address=":0")
    backend = backends.DaskBackend(scheduler=cluster.scheduler_address)
    results: list = []
    try:
        assert backend.window() == 2  # no worker yet: the floor
        thread = threading.Thread(target=lambda: results.extend(
            backend.imap_unordered(_count_concurrent, range(60))))
        thread.start()
        time.sleep(0.3)
        cluster.scale(3)  # 3 workers x 2 threads join after the sweep started
        thread.join(60)
        assert not thread.is_alive()
    finally:
        backend.close()
        cluster.close()
    assert sorted(v for _, ok, v in results if ok) == list(range(60))
    assert _LIVE["most"] > 2, "tasks must use the workers that joined later"


# ----------------------------------------------------------------------------- one driver per folder
def test_a_second_driver_on_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "locked"
    with SweepStore(out).lock():  # as another driver would hold it
        with pytest.raises(UserError, match=rf"another sweep is writing to .*locked \(pid {os.getpid()}") as info:
            run_sweep(SPEC, out, backend="serial", progress=False)
        assert info.value.exit_status == 2 and info.value.file == str(out)
        assert [p.name for p in out.iterdir()] == ["sweep.lock"]  # nothing else written
    assert run_sweep(SPEC, out, backend="serial", progress=False, max_runs=1).ran == 1  # released


def test_duplicated_rows_are_reported_not_hidden(tmp_path):
    out = tmp_path / "dup"
    run_sweep(SPEC, out, backend="serial", progress=False, batch_size=3)
    shard = sorted((out / "summary").glob("*.parquet"))[0]
    shutil.copy(shard, out / "summary" / "part-copy.parquet")
    ids = pq.read_table(shard, columns=["run_id"]).column("run_id").to_pylist()
    with pytest.raises(UserError, match=rf"found {len(ids)} run\(s\) twice or more: {min(ids)}.*part-copy.parquet") as info:
        load_sweep(out)
    assert info.value.file == str(out / "summary")


def test_an_extension_stopped_before_its_meta_json_is_put_back_by_a_resume(tmp_path, monkeypatch):
    """More replications rewrite spec.yaml and seeds.parquet, then meta.json last. A session stopped in
    between (here by an error where a kill would strike) leaves them saying 5 replications over runs of
    3; resuming with the spec of 3 puts them back in line with meta.json and the runs, and the extension
    can still be made later."""
    out = tmp_path / "extended"
    run_sweep(SPEC, out, backend="serial", progress=False)
    more = {**SPEC, "replications": 5}

    def killed(self, meta):
        raise RuntimeError("killed before meta.json")

    with monkeypatch.context() as m:
        m.setattr(SweepStore, "write_meta", killed)
        with pytest.raises(RuntimeError, match="killed"):
            run_sweep(more, out, backend="serial", progress=False)
    assert json.loads((out / "meta.json").read_text())["replications"] == 3
    assert yaml.safe_load((out / "spec.yaml").read_text())["replications"] == 5   # the half-written extension

    again = run_sweep(SPEC, out, backend="serial", progress=False)
    assert again.ran == 0 and again.skipped == EXPECTED
    assert yaml.safe_load((out / "spec.yaml").read_text())["replications"] == 3
    loaded = load_sweep(out)
    assert loaded.seeds["seed"].tolist() == replication_seeds(7, 3) and loaded.meta["replications"] == 3
    extended = run_sweep(more, out, backend="serial", progress=False)
    assert extended.ran == 4 and extended.skipped == EXPECTED
    assert load_sweep(out).seeds["seed"].tolist() == replication_seeds(7, 5)


# ----------------------------------------------------------------------------- the driver
def test_runs_are_streamed_not_listed(tmp_path, monkeypatch):
    pulled = []
    real = runner.Plan.runs

    def counted(self):
        for run in real(self):
            pulled.append(run.run_id)
            yield run

    monkeypatch.setattr(runner.Plan, "runs", counted)
    out = tmp_path / "stream"
    first = run_sweep(SPEC, out, backend="serial", batch_size=1, progress=False, max_runs=2)
    assert first.ran == 2 and len(pulled) == 2  # not all 6, and not twice
    pulled.clear()
    second = run_sweep(SPEC, out, backend="serial", batch_size=1, progress=False, max_runs=1)
    assert second.skipped == 2 and second.ran == 1 and len(pulled) == 3  # 2 skipped, 1 run


@pytest.mark.parametrize("args,key", [(["--workers", "0"], "--workers"),
                                      (["--workers", str(10**30)], "--workers"),   # an OverflowError from the pool
                                      (["--batch-size", "-3"], "--batch-size"),
                                      (["--batch-size", "0"], "--batch-size"),
                                      (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler"),
                                      (["--backend", "dask", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler")])
def test_bad_backend_options_write_nothing(tmp_path, capsys, monkeypatch, args, key):
    from sim.cli import main

    def unreachable(workers=None, scheduler=None):  # as DaskBackend does, without waiting 20 s to find out
        raise UserError(f"expected a running dask scheduler at {scheduler}; could not connect", key="--scheduler")

    monkeypatch.setattr(backends, "DaskBackend", unreachable)
    spec = tmp_path / "s.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--quiet", *args]) == 2
    err = capsys.readouterr().err
    assert f"key '{key}'" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("workers", ["2", 2.0, True, 0])
def test_workers_that_are_not_a_whole_number_of_processes_are_one_message_from_python(tmp_path, workers):
    """``run_sweep(..., workers="2")`` was a bare TypeError ('<=' not supported between int and str)."""
    with pytest.raises(UserError, match=r"key '--workers': expected a number of workers from 1 to 10,000; found"):
        run_sweep(SPEC, tmp_path / "o", backend="serial", workers=workers, progress=False)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("call,key", [
    (lambda tmp: run_sweep(3, tmp / "o", backend="serial", progress=False), "spec"),
    (lambda tmp: run_sweep(SPEC, 3, backend="serial", progress=False), "out"),
    (lambda tmp: load_sweep(3), "path"),
    (lambda tmp: load_sweep(None), "path"),
    (lambda tmp: __import__("experiments").sweep_status(3), "path"),
    (lambda tmp: __import__("analysis").load(3), "path")])
def test_a_path_argument_that_is_not_a_path_is_one_message_from_python(tmp_path, call, key):
    """``load_sweep(3)`` and the like were a bare TypeError from ``Path(3)``, naming no argument."""
    with pytest.raises(UserError, match=rf"key '{key}': expected a (sweep spec|file or folder path).*found (int 3|NoneType)"):
        call(tmp_path)
    assert not (tmp_path / "o").exists()


def test_a_scheduler_that_is_not_an_address_is_one_message(tmp_path, capsys):
    """``--scheduler nonsense`` raised dask's ValueError ("missing port number") as a traceback."""
    pytest.importorskip("dask.distributed")
    from sim.cli import main

    spec = tmp_path / "s.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--quiet", "--backend", "dask",
                 "--scheduler", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: key '--scheduler': expected a scheduler address such as tcp://host:8786; found "
                          "'nonsense' (") and len(err.splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_an_outcome_some_runs_lack_is_kept_whatever_the_batch_size(tmp_path, monkeypatch):
    """A batch's tables take every run's columns, not the first run's: with one batch of all six runs
    (a 'majority' run first) the consensus runs keep their extra outcome, as they do run by run, and
    the batch is written as it is (not lost and run again run by run)."""
    tables = {}
    for size in (1, 6):
        out = tmp_path / f"batch{size}"
        calls = tmp_path / f"calls{size}"
        monkeypatch.setenv("SWEEP_TEST_CALLS", str(calls))
        run_sweep(SPEC, out, backend="serial", batch_size=size, progress=False, simulate=extra_outcome_for_consensus)
        assert len(calls.read_text()) == EXPECTED                 # each run once
        summary = load_sweep(out).summary.sort_values("run_id").reset_index(drop=True)
        consensus = summary["governance.decision_rule"] == "consensus"
        assert (summary.loc[consensus, "extra"] == 1.0).all() and summary.loc[~consensus, "extra"].isna().all()
        tables[size] = summary
    pd.testing.assert_frame_equal(tables[1], tables[6], check_like=True)


def test_design_values_that_differ_beyond_ten_digits_are_another_sweep(tmp_path):
    out = tmp_path / "precise"
    base = {k: v for k, v in SPEC.items() if k != "parameters"}
    first = pd.DataFrame({"peer_support.competency_gain": np.linspace(0.1, 0.3, 3)})
    run_sweep(base, out, backend="serial", progress=False, points=first, max_runs=4)
    close = pd.DataFrame({"peer_support.competency_gain": np.arange(0.1, 0.35, 0.1)})   # 0.30000000000000004
    assert close.iloc[2, 0] != first.iloc[2, 0]
    with pytest.raises(UserError, match=r"different sweep \(differs in: the swept values"):
        run_sweep(base, out, backend="serial", progress=False, points=close)
    assert run_sweep(base, out, backend="serial", progress=False, points=first).ran == 9 - 4


# ----------------------------------------------------------------------------- inputs and outputs
def test_numpy_values_in_a_dict_spec():
    values = np.array([0.5, 2.0])
    spec = {**SPEC, "replications": np.int64(3), "root_seed": np.int64(7),
            "fixed": {"network.burn_in_weeks": np.int64(4)},
            "parameters": {"peer_support.competency_gain": values}}
    plan = plan_sweep(spec)
    assert yaml.safe_load(plan.text)["parameters"] == {"peer_support.competency_gain": [0.5, 2.0]}
    plain = plan_sweep({**SPEC, "parameters": {"peer_support.competency_gain": [0.5, 2.0]}})
    assert [r.run_id for r in plan.runs()] == [r.run_id for r in plain.runs()]


def test_summary_false_keeps_only_the_run_index(tmp_path):
    out = tmp_path / "nosummary"
    spec = {**SPEC, "outputs": {"summary": False, "weekly_every": 2}}
    assert run_sweep(spec, out, backend="serial", progress=False).ran == EXPECTED
    res = load_sweep(out)
    assert list(res.summary.columns) == ["run_id", "point", "replication", "seed", "governance.decision_rule"]
    assert len(res.summary) == EXPECTED and res.summary["run_id"].is_unique
    assert len(res.weekly) == EXPECTED * 3 and "isolated_share_all" in res.weekly
    assert run_sweep(spec, out, backend="serial", progress=False).skipped == EXPECTED  # resumable as ever


@pytest.mark.parametrize("reply", [None, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"])
def test_a_scheduler_address_where_something_else_answers_is_one_message(tmp_path, capsys, monkeypatch, reply):
    """``--scheduler`` naming a port where something other than a dask scheduler listens (the
    dashboard's, a worker's, another service's) waited for ever when nothing was sent back (dask's
    timeout does not cover its handshake) and was a MemoryError traceback when a reply came (its first
    bytes read as a message length); now one ``error:`` line, exit status 2, and no folder."""
    pytest.importorskip("dask.distributed")
    import socket

    from sim.cli import main

    server = socket.create_server(("127.0.0.1", 0))
    conns = []

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conns.append(conn)
            if reply:
                conn.sendall(reply)

    threading.Thread(target=serve, daemon=True).start()
    monkeypatch.setattr(backends, "CONNECT_TIMEOUT", 1.0, raising=False)
    spec = tmp_path / "s.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    status: list = []
    command = threading.Thread(target=lambda: status.append(main(
        ["sweep", str(spec), "--out", str(tmp_path / "o"), "--quiet", "--backend", "dask", "--scheduler", address])),
        daemon=True)
    try:
        command.start()
        command.join(15)
    finally:
        server.close()
        for conn in conns:
            conn.close()
    assert not command.is_alive(), "the sweep waited for ever on a port where no dask scheduler answers"
    err = capsys.readouterr().err
    assert status == [2], err
    assert err.startswith(f"error: key '--scheduler': expected a dask scheduler at {address}; ") and \
        len(err.splitlines()) == 1, err
    assert not (tmp_path / "o").exists()


def test_a_dask_sweep_with_no_worker_says_it_waits_then_goes_on_when_one_joins(tmp_path, monkeypatch):
    """With every dask worker gone (or none started yet), a sweep waited for ever without a word; it
    now warns that it waits for workers, and goes on when one joins."""
    from dask.distributed import LocalCluster

    monkeypatch.setattr(backends, "NO_WORKER_WARNING", 0.5, raising=False)
    with LocalCluster(n_workers=0, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        def join_after_the_warning():   # on code that says nothing, a worker joins after 10 s anyway
            deadline = time.time() + 10
            while not caught and time.time() < deadline:
                time.sleep(0.1)
            cluster.scale(1)

        threading.Thread(target=join_after_the_warning, daemon=True).start()
        result = run_sweep(SPEC, tmp_path / "o", backend="dask", scheduler=cluster.scheduler_address, progress=False)
    assert result.ran == result.expected
    assert any("no dask worker is connected to the scheduler at" in str(w.message) for w in caught), caught
