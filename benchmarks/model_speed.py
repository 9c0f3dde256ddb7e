"""Speed and memory of the model against Mesa's own ``virus_on_network`` example (issue 2, item 11).

    python benchmarks/model_speed.py [--sizes 1000,10000,100000] [--weeks 52] [--repeats 2]
                                     [--virus-sizes 1000,10000] [--full-weeks 520] [--json FILE] [--pin]
                                     [--no-breakdown]

Every measurement runs in its own fresh child process with one BLAS/OpenMP thread (so one core;
``--pin`` also pins it to one CPU), so that sizes do not contaminate each other's memory. With
``--repeats R`` each measurement is taken R times and the fastest kept (on a shared machine the
others are slowed by other work); peak memory is the largest of the R.

* **caring-community at N residents**: ``scale_scenario(load_scenario("centre-sud"), N)`` built
  with ``agent_views=False``; construction time, then ``--weeks`` weekly steps; resident-steps
  per second = residents x weeks / stepping time.
* **the full Centre-Sud preset**: ``CaringCommunity("centre-sud", agent_views=False)`` (what
  ``caring-community run centre-sud`` builds) for ``--full-weeks`` weeks (520 = 10 years).
* **virus_on_network at N nodes**: ``mesa.examples.basic.virus_on_network.model.VirusOnNetwork``
  with its default parameters except ``num_nodes`` (its constructor's Erdős–Rényi generator is
  quadratic, so it is compared at 1,000 and 10,000 nodes only); agent-steps per second =
  nodes x steps / stepping time. Mesa's example also collects its data every step. Its work per
  step grows with the number infected, so the ratio depends on how far its outbreak spreads: its
  Erdős–Rényi graph is drawn from Python's global ``random``, which is seeded with ``--seed`` (as
  is the model), so that every repeat runs the same outbreak.
* **where a week goes** (at the ``--virus-sizes``): the same community, each weekly process and
  the weekly outcome recording (``outcomes.measure`` and ``DataCollector.collect``) timed on its
  own, in milliseconds a week, next to the whole week that ``--ratio`` times
  ``virus_on_network``'s rate would allow. It is measured in separate processes, so the timers do
  not touch the headline rates.

Peak memory is the child's peak resident set size (``ru_maxrss``), whole process, with the
interpreter and imports; "model" memory is that peak minus the RSS just before construction.
Nothing here is asserted: this is a report, not a test.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_FULL_SECONDS = 10.0
TARGET_RATE_100K = 1_000_000
TARGET_RATIO = 10.0
TARGET_MEMORY_GIB = 2.0


# ----------------------------------------------------------------------------- child side
def _pin_to_one_core() -> None:
    try:
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})
    except (AttributeError, OSError):
        pass


def _rss_mib() -> float:
    try:
        import psutil
        return psutil.Process().memory_info().rss / 2**20
    except ImportError:  # pragma: no cover
        return float("nan")


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def _time_the_parts(model) -> dict[str, float]:
    """Wrap each weekly process and the outcome recording of ``model`` in a timer; returns the seconds spent."""
    from sim import WEEKLY_ORDER, outcomes

    spent = dict.fromkeys((*WEEKLY_ORDER, "outcome recording"), 0.0)

    def timed(part, fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - t0
        return wrapper

    for name in WEEKLY_ORDER:
        submodel = getattr(model, name)
        submodel.step = timed(name, submodel.step)
    outcomes.measure = timed("outcome recording", outcomes.measure)
    model.datacollector.collect = timed("outcome recording", model.datacollector.collect)
    return spent


def child(kind: str, size: int, steps: int, seed: int, pin: bool = False) -> dict:
    """One measurement, in this (child) process; returns its figures."""
    if pin:
        _pin_to_one_core()
    sys.path.insert(0, str(ROOT))
    if kind == "breakdown":
        from sim import CaringCommunity, load_scenario, scale_scenario
        model = CaringCommunity(scale_scenario(load_scenario("centre-sud"), size), rng=seed, agent_views=False)
        spent = _time_the_parts(model)
        t0 = time.perf_counter()
        for _ in range(steps):
            model.step()
        week_ms = (time.perf_counter() - t0) / steps * 1e3
        parts = {part: s / steps * 1e3 for part, s in spent.items()}
        parts["rest of the week"] = week_ms - sum(parts.values())
        return {"kind": kind, "size": size, "steps": steps, "week_ms": week_ms, "parts_ms": parts,
                "agent_steps_per_s": size / week_ms * 1e3}
    if kind == "virus":
        import random

        from mesa.examples.basic.virus_on_network.model import VirusOnNetwork
        # Its graph comes from networkx's default, Python's global random: seeded too, so that each
        # repeat runs the same outbreak (how far it spreads sets how much work a step does).
        random.seed(seed)
        before = _rss_mib()
        t0 = time.perf_counter()
        model = VirusOnNetwork(num_nodes=size, seed=seed)
        built = time.perf_counter() - t0
        agents = size
    else:
        from sim import CaringCommunity, load_scenario, scale_scenario
        scenario = load_scenario("centre-sud")
        if kind == "community":
            scenario = scale_scenario(scenario, size)
        before = _rss_mib()
        t0 = time.perf_counter()
        model = CaringCommunity(scenario, rng=seed, agent_views=False)
        built = time.perf_counter() - t0
        agents = int(model.residents.n)
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    stepping = time.perf_counter() - t0
    peak = _peak_rss_mib()
    return {"kind": kind, "size": size, "agents": agents, "steps": steps, "construct_s": built,
            "step_s": stepping, "total_s": built + stepping, "agent_steps_per_s": agents * steps / stepping,
            "peak_rss_mib": peak, "model_mib": peak - before}


# ----------------------------------------------------------------------------- parent side
def measure(kind: str, size: int, steps: int, seed: int, timeout: float, repeats: int = 1,
            pin: bool = False) -> dict:
    """The fastest of ``repeats`` fresh child processes (with the largest peak memory among them)."""
    runs = [_measure_once(kind, size, steps, seed, timeout, pin) for _ in range(max(1, repeats))]
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[0]
    best = dict(max(good, key=lambda r: r["agent_steps_per_s"]))
    best["repeats"] = len(good)
    if kind == "breakdown":
        return best
    best["peak_rss_mib"] = max(r["peak_rss_mib"] for r in good)
    best["model_mib"] = max(r["model_mib"] for r in good)
    best["construct_s"] = min(r["construct_s"] for r in good)
    best["total_s"] = best["construct_s"] + best["step_s"]
    best["step_s_all"] = [round(r["step_s"], 3) for r in good]
    return best


def _measure_once(kind: str, size: int, steps: int, seed: int, timeout: float, pin: bool) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(size), str(steps), str(seed),
           str(int(pin))]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"kind": kind, "size": size, "error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"kind": kind, "size": size, "error": f"exit {proc.returncode}: {last}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt_rate(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def _sizes(ap: argparse.ArgumentParser, option: str, text: str, community: bool) -> list[int]:
    """The sizes given to ``option``: whole numbers, and for the community sizes the Centre-Sud preset
    can be scaled to (a size outside that range would silently measure another size); otherwise
    the parser stops with a one-line message (exit status 2)."""
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        ap.error(f"{option}: expected whole numbers separated by commas (1000,10000); found {text!r}")
    if any(n < 1 for n in sizes):
        ap.error(f"{option}: expected sizes of at least 1; found {text!r}")
    if community:
        from sim.scenario import ScenarioError, check_residents, load_scenario
        for n in sizes:
            try:
                check_residents(load_scenario("centre-sud"), n, key=option)
            except ScenarioError as e:
                ap.error(str(e))
    return sizes


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        kind, size, steps, seed, pin = argv[1], int(argv[2]), int(argv[3]), int(argv[4]), argv[5] == "1"
        print(json.dumps(child(kind, size, steps, seed, pin)))
        return 0

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="resident counts (comma-separated)")
    ap.add_argument("--weeks", type=int, default=52, help="weeks stepped at each size (default 52)")
    ap.add_argument("--virus-sizes", default="1000,10000", help="virus_on_network node counts ('' for none)")
    ap.add_argument("--virus-steps", type=int, default=None, help="virus_on_network steps (default: --weeks)")
    ap.add_argument("--full-weeks", type=int, default=520, help="weeks of the full Centre-Sud run (0: skip)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed to each measurement")
    ap.add_argument("--repeats", type=int, default=2, help="fresh processes per measurement; the fastest is kept")
    ap.add_argument("--pin", action="store_true", help="pin each measurement to one CPU")
    ap.add_argument("--json", default=None, help="also write every figure to this JSON file")
    ap.add_argument("--no-breakdown", dest="breakdown", action="store_false",
                    help="skip the per-process timing of a week at the virus_on_network sizes")
    args = ap.parse_args(argv)
    sizes = _sizes(ap, "--sizes", args.sizes, community=True)
    virus_sizes = _sizes(ap, "--virus-sizes", args.virus_sizes, community=False)
    virus_steps = args.virus_steps or args.weeks

    import mesa
    print(f"caring-community benchmark — {_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; one thread per measurement, best of {args.repeats}; Python {platform.python_version()}, Mesa {mesa.__version__}", flush=True)
    rows: list[dict] = []
    if args.full_weeks:
        r = measure("full", 0, args.full_weeks, args.seed, args.timeout, args.repeats, args.pin)
        rows.append(r)
        if "error" in r:
            print(f"full Centre-Sud preset: {r['error']}", flush=True)
        else:
            ok = "meets" if r["total_s"] < TARGET_FULL_SECONDS else "MISSES"
            print(f"Full Centre-Sud preset ({r['agents']:,} residents), {r['steps']} weeks: "
                  f"{r['step_s']:.2f} s stepping + {r['construct_s']:.2f} s construction = {r['total_s']:.2f} s "
                  f"({ok} the {TARGET_FULL_SECONDS:g} s target); {_fmt_rate(r['agent_steps_per_s'])} "
                  f"resident-steps/s; peak RSS {r['peak_rss_mib']:,.0f} MiB", flush=True)
    virus = {}
    for n in sizes:
        r = measure("community", n, args.weeks, args.seed, args.timeout, args.repeats, args.pin)
        rows.append(r)
        print(f"  caring-community {n:>7,}: " + (r.get("error") or
              f"{_fmt_rate(r['agent_steps_per_s'])} resident-steps/s, construct {r['construct_s']:.2f} s, "
              f"peak {r['peak_rss_mib']:,.0f} MiB"), flush=True)
        if n in virus_sizes:
            v = measure("virus", n, virus_steps, args.seed, args.timeout, args.repeats, args.pin)
            rows.append(v)
            virus[n] = v
            print(f"  virus_on_network {n:>7,}: " + (v.get("error") or
                  f"{_fmt_rate(v['agent_steps_per_s'])} agent-steps/s, construct {v['construct_s']:.2f} s, "
                  f"peak {v['peak_rss_mib']:,.0f} MiB"), flush=True)
    for n in virus_sizes:
        if n not in sizes:
            virus[n] = measure("virus", n, virus_steps, args.seed, args.timeout, args.repeats, args.pin)
            rows.append(virus[n])

    print()
    head = (f"| {'size':>7} | {'model':<16} | {'construct s':>11} | {'steps':>5} | {'step s':>8} | "
            f"{'agent-steps/s':>13} | {'peak RSS MiB':>12} | {'model MiB':>9} | {'ratio':>6} |")
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for r in rows:
        if r["kind"] == "full":
            label, size = "Centre-Sud full", r.get("agents", 0)
        else:
            label, size = ("caring-community" if r["kind"] == "community" else "virus_on_network"), r["size"]
        if "error" in r:
            print(f"| {size:>7,} | {label:<16} | {r['error']}")
            continue
        ratio = ""
        if r["kind"] == "community" and r["size"] in virus and "error" not in virus[r["size"]]:
            ratio = f"{r['agent_steps_per_s'] / virus[r['size']]['agent_steps_per_s']:.1f}x"
        print(f"| {size:>7,} | {label:<16} | {r['construct_s']:>11.2f} | {r['steps']:>5} | {r['step_s']:>8.2f} | "
              f"{r['agent_steps_per_s']:>13,.0f} | {r['peak_rss_mib']:>12,.0f} | {r['model_mib']:>9,.0f} | "
              f"{ratio:>6} |")
    print("\nratio = caring-community resident-steps/s ÷ virus_on_network agent-steps/s at the same size. "
          f"Targets: full preset < {TARGET_FULL_SECONDS:g} s; at 100,000 residents ≥ {TARGET_RATE_100K:,} "
          f"resident-steps/s and < {TARGET_MEMORY_GIB:g} GiB; ratio ≥ {TARGET_RATIO:g}.")
    if args.breakdown:
        rows += _print_breakdown(virus, args)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


def _print_breakdown(virus: dict[int, dict], args) -> list[dict]:
    """Where a week goes at each ``virus_on_network`` size, against the week the target ratio allows."""
    sizes = [n for n, v in virus.items() if "error" not in v]
    found = {n: measure("breakdown", n, args.weeks, args.seed, args.timeout, args.repeats, args.pin) for n in sizes}
    found = {n: r for n, r in found.items() if "error" not in r}
    if not found:
        return []
    parts = list(next(iter(found.values()))["parts_ms"])
    print(f"\nWhere a week goes (ms per week, timed part by part, fastest of {args.repeats}):\n")
    head = f"| {'part':<20} | " + " | ".join(f"{n:>9,}" for n in found) + " |"
    print(head)
    print("|" + "|".join("-" * len(c) for c in head.split("|")[1:-1]) + "|")
    for part in parts:
        print(f"| {part:<20} | " + " | ".join(f"{r['parts_ms'][part]:>9.3f}" for r in found.values()) + " |")
    print(f"| {'whole week':<20} | " + " | ".join(f"{r['week_ms']:>9.3f}" for r in found.values()) + " |")
    allowed = {n: n / (TARGET_RATIO * virus[n]["agent_steps_per_s"]) * 1e3 for n in found}
    print(f"| {f'week at {TARGET_RATIO:g}x virus':<20} | " + " | ".join(f"{allowed[n]:>9.3f}" for n in found) + " |")
    for n, r in found.items():
        rec = r["parts_ms"]["outcome recording"]
        print(f"At {n:,} residents, {TARGET_RATIO:g} times virus_on_network's rate allows {allowed[n]:.3f} ms a week; "
              f"the weekly outcome recording alone takes {rec:.3f} ms ({rec / allowed[n]:.0%} of it).")
    return list(found.values())


if __name__ == "__main__":
    sys.exit(main())
