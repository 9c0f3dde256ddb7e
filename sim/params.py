"""Building blocks for parameter declarations.

Every submodel declares its parameters beside its code as a :class:`Section`; each field is made
with :func:`param`, which records its default, unit, allowed range and one-line meaning. The
scenario schema (:mod:`sim.scenario`) assembles the sections, and ``caring-community scenarios
show`` prints them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import ScenarioError, did_you_mean


class Section(BaseModel):
    """A group of parameters; unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, validate_default=True)


def param(default: Any, meaning: str, unit: str = "", ge: float | None = None,
          le: float | None = None, source: str = "", whole: bool = False, **kwargs: Any) -> Any:
    """Declare one parameter: its default, meaning, unit, allowed range and where the default comes from.

    A table (a dict default, such as seats by sector) is completed key by key: a scenario that sets
    some of its keys keeps the others from its parent, defaults included. ``whole=True`` marks a
    table that a scenario names in full instead (its equity groups): setting it replaces the
    parent's. Lists are always replaced whole.
    """
    extra = {"unit": unit}
    if source:
        extra["source"] = source
    if whole:
        extra["whole"] = True
    if isinstance(default, (list, dict)):
        return Field(default_factory=lambda: _copy(default), description=meaning, ge=ge, le=le,
                     json_schema_extra=extra, **kwargs)
    return Field(default, description=meaning, ge=ge, le=le, json_schema_extra=extra, **kwargs)


def _copy(value: Any) -> Any:
    import copy
    return copy.deepcopy(value)


def probability(default: float, meaning: str, unit: str = "probability", source: str = "") -> Any:
    """A parameter that is a probability or share, in [0, 1]."""
    return param(default, meaning, unit=unit, ge=0.0, le=1.0, source=source)


def weekly_from_yearly(rate_per_year: Any) -> Any:
    """The weekly probability equivalent to a yearly probability, for events that occur once
    (a number or a numpy array of them)."""
    return 1.0 - (1.0 - rate_per_year) ** (1.0 / 52.0)


def check_names(names, allowed: tuple[str, ...], what: str, key: str) -> None:
    """Reject names in a parameter table keyed by name (seats by sector, decay by tie kind...) that
    are not among ``allowed``, suggesting the nearest. ``key`` is the table's dotted path."""
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        name = unknown[0]
        raise ScenarioError(f"unknown {what} '{name}'{did_you_mean(name, allowed)}; expected one of "
                            f"{', '.join(allowed)}", key=f"{key}.{name}")


def check_values(values: dict[str, float], key: str, expected: str, low: float = 0.0,
                 high: float = float("inf")) -> None:
    """Reject a value of a parameter table keyed by name outside ``[low, high]``; ``expected`` says
    what was expected (e.g. "a share between 0 and 1")."""
    for name in sorted(values):
        if not low <= values[name] <= high:
            raise ScenarioError(f"expected {expected}, found {values[name]}", key=f"{key}.{name}")
