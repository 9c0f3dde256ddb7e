"""Sweep specs: the YAML file a researcher writes, its schema and its validation.

A spec names a base scenario, the parameters to vary (explicit lists for a full factorial or
NetLogo-style sub-experiments, or ranges sampled by Latin hypercube, Sobol or Morris designs), the
number of replications and their root seed, the horizon and the outcomes to keep::

    name: funding-governance
    base_scenario: centre-sud        # a preset name or a scenario file (relative to this spec)
    residents: 2000                  # optional: the same community scaled to this size (30 at least for Centre-Sud)
    years: 5                         # or weeks: 260 (default: the scenario's horizon)
    replications: 20
    root_seed: 2026
    design: full_factorial           # subexperiments | lhs | sobol | morris
    parameters:
      governance.decision_rule: [majority, consensus]
      funding.sources.0.amount_per_year: [0, 125000, 250000]
    outputs: {summary: true, weekly_every: 4}

Every problem is reported as one :class:`sim.errors.UserError` naming the file, the key and what
was expected (the command line exits with status 2).
"""

from __future__ import annotations

import copy
import math
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from sim.errors import ScenarioError, UserError, did_you_mean
from sim.scenario import Scenario, at_size, file_ref, load_scenario, names_a_file, read_yaml_mapping

DESIGNS = ("full_factorial", "subexperiments", "lhs", "sobol", "morris", "points")
MAX_BATCH_SIZE = 10_000   # runs per task

#: The example specs installed with the package (``experiments/specs/``), each named by its file's stem.
SPEC_DIR = Path(__file__).resolve().parent / "specs"


def spec_names() -> list[str]:
    """Names of the example sweep specs shipped in ``experiments/specs/``."""
    return sorted(p.stem for p in SPEC_DIR.glob("*.yaml"))


def spec_path(source: "str | os.PathLike") -> Path:
    """The file a sweep spec reference means: a path as given, or, for a bare name that is no file
    here (``governance-funding``), the example spec of that name installed with the package, so that
    an installed package's examples run from any folder. A folder of that name (a sweep's output
    folder, say) is no spec and does not hide the example."""
    path = Path(source)
    if isinstance(source, str) and not names_a_file(source) and not path.is_file():
        shipped = SPEC_DIR / f"{source}.yaml"
        if shipped.is_file():
            return shipped
    return path


class Range(BaseModel):
    """A continuous (or integer) interval sampled by the LHS, Sobol and Morris designs."""

    model_config = ConfigDict(extra="forbid")
    low: float
    high: float
    integer: bool | None = Field(None, description="round sampled values; default: the parameter's own type")


def _no_bool(value: Any, info: ValidationInfo) -> Any:
    """Refuse ``true``/``false`` where a number is expected (pydantic would read true as 1)."""
    if isinstance(value, bool):
        what = "a number" if info.field_name == "years" else "a whole number"
        raise ValueError(f"expected {what}; found {str(value).lower()}")
    return value


class Outputs(BaseModel):
    """Which outcomes to keep: the final-year summary and/or the weekly series every k weeks.

    ``summary: false`` keeps no outcome in ``summary/``, only each finished run's ids and swept
    parameters (the run index, which readers and resuming rely on).
    """

    model_config = ConfigDict(extra="forbid")
    summary: bool | list[str] = Field(True, description="true (all), false (none: ids and parameters only), "
                                                        "or the summary columns to keep")
    weekly_every: int | None = Field(None, ge=1, le=5200, description="keep the weekly series every k weeks (none: "
                                                                    "not kept)")
    weekly_columns: list[str] | None = Field(None, description="the weekly columns to keep (default: all)")

    _numbers = field_validator("weekly_every", mode="before")(_no_bool)


class SweepSpec(BaseModel):
    """One sweep: base scenario, design, replications, seeds, horizon and outputs."""

    model_config = ConfigDict(extra="forbid")
    name: str = ""
    description: str = ""
    base_scenario: str | dict = Field(..., description="a preset name, a scenario file, or a scenario dict")
    residents: int | None = Field(None, ge=1, description="scale the base scenario to this many residents (at least "
                                                          "20 clinic patients and their other residents: 30 "
                                                          "for Centre-Sud)")
    fixed: dict[str, Any] = Field(default_factory=dict, description="dotted overrides applied to every run")
    years: float | None = Field(None, gt=0, le=100)
    weeks: int | None = Field(None, ge=1, le=5200)
    replications: int = Field(1, ge=1, le=1_000_000)
    root_seed: int = Field(0, ge=0)
    design: Literal["full_factorial", "subexperiments", "lhs", "sobol", "morris", "points"] = "full_factorial"
    parameters: dict[str, list[Any]] = Field(default_factory=dict, description="full factorial: key -> values")
    subexperiments: list[dict[str, list[Any]]] = Field(default_factory=list,
                                                       description="each: key -> values, crossed within it only")
    ranges: dict[str, Range] = Field(default_factory=dict, description="lhs/sobol/morris: key -> [low, high]")
    samples: int | None = Field(None, ge=1, le=1_000_000, description="lhs: points; sobol: base sample N (a power "
                                                                      "of 2); morris: trajectories")
    sample_seed: int | None = Field(None, ge=0, description="seed of the sampler (default: root_seed)")
    calc_second_order: bool = True
    num_levels: int = Field(4, ge=2, le=100)
    points: list[dict[str, Any]] = Field(default_factory=list, description="explicit design points")
    outputs: Outputs = Field(default_factory=Outputs)
    batch_size: int | None = Field(None, ge=1, le=MAX_BATCH_SIZE, description="runs per task (default: automatic)")

    _numbers = field_validator("residents", "years", "weeks", "replications", "root_seed", "samples",
                               "sample_seed", "num_levels", "batch_size", mode="before")(_no_bool)

    @field_validator("ranges", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        """Accept ``key: [low, high]`` as well as ``key: {low: .., high: ..}``."""
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if isinstance(v, (list, tuple)):
                    if len(v) != 2:
                        raise ValueError(f"expected [low, high] for the range of '{k}'; found {len(v)} values")
                    v = {"low": v[0], "high": v[1]}
                elif not isinstance(v, dict):   # pydantic: "a valid dictionary or instance of Range"
                    raise ValueError(f"expected [low, high] or {{low: .., high: ..}} for the range of '{k}'; "
                                     f"found {v!r}")
                out[k] = v
            return out
        return value


# ----------------------------------------------------------------------------- loading
def _error(detail: str, file: str | None, key: str | None = None) -> UserError:
    return UserError(detail, file=file, key=key)


def read_spec(source: "str | Path | dict | SweepSpec") -> tuple[SweepSpec, str | None, str]:
    """The spec, the file it came from (or None) and its text as given (written as ``spec.yaml``)."""
    if isinstance(source, SweepSpec):  # checked again from plain values, as a dict would be
        source = source.model_dump(exclude_defaults=True)
    if isinstance(source, dict):
        data, file = plain(source), None
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    elif isinstance(source, (str, os.PathLike)):
        path = spec_path(source)
        file = str(path)
        data, text = read_yaml_mapping(path, what="a sweep spec", example="'base_scenario: centre-sud'",
                                       missing="expected an existing sweep spec (a YAML file, or the name of an "
                                               f"example spec: {', '.join(spec_names())}); found no such file",
                                       error=UserError)
    else:
        raise UserError(f"expected a sweep spec: a YAML file's path, a dict or a SweepSpec; found "
                        f"{type(source).__name__} {source!r}", key="spec")
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as e:
        raise _spec_error(e, file) from None
    if file is not None and isinstance(spec.base_scenario, str) and names_a_file(spec.base_scenario):
        spec = spec.model_copy(update={"base_scenario": str(file_ref(spec.base_scenario, Path(file)))})
    return spec, file, text


def plain(value: Any) -> Any:
    """A copy of ``value`` made of plain Python values: numpy scalars and arrays, pandas values and
    tuples (from a notebook) become ints, floats, strings and lists, which YAML and JSON can write."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy arrays, pandas Series/Index
        return plain(value.tolist())
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return value.item()
    return copy.deepcopy(value)


def _spec_error(e: ValidationError, file: str | None) -> UserError:
    """The one message for a spec pydantic refused. An unknown key is named first: a misspelt key
    (``{low: 0.3, hi: 3}``) also leaves the right one missing, and "unknown key 'hi' (did you mean
    'high'?)" says what to fix where "'high' is required" does not."""
    errors = e.errors()
    err = next((x for x in errors if x["type"] == "extra_forbidden"), errors[0])
    loc = [str(x) for x in err["loc"]]
    key = ".".join(loc)
    found = err.get("input")
    if loc[0] == "parameters" and len(loc) == 2 and isinstance(found, dict) and {"low", "high"} & set(found):
        return _error(f"expected a list of values to sweep; found a range {found!r}: ranges go under 'ranges:' "
                      "(designs lhs, sobol, morris)", file, key)
    if err["type"] == "extra_forbidden":
        parent = SweepSpec if len(loc) == 1 else {"outputs": Outputs, "ranges": Range}.get(loc[0], Range)
        allowed = list(parent.model_fields)
        return _error(f"unknown key '{loc[-1]}'{did_you_mean(loc[-1], allowed)}; expected one of: "
                      f"{', '.join(allowed)}", file, key)
    if err["type"] == "missing":
        return _error("this key is required" + (" (a preset name or a scenario file)" if loc == ["base_scenario"]
                                                else ""), file, key)
    if err["type"] == "value_error":
        return _error(err["msg"].removeprefix("Value error, "), file, key or None)
    msg = err["msg"].removeprefix("Input should be ")
    if err["type"] == "int_parsing_size":   # a whole number too large for pydantic (1e308): "unable to parse..."
        msg = "a smaller whole number"
    if msg.startswith(("greater", "less")):
        msg = "a value " + msg
    return _error(f"expected {msg[0].lower() + msg[1:]}; found {found!r}", file, key or None)


# ----------------------------------------------------------------------------- checking
def base_scenario(spec: SweepSpec, file: str | None) -> Scenario:
    """The validated base scenario: the named one, scaled and with the fixed overrides applied."""
    try:
        scenario = load_scenario(spec.base_scenario)
    except ScenarioError as e:
        where = f" ({e.file}" + (f", key '{e.key}'" if e.key else "") + ")" if e.file or e.key else ""
        raise _error(f"expected a usable base scenario{where}: {e.detail}", file, "base_scenario") from None
    try:
        scenario = at_size(scenario, spec.residents)
    except ScenarioError as e:
        raise _error(e.detail, file, "residents") from None
    if spec.fixed:
        try:
            scenario = load_scenario(scenario, spec.fixed)
        except ScenarioError as e:
            raise _error(e.detail, file, f"fixed.{e.key}" if e.key else "fixed") from None
    return scenario


def horizon_weeks(spec: SweepSpec, scenario: Scenario) -> int:
    if spec.weeks is not None and spec.years is not None:
        raise _error("expected either 'weeks' or 'years', not both", None, "years")
    if spec.weeks is not None:
        return spec.weeks
    if spec.years is not None:
        return max(1, int(round(spec.years * 52)))
    return scenario.weeks


def value_at(scenario: Scenario, dotted: str) -> Any:
    """The base scenario's value at a dotted key (None when the path does not exist yet)."""
    node: Any = scenario.model_dump(mode="json")
    for part in dotted.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def check_value(scenario: Scenario, dotted: str, value: Any, file: str | None, where: str) -> None:
    """Raise a UserError naming the spec key unless ``dotted = value`` is a valid scenario override."""
    try:
        load_scenario(scenario, {dotted: value})
    except ScenarioError as e:
        if e.key and e.key != dotted and not dotted.startswith(e.key + ".") and not e.key.startswith(dotted):
            detail = e.detail
        elif e.key and e.key != dotted:  # the path itself is wrong
            detail = f"'{dotted}' is not a scenario parameter: at '{e.key}', {e.detail}"
        else:
            detail = f"{e.detail}"
        raise _error(detail, file, where) from None


def check_spec(spec: SweepSpec, file: str | None, scenario: Scenario) -> None:
    """Check the design-specific keys and every swept parameter against the base scenario."""
    kind = spec.design
    used = {"full_factorial": "parameters", "subexperiments": "subexperiments", "lhs": "ranges",
            "sobol": "ranges", "morris": "ranges", "points": "points"}[kind]
    for other in ("parameters", "subexperiments", "ranges", "points"):
        if other != used and getattr(spec, other):
            raise _error(f"design '{kind}' takes its parameters from '{used}'; found '{other}' as well", file, other)
    if not getattr(spec, used) and kind != "full_factorial":
        raise _error(f"design '{kind}' needs at least one parameter under '{used}'; found none", file, used)
    _check_not_swept(spec, file)
    if kind == "full_factorial":
        _check_lists(spec.parameters, scenario, file, "parameters")
    elif kind == "subexperiments":
        for i, sub in enumerate(spec.subexperiments):
            if not sub:
                raise _error("expected a sub-experiment mapping at least one key to a list of values; found an "
                             "empty mapping", file, f"subexperiments.{i}")
            _check_lists(sub, scenario, file, f"subexperiments.{i}")
    elif kind == "points":
        check_point_keys(spec.points, file)
        for i, point in enumerate(spec.points):
            for k, v in point.items():
                check_value(scenario, k, v, file, f"points.{i}.{k}")
    else:
        _check_ranges(spec, scenario, file)
    if kind in ("lhs", "sobol", "morris") and spec.samples is None:
        what = {"lhs": "the number of points", "sobol": "the base sample size N (a power of 2, e.g. 64)",
                "morris": "the number of trajectories (e.g. 10)"}[kind]
        raise _error(f"design '{kind}' needs 'samples': {what}; found none", file, "samples")
    if kind == "sobol":
        n = spec.samples
        if n < 2 or n & (n - 1):
            lower = 2 ** int(math.floor(math.log2(n))) if n >= 2 else 2
            raise _error(f"a Sobol design needs a base sample size that is a power of 2 (e.g. {lower} or "
                         f"{max(2, lower * 2)}); found {n}", file, "samples")
    if kind == "morris" and len(spec.ranges) < 1:
        raise _error("a Morris design needs at least one range", file, "ranges")
    if kind == "morris" and spec.samples < 2:   # one trajectory: no spread of the effects, so no σ nor interval
        raise _error(f"a Morris design needs at least 2 trajectories (with one, μ*'s interval and σ cannot be "
                     f"computed), e.g. 10; found {spec.samples}", file, "samples")
    if kind == "morris" and spec.num_levels % 2:
        raise _error(f"a Morris design needs an even num_levels (with an odd number, SALib's trajectories are "
                     f"biased), e.g. {spec.num_levels - 1} or {spec.num_levels + 1}; found {spec.num_levels}",
                     file, "num_levels")
    if spec.weeks is not None and spec.years is not None:
        raise _error("expected either 'weeks' or 'years', not both", file, "years")
    oc = spec.outputs
    if oc.summary is False and not oc.weekly_every:
        raise _error("expected at least one kind of output: the summary or the weekly series (weekly_every)",
                     file, "outputs")


#: Scenario keys a sweep may not vary: labels that change no result, whose runs could not be set
#: side by side (a sweep's summaries and sensitivity indices would add euros to dollars).
#: Each says why, and how to do what the user wanted.
NOT_SWEPT = {"funding.currency": "the currency the amounts are in is a label, not a lever (the model converts "
                                 "nothing), and a sweep's amounts are added and compared across its runs. Set it for "
                                 "every run under 'fixed' (funding.currency: EUR) or in the base scenario, and sweep "
                                 "each currency's scenarios into a folder of its own"}


def _check_not_swept(spec: SweepSpec, file: str | None) -> None:
    """Refuse a swept key of :data:`NOT_SWEPT`; it may be set for every run under ``fixed``."""
    swept = [(f"parameters.{k}", k) for k in spec.parameters]
    swept += [(f"subexperiments.{i}.{k}", k) for i, sub in enumerate(spec.subexperiments) for k in sub]
    swept += [(f"ranges.{k}", k) for k in spec.ranges]
    swept += [(f"points.{i}.{k}", k) for i, point in enumerate(spec.points) for k in point]
    for where, key in swept:
        if key in NOT_SWEPT:
            raise _error(f"expected a parameter to vary; found '{key}', which a sweep cannot vary: {NOT_SWEPT[key]}",
                         file, where)


def _same(value: Any) -> str:
    """What makes two swept values the same run: numbers by value (1 and 1.0), anything else by repr."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(float(value))
    return repr(value)


def check_point_keys(points: list[dict[str, Any]], file: str | None) -> None:
    """Every explicit design point sets the same keys (in any order), at least one, and no point is repeated."""
    keys = list(points[0])
    if not keys:
        raise _error("expected a design point setting at least one key; found an empty mapping", file, "points.0")
    for i, point in enumerate(points):
        if set(point) != set(keys):
            missing, extra = [k for k in keys if k not in point], [k for k in point if k not in keys]
            what = "; ".join(filter(None, [f"lacks {', '.join(missing)}" if missing else "",
                                           f"sets {', '.join(extra)} as well" if extra else ""]))
            raise _error(f"expected every point to set the same keys as the first ({', '.join(keys)}); this one "
                         f"{what}", file, f"points.{i}")
    seen: dict[tuple, int] = {}
    for i, point in enumerate(points):
        same = tuple(sorted((k, _same(v)) for k, v in point.items()))
        if same in seen:
            raise _error(f"expected distinct design points; found point {i} equal to point {seen[same]} (the same "
                         "values run with the same seeds give the same results twice)", file, f"points.{i}")
        seen[same] = i


def _check_lists(mapping: dict[str, list], scenario: Scenario, file: str | None, where: str) -> None:
    for key, values in mapping.items():
        if not values:
            raise _error("expected a non-empty list of values; found an empty list", file, f"{where}.{key}")
        for v in values:   # a list or mapping as a value first: it is what is wrong, not its type or repetition
            check_plain_value(v, file, f"{where}.{key}", scenario, key)
        kinds = {"number" if isinstance(v, (int, float)) and not isinstance(v, bool) else type(v).__name__
                 for v in values}
        if len(kinds) > 1:
            raise _error(f"expected values of one type; found a mix ({', '.join(sorted(kinds))})", file,
                         f"{where}.{key}")
        if len(set(map(_same, values))) != len(values):   # 1 and 1.0 are one value (and would be one run)
            raise _error(f"expected distinct values; found a repeated value in {values!r}", file, f"{where}.{key}")
        for v in values:
            check_value(scenario, key, v, file, f"{where}.{key}")


def check_plain_value(value: Any, file: str | None, where: str, scenario: Scenario | None = None,
                      dotted: str | None = None) -> None:
    """A swept value is one cell of the design table: a number, a text, true/false or null.

    A list or a mapping is refused with a suggestion of a key inside it to sweep instead: one of
    that mapping (or of the base scenario's value at ``dotted``), e.g. ``governance.seats.city``
    for ``governance.seats: [{city: 1}, ...]``.
    """
    if not isinstance(value, (list, tuple, dict)):
        return
    found = f"found a {'mapping' if isinstance(value, dict) else 'list'}"
    base = value_at(scenario, dotted) if scenario is not None and dotted else None
    if base is not None and not isinstance(base, (list, dict)):   # a plain parameter given lists of values
        raise _error(f"expected a number, a text or true/false as a swept value; {found}: '{dotted}' takes one "
                     f"value per run (here {base!r}), so list the values themselves, one per design point",
                     file, where)
    raise _error(f"expected a number, a text or true/false as a swept value; {found}: sweep the fields inside "
                 f"it instead (e.g. '{_inner_key(value, base, dotted)}'), or write one scenario file per variant",
                 file, where)


def _inner_key(value: Any, base: Any, dotted: str | None) -> str:
    """A dotted key inside the list or mapping swept at ``dotted``, to suggest sweeping instead: down
    the base scenario's value there, ``base`` (a key of the swept mapping itself where both are mappings), to
    its first number (or first plain value). A key a sweep may not vary (:data:`NOT_SWEPT`, such as
    ``funding.currency``) is never suggested."""
    fallback = "funding.sources.0.end_week"
    if not dotted:
        return fallback

    def sweepable(mapping: dict, at: str) -> dict:
        return {k: v for k, v in mapping.items() if f"{at}.{k}" not in NOT_SWEPT}

    node = base if isinstance(base, (list, dict)) and base else value
    if isinstance(value, dict) and sweepable(value, dotted) and isinstance(base, dict):   # the user's own key:
        node = value                                                                      # governance.seats.city
    path = dotted
    for _ in range(4):   # down to a plain value, as deep as a scenario goes
        # a mapping: its first number, what a sweep most often varies (else its first key)
        if isinstance(node, dict) and (options := sweepable(node, path)):
            name = next((k for k, v in options.items() if isinstance(v, (int, float)) and not isinstance(v, bool)),
                        next(iter(options)))
            path, node = f"{path}.{name}", node[name]
        elif isinstance(node, (list, tuple)) and node:
            path, node = f"{path}.0", node[0]
        else:
            break
    return path if path != dotted and not isinstance(node, (list, tuple, dict)) else fallback


def _check_ranges(spec: SweepSpec, scenario: Scenario, file: str | None) -> None:
    for key, r in spec.ranges.items():
        where = f"ranges.{key}"
        if not (math.isfinite(r.low) and math.isfinite(r.high)) or not r.low < r.high:
            raise _error(f"expected a non-empty range with low < high; found [{r.low:g}, {r.high:g}]", file, where)
        base = value_at(scenario, key)
        if isinstance(base, bool) or isinstance(base, str) or isinstance(base, (list, dict)):
            raise _error(f"expected a numeric parameter for a range; '{key}' is {type(base).__name__} "
                         f"(use design full_factorial or subexperiments for it)", file, where)
        integer = r.integer if r.integer is not None else isinstance(base, int)
        for v in (r.low, r.high):
            check_value(scenario, key, int(round(v)) if integer else float(v), file, where)


def is_integer(spec: SweepSpec, scenario: Scenario, key: str) -> bool:
    r = spec.ranges[key]
    return r.integer if r.integer is not None else isinstance(value_at(scenario, key), int) and \
        not isinstance(value_at(scenario, key), bool)
