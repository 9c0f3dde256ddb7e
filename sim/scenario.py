"""Scenario files: the schema, presets, ``extends``, dotted overrides and clear errors.

A scenario is a YAML file whose sections are the parameter sections declared beside each
submodel. Every parameter has a default, so a scenario lists only what differs. A scenario can
derive from another with ``extends: NAME`` (a preset name or a path relative to the file).
Bad input raises :class:`sim.errors.ScenarioError` naming the file, the key path, what was
expected and what was found; unknown keys get the nearest valid key suggested.
"""

from __future__ import annotations

import copy
import difflib
import functools
import math
import typing
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError

from .errors import ScenarioError, UserError, did_you_mean
from .money import unit_in
from .network import NetworkParams
from .params import Section, param
from .population import PopulationParams
from .submodels.activities import ActivityParams, OrganizationSpec
from .submodels.clinical import ClinicalParams, Profession
from .submodels.funding import FundingParams, FundingSource
from .submodels.governance import GovernanceParams
from .submodels.mutual_aid import MutualAidParams
from .submodels.peer_support import PeerSupportParams
from .submodels.retention import RetentionParams
from .submodels.states import StatesParams
from .submodels.ties import TieParams

PRESET_DIR = Path(__file__).resolve().parent.parent / "scenarios"
DEFAULT_SCENARIO = "centre-sud"


def _default_organizations() -> list[dict]:
    return [
        {"name": "Seniors' centre", "kind": "seniors_centre", "target": "seniors", "capacity": 250,
         "weekly_cost": 2500, "own_income_per_year": 117000},
        {"name": "Family organization", "kind": "family_organization", "target": "families", "capacity": 200,
         "weekly_cost": 2200, "own_income_per_year": 103000},
        {"name": "Food bank", "kind": "food_bank", "target": "all", "capacity": 300, "weekly_cost": 1800,
         "own_income_per_year": 84000},
        {"name": "Community centre", "kind": "community_centre", "target": "adults", "capacity": 300,
         "weekly_cost": 2000, "own_income_per_year": 94000},
        {"name": "Mental-health peer group", "kind": "mental_health", "target": "mental_health", "capacity": 80,
         "weekly_cost": 900, "own_income_per_year": 42000},
        {"name": "Housing committee", "kind": "housing", "target": "adults", "capacity": 120, "weekly_cost": 1000,
         "own_income_per_year": 47000},
    ]


class Scenario(Section):
    """A complete set of parameters for one simulated community."""

    name: str = param("", "short name of the scenario")
    title: str = param("", "one-line title")
    description: str = param("", "what the scenario represents")
    sources: list[str] = param([], "where its figures come from")
    extends: str | None = param(None, "the scenario this one derives from (already applied)")
    years: float = param(10.0, "default horizon of a run", unit="years", ge=0.02, le=100.0)
    population: PopulationParams = param({}, "demography")
    network: NetworkParams = param({}, "the initial network")
    organizations: list[OrganizationSpec] = param(_default_organizations(), "the community organizations")
    funding: FundingParams = param({}, "funding sources, compensation modes and unit costs")
    governance: GovernanceParams = param({}, "the stewardship group")
    clinical: ClinicalParams = param({}, "the clinic's team and encounters")
    peer_support: PeerSupportParams = param({}, "patient partners' accompaniment")
    activities: ActivityParams = param({}, "citizen partners and community activities")
    mutual_aid: MutualAidParams = param({}, "help along ties and the timebank")
    ties: TieParams = param({}, "tie decay, dissolution and churn")
    states: StatesParams = param({}, "loneliness, isolation, competency, engagement, recovery, crises")
    retention: RetentionParams = param({}, "attrition and recruitment of partners")

    @property
    def weeks(self) -> int:
        """The default horizon in weeks: ``years`` × 52, rounded."""
        return int(round(self.years * 52))

    def model_post_init(self, __context: Any) -> None:
        """Checks that span several parameters (each section checks its own)."""
        pop = self.population
        total = pop.share_children + pop.share_65plus
        if total >= 1:
            raise ScenarioError(f"expected share_children + share_65plus below 1 (some adults); found "
                                f"{pop.share_children:g} + {pop.share_65plus:g} = {total:g}", key="population.share_65plus")
        pop.age_counts()   # and some once the shares are rounded to residents
        names = [nb.name for nb in pop.neighbourhoods]
        if not names:
            raise ScenarioError("expected at least one neighbourhood; found an empty list", key="population.neighbourhoods")
        if not pop.equity_groups:
            raise ScenarioError("expected at least one equity group (every resident belongs to one); found none",
                                key="population.equity_groups")
        for i, nb in enumerate(pop.neighbourhoods):
            if names.count(nb.name) > 1:
                raise ScenarioError(f"expected each neighbourhood name once; found '{nb.name}' {names.count(nb.name)} "
                                    "times", key=f"population.neighbourhoods.{i}.name")
            if nb.mentored_by is not None and (nb.mentored_by not in names or nb.mentored_by == nb.name):
                others = [n for n in names if n != nb.name]
                raise ScenarioError(f"expected the name of another neighbourhood ({', '.join(others) or 'there is none'})"
                                    f" or null; found '{nb.mentored_by}'{did_you_mean(nb.mentored_by, others)}",
                                    key=f"population.neighbourhoods.{i}.mentored_by")
        if sum(nb.share for nb in pop.neighbourhoods) <= 0:
            raise ScenarioError("expected neighbourhood shares that sum above 0; found all 0",
                                key="population.neighbourhoods")
        if sum(g.share for g in pop.equity_groups.values()) <= 0:
            raise ScenarioError("expected equity group shares that sum above 0; found all 0",
                                key="population.equity_groups")
        for i, org in enumerate(self.organizations):
            if org.neighbourhood is not None and org.neighbourhood not in names:
                raise ScenarioError(f"expected one of the neighbourhoods ({', '.join(names)}) or null; found "
                                    f"'{org.neighbourhood}'{did_you_mean(org.neighbourhood, names)}",
                                    key=f"organizations.{i}.neighbourhood")


# ----------------------------------------------------------------------------- presets
def preset_names() -> list[str]:
    """Names of the preset scenarios shipped in ``scenarios/``."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def preset_path(name: str) -> Path:
    return PRESET_DIR / f"{name}.yaml"


def list_scenarios() -> list[dict[str, str]]:
    """The presets, each as ``{"name", "title", "extends"}``, for ``caring-community scenarios list``."""
    out = []
    for name in preset_names():
        data = _read_yaml(preset_path(name))
        out.append({"name": name, "title": str(data.get("title", "")), "extends": str(data.get("extends") or "")})
    return out


# ----------------------------------------------------------------------------- loading
class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, except that a key given twice in one mapping is an error, not a silent overwrite."""


def _construct_mapping_once(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":   # '<<: *anchor': construct_mapping merges it, and keys
            continue                                    # written beside it override the merged ones
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, typing.Hashable) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{key}' twice in one mapping (first at line {seen[key] + 1})",
                key_node.start_mark)
        if isinstance(key, typing.Hashable):  # an unhashable key (a list) is refused by construct_mapping
            seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_once)


def _preset_hint(path: "str | Path") -> str:
    """``; did you mean the preset 'x'? ...`` for a missing file named like a preset, else ``""``."""
    close = difflib.get_close_matches(Path(path).stem, preset_names(), n=1, cutoff=0.6)
    return f"; did you mean the preset '{close[0]}'? (a preset is named without '.yaml')" if close else ""


def _read_yaml(path: Path) -> dict:
    data, _ = read_yaml_mapping(
        path, what="a scenario", example="'extends: centre-sud' for the Centre-Sud pilot",
        missing="expected an existing scenario file (a preset name or a path to a .yaml file); "
                f"found no such file{_preset_hint(path)}")
    return data


def read_yaml_mapping(path: Path, *, what: str, example: str, missing: str,
                      error: type[UserError] = ScenarioError) -> tuple[dict, str]:
    """The top-level mapping of a YAML file a user wrote (a scenario, a sweep spec) and its text.

    Every problem raises ``error`` naming the file, with what was expected and what was found: no
    such file (the ``missing`` message), a folder, bytes that are not UTF-8, malformed YAML (a key
    given twice in one mapping included), an empty file ("expected {what}: at least one key, such
    as {example}; found an empty file"), or a top level that is not a mapping. Scenario files and
    sweep specs are read by this one function, so they report the same problem the same way.
    """
    if not path.exists():
        raise error(missing, file=str(path))
    if path.is_dir():
        raise error(f"expected {what} file; found a folder", file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise error(f"expected a UTF-8 text file; found undecodable bytes at byte {e.start}",
                    file=str(path)) from None
    except OSError as e:
        raise error(f"expected a readable file; found {e.strerror or e}", file=str(path)) from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a safe loader)
    except RecursionError:
        raise error(f"malformed YAML: expected at most {MAX_NESTING} levels of lists and mappings inside one "
                    "another; found more", file=str(path)) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).replace("\n", " ")
        if isinstance(e, yaml.constructor.ConstructorError) and "twice" in problem:
            raise error(f"malformed YAML{where}: expected each key once in a mapping; found {problem}",
                        file=str(path)) from None
        raise error(f"malformed YAML{where}: expected well-formed YAML; found a syntax error ({problem})",
                    file=str(path)) from None
    if data is None:  # empty, or comments only: most likely a file not yet written or saved
        raise error(f"expected {what}: at least one key, such as {example}; found an empty file (nothing but "
                    "blanks or comments)", file=str(path))
    if not isinstance(data, dict):
        raise error(f"expected a mapping (key: value) at the top level; found a {type(data).__name__}",
                    file=str(path))
    problem = _too_big(data)
    if problem:
        raise error(f"malformed YAML: {problem}", file=str(path))
    return data, text


#: What a file a user wrote may hold: a scenario nests four or five levels deep and holds a few
#: hundred values; YAML's aliases (``*anchor``) can make a short file hold a great many more.
MAX_NESTING = 32
MAX_VALUES = 1_000_000


def _too_big(data: Any) -> str | None:
    """What is wrong with the size of ``data`` read from YAML, or None: lists and mappings nested
    more than :data:`MAX_NESTING` deep, more than :data:`MAX_VALUES` values once aliases are
    expanded, or a list or mapping that contains itself. Each list and mapping is looked at once."""
    extent: dict[int, tuple[int, int]] = {}   # id -> (values inside, once aliases are expanded; levels)
    open_: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        children = [c for c in (node.values() if isinstance(node, dict) else node) if isinstance(c, (dict, list))]
        if children_done:
            open_.discard(id(node))
            inner = [extent[id(c)] for c in children]
            values = len(node) + sum(v for v, _ in inner)
            levels = 1 + max((d for _, d in inner), default=0)
            if levels > MAX_NESTING:
                return f"expected at most {MAX_NESTING} levels of lists and mappings inside one another; found more"
            if values > MAX_VALUES:
                return (f"expected at most {MAX_VALUES:,} values (aliases such as *anchor count each time they are "
                        f"used); found {values:,}")
            extent[id(node)] = (values, levels)
            continue
        if id(node) in extent:
            continue
        open_.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in open_:
                return ("expected lists and mappings that end; found one that contains itself (an alias inside "
                        "its own anchor)")
            if id(child) not in extent:
                stack.append((child, False))
    return None


def _deep_merge(base: dict, over: dict, path: tuple[str, ...] = ()) -> dict:
    """``over`` laid on ``base`` (both at key path ``path`` of the scenario): tables and sections
    merge key by key; lists, empty tables (``{}`` empties a table) and the tables marked ``whole`` (see
    :func:`sim.params.param`) are replaced."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and v and isinstance(out.get(k), dict) and not _whole(path + (k,)):
            out[k] = _deep_merge(out[k], v, path + (k,))
        else:
            out[k] = copy.deepcopy(v)
    return out


def _whole(path: tuple[str, ...]) -> bool:
    """Whether the parameter at ``path`` is set whole by a scenario (``param(..., whole=True)``)."""
    field = _schema_field(path)
    return field is not None and bool((field.json_schema_extra or {}).get("whole"))


def names_a_file(ref: str) -> bool:
    """Whether a scenario reference is a file path (else a preset name)."""
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref


def file_ref(ref: str, referring: Path | None) -> Path:
    """The file a path named in the file ``referring`` (``extends:``, a sweep's ``base_scenario:``)
    means: relative to that file's folder; relative to the working folder only where that alone has
    it; and where neither has it, relative to the file, for the error to name."""
    path = Path(ref)
    if path.is_absolute() or referring is None:
        return path
    candidate = referring.parent / path
    return path if path.exists() and not candidate.exists() else candidate


def _resolve_ref(ref: str, relative_to: Path | None) -> Path:
    """A scenario reference: a preset name, or a path (relative to the referring file)."""
    if names_a_file(ref):
        return file_ref(ref, relative_to)
    path = preset_path(ref)
    if not path.exists():
        if relative_to is None and Path(ref).is_file():  # a file named without a .yaml suffix
            return Path(ref)
        raise ScenarioError(f"unknown preset '{ref}'{did_you_mean(ref, preset_names())}; "
                            "expected a file path or one of the presets: "
                            f"{', '.join(preset_names())}; found '{ref}', which is neither")
    return path


def _load_raw(path: Path, chain: tuple[Path, ...] = ()) -> dict:
    """The file's data with its ``extends`` chain applied (parents first)."""
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in chain + (path,))
        raise ScenarioError(f"expected a chain of 'extends' that ends at a scenario extending nothing; "
                            f"found a cycle: {cycle}", file=str(chain[-1]), key="extends")
    data = _read_yaml(path)
    parent = data.get("extends")
    if parent:
        if not isinstance(parent, str):
            raise ScenarioError(f"expected the name or path of a scenario; found {parent!r}", file=str(path),
                                key="extends")
        try:
            parent_path = _resolve_ref(parent, path)
        except ScenarioError as e:
            raise ScenarioError(e.detail, file=str(path), key="extends") from None
        if not parent_path.is_file():
            raise ScenarioError(f"expected an existing scenario file or a preset name; found '{parent}' "
                                f"(no such file: {parent_path}){_preset_hint(parent)}", file=str(path), key="extends")
        base = _load_raw(parent_path, chain + (path,))
        own_name = data.get("name")
        data = _deep_merge(base, data)
        data["name"] = own_name or path.stem  # a derived scenario is named after its own file, not its parent
    data.setdefault("name", path.stem)
    return data


def set_dotted(data: dict, dotted: str, value: Any) -> None:
    """Set ``a.b.0.c`` in nested dicts and lists, creating dicts as needed.

    A list index is digits only, counted from 0: ``-1`` (which Python would take as the last item)
    and ``first`` are refused with a :class:`ScenarioError` naming ``dotted``.
    """
    parts = dotted.split(".")
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(node, list):
            node = node[_list_index(part, dotted)]
        else:
            if part not in node or node[part] is None:
                node[part] = [] if nxt.isdigit() else {}
            node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[_list_index(last, dotted)] = value
    else:
        node[last] = value


def _list_index(part: str, dotted: str) -> int:
    """The list index that ``part`` of the key path ``dotted`` names: 0 for the first item."""
    if not (part.isascii() and part.isdigit()):
        raise ScenarioError(f"expected a list index that is a whole number 0 or more (0 is the first item); "
                            f"found '{part}'", key=dotted)
    return int(part)


@functools.cache
def _schema_defaults() -> dict:
    """Every parameter at its default, as a scenario file would write it (not to be changed: copied)."""
    return Scenario().model_dump()


def load_scenario(ref: "str | Path | dict | Scenario" = DEFAULT_SCENARIO,
                  overrides: dict[str, Any] | None = None) -> Scenario:
    """The validated scenario for a preset name, a YAML path, a dict or a Scenario.

    ``overrides`` maps dotted key paths (``"governance.decision_rule"``,
    ``"funding.sources.0.end_week"``) to values, applied after ``extends``.
    """
    file = None
    if isinstance(ref, Scenario):
        data = ref.model_dump()
    elif isinstance(ref, dict):
        data = copy.deepcopy(ref)
        if data.get("extends"):
            parent = data["extends"]
            if not isinstance(parent, (str, Path)):
                raise ScenarioError(f"expected the name or path of a scenario; found {parent!r}", key="extends")
            try:
                parent_path = _resolve_ref(str(parent), None)
            except ScenarioError as e:
                raise ScenarioError(e.detail, key="extends") from None
            if not parent_path.is_file():
                raise ScenarioError(f"expected an existing scenario file or a preset name; found '{parent}' "
                                    f"(no such file){_preset_hint(parent)}", key="extends")
            data = _deep_merge(_load_raw(parent_path), data)
    elif isinstance(ref, (str, Path)):
        path = _resolve_ref(str(ref), None)
        file = str(path)
        data = _load_raw(path)
    else:
        raise ScenarioError(f"expected a preset name, a YAML path, a dict or a Scenario; found {type(ref).__name__}")
    # Completed from the schema's defaults, so that a table set in part keeps its other keys (decay of
    # the tie kinds not named, the professions not named) and an override changes only what it names.
    data = _deep_merge(_schema_defaults(), data)
    if overrides is not None and not isinstance(overrides, dict):
        raise ScenarioError("expected overrides as a mapping of dotted key paths to values, such as "
                            f"{{'governance.decision_rule': 'consensus'}}; found a {type(overrides).__name__}", file=file)
    if overrides:
        for key in overrides:
            if not isinstance(key, str) or not key or any(not part for part in key.split(".")):
                raise ScenarioError(f"expected a dotted key path such as 'governance.decision_rule'; found {key!r}",
                                    file=file, key=str(key))
            if key.split(".")[0] == "extends":   # applied when the scenario was read: changing it would do nothing
                raise ScenarioError("expected a parameter to change; found 'extends', which names the scenario this "
                                    "one derives from and is applied as it is read: start from that scenario instead",
                                    file=file, key=key)
        for key, value in overrides.items():
            try:
                set_dotted(data, key, value)
            except ScenarioError as e:
                raise ScenarioError(e.detail, file=file, key=key) from None
            except (KeyError, IndexError, ValueError, TypeError, AttributeError):
                raise ScenarioError("expected a key path whose list indices and sections exist; found no such "
                                    "list item or section along it", file=file, key=key) from None
    try:
        return validate(data, file=file)
    except ScenarioError as e:   # a value given as an override, not written in the file: say so
        if overrides and e.key and any(e.key == k or e.key.startswith(f"{k}.") for k in overrides):
            raise ScenarioError(f"in the overrides applied to this scenario: {e.detail}", file=e.file,
                                key=e.key) from None
        origin = _written_in(Path(file), e.key) if file is not None and e.file == file and e.key else None
        if origin is not None and origin != Path(file).resolve():   # the value comes from a file it extends
            raise ScenarioError(f"{e.detail} (written in {origin}, which {Path(file).name} extends)", file=e.file,
                                key=e.key) from None
        raise


def _written_in(path: Path, key: str, read=_read_yaml) -> Path | None:
    """The file of the ``extends`` chain from ``path`` that writes the value at the dotted ``key``
    (the nearest, whose value the others' give way to), or None where none does (a default).

    As :func:`_deep_merge` lays a file on its parent: a file that writes a list, an empty table or a
    table set whole (equity groups) replaces its parent's, so a field that the file leaves out of
    one of its items (``funding.sources.0.end_week``) has its default, whatever the parent wrote.
    ``read`` reads a file of the chain (its mapping)."""
    seen: set[Path] = set()
    parts = key.split(".")
    while path is not None and path.resolve() not in seen:
        path = path.resolve()
        seen.add(path)
        node: Any = read(path)
        parent = node.get("extends")
        replaced = False    # this file sets a container above the key whole: its parent's does not count
        for depth, part in enumerate(parts):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                break
            replaced = replaced or isinstance(node, list) or (
                isinstance(node, dict) and (not node or _whole(tuple(parts[:depth + 1]))))
        else:
            return path
        if replaced:
            return None
        path = _resolve_ref(parent, path) if isinstance(parent, str) and parent else None
    return None


def written_in(target: str, keys: list[str]) -> dict[str, str]:
    """Where the value at each dotted key of the scenario ``target`` (a preset's name or a file) comes
    from, for ``scenarios show --params``: the preset (by name) or file (by file name) of its ``extends``
    chain that writes it, or ``default``. A table written in part (seats by sector) names the nearest file
    that writes some of it. Each file of the chain is read once."""
    start, files = _resolve_ref(target, None), {}

    def read(path: Path) -> dict:
        if path not in files:
            files[path] = _read_yaml(path)
        return files[path]

    found = {}
    for key in keys:
        path = _written_in(start, key, read)
        found[key] = "default" if path is None else path.stem if path.parent == PRESET_DIR.resolve() else path.name
    return found


def validate(data: dict, file: str | None = None) -> Scenario:
    """Validate a scenario dictionary, turning pydantic's errors into one clear message."""
    flag = _flag_for_a_number(data)
    if flag is not None:   # pydantic would read true as 1 and false as 0
        key, value = flag
        raise ScenarioError(f"expected a number{_range_note(key.split('.'))}; found: {value!r} (true/false is not a "
                            "number)", file=file, key=key)
    try:
        return Scenario.model_validate(data)
    except ValidationError as e:
        raise _scenario_error(e, file) from None
    except ScenarioError as e:  # raised by a section's own checks
        if e.file is None and file is not None:
            raise ScenarioError(e.detail, file=file, key=e.key) from None
        raise


def _flag_for_a_number(data: Any, path: tuple[str, ...] = (), seen: set[int] | None = None) -> tuple[str, bool] | None:
    """The first key path in ``data`` where true or false stands for a parameter that is a number
    (``years: true``, ``governance.seats.city: false``), with that value; None if there is none.

    Only keys of the schema are followed (pydantic names an unknown key), and a list or mapping met
    again (a YAML alias, or one that contains itself) is not walked twice."""
    seen = set() if seen is None else seen
    if isinstance(data, (dict, list)):
        if id(data) in seen:
            return None
        seen.add(id(data))
        items = data.items() if isinstance(data, dict) else enumerate(data)
        for key, value in items:
            inner = path + (str(key),)
            if _schema_field(inner) is not None:
                found = _flag_for_a_number(value, inner, seen)
                if found is not None:
                    return found
        return None
    if isinstance(data, (bool, np.bool_)) and path and _numbers_only(_schema_field(path).annotation):
        return ".".join(path), bool(data)
    return None


@functools.lru_cache(maxsize=4096)
def _schema_field(path: tuple[str, ...]) -> Any:
    """:func:`_field_at` for a key path given as a tuple, remembered."""
    return _field_at(list(path))


def _numbers_only(annotation: Any) -> bool:
    """Whether a schema annotation takes numbers (``int``, ``float | None``, ``dict[str, int]``...) and no booleans."""
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is dict:
        return _numbers_only(args[1])
    if origin is list:
        return _numbers_only(args[0])
    if args and origin is not None and origin is not typing.Literal:   # a union such as int | None
        return all(_numbers_only(a) for a in args)
    return annotation in (int, float)


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _field_at(loc: list[str]) -> Any:
    """The pydantic FieldInfo at a key path of the schema, or None."""
    model: Any = Scenario
    field = None
    for part in loc:
        if isinstance(model, type) and issubclass(model, BaseModel) and part in model.model_fields:
            field = model.model_fields[part]
            model = _unwrap(field.annotation)
        elif part.isdigit() or field is not None and typing.get_origin(field.annotation) in (dict, list):
            continue  # a list index or a dict key keeps the item model
        else:
            return None
    return field


def _range_note(loc: list[str]) -> str:
    """`` (allowed range [lo, hi] unit)`` for a bounded parameter."""
    field = _field_at(loc)
    if field is None:
        return ""
    lo = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
    hi = next((m.le for m in field.metadata if hasattr(m, "le")), None)
    unit = (field.json_schema_extra or {}).get("unit", "") if isinstance(field.json_schema_extra, dict) else ""
    parts = []
    if lo is not None or hi is not None:
        parts.append(f"allowed range [{'' if lo is None else lo}, {'' if hi is None else hi}]")
    if unit:
        parts.append(f"unit: {unit}")
    return f" ({'; '.join(parts)})" if parts else ""


def _scenario_error(e: ValidationError, file: str | None) -> ScenarioError:
    err = e.errors()[0]
    loc = [str(x) for x in err["loc"]]
    found = err.get("input")
    kind = err["type"]
    if loc and loc[-1] == "[key]":  # a key of a table keyed by name (seats, equity groups...)
        loc, kind = loc[:-1], "invalid_key"
    if kind == "invalid_key" and loc:
        loc[-1] = str(found)  # pydantic writes a key True as 1
    key = ".".join(loc)
    if kind == "invalid_key":  # a key that YAML read as a number, a boolean or null
        msg = f"expected a key that is text (a name); found: {_short(found)}, which is not text"
    elif kind == "extra_forbidden":
        allowed = fields_at(loc[:-1])
        msg = (f"unknown key '{loc[-1]}'{did_you_mean(loc[-1], allowed, cutoff=0.5)}; expected one of: "
               f"{', '.join(allowed)}; found: '{loc[-1]}'")
    elif kind == "literal_error":
        msg = f"expected one of {err.get('ctx', {}).get('expected', '')}; found: {_short(found)}"
    elif kind == "missing":
        msg = "expected a value for this required key; found none"
    else:
        text = err["msg"]
        for prefix in ("Input should be ", "Value error, ", "Assertion failed, "):
            if text.startswith(prefix):
                text = text[len(prefix):]
        if kind == "int_parsing_size":   # a whole number too large for pydantic (1e308): "unable to parse..."
            text = "a smaller whole number"
        if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            # NaN fails every bound: "less than or equal to 1; found nan" would miss the point
            finite = not isinstance(found, float) or math.isfinite(found)
            text = "a number " + text if finite else "a finite number"
        msg = f"expected {text}{_range_note(loc)}; found: {_short(found)}"
    more = len(e.errors()) - 1
    if more:
        msg += f" (and {more} more problem{'s' if more > 1 else ''})"
    return ScenarioError(msg, file=file, key=key)


def _unwrap(annotation: Any) -> Any:
    """The Section class inside an annotation such as ``list[X]``, ``dict[str, X]``, ``X | None``."""
    origin = typing.get_origin(annotation)
    if origin is None:
        return annotation
    for arg in typing.get_args(annotation):
        inner = _unwrap(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return annotation


def fields_at(loc: list[str]) -> list[str]:
    """The valid keys at a key path of the scenario schema (for suggestions and docs)."""
    model: Any = Scenario
    for part in loc:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        if part in model.model_fields:
            model = _unwrap(model.model_fields[part].annotation)
        # list indices and dict keys keep the same item model
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def describe_parameters(model: type[BaseModel] = Scenario, prefix: str = "") -> list[dict[str, Any]]:
    """Every parameter: dotted key, default, unit, allowed range, meaning and source (for docs and ``show``)."""
    rows = []
    for name, f in model.model_fields.items():
        key = f"{prefix}{name}"
        section = _section(f)
        if section is not None:
            rows.extend(describe_parameters(section, key + "."))
            continue
        rows.append(_described(f, key))
    return rows


def _section(f) -> type[BaseModel] | None:
    """The section a schema field holds (``population``, ``funding.compensation``); None for a value,
    a list or a table."""
    inner = _unwrap(f.annotation)
    if isinstance(inner, type) and issubclass(inner, BaseModel) and typing.get_origin(f.annotation) is None:
        return inner
    return None


def _described(f, key: str) -> dict[str, Any]:
    """The row of :func:`describe_parameters` for the schema field ``f`` at ``key``."""
    extra = f.json_schema_extra or {}
    lo, hi = _bounds(f)
    return {"key": key, "default": f.get_default(call_default_factory=True), "unit": extra.get("unit", ""),
            "range": "" if lo is None and hi is None else f"[{lo if lo is not None else ''}, {hi if hi is not None else ''}]",
            "meaning": f.description or "", "source": extra.get("source", "")}


def item_model(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """``("list", X)`` for ``list[X]``, ``("dict", X)`` for ``dict[str, X]`` where X is a section."""
    origin = typing.get_origin(annotation)
    if origin not in (list, dict):
        return None
    inner = typing.get_args(annotation)[-1]
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return ("list" if origin is list else "dict"), inner
    return None


def resolved_parameters(scenario: Scenario) -> list[dict[str, Any]]:
    """Every value of ``scenario`` under the dotted key that an override or a sweep names it by, with
    the rows of :func:`describe_parameters` (default, unit, range, meaning, source) and its ``value``.

    A list's items and a table's entries get a row each (``funding.sources.0.end_week``,
    ``governance.seats.city``, ``clinical.professions.nurse.count``); an empty list or table keeps
    one row for itself. The default is the key's value in a scenario that sets nothing; for an item
    that scenario does not have (a second funding source), what an item gets for a field it leaves out.
    Amounts are in the scenario's currency (``EUR/year``).
    """
    defaults = {row["key"]: row["value"] for row in _resolved_rows(Scenario, _default_values(), "")}
    return [{**row, "default": defaults.get(row["key"], row["default"]),
             "unit": unit_in(row["unit"], scenario.funding.currency)}
            for row in _resolved_rows(Scenario, scenario.model_dump(mode="json"), "")]


@functools.cache
def _default_values() -> dict:
    """The values of a scenario that sets nothing."""
    return Scenario().model_dump(mode="json")


def _resolved_rows(model: type[BaseModel], data: dict, prefix: str):
    """The rows of :func:`resolved_parameters` for ``data``, the values of a ``model`` at key ``prefix``."""
    for name, f in model.model_fields.items():
        key, value = f"{prefix}{name}", data.get(name)
        section = _section(f)
        if section is not None:
            yield from _resolved_rows(section, value, key + ".")
            continue
        row = {**_described(f, key), "value": value}
        item = item_model(f.annotation)
        if item is not None and value:
            entries = enumerate(value) if item[0] == "list" else value.items()
            for entry, fields in entries:
                yield from _resolved_rows(item[1], fields, f"{key}.{entry}.")
        elif isinstance(value, dict) and value:           # a table of numbers or words (seats by sector)
            for entry, v in value.items():
                yield {**row, "key": f"{key}.{entry}", "value": v, "default": "",
                       "meaning": f"{row['meaning']} ({entry})"}
        else:
            yield row


def _bounds(f) -> tuple[float | None, float | None]:
    """The allowed range ``(ge, le)`` of a schema field (``None`` where open)."""
    return (next((m.ge for m in f.metadata if hasattr(m, "ge")), None),
            next((m.le for m in f.metadata if hasattr(m, "le")), None))


def _fit(section: type[BaseModel], name: str, value: float) -> float:
    """``value`` brought within the allowed range of ``section.name`` (a scaled value may overshoot it)."""
    lo, hi = _bounds(section.model_fields[name])
    value = value if hi is None else min(value, hi)
    return value if lo is None else max(value, lo)


def _scaled_count(count: int, factor: float) -> int:
    """A count of people or places in a community ``factor`` times the size: one at least where there were some."""
    return max(1 if count else 0, int(round(count * factor)))


def residents_range(scenario: Scenario) -> tuple[int, int]:
    """The smallest and largest community :func:`scale_scenario` can make of ``scenario``.

    The model needs between 20 and 5,000,000 clinic patients (``population.n_patients``), and each
    comes with ``population.citizens_per_patient`` other residents: 30 residents at least for
    Centre-Sud (0.5 per patient). Asked for fewer (or more), :func:`scale_scenario` would make the
    smallest (largest) community instead; :func:`check_residents` refuses such a size.
    """
    lo, hi = _bounds(PopulationParams.model_fields["n_patients"])
    per_patient = 1.0 + scenario.population.citizens_per_patient
    return int(round(lo * per_patient)), int(round(hi * per_patient))


def check_residents(scenario: Scenario, n_residents: int, key: str = "residents", file: str | None = None) -> None:
    """Raise a :class:`ScenarioError` naming ``key`` unless ``scenario`` can be scaled to ``n_residents``
    (see :func:`residents_range`), rather than let the community silently be another size."""
    lo, hi = residents_range(scenario)
    if not lo <= n_residents <= hi:
        low = n_residents < lo
        patients = _bounds(PopulationParams.model_fields["n_patients"])[0 if low else 1]
        per = scenario.population.citizens_per_patient
        raise ScenarioError(f"expected {'at least' if low else 'at most'} {lo if low else hi:,} residents for "
                            f"scenario '{scenario.name}' (the model needs {'at least' if low else 'at most'} "
                            f"{patients:,} clinic patients, and this scenario has {per:g} other residents per "
                            f"patient); found {n_residents:,}", file=file, key=key)


SHORT_SOURCE_WEEKS = 13   # a funding source paying for less than a quarter is most often years written as weeks


def _source_note(i: int, src, weeks: int) -> str | None:
    """Why funding source ``i`` pays nothing, or only a few weeks, in a run of ``weeks`` weeks (None: it pays)."""
    name = f"funding.sources.{i} ('{src.name}')"
    if src.start_week >= weeks:
        return f"{name} starts at week {src.start_week:,}, and the run ends at week {weeks:,}: it never pays"
    if src.end_week is None or src.end_week - src.start_week >= SHORT_SOURCE_WEEKS:
        return None
    paying = src.end_week - src.start_week
    if paying == 0:
        return f"{name} ends at week {src.end_week:,}, the week it starts: it never pays"
    note = (f"{name} pays for {paying} week{'s' if paying > 1 else ''} only (start_week {src.start_week:,}, "
            f"end_week {src.end_week:,}); start_week and end_week count weeks")
    if src.end_week * 52 > 5200:   # not years: more than a century
        return note
    if not src.start_week:
        return note + f": if {src.end_week} meant years, write end_week: {src.end_week * 52:,}"
    return note + f": if they meant years, write start_week: {src.start_week * 52:,}, end_week: {src.end_week * 52:,}"


def never_within(scenario: Scenario, weeks: int) -> list[str]:
    """What the scenario sets to start at or after the last of ``weeks`` weeks, and so never happens in
    a run that long: a funding source that never pays, a neighbourhood whose programme never starts
    (valid, but most often a week given in the wrong unit or a run too short to see it); and a funding
    source that ends the week it starts (it never pays) or pays for less than a quarter
    (:data:`SHORT_SOURCE_WEEKS`: most often an end given in years)."""
    notes = [note for i, src in enumerate(scenario.funding.sources) if (note := _source_note(i, src, weeks))]
    notes += [f"population.neighbourhoods.{i} ('{nb.name}') starts its programme at week {nb.programme_start_week:,}, "
              f"and the run ends at week {weeks:,}: it never starts"
              for i, nb in enumerate(scenario.population.neighbourhoods) if nb.programme_start_week >= weeks]
    return notes


def at_size(scenario: Scenario, residents: int | None, key: str = "residents") -> Scenario:
    """``scenario`` scaled to ``residents`` as a sweep's ``residents:`` scales it (the values that
    overrides and swept values then apply to), or as it is for ``None``; a size it cannot have is a
    :class:`ScenarioError` naming ``key``."""
    if residents is None:
        return scenario
    if isinstance(residents, bool) or not isinstance(residents, (int, np.integer)):
        raise ScenarioError(f"expected a whole number of residents; found {residents!r}", key=key)
    check_residents(scenario, int(residents), key=key)
    return scale_scenario(scenario, int(residents))


def scale_scenario(scenario: "Scenario | str | Path | dict", n_residents: int) -> Scenario:
    """The same community at another size: residents, clinicians, organizations, partners and money scale together.

    ``scenario`` is a loaded :class:`Scenario` or anything :func:`load_scenario` takes (a preset's
    name, a file, a dictionary). Used for workshop-sized and benchmark-sized runs; the scenario's description says so. A scaled
    value stays within its parameter's allowed range, so a size outside :func:`residents_range`
    gives the smallest (largest) community: check a size given by a user with :func:`check_residents`.
    The result has about ``n_residents`` residents (``population.n_residents`` says exactly how many).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    factor = n_residents / scenario.population.n_residents
    data = scenario.model_dump()
    pop = data["population"]
    pop["n_patients"] = _fit(PopulationParams, "n_patients", max(20, int(round(pop["n_patients"] * factor))))
    for prof in data["clinical"]["professions"].values():
        prof["count"] = _fit(Profession, "count", _scaled_count(prof["count"], factor))
    for org in data["organizations"]:
        org["capacity"] = _fit(OrganizationSpec, "capacity", max(1, int(round(org["capacity"] * factor))))
        org["weekly_cost"] = _fit(OrganizationSpec, "weekly_cost", org["weekly_cost"] * factor)
        org["own_income_per_year"] = _fit(OrganizationSpec, "own_income_per_year", org["own_income_per_year"] * factor)
    for src in data["funding"]["sources"]:
        src["amount_per_year"] = _fit(FundingSource, "amount_per_year", src["amount_per_year"] * factor)
    funding = data["funding"]
    funding["coordination_cost_per_year"] = _fit(FundingParams, "coordination_cost_per_year",
                                                 funding["coordination_cost_per_year"] * factor)
    ret = data["retention"]
    for key in ("initial_patient_partners", "initial_carer_partners", "initial_citizen_partners"):
        if ret[key]:   # a community with partners keeps one
            ret[key] = _fit(RetentionParams, key, max(1, int(ret[key] * factor + 0.5)))
    ret["max_cohort"] = _fit(RetentionParams, "max_cohort", max(1, int(round(ret["max_cohort"] * max(factor, 0.2)))))
    # Counts of patients and places are the community's own: a practice a tenth the size keeps a
    # tenth of the waiting list and of the free places (one at least where there were some).
    ret["target_free_places"] = _fit(RetentionParams, "target_free_places",
                                     _scaled_count(ret["target_free_places"], factor))
    clinical = data["clinical"]
    clinical["waiting_list_max"] = _fit(ClinicalParams, "waiting_list_max",
                                        _scaled_count(clinical["waiting_list_max"], factor))
    data["description"] = (data.get("description") or "") + f" [scaled by {factor:.3g} to {n_residents} residents]"
    return validate(data)
