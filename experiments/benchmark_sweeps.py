"""Sweep throughput: runs per minute on 1 and 2 workers, overhead per run, and ``mesa.batch_run``.

    python -m experiments.benchmark_sweeps            # 2,000 residents, 5 years, 4 runs x 2 rounds
    python -m experiments.benchmark_sweeps --quick    # 2,000 residents, 1 year, 4 runs x 1 round

The same design (2 governance rules x N/2 seeds, N = ``--runs``, by default 2 x 2 = 4 runs) is
run four ways, in interleaved rounds so that a busy machine slows them alike: this package's sweep
runner on local processes with 1 and 2 workers (writing its Parquet folder as it goes), and
``mesa.batch_run`` with 1 and 2 processes (which keeps everything in memory). For each, the best
round's runs per minute is kept. Printed: runs per minute, parallel efficiency on 2 workers (rate
on 2 / twice the rate on 1), the ratio to ``batch_run``, and the overhead per run, measured two
ways: wall time per run on 1 worker against the model's own wall time, and all CPU time used
(driver and workers) against the model's own CPU time (the latter does not depend on what else
the machine is doing).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _cpu() -> float:
    """CPU seconds of this process and its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 year and 1 round")
    parser.add_argument("--runs", type=int, default=4, help="runs per setting and round (default 4)")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 2; 1 with --quick)")
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--years", type=float, default=None, help="horizon (default 5; 1 with --quick)")
    parser.add_argument("--skip-batch-run", action="store_true", help="do not time mesa.batch_run")
    args = parser.parse_args(argv)
    from sim.scenario import ScenarioError, check_residents, load_scenario
    try:
        check_residents(load_scenario("centre-sud"), args.residents, key="--residents")
    except ScenarioError as e:   # a size the preset cannot be scaled to would silently time another size
        parser.error(str(e))
    runs = max(2, args.runs + args.runs % 2)
    years = args.years or (1.0 if args.quick else 5.0)
    rounds = args.rounds or (1 if args.quick else 2)
    weeks = int(round(years * 52))

    from sim.runner import seeded_batch_run

    from experiments.design import replication_seeds
    from experiments.runner import run_sweep
    from sim.model import CaringCommunity
    from sim.scenario import scale_scenario

    scenario = scale_scenario(load_scenario("centre-sud"), args.residents)
    rules = ["majority", "consensus"]
    spec = {"name": "benchmark", "base_scenario": scenario.model_dump(mode="json"), "weeks": weeks,
            "replications": runs // 2, "root_seed": 2026, "design": "full_factorial",
            "parameters": {"governance.decision_rule": rules}, "outputs": {"summary": True, "weekly_every": 4}}
    seeds = replication_seeds(2026, runs // 2)
    print(f"Benchmark: {args.residents:,} residents, {years:g} years ({weeks} weeks), {len(rules)} decision rules x "
          f"{runs // 2} seeds = {runs} runs per setting, {rounds} round(s), {os.cpu_count()} CPUs, "
          f"load average {_load()}")

    tmp = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    best: dict[str, float] = {}
    overhead_wall: list[float] = []
    overhead_cpu: list[float] = []
    settings = [("sweep", 1), ("sweep", 2)] + ([] if args.skip_batch_run else [("batch_run", 1), ("batch_run", 2)])
    try:
        for rnd in range(rounds):
            for kind, n in settings:
                cpu0, t0 = _cpu(), time.perf_counter()
                if kind == "sweep":
                    out = tmp / f"r{rnd}-w{n}"
                    result = run_sweep(spec, out, backend="processes", workers=n, progress=False, batch_size=1)
                    assert result.ran == runs, result
                else:
                    data = seeded_batch_run(CaringCommunity, {"scenario": [scenario.model_dump(mode="json")],
                                                              "agent_views": [False], "governance.decision_rule": rules},
                                            seeds, number_processes=n, data_collection_period=-1,
                                            max_steps=weeks, display_progress=False)
                    assert len(data) == runs
                wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
                rate = 60.0 * runs / wall
                key = f"{kind}-{n}"
                best[key] = max(best.get(key, 0.0), rate)
                note = ""
                if kind == "sweep":
                    note = (f", model {result.run_seconds / runs:.2f} s/run wall, "
                            f"{result.run_cpu_seconds / runs:.2f} s/run CPU")
                    if n == 1:
                        overhead_wall.append((wall - result.run_seconds) / result.run_seconds)
                        overhead_cpu.append((cpu - result.run_cpu_seconds) / result.run_cpu_seconds)
                print(f"  round {rnd + 1}: {kind:<9} x{n}: {wall:6.1f} s wall, {rate:5.1f} runs/min{note} "
                      f"(load {_load()})", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    r1, r2 = best["sweep-1"], best["sweep-2"]
    print("Results (best round)")
    print(f"  runs/minute: 1 worker {r1:.1f}, 2 workers {r2:.1f}")
    print(f"  parallel efficiency on 2 workers: {r2 / (2 * r1):.2f}  (target >= 0.8)")
    print(f"  overhead per run on 1 worker: {100 * min(overhead_wall):.1f}% of the run's wall time, "
          f"{100 * min(overhead_cpu):.1f}% of its CPU time  (target < 5%)")
    if "batch_run-1" in best:
        print(f"  against mesa.batch_run (same design): 1 worker {r1 / best['batch_run-1']:.2f}x, "
              f"2 workers {r2 / best['batch_run-2']:.2f}x  (ratio of runs/minute; > 1 is faster)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
