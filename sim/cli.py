"""The ``caring-community`` command.

``run``, ``scenarios list|show|validate`` live here; other subcommands (``sweep``, ``report``,
``viz``, ``calibrate``) are registered by their own packages through :data:`PLUGINS`, so each
stays next to its code. Bad input prints one message and exits with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from .errors import UserError

#: Modules that add subcommands: each has ``register(subparsers)``.
PLUGINS = ("experiments.cli", "analysis.cli", "sim.viz.cli", "experiments.calibration_cli")


def _cmd_run(args) -> int:
    from tqdm import tqdm

    from .runner import run_to_folder
    from .scenario import load_scenario

    scenario = load_scenario(args.scenario)
    weeks = scenario.weeks if args.years is None else int(round(args.years * 52))
    out = Path(args.out) if args.out else Path("runs") / f"{scenario.name}-seed{args.seed}"
    snaps = [int(w) for w in args.snapshot_weeks.split(",")] if args.snapshot_weeks else []
    with tqdm(total=weeks, unit="week", desc=scenario.name, disable=args.quiet) as bar:
        summary = run_to_folder(scenario, args.seed, out, years=args.years, snapshot_weeks=snaps,
                                edges=args.edges, progress=bar.update)
    print(f"Wrote {out}/outcomes.parquet, summary.json, summary.csv, chart.png")
    print(f"Final year: isolated {100 * summary['isolated_share_all']:.1f}% of residents "
          f"(65+ living alone {100 * summary['isolated_share_65_alone']:.1f}%), lonely 65+ "
          f"{100 * summary['lonely_share_65plus']:.1f}%, empowerment index {summary['empowerment_index']:.3f}, "
          f"spending ${summary['spending_total']:,.0f}")
    return 0


def _cmd_scenarios(args) -> int:
    import yaml

    from .scenario import describe_parameters, list_scenarios, load_scenario

    if args.action == "list":
        rows = list_scenarios()
        width = max(len(r["name"]) for r in rows)
        for r in rows:
            extends = f"  (extends {r['extends']})" if r["extends"] else ""
            print(f"{r['name']:<{width}}  {r['title']}{extends}")
        return 0
    if args.target is None:
        raise UserError(f"'scenarios {args.action}' needs a scenario name or file")
    scenario = load_scenario(args.target)
    if args.action == "validate":
        print(f"{args.target}: valid ({scenario.population.n_residents} residents, {scenario.years:g} years)")
        return 0
    if args.params:
        for row in describe_parameters():
            print(f"{row['key']:<48} {row['default']!s:<14} {row['unit']:<16} {row['range']:<16} {row['meaning']}")
        return 0
    print(yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caring-community",
                                     description="Agent-based simulation of a caring community (communauté soignante).")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="run one scenario and write outcomes, a summary and a chart")
    p.add_argument("scenario", nargs="?", default="centre-sud", help="preset name or YAML file (default: centre-sud)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--years", type=float, default=None, help="horizon in years (default: the scenario's)")
    p.add_argument("--out", default=None, help="output folder (default: runs/SCENARIO-seedN)")
    p.add_argument("--snapshot-weeks", default="", help="comma-separated weeks at which to write a per-resident snapshot")
    p.add_argument("--edges", action="store_true", help="also write the network's edge list at the snapshot weeks")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("scenarios", help="list, show or validate scenarios")
    p.add_argument("action", choices=("list", "show", "validate"))
    p.add_argument("target", nargs="?", help="preset name or YAML file")
    p.add_argument("--params", action="store_true", help="with 'show': every parameter with unit, range and meaning")
    p.set_defaults(func=_cmd_scenarios)

    for name in PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name and name.startswith(e.name):
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_status
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
