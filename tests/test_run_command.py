"""``caring-community run`` (issue 2, item 9) and reproducibility (item 10), on a tiny community."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim import CaringCommunity, run
from sim.cli import main
from sim.network import TIE_KINDS
from sim.scenario import load_scenario

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WEEKS = 10  # --years 0.2


def _run(tiny_yaml, out, *extra):
    return main(["run", str(tiny_yaml), "--seed", "1", "--years", "0.2", "--out", str(out), "--quiet", *extra])


def test_run_writes_outcomes_summary_chart_and_scenario(tiny_yaml, tmp_path, capsys):
    out = tmp_path / "out"
    assert _run(tiny_yaml, out) == 0
    printed = capsys.readouterr().out
    assert "The whole run" in printed and str(out) in printed

    df = pd.read_parquet(out / "outcomes.parquet")
    assert list(df["week"]) == list(range(WEEKS + 1))          # one row a week, plus week 0
    for col in ("isolated_share_all", "isolated_share_65_alone", "lonely_share_65plus", "empowerment_index"):
        assert col in df.columns
        assert df[col].between(0, 1).all(), col

    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 1 and summary["weeks"] == WEEKS and summary["scenario"] == "tiny"
    final = summary["final_year"]
    # levels are averaged over the run's weeks after week 0 (a run shorter than a year)
    assert final["isolated_share_all"] == pytest.approx(df["isolated_share_all"].iloc[1:].mean())
    csv = pd.read_csv(out / "summary.csv")
    assert len(csv) == 1 and csv.loc[0, "seed"] == 1
    assert csv.loc[0, "isolated_share_all"] == pytest.approx(final["isolated_share_all"])

    png = (out / "chart.png").read_bytes()
    assert png[:8] == PNG_SIGNATURE and len(png) > 5000
    from matplotlib.image import imread
    image = imread(out / "chart.png")
    assert image.shape[0] > 200 and image.shape[1] > 400

    header = (out / "scenario.yaml").read_text().splitlines()[:4]
    assert any(line == "# seed: 1" for line in header)
    reloaded = load_scenario(out / "scenario.yaml")
    original = load_scenario(tiny_yaml)
    assert reloaded.model_dump(exclude={"extends"}) == original.model_dump(exclude={"extends"})
    # the reloaded scenario with the recorded seed reproduces the run
    again = CaringCommunity(reloaded, rng=1, agent_views=False).run(WEEKS)
    pd.testing.assert_frame_equal(again.reset_index(drop=True), df)


def test_snapshots_and_edges_at_chosen_weeks(tiny_yaml, tmp_path):
    out = tmp_path / "snap"
    assert _run(tiny_yaml, out, "--snapshot-weeks", "0,5", "--edges") == 0
    for week in (0, 5):
        residents = pd.read_parquet(out / f"residents_week{week}.parquet")
        edges = pd.read_parquet(out / f"edges_week{week}.parquet")
        n = json.loads((out / "summary.json").read_text())["residents"]
        assert len(residents) == n
        assert (residents["week"] == week).all()
        assert list(residents["resident"]) == list(range(n))
        for col in ("patient", "neighbourhood", "in_peer_support", "peer_support_sessions", "citizen_accompanied",
                    "support_received_hours"):
            assert col in residents.columns
        assert any(c.startswith("ties_") for c in residents.columns)
        assert len(edges) > 0
        assert {"week", "source", "target", "kind", "strength"} <= set(edges.columns), edges.columns
        assert (edges["week"] == week).all()
        assert (edges["source"] != edges["target"]).all()
        assert edges["strength"].between(0, 1).all() and edges["strength"].gt(0).any()
        assert set(edges["kind"]) <= set(TIE_KINDS)
        # the per-resident tie counts agree with the edge list (household ties join two residents)
        household = edges[edges["kind"] == "household"]
        assert residents["ties_household"].sum() == 2 * len(household)
    assert not list(out.glob("residents_week10.parquet"))           # only the weeks asked for
    # without --edges, only the per-resident table
    out2 = tmp_path / "snap2"
    assert _run(tiny_yaml, out2, "--snapshot-weeks", "3") == 0
    assert (out2 / "residents_week3.parquet").exists() and not list(out2.glob("edges_*"))


def test_a_run_into_a_used_folder_leaves_nothing_of_the_previous_run(tiny_yaml, tmp_path):
    """Snapshots and the chart of an earlier run in the same folder would pass for this run's."""
    out = tmp_path / "reused"
    assert _run(tiny_yaml, out, "--snapshot-weeks", "0,5", "--edges") == 0
    assert main(["run", str(tiny_yaml), "--seed", "2", "--years", "0.1", "--out", str(out), "--quiet",
                 "--snapshot-weeks", "3"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["chart.png", "codebook.csv", "outcomes.parquet", "residents_week3.parquet",
                                                     "scenario.yaml", "summary.csv", "summary.json"]


def test_snapshot_week_outside_the_run_is_a_clear_error(tiny_yaml, tmp_path, capsys):
    out = tmp_path / "bad"
    assert _run(tiny_yaml, out, "--snapshot-weeks", "0,11") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert "--snapshot-weeks" in err and "0 to 10" in err and "found 11" in err
    assert not out.exists()


def test_same_scenario_and_seed_give_identical_outcomes(tiny_yaml, tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert _run(tiny_yaml, a) == 0 and _run(tiny_yaml, b) == 0
    assert main(["run", str(tiny_yaml), "--seed", "2", "--years", "0.2", "--out", str(c), "--quiet"]) == 0
    da, db, dc = (pd.read_parquet(p / "outcomes.parquet") for p in (a, b, c))
    pd.testing.assert_frame_equal(da, db)
    assert not da.equals(dc)                                        # the seed matters
    assert json.loads((a / "summary.json").read_text()) == json.loads((b / "summary.json").read_text())


def test_python_api_matches_the_command(tiny_yaml, tmp_path):
    out = tmp_path / "cli"
    assert _run(tiny_yaml, out) == 0
    from_cli = pd.read_parquet(out / "outcomes.parquet")
    from_api = run(str(tiny_yaml), seed=1, years=0.2)
    pd.testing.assert_frame_equal(from_api.reset_index(drop=True), from_cli, check_dtype=False)
    from_dict = CaringCommunity({"extends": "centre-sud", "population": {"n_patients": 200}}, rng=1).run(WEEKS)
    pd.testing.assert_frame_equal(from_dict.reset_index(drop=True), from_cli, check_dtype=False)


@pytest.mark.parametrize("kwargs, key", [({"years": 0}, "years"), ({"years": -1}, "years"), ({"years": True}, "years"),
                                         ({"seed": -1, "years": 0.1}, "seed"),
                                         ({"seed": 1.5, "years": 0.1}, "seed")])
def test_python_run_refuses_bad_seeds_and_horizons(tiny_yaml, kwargs, key, tmp_path):
    """``sim.run`` checks its seed and horizon as the command does (no empty run, no numpy traceback),
    naming its own argument rather than the command's option."""
    from sim.errors import UserError
    from sim.runner import run_to_folder
    with pytest.raises(UserError) as info:
        run(str(tiny_yaml), **kwargs)
    assert info.value.key == key and "--" not in str(info.value)
    with pytest.raises(UserError) as info:
        run_to_folder(str(tiny_yaml), kwargs.get("seed", 0), tmp_path / "out", years=kwargs["years"])
    assert info.value.key == key


@pytest.mark.parametrize("rng", [-1, 1.5, "3", True])
def test_a_model_refuses_a_seed_that_is_not_a_whole_number(tiny_yaml, rng):
    from sim.errors import UserError
    with pytest.raises(UserError, match="rng"):
        CaringCommunity(str(tiny_yaml), rng=rng)


@pytest.mark.parametrize("weeks", [-1, 1.5, float("inf"), "3", True])
def test_a_model_runs_only_a_whole_number_of_weeks(tiny_yaml, weeks):
    """``model.run(weeks)`` refuses what is not a whole number of weeks 0 or more (it ran -1 as no week
    and 1.5 as one, and "3" gave a bare ValueError)."""
    from sim.errors import UserError
    model = CaringCommunity(str(tiny_yaml), rng=1, agent_views=False)
    with pytest.raises(UserError, match="expected a whole number of weeks") as info:
        model.run(weeks)
    assert info.value.key == "weeks"
    assert len(model.run(0)) == 1   # week 0 alone
    assert len(model.run(2.0)) == 3   # a whole number written as a float (Mesa 3.5 counts steps so)


def test_default_output_folder_is_named_after_the_scenario_and_seed(tiny_yaml, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(tiny_yaml), "--seed", "4", "--years", "0.1", "--quiet"]) == 0
    assert (tmp_path / "runs" / "tiny-seed4" / "outcomes.parquet").exists()


def test_a_smaller_community_does_not_replace_the_full_size_run_of_the_same_seed(tiny_yaml, tmp_path, monkeypatch):
    """``run S --residents N --seed 4`` wrote runs/S-seed4, so it removed the full-size run of seed 4 there."""
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(tiny_yaml), "--seed", "4", "--years", "0.1", "--quiet"]) == 0
    assert main(["run", str(tiny_yaml), "--seed", "4", "--years", "0.1", "--residents", "150", "--quiet"]) == 0
    assert (tmp_path / "runs" / "tiny-seed4" / "outcomes.parquet").exists()
    assert (tmp_path / "runs" / "tiny-150-residents-seed4" / "outcomes.parquet").exists()


def test_a_run_that_stops_half_way_counts_as_failed_in_its_set(tiny_yaml, tmp_path, monkeypatch):
    """A replication that crashes (or is interrupted) mid-run, even in a folder that held a finished
    run before, is reported as failed by `report`, not silently left out of the set."""
    from analysis import load
    runs = tmp_path / "runs"
    for seed in (1, 2, 3):
        assert main(["run", str(tiny_yaml), "--seed", str(seed), "--years", "0.1", "--out", str(runs / f"seed{seed}"),
                     "--quiet"]) == 0
    assert load(runs).completeness_note() == {"expected": 3, "completed": 3, "failed": 0, "missing": 0}
    real_step = CaringCommunity.step

    def step_then_crash(model):
        if model.week == 2:
            raise RuntimeError("simulated crash")
        real_step(model)

    monkeypatch.setattr(CaringCommunity, "step", step_then_crash)
    for folder in ("seed3", "seed4"):                     # a finished run's folder reused, and a new one
        with pytest.raises(RuntimeError):
            main(["run", str(tiny_yaml), "--seed", "4", "--years", "0.1", "--out", str(runs / folder), "--quiet"])
    monkeypatch.setattr(CaringCommunity, "step", real_step)
    results = load(runs)
    assert results.completeness_note() == {"expected": 4, "completed": 2, "failed": 2, "missing": 0}
    assert sorted(results.summary["seed"]) == [1, 2]


def test_summary_line_says_when_no_one_is_65_or_over(tmp_path, capsys):
    """A community with no one aged 65+ has no share of them to print: the line says so, not 'nan%'."""
    path = tmp_path / "young.yaml"
    path.write_text("population: {n_patients: 100, share_65plus: 0}\n")
    assert main(["run", str(path), "--years", "0.1", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "nan" not in printed
    assert "65+ living alone: no one in that group" in printed and "lonely 65+: no one in that group" in printed


def test_summary_line_of_a_run_shorter_than_a_year_says_what_it_covers(tiny_yaml, tmp_path, capsys):
    """A 10-week run is summarised over its 10 weeks: the line does not call them the final year."""
    assert _run(tiny_yaml, tmp_path / "out") == 0
    printed = capsys.readouterr().out
    assert "Final year" not in printed
    assert f"The whole run, {WEEKS} weeks (less than a year; spending is the total over it): isolated" in printed


def test_run_residents_scales_the_community_as_a_sweep_does(tmp_path, capsys):
    """``--residents`` runs the preset at a sweep's size, so that a scaled sweep has a baseline of the
    same community; a size the preset cannot be scaled to is refused in one line."""
    from sim.scenario import scale_scenario

    out = tmp_path / "small"
    assert main(["run", "hospital-baseline", "--residents", "300", "--years", "0.05", "--out", str(out), "--quiet"]) == 0
    written = load_scenario(out / "scenario.yaml")
    expected = scale_scenario(load_scenario("hospital-baseline"), 300)
    assert written.population == expected.population and written.organizations == expected.organizations
    assert json.loads((out / "summary.json").read_text())["residents"] == 300
    capsys.readouterr()
    assert main(["run", "centre-sud", "--residents", "3", "--out", str(tmp_path / "tiny")]) == 2
    err = capsys.readouterr().err
    assert "key '--residents': expected at least 30 residents" in err and "Traceback" not in err
    assert not (tmp_path / "tiny").exists()


def test_run_from_python_at_another_size_is_the_scaled_community():
    """``sim.run(..., residents=N)`` is ``caring-community run --residents N``: the scenario scaled,
    then the overrides applied to the scaled values (as a sweep applies them)."""
    from sim import scale_scenario
    from sim.errors import UserError

    overrides = {"governance.decision_rule": "consensus", "network.burn_in_weeks": 4}
    df = run("centre-sud", seed=1, years=0.1, residents=600, overrides=overrides)
    expected = CaringCommunity(scale_scenario("centre-sud", 600), rng=1, **overrides).run(len(df) - 1)
    pd.testing.assert_frame_equal(df, expected)
    assert not df.equals(run("centre-sud", seed=1, years=0.1, overrides=overrides).iloc[: len(df)])
    for bad, words in ((5, "expected at least 30 residents"), ("600", "expected a whole number of residents")):
        with pytest.raises(UserError, match=words) as info:
            run("centre-sud", residents=bad)
        assert info.value.key == "residents"


def test_what_never_happens_within_the_run_is_a_warning(tmp_path, capsys):
    """A funding source or a neighbourhood's programme that starts at or after the run's end is valid
    but never happens in it: run and validate say so on a warning line, and the run goes on."""
    path = tmp_path / "late.yaml"
    path.write_text("extends: centre-sud\nyears: 1\nfunding:\n  sources:\n"
                    "    - {name: Late grant, sector: city, amount_per_year: 1000, start_week: 52}\n"
                    "    - {name: Early grant, sector: city, amount_per_year: 1000, start_week: 51}\n")
    assert main(["scenarios", "validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert err.splitlines() == ["warning: funding.sources.0 ('Late grant') starts at week 52, and the run ends at "
                                "week 52: it never pays"]
    assert main(["run", "rhizomes", "--residents", "600", "--years", "0.1", "--quiet", "--out", str(tmp_path / "r")]) == 0
    err = capsys.readouterr().err
    assert "population.neighbourhoods.1 ('ouest') starts its programme at week 156, and the run ends at week 5" in err


def test_a_funding_source_that_ends_as_it_starts_or_within_weeks_is_a_warning(tmp_path, capsys):
    """A source that ends the week it starts never pays, and one that pays for a few weeks is most often an
    end written in years ('end_week: 2' for two years): validate and run say so, naming it in weeks."""
    path = tmp_path / "weeks.yaml"
    path.write_text("extends: centre-sud\nfunding:\n  sources:\n"
                    "    - {name: Start-up grant, sector: city, amount_per_year: 30000, start_week: 0, end_week: 2}\n"
                    "    - {name: City, sector: city, amount_per_year: 25000, start_week: 0, end_week: 0}\n"
                    "    - {name: Later, sector: city, amount_per_year: 1000, start_week: 1, end_week: 5}\n"
                    "    - {name: Quarter, sector: city, amount_per_year: 1000, start_week: 0, end_week: 13}\n")
    assert main(["scenarios", "validate", str(path)]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "warning: funding.sources.0 ('Start-up grant') pays for 2 weeks only (start_week 0, end_week 2); start_week "
        "and end_week count weeks: if 2 meant years, write end_week: 104",
        "warning: funding.sources.1 ('City') ends at week 0, the week it starts: it never pays",
        "warning: funding.sources.2 ('Later') pays for 4 weeks only (start_week 1, end_week 5); start_week and "
        "end_week count weeks: if they meant years, write start_week: 52, end_week: 260"]


def test_snapshot_agrees_with_the_edge_list_and_the_weeks_outcome_row(tiny_yaml, tmp_path):
    """What a researcher recomputes from the snapshot and the edge list is the week's outcome row."""
    out = tmp_path / "agree"
    assert _run(tiny_yaml, out, "--snapshot-weeks", "0,1,10", "--edges") == 0
    outcomes = pd.read_parquet(out / "outcomes.parquet").set_index("week")
    params = load_scenario(out / "scenario.yaml")
    for week in (0, 1, 10):
        r = pd.read_parquet(out / f"residents_week{week}.parquet")
        e = pd.read_parquet(out / f"edges_week{week}.parquet")
        row, n = outcomes.loc[week], len(r)
        for kind in TIE_KINDS:                                   # ties by kind = degree in the edge list
            ek = e[e["kind"] == kind]
            degree = pd.concat([ek["source"], ek["target"]]).value_counts().reindex(range(n), fill_value=0)
            assert (r[f"ties_{kind}"].to_numpy() == degree.to_numpy()).all(), kind
        assert not e.duplicated(["source", "target", "kind"]).any() and (e["source"] < e["target"]).all()
        assert len(e) == row["ties_total"]
        patients, seniors = r[r["patient"]], r["age_group"] == "65+"
        assert r["isolated"].mean() == row["isolated_share_all"]
        assert r.loc[seniors & r["lives_alone"], "isolated"].mean() == row["isolated_share_65_alone"]
        assert (r.loc[seniors, "loneliness"] > params.states.lonely_threshold).mean() == row["lonely_share_65plus"]
        assert r["loneliness"].astype(float).mean() == pytest.approx(row["loneliness_mean_all"], abs=1e-6)
        assert patients["competency"].astype(float).mean() == pytest.approx(row["competency_mean"], abs=1e-4)
        for level in range(4):
            assert (patients["engagement_level"] == level).mean() == row[f"engagement_level_{level}_share"]
        for role in ("patient_partner", "carer_partner", "citizen_partner"):
            assert (r["role"] == role).sum() == row[f"{role}s"]
        assert r["partner_since"].notna().sum() == row["partners_total"]
        assert r["waiting_since"].notna().sum() == row["waiting_list"]
        assert r["in_peer_support"].sum() == row["in_peer_support"]
        assert r["timebank_balance"].astype(float).sum() == pytest.approx(row["timebank_balance_total"], abs=1e-3)
        assert r["active_ties"].mean() == row["ties_per_person"]
        # week stamps: events of the step recorded in row N are stamped N - 1
        for col in ("arrived_week", "first_support_week", "waiting_since"):
            assert (r[col].dropna() < max(week, 1)).all(), col
        assert (e["formed_week"] <= e["last_contact_week"]).all() and (e["last_contact_week"] < max(week, 1)).all()
    start = pd.read_parquet(out / "residents_week0.parquet")       # week 0: nothing has happened yet
    assert (start[["ed_visits", "admissions", "support_received_hours"]] == 0).all().all()
    assert start["first_support_week"].isna().all()


def test_snapshot_marks_unknown_weeks_and_ids_as_missing(tiny_yaml, tmp_path):
    """-1 ("none") passed for a real week (week -1 is in the burn-in) and for a clinician."""
    out = tmp_path / "missing"
    assert _run(tiny_yaml, out, "--snapshot-weeks", "10") == 0
    r = pd.read_parquet(out / "residents_week10.parquet")
    for col in ("clinician", "partner_since", "waiting_since", "first_support_week", "arrived_week"):
        assert str(r[col].dtype) == "Int32", col
        assert not (r[col] == -1).any(), col
    assert (r["clinician"].notna() == r["patient"]).all()
    assert (r["partner_since"].notna() == (r["role"] != "none")).all()
    assert r["first_support_week"].isna().any()
    # the timebank column is each resident's balance (the outcome 'timebank_hours' is this week's flow)
    assert "timebank_balance" in r.columns and "timebank_hours" not in r.columns


def test_edge_list_dates_the_initial_network_from_the_start_of_the_burn_in(tiny_yaml, tmp_path):
    """The initial network's ties exist from the burn-in's start: formed no later than ties formed in it."""
    out = tmp_path / "formed"
    assert _run(tiny_yaml, out, "--snapshot-weeks", "0", "--edges") == 0
    e = pd.read_parquet(out / "edges_week0.parquet")
    burn_in = load_scenario(out / "scenario.yaml").network.burn_in_weeks
    assert e["formed_week"].min() == -burn_in
    assert (e["formed_week"] <= e["last_contact_week"]).all()
    household = e[e["kind"] == "household"]                    # household ties all belong to the initial network
    assert (household["formed_week"] == -burn_in).all()


def test_codebook_describes_every_column_of_every_file_written(tiny_yaml, tmp_path):
    """A reader with pandas alone finds every column of the run's files in codebook.csv, with its dtype,
    unit, range and meaning, and the values keep to the range it gives."""
    out = tmp_path / "coded"
    assert _run(tiny_yaml, out, "--snapshot-weeks", "0,5", "--edges") == 0
    book = pd.read_csv(out / "codebook.csv", keep_default_na=False)
    assert list(book.columns) == ["file", "column", "dtype", "unit", "range", "final_year", "meaning"]
    files = {"outcomes.parquet": pd.read_parquet(out / "outcomes.parquet"),
             "summary.csv": pd.read_csv(out / "summary.csv"),
             "residents_week*.parquet": pd.read_parquet(out / "residents_week5.parquet"),
             "edges_week*.parquet": pd.read_parquet(out / "edges_week5.parquet")}
    assert set(book["file"]) == set(files)
    for name, data in files.items():
        rows = book[book["file"] == name]
        assert list(rows["column"]) == list(data.columns), name
        assert (rows["meaning"] != "").all() and (rows["unit"] != "").all(), rows[rows["meaning"] == ""]
        if name.endswith(".parquet"):
            assert list(rows["dtype"]) == list(data.dtypes.astype(str)), name
        for column, value_range in zip(rows["column"], rows["range"]):
            values = data[column].dropna()
            if value_range.split(",")[0] in ("0-1", "0-100", "0-3"):
                assert values.between(0, float(value_range.split(",")[0][2:])).all(), (name, column)
            elif value_range.startswith("0 or more"):
                assert (values >= 0).all(), (name, column)
    summary = book[book["file"] == "summary.csv"].set_index("column")
    assert summary.loc["ed_visits", "final_year"] == "sum" and summary.loc["ed_visits", "unit"] == "visits a year"
    assert summary.loc["isolated_share_all", "final_year"] == "mean"
    assert summary.loc["spending_cumulative", "final_year"] == "last"
    assert "all budget lines" in summary.loc["spending_total", "meaning"]   # its own entry, not spending_{line}
