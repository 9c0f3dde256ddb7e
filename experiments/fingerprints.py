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
from sim.errors import UserError, file_in_the_way
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


def read_fingerprints(path: Path) -> dict:
    """The fingerprints written by ``save`` to ``path``, checked (one :class:`UserError` naming the file,
    the key, what was expected and what was found)."""
    expected = "fingerprints written by 'python -m experiments.fingerprints save'"

    def bad(found: str, key: str | None = None) -> UserError:
        return UserError(f"expected {expected}; found {found}", file=str(path), key=key)

    if path.is_dir():
        raise bad("a folder")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise bad(e.strerror or str(e)) from None
    except ValueError as e:   # not JSON, or not UTF-8 text
        raise bad(f"no JSON ({e})") from None
    if not isinstance(data, dict):
        raise bad(f"a JSON {type(data).__name__}, not an object")
    options, runs = data.get("options"), data.get("runs")
    if not isinstance(options, dict):
        raise bad(f"{options!r} (an object with presets, residents, years and seeds)", "options")
    checks = {"presets": lambda v: isinstance(v, list) and v and all(isinstance(x, str) for x in v),
              "residents": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "years": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
              "seeds": lambda v: isinstance(v, list) and v and all(isinstance(x, int) and not isinstance(x, bool)
                                                                   for x in v)}
    for key, ok in checks.items():
        if not ok(options.get(key)):
            raise bad(repr(options.get(key)) if key in options else "no such key", f"options.{key}")
    if not isinstance(runs, dict) or not all(isinstance(v, dict) for v in runs.values()):
        raise bad(f"{type(runs).__name__} (an object of runs, each an object of column hashes)", "runs")
    return data


def _check_writable(path: Path) -> None:
    """Refuse, before minutes of runs, a ``save`` path that cannot be written."""
    if path.is_dir():
        raise UserError("expected a file to write the fingerprints to; found a folder", file=str(path))
    blocker = file_in_the_way(path.parent)
    if blocker is not None:
        raise UserError(f"expected a folder at {blocker} to hold the fingerprints; found a file", file=str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"expected a folder that can be created; found {e.strerror or e}", file=str(path)) from None
    existed = path.exists()
    try:   # opened for appending: nothing written yet, and a new file removed again
        path.open("a", encoding="utf-8").close()
        if not existed:
            path.unlink()
    except OSError as e:
        raise UserError(f"expected a file that can be written; found {e.strerror or e}", file=str(path)) from None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m experiments.fingerprints", description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=("save", "compare"))
    ap.add_argument("file", type=Path, help="the fingerprints file to write (save) or to compare with (compare)")
    ap.add_argument("--residents", type=int, default=None, help="residents of each scaled preset (save; default 1000)")
    ap.add_argument("--years", type=float, default=None, help="years run (save; default 2)")
    ap.add_argument("--presets", nargs="+", help="presets to run (save; default: every preset)")
    args = ap.parse_args(argv)
    try:
        return _save(args) if args.action == "save" else _compare(args)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_status


def _save(args) -> int:
    unknown = sorted(set(args.presets or ()) - set(preset_names()))
    if unknown:
        raise UserError(f"expected preset names ({', '.join(preset_names())}); found {', '.join(unknown)}",
                        key="--presets")
    _check_writable(args.file)
    residents = 1000 if args.residents is None else args.residents
    data = fingerprints(args.presets, residents, 2.0 if args.years is None else args.years)
    try:
        args.file.write_text(json.dumps(data, indent=1), encoding="utf-8")
    except OSError as e:
        raise UserError(f"expected a file that can be written; found {e.strerror or e}", file=str(args.file)) from None
    print(f"saved fingerprints of {len(data['runs'])} runs to {args.file}")
    return 0


def _compare(args) -> int:
    given = [f"--{k}" for k in ("presets", "residents", "years") if getattr(args, k) is not None]
    if given:   # compare runs what the file was saved with: a subset asked for here would be ignored
        raise UserError(f"expected no {', '.join(given)} with compare (it runs the presets, residents and years "
                        f"stored in the file); found {' '.join(given)}", key=given[0])
    before = read_fingerprints(args.file)
    options = before["options"]
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
