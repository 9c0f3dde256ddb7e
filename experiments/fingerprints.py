"""Do the presets still give the same results? Fingerprints of every preset's weekly outcomes, column by column.

A change that should not alter results (a refactoring, a new parameter whose default keeps the old
behaviour, a new outcome column, a submodel switched off by default) must leave every preset
bit-identical. Save the fingerprints before the change and compare after it::

    python -m experiments.fingerprints save /tmp/before.json      # on the code before the change
    python -m experiments.fingerprints compare /tmp/before.json   # on the code after it

Each preset is run scaled to ``--residents`` (default 1000) for ``--years`` (default 2) with seeds 0
and 1, and each weekly outcome column is hashed on its own (SHA-256 of its values' bytes), so a new
column is reported as added without hiding whether the others changed. ``compare`` exits with status 0
when every column both files have is identical, 1 when one differs (it names the preset, seed and
columns), 2 for bad input. Compare files made with the same options (they are stored in the file and
used again by ``compare``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim import load_scenario, run, scale_scenario
from sim.scenario import preset_names

SEEDS = (0, 1)


def column_hashes(outcomes: pd.DataFrame) -> dict[str, str]:
    """SHA-256 (16 hex digits) of each column's values, by column name."""
    return {col: hashlib.sha256(np.ascontiguousarray(outcomes[col].to_numpy()).tobytes()).hexdigest()[:16]
            for col in outcomes.columns}


def fingerprints(presets: list[str] | None = None, residents: int = 1000, years: float = 2.0,
                 seeds: tuple[int, ...] = SEEDS) -> dict:
    """``{"options": ..., "runs": {"<preset>/seed<k>": {column: hash}}}`` for each preset (default: all)."""
    presets = presets or preset_names()
    runs = {}
    for name in presets:
        scenario = scale_scenario(load_scenario(name), residents)
        for seed in seeds:
            runs[f"{name}/seed{seed}"] = column_hashes(run(scenario, seed=seed, years=years))
    return {"options": {"presets": presets, "residents": residents, "years": years, "seeds": list(seeds)},
            "runs": runs}


def differences(before: dict, after: dict) -> tuple[list[str], list[str]]:
    """(lines about columns whose values changed or runs that are missing, lines about added or removed columns)."""
    changed, notes = [], []
    for run_name, old in before["runs"].items():
        new = after["runs"].get(run_name)
        if new is None:
            changed.append(f"{run_name}: not run now")
            continue
        differ = [c for c in old if c in new and old[c] != new[c]]
        if differ:
            more = f" and {len(differ) - 8} more" if len(differ) > 8 else ""
            changed.append(f"{run_name}: {len(differ)} column(s) differ: {', '.join(differ[:8])}{more}")
        added, removed = [c for c in new if c not in old], [c for c in old if c not in new]
        if added or removed:
            notes.append(f"{run_name}: columns added: {', '.join(added) or 'none'}; removed: {', '.join(removed) or 'none'}")
    return changed, notes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m experiments.fingerprints", description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=("save", "compare"))
    ap.add_argument("file", type=Path, help="the fingerprints file to write (save) or to compare with (compare)")
    ap.add_argument("--residents", type=int, default=1000, help="residents of each scaled preset (save; default 1000)")
    ap.add_argument("--years", type=float, default=2.0, help="years run (save; default 2)")
    ap.add_argument("--presets", nargs="+", help="presets to run (save; default: every preset)")
    args = ap.parse_args(argv)
    if args.action == "save":
        unknown = sorted(set(args.presets or ()) - set(preset_names()))
        if unknown:
            print(f"error: expected preset names ({', '.join(preset_names())}); found {', '.join(unknown)}",
                  file=sys.stderr)
            return 2
        data = fingerprints(args.presets, args.residents, args.years)
        args.file.write_text(json.dumps(data, indent=1), encoding="utf-8")
        print(f"saved fingerprints of {len(data['runs'])} runs to {args.file}")
        return 0
    try:
        before = json.loads(args.file.read_text(encoding="utf-8"))
        options = before["options"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"error: file {args.file}: expected fingerprints written by 'save'; found {e}", file=sys.stderr)
        return 2
    known = [p for p in options["presets"] if p in preset_names()]
    after = fingerprints(known, options["residents"], options["years"], tuple(options["seeds"]))
    changed, notes = differences(before, after)
    for line in notes + changed:
        print(line)
    if changed:
        print(f"results changed in {len(changed)} of {len(before['runs'])} runs")
        return 1
    print(f"identical: every column of {len(before['runs'])} runs ({', '.join(options['presets'])}; "
          f"{options['residents']} residents, {options['years']:g} years, seeds {options['seeds']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
