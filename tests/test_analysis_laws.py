"""Laws of the analysis layer that a careless edit would break: each checked against its meaning (an
independent formula, a boundary, an invariant), not against a value the current code happens to print.

Written to kill hand-made mutants the rest of the suite let through (wrong degrees of freedom in the
weekly bands, a one-sided p, Fieller without the covariance, a ratio at zero reduction, ...).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

import experiments
from analysis import analyse, load
from analysis.load import Results, add_derived_outcomes
from analysis.stats import (cost_per_person_no_longer_isolated, mean_ci, paired_difference, summarise,
                            weekly_bands)
from analysis.synthetic import plausible_final, write_run, write_sweep
from sim.errors import UserError


def _results(summary: pd.DataFrame, weekly: pd.DataFrame | None = None, **kw) -> Results:
    return Results(kind=kw.pop("kind", "replications"), path=kw.pop("path", "."), name="t", summary=summary,
                   weekly=weekly if weekly is not None else pd.DataFrame(), **kw)


# ----------------------------------------------------------------------------- intervals
def test_mean_ci_of_two_values_uses_t_with_one_degree_of_freedom():
    ci = mean_ci([0.0, 2.0])
    # sd (ddof 1) = sqrt(2), se = 1, t(0.975, 1) = 12.706...
    assert (ci.low, ci.high) == pytest.approx((1 - 12.706204736, 1 + 12.706204736))
    assert ci.sd == pytest.approx(math.sqrt(2))
    ci90 = mean_ci([0.0, 2.0], level=0.90)
    assert ci90.half_width == pytest.approx(sps.t.ppf(0.95, 1))


def test_weekly_band_is_the_mean_ci_of_each_week():
    """The band at a week is exactly the t interval of that week's values across replications."""
    rng = np.random.default_rng(3)
    values = rng.normal(0.3, 0.05, size=(4, 3))           # 4 weeks x 3 replications
    weekly = pd.DataFrame([{"seed": s, "week": w, "y": values[w, s]} for s in range(3) for w in range(4)])
    bands = weekly_bands(_results(pd.DataFrame({"seed": range(3)}), weekly), ["y"]).set_index("week")
    for w in range(4):
        ci = mean_ci(values[w])
        assert (bands.loc[w, "mean"], bands.loc[w, "low"], bands.loc[w, "high"]) == pytest.approx(
            (ci.mean, ci.low, ci.high))
        assert bands.loc[w, "n"] == 3


def test_weekly_band_of_one_replication_has_no_width_to_give():
    weekly = pd.DataFrame({"seed": 0, "week": [0, 1, 2], "y": [1.0, 2.0, 3.0]})
    bands = weekly_bands(_results(pd.DataFrame({"seed": [0]}), weekly), "y")
    assert bands["mean"].tolist() == [1.0, 2.0, 3.0]
    assert bands["low"].isna().all() and bands["high"].isna().all()


def test_weekly_bands_of_one_point_use_that_points_runs_only():
    weekly = pd.DataFrame([{"point": p, "replication": r, "seed": r, "week": w, "y": 10.0 * p + r}
                           for p in (0, 1) for r in (0, 1) for w in (0, 1)])
    res = _results(pd.DataFrame({"point": [0, 0, 1, 1], "seed": [0, 1, 0, 1]}), weekly, kind="sweep")
    for point in (0, 1):
        bands = weekly_bands(res, ["y"], point=point)
        assert bands["mean"].tolist() == [10.0 * point + 0.5] * 2
        assert (bands["n"] == 2).all()


def test_summarise_gives_each_outcome_asked_once(tmp_path):
    for seed in range(3):
        write_run(tmp_path / f"r{seed}", seed, plausible_final(np.random.default_rng(seed)))
    table = summarise(load(tmp_path), ["ed_visits", "admissions", "ed_visits"])
    assert table["outcome"].tolist() == ["ed_visits", "admissions"]


# ----------------------------------------------------------------------------- paired differences
def test_paired_difference_p_value_is_the_two_sided_paired_t_test():
    base = pd.Series([10.0, 12.0, 9.0, 11.0, 13.0], index=[1, 2, 3, 4, 5])
    scen = pd.Series([11.5, 12.9, 10.2, 11.4, 14.8], index=[1, 2, 3, 4, 5])
    pd_ = paired_difference(scen, base)
    expected = sps.ttest_rel(scen.to_numpy(), base.to_numpy())
    assert pd_.p_value == pytest.approx(expected.pvalue)
    assert pd_.difference.mean == pytest.approx((scen - base).mean())
    # swapping the two sides flips the difference, not the evidence
    back = paired_difference(base, scen)
    assert back.difference.mean == pytest.approx(-pd_.difference.mean)
    assert (back.difference.low, back.difference.high) == pytest.approx((-pd_.difference.high, -pd_.difference.low))
    assert back.p_value == pytest.approx(pd_.p_value)


def test_paired_difference_pairs_by_seed_not_by_position():
    base = pd.Series([1.0, 2.0, 3.0], index=[7, 8, 9])
    scen = pd.Series([3.5, 1.5, 2.5], index=[9, 7, 8])          # the same +0.5 at every seed, listed out of order
    d = paired_difference(scen, base).difference
    assert d.mean == pytest.approx(0.5) and d.high - d.low == pytest.approx(0.0)


# ----------------------------------------------------------------------------- Fieller
def _fieller_table(n=8, seed=5):
    """Correlated noise in both the extra spending and the fewer isolated (as seeds shared by two runs give)."""
    rng = np.random.default_rng(seed)
    common = rng.normal(0, 1, n)
    fewer = 10 + 2.0 * common + rng.normal(0, 1, n)
    extra = 50_000 + 8_000 * common + rng.normal(0, 3_000, n)
    base = pd.DataFrame({"seed": range(n), "spending_total": 100_000.0, "isolated_count": 200.0})
    scen = pd.DataFrame({"seed": range(n), "spending_total": 100_000.0 + extra, "isolated_count": 200.0 - fewer})
    return scen, base, extra, fewer


def test_fieller_interval_is_where_the_ratio_t_statistic_reaches_its_critical_value():
    """Fieller's set: ratios R with (a - R b)^2 <= t^2 (v11 - 2 R v12 + R^2 v22), v the covariance of the means.
    Its ends are where equality holds; the point estimate lies inside."""
    scen, base, extra, fewer = _fieller_table()
    cost = cost_per_person_no_longer_isolated(scen, base)
    n = len(extra)
    a, b = extra.mean(), fewer.mean()
    v = np.cov(extra, fewer, ddof=1) / n
    t2 = sps.t.ppf(0.975, n - 1) ** 2

    def excess(r):
        return (a - r * b) ** 2 - t2 * (v[0, 0] - 2 * r * v[0, 1] + r * r * v[1, 1])

    assert cost.status == "ok" and cost.ratio == pytest.approx(a / b)
    assert cost.low < cost.ratio < cost.high
    scale = t2 * v[0, 0]
    assert excess(cost.low) == pytest.approx(0, abs=1e-9 * scale)
    assert excess(cost.high) == pytest.approx(0, abs=1e-9 * scale)
    assert excess(cost.ratio) < 0 and excess(cost.low - 100) > 0 and excess(cost.high + 100) > 0


def test_fieller_interval_narrows_with_the_confidence_level():
    scen, base, *_ = _fieller_table()
    wide, narrow = (cost_per_person_no_longer_isolated(scen, base, level=lv) for lv in (0.99, 0.80))
    assert wide.low < narrow.low < narrow.ratio < narrow.high < wide.high


def test_no_change_in_isolation_is_no_reduction_not_a_division_by_zero():
    scen = pd.DataFrame({"seed": range(4), "spending_total": 5e4, "isolated_count": [99.0, 101.0, 100.0, 100.0]})
    base = pd.DataFrame({"seed": range(4), "spending_total": 0.0, "isolated_count": 100.0})
    cost = cost_per_person_no_longer_isolated(scen, base)
    assert cost.fewer_isolated.mean == 0
    assert cost.status == "no_reduction" and math.isnan(cost.ratio)


def test_less_spending_and_clearly_less_isolation_is_a_saving():
    scen = pd.DataFrame({"seed": range(5), "spending_total": [-1e4, -1.1e4, -0.9e4, -1.05e4, -0.95e4],
                         "isolated_count": [90.0, 91.0, 89.0, 90.5, 89.5]})
    base = pd.DataFrame({"seed": range(5), "spending_total": 0.0, "isolated_count": 100.0})
    cost = cost_per_person_no_longer_isolated(scen, base)
    assert cost.status == "saves" and cost.ratio < 0 and cost.low <= cost.ratio <= cost.high
    more = cost_per_person_no_longer_isolated(scen.assign(spending_total=-scen["spending_total"]), base)
    assert more.status == "ok" and more.ratio == pytest.approx(-cost.ratio)


# ----------------------------------------------------------------------------- loading
def test_turnover_with_no_partners_on_the_roster_is_undefined_not_infinite():
    """Partners who left during the year while none is on the roster at the end of it: NaN, never inf."""
    summary = add_derived_outcomes(pd.DataFrame({"partners_left": [2.0, 3.0], "partners_total": [0.0, 10.0]}))
    assert math.isnan(summary.loc[0, "partner_turnover_share"])
    assert summary.loc[1, "partner_turnover_share"] == pytest.approx(0.3)


def test_a_failed_run_makes_results_incomplete_and_is_not_also_missing():
    res = _results(pd.DataFrame({"seed": [0, 1, 2]}), expected_runs=3,
                   failed=pd.DataFrame([{"run_id": "x", "error": "boom"}]))
    assert not res.complete                    # three rows for three expected runs, but one failed
    assert res.missing_runs == 0 and res.failed_runs == 1
    short = _results(pd.DataFrame({"seed": [0, 1]}), expected_runs=4, failed=pd.DataFrame({"run_id": ["x"]}))
    assert short.missing_runs == 1


def test_one_point_of_a_sweep_carries_only_its_own_failures(tmp_path):
    design = pd.DataFrame({"point": [0, 1], "funding.a": [1.0, 2.0]})
    summary = pd.DataFrame({"point": [0, 0, 1], "replication": [0, 1, 0], "seed": [1000, 1001, 1000], "y": [1.0, 2, 3]})
    folder = write_sweep(tmp_path / "sw", design, summary, {"replications": 2},
                         failed=[{"point": 1, "replication": 1, "seed": 1001, "error": "boom"}])
    res = load(folder)
    assert res.select(0).failed.empty and res.select(0).complete
    assert res.select(1).failed[["point", "replication", "error"]].values.tolist() == [[1, 1, "boom"]]
    assert not res.select(1).complete
    assert res.failed.equals(experiments.load_sweep(folder).failed)   # the same table as experiments gives


def test_a_replication_folder_lists_an_incomplete_run_as_failed_in_a_dataframe(tmp_path):
    """analysis.load's ``failed`` is a pandas table, as experiments.load_sweep's is."""
    from analysis.synthetic import write_replications

    folder = write_replications(tmp_path / "reps", [0, 1], "sc")
    (folder / "broken").mkdir()                                  # a run that crashed after writing its scenario
    (folder / "broken" / "scenario.yaml").write_text((folder / "sc-seed0" / "scenario.yaml").read_text())
    res = load(folder)
    assert isinstance(res.failed, pd.DataFrame) and res.failed_runs == 1
    assert res.failed["run_id"].tolist() == ["broken"] and "incomplete run folder" in res.failed["error"].iloc[0]
    assert not res.complete and res.missing_runs == 0


def test_a_parameter_only_one_run_sets_makes_another_scenario(tmp_path):
    """Whichever run is read first, a key that only the other run's scenario.yaml sets is a difference."""
    final = plausible_final(np.random.default_rng(1))
    for seed, extra in ((0, ""), (1, "governance: {decision_rule: consensus}\n")):
        folder = write_run(tmp_path / "mine" / f"seed{seed}", seed, final, "mine")
        (folder / "scenario.yaml").write_text(f"name: mine\npopulation: {{n_patients: 400}}\n{extra}")
    with pytest.raises(UserError, match="mix parameter sets.*'governance'"):
        load(tmp_path / "mine")


def test_replications_of_a_sweep_are_those_its_design_asked_for(tmp_path):
    """Replication 2 never finished anywhere: every point still lacks one run of the three asked for."""
    design = pd.DataFrame({"point": [0, 1], "funding.a": [1.0, 2.0]})
    summary = pd.DataFrame({"point": [0, 0, 1, 1], "replication": [0, 1, 0, 1], "seed": [1000, 1001] * 2,
                            "y": [1.0, 2.0, 3.0, 4.0]})
    res = load(write_sweep(tmp_path / "sw", design, summary, {"replications": 3}))
    assert res.replications == 3 and res.missing_runs == 2 and not res.complete
    sens = analyse(res, "y", "main_effects")
    assert sens.incomplete_points == 2


# ----------------------------------------------------------------------------- sensitivity
def test_a_design_point_with_no_finished_run_is_incomplete(tmp_path):
    design = pd.DataFrame({"point": [0, 1, 2], "funding.a": [1.0, 2.0, 3.0]})
    summary = pd.DataFrame({"point": [0, 0, 1, 1], "replication": [0, 1, 0, 1], "seed": [1000, 1001] * 2,
                            "y": [1.0, 2.0, 3.0, 4.0]})
    res = load(write_sweep(tmp_path / "sw", design, summary, {"replications": 2}))
    from analysis.sensitivity import incomplete_points
    assert incomplete_points(res) == {2: 0}
    assert analyse(res, "y", "main_effects").incomplete_points == 1


def test_main_effect_levels_are_the_mean_outcome_at_each_level():
    """With replications that share their seed across points, the within-replication correction moves
    the intervals, never the level means (each level has every replication once)."""
    rows = []
    for p, (a, b) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        for r in range(3):
            rows.append({"point": p, "replication": r, "seed": r, "a": a, "b": b, "y": 10 + 4 * a + b + 5 * r})
    summary = pd.DataFrame(rows)
    res = _results(summary, kind="sweep", parameters=["a", "b"], meta={"design": "full_factorial", "replications": 3},
                   design=summary[["point", "a", "b"]].drop_duplicates().reset_index(drop=True), expected_runs=12)
    sens = analyse(res, "y")
    t = sens.table.set_index(["parameter", "level"])
    assert t.loc[("a", 0), "mean"] == pytest.approx(summary.loc[summary.a == 0, "y"].mean())   # 10.5 + 5
    assert t.loc[("a", 1), "mean"] == pytest.approx(summary.loc[summary.a == 1, "y"].mean())
    ranking = sens.ranking.set_index("parameter")["value"]
    assert ranking["a"] == pytest.approx(4.0) and ranking["b"] == pytest.approx(1.0)   # the swing: max - min


def test_sobol_without_second_order_takes_n_times_d_plus_2_points(tmp_path):
    """Without second-order indices Saltelli's sample has N (d + 2) points, for any power of 2 N."""
    from SALib.sample import sobol as sobol_sample
    names = ["funding.a", "retention.b", "governance.c"]
    problem = {"num_vars": 3, "names": names, "bounds": [[0.0, 1.0]] * 3}
    x = sobol_sample.sample(problem, 4, calc_second_order=False, seed=1)
    assert len(x) == 20
    pts = pd.DataFrame(x, columns=names)
    pts.insert(0, "point", range(len(pts)))
    y = x[:, 0] + 2 * x[:, 1]
    summary = pd.DataFrame({"point": range(len(pts)), "replication": 0, "seed": 1000, "y": y})
    res = load(write_sweep(tmp_path / "s", pts, summary, {"design": "sobol", "salib_problem": problem, "N": 4,
                                                           "calc_second_order": False}))
    with pytest.warns(UserWarning, match="imprecise"):
        sens = analyse(res, "y")
    assert sens.base_samples == 4 and sens.n_points == 20


def test_a_sweep_loaded_without_its_weekly_series_reads_a_points_rows_from_its_folder(tmp_path):
    """A report read every weekly row of a sweep (gigabytes for a large one) to draw one point's curves."""
    from experiments import run_sweep
    from experiments.storage import read_weekly
    from analysis.report import HEADLINE, build_report
    from sweep_specs import tiny_spec

    folder = tmp_path / "sweep"
    run_sweep(tiny_spec("lazy", replications=2, outputs={"weekly_every": 1}), folder, backend="serial", progress=False)
    whole, lazy = load(folder), load(folder, weekly=False)
    assert not whole.weekly_on_disk and lazy.weekly_on_disk and lazy.weekly.empty and len(whole.weekly)
    pd.testing.assert_frame_equal(lazy.summary, whole.summary)
    for point in whole.points():
        pd.testing.assert_frame_equal(lazy.select(point).weekly, whole.select(point).weekly)
        assert set(lazy.select(point).weekly["point"]) == {point}
        assert lazy.select(point, weekly=False).weekly.empty
    assert set(read_weekly(folder, points=[1])["point"]) == {1}
    assert build_report(lazy, None, "en", HEADLINE) == build_report(whole, None, "en", HEADLINE)


def test_weekly_bands_of_an_outcome_not_recorded_is_one_clear_error():
    """``weekly_bands(results, "typo")`` raised pandas' KeyError ('Column not found'); a list still keeps the
    outcomes the weekly series have (a report asks for some a run may lack)."""
    weekly = pd.DataFrame({"seed": 0, "week": [0, 1], "isolated_share_all": [0.1, 0.2]})
    results = _results(pd.DataFrame({"seed": [0]}), weekly, path="runs/x")
    with pytest.raises(UserError, match=r"no weekly outcome 'isolated_share_al' in these results \(did you mean "
                                        r"'isolated_share_all'\?\)"):
        weekly_bands(results, "isolated_share_al")
    assert weekly_bands(results, ["isolated_share_all", "absent"])["outcome"].unique().tolist() == ["isolated_share_all"]


# ----------------------------------------------------------------------------- gaps found by mutation testing
def test_two_pairs_are_enough_for_a_paired_t_test():
    """The p-value is NaN with fewer than two pairs only: two pairs give the paired t-test (1 degree of freedom)."""
    base = pd.Series([10.0, 12.0], index=[1, 2])
    scen = pd.Series([11.0, 15.0], index=[1, 2])
    p = paired_difference(scen, base).p_value
    assert p == pytest.approx(sps.ttest_rel(scen.to_numpy(), base.to_numpy()).pvalue)
    assert math.isnan(paired_difference(scen.iloc[:1], base.iloc[:1]).p_value)


def test_only_communities_of_different_sizes_are_warned_about(tmp_path):
    """``compare`` warns "residents" where the two communities differ in size, and only there."""
    from analysis.stats import compare
    from analysis.synthetic import write_replications

    scen = load(write_replications(tmp_path / "scen", [0, 1, 2], "scen", effect=0.5, residents=1000))
    same = load(write_replications(tmp_path / "same", [0, 1, 2], "base", residents=1000))
    other = load(write_replications(tmp_path / "other", [0, 1, 2], "base", residents=2000))
    assert compare(scen, same).warnings == []
    assert compare(scen, other).warnings == ["residents"]


def test_a_sweeps_seeds_are_listed_in_increasing_order(tmp_path):
    """``Results.seeds`` is sorted whatever the replications' order (a sweep's seeds do not grow with them)."""
    design = pd.DataFrame({"point": [0], "funding.a": [1.0]})
    summary = pd.DataFrame({"point": [0, 0], "replication": [0, 1], "seed": [9000, 1000], "y": [1.0, 2.0]})
    assert load(write_sweep(tmp_path / "sw", design, summary, {"replications": 2})).seeds == [1000, 9000]


def test_one_point_with_some_of_its_replications_missing_is_incomplete(tmp_path):
    """A selected point expects the design's replications, not the rows it happens to have."""
    design = pd.DataFrame({"point": [0, 1], "funding.a": [1.0, 2.0]})
    summary = pd.DataFrame({"point": [0, 0, 1, 1, 1], "replication": [0, 1, 0, 1, 2],
                            "seed": [1000, 1001, 1000, 1001, 1002], "y": [1.0, 2, 3, 4, 5]})
    res = load(write_sweep(tmp_path / "sw", design, summary, {"replications": 3}))
    assert res.select(0).expected_runs == 3 and res.select(0).missing_runs == 1 and not res.select(0).complete
    assert res.select(1).complete


def test_runs_of_two_horizons_are_not_replications(tmp_path):
    final = plausible_final(np.random.default_rng(1))
    write_run(tmp_path / "mine" / "seed0", 0, final, "mine", weeks=104)
    write_run(tmp_path / "mine" / "seed1", 1, final, "mine", weeks=52)
    with pytest.raises(UserError, match="different horizons"):
        load(tmp_path / "mine")


def test_a_list_one_run_makes_longer_makes_another_scenario(tmp_path):
    """Runs whose recorded scenarios differ only by an extra item at the end of a list (one more funding
    source) are not replications of one another."""
    final = plausible_final(np.random.default_rng(1))
    sources = ("[{amount_per_year: 100}]", "[{amount_per_year: 100}, {amount_per_year: 50}]")
    for seed, listed in enumerate(sources):
        folder = write_run(tmp_path / "mine" / f"seed{seed}", seed, final, "mine")
        (folder / "scenario.yaml").write_text(f"name: mine\nfunding: {{sources: {listed}}}\n")
    with pytest.raises(UserError, match="mix parameter sets.*'funding.sources'"):
        load(tmp_path / "mine")


def test_a_baseline_whose_organizations_are_not_partners_is_the_same_community():
    """A baseline is the scenario's community without the programme: whether an organization is a partner
    is no difference of community; any other field of it is."""
    from analysis.load import community_difference

    def res(**org):
        return _results(pd.DataFrame({"seed": [0]}), scenario_parameters={
            "population": {"n_residents": 1000}, "organizations": [{"name": "cdc", "members": 40, **org}]})

    assert community_difference(res(partnered=True), res(partnered=False)) is None
    assert community_difference(res(partnered=True), res(partnered=False, members=80)) == (
        "organizations.0.members", 40, 80)
