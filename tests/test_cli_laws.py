"""The command line as the README describes it, checked where a mutation audit of ``sim/cli.py``,
``sim/runner.py``, ``analysis/cli.py``, ``experiments/cli.py`` and ``experiments/calibration_cli.py``
found it unchecked: the line ``run`` prints, its defaults and progress bar, the files it writes and
their header, its chart, the ``scenarios`` commands' output, and the messages of ``report``,
``sweep`` and ``calibrate``."""

from __future__ import annotations

import json
import re

import pytest

from sim.cli import main
from sim.scenario import load_scenario


def _summary(folder):
    return json.loads((folder / "summary.json").read_text())


# ----------------------------------------------------------------------------- the line run prints
def test_the_line_run_prints_gives_the_summarys_numbers_in_percent_and_the_scenarios_currency(tmp_path, capsys):
    """Shares as percentages of the summary's shares (one decimal), the empowerment index (three
    decimals) and the spending with the scenario's currency symbol (README: "the line `run` prints
    write amounts with its symbol")."""
    path = tmp_path / "euros.yaml"
    path.write_text("extends: centre-sud\npopulation: {n_patients: 200}\nfunding: {currency: EUR}\n")
    out = tmp_path / "out"
    assert main(["run", str(path), "--seed", "1", "--years", "0.2", "--out", str(out), "--quiet"]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    s = _summary(out)["final_year"]
    assert f"isolated {100 * s['isolated_share_all']:.1f}% of residents" in line, line
    assert f"(65+ living alone: {100 * s['isolated_share_65_alone']:.1f}%)" in line, line
    assert f"lonely 65+: {100 * s['lonely_share_65plus']:.1f}%" in line, line
    assert f"empowerment index {s['empowerment_index']:.3f}" in line, line
    assert line.endswith(f"spending €{s['spending_total']:,.0f}"), line


def test_a_run_of_a_year_is_summarised_as_its_final_year_and_a_one_week_run_as_one_week(tiny_yaml, tmp_path, capsys):
    """52 weeks are a year: the summary is the final year's; a shorter run says how many weeks it covers."""
    assert main(["run", str(tiny_yaml), "--years", "1", "--out", str(tmp_path / "year"), "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("Final year: isolated ")
    assert _summary(tmp_path / "year")["weeks"] == 52
    assert main(["run", str(tiny_yaml), "--years", "0.02", "--out", str(tmp_path / "week"), "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith(
        "The whole run, 1 week (less than a year; spending is the total over it): isolated ")


# ----------------------------------------------------------------------------- run's defaults and options
def test_run_with_no_seed_or_out_runs_seed_0_into_a_folder_named_with_the_size_reached(tiny_yaml, tmp_path,
                                                                                         monkeypatch, capsys):
    """Defaults of ``run`` (its --help): seed 0, and runs/SCENARIO-SIZE-residents-seed0 with --residents,
    SIZE the size reached (151 asked of a community of 1.5 residents a patient is 152); without
    --quiet a progress bar counts the weeks up to the horizon; --snapshot-weeks takes blanks and a
    closing comma."""
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(tiny_yaml), "--years", "0.2", "--residents", "151", "--snapshot-weeks", " 5, 0,"]) == 0
    folder = tmp_path / "runs" / "tiny-152-residents-seed0"
    assert _summary(folder)["seed"] == 0 and _summary(folder)["residents"] == 152
    assert sorted(p.name for p in folder.glob("residents_week*")) == ["residents_week0.parquet",
                                                                       "residents_week5.parquet"]
    bar = capsys.readouterr().err.split("\r")[-1]
    assert bar.startswith("tiny: 100%") and "10/10" in bar and "week" in bar, bar


def test_run_without_a_scenario_runs_centre_sud(tmp_path):
    """``run``'s scenario defaults to centre-sud (README: ``caring-community run centre-sud`` is the first run)."""
    out = tmp_path / "out"
    assert main(["run", "--residents", "150", "--years", "0.02", "--out", str(out), "--quiet"]) == 0
    assert _summary(out)["scenario"] == "centre-sud"


@pytest.mark.parametrize("weeks, found", [("2.5", "'2.5'"), ("0;5", "'0;5'")])
def test_snapshot_weeks_that_are_not_whole_weeks_are_refused_naming_the_option(tiny_yaml, tmp_path, capsys,
                                                                               weeks, found):
    assert main(["run", str(tiny_yaml), "--snapshot-weeks", weeks, "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (f"error: key '--snapshot-weeks': expected comma-separated whole weeks such "
                                       f"as 0,260,520; found {found}\n")
    assert not (tmp_path / "out").exists()


# ----------------------------------------------------------------------------- scenarios list | show | validate
def test_scenarios_list_starts_every_title_in_one_column(capsys):
    assert main(["scenarios", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    starts = {len(line) - len(line.split(maxsplit=1)[1]) for line in lines}
    assert starts == {max(len(line.split()[0]) for line in lines) + 2}


def test_a_size_given_to_scenarios_list_is_refused_naming_the_option(capsys):
    assert main(["scenarios", "list", "--residents", "500"]) == 2
    assert capsys.readouterr().err.startswith("error: key '--residents': expected no scenario or size with "
                                              "'scenarios list'")


@pytest.mark.parametrize("action", ["show", "validate"])
def test_scenarios_show_or_validate_without_a_scenario_says_what_it_needs(capsys, action):
    assert main(["scenarios", action]) == 2
    assert capsys.readouterr().err == f"error: 'scenarios {action}' needs a scenario name or file\n"


def test_scenarios_validate_says_the_size_and_horizon_the_scenario_resolves_to(capsys):
    """The residents it has at the size asked (the size reached) and its horizon in years."""
    for argv, residents in ((["centre-sud"], load_scenario("centre-sud").population.n_residents),
                            (["centre-sud", "--residents", "151"], 152)):
        assert main(["scenarios", "validate", *argv]) == 0
        years = load_scenario("centre-sud").years
        assert capsys.readouterr().out == f"centre-sud: valid ({residents} residents, {years:g} years)\n"


def test_scenarios_show_writes_the_scenario_as_its_own_yaml_in_the_schemas_order_and_letters(capsys):
    """The sections in the order of a scenario file (name and title first, as scenario.yaml and docs
    write them), and words in their own letters: 'Montréal', not 'Montr\\xE9al'."""
    from sim.scenario import Scenario

    assert main(["scenarios", "show", "centre-sud"]) == 0
    text = capsys.readouterr().out
    assert [line.split(":")[0] for line in text.splitlines() if re.match(r"[a-z_]+:", line)] == \
        list(Scenario.model_fields)
    assert f"title: {load_scenario('centre-sud').title}\n" in text and "Montréal" in text


def test_scenarios_show_params_shows_a_value_that_fits_its_column_whole(tmp_path, capsys):
    """The value column is 14 characters wide: a value of 14 characters is shown as it is, a longer
    one cut to fit, ending in '...' (the other columns are as wide as their longest entry)."""
    for title, shown in (("Tiny community", "Tiny community"), ("Tiny community!", "Tiny commun...")):
        path = tmp_path / "mine.yaml"
        path.write_text(f"extends: centre-sud\ntitle: {title}\n")
        assert main(["scenarios", "show", str(path), "--params"]) == 0
        lines = capsys.readouterr().out.splitlines()
        row = next(line for line in lines if line.startswith("title "))
        start, end = lines[0].index("value"), lines[0].index("default")
        assert end - start == 15 and row[start:end] == f"{shown:<14} ", row


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    """``caring-community scenarios show NAME --params | head`` stops without a BrokenPipeError
    traceback, with status 0, once the reader has closed the pipe."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])}
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "scenarios", "show", "centre-sud", "--params"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    proc.stdout.close()   # before the command writes: its first write finds no reader
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and err == ""


def test_a_subcommand_package_left_out_is_skipped_and_a_missing_dependency_is_not_hidden(tmp_path, monkeypatch,
                                                                                           capsys):
    """A plugin module that is not there (a package left out of an installation) leaves the other commands
    working; a plugin whose own import fails on a missing library says so, rather than its subcommand
    quietly disappearing."""
    import sim.cli

    (tmp_path / "needs_a_library.py").write_text("import no_such_library_for_the_test\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sim.cli, "PLUGINS", ("no_such_package.cli",))
    assert main(["scenarios", "list"]) == 0
    monkeypatch.setattr(sim.cli, "PLUGINS", ("needs_a_library",))
    with pytest.raises(ModuleNotFoundError, match="no_such_library_for_the_test"):
        sim.cli.build_parser()


# ----------------------------------------------------------------------------- what run checks and writes
def test_years_are_run_as_the_nearest_whole_number_of_weeks(tiny_yaml):
    """0.05 years are 2.6 weeks: 3 weeks are run (week 0 and three rows), as 'scenario.yaml' records them."""
    from sim import run
    assert list(run(str(tiny_yaml), seed=1, years=0.05)["week"]) == [0, 1, 2, 3]


@pytest.mark.parametrize("seed, years, words", [
    (True, None, "key 'seed': expected a whole number 0 or more; found True"),
    (0, 100.5, "key 'years': expected a horizon above 0 and at most 100 years; found 100.5"),
    (0, 0, "key 'years': expected a horizon above 0 and at most 100 years; found 0"),
])
def test_run_arguments_are_checked_at_their_bounds(seed, years, words):
    """A flag is no seed; a numpy whole number is one (a seed drawn by numpy); 100 years is the longest
    horizon, and a horizon of 0 is said to be not above 0."""
    import numpy as np

    from sim.errors import UserError
    from sim.runner import check_run_arguments, horizon_weeks

    scenario = load_scenario("centre-sud")
    with pytest.raises(UserError) as info:
        check_run_arguments(seed, years, [], horizon_weeks(scenario, years))
    assert str(info.value) == words
    check_run_arguments(np.int64(3), 100, [], horizon_weeks(scenario, 100))   # accepted


def test_edges_without_snapshot_weeks_says_what_to_write_in_the_callers_own_terms(tiny_yaml, tmp_path, capsys):
    """The command suggests '--snapshot-weeks 0,N' and Python 'snapshot_weeks [0, N]', N the run's last week."""
    from sim.errors import UserError
    from sim.runner import run_to_folder

    assert main(["run", str(tiny_yaml), "--years", "0.2", "--edges", "--out", str(tmp_path / "out")]) == 2
    assert "(the weeks at which to write the edge list, e.g. --snapshot-weeks 0,10)" in capsys.readouterr().err
    with pytest.raises(UserError, match=re.escape("e.g. snapshot_weeks [0, 10]); found none")):
        run_to_folder(tiny_yaml, 1, tmp_path / "out", years=0.2, edges=True)
    assert not (tmp_path / "out").exists()


def test_an_out_folder_that_cannot_be_made_is_one_message(tiny_yaml, capsys):
    """Where no folder can be made (here in /proc), one line naming --out, not the system's traceback."""
    assert main(["run", str(tiny_yaml), "--years", "0.02", "--quiet", "--out", "/proc/no-such-folder"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: file /proc/no-such-folder, key '--out': expected a folder that can be created or "
                          "written to; found ") and len(err.splitlines()) == 1


def test_the_command_in_scenario_yaml_reproduces_the_run_from_the_run_folder(tmp_path, monkeypatch):
    """README: scenario.yaml holds "the resolved parameters, reloadable as a scenario, with the seed and the
    command that reproduces the run in its header" -- also for a scenario that extends a file of its own."""
    import shlex

    import pandas as pd

    (tmp_path / "parent.yaml").write_text("extends: centre-sud\npopulation: {n_patients: 200}\n")
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\ngovernance: {decision_rule: consensus}\n")
    out = tmp_path / "runs" / "child"
    assert main(["run", str(tmp_path / "child.yaml"), "--seed", "2", "--years", "0.1", "--out", str(out), "--quiet"]) == 0
    header = (out / "scenario.yaml").read_text().splitlines()[:4]
    assert header[:3] == ["# Resolved scenario 'child' (derived from parent.yaml)", "# seed: 2", "# weeks: 5"]
    assert header[3].startswith("# reproduce: caring-community run scenario.yaml ")
    monkeypatch.chdir(out)
    again = tmp_path / "again"
    assert main([*shlex.split(header[3].split("caring-community ", 1)[1]), "--out", str(again), "--quiet"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(again / "outcomes.parquet"), pd.read_parquet(out / "outcomes.parquet"))


def test_a_run_that_stops_half_way_in_a_used_folder_leaves_only_its_own_parameters(tiny_yaml, tmp_path, monkeypatch):
    """README: a run into a folder that held an earlier run first removes that run's outputs, so nothing
    in the folder belongs to another run -- even when this run stops before writing its own."""
    from sim import CaringCommunity

    out = tmp_path / "used"
    assert main(["run", str(tiny_yaml), "--seed", "1", "--years", "0.1", "--out", str(out), "--quiet",
                 "--snapshot-weeks", "0,5", "--edges"]) == 0

    def crash(model):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(CaringCommunity, "step", crash)
    with pytest.raises(RuntimeError):
        main(["run", str(tiny_yaml), "--seed", "2", "--years", "0.1", "--out", str(out), "--quiet"])
    assert [p.name for p in out.iterdir()] == ["scenario.yaml"]
    assert "# seed: 2" in (out / "scenario.yaml").read_text()


def test_the_chart_draws_isolation_in_percent_and_empowerment_over_years_under_the_scenarios_title(
        tiny_yaml, tmp_path, monkeypatch):
    """chart.png (README: isolation and empowerment over time): left, the three isolation and
    loneliness shares in % of residents; right, the empowerment index and the share of patients at
    engagement level 1 or more, on 0-1; years on both x axes; the scenario's title above."""
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

    drawn = []
    save = Figure.savefig

    def keep(fig, *args, **kwargs):
        drawn.append(fig)
        return save(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    out = tmp_path / "out"
    assert main(["run", str(tiny_yaml), "--seed", "1", "--years", "0.2", "--out", str(out), "--quiet"]) == 0
    df = pd.read_parquet(out / "outcomes.parquet")
    [fig] = drawn
    assert fig.get_suptitle() == "Tiny Centre-Sud"
    left, right = fig.axes
    years = df["week"] / 52
    for line, column in zip(left.get_lines(), ("isolated_share_all", "isolated_share_65_alone", "lonely_share_65plus")):
        assert np.allclose(line.get_xdata(), years) and np.allclose(line.get_ydata(), 100 * df[column]), column
    engaged = df[["engagement_level_1_share", "engagement_level_2_share", "engagement_level_3_share"]].sum(axis=1)
    for line, values in zip(right.get_lines(), (df["empowerment_index"], engaged)):
        assert np.allclose(line.get_xdata(), years) and np.allclose(line.get_ydata(), values)
    assert len(left.get_lines()) == 3 and len(right.get_lines()) == 2
    assert right.get_ylim() == (0, 1) and left.get_xlabel() == right.get_xlabel() == "year"
    # level 3 is reached after years, not in ten weeks: the share at level 1 or more counts it too
    from sim.runner import plot_run
    drawn.clear()
    plot_run(df.assign(engagement_level_1_share=0.1, engagement_level_2_share=0.2, engagement_level_3_share=0.3),
             tmp_path / "levels.png")
    assert np.allclose(drawn[0].axes[1].get_lines()[1].get_ydata(), 0.6)


# ----------------------------------------------------------------------------- report, sweep, calibrate
def test_a_report_on_incomplete_results_says_how_many_runs_completed_are_missing_and_failed(tmp_path, capsys):
    from analysis.synthetic import write_replications

    folder = write_replications(tmp_path / "runs", range(3), "demo")
    (folder / "demo-seed3").mkdir()
    (folder / "demo-seed3" / "scenario.yaml").write_text("seed: 3\n")   # a run that stopped half-way
    assert main(["report", str(folder), "--out", str(tmp_path / "r.html")]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Wrote {tmp_path / 'r.html'}",
        "warning: incomplete results: 3 of 4 runs completed, 0 missing, 1 failed (the report says so)"]


def _spec(path, name="tiny", **changes):
    """The tests' tiny sweep spec (tests/sweep_specs.py), written to ``path``."""
    from sweep_specs import tiny_spec
    from test_sweep_messages import _write

    return _write(path, tiny_spec(name, **changes))


def test_sweep_status_and_extra_arguments_say_what_the_command_takes(tmp_path, capsys, monkeypatch):
    """'sweep status' needs the folder; 'sweep SPEC EXTRA' is refused, not EXTRA ignored; a spec file named
    'status' in the current folder is a spec (``sweep status --out DIR`` runs it)."""
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", "status"]) == 2
    assert capsys.readouterr().err == ("error: 'sweep status' needs the sweep's output folder: caring-community "
                                       "sweep status DIR\n")
    assert main(["sweep", _spec(tmp_path / "s.yaml"), "sweeps/s"]) == 2
    assert capsys.readouterr().err.startswith("error: unexpected argument 'sweeps/s'; expected 'sweep SPEC [--out DIR]' "
                                              "or 'sweep status DIR'")
    (tmp_path / "status").write_text("# a sweep, one day\n")
    assert main(["sweep", "status", "--out", "o"]) == 2
    assert capsys.readouterr().err.startswith("error: file status: expected a sweep spec")
    assert not (tmp_path / "sweeps").exists() and not (tmp_path / "o").exists()


def test_a_sweep_with_one_failed_run_goes_to_sweeps_name_and_says_it_failed_in_the_singular(tmp_path, capsys,
                                                                                               monkeypatch):
    """Without --out, sweeps/NAME, NAME the spec's own name (not its file's); with --quiet nothing on stderr;
    one failed run is 'is recorded ... with its error (rerun it ...)'."""
    import experiments.runner as runner
    from test_sweep_messages import _fail_consensus

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runner, "simulate", _fail_consensus)
    spec = _spec(tmp_path / "file-name.yaml", name="spec-name", replications=1)
    assert main(["sweep", spec, "--backend", "serial", "--quiet"]) == 1
    captured = capsys.readouterr()
    out = "sweeps/spec-name"
    assert captured.out.splitlines()[0].startswith(f"{out}: 1 runs done now, 0 already finished, 1 failed, of 2")
    assert captured.out.splitlines()[1] == (f"1 failed run is recorded in {out}/failed/ with its error (rerun it with "
                                            "--retry-failed)")
    assert captured.err == "" and (tmp_path / out / "failed").is_dir()


def test_an_interrupted_sweep_with_a_failed_run_and_one_left_says_so(tmp_path, capsys, monkeypatch):
    import experiments.runner as runner
    from test_sweep_messages import _fail_consensus, interrupted_on_run

    monkeypatch.setattr(runner, "simulate", interrupted_on_run(4, _fail_consensus))
    out = tmp_path / "out"
    assert main(["sweep", _spec(tmp_path / "s.yaml"), "--out", str(out), "--backend", "serial", "--batch-size", "1",
                 "--quiet"]) == 130
    assert capsys.readouterr().err == (f"interrupted: 2 of 4 runs are finished and kept in {out}, 1 failed "
                                       "(--retry-failed reruns them); run the same command again to resume (1 run left)\n")


def test_calibrate_check_takes_its_seed_shows_progress_and_fails_on_fitted_targets_only(tmp_path, capsys, monkeypatch):
    """--seed is the root of the verification's seeds; without --quiet each run is reported; a target that
    is only a check (not fitted) may be missed with exit status 0 (--help: "exit status 1 if a fitted
    target is outside its tolerance")."""
    import experiments.calibration_targets as targets

    monkeypatch.chdir(tmp_path)
    checks = [t if t.fitted else t.__class__(**{**t.__dict__, "value": 1000.0}) for t in targets.TARGETS]
    wide = [t.__class__(**{**t.__dict__, "sigma": 1e9}) if t.fitted else t for t in checks]
    monkeypatch.setattr("experiments.calibration.TARGETS", wide)
    assert main(["calibrate", "--check", "--verify", "2", "--seed", "5", "--residents", "500",
                 "--backend", "serial"]) == 0
    out = capsys.readouterr().out
    assert "  2/2 runs (serial" in out
    assert f"{len(targets.TARGETS) - 1}/{len(targets.TARGETS)} targets within tolerance" in out
    assert out.rstrip().endswith("(2 seeds from root seed 5)")
