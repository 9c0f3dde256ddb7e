"""The speed benchmark's own accounting (no timing is asserted: see benchmarks/model_speed.py)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from sim import WEEKLY_ORDER

ROOT = Path(__file__).resolve().parent.parent


def _child(kind: str, size: int, steps: int) -> dict:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "model_speed.py"), "--child", kind, str(size),
                          str(steps), "0", "0"], capture_output=True, text=True, cwd=ROOT, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_breakdown_times_every_weekly_process_and_the_outcome_recording():
    r = _child("breakdown", 300, 4)
    parts = r["parts_ms"]
    assert list(parts) == [*WEEKLY_ORDER, "outcome recording", "rest of the week"]
    # Every part was really called through its timer (a process the week no longer reaches would read 0).
    assert all(parts[p] > 0 for p in (*WEEKLY_ORDER, "outcome recording"))
    assert abs(sum(parts.values()) - r["week_ms"]) < 1e-6 * max(1.0, r["week_ms"])
    # The timers measure parts of the week, not more than it.
    assert parts["rest of the week"] > -0.05 * r["week_ms"]


def test_community_measurement_counts_resident_steps():
    r = _child("community", 300, 3)
    assert r["agents"] == 300 and r["steps"] == 3
    assert abs(r["agent_steps_per_s"] - 300 * 3 / r["step_s"]) < 1e-6 * r["agent_steps_per_s"]


def test_compiled_states_prototype_does_the_same_work_as_the_submodel():
    """The compiled prototype's timings compare like with like only if it computes what the
    submodel computes: from the same community and random stream, the same residents after a week."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from compiled_states import compiled_states_week, numpy_states_week

    from sim import CaringCommunity, load_scenario, scale_scenario
    scenario = scale_scenario(load_scenario("centre-sud"), 600)
    twins = [CaringCommunity(scenario, rng=5, agent_views=False) for _ in range(2)]
    for model in twins:
        model.run(30)
        model.begin_week()
    reference, compiled = twins
    numpy_states_week(reference)
    compiled_states_week(compiled)
    a, b = reference.residents, compiled.residents
    assert reference.in_crisis.any()            # the week has crises, so the draws are compared
    for name in ("active_ties", "isolated", "ed_visits", "admissions"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_array_equal(reference.in_crisis, compiled.in_crisis)
    for name in ("loneliness", "competency", "participation", "helping", "recovery"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-5, atol=1e-6, err_msg=name)
    np.testing.assert_allclose(reference.support, compiled.support, rtol=1e-9)
    assert reference.events == compiled.events
    # Both sides consumed the same random numbers.
    assert reference.states.rng.random() == compiled.states.rng.random()


def test_benchmarks_refuse_sizes_they_cannot_measure_in_one_line():
    """A size the preset cannot be scaled to would silently time another community: refused, exit 2."""
    cases = [(["benchmarks/model_speed.py", "--sizes", "10"], "key '--sizes': expected at least 30 residents"),
             (["benchmarks/model_speed.py", "--sizes", "1k"], "--sizes: expected whole numbers"),
             (["benchmarks/model_speed.py", "--virus-sizes", "0"], "--virus-sizes: expected sizes of at least 1"),
             (["-m", "experiments.benchmark_sweeps", "--residents", "5"], "key '--residents': expected at least 30")]
    for args, message in cases:
        out = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr, (args, out.stderr)


def test_sweep_reading_benchmark_reads_the_same_runs_before_and_after_merging(capsys):
    """``benchmarks/sweep_reading.py`` times a folder of many small shards against the same rows merged."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import sweep_reading
    sweep_reading.main(["--shards", "3", "--runs-per-shard", "2"])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| 3 ")]
    assert [r.split("|")[3].strip() for r in rows] == ["3 small shards", "1 merged"]
