"""Sensitivity analysis on synthetic sweeps with known answers (Ishigami, a linear model, a factorial)."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from analysis import analyse, load
from analysis.report import build_report
from analysis.synthetic import write_replications, write_run, write_sweep
from sim.errors import UserError

NAMES = ["funding.a", "retention.b", "governance.c"]


def _ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def _sweep(folder, x, y, design, extra_meta, replications=1, drop=(), failed=None, rep_offset=0.0):
    pts = pd.DataFrame(x, columns=NAMES)
    pts.insert(0, "point", range(len(pts)))
    rows = [{"point": p, "replication": r, "seed": 1000 + r, "y": float(y[p] + rep_offset * r),
             "isolated_share_65_alone": 0.2}
            for p in range(len(pts)) for r in range(replications) if (p, r) not in drop]
    return write_sweep(folder, pts, pd.DataFrame(rows), {"design": design, "replications": replications, **extra_meta},
                       failed=failed)


@pytest.fixture(scope="module")
def ishigami_sweep(tmp_path_factory):
    problem = {"num_vars": 3, "names": NAMES, "bounds": [[-np.pi, np.pi]] * 3}
    x = sobol_sample.sample(problem, 1024, calc_second_order=False, seed=1)
    folder = tmp_path_factory.mktemp("ishigami")
    return _sweep(folder, x, _ishigami(x), "sobol", {"salib_problem": problem, "N": 1024, "calc_second_order": False})


def test_sobol_indices_of_ishigami(ishigami_sweep):
    res = load(ishigami_sweep)
    assert res.kind == "sweep" and res.complete
    sens = analyse(res, "y")
    assert sens.method == "sobol"
    t = sens.table.set_index("parameter").loc[NAMES]
    assert t["S1"].to_numpy() == pytest.approx([0.314, 0.442, 0.0], abs=0.05)
    assert t["ST"].to_numpy() == pytest.approx([0.558, 0.442, 0.244], abs=0.05)
    assert (t["ST_conf"] > 0).all() and (t["ST_conf"] < 0.1).all()
    assert list(sens.ranking["parameter"]) == ["funding.a", "retention.b", "governance.c"]
    # the bootstrap intervals are seeded: the same sweep gives the same report every time
    pd.testing.assert_frame_equal(sens.table, analyse(res, "y").table)


def test_morris_mu_star_and_sigma(tmp_path):
    problem = {"num_vars": 3, "names": NAMES, "bounds": [[0.0, 1.0]] * 3}
    x = morris_sample.sample(problem, 20, num_levels=4, seed=2)
    y = 10 * x[:, 0] + 2 * x[:, 1] + 0 * x[:, 2]
    res = load(_sweep(tmp_path, x, y, "morris", {"salib_problem": problem, "num_levels": 4}))
    sens = analyse(res, "y")
    assert sens.method == "morris"
    t = sens.table.set_index("parameter").loc[NAMES]
    assert t["mu_star"].to_numpy() == pytest.approx([10.0, 2.0, 0.0], abs=1e-6)
    assert t["sigma"].to_numpy() == pytest.approx([0.0, 0.0, 0.0], abs=1e-6)
    assert list(sens.ranking["parameter"][:2]) == ["funding.a", "retention.b"]


def test_main_effects_of_a_factorial_design(tmp_path):
    levels = list(itertools.product([0.0, 1.0, 2.0], [0.0, 1.0], [5.0]))
    x = np.array(levels)
    y = x[:, 0] + 10 * x[:, 1]
    # replication r adds 3r at every point (its seed's own level, shared by all points)
    res = load(_sweep(tmp_path, x, y, "full_factorial", {}, replications=2, rep_offset=3.0))
    sens = analyse(res, "y")
    assert sens.method == "main_effects"
    a = sens.table[sens.table["parameter"] == "funding.a"]
    # each level averages b over {0, 1} (+5) and the replications (+1.5)
    assert a["mean"].to_numpy() == pytest.approx([6.5, 7.5, 8.5])
    # intervals are within-replication: the seeds' shared offsets do not widen them
    plain = analyse(load(_sweep(tmp_path / "plain", x, y, "full_factorial", {}, replications=2)), "y").table
    plain_a = plain[plain["parameter"] == "funding.a"]
    assert (a["high"] - a["low"]).to_numpy() == pytest.approx((plain_a["high"] - plain_a["low"]).to_numpy())
    assert list(sens.ranking["parameter"]) == ["retention.b", "funding.a"]  # governance.c never varies
    assert sens.ranking.set_index("parameter").loc["retention.b", "value"] == pytest.approx(10.0)


def test_main_effects_of_a_latin_hypercube(tmp_path):
    rng = np.random.default_rng(3)
    n = 60
    x = np.column_stack([(rng.permutation(n) + rng.random(n)) / n for _ in NAMES])
    y = 5 * x[:, 1] + 0.5 * x[:, 0]
    res = load(_sweep(tmp_path, x, y, "lhs", {}))
    sens = analyse(res, "y")
    assert sens.ranking["parameter"].iloc[0] == "retention.b"
    b = sens.table[sens.table["parameter"] == "retention.b"]
    assert len(b) == 5 and b["mean"].is_monotonic_increasing


def test_main_effect_bins_keep_each_points_replications_together(tmp_path):
    """Quantile bins are bins of the sampled values: all replications of a point share one bin."""
    rng = np.random.default_rng(4)
    n = 12
    x = np.column_stack([(rng.permutation(n) + rng.random(n)) / n for _ in NAMES])
    res = load(_sweep(tmp_path, x, 5 * x[:, 1], "lhs", {}, replications=3, rep_offset=1.0))
    b = analyse(res, "y").table.query("parameter == 'retention.b'")
    assert len(b) == 5
    assert (b["n"] % 3 == 0).all() and b["n"].sum() == 3 * n      # whole points in every bin
    assert b["mean"].is_monotonic_increasing


def test_analysis_the_design_does_not_allow_is_a_clear_error(tmp_path, ishigami_sweep):
    x = np.random.default_rng(0).random((20, 3))
    lhs = load(_sweep(tmp_path / "lhs", x, x[:, 0], "lhs", {}))
    with pytest.raises(UserError, match="Sobol indices need a 'sobol' design; this sweep's design is 'lhs'"):
        analyse(lhs, "y", "sobol")
    with pytest.raises(UserError, match=r"Morris.*this sweep's design is 'sobol' \(it allows: sobol or main_effects\)"):
        analyse(load(ishigami_sweep), "y", "morris")
    with pytest.raises(UserError, match=r"\(it allows: main_effects\)"):
        analyse(lhs, "y", "morris")
    assert analyse(load(ishigami_sweep), "y", "main_effects").method == "main_effects"   # as the message says
    with pytest.raises(UserError, match="no outcome"):
        analyse(lhs, "nonexistent")
    write_replications(tmp_path / "runs", range(2))
    with pytest.raises(UserError, match="needs a sweep"):
        analyse(load(tmp_path / "runs"), "isolated_share_65_alone")


def test_incomplete_sobol_sweep_is_reported_not_averaged(tmp_path):
    problem = {"num_vars": 3, "names": NAMES, "bounds": [[-np.pi, np.pi]] * 3}
    x = sobol_sample.sample(problem, 64, calc_second_order=False, seed=1)
    drop = {(3, 0), (3, 1), (7, 1)}  # point 3 has no run at all, point 7 lost one replication
    folder = _sweep(tmp_path, x, _ishigami(x), "sobol", {"salib_problem": problem, "N": 64, "calc_second_order": False},
                    replications=2, drop=drop, failed=[{"point": 3, "replication": 0, "seed": 1000, "error": "boom"}])
    res = load(folder)
    assert res.expected_runs == len(x) * 2
    assert (res.completed_runs, res.failed_runs, res.missing_runs) == (len(x) * 2 - 3, 1, 2)
    assert not res.complete
    with pytest.raises(UserError, match="incomplete: 2 of 320 design points lack some of their 2 replications"):
        analyse(res, "y")
    html = build_report(res, None, "en", outcome="y", figures=False)
    assert "Incomplete results" in html
    assert f"{len(x) * 2 - 3} of {len(x) * 2} runs completed, 2 missing and 1 failed" in html
    assert "could not be computed" in html


def test_sweep_against_a_baseline_paired_by_replication_seed(tmp_path):
    x = np.array(list(itertools.product([0.0, 1.0], [0.0, 1.0], [0.0])))
    rows = [{"point": p, "replication": r, "seed": 1000 + r, "isolated_share_65_alone": 0.3 - 0.1 * x[p, 0] - 0.01 * r}
            for p in range(len(x)) for r in range(3)]
    pts = pd.DataFrame(x, columns=NAMES)
    pts.insert(0, "point", range(len(pts)))
    sweep = load(write_sweep(tmp_path / "sweep", pts, pd.DataFrame(rows), {"design": "full_factorial", "replications": 3}))
    base = tmp_path / "base"
    for r in range(3):
        write_run(base / f"b{r}", 1000 + r, {"isolated_share_65_alone": 0.3 - 0.01 * r}, "hospital-baseline")
    html = build_report(sweep, load(base), "en", figures=False)
    # points 2 and 3 (funding.a = 1) reduce isolation by exactly 10 points at every seed
    assert "the design point that lowers isolation among people 65+ living alone most is point 2" in html
    assert 'data-value="-0.1"' in html
    other = tmp_path / "other"
    write_run(other / "b0", 7, {"isolated_share_65_alone": 0.3}, "hospital-baseline")
    with pytest.raises(UserError, match="no seed in common"):
        build_report(sweep, load(other), "en", figures=False)
    empty = write_sweep(tmp_path / "empty", pts, pd.DataFrame(columns=["point", "replication", "seed"]),
                        {"design": "full_factorial", "replications": 3})
    with pytest.raises(UserError, match="0 of 12 runs completed"):
        build_report(load(empty), None, "en", figures=False)


def test_sobol_and_morris_refuse_a_point_missing_one_replication(tmp_path):
    """Every point has a run, but one lost a replication: its mean would carry other seeds' noise."""
    problem = {"num_vars": 3, "names": NAMES, "bounds": [[0.0, 1.0]] * 3}
    x = sobol_sample.sample(problem, 16, calc_second_order=False, seed=1)
    sobol = load(_sweep(tmp_path / "sobol", x, x[:, 0], "sobol", {"salib_problem": problem, "calc_second_order": False},
                        replications=2, drop={(5, 1)}))
    with pytest.raises(UserError, match="1 of 80 design points lack some of their 2 replications .first: point 5, 1 "):
        analyse(sobol, "y")
    xm = morris_sample.sample(problem, 4, num_levels=4, seed=2)
    morris = load(_sweep(tmp_path / "morris", xm, xm[:, 0], "morris", {"salib_problem": problem, "num_levels": 4},
                         replications=3, drop={(0, 2)}))
    with pytest.raises(UserError, match="1 of 16 design points lack some of their 3 replications"):
        analyse(morris, "y")


def test_main_effects_of_an_incomplete_sweep_are_flagged_and_the_report_says_so(tmp_path):
    x = np.array(list(itertools.product([0.0, 1.0, 2.0], [0.0, 1.0], [5.0])))
    full = analyse(load(_sweep(tmp_path / "full", x, x[:, 0], "full_factorial", {}, replications=2)), "y")
    assert not full.incomplete and full.n_points == 6
    res = load(_sweep(tmp_path / "part", x, x[:, 0], "full_factorial", {}, replications=2, drop={(1, 1), (4, 0)}))
    sens = analyse(res, "y")
    assert sens.incomplete and (sens.incomplete_points, sens.n_points) == (2, 6)
    assert sens.ranking["parameter"].iloc[0] == "funding.a"  # still computed
    html = build_report(res, None, "en", outcome="y", figures=False)
    assert "These main effects come from an incomplete sweep (2 of 6 design points" in html
    assert "come from an incomplete sweep" not in build_report(load(tmp_path / "full"), None, "en", outcome="y",
                                                               figures=False)


def test_sobol_indices_from_too_few_samples_come_with_a_warning(tmp_path, ishigami_sweep):
    """With a base sample of 8, SALib's indices fall outside 0 to 1 and their intervals span most of
    it: the analysis says so (and the report shows it) instead of presenting a ranking as found."""
    problem = {"num_vars": 3, "names": NAMES, "bounds": [[-np.pi, np.pi]] * 3}
    x = sobol_sample.sample(problem, 8, calc_second_order=False, seed=1)
    folder = _sweep(tmp_path / "few", x, _ishigami(x), "sobol",
                    {"salib_problem": problem, "N": 8, "calc_second_order": False})
    with pytest.warns(UserWarning, match=r"imprecise: with a base sample of N = 8 \(40 design points\)"):
        sens = analyse(load(folder), "y")
    assert sens.caution and sens.base_samples == 8 and sens.widest_interval > 0.1
    for lang, words in (("en", "These Sobol indices are imprecise"), ("fr", "Ces indices de Sobol sont imprécis")):
        html = build_report(load(folder), outcome="y", lang=lang)
        assert words in html and "N = 8" in html
    # enough samples: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sens = analyse(load(ishigami_sweep), "y")
    assert sens.caution is None and sens.widest_interval < 0.1
    assert "imprecise" not in build_report(load(ishigami_sweep), outcome="y", lang="en")


def test_main_effects_of_sub_experiments_compare_each_key_within_its_own_block(tmp_path):
    """Block 1 varies a (no effect), block 2 varies b (a large effect) with a at its base value 0. Pooling
    every point would credit b's swing to a's base level; each key is compared within its own block."""
    from experiments import plan_sweep

    spec = {"base_scenario": "centre-sud", "residents": 200, "weeks": 4, "design": "subexperiments",
            "subexperiments": [{"governance.seats.patients": [1, 2, 3]},
                               {"governance.seats.city": [0, 3], "governance.decision_rule": ["majority", "consensus"]}]}
    blocks = plan_sweep(spec).meta()["subexperiments"]
    assert blocks == [{"keys": ["governance.seats.patients"], "points": 3},
                      {"keys": ["governance.seats.city", "governance.decision_rule"], "points": 4}]
    design = pd.DataFrame({"point": range(5), "a": [1, 2, 3, 0, 0], "b": [0, 0, 0, 0, 10]})
    rows = [{"point": p, "replication": 0, "seed": 1000, "y": float(b), "isolated_share_65_alone": 0.2}
            for p, b in zip(design["point"], design["b"])]
    meta = {"design": "subexperiments", "replications": 1,
            "subexperiments": [{"keys": ["a"], "points": 3}, {"keys": ["b"], "points": 2}]}
    sens = analyse(load(write_sweep(tmp_path, design, pd.DataFrame(rows), meta)), "y")
    ranking = sens.ranking.set_index("parameter")["value"]
    assert ranking["b"] == pytest.approx(10.0) and ranking["a"] == pytest.approx(0.0)
    assert set(sens.table[sens.table["parameter"] == "a"]["level"]) == {1, 2, 3}


def test_morris_from_too_few_trajectories_comes_with_a_warning(tmp_path):
    """With 4 trajectories of Ishigami, μ*'s intervals span about half the largest μ*: the analysis
    says so (and the report shows it, in both languages), as it does for Sobol; a linear model, whose
    elementary effects do not vary, needs no warning."""
    problem = {"num_vars": 3, "names": NAMES, "bounds": [[-np.pi, np.pi]] * 3}
    x = morris_sample.sample(problem, 4, num_levels=4, seed=2)
    folder = _sweep(tmp_path / "few", x, _ishigami(x), "morris", {"salib_problem": problem, "num_levels": 4})
    with pytest.warns(UserWarning, match=r"Morris μ\* of 'y' are imprecise: with 4 trajectories \(16 design points\)"):
        sens = analyse(load(folder), "y")
    assert sens.caution and sens.base_samples == 4 and sens.widest_interval > 0.25 == sens.interval_limit
    assert "in the tens or more" in sens.caution
    for lang, words in (("en", "These Morris μ* are imprecise"), ("fr", "Ces μ* de Morris sont imprécis")):
        html = build_report(load(folder), outcome="y", lang=lang)
        assert words in html and "4 traject" in html
        assert ("Too few samples" if lang == "en" else "Trop peu d’échantillons") in html   # in the summary too
    # 10 trajectories: still imprecise, and the number that would do is extrapolated
    x = morris_sample.sample(problem, 10, num_levels=4, seed=2)
    with pytest.warns(UserWarning, match=r"'samples' \(trajectories\) of about \d+ would"):
        analyse(load(_sweep(tmp_path / "ten", x, _ishigami(x), "morris",
                            {"salib_problem": problem, "num_levels": 4})), "y")
    # no spread of the elementary effects: no warning
    problem = {"num_vars": 3, "names": NAMES, "bounds": [[0.0, 1.0]] * 3}
    x = morris_sample.sample(problem, 4, num_levels=4, seed=2)
    linear = _sweep(tmp_path / "linear", x, 10 * x[:, 0] + 2 * x[:, 1], "morris",
                    {"salib_problem": problem, "num_levels": 4})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sens = analyse(load(linear), "y")
    assert sens.caution is None and sens.widest_interval == pytest.approx(0.0, abs=1e-9)
    assert "imprecise" not in build_report(load(linear), outcome="y", lang="en")


def test_morris_from_one_trajectory_is_refused_not_shown_as_exact(tmp_path):
    """With one trajectory SALib gives σ = NaN and μ*'s interval as ±0 (a bootstrap of one effect): the
    analysis refuses it, saying why, rather than a ranking that looks exact; the report says so."""
    problem = {"num_vars": 3, "names": NAMES, "bounds": [[-np.pi, np.pi]] * 3}
    x = morris_sample.sample(problem, 1, num_levels=4, seed=2)
    folder = _sweep(tmp_path, x, _ishigami(x), "morris", {"salib_problem": problem, "num_levels": 4})
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # nor numpy's "Degrees of freedom <= 0"
        with pytest.raises(UserError, match="at least 2 trajectories") as info:
            analyse(load(folder), "y")
    assert info.value.key == "samples"
    html = build_report(load(folder), outcome="y", lang="en")
    assert "at least 2 trajectories" in html and "± 0.000" not in html


def test_a_sweep_stopped_before_its_first_run_says_to_resume_it_not_to_read_failed(tmp_path):
    """No run finished and none failed (interrupted at once, or still running): there is no failed/ to read."""
    x = np.random.default_rng(0).random((4, 3))
    empty = pd.DataFrame(columns=["point", "replication", "seed", "y", "isolated_share_65_alone"])
    res = load(write_sweep(tmp_path, pd.DataFrame(x, columns=NAMES).rename_axis("point").reset_index(), empty,
                           {"design": "lhs", "replications": 2}))
    with pytest.raises(UserError, match=r"no completed run yet \(0 failed, 8 missing of 8\); run the same sweep") as info:
        analyse(res, "y")
    assert "failed/" not in str(info.value)


def test_the_imprecision_warning_names_the_callers_line_not_the_analysis_code(tmp_path):
    """Called through analyse(), the warning pointed at analysis/sensitivity.py (stacklevel one frame short)."""
    from analysis import sensitivity

    problem = {"num_vars": 3, "names": NAMES, "bounds": [[-np.pi, np.pi]] * 3}
    x = morris_sample.sample(problem, 4, num_levels=4, seed=2)
    res = load(_sweep(tmp_path, x, _ishigami(x), "morris", {"salib_problem": problem, "num_levels": 4}))
    for call in (lambda: analyse(res, "y"), lambda: sensitivity.morris(res, "y")):
        with pytest.warns(UserWarning, match="imprecise") as record:
            call()
        assert [w.filename for w in record] == [__file__]
