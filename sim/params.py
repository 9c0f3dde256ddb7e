"""Building blocks for parameter declarations.

Every submodel declares its parameters beside its code as a :class:`Section`; each field is made
with :func:`param`, which records its default, unit, allowed range and one-line meaning. The
scenario schema (:mod:`sim.scenario`) assembles the sections, and ``caring-community scenarios
show`` prints them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    """A group of parameters; unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, validate_default=True)


def param(default: Any, meaning: str, unit: str = "", ge: float | None = None,
          le: float | None = None, source: str = "", **kwargs: Any) -> Any:
    """Declare one parameter: its default, meaning, unit, allowed range and where the default comes from."""
    extra = {"unit": unit}
    if source:
        extra["source"] = source
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


def weekly_from_yearly(rate_per_year: float) -> float:
    """The weekly probability equivalent to a yearly probability, for events that occur once."""
    return 1.0 - (1.0 - rate_per_year) ** (1.0 / 52.0)
