"""``caring-community calibrate``: fit the free parameters to the literature targets (MODEL.md §6)."""

from __future__ import annotations

import argparse

from sim.errors import path_option

from .backends import BACKENDS


def _cmd_check(args) -> int:
    """``calibrate --check``: the shipped defaults against the targets, no fitting; status 1 if a fitted target is missed."""
    from .calibration import VERIFY_SEED, check_defaults, fit_markdown, validation_markdown

    seed = VERIFY_SEED if args.seed is None else args.seed
    fit, val = check_defaults(verify=args.verify, residents=args.residents, years=args.years, backend=args.backend,
                              workers=args.workers, scheduler=args.scheduler, seed=seed,
                              progress=None if args.quiet else print)
    print("\n".join([*fit_markdown(fit), "", *validation_markdown(val)]))
    missed = fit[fit["fitted"] & ~fit["within_tolerance"]]
    print(f"\n{int(fit['within_tolerance'].sum())}/{len(fit)} targets within tolerance, "
          f"{int((val['verdict'] == 'hit').sum())}/{len(val)} validation facts hold "
          f"({args.verify} seeds from root seed {seed})")
    return 1 if len(missed) else 0


def _cmd_calibrate(args) -> int:
    from .calibration import ROOT_SEED, calibrate, markdown_tables

    if args.check:
        return _cmd_check(args)
    out = path_option(args.out)   # calibrate() refuses a file where the folder should be, before writing
    summary = calibrate(out, budget=args.budget, replications=args.replications, residents=args.residents,
                        years=args.years, waves=args.waves, verify=args.verify, accept=args.accept,
                        backend=args.backend, workers=args.workers, scheduler=args.scheduler,
                        seed=ROOT_SEED if args.seed is None else args.seed,
                        progress=None if args.quiet else print)
    print(markdown_tables(out))
    print(f"\nWrote {out}/: parameters.csv, fit.csv, validation.csv, calibrated_overrides.yaml, fit.png, "
          f"design_runs.parquet ({summary['runs']} runs, {summary['seconds']:.0f} s); "
          f"{summary['targets_within_tolerance']}/{summary['targets']} targets within tolerance")
    return 0


def _positive_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number; found {text!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "calibrate", help="fit the free parameters to the literature targets (docs/CALIBRATION.md)",
        description="Emulator-assisted approximate Bayesian computation in waves: Latin-hypercube points over "
                    "the priors, each run through three measurement experiments (hospital baseline, programme, "
                    "staff-like workload) on the sweep backends; an emulator per target; ABC on the emulator; "
                    "the posterior median verified with fresh seeds. See docs/CALIBRATION.md.")
    p.add_argument("--budget", type=_positive_int, default=240,
                   help="number of parameter points over all waves (default 240: with the other defaults, the "
                        "calibration of docs/CALIBRATION.md, about 15 minutes on 2 cores)")
    p.add_argument("--replications", type=_positive_int, default=2, help="seeds per parameter point (default 2)")
    p.add_argument("--verify", type=_positive_int, default=10,
                   help="fresh seeds for the verification of the posterior median (default 10)")
    p.add_argument("--residents", type=_positive_int, default=2000, help="population of each run (default 2000)")
    p.add_argument("--years", type=float, default=None,
                   help="horizon of the baseline experiment (default 6: a burn-in year, then the turnover target's five years)")
    p.add_argument("--waves", type=_positive_int, default=4, help="design waves (default 4)")
    p.add_argument("--accept", type=float, default=0.01,
                   help="fraction of emulated prior draws accepted (default 0.01 of 100,000)")
    p.add_argument("--seed", type=int, default=None,
                   help="root seed of the design and the replications (default 20240601); with --check, of the "
                        "verification's seeds (default 777001, the calibration's own)")
    p.add_argument("--check", action="store_true",
                   help="fit nothing: run the measurement experiments on the scenario defaults as they are, with "
                        "--verify fresh seeds, and print the fit and validation tables (exit status 1 if a fitted "
                        "target is outside its tolerance); a quick check after changing the model")
    p.add_argument("--backend", choices=BACKENDS, default="processes",
                   help="where runs execute (default: processes on all cores)")
    p.add_argument("--workers", type=int, default=None, help="number of workers (default: all cores)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="with --backend dask: an existing scheduler")
    p.add_argument("--out", default="calibration", help="output folder (default: calibration/)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=_cmd_calibrate)
