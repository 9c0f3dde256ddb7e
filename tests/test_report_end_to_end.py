"""End to end: run a tiny scenario and its hospital-centred baseline with the same seeds, then
``caring-community report`` on the run folders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis import build_report, compare, load
from sim.cli import main
from sim.runner import run_to_folder

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SEEDS = (0, 1)
YEARS = 0.3


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    scen = root / "tiny.yaml"
    scen.write_text("extends: centre-sud\npopulation: {n_patients: 200}\n")
    base = root / "tiny-baseline.yaml"
    if (SCENARIOS / "hospital-baseline.yaml").exists():
        base.write_text("extends: hospital-baseline\npopulation: {n_patients: 200}\n")
    else:
        base.write_text("extends: centre-sud\npopulation: {n_patients: 200}\ngovernance: {stewardship_group: false}\n"
                        "retention: {initial_patient_partners: 0, initial_citizen_partners: 0}\n")
    for seed in SEEDS:
        run_to_folder(scen, seed, root / "runs" / f"tiny-seed{seed}", years=YEARS)
        run_to_folder(base, seed, root / "baseline" / f"tiny-baseline-seed{seed}", years=YEARS)
    return root


def test_runs_load_as_replications_and_compare_paired_by_seed(runs):
    scen, base = load(runs / "runs"), load(runs / "baseline")
    assert scen.kind == "replications" and scen.seeds == list(SEEDS) and scen.complete
    assert len(scen.weekly) == len(SEEDS) * (round(YEARS * 52) + 1)
    cmp = compare(scen, base)
    assert cmp.seeds == list(SEEDS)
    row = cmp.row("isolated_share_65_alone")
    assert row["n_pairs"] == len(SEEDS)
    assert row["difference"] == pytest.approx(row["scenario"] - row["baseline"])
    assert cmp.row("spending_total")["difference"] > 0  # the programme costs money; the baseline has no budget
    assert cmp.cost.status in ("ok", "unbounded", "no_reduction", "saves")


def test_report_command_on_model_output(runs, capsys):
    out = runs / "report.html"
    code = main(["report", str(runs / "runs"), "--baseline", str(runs / "baseline"), "--lang", "fr", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    html = out.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 4
    assert "L’isolement des personnes de 65 ans et plus vivant seules" in html
    assert re.search(r"IC à 95\s%", html)
    assert "Incomplete" not in html and "incomplet" not in html
    assert f"Wrote {out}" in capsys.readouterr().out


def test_out_without_a_suffix_is_a_folder_as_run_and_sweep_out_are(runs, tmp_path, capsys):
    """``--out reports`` makes the folder ``reports`` and writes report-LANG.html in it (it wrote an HTML
    file named ``reports``, with no suffix for a browser or a file manager to recognise)."""
    out = tmp_path / "reports"
    assert main(["report", str(runs / "runs" / "tiny-seed0"), "--lang", "fr", "--out", str(out)]) == 0
    assert (out / "report-fr.html").is_file()
    assert f"Wrote {out / 'report-fr.html'}" in capsys.readouterr().out


def test_out_never_writes_over_a_file_that_is_not_a_report(runs, tmp_path, capsys):
    """``report DIR --out DIR/outcomes.parquet`` (or any other data file) wrote the HTML over the run's
    data; it is refused with one message and the file is left as it was. An earlier report is replaced."""
    run = tmp_path / "run"
    run.mkdir()
    for f in (runs / "runs" / "tiny-seed0").iterdir():
        (run / f.name).write_bytes(f.read_bytes())
    data = (run / "outcomes.parquet").read_bytes()
    for name in ("outcomes.parquet", "summary.csv"):
        before = (run / name).read_bytes()
        assert main(["report", str(run), "--out", str(run / name)]) == 2
        err = capsys.readouterr().err
        assert f"file {run / name}, key '--out'" in err and "not HTML" in err and "Traceback" not in err
        assert (run / name).read_bytes() == before
    assert (run / "outcomes.parquet").read_bytes() == data
    old = tmp_path / "old-report"   # a report written without a suffix by an earlier version
    old.write_text("<!DOCTYPE html>\n<html><body>old</body></html>", encoding="utf-8")
    assert main(["report", str(run), "--out", str(old)]) == 0
    assert "<h2>" in old.read_text(encoding="utf-8")


def test_report_on_a_single_run_folder_says_there_is_no_interval(runs):
    single = load(runs / "runs" / "tiny-seed0")
    assert single.kind == "run" and single.seeds == [0]
    html = build_report(single, None, "en", figures=False)
    assert "single run" in html and "no confidence interval" in html


def test_a_baseline_of_another_community_is_flagged(tmp_path):
    """hospital-baseline is centre-sud's counterfactual; against the seniors track (other organizations)
    the report warns that the differences mix the programme with the two communities' differences."""
    from sim import load_scenario, scale_scenario

    def run(name):
        scenario = scale_scenario(load_scenario(name, {"network.burn_in_weeks": 0}), 300)
        return load(run_to_folder(scenario, 1, tmp_path / name, years=0.05) and tmp_path / name)

    baseline, pilot, seniors = run("hospital-baseline"), run("centre-sud"), run("centre-sud-seniors")
    warning = "The baseline is another community"
    assert warning not in build_report(pilot, baseline, "en", figures=False)
    page = build_report(seniors, baseline, "en", figures=False)
    assert warning in page and "differ from the scenario’s at 'organizations.0" in page
    assert "La référence est une autre communauté" in build_report(seniors, baseline, "fr", figures=False)
    assert warning not in build_report(seniors, None, "en", figures=False)


def test_a_sweep_of_one_point_is_the_baseline_of_a_sweep_at_the_same_size(tmp_path, capsys):
    """The baseline of a scaled sweep: the same spec with the baseline scenario and no parameters has
    the same seeds; the report pairs every point with it, and a baseline sweep of several points is refused."""
    from experiments import run_sweep
    from sweep_specs import tiny_spec

    scen, base, two = tmp_path / "scen", tmp_path / "base", tmp_path / "two"
    run_sweep(tiny_spec("scen"), scen, workers=1, progress=False)
    run_sweep(tiny_spec("base", base_scenario="hospital-baseline", parameters={}), base, workers=1, progress=False)
    page = build_report(load(scen), load(base), "en", figures=False)
    assert "Compared with “base”" in page and "paired by seed over 2 seeds" in page
    assert "The baseline is another community" not in page       # same size: the same community
    run_sweep(tiny_spec("two", base_scenario="hospital-baseline"), two, workers=1, progress=False)
    capsys.readouterr()
    assert main(["report", str(scen), "--baseline", str(two), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "a sweep of one design point" in err and "found a sweep of 2 points" in err and "Traceback" not in err


@pytest.mark.parametrize("option", ["--out", "--baseline"])
def test_an_empty_out_or_baseline_is_a_clear_error(runs, tmp_path, capsys, monkeypatch, option):
    """``--out ""`` wrote the report into the current folder and ``--baseline ""`` compared with it
    (``Path("")`` is the current folder)."""
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(runs / "runs"), option, ""]) == 2
    err = capsys.readouterr().err
    assert err == f'error: key \'{option}\': expected a file or folder name; found an empty text ({option} "")\n'
    assert list(tmp_path.iterdir()) == []


def _rewrite_summary(folder, **changes):
    import json
    info = json.loads((folder / "summary.json").read_text())
    (folder / "summary.json").write_text(json.dumps({**info, **changes}))


@pytest.mark.parametrize("damage, file, words", [
    (lambda f: _rewrite_summary(f, final_year=3), "summary.json", "found 'final_year': 3"),
    (lambda f: _rewrite_summary(f, seed="x"), "summary.json", "found 'seed': 'x'"),
    (lambda f: _rewrite_summary(f, weeks="x"), "summary.json", "found 'weeks': 'x'"),
    (lambda f: __import__("pandas").DataFrame({"a": [1]}).to_parquet(f / "outcomes.parquet"), "outcomes.parquet",
     "found no 'week' column"),
])
def test_a_damaged_run_folder_is_one_message_naming_the_file(runs, tmp_path, capsys, damage, file, words):
    """A summary.json whose final_year is not a mapping (TypeError) or whose seed is not a number
    (ValueError), or an outcomes.parquet without weeks (KeyError: 'week'), stopped the report with a traceback."""
    import shutil
    folder = tmp_path / "runs"
    shutil.copytree(runs / "runs", folder)
    damaged = sorted(folder.iterdir())[0]
    damage(damaged)
    assert main(["report", str(folder), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: file {damaged / file}: expected ") and words in err and len(err.splitlines()) == 1


def test_compare_takes_a_sweep_of_one_point_as_the_baseline_of_a_point(tmp_path):
    """From Python as in the report: compare(sweep.select(p), baseline_sweep) pairs by seed."""
    from experiments import run_sweep
    from sweep_specs import tiny_spec

    from sim.errors import UserError

    run_sweep(tiny_spec("scen"), tmp_path / "scen", workers=1, progress=False)
    run_sweep(tiny_spec("base", base_scenario="hospital-baseline", parameters={}), tmp_path / "base", workers=1,
              progress=False)
    sweep, base = load(tmp_path / "scen"), load(tmp_path / "base")
    cmp = compare(sweep.select(1), base)
    assert cmp.row("spending_total")["n_pairs"] == 2
    assert cmp.row("spending_total")["difference"] > 0          # the programme costs money; the baseline has none
    with pytest.raises(UserError, match="found a sweep of 2 points"):
        compare(sweep.select(0), sweep)


def test_an_empty_folder_name_is_a_clear_error(runs, tmp_path, capsys, monkeypatch):
    """``report ""`` (``report "$DIR"`` with ``DIR`` unset) reported on the current folder, as ``--out ""``
    and ``--baseline ""`` did: from inside a run folder it wrote a report there."""
    folder = tmp_path / "here"
    folder.mkdir()
    for name in ("outcomes.parquet", "summary.json", "scenario.yaml"):
        (folder / name).write_bytes((runs / "runs" / "tiny-seed0" / name).read_bytes())
    monkeypatch.chdir(folder)
    assert main(["report", ""]) == 2
    err = capsys.readouterr().err
    assert err == "error: key 'folder': expected a file or folder name; found an empty text (folder \"\")\n"
    assert not (folder / "report-en.html").exists()


def test_out_with_another_suffix_is_refused_and_nothing_is_written(runs, tmp_path, capsys):
    """``--out rapport.pdf`` wrote an HTML page under a PDF name, which a PDF reader then refused to
    open; a new file's name must end in .html (or .htm), and nothing is written otherwise."""
    run = runs / "runs" / "tiny-seed0"
    for name in ("rapport.pdf", "report.docx"):
        assert main(["report", str(run), "--out", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert f"file {tmp_path / name}, key '--out'" in err and "ending in .html" in err
        assert f"'{Path(name).suffix}'" in err and "Traceback" not in err
        assert not (tmp_path / name).exists()
    assert main(["report", str(run), "--out", str(tmp_path / "rapport.HTM")]) == 0
    assert (tmp_path / "rapport.HTM").is_file()


def test_out_a_new_folder_with_a_dot_in_its_name_is_written_with_a_closing_slash(runs, tmp_path, capsys):
    """``--out v1.2/`` was refused for its suffix '.2' (pathlib drops the closing '/'), so a new folder
    whose name has a dot could not be named at all; a name with a closing '/' is a folder, and the
    refusal of ``v1.2`` says so."""
    run = runs / "runs" / "tiny-seed0"
    assert main(["report", str(run), "--out", str(tmp_path / "v1.2")]) == 2
    err = capsys.readouterr().err
    assert "found the suffix '.2'" in err and "v1.2/" in err and not (tmp_path / "v1.2").exists()
    assert main(["report", str(run), "--out", str(tmp_path / "v1.2") + "/"]) == 0
    assert (tmp_path / "v1.2" / "report-en.html").is_file()
    assert main(["report", str(run), "--out", str(tmp_path / "v1.2" / "report-en.html") + "/"]) == 2
    assert "expected a folder at" in capsys.readouterr().err   # a file, named as a folder: left as it is
    assert (tmp_path / "v1.2" / "report-en.html").is_file()
