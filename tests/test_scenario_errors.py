"""Bad input gets one clear message — file, key path, what was expected, what was found — and exit
status 2, never a traceback (issue 2, item 8). Each case is checked through the Python API
(:func:`sim.scenario.load_scenario` raises :class:`sim.errors.ScenarioError`) and through the
command line (:func:`sim.cli.main` returns 2 and prints one ``error:`` line on stderr)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import ScenarioError, UserError
from sim.scenario import load_scenario

CONSOLE_SCRIPT = Path(sys.executable).parent / "caring-community"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# Each case: files to write, the reference to load (a file name in tmp_path or a preset name), the
# file the message must name (None: no file), the key path it must name (None: none applies), and
# further fragments the message must contain (what was expected, what was found, a suggestion).
CASES = {
    "malformed_yaml": dict(
        files={"bad.yaml": "extends: centre-sud\npopulation:\n  n_patients: [200\n"},
        ref="bad.yaml", file="bad.yaml", key=None,
        fragments=["malformed YAML", "line ", "expected well-formed YAML", "found a syntax error"]),
    "malformed_yaml_tab": dict(
        files={"tab.yaml": "population:\n\tn_patients: 200\n"},
        ref="tab.yaml", file="tab.yaml", key=None,
        fragments=["malformed YAML", "line 2", "found"]),
    "duplicate_key": dict(
        files={"dup.yaml": "extends: centre-sud\npopulation:\n  n_patients: 200\npopulation:\n  share_65plus: 0.3\n"},
        ref="dup.yaml", file="dup.yaml", key=None,
        fragments=["malformed YAML at line 4", "expected each key once", "found the key 'population' twice"]),
    "key_that_is_a_number": dict(
        files={"numkey.yaml": "1: x\n"},
        ref="numkey.yaml", file="numkey.yaml", key="1",
        fragments=["expected a key that is text (a name); found: 1, which is not text"]),
    "table_key_that_is_a_number": dict(
        files={"seatkey.yaml": "governance: {seats: {1: 2}}\n"},
        ref="seatkey.yaml", file="seatkey.yaml", key="governance.seats.1",
        fragments=["expected a key that is text (a name); found: 1, which is not text"]),
    "key_that_is_a_list": dict(
        files={"listkey.yaml": "? [1, 2]\n: 3\n"},
        ref="listkey.yaml", file="listkey.yaml", key=None,
        fragments=["malformed YAML at line 1", "found unhashable key"]),
    "top_level_not_a_mapping": dict(
        files={"list.yaml": "- centre-sud\n- 200\n"},
        ref="list.yaml", file="list.yaml", key=None,
        fragments=["expected a mapping", "found a list"]),
    "wrong_type": dict(
        files={"type.yaml": "extends: centre-sud\npopulation:\n  n_patients: lots\n"},
        ref="type.yaml", file="type.yaml", key="population.n_patients",
        fragments=["expected a valid integer", "found: 'lots'"]),
    "true_for_a_number": dict(
        files={"bool.yaml": "extends: centre-sud\nyears: true\n"},
        ref="bool.yaml", file="bool.yaml", key="years",
        fragments=["expected a number (allowed range [0.02, 100.0]", "found: True (true/false is not a number)"]),
    "false_for_a_number_in_a_table": dict(
        files={"seats.yaml": "extends: centre-sud\ngovernance: {seats: {city: false}}\n"},
        ref="seats.yaml", file="seats.yaml", key="governance.seats.city",
        fragments=["expected a number", "found: False (true/false is not a number)"]),
    "true_for_a_number_in_a_list_item": dict(
        files={"org.yaml": "extends: centre-sud\norganizations:\n  - {name: Food bank, capacity: true}\n"},
        ref="org.yaml", file="org.yaml", key="organizations.0.capacity",
        fragments=["expected a number (allowed range [1, ", "found: True"]),
    "whole_number_too_large": dict(
        files={"big.yaml": "extends: centre-sud\npopulation: {n_patients: 1.0e+300}\n"},
        ref="big.yaml", file="big.yaml", key="population.n_patients",
        fragments=["expected a smaller whole number (allowed range [20, 5000000]", "found: 1e+300"]),
    "nested_too_deep": dict(
        files={"deep.yaml": "extends: centre-sud\ntitle: " + "[" * 40 + "]" * 40 + "\n"},
        ref="deep.yaml", file="deep.yaml", key=None,
        fragments=["expected at most 32 levels of lists and mappings", "found more"]),
    "nested_too_deep_for_the_yaml_reader": dict(
        files={"deeper.yaml": "population: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n"},
        ref="deeper.yaml", file="deeper.yaml", key=None,
        fragments=["expected at most 32 levels of lists and mappings", "found more"]),
    "aliases_that_expand_too_far": dict(
        files={"laughs.yaml": "sources:\n  - &l0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"  - &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 8))},
        ref="laughs.yaml", file="laughs.yaml", key=None,
        fragments=["expected at most 1,000,000 values (aliases such as *anchor count each time", "found "]),
    "alias_inside_its_own_anchor": dict(
        files={"loop.yaml": "extends: centre-sud\nsources: &s [x, *s]\n"},
        ref="loop.yaml", file="loop.yaml", key=None,
        fragments=["found one that contains itself (an alias inside its own anchor)"]),
    "wrong_type_section": dict(
        files={"section.yaml": "extends: centre-sud\ngovernance: 3\n"},
        ref="section.yaml", file="section.yaml", key="governance",
        fragments=["expected a valid dictionary", "found: 3"]),
    "out_of_range_probability": dict(
        files={"range.yaml": "extends: centre-sud\npopulation:\n  share_65plus_living_alone: 1.5\n"},
        ref="range.yaml", file="range.yaml", key="population.share_65plus_living_alone",
        fragments=["expected a number less than or equal to 1", "allowed range [0.0, 1.0]", "found: 1.5"]),
    "horizon_not_a_number": dict(
        files={"nan.yaml": "years: .nan\n"},
        ref="nan.yaml", file="nan.yaml", key="years",
        fragments=["expected a finite number (allowed range [0.02, 100.0]", "found: nan"]),
    "infinite_probability": dict(
        files={"inf.yaml": "population: {share_65plus: .inf}\n"},
        ref="inf.yaml", file="inf.yaml", key="population.share_65plus",
        fragments=["expected a finite number (allowed range [0.0, 1.0]", "found: inf"]),
    "negative_amount_in_a_list": dict(
        files={"money.yaml": "extends: centre-sud\nfunding:\n  sources:\n"
                             "    - {name: City, sector: city, amount_per_year: -5, start_week: 0}\n"},
        ref="money.yaml", file="money.yaml", key="funding.sources.0.amount_per_year",
        fragments=["expected a number greater than or equal to 0", "found: -5"]),
    "misspelt_section": dict(
        files={"typo.yaml": "extends: centre-sud\npopulaton:\n  n_patients: 200\n"},
        ref="typo.yaml", file="typo.yaml", key="populaton",
        fragments=["unknown key 'populaton'", "did you mean 'population'?", "expected one of:", "found: 'populaton'"]),
    "misspelt_parameter": dict(
        files={"typo2.yaml": "extends: centre-sud\npopulation:\n  share_65plus_livng_alone: 0.3\n"},
        ref="typo2.yaml", file="typo2.yaml", key="population.share_65plus_livng_alone",
        fragments=["did you mean 'share_65plus_living_alone'?", "expected one of:",
                   "found: 'share_65plus_livng_alone'"]),
    "misspelt_key_in_list_item": dict(
        files={"org.yaml": "extends: centre-sud\norganizations:\n"
                           "  - {name: Food bank, kind: food_bank, target: all, capacty: 30}\n"},
        ref="org.yaml", file="org.yaml", key="organizations.0.capacty",
        fragments=["did you mean 'capacity'?"]),
    "missing_file": dict(
        files={}, ref="nowhere.yaml", file="nowhere.yaml", key=None,
        fragments=["expected an existing scenario file", "found no such file"]),
    "missing_file_named_like_a_preset": dict(
        files={}, ref="centre-sud.yaml", file="centre-sud.yaml", key=None,
        fragments=["found no such file; did you mean the preset 'centre-sud'? (a preset is named without '.yaml')"]),
    "missing_parent_named_like_a_preset": dict(
        files={"kid.yaml": "extends: rhizomes.yaml\n"},
        ref="kid.yaml", file="kid.yaml", key="extends",
        fragments=["no such file", "did you mean the preset 'rhizomes'?"]),
    "unknown_preset": dict(
        files={}, ref="centre-sudd", file=None, key=None,
        fragments=["unknown preset 'centre-sudd'", "did you mean 'centre-sud'?", "expected", "hospital-baseline"]),
    "unknown_preset_in_extends": dict(
        files={"child.yaml": "extends: hospital-basline\n"},
        ref="child.yaml", file="child.yaml", key="extends",
        fragments=["unknown preset 'hospital-basline'", "did you mean 'hospital-baseline'?"]),
    "extends_cycle": dict(
        files={"a.yaml": "extends: b.yaml\npopulation: {n_patients: 200}\n",
               "b.yaml": "extends: a.yaml\npopulation: {n_patients: 300}\n"},
        ref="a.yaml", file="b.yaml", key="extends",  # b.yaml is the file whose extends closes the cycle
        fragments=["cycle", "a.yaml -> b.yaml -> a.yaml", "expected"]),
    "extends_itself": dict(
        files={"self.yaml": "extends: self.yaml\n"},
        ref="self.yaml", file="self.yaml", key="extends",
        fragments=["cycle", "self.yaml -> self.yaml"]),
    "extends_missing_parent": dict(
        files={"orphan.yaml": "extends: parent-that-is-not-there.yaml\n"},
        ref="orphan.yaml", file="orphan.yaml", key="extends",
        fragments=["expected an existing scenario file", "found 'parent-that-is-not-there.yaml'"]),
    "extends_not_a_name": dict(
        files={"num.yaml": "extends: [centre-sud]\n"},
        ref="num.yaml", file="num.yaml", key="extends",
        fragments=["expected the name or path of a scenario", "found ['centre-sud']"]),
    "misspelt_sector": dict(
        files={"seats.yaml": "extends: centre-sud\ngovernance:\n"
                             "  seats: {health_institution: 2, citty: 1, community: 2}\n"},
        ref="seats.yaml", file="seats.yaml", key="governance.seats.citty",
        fragments=["unknown sector 'citty'", "did you mean 'city'?", "expected one of"]),
    "negative_seat_count": dict(
        files={"seats.yaml": "extends: centre-sud\ngovernance:\n  seats: {city: -1}\n"},
        ref="seats.yaml", file="seats.yaml", key="governance.seats.city",
        fragments=["expected a seat count from 0 to 1,000", "found -1"]),
    "seat_count_too_large": dict(
        files={"seats.yaml": "extends: centre-sud\ngovernance:\n  seats: {city: 1000000000000000000000000000000}\n"},
        ref="seats.yaml", file="seats.yaml", key="governance.seats.city",
        fragments=["expected a seat count from 0 to 1,000", "found 1000000000000000000000000000000"]),
    "misspelt_compensation_mode": dict(
        files={"quit.yaml": "extends: centre-sud\nretention:\n  attrition_per_year: {volunter: 0.3}\n"},
        ref="quit.yaml", file="quit.yaml", key="retention.attrition_per_year.volunter",
        fragments=["unknown compensation mode 'volunter'", "did you mean 'volunteer'?",
                   "expected one of paid, volunteer, timebank, recognition"]),
    "attrition_above_one": dict(
        files={"quit.yaml": "extends: centre-sud\nretention:\n  attrition_per_year: {paid: 1.3}\n"},
        ref="quit.yaml", file="quit.yaml", key="retention.attrition_per_year.paid",
        fragments=["expected a share between 0 and 1", "found 1.3"]),
    "misspelt_tie_kind": dict(
        files={"decay.yaml": "extends: centre-sud\nties:\n  decay_per_year: {kinn: 0.1}\n"},
        ref="decay.yaml", file="decay.yaml", key="ties.decay_per_year.kinn",
        fragments=["unknown tie kind 'kinn'", "did you mean 'kin'?"]),
    "negative_decay": dict(
        files={"decay.yaml": "extends: centre-sud\nties:\n  decay_per_year: {kin: -0.1}\n"},
        ref="decay.yaml", file="decay.yaml", key="ties.decay_per_year.kin",
        fragments=["expected a share between 0 and 1", "found -0.1"]),
    "misspelt_profession": dict(
        files={"team.yaml": "extends: centre-sud\nclinical:\n  professions: {physican: {count: 3}}\n"},
        ref="team.yaml", file="team.yaml", key="clinical.professions.physican",
        fragments=["unknown profession 'physican'", "did you mean 'physician'?", "expected one of physician"]),
    "no_adults_left": dict(
        files={"ages.yaml": "extends: centre-sud\npopulation: {share_children: 0.6, share_65plus: 0.5}\n"},
        ref="ages.yaml", file="ages.yaml", key="population.share_65plus",
        fragments=["expected share_children + share_65plus below 1", "found 0.6 + 0.5 = 1.1"]),
    "no_equity_group": dict(
        files={"groups.yaml": "extends: centre-sud\npopulation:\n  equity_groups: {}\n"},
        ref="groups.yaml", file="groups.yaml", key="population.equity_groups",
        fragments=["expected at least one equity group", "found none"]),
    "equity_group_shares_all_zero": dict(
        files={"zero.yaml": "population: {n_patients: 100, equity_groups: {a: {share: 0}, b: {share: 0}}}\n"},
        ref="zero.yaml", file="zero.yaml", key="population.equity_groups",
        fragments=["expected equity group shares that sum above 0", "found all 0"]),
    "no_neighbourhood": dict(
        files={"nb.yaml": "extends: centre-sud\npopulation: {neighbourhoods: []}\n"},
        ref="nb.yaml", file="nb.yaml", key="population.neighbourhoods",
        fragments=["expected at least one neighbourhood", "found an empty list"]),
    "unknown_mentor_neighbourhood": dict(
        files={"mentor.yaml": "extends: rhizomes\npopulation:\n  neighbourhoods:\n"
                              "    - {name: centre-sud, share: 0.5}\n"
                              "    - {name: ouest, share: 0.5, mentored_by: centre-su}\n"},
        ref="mentor.yaml", file="mentor.yaml", key="population.neighbourhoods.1.mentored_by",
        fragments=["expected the name of another neighbourhood (centre-sud)", "found 'centre-su'",
                   "did you mean 'centre-sud'?"]),
    "organization_in_unknown_neighbourhood": dict(
        files={"orgnb.yaml": "extends: rhizomes\norganizations:\n"
                             "  - {name: X, kind: food_bank, target: all, neighbourhood: oest}\n"},
        ref="orgnb.yaml", file="orgnb.yaml", key="organizations.0.neighbourhood",
        fragments=["expected one of the neighbourhoods (centre-sud, ouest)", "found 'oest'", "did you mean 'ouest'?"]),
    "no_adults_left_at_exactly_one": dict(   # the bound itself: children and seniors leave no adult
        files={"ages1.yaml": "extends: centre-sud\npopulation: {share_children: 0.5, share_65plus: 0.5}\n"},
        ref="ages1.yaml", file="ages1.yaml", key="population.share_65plus",
        fragments=["expected share_children + share_65plus below 1", "found 0.5 + 0.5 = 1"]),
    "no_adults_once_rounded": dict(   # shares below 1, but 20 residents round to 10 children and 10 aged 65+
        files={"ages20.yaml": "extends: centre-sud\npopulation: {n_patients: 20, citizens_per_patient: 0.0, "
                              "share_children: 0.5, share_65plus: 0.48}\n"},
        ref="ages20.yaml", file="ages20.yaml", key="population.share_65plus",
        fragments=["expected share_children + share_65plus to leave at least one adult among the 20 residents",
                   "found 10 children and 10 aged 65+"]),
    "neighbourhood_named_twice": dict(
        files={"twice.yaml": "extends: centre-sud\npopulation:\n  neighbourhoods: [{name: est}, {name: est}]\n"},
        ref="twice.yaml", file="twice.yaml", key="population.neighbourhoods.0.name",
        fragments=["expected each neighbourhood name once", "found 'est' 2 times"]),
    "neighbourhood_mentored_by_itself": dict(
        files={"self.yaml": "extends: rhizomes\npopulation:\n  neighbourhoods:\n"
                            "    - {name: centre-sud, share: 0.5}\n"
                            "    - {name: ouest, share: 0.5, mentored_by: ouest}\n"},
        ref="self.yaml", file="self.yaml", key="population.neighbourhoods.1.mentored_by",
        fragments=["expected the name of another neighbourhood (centre-sud)", "found 'ouest'"]),
    "neighbourhood_shares_all_zero": dict(
        files={"nbzero.yaml": "extends: centre-sud\npopulation:\n  neighbourhoods: [{name: a, share: 0}, {name: b, share: 0}]\n"},
        ref="nbzero.yaml", file="nbzero.yaml", key="population.neighbourhoods",
        fragments=["expected neighbourhood shares that sum above 0", "found all 0"]),
    "funding_ends_before_it_starts": dict(
        files={"grant.yaml": "extends: centre-sud\nfunding:\n  sources:\n"
                             "    - {name: City, start_week: 52, end_week: 26}\n"},
        ref="grant.yaml", file="grant.yaml", key="funding.sources.0.end_week",
        fragments=["expected an end week at or after the source's start_week (52)", "found 26"]),
    "empty_file": dict(
        files={"empty.yaml": "# nothing yet\n"},
        ref="empty.yaml", file="empty.yaml", key=None,
        fragments=["expected a scenario", "extends: centre-sud", "found an empty file"]),
    "enum_value": dict(
        files={"rule.yaml": "extends: centre-sud\ngovernance:\n  decision_rule: dictatorship\n"},
        ref="rule.yaml", file="rule.yaml", key="governance.decision_rule",
        fragments=["expected one of", "'consensus'", "'majority'", "found: 'dictatorship'"]),
}


def _prepare(tmp_path: Path, case: dict) -> str:
    for name, text in case["files"].items():
        _write(tmp_path, name, text)
    return str(tmp_path / case["ref"]) if case["ref"].endswith(".yaml") else case["ref"]


def _check_message(message: str, case: dict) -> None:
    if case["file"]:
        assert case["file"] in message, message
        assert "file " in message, message
    if case["key"]:
        assert f"key '{case['key']}'" in message, message
    assert "expected" in message, message
    # what was found: said in so many words, or named as the unknown thing
    assert "found" in message or "unknown" in message, message
    for fragment in case["fragments"]:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("name", list(CASES))
def test_python_api_raises_a_clear_scenario_error(tmp_path, name):
    case = CASES[name]
    ref = _prepare(tmp_path, case)
    with pytest.raises(ScenarioError) as info:
        load_scenario(ref)
    error = info.value
    assert isinstance(error, UserError) and error.exit_status == 2
    _check_message(str(error), case)
    if case["key"]:
        assert error.key == case["key"]
    if case["file"]:
        assert error.file is not None and Path(error.file).name == case["file"]


@pytest.mark.parametrize("command", ["validate", "show", "run"])
@pytest.mark.parametrize("name", list(CASES))
def test_command_line_exits_2_with_one_error_line(tmp_path, capsys, name, command):
    case = CASES[name]
    ref = _prepare(tmp_path, case)
    argv = (["scenarios", command, ref] if command != "run"
            else ["run", ref, "--years", "0.1", "--quiet", "--out", str(tmp_path / "out")])
    status = main(argv)
    captured = capsys.readouterr()
    assert status == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error: ")
    _check_message(lines[0], case)
    assert captured.out == ""
    assert not (tmp_path / "out").exists()  # nothing written for a run that could not start


def test_a_problem_in_a_parent_file_names_the_file_that_was_loaded(tmp_path):
    _write(tmp_path, "parent.yaml", "extends: centre-sud\ngovernance: {decision_rule: anarchy}\n")
    _write(tmp_path, "child.yaml", "extends: parent.yaml\npopulation: {n_patients: 200}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "child.yaml")
    assert info.value.key == "governance.decision_rule"
    assert "child.yaml" in str(info.value) and "'anarchy'" in str(info.value)
    # ... and says which file wrote it, for it is not in child.yaml
    assert f"(written in {tmp_path / 'parent.yaml'}, which child.yaml extends)" in str(info.value)


def test_a_problem_in_the_file_itself_names_no_other_file(tmp_path):
    _write(tmp_path, "parent.yaml", "extends: centre-sud\ngovernance: {decision_rule: anarchy}\n")
    _write(tmp_path, "child.yaml", "extends: parent.yaml\ngovernance: {decision_rule: chaos}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "child.yaml")   # the child's own values, the parent's given way to
    assert "written in" not in str(info.value) and "'chaos'" in str(info.value)


def test_several_problems_are_counted_in_the_one_message(tmp_path):
    path = _write(tmp_path, "many.yaml", "population: {n_patients: -3, share_65plus: 7}\ngovernance: {decision_rule: x}\n")
    with pytest.raises(ScenarioError, match=r"and 2 more problems"):
        load_scenario(path)


@pytest.mark.parametrize("overrides, key, fragment", [
    ({"governance.decision_rul": "consensus"}, "governance.decision_rul", "did you mean 'decision_rule'?"),
    ({"governance.decision_rule": "dictatorship"}, "governance.decision_rule", "found: 'dictatorship'"),
    ({"population.share_65plus_living_alone": 2}, "population.share_65plus_living_alone", "found: 2"),
    ({"funding.sources.9.end_week": 52}, "funding.sources.9.end_week", "no such list item"),
    ({"funding.sources.-1.end_week": 5}, "funding.sources.-1.end_week",
     "expected a list index that is a whole number 0 or more (0 is the first item); found '-1'"),
    ({"organizations.-1": {}}, "organizations.-1", "found '-1'"),
    ({"governance..seats": 1}, "governance..seats", "expected a dotted key path"),
])
def test_bad_dotted_overrides_are_clear_errors(overrides, key, fragment):
    with pytest.raises(ScenarioError) as info:
        load_scenario("centre-sud", overrides)
    message = str(info.value)
    assert info.value.key == key
    assert "centre-sud.yaml" in message  # the file the override applied to
    assert fragment in message and "expected" in message


@pytest.mark.parametrize("overrides, words", [
    ("governance.decision_rule", "found a str"), (3, "found a int"), ({"years"}, "found a set"),
    ([("years", 2)], "found a list")])
def test_overrides_that_are_not_a_mapping_are_a_clear_error(overrides, words):
    """A string, a number or a set as ``overrides`` was an AttributeError or TypeError from inside."""
    with pytest.raises(ScenarioError) as info:
        load_scenario("centre-sud", overrides)
    assert "expected overrides as a mapping of dotted key paths to values" in str(info.value) and words in str(info.value)


@pytest.mark.parametrize("key", ["extends", "extends.x"])
def test_extends_cannot_be_overridden(key):
    """An override of 'extends' (a sweep's fixed: {extends: rhizomes}) was accepted and did nothing."""
    with pytest.raises(ScenarioError, match="found 'extends', which names the scenario this one derives from") as info:
        load_scenario("centre-sud", {key: "rhizomes"})
    assert info.value.key == key
    with pytest.raises(UserError, match=r"key 'fixed.extends'"):
        from experiments import plan_sweep
        plan_sweep({"base_scenario": "centre-sud", "residents": 100, "weeks": 1, "fixed": {"extends": "rhizomes"}})


def test_a_bad_override_is_not_blamed_on_the_file_and_a_mistake_in_the_file_not_on_the_overrides(tmp_path):
    for overrides in ({"governance.decision_rul": "consensus"}, {"population.share_65plus_living_alone": 2}):
        with pytest.raises(ScenarioError, match="in the overrides applied to this scenario"):
            load_scenario("centre-sud", overrides)
    path = _write(tmp_path, "typo.yaml", "extends: centre-sud\ngovernance: {decision_rul: consensus}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, {"governance.seats.city": 2})
    assert info.value.key == "governance.decision_rul" and "overrides" not in str(info.value)


def test_true_or_false_is_a_number_nowhere_but_a_switch_takes_it():
    """pydantic would read true as 1 and false as 0: a horizon, a seat count or a share given as
    true/false is refused (numpy's booleans too), and a switch still takes true/false."""
    import numpy as np

    for overrides, key in (({"years": True}, "years"), ({"governance.seats.patients": np.True_}, "governance.seats.patients"),
                           ({"population.share_65plus": False}, "population.share_65plus"),
                           ({"funding.sources.0.end_week": True}, "funding.sources.0.end_week")):
        with pytest.raises(ScenarioError, match="true/false is not a number") as info:
            load_scenario("centre-sud", overrides)
        assert info.value.key == key
    scenario = load_scenario("centre-sud", {"governance.stewardship_group": False, "mutual_aid.timebank": True})
    assert scenario.governance.stewardship_group is False and scenario.mutual_aid.timebank is True


def test_bad_dict_scenarios_are_clear_errors():
    with pytest.raises(ScenarioError, match=r"key 'extends'.*did you mean 'centre-sud'"):
        load_scenario({"extends": "centre-sd"})
    with pytest.raises(ScenarioError, match=r"key 'populaton'.*did you mean 'population'"):
        load_scenario({"extends": "centre-sud", "populaton": {"n_patients": 200}})
    with pytest.raises(ScenarioError, match=r"expected a preset name, a YAML path, a dict or a Scenario; found int"):
        load_scenario(42)


@pytest.mark.parametrize("argv, fragment", [
    (["--seed", "-1"], "key '--seed'"),
    (["--years", "0"], "key '--years'"),
    (["--years", "-2"], "key '--years'"),
    (["--years", "0.005"], "0 weeks"),
    (["--years", "nan"], "key '--years': expected a finite horizon"),
    (["--snapshot-weeks", "0,five"], "found 'five'"),
    (["--years", "1", "--snapshot-weeks", "0,60"], "found 60"),
    (["--snapshot-weeks", "-1"], "found -1"),
    (["--edges"], "key '--edges': expected --snapshot-weeks"),
])
def test_bad_run_options_are_clear_errors(tmp_path, capsys, argv, fragment):
    status = main(["run", "centre-sud", "--quiet", "--out", str(tmp_path / "out"), *argv])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert fragment in err and "expected" in err
    assert not (tmp_path / "out").exists()


def test_an_empty_out_is_a_clear_error_not_the_default_folder(tmp_path, capsys, monkeypatch):
    """``--out ""`` (say ``--out "$DIR"`` with DIR unset) wrote the run to runs/NAME-seedN as if no
    --out had been given."""
    monkeypatch.chdir(tmp_path)
    status = main(["run", "centre-sud", "--quiet", "--years", "0.02", "--residents", "100", "--out", ""])
    err = capsys.readouterr().err
    assert status == 2 and err == 'error: key \'--out\': expected a file or folder name; found an empty text (--out "")\n'
    assert list(tmp_path.iterdir()) == []


def test_out_that_is_a_file_is_a_clear_error(tmp_path, capsys):
    target = _write(tmp_path, "taken", "a file, not a folder")
    status = main(["run", "centre-sud", "--quiet", "--years", "0.1", "--out", str(target)])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("error: ") and "key '--out'" in err
    assert "expected a folder; found a file" in err     # not the system's "File exists"


def test_argparse_usage_errors_return_2_without_raising(capsys):
    assert main(["run", "--seed", "one"]) == 2
    assert "invalid int value" in capsys.readouterr().err
    assert main(["scenarios", "explode"]) == 2
    assert main(["--help"]) == 0


@pytest.mark.parametrize("args, fragments", [
    (["scenarios", "validate", "{dir}/typo.yaml"], ["did you mean 'population'?", "typo.yaml"]),
    (["run", "{dir}/a.yaml", "--out", "{dir}/out"], ["cycle", "key 'extends'"]),
])
def test_installed_console_script_exits_2_without_traceback(tmp_path, args, fragments):
    assert CONSOLE_SCRIPT.exists(), f"the console script is not installed at {CONSOLE_SCRIPT}"
    _write(tmp_path, "typo.yaml", "extends: centre-sud\npopulaton:\n  n_patients: 200\n")
    _write(tmp_path, "a.yaml", "extends: b.yaml\n")
    _write(tmp_path, "b.yaml", "extends: a.yaml\n")
    argv = [str(CONSOLE_SCRIPT)] + [a.format(dir=tmp_path) for a in args]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    assert not (tmp_path / "out").exists()


def test_out_inside_a_file_names_the_file_in_the_way(tmp_path, capsys):
    target = _write(tmp_path, "taken", "a file, not a folder")
    status = main(["run", "centre-sud", "--quiet", "--years", "0.1", "--out", str(target / "sub")])
    err = capsys.readouterr().err
    assert status == 2 and "key '--out'" in err
    assert f"expected a folder at {target} to hold the run's folder; found a file" in err   # not "Not a directory"
