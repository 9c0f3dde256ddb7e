"""Sweeps at their edges: spec files with a key given twice, explicit points that set different keys,
and other corners of the researcher's path found in review."""

from __future__ import annotations

import pytest
import yaml

from experiments import plan_sweep, run_sweep
from experiments.runner import simulate as _simulate
from sim.errors import UserError
from sweep_specs import tiny_spec

SPEC = tiny_spec("edges")


def test_a_key_given_twice_in_a_spec_file_is_refused(tmp_path):
    """YAML would keep the last of two equal keys and silently drop the first sweep of values."""
    path = tmp_path / "twice.yaml"
    path.write_text("base_scenario: centre-sud\nresidents: 200\nweeks: 4\nparameters:\n"
                    "  governance.decision_rule: [majority]\n  governance.decision_rule: [consensus]\n")
    with pytest.raises(UserError) as info:
        plan_sweep(path)
    assert info.value.file == str(path)
    assert "'governance.decision_rule' twice" in str(info.value) and "line 5" in str(info.value)


def test_points_that_set_different_keys_name_the_point_and_the_keys(tmp_path):
    spec = {**SPEC, "design": "points", "parameters": {},
            "points": [{"governance.decision_rule": "majority"}, {"governance.decison_rule": "consensus"}]}
    path = tmp_path / "points.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    with pytest.raises(UserError) as info:
        plan_sweep(path)
    assert info.value.key == "points.1", str(info.value)
    assert "lacks governance.decision_rule" in str(info.value) and "governance.decison_rule" in str(info.value)
    assert "found: nan" not in str(info.value)


def test_points_may_list_their_keys_in_any_order_but_not_none():
    points = [{"governance.decision_rule": "majority", "governance.seats.patients": 1},
              {"governance.seats.patients": 2, "governance.decision_rule": "consensus"}]
    plan = plan_sweep({**SPEC, "design": "points", "parameters": {}, "points": points})
    assert plan.design.params(1) == {"governance.decision_rule": "consensus", "governance.seats.patients": 2}
    with pytest.raises(UserError, match="at least one key") as info:
        plan_sweep({**SPEC, "design": "points", "parameters": {}, "points": [{}]})
    assert info.value.key == "points.0"


def _fail_consensus(scenario, params, seed, weeks):
    if params["governance.decision_rule"] == "consensus":
        raise ValueError("boom in the model")
    return _simulate(scenario, params, seed, weeks)


def _fail_all(scenario, params, seed, weeks):
    raise ValueError("boom in the model")


def test_sensitivity_of_a_sweep_whose_runs_failed_says_so(tmp_path):
    """Not 'no outcome ... in these results' (all failed) nor 'no parameter takes two values' (one level failed)."""
    from analysis import analyse, load

    run_sweep(SPEC, tmp_path / "all", backend="serial", progress=False, simulate=_fail_all)
    with pytest.raises(UserError, match=r"no completed run yet \(4 failed, 0 missing of 4\); see failed/"):
        analyse(load(tmp_path / "all"), "isolated_share_all")
    run_sweep(SPEC, tmp_path / "half", backend="serial", progress=False, simulate=_fail_consensus)
    with pytest.raises(UserError, match=r"the completed runs \(2 of 4: 2 failed, 0 missing\) all have the same value "
                                        r"of governance.decision_rule"):
        analyse(load(tmp_path / "half"), "isolated_share_all")


@pytest.mark.parametrize("change, key, words", [
    ({"parameters": {"peer_support.competency_gain": [1, 1.0]}}, "parameters.peer_support.competency_gain",
     "expected distinct values"),
    ({"design": "points", "parameters": {}, "points": [{"governance.seats.patients": 1, "governance.decision_rule": "majority"},
                                                       {"governance.seats.patients": 2, "governance.decision_rule": "majority"},
                                                       {"governance.decision_rule": "majority", "governance.seats.patients": 1.0}]},
     "points.2", "found point 2 equal to point 0"),
])
def test_values_or_points_that_would_run_twice_are_refused(change, key, words):
    """Equal values (1 and 1.0) or equal points make the same runs with the same seeds: double weight, no information."""
    with pytest.raises(UserError, match=words) as info:
        plan_sweep({**SPEC, **change})
    assert info.value.key == key


def test_an_output_folder_that_is_a_file_is_named_as_such(tmp_path, capsys):
    from sim.cli import main

    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    (tmp_path / "afile").write_text("not a folder")
    assert main(["sweep", str(spec), "--out", str(tmp_path / "afile"), "--quiet"]) == 2
    assert "expected an output folder (--out); found a file" in capsys.readouterr().err
    assert main(["sweep", "status", str(tmp_path / "afile")]) == 2
    assert "expected a sweep output folder; found a file" in capsys.readouterr().err
    assert (tmp_path / "afile").read_text() == "not a folder"


@pytest.mark.parametrize("change, key", [
    ({"parameters": {"funding.sources.-1.end_week": [5, 6]}}, "parameters.funding.sources.-1.end_week"),
    ({"fixed": {"funding.sources.-1.end_week": 5}}, "fixed.funding.sources.-1.end_week"),
    ({"design": "lhs", "samples": 4, "parameters": {},
      "ranges": {"funding.sources.-1.end_week": {"low": 1, "high": 5}}}, "ranges.funding.sources.-1.end_week"),
])
def test_a_negative_list_index_in_a_swept_key_is_refused(change, key):
    """'-1' would silently be the last item; list indices in dotted keys count from 0."""
    with pytest.raises(UserError) as info:
        plan_sweep({**SPEC, **change})
    assert info.value.key == key
    assert "expected a list index that is a whole number 0 or more (0 is the first item); found '-1'" in str(info.value)


def test_an_output_folder_inside_a_file_names_the_file(tmp_path, capsys):
    from sim.cli import main

    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    (tmp_path / "afile").write_text("not a folder")
    assert main(["sweep", str(spec), "--out", str(tmp_path / "afile" / "sweep"), "--quiet"]) == 2
    assert f"expected a folder at {tmp_path / 'afile'} to hold the output folder (--out); found a file" in \
        capsys.readouterr().err


@pytest.mark.parametrize("base, residents, least", [("centre-sud", 10, "30"), ("paris-mental-health", 35, "40")])
def test_residents_below_what_the_model_can_make_are_refused(tmp_path, capsys, base, residents, least):
    """The model needs 20 clinic patients at least: a spec asking for fewer residents than come with
    them stops, naming the minimum, instead of silently running a larger community."""
    path = tmp_path / "small.yaml"
    path.write_text(f"base_scenario: {base}\nresidents: {residents}\nweeks: 1\n")
    with pytest.raises(UserError) as info:
        plan_sweep(path)
    assert info.value.file == str(path) and info.value.key == "residents"
    assert f"at least {least} residents" in str(info.value) and f"found {residents}" in str(info.value)
    from sim.cli import main
    assert main(["sweep", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "at least" in capsys.readouterr().err and not (tmp_path / "out").exists()
    smallest = plan_sweep({"base_scenario": base, "residents": int(least), "weeks": 1})
    assert smallest.base.population.n_residents == int(least)



@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("finished") / "sweep"
    run_sweep({**SPEC, "outputs": {"summary": True, "weekly_every": 2}}, out, backend="serial", progress=False)
    return out


def _damage(finished_sweep, tmp_path, damage):
    import shutil
    folder = tmp_path / "damaged"
    shutil.copytree(finished_sweep, folder)
    damage(folder)
    return folder


def _first_shard(folder, dataset="summary"):
    return sorted((folder / dataset).glob("*.parquet"))[0]


DAMAGES = [
    (lambda f: (f / "meta.json").write_text("[]"), "meta.json", "expected a JSON object (the sweep's description"),
    (lambda f: _first_shard(f).write_bytes(b"not parquet"), "summary/part-", "found a file that cannot be read ("),
    (lambda f: (f / "summary" / "other.parquet").write_bytes((f / "seeds.parquet").read_bytes()),
     "summary/other.parquet", "found no column 'run_id' in it; remove it, then run the sweep again to redo its runs"),
    (lambda f: (f / "design.parquet").write_bytes(b"not parquet"), "design.parquet", "found a file that cannot be read"),
]


@pytest.mark.parametrize("damage, file, words, command", [
    (*damage, command) for damage in DAMAGES for command in ("status", "resume", "report")
    if not (command == "status" and damage[1] == "design.parquet")])   # status does not read the design
def test_a_damaged_sweep_folder_is_one_message_naming_the_file(finished_sweep, tmp_path, capsys, damage, file, words,
                                                                command):
    """A meta.json that is not an object (AttributeError), a shard cut short or not written by the sweep,
    a damaged design.parquet (pyarrow's ArrowInvalid) stopped status, resume and report with a traceback."""
    from sim.cli import main
    folder = _damage(finished_sweep, tmp_path, damage)
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump({**SPEC, "outputs": {"summary": True, "weekly_every": 2}}))
    argv = {"status": ["sweep", "status", str(folder)], "resume": ["sweep", str(spec), "--out", str(folder), "--quiet",
                                                                    "--backend", "serial"],
            "report": ["report", str(folder), "--out", str(tmp_path / "r.html")]}[command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: file {folder}/{file}") and words in err and len(err.splitlines()) == 1, err


def test_a_file_where_the_sweep_keeps_its_results_is_one_message_naming_it(tmp_path, capsys):
    """A resume whose results folder (weekly/) had become a file stopped with FileExistsError."""
    import shutil
    from sim.cli import main
    spec, folder = tmp_path / "spec.yaml", tmp_path / "sweep"
    spec.write_text(yaml.safe_dump({**SPEC, "outputs": {"summary": True, "weekly_every": 2}}))
    run_sweep(spec, folder, backend="serial", progress=False, max_runs=1)
    shutil.rmtree(folder / "weekly")
    (folder / "weekly").write_text("not a folder")
    assert main(["sweep", str(spec), "--out", str(folder), "--quiet", "--backend", "serial"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: file {folder}/weekly: expected a folder; found a file") and len(err.splitlines()) == 1, err


def test_a_sweep_inside_another_sweeps_folder_is_refused(finished_sweep, tmp_path, capsys):
    """--out OTHER/summary/x was accepted, and its runs were then read as OTHER's."""
    from sim.cli import main
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    before = sorted(p.name for p in finished_sweep.rglob("*"))
    assert main(["sweep", str(spec), "--out", str(finished_sweep / "summary" / "x"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "key '--out'" in err and f"inside the sweep folder {finished_sweep.resolve()}" in err
    assert sorted(p.name for p in finished_sweep.rglob("*")) == before


def test_damaged_progress_and_failure_records_are_read_as_none(finished_sweep, tmp_path, capsys):
    """progress.json (a help for 'sweep status') and failed/*.json that are not JSON objects were an
    AttributeError; they are read as no progress and as an unreadable failure record."""
    from experiments import load_sweep, sweep_status

    def damage(folder):
        (folder / "progress.json").write_text('[1, 2]')
        (folder / "failed").mkdir(exist_ok=True)
        (folder / "failed" / "p000009-r0000-x.json").write_text('["not", "a", "record"]')
    folder = _damage(finished_sweep, tmp_path, damage)
    status = sweep_status(folder)
    assert status.done == 4 and status.failed == 1 and status.rate_per_minute is None
    assert load_sweep(folder).failed["error"].tolist() == ["unreadable failure record"]
    (folder / "progress.json").write_text('{"state": "running", "pid": "x", "updated_at": "y", "finished": 1}')
    assert "rate" not in sweep_status(folder).format()


def test_weekly_every_keeps_the_final_week_too(tmp_path):
    """Weekly rows are kept every ``weekly_every`` weeks and at the run's last week, so that a horizon it does
    not divide still ends on its final state; a sweep that ran all its runs is complete."""
    from experiments import load_sweep
    out = tmp_path / "sweep"
    run_sweep({**SPEC, "weeks": 5, "outputs": {"summary": True, "weekly_every": 2}}, out, backend="serial",
              progress=False)
    sweep = load_sweep(out)
    assert sorted(sweep.weekly["week"].unique()) == [0, 2, 4, 5]
    assert sweep.complete and sweep.completed_runs == sweep.expected_runs == 4
