"""Sweeps at their edges: spec files with a key given twice, explicit points that set different keys,
and other corners of the researcher's path found in review."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from experiments import plan_sweep
from sim.errors import UserError

SPEC = {
    "name": "edges",
    "base_scenario": "centre-sud",
    "residents": 200,
    "fixed": {"network.burn_in_weeks": 4},
    "weeks": 4,
    "replications": 2,
    "root_seed": 3,
    "parameters": {"governance.decision_rule": ["majority", "consensus"]},
}


def test_a_key_given_twice_in_a_spec_file_is_refused(tmp_path):
    """YAML would keep the last of two equal keys and silently drop the first sweep of values."""
    path = tmp_path / "twice.yaml"
    path.write_text("base_scenario: centre-sud\nresidents: 200\nweeks: 4\nparameters:\n"
                    "  governance.decision_rule: [majority]\n  governance.decision_rule: [consensus]\n")
    with pytest.raises(UserError) as info:
        plan_sweep(path)
    assert info.value.file == str(path)
    assert "'governance.decision_rule' twice" in str(info.value) and "line 5" in str(info.value)
