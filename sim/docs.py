"""Keep ``docs/ODD.md`` true to the code: the parameter table, the weekly schedule and the output columns are generated.

``python -m sim.docs`` rewrites the generated blocks of ``docs/ODD.md`` (between
``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->``) from the code as it is now;
``python -m sim.docs --check`` only reports whether they are stale (exit status 1 if so).

* ``parameters``: every parameter of the scenario schema (:func:`sim.scenario.describe_parameters`),
  with the fields of list and dictionary items (organizations, funding sources, professions,
  equity groups, neighbourhoods): key, default, unit, allowed range, meaning, source.
* ``outcomes``: every column of the weekly outcome row (:data:`sim.outcomes.OUTCOME_COLUMNS`, the
  definitions ``codebook.csv`` is written from): name, unit, range, meaning.
* ``snapshot``: every column of the per-resident snapshot and of the edge list
  (:data:`sim.outcomes.SNAPSHOT_COLUMNS`, :data:`sim.outcomes.EDGE_COLUMNS`).
* ``schedule``: the week, in :data:`sim.model.WEEKLY_ORDER`, with each submodel's class, module,
  parameter section, the first line of its docstring and the comment beside its call in
  :meth:`sim.model.CaringCommunity.step`.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path
from typing import Any


ODD_PATH = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"
BLOCKS = ("parameters", "schedule", "outcomes", "snapshot")
#: Top-level keys that describe a scenario rather than parametrise the model.
METADATA_KEYS = ("name", "title", "description", "sources", "extends")
#: Keys that name or describe something (no source applies).
LABEL_KEYS = METADATA_KEYS + ("kind",)


# ----------------------------------------------------------------------------- formatting
def _number(value: float | int) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return repr(value)


def _value(value: Any) -> str:
    """A default as short, readable text (nested items written compactly)."""
    if value is None:
        return "null"
    if isinstance(value, (bool, int, float)):
        return _number(value)
    if isinstance(value, str):
        return f"`{value}`" if value else '""'
    if isinstance(value, dict):
        if not value:
            return "{}"
        parts = []
        for k, v in value.items():
            if isinstance(v, dict):
                parts.append(f"{k} ({', '.join(f'{kk} {_value(vv)}' for kk, vv in v.items())})")
            else:
                parts.append(f"{k} {_value(v)}")
        return "; ".join(parts)
    if isinstance(value, list):
        if not value:
            return "[] (none)"
        if all(isinstance(v, dict) for v in value):
            names = [str(v.get("name", "?")) for v in value]
            return f"{len(value)} item{'s' if len(value) > 1 else ''}: " + "; ".join(names)
        return ", ".join(_value(v) for v in value)
    return str(value)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _range(text: str) -> str:
    """``[0.0, 1000000000.0]`` -> ``[0, 1,000,000,000]``."""
    if not text:
        return ""
    lo, hi = text.strip("[]").split(",")
    fmt = lambda s: _number(float(s)) if s.strip() else ""  # noqa: E731
    return f"[{fmt(lo)}, {fmt(hi.strip())}]"


# ----------------------------------------------------------------------------- parameters
def _field(key: str):
    from .scenario import Scenario
    model: Any = Scenario
    field = None
    for part in key.split("."):
        field = model.model_fields[part]
        model = field.annotation
    return field


def parameter_rows() -> list[dict[str, Any]]:
    """Every parameter, with the fields of list and dictionary items after their container."""
    from .scenario import describe_parameters, item_model
    rows = []
    for row in describe_parameters():
        rows.append(row)
        item = item_model(_field(row["key"]).annotation)
        if item:
            kind, model = item
            prefix = row["key"] + ("[]." if kind == "list" else ".NAME.")
            rows.extend(describe_parameters(model, prefix))
    return rows


def _source(row: dict[str, Any]) -> str:
    if row["key"].split(".")[-1].split("]")[-1] in LABEL_KEYS:
        return "—"
    src = row["source"]
    if not src:
        return "assumption"
    if src.startswith("fitted"):
        return src + " — see CALIBRATION.md"
    return src


def render_parameters() -> str:
    """The ``parameters`` block: one Markdown table a scenario section, one row a parameter."""
    rows = parameter_rows()
    lines = [f"{len(rows)} entries, generated from `sim.scenario.describe_parameters()`. "
             "`[]` stands for each item of a list, `NAME` for each entry of a dictionary. "
             "*Source* is the `source=` declared beside the parameter in the code; "
             "\"assumption\" means none is declared (a modelling assumption); \"fitted\" sources are "
             "calibrated in [CALIBRATION.md](CALIBRATION.md).", ""]
    section = None
    for row in rows:
        top = row["key"].split(".")[0].split("[")[0]
        top = "scenario" if top in METADATA_KEYS or top == "years" else top
        if top != section:
            section = top
            lines += ["", f"**{section}**", "",
                      "| key | default | unit | range | meaning | source |",
                      "| --- | --- | --- | --- | --- | --- |"]
        lines.append("| " + " | ".join(_cell(x) for x in (
            f"`{row['key']}`", _value(row["default"]), row["unit"], _range(row["range"]), row["meaning"],
            _source(row))) + " |")
    return "\n".join(lines).replace("\n\n\n", "\n\n")


# ----------------------------------------------------------------------------- schedule
def submodel_classes() -> dict[str, type]:
    """The submodel classes by their ``name`` (the model attribute they are stored under)."""
    from . import submodels
    from .submodels import Submodel
    for info in pkgutil.iter_modules(submodels.__path__):
        importlib.import_module(f"{submodels.__name__}.{info.name}")
    found: dict[str, type] = {}
    stack = list(Submodel.__subclasses__())
    while stack:
        cls = stack.pop()
        found[cls.name] = cls
        stack.extend(cls.__subclasses__())
    return found


def step_calls() -> list[tuple[str, str]]:
    """``(attribute, comment)`` for each ``self.<attribute>.step()`` call in ``CaringCommunity.step``, in order."""
    from .model import CaringCommunity
    source = inspect.getsource(CaringCommunity.step)
    pattern = r"self\.(\w+)\.step\(\)[ \t]*(?:#[ \t]*([^\n]*))?"
    return [(m.group(1), (m.group(2) or "").strip()) for m in re.finditer(pattern, source)]


def _params_section(cls: type) -> str:
    """The scenario section(s) whose parameters are declared in the submodel's module."""
    from .scenario import Scenario, item_model
    module = sys.modules[cls.__module__]
    keys = []
    for key, field in Scenario.model_fields.items():
        ann = field.annotation
        item = item_model(ann)
        model = item[1] if item else ann
        if isinstance(model, type) and getattr(model, "__module__", None) == module.__name__:
            keys.append(f"`{key}`")
    return ", ".join(keys)


def render_schedule() -> str:
    """The ``schedule`` block: the week's steps in the order the model runs them, as one Markdown table."""
    from .model import WEEKLY_ORDER
    classes = submodel_classes()
    comments = dict(step_calls())
    lines = ["Generated from `sim.model.WEEKLY_ORDER`, each submodel's docstring and the comments in "
             "`CaringCommunity.step`.", "",
             "| # | submodel (attribute → class) | module | parameters | what it does (docstring) | in `step()` |",
             "| --- | --- | --- | --- | --- | --- |",
             "| 0 | `begin_week()` | `sim.model` | — | clear this week's event counters and the weekly "
             "support-received and help-given tallies | — |"]
    for i, name in enumerate(WEEKLY_ORDER, start=1):
        cls = classes[name]
        doc = (inspect.getdoc(cls) or "").splitlines()[0] if inspect.getdoc(cls) else ""
        module = cls.__module__
        lines.append("| " + " | ".join(_cell(x) for x in (
            str(i), f"`{name}` → `{cls.__name__}`", f"`{module}`", _params_section(cls), doc,
            comments.get(name, ""))) + " |")
    lines.append(f"| {len(WEEKLY_ORDER) + 1} | `week += 1`; `outcomes.measure()`; `DataCollector.collect()` | "
                 "`sim.model`, `sim.outcomes` | — | record the week's outcome row (§7.10) | — |")
    return "\n".join(lines)


def render_outcomes() -> str:
    """The ``outcomes`` block: the weekly outcome row's columns, as ``codebook.csv`` describes them."""
    from .outcomes import GROUP_MEANINGS, OUTCOME_COLUMNS
    from .submodels.funding import BUDGET_LINES
    groups = ", ".join(f"`{name}` ({meaning})" for name, meaning in GROUP_MEANINGS.items())
    lines = ["Generated from `sim.outcomes.OUTCOME_COLUMNS`, from which `run` and `sweep` write `codebook.csv`. "
             f"`{{G}}` stands for each group: {groups}, `group_<name>` for each equity group and, with several "
             "neighbourhoods, `nb_<name>` for each neighbourhood; `{line}` for each budget line ("
             + ", ".join(f"`{line}`" for line in BUDGET_LINES) + "); `{level}` for engagement levels 0 to 3. "
             "A unit `funding.currency` is the scenario's currency, which `codebook.csv` names by its code "
             "(`CAD a week`, `EUR a week`).", ""]
    return "\n".join(lines + _column_table(OUTCOME_COLUMNS))


def _column_table(entries) -> list[str]:
    """The lines of a Markdown table of column definitions ``(name, unit, range, meaning)``."""
    return ["| column | unit | range | meaning |", "| --- | --- | --- | --- |"] + [
        "| " + " | ".join(_cell(x) for x in (f"`{name}`", unit, value_range, meaning)) + " |"
        for name, unit, value_range, meaning in entries]


def render_snapshot() -> str:
    """The ``snapshot`` block: the columns of the per-resident snapshot and of the edge list."""
    from .network import TIE_KINDS
    from .outcomes import EDGE_COLUMNS, SNAPSHOT_COLUMNS
    kinds = ", ".join(f"`{kind}`" for kind in TIE_KINDS)
    return "\n".join(
        [f"Generated from `sim.outcomes.SNAPSHOT_COLUMNS` and `EDGE_COLUMNS`. `{{kind}}` stands for each tie kind: "
         f"{kinds}.", "", "**`residents_weekN.parquet`** (one row per resident):", ""] + _column_table(SNAPSHOT_COLUMNS)
        + ["", "**`edges_weekN.parquet`** (one row per living tie):", ""] + _column_table(EDGE_COLUMNS))


# ----------------------------------------------------------------------------- the file
def generated() -> dict[str, str]:
    """Each generated block's text as the code makes it now, by block name."""
    return {"parameters": render_parameters(), "schedule": render_schedule(), "outcomes": render_outcomes(),
            "snapshot": render_snapshot()}


def _pattern(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- generated:{name} -->\n)(.*?)(<!-- /generated:{name} -->)", re.S)


def current_blocks(text: str) -> dict[str, str | None]:
    """The generated blocks as they stand in ``text`` (None where a block's markers are missing)."""
    out = {}
    for name in BLOCKS:
        m = _pattern(name).search(text)
        out[name] = m.group(2).rstrip("\n") if m else None
    return out


def update(text: str) -> str:
    """``text`` (the ODD document) with its generated blocks rewritten from the code; a document that
    lacks a block's markers stops the command with a message naming them."""
    for name, body in generated().items():
        pattern = _pattern(name)
        if not pattern.search(text):
            raise SystemExit(f"docs/ODD.md has no <!-- generated:{name} --> ... <!-- /generated:{name} --> block")
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(3), text, count=1)
    return text


def stale_blocks(path: Path = ODD_PATH) -> list[str]:
    """Names of the generated blocks of ``path`` that differ from what the code produces now."""
    have = current_blocks(path.read_text(encoding="utf-8"))
    return [name for name, body in generated().items() if have[name] != body]


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.docs [--check] [--path FILE]``; returns the exit status (1: stale blocks with
    ``--check``; 2: the document cannot be read, or, to rewrite it, lacks a block's markers)."""
    ap = argparse.ArgumentParser(prog="python -m sim.docs", description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="report stale blocks, change nothing (exit 1 if stale)")
    ap.add_argument("--path", type=Path, default=ODD_PATH, help="the ODD document (default: docs/ODD.md)")
    args = ap.parse_args(argv)
    try:
        text = args.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        print(f"error: file {args.path}: cannot read it ({getattr(e, 'strerror', None) or e})", file=sys.stderr)
        return 2
    if args.check:
        stale = stale_blocks(args.path)
        if stale:
            print(f"{args.path}: stale generated block(s): {', '.join(stale)}; run python -m sim.docs")
            return 1
        print(f"{args.path}: generated blocks are up to date")
        return 0
    missing = [name for name, body in current_blocks(text).items() if body is None]
    if missing:   # update() would name docs/ODD.md whatever --path said
        name = missing[0]
        print(f"error: file {args.path}: expected a <!-- generated:{name} --> ... <!-- /generated:{name} --> "
              "block to rewrite; found none", file=sys.stderr)
        return 2
    new = update(text)
    if new != text:
        args.path.write_text(new, encoding="utf-8")
        print(f"updated {args.path}")
    else:
        print(f"{args.path} already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
