"""The small sweep the sweep tests run: two design points (the governance's decision rule) of a
200-resident Centre-Sud for four weeks, a few seconds in all."""

from __future__ import annotations

from typing import Any


def tiny_spec(name: str, **changes: Any) -> dict[str, Any]:
    """The tiny sweep spec named ``name``, with top-level ``changes`` (e.g. ``replications=3``)."""
    return {
        "name": name,
        "base_scenario": "centre-sud",
        "residents": 200,
        "fixed": {"network.burn_in_weeks": 4},
        "weeks": 4,
        "replications": 2,
        "root_seed": 3,
        "parameters": {"governance.decision_rule": ["majority", "consensus"]},
        **changes,
    }
