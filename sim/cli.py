"""The ``caring-community`` command.

``run``, ``scenarios list|show|validate`` live here; other subcommands (``sweep``, ``report``,
``viz``, ``calibrate``) are registered by their own packages through :data:`PLUGINS`, so each
stays next to its code. Bad input prints one message and exits with status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import math
import signal
import sys
import warnings
from pathlib import Path

from . import installed_version
from .errors import Interrupted, ScenarioError, Terminated, UserError, path_option

#: Modules that add subcommands: each has ``register(subparsers)``.
PLUGINS = ("experiments.cli", "analysis.cli", "sim.viz.cli", "experiments.calibration_cli")


def _parse_weeks(text: str) -> list[int]:
    """``"0,260,520"`` -> ``[0, 260, 520]``; anything else is a user error."""
    weeks = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            weeks.append(int(part))
        except ValueError:
            raise UserError(f"expected comma-separated whole weeks such as 0,260,520; found {part!r}",
                            key="--snapshot-weeks") from None
    return weeks


def _cmd_run(args) -> int:
    from tqdm import tqdm

    from .money import with_currency
    from .runner import check_run_arguments, horizon_weeks, run_to_folder
    from .scenario import at_size, load_scenario, never_within

    scenario = at_size(load_scenario(args.scenario), args.residents, key="--residents")
    weeks = horizon_weeks(scenario, args.years)
    snaps = _parse_weeks(args.snapshot_weeks) if args.snapshot_weeks else []
    check_run_arguments(args.seed, args.years, snaps, weeks, args.edges, command_line=True)   # before the progress bar
    for note in never_within(scenario, weeks):
        warnings.warn(note, stacklevel=1)
    size = f"-{scenario.population.n_residents}-residents" if args.residents is not None else ""   # not over a full-size run
    out = path_option(args.out) or Path("runs") / f"{scenario.name}{size}-seed{args.seed}"
    try:
        with tqdm(total=weeks, unit="week", desc=scenario.name, disable=args.quiet) as bar:
            summary = run_to_folder(scenario, args.seed, out, years=args.years, snapshot_weeks=snaps,
                                    edges=args.edges, progress=bar.update)
    except ScenarioError as e:  # found while building the community: name the scenario it came from
        if e.file is None:
            raise ScenarioError(e.detail, file=str(args.scenario), key=e.key) from None
        raise
    except KeyboardInterrupt:
        raise Interrupted("the run did not finish, and a run does not resume: run the same command again to run "
                          "it from the start") from None
    print(f"Wrote {out}/outcomes.parquet, summary.json, summary.csv, chart.png, codebook.csv, scenario.yaml")
    weeks = int(summary["weeks"])
    # a run shorter than a year is summarised over all its weeks (the report warns the same way)
    period = "Final year" if weeks >= 52 else \
        f"The whole run, {weeks} week{'s' if weeks != 1 else ''} (less than a year; spending is the total over it)"
    spending = with_currency(f"{summary['spending_total']:,.0f}", scenario.funding.currency, "en")
    print(f"{period}: isolated {_percent(summary['isolated_share_all'])} of residents "
          f"(65+ living alone: {_percent(summary['isolated_share_65_alone'])}), lonely 65+: "
          f"{_percent(summary['lonely_share_65plus'])}, empowerment index {summary['empowerment_index']:.3f}, "
          f"spending {spending}")
    return 0


def _percent(share: float) -> str:
    """A share of a group as the run's summary line prints it: ``12.3%``, or that the group is empty.

    A share of nobody is NaN in the summary (a community with no one aged 65+, or none living alone).
    """
    return f"{100 * share:.1f}%" if math.isfinite(share) else "no one in that group"


def _cmd_scenarios(args) -> int:
    import yaml

    from .scenario import at_size, list_scenarios, load_scenario, never_within, resolved_parameters, written_in

    if args.action == "list" and (args.target is not None or args.residents is not None):   # it lists every preset
        found = f"'{args.target}'" if args.target is not None else "--residents"
        raise UserError(f"expected no scenario or size with 'scenarios list' (it lists every preset); found {found}: "
                        "'scenarios show NAME' prints one", key=None if args.target is not None else "--residents")
    if args.params and args.action != "show":
        raise UserError(f"expected --params with 'scenarios show' (it prints every parameter); found it with "
                        f"'scenarios {args.action}'", key="--params")
    if args.action == "list":
        rows = list_scenarios()
        width = max(len(r["name"]) for r in rows)
        for r in rows:
            extends = f"  (extends {r['extends']})" if r["extends"] else ""
            print(f"{r['name']:<{width}}  {r['title']}{extends}")
        return 0
    if args.target is None:
        raise UserError(f"'scenarios {args.action}' needs a scenario name or file")
    scenario = at_size(load_scenario(args.target), args.residents, key="--residents")
    if args.action == "validate":
        for note in never_within(scenario, scenario.weeks):
            warnings.warn(note, stacklevel=1)
        print(f"{args.target}: valid ({scenario.population.n_residents} residents, {scenario.years:g} years)")
        return 0
    if args.params:
        resolved = resolved_parameters(scenario)
        unscaled = {} if args.residents is None else \
            {row["key"]: row["value"] for row in resolved_parameters(load_scenario(args.target))}
        origins = written_in(args.target, [row["key"] for row in resolved])
        rows = []
        for row in resolved:
            origin = origins[row["key"]]
            if row["value"] != unscaled.get(row["key"], row["value"]):
                origin += f", scaled to {args.residents:,}"
            rows.append((row["key"], _brief(row["value"]), _brief(row["default"]),
                         row["unit"], row["range"], origin, row["meaning"]))
        header = ("key", "value", "default", "unit", "range", "from", "meaning")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
        for r in [header, *rows]:
            print(" ".join(f"{cell:<{w}}" for cell, w in zip(r, widths)) + " " + r[-1])
        return 0
    print(yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True), end="")
    return 0


def _brief(value, limit: int = 14) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


class _CommandParser(argparse.ArgumentParser):
    """A subcommand's parser that takes its options before, between or after its positional arguments.

    Plain argparse (Python 3.11, which the project supports) gives an empty value to an optional
    second positional followed by an option, so ``scenarios show --params NAME`` was refused as
    "unrecognized arguments: NAME" while ``scenarios show NAME --params`` worked (``sweep status
    --quiet DIR`` too).
    """

    _intermixing = False

    def parse_known_args(self, args=None, namespace=None):
        if self._intermixing:   # parse_known_intermixed_args parses in two passes through this method
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


def build_parser() -> argparse.ArgumentParser:
    """The ``caring-community`` parser: ``run``, ``scenarios`` and each plugin's subcommands."""
    parser = argparse.ArgumentParser(prog="caring-community",
                                     description="Agent-based simulation of a caring community (communauté soignante).")
    parser.add_argument("--version", action="version",
                        version=f"%(prog)s {installed_version() or 'unknown (not installed)'}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_CommandParser)

    p = sub.add_parser("run", help="run one scenario and write outcomes, a summary and a chart")
    p.add_argument("scenario", nargs="?", default="centre-sud", help="preset name or YAML file (default: centre-sud)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--years", type=float, default=None, help="horizon in years (default: the scenario's)")
    p.add_argument("--residents", type=int, default=None,
                   help="scale the community to about this many residents, as a sweep's 'residents:' does "
                        "(default: the scenario's own size)")
    p.add_argument("--out", default=None, help="output folder (default: runs/SCENARIO-seedN; with --residents, "
                   "runs/SCENARIO-SIZE-residents-seedN, SIZE the size reached, which may differ slightly "
                   "from --residents)")
    p.add_argument("--snapshot-weeks", default="", help="comma-separated weeks at which to write a per-resident snapshot "
                   "(default: none)")
    p.add_argument("--edges", action="store_true", help="also write the network's edge list at the snapshot weeks")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("scenarios", help="list, show or validate scenarios")
    p.add_argument("action", choices=("list", "show", "validate"))
    p.add_argument("target", nargs="?", help="preset name or YAML file")
    p.add_argument("--params", action="store_true", help="with 'show': every parameter with unit, range and meaning")
    p.add_argument("--residents", type=int, default=None,
                   help="the scenario scaled to this many residents, as 'run --residents' and a sweep's "
                        "'residents:' scale it")
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


_PROJECT = Path(__file__).resolve().parent.parent   # sim/, experiments/, analysis/ live here


def _plain_warnings(show):
    """A ``warnings.showwarning`` that prints the project's own warnings (a ``UserWarning`` raised in
    its code) as one ``warning: ...`` line on stderr, without the file, line and source line that
    Python adds; other warnings (a library's deprecation, say) are shown by ``show`` as usual."""
    def showwarning(message, category, filename, lineno, file=None, line=None):
        if not (issubclass(category, UserWarning) and _in_project(filename)):
            return show(message, category, filename, lineno, file, line)
        print(f"warning: {' '.join(str(message).split())}", file=sys.stderr if file is None else file)
    return showwarning


def _in_project(filename: str) -> bool:
    try:
        where = Path(filename).resolve().relative_to(_PROJECT)
    except (ValueError, OSError):
        return False
    return where.parts[:1] in (("sim",), ("experiments",), ("analysis",))


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status (2 for bad input, with one ``error:`` line on stderr).

    The project's warnings (:func:`warnings.warn` from Python) are printed as one ``warning:`` line.
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse's own usage errors (status 2) and --help (status 0)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    with warnings.catch_warnings(), _sigterm_stops_like_ctrl_c():   # both restored when the command returns
        warnings.showwarning = _plain_warnings(warnings.showwarning)
        return _run_command(args)


@contextlib.contextmanager
def _sigterm_stops_like_ctrl_c():
    """While a command runs, SIGTERM (a cluster's time limit, ``kill``) raises :class:`Terminated`, so
    that it stops as Ctrl-C does: a sweep records that it was interrupted and releases its folder,
    instead of dying with its progress file saying "running"."""
    def terminate(signum, frame):
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except ValueError:   # not the main thread (main() called from a thread): Python cannot set a handler
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stopped_by_sigterm(e: BaseException) -> bool:
    """Whether an interruption comes from SIGTERM: a command turns the :class:`Terminated` it caught
    into an :class:`Interrupted` that says what was kept (``raise ... from None`` keeps it as context)."""
    while e is not None:
        if isinstance(e, Terminated):
            return True
        e = e.__context__
    return False


def _run_command(args) -> int:
    try:
        return int(args.func(args) or 0)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_status
    except KeyboardInterrupt as e:   # Ctrl-C or SIGTERM; an Interrupted says what was left and how to go on
        word, status = ("terminated", 143) if _stopped_by_sigterm(e) else ("interrupted", 130)
        print(f"{word}: {e}" if isinstance(e, Interrupted) else word, file=sys.stderr)
        return status
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
