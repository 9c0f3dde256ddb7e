"""What the researcher's commands say: a resumed sweep with failed runs, a report on a sweep that
kept no summary, spec files that are empty or sweep a list or mapping, warnings and Ctrl-C on the
command line (a user audit of the sweep and report messages)."""

from __future__ import annotations

import pytest
import yaml

from experiments import plan_sweep, run_sweep
from experiments.runner import simulate as _simulate
from experiments.storage import SweepStore
from sim.cli import main
from sim.errors import Terminated, UserError
from sweep_specs import tiny_spec

SPEC = tiny_spec("messages")


def _fail_consensus(scenario, params, seed, weeks):
    if params["governance.decision_rule"] == "consensus":
        raise ValueError("boom in the model")
    return _simulate(scenario, params, seed, weeks)


def _write(path, spec) -> str:
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return str(path)


# ----------------------------------------------------------------------------- failed runs, resumed
def test_a_resumed_sweep_counts_earlier_failures_and_names_retry_failed(tmp_path, capsys):
    """Not '0 runs done now, 4 already finished or skipped, 0 failed ... rc=0' for a folder with 2 failed runs."""
    spec, out = _write(tmp_path / "s.yaml", SPEC), tmp_path / "out"
    first = run_sweep(spec, out, backend="serial", progress=False, simulate=_fail_consensus)
    assert (first.ran, first.failed, first.failed_earlier) == (2, 2, 0)
    again = run_sweep(spec, out, backend="serial", progress=False)
    assert (again.ran, again.failed, again.skipped, again.failed_earlier, again.finished_earlier) == (0, 0, 4, 2, 2)
    assert not again.complete   # two runs are still recorded as failed

    # A failure record beside a run that has since finished (copied back in) is not a failure earlier.
    store = SweepStore(out)
    finished = sorted(store.done_run_ids())[0]
    store.write_failure({"run_id": finished, "point": 0, "replication": 0, "seed": 0, "error": "old"})
    third = run_sweep(spec, out, backend="serial", progress=False)
    assert (third.skipped, third.failed_earlier, third.finished_earlier) == (4, 2, 2)

    assert main(["sweep", spec, "--out", str(out), "--backend", "serial", "--quiet"]) == 1
    text = capsys.readouterr().out
    assert "0 runs done now, 2 already finished, 2 failed earlier and not retried (--retry-failed reruns them), " \
           "0 failed, of 4" in text, text
    assert f"2 failed runs are recorded in {out}/failed/" in text and "already finished or skipped" not in text

    assert main(["sweep", spec, "--out", str(out), "--backend", "serial", "--quiet", "--retry-failed"]) == 0
    text = capsys.readouterr().out
    assert "2 runs done now, 2 already finished, 0 failed, of 4" in text and "failed earlier" not in text, text
    assert main(["sweep", spec, "--out", str(out), "--backend", "serial", "--quiet"]) == 0
    assert "0 runs done now, 4 already finished, 0 failed, of 4" in capsys.readouterr().out


def test_a_sweep_whose_runs_fail_now_exits_with_status_1(tmp_path, capsys, monkeypatch):
    import experiments.runner as runner

    monkeypatch.setattr(runner, "simulate", _fail_consensus)
    spec, out = _write(tmp_path / "s.yaml", SPEC), tmp_path / "out"
    assert main(["sweep", spec, "--out", str(out), "--backend", "serial", "--quiet"]) == 1
    text = capsys.readouterr().out
    assert "2 runs done now, 0 already finished, 2 failed, of 4" in text and "--retry-failed" in text, text


# ----------------------------------------------------------------------------- spec files
@pytest.mark.parametrize("text", ["", "\n  \n", "# a sweep, one day\n"])
def test_an_empty_spec_file_is_said_to_be_empty(tmp_path, capsys, text):
    """As an empty scenario file is, not 'expected a mapping ...; found NoneType'."""
    path = tmp_path / "empty.yaml"
    path.write_text(text)
    with pytest.raises(UserError) as info:
        plan_sweep(path)
    assert info.value.file == str(path)
    assert "expected a sweep spec: at least one key, such as 'base_scenario: centre-sud'; found an empty file" \
        in str(info.value), str(info.value)
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "found an empty file" in err and "NoneType" not in err, err
    assert not (tmp_path / "o").exists()
    assert main(["scenarios", "validate", str(path)]) == 2   # the scenario file says the same kind of thing
    assert "found an empty file (nothing but blanks or comments)" in capsys.readouterr().err


@pytest.mark.parametrize("text, found", [("- a\n- b\n", "found a list"), ("just words\n", "found a str")])
def test_a_spec_file_that_is_not_a_mapping_says_what_it_is(tmp_path, text, found):
    path = tmp_path / "odd.yaml"
    path.write_text(text)
    with pytest.raises(UserError, match=f"expected a mapping \\(key: value\\) at the top level; {found}$"):
        plan_sweep(path)


def test_a_spec_nested_too_deep_or_full_of_aliases_is_one_message(tmp_path, capsys):
    """A spec read as YAML is checked as a scenario file is: lists and mappings nested past 32 levels
    (a RecursionError from deep in pydantic or copy) and aliases that expand to millions of values
    (a message that took gigabytes to write) are refused before anything else."""
    deep = tmp_path / "deep.yaml"
    deep.write_text("base_scenario: centre-sud\nfixed: " + "{a: " * 600 + "1" + "}" * 600 + "\n")
    laughs = tmp_path / "laughs.yaml"
    laughs.write_text("base_scenario: centre-sud\ndescription:\n  - &l0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"  - &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 8)))
    for path, words in ((deep, "expected at most 32 levels"), (laughs, "expected at most 1,000,000 values")):
        assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: file {path}: malformed YAML: {words}") and len(err.splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_an_empty_out_is_a_clear_error_not_the_default_folder(tmp_path, capsys, monkeypatch):
    """``sweep SPEC --out ""`` ran the sweep into sweeps/NAME as if no --out had been given."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(tiny_spec("s")))
    assert main(["sweep", "s.yaml", "--backend", "serial", "--quiet", "--out", ""]) == 2
    assert capsys.readouterr().err == 'error: key \'--out\': expected a file or folder name; found an empty text (--out "")\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_a_spec_folder_is_named_as_a_folder(tmp_path):
    with pytest.raises(UserError, match="expected a sweep spec file; found a folder") as info:
        plan_sweep(tmp_path)
    assert info.value.file == str(tmp_path)


@pytest.mark.parametrize("change, key, example", [
    ({"parameters": {"governance.seats": [{"city": 1}, {"city": 2}]}}, "parameters.governance.seats",
     "governance.seats.city"),
    ({"design": "points", "parameters": {}, "points": [{"governance.seats": {"city": 1}},
                                                       {"governance.seats": {"city": 2}}]},
     "points.0.governance.seats", "governance.seats.city"),
    ({"parameters": {"governance.seats": [[1], [2]]}}, "parameters.governance.seats",
     "governance.seats.health_institution"),
    ({"parameters": {"funding.sources": [[], []]}}, "parameters.funding.sources",
     "funding.sources.0.amount_per_year"),
])
def test_a_swept_list_or_mapping_suggests_a_key_inside_that_parameter(change, key, example):
    """A mapping swept under governance.seats suggests a seat, not 'funding.sources.0.end_week'; a repeated
    value ([] twice) is refused as a list used as a value, not as 'expected distinct values'."""
    with pytest.raises(UserError) as info:
        plan_sweep({**SPEC, **change})
    assert info.value.key == key, str(info.value)
    assert f"sweep the fields inside it instead (e.g. '{example}')" in str(info.value), str(info.value)
    assert "distinct" not in str(info.value)


def test_lists_swept_under_a_plain_parameter_are_refused_as_such():
    with pytest.raises(UserError) as info:
        plan_sweep({**SPEC, "parameters": {"governance.decision_rule": [["majority"], ["consensus"]]}})
    assert info.value.key == "parameters.governance.decision_rule"
    assert "found a list: 'governance.decision_rule' takes one value per run (here 'majority'), so list the " \
           "values themselves" in str(info.value), str(info.value)


# ----------------------------------------------------------------------------- reports on what a sweep kept
def test_a_report_on_a_sweep_that_kept_no_summary_says_so(tmp_path, capsys):
    """Not "key '--outcome': no outcome 'isolated_share_65_alone' in these results" when no --outcome was given."""
    from analysis import analyse, load, summarise

    out = tmp_path / "nosum"
    run_sweep({**SPEC, "outputs": {"summary": False, "weekly_every": 2}}, out, backend="serial", progress=False)
    assert main(["report", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: file {out}, key 'outputs.summary': "), err
    assert "this sweep kept no final-year summary (its spec had outputs: {summary: false})" in err
    assert "no outcome to report on or analyse (its weekly series are in weekly/)" in err
    assert "--outcome" not in err and not (out / "report-en.html").exists()
    results = load(out)
    for call in (lambda: analyse(results, "isolated_share_65_alone"), lambda: summarise(results)):
        with pytest.raises(UserError, match="kept no final-year summary") as info:
            call()
        assert info.value.file == str(out) and info.value.key == "outputs.summary"


def test_a_report_on_a_sweep_that_kept_some_outcomes_names_them(tmp_path, capsys):
    out = tmp_path / "some"
    run_sweep({**SPEC, "outputs": {"summary": ["lonely_share_65plus", "isolated_share_all"]}}, out,
              backend="serial", progress=False)
    assert main(["report", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no outcome 'isolated_share_65_alone' in these results (did you mean 'isolated_share_all'?): this sweep " \
           "kept only lonely_share_65plus, isolated_share_all of the final-year summary (outputs.summary); expected " \
           "one of them (--outcome picks the outcome; its default is isolated_share_65_alone)" in err, err
    assert main(["report", str(out), "--outcome", "isolated_share_65_alone"]) == 2
    assert "its default is" not in capsys.readouterr().err   # named by the user: no word about a default


# ----------------------------------------------------------------------------- warnings on the command line
def test_the_command_line_prints_the_projects_warnings_as_one_line(tmp_path, capsys):
    """A sweep folder written before sweeps recorded their code resumes with a warning: on the command line
    one 'warning:' line, not Python's 'experiments/cli.py:28: UserWarning: ...' and the source line."""
    import json
    import warnings

    spec, out = _write(tmp_path / "s.yaml", SPEC), tmp_path / "out"
    run_sweep(spec, out, backend="serial", progress=False, max_runs=1)
    meta = json.loads((out / "meta.json").read_text())
    del meta["code"]
    (out / "meta.json").write_text(json.dumps(meta))
    shown = warnings.showwarning
    assert main(["sweep", spec, "--out", str(out), "--backend", "serial", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"warning: {out}: this sweep was written before sweeps recorded the model code") \
        and err.count("\n") == 1, err
    assert "UserWarning" not in err and "cli.py" not in err
    assert warnings.showwarning is shown   # restored when the command returns: Python callers get warnings as ever


def test_other_warnings_keep_their_usual_display(capsys):
    from sim.cli import _plain_warnings

    seen = []
    show = _plain_warnings(lambda *args: seen.append(args))
    show(UserWarning("from a library"), UserWarning, "/usr/lib/python3/site-packages/lib.py", 3)
    show(DeprecationWarning("old"), DeprecationWarning, __file__.replace("tests/", "sim/"), 3)
    assert len(seen) == 2 and capsys.readouterr().err == ""
    show(UserWarning("two\n  lines"), UserWarning, __file__.replace("tests/test_sweep_messages.py",
                                                                     "analysis/sensitivity.py"), 3)
    assert capsys.readouterr().err == "warning: two lines\n"


# ----------------------------------------------------------------------------- Ctrl-C
def interrupted_on_run(n: int, simulate=_simulate):
    """A sweep's ``simulate`` that runs ``simulate`` and is interrupted (Ctrl-C) on its ``n``-th call."""
    calls = []

    def run(scenario, params, seed, weeks):
        calls.append(seed)
        if len(calls) == n:
            raise KeyboardInterrupt
        return simulate(scenario, params, seed, weeks)
    return run


def test_ctrl_c_during_a_sweep_says_what_is_kept_and_how_to_resume(tmp_path, capsys, monkeypatch):
    import experiments.runner as runner

    spec, out = _write(tmp_path / "s.yaml", SPEC), tmp_path / "out"
    command = ["sweep", spec, "--out", str(out), "--backend", "serial", "--batch-size", "1", "--quiet"]
    monkeypatch.setattr(runner, "simulate", interrupted_on_run(3))
    assert main(command) == 130
    assert capsys.readouterr().err == (f"interrupted: 2 of 4 runs are finished and kept in {out}; run the same "
                                       "command again to resume (2 runs left)\n")
    monkeypatch.setattr(runner, "simulate", _simulate)
    assert main(command) == 0     # as it said: the same command resumes, the finished runs are not run again
    assert "2 runs done now, 2 already finished, 0 failed, of 4" in capsys.readouterr().out


def test_ctrl_c_before_the_first_run_finished_leaves_a_codebook_of_the_design_and_seeds(tmp_path, monkeypatch):
    """Stopped before any run finished, the folder held design.parquet and seeds.parquet and no
    codebook.csv to describe them; they are described, and the next session adds summary/ and weekly/."""
    import pandas as pd

    import experiments.runner as runner

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    spec, out = _write(tmp_path / "s.yaml", SPEC), tmp_path / "out"
    command = ["sweep", spec, "--out", str(out), "--backend", "serial", "--batch-size", "1", "--quiet"]
    monkeypatch.setattr(runner, "simulate", interrupted)
    assert main(command) == 130
    book = pd.read_csv(out / "codebook.csv", keep_default_na=False)
    assert set(book["file"]) == {"design.parquet", "seeds.parquet"}
    for name in ("design.parquet", "seeds.parquet"):
        assert list(book.loc[book["file"] == name, "column"]) == list(pd.read_parquet(out / name).columns)
    monkeypatch.setattr(runner, "simulate", _simulate)
    assert main(command) == 0
    book = pd.read_csv(out / "codebook.csv", keep_default_na=False)
    assert {"summary/*.parquet", "design.parquet", "seeds.parquet"} <= set(book["file"])


def test_ctrl_c_before_a_sweep_wrote_anything_says_so(tmp_path, capsys, monkeypatch):
    import experiments.runner as runner

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "_prepare_folder", interrupt)
    spec, out = _write(tmp_path / "s.yaml", SPEC), tmp_path / "out"
    assert main(["sweep", spec, "--out", str(out), "--backend", "serial", "--quiet"]) == 130
    assert capsys.readouterr().err == (f"interrupted: the sweep stopped before it wrote any run to {out}; run the "
                                       "same command again to start it\n")


@pytest.mark.parametrize("stop,word,status", [(KeyboardInterrupt, "interrupted", 130), (Terminated, "terminated", 143)])
def test_ctrl_c_or_sigterm_during_a_run_says_it_starts_over(tmp_path, capsys, monkeypatch, stop, word, status):
    """Ctrl-C, or SIGTERM (which the command line turns into :class:`Terminated`), during ``run``."""
    import sim.runner

    def interrupt(*args, **kwargs):
        raise stop

    monkeypatch.setattr(sim.runner, "run_to_folder", interrupt)
    assert main(["run", "centre-sud", "--years", "1", "--out", str(tmp_path / "r"), "--quiet"]) == status
    assert capsys.readouterr().err == (f"{word}: the run did not finish, and a run does not resume: run the same "
                                       "command again to run it from the start\n")


def test_sigterm_reaches_a_command_as_terminated_and_is_restored_after(tmp_path, monkeypatch):
    """While a command runs, SIGTERM raises Terminated in it; once it returns, the handler is as before."""
    import os
    import signal

    import sim.runner

    def signalled(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("SIGTERM did not stop the command")

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(sim.runner, "run_to_folder", signalled)
    assert main(["run", "centre-sud", "--years", "1", "--out", str(tmp_path / "r"), "--quiet"]) == 143
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.parametrize("changes,expected", [
    ({"design": "sobol", "samples": 4, "parameters": {}, "ranges": {"peer_support.competency_gain": {"low": 0.3, "hi": 3}}},
     "key 'ranges.peer_support.competency_gain.hi': unknown key 'hi' (did you mean 'high'?)"),
    ({"design": "sobol", "samples": 4, "parameters": {"peer_support.competency_gain": {"low": 0.3, "high": 3}}},
     "key 'parameters.peer_support.competency_gain': expected a list of values to sweep; found a range "
     "{'low': 0.3, 'high': 3}: ranges go under 'ranges:'"),
])
def test_a_misplaced_or_misspelt_range_says_what_to_write(tmp_path, capsys, changes, expected):
    """A misspelt range key is named as unknown (not "'high' is required"), and a range written under
    'parameters:' says that ranges go under 'ranges:' (not "expected a valid list")."""
    spec = _write(tmp_path / "s.yaml", tiny_spec("ranges", **changes))
    assert main(["sweep", spec, "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1, err
