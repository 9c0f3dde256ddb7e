"""A missing file named by a relative reference is reported where the reference means it: relative
to the scenario file (``extends:``) or to the sweep spec (``base_scenario:``), as the README says,
not relative to the folder the command happened to be run from."""

from __future__ import annotations

import pytest
import yaml

from experiments import plan_sweep
from sim.errors import ScenarioError, UserError
from sim.scenario import load_scenario


def test_missing_parent_is_reported_next_to_the_scenario_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "child.yaml").write_text("extends: parent.yaml\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario("sub/child.yaml")
    assert info.value.key == "extends"
    assert f"no such file: {tmp_path / 'sub' / 'parent.yaml'}" in str(info.value), str(info.value)


def test_parent_beside_the_file_still_wins_and_cwd_fallback_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "child.yaml").write_text("extends: parent.yaml\n")
    (tmp_path / "parent.yaml").write_text("extends: centre-sud\ntitle: from the working folder\n")
    assert load_scenario("sub/child.yaml").title == "from the working folder"
    (tmp_path / "sub" / "parent.yaml").write_text("extends: centre-sud\ntitle: beside the file\n")
    assert load_scenario("sub/child.yaml").title == "beside the file"


def test_missing_base_scenario_is_reported_next_to_the_spec(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    spec = {"name": "rel", "base_scenario": "../scenarios/../mine.yaml", "residents": 500, "weeks": 4,
            "replications": 1, "root_seed": 1, "design": "full_factorial",
            "parameters": {"network.homophily": [0.5]}}
    path = tmp_path / "specs" / "rel.yaml"
    path.write_text(yaml.safe_dump(spec))
    with pytest.raises(UserError) as info:
        plan_sweep(path)
    message = str(info.value)
    assert info.value.key == "base_scenario"
    assert str(tmp_path.parent / "mine.yaml") not in message, message   # not relative to the working folder
    assert f"({tmp_path / 'mine.yaml'})" in message, message                 # relative to the spec
