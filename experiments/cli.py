"""``caring-community sweep SPEC ...`` and ``caring-community sweep status DIR``."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.errors import Interrupted, UserError, path_option

from .backends import BACKENDS


def _cmd_sweep(args) -> int:
    if args.spec == "status" and not Path("status").is_file():
        if not args.folder:
            raise UserError("'sweep status' needs the sweep's output folder: caring-community sweep status DIR")
        from .storage import sweep_status
        print(sweep_status(args.folder).format())
        return 0
    if args.folder:
        raise UserError(f"unexpected argument '{args.folder}'; expected 'sweep SPEC [--out DIR]' or "
                        "'sweep status DIR'")
    from .runner import run_sweep
    from .spec import read_spec

    spec, _, _ = read_spec(args.spec)
    out = path_option(args.out) or Path("sweeps") / (spec.name or Path(args.spec).stem)
    try:
        result = run_sweep(args.spec, out, backend=args.backend, workers=args.workers, scheduler=args.scheduler,
                           retry_failed=args.retry_failed, progress=not args.quiet, batch_size=args.batch_size,
                           allow_code_change=args.allow_code_change)
    except KeyboardInterrupt:
        raise Interrupted(_kept_after_interrupt(out)) from None
    earlier = (f"{result.failed_earlier} failed earlier and not retried (--retry-failed reruns them), "
               if result.failed_earlier else "")
    print(f"{out}: {result.ran} runs done now, {result.finished_earlier} already finished, {earlier}"
          f"{result.failed} failed, of {result.expected} ({result.backend}, {result.seconds:.1f} s)")
    failed = result.failed + result.failed_earlier
    if failed:   # exit status 1: the folder holds failed runs, so the sweep is not done
        print(f"{failed} failed run{'s are' if failed != 1 else ' is'} recorded in {out}/failed/ with "
              f"{'their errors' if failed != 1 else 'its error'} (rerun {'them' if failed != 1 else 'it'} "
              "with --retry-failed)")
        return 1
    return 0


def _kept_after_interrupt(out: Path) -> str:
    """What an interrupted sweep left in ``out``, and how to go on: finished runs are kept, and the
    same command resumes without running them again."""
    from .storage import SweepStore, sweep_status

    try:
        if not SweepStore(out).exists():
            return f"the sweep stopped before it wrote any run to {out}; run the same command again to start it"
        status = sweep_status(out)
    except Exception:  # noqa: BLE001 - a message about the folder must not hide the interruption
        return f"the runs finished so far are kept in {out}; run the same command again to resume"
    failed = f", {status.failed} failed (--retry-failed reruns them)" if status.failed else ""
    return (f"{status.done} of {status.expected} runs are finished and kept in {out}{failed}; run the same command "
            f"again to resume ({status.remaining} run{'s' if status.remaining != 1 else ''} left)")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sweep", help="run or resume a parameter sweep; 'sweep status DIR' shows its progress",
        description="Run a sweep spec (YAML) into a folder of Parquet results, resuming what is already "
                    "there; or 'sweep status DIR' for done, failed, remaining, rate and ETA.")
    from .spec import spec_names
    examples = ", ".join(spec_names())
    p.add_argument("spec", help="the sweep spec (a YAML file, or the name of an example spec installed with the "
                                f"package: {examples}), or the word 'status'")
    p.add_argument("folder", nargs="?", help="with 'status': the sweep's output folder")
    p.add_argument("--out", default=None, help="output folder (default: sweeps/NAME)")
    p.add_argument("--backend", choices=BACKENDS, default="processes",
                   help="where runs execute (default: processes on all cores)")
    p.add_argument("--workers", type=int, default=None, help="number of worker processes (default: all cores)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="with --backend dask: an existing scheduler, e.g. tcp://host:8786")
    p.add_argument("--retry-failed", action="store_true", help="rerun runs recorded as failed")
    p.add_argument("--batch-size", type=int, default=None, help="runs per task (default: automatic)")
    p.add_argument("--allow-code-change", action="store_true",
                   help="resume a folder whose runs were made by other model code, mixing the results of both")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_sweep)
