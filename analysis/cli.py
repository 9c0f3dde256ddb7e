"""``caring-community report FOLDER [--baseline FOLDER] [--lang fr|en] [--out FILE] [--outcome NAME]`` and
``caring-community discover SWEEP --outcome NAME (--below V | --above V) [--density D]``."""

from __future__ import annotations

from sim.errors import UserError, path_option


def _cmd_report(args) -> int:
    from .i18n import check_lang
    from .load import load
    from .report import HEADLINE, write_report

    lang = check_lang(args.lang)
    out = args.out if path_option(args.out) else None   # as typed: a closing '/' says --out names a folder
    baseline_folder = path_option(args.baseline, "--baseline")
    results = load(path_option(args.folder, "folder"), weekly=False)   # a sweep's report reads its best point's weekly rows only
    try:
        baseline = load(baseline_folder) if baseline_folder else None
    except UserError as e:  # the folder's own error, naming the option it came from
        raise UserError(e.detail, file=e.file, key=e.key or "--baseline") from None
    try:
        out = write_report(results, out, baseline=baseline, lang=lang, outcome=args.outcome or HEADLINE)
    except UserError as e:
        if args.outcome is None and e.key == "--outcome":   # the user named none: say it is the default
            raise UserError(f"{e.detail} (--outcome picks the outcome; its default is {HEADLINE})", file=e.file,
                            key=e.key) from None
        raise
    note = results.completeness_note()
    print(f"Wrote {out}")
    if not results.complete:
        print(f"warning: incomplete results: {note['completed']} of {note['expected']} runs completed, "
              f"{note['missing']} missing, {note['failed']} failed (the report says so)")
    return 0


def _cmd_discover(args) -> int:
    from .discovery import discover
    from .load import load

    results = load(path_option(args.folder, "folder"), weekly=False)
    found = discover(results, args.outcome, below=args.below, above=args.above, density=args.density,
                     peel_alpha=args.peel_alpha)
    print(found.describe())
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report", help="write a self-contained HTML report (summary, uncertainty, equity, cost, sensitivity)",
        description="Write one self-contained HTML file for a run folder, a folder of run folders (replications) "
                    "or a sweep folder: a plain-language summary, outcomes with 95% confidence intervals, charts, "
                    "the equity breakdown, spending and cost per person no longer isolated (with --baseline), and "
                    "for sweeps the sensitivity ranking.")
    p.add_argument("folder", help="run folder, folder of run folders, or sweep folder")
    p.add_argument("--baseline", default=None,
                   help="run folder, folder of run folders or sweep of one design point to compare with, paired by seed "
                        "(for example the hospital-baseline scenario run with the same seeds)")
    p.add_argument("--lang", default="en", choices=("fr", "en"), help="language of the report (default en)")
    p.add_argument("--out", default=None, help="HTML file to write (rapport.html), or a folder to write "
                   "report-LANG.html in: an existing one, or a name without a suffix or ending in '/', created (default "
                   "FOLDER/report-LANG.html)")
    p.add_argument("--outcome", default=None,
                   help="outcome by which a sweep's report ranks its parameters (sensitivity) and design points "
                        "(default isolated_share_65_alone); a report on runs shows every key outcome and only "
                        "checks that it exists")
    p.set_defaults(func=_cmd_report)

    p = subparsers.add_parser(
        "discover", help="scenario discovery (PRIM): the lever settings of a sweep under which an outcome meets a target",
        description="Find, with PRIM (the EMA Workbench's scenario discovery), the box of swept values in which a "
                    "sweep's design points have a mean outcome below (or above) a target: the range of each lever "
                    "it restricts, its coverage (share of the points meeting the target that lie in it) and its "
                    "density (share of its points that meet the target).")
    p.add_argument("folder", help="sweep folder (every replication of every design point finished)")
    p.add_argument("--outcome", default="isolated_share_65_alone",
                   help="final-year outcome to test against the target (default isolated_share_65_alone)")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--below", type=float, default=None, help="a design point meets the target when its mean "
                        "outcome is below this value")
    target.add_argument("--above", type=float, default=None, help="... or above this value")
    p.add_argument("--density", type=float, default=0.8,
                   help="share of the box's points that should meet the target (default 0.8)")
    p.add_argument("--peel-alpha", type=float, default=0.05, dest="peel_alpha",
                   help="share of the points each peeling step removes (default 0.05)")
    p.set_defaults(func=_cmd_discover)
