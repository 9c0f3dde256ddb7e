"""Scenario files (issue 2, item 6): presets, the schema's documentation, ``extends``, dotted
overrides, and the ``scenarios list|show|validate`` commands."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml
import pytest

from sim.cli import main
from sim.errors import ScenarioError
from sim.scenario import (Scenario, describe_parameters, fields_at, list_scenarios, load_scenario, preset_names,
                          preset_path, resolved_parameters, scale_scenario)


def test_every_preset_loads_and_validates():
    names = preset_names()
    assert "centre-sud" in names and "hospital-baseline" in names
    for name in names:
        scenario = load_scenario(name)
        assert isinstance(scenario, Scenario)
        assert scenario.name == name
        assert scenario.title, f"preset {name} has no title"


def test_every_parameter_has_a_meaning_and_bounded_numbers_have_a_range():
    rows = describe_parameters()
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys))
    assert "population.share_65plus_living_alone" in keys and "governance.decision_rule" in keys
    for row in rows:
        assert row["meaning"], f"{row['key']} has no meaning"
    by_key = {r["key"]: r for r in rows}
    share = by_key["population.share_65plus_living_alone"]
    assert share["range"] == "[0.0, 1.0]" and share["unit"]
    assert by_key["years"]["unit"] == "years"


def test_extends_child_overrides_parent_and_keeps_the_rest(tmp_path):
    (tmp_path / "parent.yaml").write_text(
        "extends: centre-sud\ntitle: parent\npopulation:\n  n_patients: 500\n  share_65plus_living_alone: 0.4\n"
        "governance:\n  decision_rule: consensus\n")
    (tmp_path / "child.yaml").write_text(
        "extends: parent.yaml\ntitle: child\npopulation:\n  n_patients: 300\n"
        "governance:\n  seats: {health_institution: 1, city: 1, community: 1, research: 1, patients: 2, citizens: 1}\n")
    base = load_scenario("centre-sud")
    child = load_scenario(tmp_path / "child.yaml")
    assert child.name == "child" and child.title == "child"
    assert child.population.n_patients == 300                          # child overrides parent
    assert child.population.share_65plus_living_alone == 0.4           # parent's value kept
    assert child.governance.decision_rule == "consensus"               # parent's value kept
    assert child.governance.seats["patients"] == 2                     # child's mapping
    assert child.funding.sources == base.funding.sources               # grandparent's value kept
    assert child.retention == base.retention
    assert child.population.share_single_parent_families == base.population.share_single_parent_families


def test_extends_merges_tables_key_by_key_and_replaces_lists_as_the_readme_says(tmp_path):
    """The README's planner example: its funding list replaces the parent's (so it lists the CIUSSS
    source again), while a table such as the professions keeps the parent's other keys."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    example = re.search(r"```yaml\n(extends: centre-sud\n.*?)```", readme, re.S).group(1)
    (tmp_path / "mine.yaml").write_text(example + "clinical:\n  professions:\n    nurse: {count: 30}\n")
    base, mine = load_scenario("centre-sud"), load_scenario(tmp_path / "mine.yaml")
    assert [s.name for s in mine.funding.sources] == ["City", base.funding.sources[1].name]
    assert mine.funding.sources[1] == base.funding.sources[1]           # the README's example keeps it
    assert mine.clinical.professions["nurse"].count == 30
    assert mine.clinical.professions["physician"] == base.clinical.professions["physician"]   # merged
    assert set(mine.clinical.professions) == set(base.clinical.professions)


def test_a_dotted_override_changes_only_the_value_it_names():
    """Sweeps and --set change one entry of a table: the table's other entries keep the scenario's
    values (they once fell back to nothing: no decay for the other tie kinds, a clinic of nurses only)."""
    base = load_scenario("centre-sud")
    cases = {"ties.decay_per_year.kin": 0.5, "retention.attrition_per_year.volunteer": 0.5,
             "clinical.professions.nurse.count": 30, "governance.seats.city": 3,
             "population.equity_groups.lgbti.access": 0.3}
    for key, value in cases.items():
        changed = load_scenario("centre-sud", {key: value}).model_dump()
        expected = base.model_dump()
        node = expected
        *parents, last = key.split(".")
        for part in parents:
            node = node[part]
        node[last] = value
        assert changed == expected, key


def test_a_table_set_in_part_in_a_file_keeps_its_other_keys_and_equity_groups_are_listed_whole(tmp_path):
    (tmp_path / "alone.yaml").write_text("ties:\n  decay_per_year: {kin: 0.5}\n")      # no extends: the defaults
    alone = load_scenario(tmp_path / "alone.yaml").ties.decay_per_year
    assert alone == {**Scenario().ties.decay_per_year, "kin": 0.5}
    (tmp_path / "groups.yaml").write_text(
        "extends: centre-sud-homelessness\npopulation:\n  equity_groups:\n"
        "    majority: {share: 0.9}\n    newcomers: {share: 0.1, access: 0.5}\n")
    groups = load_scenario(tmp_path / "groups.yaml").population.equity_groups   # the scenario names its groups
    assert set(groups) == {"majority", "newcomers"} and groups["newcomers"].access == 0.5
    (tmp_path / "empty.yaml").write_text("extends: centre-sud\nclinical:\n  professions: {}\n")
    assert load_scenario(tmp_path / "empty.yaml").clinical.professions == {}          # {} empties a table


def test_extends_by_preset_name_in_a_file_and_in_a_dict(tmp_path):
    (tmp_path / "mine.yaml").write_text("extends: hospital-baseline\npopulation: {n_patients: 250}\n")
    from_file = load_scenario(str(tmp_path / "mine.yaml"))
    from_dict = load_scenario({"extends": "hospital-baseline", "name": "mine", "population": {"n_patients": 250}})
    baseline = load_scenario("hospital-baseline")
    assert from_file.population.n_patients == 250
    assert from_file.governance == baseline.governance
    assert from_file.model_dump() == from_dict.model_dump()


def test_yaml_anchors_and_merge_keys_work_and_a_key_beside_a_merge_overrides_it(tmp_path):
    """``<<: *anchor`` (YAML's merge key) was refused as a syntax error by the loader that refuses keys
    given twice; a key written beside the merge overrides the merged one, and twice is still refused."""
    path = tmp_path / "anchors.yaml"
    path.write_text("extends: centre-sud\n"
                    "funding:\n"
                    "  sources:\n"
                    "    - &grant {name: City, sector: city, amount_per_year: 100000, start_week: 0, end_week: 156}\n"
                    "    - {<<: *grant, name: City again, start_week: 156, end_week: null}\n", encoding="utf-8")
    first, second = load_scenario(path).funding.sources
    assert (second.name, second.sector, second.amount_per_year, second.start_week, second.end_week) == \
        ("City again", "city", 100000, 156, None)
    assert first.name == "City" and first.end_week == 156
    path.write_text("extends: centre-sud\nx: &s {city: 1}\n"
                    "governance: {seats: {<<: *s, city: 2, city: 3}}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="the key 'city' twice"):
        load_scenario(path)


def test_dotted_overrides_set_sections_and_list_items():
    base = load_scenario("centre-sud")
    sc = load_scenario("centre-sud", {"governance.decision_rule": "consensus", "funding.sources.0.end_week": 52})
    assert base.governance.decision_rule == "majority"
    assert sc.governance.decision_rule == "consensus"
    assert sc.funding.sources[0].end_week == 52
    assert sc.funding.sources[0].name == base.funding.sources[0].name         # the rest of the item is kept
    assert sc.funding.sources[1] == base.funding.sources[1]
    assert sc.population == base.population
    # the override does not leak into the next load
    assert load_scenario("centre-sud").funding.sources[0].end_week == base.funding.sources[0].end_week


def test_dotted_override_into_a_default_list():
    sc = load_scenario("centre-sud", {"organizations.0.capacity": 7})
    default = Scenario().organizations
    assert sc.organizations[0].capacity == 7
    assert sc.organizations[0].name == default[0].name and len(sc.organizations) == len(default)


def test_a_scenario_object_and_its_dump_reload_to_the_same_scenario():
    sc = load_scenario("centre-sud", {"population.n_patients": 400})
    assert load_scenario(sc) == sc
    assert load_scenario(sc.model_dump(mode="json")) == sc


def test_scale_scenario_scales_population_and_money():
    base = load_scenario("centre-sud")
    small = scale_scenario(base, 1200)
    factor = 1200 / base.population.n_residents
    assert abs(small.population.n_residents - 1200) <= 2
    assert small.funding.sources[0].amount_per_year == pytest.approx(base.funding.sources[0].amount_per_year * factor)
    assert scale_scenario("centre-sud", 1200) == small        # a preset's name, as load_scenario takes it


def test_a_file_that_sets_n_patients_keeps_the_parents_clinic_and_the_readme_says_how_to_resize(tmp_path):
    """A planner who writes a smaller neighbourhood's n_patients gets the parent's full-size clinic, organizations
    and funding (only --residents scales them, and it scales the file's own amounts too): the planners' section
    of the README says so and how to start from the parent at their size."""
    path = tmp_path / "mine.yaml"
    path.write_text("extends: centre-sud\npopulation: {n_patients: 1400}\nfunding:\n  sources:\n"
                    "    - {name: City, sector: city, amount_per_year: 25000}\n")
    mine, parent = load_scenario(path), load_scenario("centre-sud")
    assert mine.population.n_residents == 2100
    assert mine.clinical.professions == parent.clinical.professions and mine.organizations == parent.organizations
    assert scale_scenario(mine, 1050).funding.sources[0].amount_per_year == pytest.approx(12500)
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    planners = " ".join(readme.split("<!-- section:planners -->")[1].split("<!-- /section:planners -->")[0].split())
    assert "that key changes the number of residents only" in planners
    assert "scenarios show centre-sud --residents 2100" in planners


def test_scaling_keeps_the_waiting_list_in_proportion():
    """A workshop-sized practice does not keep the full practice's waiting list behind its one or two partners."""
    base = load_scenario("centre-sud")
    small = scale_scenario(base, 2000)
    factor = 2000 / base.population.n_residents
    assert small.clinical.waiting_list_max == round(base.clinical.waiting_list_max * factor)
    assert small.clinical.waiting_list_max < base.clinical.waiting_list_max
    assert scale_scenario(base, 500).retention.target_free_places == 1      # one at least
    none = load_scenario("centre-sud", {"clinical.waiting_list_max": 0})
    assert scale_scenario(none, 30_000).clinical.waiting_list_max == 0      # none stays none


def test_scaled_values_stay_within_their_ranges():
    """Scaling a small community up a thousandfold caps what would overshoot (here the weekly training cohort)."""
    tiny = load_scenario("centre-sud", {"population.n_patients": 20, "retention.max_cohort": 9000})
    big = scale_scenario(tiny, 30_000)
    assert big.retention.max_cohort == 10_000
    assert big.population.n_residents == pytest.approx(30_000, rel=0.01)


def test_fields_at_lists_the_valid_keys_of_a_section():
    assert "share_65plus_living_alone" in fields_at(["population"])
    assert "capacity" in fields_at(["organizations", "0"])
    assert "population" in fields_at([])


# ----------------------------------------------------------------------------- the commands
def test_scenarios_list_shows_every_preset_with_its_title(capsys):
    assert main(["scenarios", "list"]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert len(lines) == len(preset_names())
    for row in list_scenarios():
        line = next(l for l in lines if l.split()[0] == row["name"])
        assert row["title"] in line
        if row["extends"]:
            assert f"(extends {row['extends']})" in line


@pytest.mark.parametrize("argv, words", [
    (["scenarios", "list", "centre-sud"], "expected no scenario or size with 'scenarios list' (it lists every preset); "
                                          "found 'centre-sud'"),
    (["scenarios", "list", "--residents", "500"], "found --residents"),
    (["scenarios", "list", "--params"], "expected --params with 'scenarios show'"),
    (["scenarios", "validate", "centre-sud", "--params"], "found it with 'scenarios validate'"),
])
def test_scenarios_options_that_do_nothing_there_are_refused(capsys, argv, words):
    """'scenarios list NAME' listed every preset, as if NAME were not there, and --params was ignored
    but with 'show'."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: ") and words in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def test_scenarios_show_prints_the_fully_resolved_parameters(capsys):
    assert main(["scenarios", "show", "hospital-baseline"]) == 0
    shown = yaml.safe_load(capsys.readouterr().out)
    resolved = load_scenario("hospital-baseline").model_dump(mode="json")
    assert shown == resolved
    # fully resolved: includes parameters the preset file does not mention
    raw = yaml.safe_load(preset_path("hospital-baseline").read_text())
    assert set(shown) - set(raw)
    assert "mutual_aid" in shown and shown["population"]["n_patients"] == resolved["population"]["n_patients"]
    # and it reloads as a scenario
    assert load_scenario(shown) == load_scenario("hospital-baseline")


def test_scenarios_show_residents_prints_the_scaled_values_a_sweep_starts_from(capsys):
    assert main(["scenarios", "show", "centre-sud", "--residents", "2000"]) == 0
    shown = yaml.safe_load(capsys.readouterr().out)
    assert shown == scale_scenario(load_scenario("centre-sud"), 2000).model_dump(mode="json")
    assert shown["funding"]["sources"][0]["amount_per_year"] < 250000 / 5      # money scales with the community
    assert main(["scenarios", "show", "centre-sud", "--residents", "2"]) == 2
    assert "key '--residents': expected at least 30 residents" in capsys.readouterr().err


def test_scenarios_show_a_file(tmp_path, capsys):
    path = tmp_path / "small.yaml"
    path.write_text("extends: centre-sud\npopulation: {n_patients: 321}\n")
    assert main(["scenarios", "show", str(path)]) == 0
    shown = yaml.safe_load(capsys.readouterr().out)
    assert shown["population"]["n_patients"] == 321 and shown["name"] == "small"


def test_scenarios_show_params_prints_units_ranges_and_meanings(capsys):
    assert main(["scenarios", "show", "centre-sud", "--params"]) == 0
    out = capsys.readouterr().out.splitlines()
    header = out[0].split()
    assert header[:5] == ["key", "value", "default", "unit", "range"] and header[-1] == "meaning"
    rows = {line.split()[0]: line for line in out[1:]}
    assert len(rows) == len(out) - 1
    for described in describe_parameters():   # every parameter, a list's or a table's by its items
        key = described["key"]
        assert key in rows or any(k.startswith(key + ".") for k in rows), key
    assert "CAD/year" in rows["funding.sources.0.amount_per_year"] and "156" in rows["funding.sources.0.end_week"]
    assert "2" in rows["governance.seats.health_institution"].split()[1]
    share = rows["population.share_65plus_living_alone"]
    assert "0.57" in share and "[0.0, 1.0]" in share and "share" in share and "live alone" in share
    years = rows["years"]
    assert "years" in years and "[0.02, 100.0]" in years


@pytest.mark.parametrize("name", ["rhizomes", "paris-mental-health"])
def test_each_key_that_show_params_prints_is_one_an_override_or_a_sweep_takes(name):
    """``scenarios show NAME --params`` names each value by the dotted key a sweep's ``parameters:``
    or an override sets (``funding.sources.1.end_week``, ``governance.seats.city``): setting each
    key to the value shown leaves the scenario as it is, and setting it to another value changes
    that value only."""
    scenario = load_scenario(name)
    dumped = scenario.model_dump(mode="json")
    rows = resolved_parameters(scenario)
    last = len(scenario.funding.sources) - 1
    assert [r["key"] for r in rows if r["key"].startswith("funding.sources.")][-1] == f"funding.sources.{last}.end_week"
    for row in rows:
        if row["key"] in ("name", "extends"):
            continue
        assert load_scenario(name, {row["key"]: row["value"]}).model_dump(mode="json") == dumped, row["key"]
    changed = load_scenario(name, {"governance.seats.city": 3, "funding.sources.0.amount_per_year": 1.0})
    after = {r["key"]: r["value"] for r in resolved_parameters(changed)}
    before = {r["key"]: r["value"] for r in rows}
    assert {k for k in before if before[k] != after[k]} == {"governance.seats.city", "funding.sources.0.amount_per_year"}


def test_show_params_names_the_file_a_list_items_value_comes_from(tmp_path, capsys, monkeypatch):
    """A file that writes a list replaces its parent's: a field its items leave out has its default,
    not the value the parent's item of the same number had (Centre-Sud's start-up grant ends in week
    156; a second file's first source, which writes no end, never ends)."""
    (tmp_path / "mine.yaml").write_text("extends: centre-sud\nfunding:\n  sources:\n"
                                        "    - {name: City, sector: city, amount_per_year: 1000}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scenarios", "show", "mine.yaml", "--params"]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[1:]}
    assert rows["funding.sources.0.end_week"][1] == "None" and "default" in rows["funding.sources.0.end_week"]
    assert "mine.yaml" in rows["funding.sources.0.amount_per_year"]
    assert "funding.sources.1.name" not in rows
    assert "centre-sud" in rows["governance.seats.city"]         # a table merges key by key


def test_scenarios_show_params_says_where_each_value_comes_from(tmp_path, capsys, monkeypatch):
    """A planner reading a file's parameters sees which values their file sets, which its preset sets and
    which are defaults (the 'default' column is the model's default, not the preset's), and which were scaled."""
    (tmp_path / "mine.yaml").write_text("extends: hospital-baseline\npopulation: {share_65plus_living_alone: 0.45}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scenarios", "show", "mine.yaml", "--params"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[-2:] == ["from", "meaning"]
    rows = {line.split()[0]: line.split() for line in out[1:]}
    assert "mine.yaml" in rows["population.share_65plus_living_alone"]
    assert "hospital-baseline" in rows["governance.stewardship_group"]
    assert "centre-sud" in rows["funding.compensation.patient_partner"] or \
        "default" in rows["funding.compensation.patient_partner"]
    assert "default" in rows["funding.partner_hourly_rate"]
    assert main(["scenarios", "show", "centre-sud", "--params", "--residents", "2000"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert "centre-sud, scaled to 2,000" in rows["population.n_patients"]
    assert "scaled" not in rows["population.share_65plus_living_alone"]


def test_scenarios_validate_a_good_file(tmp_path, capsys):
    path = tmp_path / "good.yaml"
    path.write_text("extends: centre-sud\ngovernance: {decision_rule: consensus}\n")
    assert main(["scenarios", "validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and str(path) in out


def test_scenarios_validate_without_a_target_is_a_clear_error(capsys):
    assert main(["scenarios", "validate"]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_scaling_scales_every_amount_of_money_and_keeps_none_where_there_was_none():
    """Residents, organizations' costs and income, funding and coordination scale by one factor; a role
    or a profession with no one in it stays empty (killed mutants: costs left unscaled, zero made one)."""
    base = load_scenario("centre-sud", {"retention.initial_citizen_partners": 0, "retention.initial_patient_partners": 3})
    small = scale_scenario(base, 2000)
    factor = 2000 / base.population.n_residents
    for org, before in zip(small.organizations, base.organizations):
        assert org.weekly_cost == pytest.approx(before.weekly_cost * factor)
        assert org.own_income_per_year == pytest.approx(before.own_income_per_year * factor)
    assert small.funding.coordination_cost_per_year == pytest.approx(base.funding.coordination_cost_per_year * factor)
    assert [s.amount_per_year for s in small.funding.sources] == pytest.approx(
        [s.amount_per_year * factor for s in base.funding.sources])
    assert small.retention.initial_citizen_partners == 0
    assert small.retention.initial_patient_partners == 1            # some stay some: one at least


def _leaves(value, prefix=""):
    """Every (dotted key, value) of a resolved scenario that a number or a yes/no sits at."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{prefix}{k}.")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{prefix}{i}.")
    elif isinstance(value, (bool, int, float)):
        yield prefix[:-1], value


@pytest.mark.parametrize("preset", ["centre-sud", "rhizomes"])
def test_every_dotted_override_changes_exactly_the_value_it_names(preset):
    """For every number and yes/no of a preset, in sections, tables and list items alike, an override
    leaves every other value of the resolved scenario as it was."""
    from sim.errors import ScenarioError

    base = load_scenario(preset).model_dump()
    tried = 0
    for key, value in _leaves(base):
        candidates = [not value] if isinstance(value, bool) else [value + 1, value - 1, value / 2]
        for new in candidates:
            new = type(value)(new) if not isinstance(value, bool) else new
            if new == value:
                continue
            try:
                changed = load_scenario(preset, {key: new}).model_dump()
            except ScenarioError:
                continue                                   # out of range, or a check across parameters
            expected = copy.deepcopy(base)
            *parents, last = key.split(".")
            node = expected
            for part in parents:
                node = node[int(part)] if isinstance(node, list) else node[part]
            node[int(last) if isinstance(node, list) else last] = new
            assert changed == expected, key
            tried += 1
            break
    assert tried > 150


@pytest.mark.parametrize("argv", [
    ["scenarios", "show", "--params", "centre-sud"],
    ["scenarios", "show", "--residents", "2000", "centre-sud"],
    ["scenarios", "validate", "--residents", "2000", "centre-sud"],
])
def test_scenarios_options_may_come_before_the_scenario(capsys, argv):
    """'scenarios show --params NAME' was refused as 'unrecognized arguments: NAME' (argparse, before
    Python 3.12, gave the empty scenario to the action's optional second argument), while 'scenarios
    show NAME --params' worked."""
    assert main(argv) == 0
    after = argv[:2] + argv[-1:] + argv[2:-1]   # the same options after the scenario
    out = capsys.readouterr().out
    assert main(after) == 0 and capsys.readouterr().out == out


def test_the_smallest_and_largest_sizes_are_allowed_and_a_flag_is_not_a_size():
    """``check_residents`` accepts the ends of ``residents_range`` themselves and refuses one beyond;
    ``at_size`` refuses ``True`` (a flag, which Python counts as 1) as not a whole number of residents."""
    from sim.scenario import at_size, check_residents, residents_range
    scenario = load_scenario("centre-sud")
    lo, hi = residents_range(scenario)
    check_residents(scenario, lo)
    check_residents(scenario, hi)
    for size in (lo - 1, hi + 1):
        with pytest.raises(ScenarioError, match="residents for scenario 'centre-sud'"):
            check_residents(scenario, size)
    with pytest.raises(ScenarioError, match="expected a whole number of residents; found True"):
        at_size(scenario, True)


def test_a_programme_starting_at_the_last_week_never_starts():
    """``never_within`` names a neighbourhood whose programme starts at the run's last week (it never runs
    within the run), and not one starting the week before."""
    from sim.scenario import never_within
    scenario = load_scenario("rhizomes")
    weeks = scenario.population.neighbourhoods[1].programme_start_week
    assert weeks > 0
    assert any("population.neighbourhoods.1" in note and "never starts" in note
               for note in never_within(scenario, weeks))
    assert not any("population.neighbourhoods.1" in note for note in never_within(scenario, weeks + 1))


def test_scaled_counts_round_half_up_keep_one_where_there_were_some_and_a_cohort_keeps_a_fifth():
    """At a quarter of the size, counts of people round to the nearest whole number (a half upwards): 10
    initial partners become 3 and 9 become 2; a profession of one keeps its one; the largest training
    cohort scales no lower than a fifth of itself, so that a small community can still train partners."""
    scenario = load_scenario("centre-sud", {"retention.initial_patient_partners": 10,
                                            "retention.initial_citizen_partners": 9, "retention.max_cohort": 20,
                                            "clinical.professions.pharmacist.count": 1})
    quarter = scale_scenario(scenario, scenario.population.n_residents // 4)
    ret = quarter.retention
    assert (ret.initial_patient_partners, ret.initial_citizen_partners, ret.max_cohort) == (3, 2, 5)
    assert quarter.clinical.professions["pharmacist"].count == 1
    assert quarter.clinical.professions["physician"].count == 10
    tiny = scale_scenario(scenario, 1000)                      # a factor of 1/18: the cohort keeps 20 / 5
    assert tiny.retention.max_cohort == 4
