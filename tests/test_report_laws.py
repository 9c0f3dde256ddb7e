"""Laws of the planner's report, its charts and its sensitivity analysis that a careless edit would break:
which direction word a difference takes, which group is named as left behind or most isolated, when an
interval is shown and how it is bounded, which design point is called the best, what the charts draw.

Each is checked against what the README and the docstrings promise, on synthetic results with known
answers. Written to kill hand-made mutants of ``analysis/report.py``, ``analysis/plots.py`` and
``analysis/sensitivity.py`` that the rest of the suite let through.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis import load
from analysis.report import build_report
from analysis.synthetic import plausible_final, write_replications, write_run
from test_report_content import _text

HEADLINE = "isolated_share_65_alone"
SEEDS = (1000, 1001, 1002)


def _summary(page: str) -> str:
    """The text of the report's "In short" paragraph."""
    return _text(page.split("<div class='summary'>")[1].split("</div>")[0])


def _runs(folder, finals: dict[int, dict], **kw):
    """Run folders, one per seed, with the final-year values given; returns the loaded results."""
    for seed, final in finals.items():
        write_run(folder / f"s{seed}", seed, final, **kw)
    return load(folder)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    return load(write_replications(tmp_path_factory.mktemp("base"), SEEDS, "hospital-baseline", effect=0.0))


def _shifted(baseline, change) -> dict[int, dict]:
    """Each baseline seed's final year, with ``change(final)`` applied (a dict of new values)."""
    base = baseline.summary.set_index("seed")
    out = {}
    for seed in base.index:
        final = {k: float(v) for k, v in base.loc[seed].items()
                 if isinstance(v, (int, float, np.floating)) and not k.endswith("_start") and k != "weeks"}
        final.update(change(final))
        out[int(seed)] = final
    return out


# ----------------------------------------------------------------------------- isolation: direction words
def test_a_scenario_equal_to_its_baseline_in_every_pair_is_no_difference_not_an_unclear_one(tmp_path, baseline):
    """Isolation the same as the baseline's at every seed: "no difference", not "not clear (0 to 0 includes zero)"."""
    same = _runs(tmp_path / "same", _shifted(baseline, lambda f: {}))
    text = _summary(build_report(same, baseline, "en", figures=False))
    assert "no difference, the same in every pair of runs (3 seeds paired)" in text
    assert "is not clear" not in text and " fell " not in text and " rose " not in text


def test_one_seed_paired_says_no_direction(tmp_path, baseline):
    """From one pair there is no interval: the summary gives the difference without saying isolation fell."""
    one = _runs(tmp_path / "one", {SEEDS[0]: _shifted(baseline, lambda f: {HEADLINE: f[HEADLINE] - 0.05})[SEEDS[0]]})
    for lang, said in (("en", "no confidence interval, so no telling whether it fell"),
                       ("fr", "sans intervalle de confiance")):
        text = _summary(build_report(one, baseline, lang, figures=False))
        assert said in text, text
    assert "fell from" not in _summary(build_report(one, baseline, "en", figures=False))


def test_a_direction_without_an_interval_follows_the_mean():
    """``_direction`` of a difference whose interval is unknown: a negative mean fell, a positive one rose."""
    from analysis.report import _direction

    nan = float("nan")
    assert _direction(nan, nan, -0.01) == "fell" and _direction(nan, nan, 0.01) == "rose"
    assert _direction(nan, nan, 0.0) == "unclear"
    assert _direction(-0.03, -0.01, -0.02) == "fell" and _direction(0.01, 0.03, 0.02) == "rose"
    assert _direction(-0.01, 0.01, 0.0) == "unclear" and _direction(0.0, 0.0, 0.0) == "same"


# ----------------------------------------------------------------------------- for whom
def test_a_group_whose_isolation_did_not_move_is_left_behind(tmp_path, baseline):
    """"Left behind": the groups whose isolation did not fall; one that stayed exactly as it was did not fall."""
    groups = [c for c in baseline.summary if c.startswith("isolated_share_group_")]
    scen = _runs(tmp_path / "scen", _shifted(baseline, lambda f: {
        **{c: f[c] - 0.01 for c in f if c.startswith("isolated_share_")}, "isolated_share_group_lgbti":
        f["isolated_share_group_lgbti"]}))
    assert "isolated_share_group_lgbti" in groups
    text = _summary(build_report(scen, baseline, "en", figures=False))
    behind = text.split("Left behind: on average, isolation did not fall for ")[1].split(").")[0]
    assert behind.startswith("LGBTI+ people (difference 0.0 percentage points")
    assert "the majority" not in behind and "cultural communities" not in behind


def test_the_most_isolated_group_is_the_equity_group_with_the_highest_mean(tmp_path):
    """"The most isolated group is X (v)": the equity group (not a population group such as 65+ living
    alone) whose isolated share is highest on average."""
    finals = {}
    for seed in SEEDS:
        final = plausible_final(np.random.default_rng(seed), 0.5)
        final.update({"isolated_share_group_majority": 0.05, "isolated_share_group_cultural_community": 0.09,
                      "isolated_share_group_lgbti": 0.12 + 0.01 * (seed % 2)})
        finals[seed] = final
    runs = _runs(tmp_path / "runs", finals)
    mean = runs.summary["isolated_share_group_lgbti"].mean()
    text = _summary(build_report(runs, None, "en", figures=False))
    assert f"the most isolated group is LGBTI+ people ({100 * mean:.1f}%)" in text
    assert "les personnes LGBTI+" in _summary(build_report(runs, None, "fr", figures=False))


def test_the_final_years_interval_of_isolation_stops_at_zero(tmp_path):
    """A share's interval is within 0-100% (a t interval of a few runs near 0 reaches below it)."""
    finals = {}
    for seed, value in zip(SEEDS, (0.0, 0.0, 0.03)):
        final = plausible_final(np.random.default_rng(seed), 0.5)
        final[HEADLINE] = value
        finals[seed] = final
    runs = _runs(tmp_path / "runs", finals, start={HEADLINE: 0.3})
    text = _summary(build_report(runs, None, "en", figures=False))
    assert "fell from 30.0% at the start to 1.0% in the final year (95% CI 0.0% to " in text, text


def test_a_single_run_says_so_in_its_summary_and_claims_no_interval(tmp_path):
    """"How sure" for one run: there is no confidence interval (not "intervals are 95% confidence intervals")."""
    one = _runs(tmp_path / "one", {SEEDS[0]: plausible_final(np.random.default_rng(0), 0.5)})
    text = _summary(build_report(one, None, "en", figures=False))
    assert "This is a single run: there is no confidence interval." in text
    assert "intervals are 95% confidence intervals" not in text


# ----------------------------------------------------------------------------- retention and workforce
def _turnover_runs(folder, shares):
    finals = {}
    for seed, share in zip(SEEDS, shares):
        final = plausible_final(np.random.default_rng(seed), 0.5)
        final["partner_turnover_share"] = share
        finals[seed] = final
    return _runs(folder, finals)


def test_partner_turnover_has_an_interval_from_three_runs_that_starts_at_zero(tmp_path):
    """Turnover is a rate: like a share, no interval from fewer than 3 runs; its interval is shown from 0."""
    two = _summary(build_report(_turnover_runs(tmp_path / "two", (0.1, 0.3)), None, "en", figures=False))
    assert "Partner turnover: the partners who left over the final year number 20.0% of the partners on the " \
           "roster." in two
    three = _summary(build_report(_turnover_runs(tmp_path / "three", (0.0, 0.0, 0.3)), None, "en", figures=False))
    assert "number 10.0% of the partners on the roster (95% CI 0.0% to " in three, three


def test_funding_that_ends_in_the_last_week_did_not_end_before_it():
    """"Funding that ended before the last week" names the sources whose end_week is before the runs' last week."""
    from types import SimpleNamespace

    from analysis.report import _workforce_sentence, _Writer

    weekly = pd.DataFrame({"week": range(10), "partners_total": [0, 0, 0, 2, 2, 2, 2, 2, 2, 2]})
    results = SimpleNamespace(weekly=weekly, summary=pd.DataFrame({"partners_total": [2.0]}),
                              scenario_parameters={"funding": {"sources": [{"name": "Grant", "end_week": 9},
                                                                           {"name": "Pilot", "end_week": 8}]}})
    text = _text(_workforce_sentence(_Writer("en", False), results))
    assert "“Pilot” (week 8)" in text and "Grant" not in text


# ----------------------------------------------------------------------------- charts
LABELS = {"scenario": "Scenario", "baseline": "Baseline", "year": "Year", "share_axis": "%"}


def _bands(mean, low, high, outcome="isolated_share_65_alone", weeks=(0, 52, 104)):
    return pd.DataFrame({"week": list(weeks), "outcome": outcome, "mean": mean, "low": low, "high": high, "n": 3})


def test_time_panels_draw_shares_in_percent_over_years_with_bands_from_zero():
    """A share over time: years on x (week / 52), percent on y from 0, its 95% band not below 0; the
    scenario in blue, the baseline in vermillion, a legend only when there are two lines to tell apart."""
    from analysis import plots

    panel = [("isolated_share_65_alone", "Isolated", "share")]
    scen = _bands([0.2, 0.1, 0.05], [0.15, 0.05, -0.02], [0.25, 0.15, 0.12])
    base = _bands([0.2, 0.2, 0.2], [0.18, 0.18, 0.18], [0.22, 0.22, 0.22])
    fig = plots.time_panels(panel, scen, base, LABELS, "en")
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    x, y = lines["Scenario"].get_data()
    assert list(x) == pytest.approx([0.0, 1.0, 2.0]) and list(y) == pytest.approx([20.0, 10.0, 5.0])
    assert lines["Scenario"].get_color() == plots.SCENARIO and lines["Baseline"].get_color() == plots.BASELINE
    band = ax.collections[-1].get_paths()[0].vertices   # the scenario's band, drawn last
    assert band[:, 1].min() == pytest.approx(0.0) and band[:, 1].max() == pytest.approx(25.0)
    assert ax.get_ylim()[0] == 0.0
    assert len(fig.legends) == 1
    alone = plots.time_panels(panel, scen, None, LABELS, "en")
    assert alone.legends == []


def _whiskers(ax) -> list:
    """The segments of the error bars drawn with an axes' bars."""
    from matplotlib.container import BarContainer

    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    return bars.errorbar.lines[2][0].get_segments()


def test_group_bars_put_the_first_group_on_top_in_percent_with_whiskers_from_zero():
    from analysis import plots

    tab = pd.DataFrame({"mean": [0.10, 0.02], "low": [0.05, -0.01], "high": [0.15, 0.05]})
    fig = plots.group_bars(["First", "Second"], tab, None, LABELS, "t", "en")
    ax = fig.axes[0]
    first, second = ax.patches[:2]
    assert first.get_width() == pytest.approx(10.0) and second.get_width() == pytest.approx(2.0)
    assert first.get_y() > second.get_y()                     # read from the top, as the table is
    ticks = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())))
    assert ticks[max(ticks)] == "First"
    whiskers = _whiskers(ax)
    assert min(seg[:, 0].min() for seg in whiskers) == pytest.approx(0.0)   # the second group's: 2% - 2%, not -1%


def test_spending_bars_stack_the_budget_lines_and_name_each_once():
    from analysis import plots

    lines = ["spending_training", "spending_coordination"]
    scen, base = pd.Series({lines[0]: 100.0, lines[1]: 50.0}), pd.Series({lines[0]: 10.0, lines[1]: 5.0})
    fig = plots.spending_bars(lines, scen, base, {**LABELS, "lines": ["Training", "Coordination"], "money": "$"},
                              "t", "en")
    ax = fig.axes[0]
    scen_bars = [p for p in ax.patches if p.get_y() < 0.5 and p.get_y() + p.get_height() > -0.5]
    assert [(p.get_x(), p.get_width()) for p in scen_bars] == [(0.0, 100.0), (100.0, 50.0)]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Training", "Coordination"]
    assert ax.yaxis_inverted()                                   # the scenario (row 0) on top
    assert ax.xaxis.get_major_formatter()(12000, 0) == "12,000"


def test_cost_scatter_marks_the_mean_and_draws_the_cost_per_person_as_a_slope():
    from analysis import plots

    fewer, extra = np.array([2.0, 4.0, 9.0]), np.array([1000.0, 3000.0, 2000.0])
    labels = {"x": "x", "y": "y", "title": "t", "mean": "mean", "seeds": "seeds", "ratio": 400.0, "ratio_label": "r"}
    ax = plots.cost_scatter(fewer, extra, labels, "en").axes[0]
    assert list(ax.collections[1].get_offsets()[0]) == pytest.approx([5.0, 2000.0])
    (line,) = [l for l in ax.get_lines() if l.get_label() == "r"]
    x, y = line.get_data()
    assert y[-1] / x[-1] == pytest.approx(400.0)
    assert ax.yaxis.get_major_formatter()(-12000, 0) == "\u221212,000"
    more = plots.cost_scatter(-fewer, extra, labels, "en").axes[0]   # more isolated: no cost per person to draw
    assert not [l for l in more.get_lines() if l.get_label() == "r"]


def test_tornado_puts_the_most_influential_lever_on_top_with_its_interval():
    from analysis import plots

    ranking = pd.DataFrame({"parameter": [f"p{i}" for i in range(20)], "value": np.linspace(1.0, 0.05, 20)})
    ranking["low"], ranking["high"] = ranking["value"] - 0.05, ranking["value"] + 0.1
    first = pd.Series(np.linspace(0.9, 0.0, 20), index=ranking["parameter"])
    fig = plots.tornado(ranking, "sobol", {"title": "t", "measure": "ST", "first": "S1"}, "en", first_order=first)
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 15                                      # the 15 most influential
    top = max(bars, key=lambda b: b.get_y())
    assert top.get_width() == pytest.approx(1.0)
    segments = _whiskers(ax)
    top_seg = max(segments, key=lambda s: s[0, 1])
    assert sorted(top_seg[:, 0]) == pytest.approx([0.95, 1.1])
    dots = ax.collections[-1].get_offsets()
    assert dots[np.argmax(dots[:, 1])][0] == pytest.approx(0.9)  # S1 of the lever on top


def test_main_effects_tornado_spans_the_lowest_to_the_highest_level_around_the_scaled_mean():
    from analysis import plots

    ranking = pd.DataFrame({"parameter": ["a", "b"], "value": [0.1, 0.02], "low": [0.2, 0.25], "high": [0.3, 0.27]})
    ax = plots.tornado(ranking, "main_effects", {"title": "t", "measure": "%", "low": "lo", "high": "hi"}, "en",
                       centre=0.26, scale=100.0).axes[0]
    spans = sorted((p.get_x() + min(0, p.get_width()), p.get_x() + max(0, p.get_width())) for p in ax.patches)
    assert spans[0] == pytest.approx((20.0, 26.0)) and spans[-1] == pytest.approx((26.0, 30.0))


def test_main_effect_panels_are_scaled_with_their_intervals():
    from analysis import plots

    table = pd.DataFrame({"parameter": "a", "level": [1.0, 2.0], "mean": [0.1, 0.2], "low": [0.05, 0.15],
                          "high": [0.15, 0.25], "n": 3, "binned": False})
    ax = plots.main_effect_grid(table, ["a"], {"title": "t"}, "en", scale=100.0).axes[0]
    container = ax.containers[0]
    assert list(container.lines[0].get_ydata()) == pytest.approx([10.0, 20.0])
    seg = container.lines[2][0].get_segments()[0]
    assert sorted(seg[:, 1]) == pytest.approx([5.0, 15.0])
    many = pd.concat([table.assign(parameter=p) for p in "abcdefgh"])
    fig = plots.main_effect_grid(many, list("abcdefgh"), {"title": "t"}, "en")
    assert sum(a.get_visible() for a in fig.axes) == 6


def test_french_chart_numbers_take_a_decimal_comma_and_narrow_space_thousands():
    from analysis import plots

    assert plots.tick_text(1234.5, "fr") == "1\u202f234,5" and plots.tick_text(1234.5, "en") == "1,234.5"
    fig = plots.time_panels([("isolated_share_65_alone", "t", "share")], _bands([0.2] * 3, [0.1] * 3, [0.3] * 3),
                            None, LABELS, "fr")
    assert fig.axes[0].yaxis.get_major_formatter()(12.5, 0) == "12,5"
    en = plots.time_panels([("isolated_share_65_alone", "t", "share")], _bands([0.2] * 3, [0.1] * 3, [0.3] * 3),
                           None, LABELS, "en")
    assert not isinstance(en.axes[0].yaxis.get_major_formatter(), __import__("matplotlib").ticker.FuncFormatter)


def test_a_long_parameter_name_breaks_before_its_last_part():
    from analysis.plots import _wrap

    assert _wrap("retention.compensation.hourly_rate_for_partners") == "retention.compensation.\nhourly_rate_for_partners"
    assert _wrap("short.name") == "short.name"


# ----------------------------------------------------------------------------- sensitivity analysis
NAMES = ["funding.a", "retention.b", "governance.c"]


def _caution(method: str, n: int, widest: float):
    """The caution that :func:`analysis.sensitivity._with_caution` gives a result of ``n`` samples."""
    import warnings

    from analysis.sensitivity import Sensitivity, _with_caution

    sens = Sensitivity(method, "y", pd.DataFrame(), pd.DataFrame(), method, n_points=10 * n, base_samples=n,
                       widest_interval=widest)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return _with_caution(sens).caution


def test_indices_come_with_a_caution_only_when_an_interval_is_wider_than_the_readme_says():
    """README: Sobol indices whose widest 95% interval is wider than ±0.1, Morris μ* wider than ±25% of the
    largest μ*, come with a warning; at the limit, none."""
    assert _caution("sobol", 64, 0.1) is None and _caution("sobol", 64, 0.15) is not None
    assert _caution("morris", 20, 0.25) is None and _caution("morris", 20, 0.3) is not None


def test_the_caution_gives_the_sample_that_would_bring_the_intervals_within_the_limit():
    """Intervals narrow as 1/sqrt(n): N = 16 with ±0.15 needs 16 x 1.5² = 36, for Sobol the next power of 2;
    from fewer than 16 Sobol base samples (8 Morris trajectories) nothing is extrapolated."""
    assert "'samples' of about 64 would" in _caution("sobol", 16, 0.15)
    assert "'samples' in the hundreds or more" in _caution("sobol", 8, 0.15)
    assert "(trajectories) of about 18 would" in _caution("morris", 8, 0.375)
    assert "(trajectories) in the tens or more" in _caution("morris", 7, 0.375)


def _sobol_sweep(folder, n, second, y_of, record_second=True):
    from SALib.sample import sobol as sobol_sample

    from analysis.synthetic import write_sweep

    problem = {"num_vars": 3, "names": NAMES, "bounds": [[0.0, 1.0]] * 3}
    x = sobol_sample.sample(problem, n, calc_second_order=second, seed=1)
    pts = pd.DataFrame(x, columns=NAMES)
    pts.insert(0, "point", range(len(pts)))
    summary = pd.DataFrame({"point": range(len(x)), "replication": 0, "seed": 1000, "y": y_of(x)})
    meta = {"design": "sobol", "salib_problem": problem, "N": n, **({"calc_second_order": second} if record_second else {})}
    return load(write_sweep(folder, pts, summary, meta)), problem, x


def test_sobol_table_is_salibs_analysis_of_the_point_means_and_its_ranking_the_total_index(tmp_path):
    """The table holds SALib's S1, ST and their intervals; the ranking is ST with ST ± ST_conf; the widest
    interval is the widest of S1's and ST's; a sweep recorded without ``calc_second_order`` is read with
    SALib's default (second-order indices, N (2d + 2) points)."""
    import warnings

    from SALib.analyze import sobol as sobol_analyze

    from analysis import analyse

    res, problem, x = _sobol_sweep(tmp_path, 32, True, lambda x: x[:, 0] + 0.3 * x[:, 1] ** 2, record_second=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        sens = analyse(res, "y")
    si = sobol_analyze.analyze(problem, res.summary.sort_values("point")["y"].to_numpy(), calc_second_order=True,
                               seed=1)
    t = sens.table.set_index("parameter").loc[NAMES]
    for col in ("S1", "S1_conf", "ST", "ST_conf"):
        assert t[col].to_numpy() == pytest.approx(si[col]), col
    r = sens.ranking.set_index("parameter").loc[NAMES]
    assert r["low"].to_numpy() == pytest.approx(si["ST"] - si["ST_conf"])
    assert r["high"].to_numpy() == pytest.approx(si["ST"] + si["ST_conf"])
    assert sens.base_samples == 32 and sens.n_points == len(x) == 32 * 8
    assert sens.widest_interval == pytest.approx(max(np.abs(si["S1_conf"]).max(), np.abs(si["ST_conf"]).max()))


def test_an_outcome_the_same_at_every_sobol_point_is_refused_as_having_no_variance(tmp_path):
    from analysis import analyse
    from sim.errors import UserError

    res, *_ = _sobol_sweep(tmp_path, 8, False, lambda x: np.full(len(x), 0.2))
    with pytest.raises(UserError, match="'y' is the same at every design point: no variance to apportion"):
        analyse(res, "y")


def _morris_sweep(folder, y_of, trajectories=10, outcome="y"):
    """A Morris sweep of the three levers ``NAMES`` whose ``outcome`` is ``y_of(x)`` at each point."""
    from SALib.sample import morris as morris_sample

    from analysis.synthetic import write_sweep

    problem = {"num_vars": 3, "names": NAMES, "bounds": [[0.0, 1.0]] * 3}
    x = morris_sample.sample(problem, trajectories, num_levels=4, seed=2)
    pts = pd.DataFrame(x, columns=NAMES)
    pts.insert(0, "point", range(len(pts)))
    summary = pd.DataFrame({"point": range(len(x)), "replication": 0, "seed": 1000, outcome: y_of(x)})
    return load(write_sweep(folder, pts, summary, {"design": "morris", "salib_problem": problem, "num_levels": 4}))


def test_morris_widest_interval_is_measured_against_the_largest_mu_star(tmp_path):
    """μ*'s widest interval is a share of the largest μ*; where no lever moves the outcome there is nothing
    imprecise (it was 0/0)."""
    import warnings

    from analysis import analyse

    res = _morris_sweep(tmp_path / "m", lambda x: 10 * x[:, 0] + 5 * x[:, 1] * x[:, 2] + np.sin(20 * x[:, 2]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        sens = analyse(res, "y")
    t = sens.table
    assert sens.widest_interval == pytest.approx(t["mu_star_conf"].abs().max() / t["mu_star"].max())
    flat = analyse(_morris_sweep(tmp_path / "flat", lambda x: np.full(len(x), 0.2)), "y")
    assert flat.caution is None and flat.widest_interval == 0.0


def _factorial(folder, levels, y_of, replications=1, noise=(0.0, 0.0, 0.0)):
    from analysis.synthetic import write_sweep

    design = pd.DataFrame({"point": range(len(levels)), "funding.a": levels})
    rows = [{"point": p, "replication": r, "seed": 1000 + r, "y": float(y_of(a) + noise[(p + r) % 3])}
            for p, a in enumerate(levels) for r in range(replications)]
    return load(write_sweep(folder, design, pd.DataFrame(rows), {"design": "full_factorial",
                                                                 "replications": replications}))


def test_main_effects_show_up_to_ten_design_levels_each_and_bin_more_into_quantiles(tmp_path):
    """A parameter the design sets at 10 values is shown at each (``binned`` false, ``level`` the value); at 12
    values, in 5 quantile bins whose level is the mean of the values in the bin."""
    from analysis import analyse

    ten = analyse(_factorial(tmp_path / "ten", list(np.arange(10.0)), lambda a: a), "y").table
    assert not ten["binned"].any() and list(ten["level"]) == list(np.arange(10.0))
    values = [0.0, 1.0, 2.0, 3.0, 10.0, 11.0, 20.0, 21.0, 30.0, 31.0, 40.0, 49.0]
    twelve = analyse(_factorial(tmp_path / "twelve", values, lambda a: 2 * a), "y").table
    assert twelve["binned"].all() and len(twelve) == 5
    bins = [[0, 1, 2], [3, 10], [11, 20], [21, 30], [31, 40, 49]]   # quintiles of the 12 values' ranks
    assert list(twelve["level"]) == pytest.approx([np.mean(b) for b in bins])
    assert list(twelve["mean"]) == pytest.approx([2 * np.mean(b) for b in bins])


def test_main_effect_ranking_runs_from_the_lowest_to_the_highest_level_mean_at_the_level_asked(tmp_path):
    from analysis.sensitivity import main_effects

    res = _factorial(tmp_path, [1.0, 2.0, 3.0], lambda a: 10 - a, replications=3, noise=(0.3, -0.3, 0.0))
    row = main_effects(res, "y").ranking.iloc[0]
    assert (row["low"], row["high"], row["value"]) == pytest.approx((7.0, 9.0, 2.0))
    wide, narrow = (main_effects(res, "y", level=lv).table for lv in (0.99, 0.5))
    assert ((wide["high"] - wide["low"]) > (narrow["high"] - narrow["low"])).all()


# ----------------------------------------------------------------------------- at what cost
def _costs(folder, baseline, extra, fewer):
    """A scenario whose spending is the baseline's + ``extra[i]`` and isolated count the baseline's − ``fewer[i]``,
    at the first ``len(extra)`` baseline seeds."""
    finals = _shifted(baseline, lambda f: {})
    for (seed, final), e, n in zip(sorted(finals.items()), extra, fewer):
        final.update({"spending_total": final["spending_total"] + e, "isolated_count": final["isolated_count"] - n})
    return _runs(folder, {s: f for s, f in sorted(finals.items())[:len(extra)]})


def _money(v: float) -> str:
    return f"${v:,.0f}" if v >= 0 else f"−${-v:,.0f}"


def test_the_cost_per_person_is_given_with_its_interval_from_two_seeds_paired(tmp_path, baseline):
    """Two seeds paired give an interval (one does not): the sentence gives the ratio and its Fieller interval,
    low to high."""
    from analysis import compare

    scen = _costs(tmp_path / "two", baseline, (1000.0, 1100.0), (10.0, 10.5))
    cost = compare(scen, baseline).cost
    assert cost.status == "ok" and cost.n_pairs == 2 and cost.low < cost.high
    text = _summary(build_report(scen, baseline, "en", figures=False))
    assert (f"that is {_money(cost.ratio)} a year per person no longer isolated (95% CI {_money(cost.low)} to "
            f"{_money(cost.high)})") in text, text


def test_lower_spending_with_an_uncertain_reduction_is_a_saving_not_a_negative_extra(tmp_path, baseline):
    """Spending below the baseline's, fewer isolated on average but not surely: "spending is $X lower ... too
    uncertain to say that the scenario isolates fewer people", never "spending is −$X more"."""
    from analysis import compare

    scen = _costs(tmp_path / "saves", baseline, (-1000.0, -1200.0, -900.0), (6.0, -5.0, 1.0))
    cost = compare(scen, baseline).cost
    assert cost.status == "unbounded" and cost.extra_spending.mean < 0
    text = _summary(build_report(scen, baseline, "en", figures=False))
    assert (f"At what cost: in the final year, spending is {_money(-cost.extra_spending.mean)} lower than the "
            "baseline, with 0.7 fewer isolated residents on average; that reduction is too uncertain") in text, text


def test_spending_that_buys_no_reduction_is_a_signed_difference(tmp_path, baseline):
    """No one less isolated: the sentence gives the spending difference signed ("differs by +$X")."""
    from analysis import compare

    scen = _costs(tmp_path / "none", baseline, (1000.0, 1200.0, 900.0), (-1.0, -2.0, 0.0))
    cost = compare(scen, baseline).cost
    assert cost.status == "no_reduction"
    text = _summary(build_report(scen, baseline, "en", figures=False))
    assert f"spending differs by +{_money(cost.extra_spending.mean)} from the baseline, but no one is less " \
           "isolated on average (1.0 more isolated residents)" in text, text


def test_the_key_table_gives_each_sides_runs_where_an_outcome_has_none_in_some(tmp_path, baseline):
    """n is the seeds paired; where an outcome has no value in some runs (turnover without partners), the cell
    also gives each side's runs, and each side's interval is shown or not by its own runs."""
    nan = float("nan")

    def runs(folder, shares):
        finals = _shifted(baseline, lambda f: {})
        for seed, share in zip(SEEDS, shares):
            finals[seed]["partner_turnover_share"] = share
        return _runs(folder, finals)

    def row(scen, base):
        page = build_report(scen, base, "en", figures=False)
        cells = re.search(r"<tr><td>Partners who left over the year \(% of partners\)</td>(.*?)</tr>", page).group(1)
        return [_text(c) for c in re.findall(r"<td>(.*?)</td>", cells)]

    scen = runs(tmp_path / "scen", (nan, 0.2, 0.3))
    full = runs(tmp_path / "full", (0.1, 0.2, 0.4))
    other = runs(tmp_path / "other", (0.1, nan, 0.4))
    base_cell, scen_cell, _, n_cell = row(scen, full)
    assert n_cell == "2 (scenario 2, baseline 3)"
    assert "n too small" in scen_cell and base_cell.startswith("23.3%0.0% to ")   # mean, then its interval
    assert row(scen, other)[-1] == "1 (scenario 2, baseline 2)"


def test_a_shares_interval_is_within_0_to_100_percent_and_a_rates_from_0_uncut():
    """README: turnover is a rate, "above 100% when a small roster turns over more than once, so its interval
    is shown from 0 but not cut at 100% as a share's is"."""
    from analysis.report import _Writer

    w = _Writer("en", False)
    assert _text(w.ci(-0.1, 1.2, "share")) == "0.0% to 100.0%"
    assert _text(w.ci(-0.1, 1.2, "rate")) == "0.0% to 120.0%"
    assert _text(w.ci(-0.1, 1.2, "index")) == "−0.100 to 1.200"


def test_a_count_takes_the_noun_its_shown_value_takes():
    """0.96 is shown "1.0" and takes "resident" (its docstring); 1.04 too; 1.5 takes the plural in English."""
    from analysis.report import _Writer

    w = _Writer("en", False)
    assert w.noun(0.96, "isolated_resident") == "isolated resident" == w.noun(1.04, "isolated_resident")
    assert w.noun(1.5, "isolated_resident") == "isolated residents"


# ----------------------------------------------------------------------------- notices
def test_only_runs_shorter_than_a_year_are_warned_about(tmp_path):
    final = plausible_final(np.random.default_rng(0), 0.5)
    year = _text(build_report(_runs(tmp_path / "year", {0: final}, weeks=52), None, "en", figures=False))
    short = _text(build_report(_runs(tmp_path / "short", {0: final}, weeks=51), None, "en", figures=False))
    assert "less than a year" not in year and "These runs last 51 weeks, less than a year" in short


def test_a_baseline_seed_without_a_partner_is_listed(tmp_path, baseline):
    """The scenario ran two of the baseline's three seeds: the third is left out of the pairing and listed."""
    finals = _shifted(baseline, lambda f: {})
    scen = _runs(tmp_path / "two", {s: finals[s] for s in SEEDS[:2]})
    text = _text(build_report(scen, baseline, "en", figures=False))
    assert f"Seeds without a partner, left out of the paired comparison: {SEEDS[2]}." in text


def test_the_header_counts_the_seeds_both_sides_ran(tmp_path, baseline):
    """"Paired by seed over N seeds": N is the seeds the scenario and the baseline share, not the scenario's
    own (here it ran 1000, 1001 and 1005; the baseline 1000-1002)."""
    finals = _shifted(baseline, lambda f: {})
    scen = _runs(tmp_path / "scen", {SEEDS[0]: finals[SEEDS[0]], SEEDS[1]: finals[SEEDS[1]], 1005: finals[SEEDS[2]]})
    text = _text(build_report(scen, baseline, "en", figures=False))
    assert "paired by seed over 2 seeds." in text


def _population(folder, residents: int) -> None:
    """Record ``population.n_residents`` in each run's ``scenario.yaml`` under ``folder``."""
    import yaml

    for path in folder.glob("*/scenario.yaml"):
        recorded = yaml.safe_load(path.read_text())
        path.write_text(yaml.safe_dump({**recorded, "population": {"n_residents": residents}}))


def test_a_baseline_of_another_size_is_warned_about_once(tmp_path, baseline):
    """A different number of residents is warned about; where the header's box already says that the baseline
    is another community (of which another size is one case), the warning is not repeated below it."""
    finals = _shifted(baseline, lambda f: {})
    bigger = _runs(tmp_path / "bigger", finals, residents=2000)
    warning = "The scenario and the baseline do not have the same number of residents (2000 and 1000)"
    text = _text(build_report(bigger, baseline, "en", figures=False))
    assert text.count(warning) == 1 and "The baseline is another community" not in text
    _population(tmp_path / "bigger", 2000)
    other = _text(build_report(load(tmp_path / "bigger"), baseline, "en", figures=False))
    assert "The baseline is another community" in other and warning not in other


def test_the_time_note_speaks_of_a_single_run_only_when_every_line_is_one(tmp_path, baseline):
    """The chart over time draws a band wherever a side has several runs: "the single run, no band" only
    when the scenario (and the baseline, if any) is one run."""
    single, several = "weekly values of the single run", "Lines are the mean across replications; shaded bands"
    finals = _shifted(baseline, lambda f: {})
    one = _runs(tmp_path / "one", {SEEDS[0]: finals[SEEDS[0]]})
    three = _runs(tmp_path / "three", finals)
    for scen, base, said in ((one, None, single), (three, None, several), (one, baseline, several),
                             (three, one, several)):
        text = _text(build_report(scen, base, "en", figures=False))
        assert said in text and (single if said == several else several) not in text, (scen.seeds, said)


def _charts(monkeypatch, *names) -> dict[str, list]:
    """Spy on the ``analysis.plots`` functions ``names``: each call's ``args``, ``kwargs`` and the ``fig`` it drew,
    by name."""
    from types import SimpleNamespace

    from analysis import plots

    seen: dict[str, list] = {name: [] for name in names}
    for name in names:
        real = getattr(plots, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            fig = _real(*args, **kwargs)
            seen[_name].append(SimpleNamespace(args=args, kwargs=kwargs, fig=fig))
            return fig
        monkeypatch.setattr(plots, name, spy)
    return seen


def _scatter(monkeypatch, scen, baseline):
    """What the report's cost scatter is given (``fewer``, ``extra``, ``labels``) and the figure it draws."""
    calls = _charts(monkeypatch, "cost_scatter")["cost_scatter"]
    build_report(scen, baseline, "en", figures=False)
    fewer, extra, labels, _ = calls[0].args
    return {"fewer": fewer, "extra": extra, "labels": labels, "fig": calls[0].fig}


def test_the_cost_scatter_plots_fewer_isolated_and_extra_spending_seed_by_seed(tmp_path, baseline, monkeypatch):
    """x: how many fewer residents are isolated than in the baseline at that seed (positive when fewer);
    y: the extra spending; the cost per person is drawn as the slope through the origin."""
    scen = _costs(tmp_path / "two", baseline, (1000.0, 1100.0), (10.0, 10.5))
    seen = _scatter(monkeypatch, scen, baseline)
    assert list(seen["fewer"]) == pytest.approx([10.0, 10.5]) and list(seen["extra"]) == pytest.approx([1000.0, 1100.0])
    lines = [l for l in seen["fig"].axes[0].get_lines() if l.get_label().startswith("mean cost per person")]
    assert len(lines) == 1


def test_the_cost_scatter_draws_no_cost_per_person_where_the_scenario_saves(tmp_path, baseline, monkeypatch):
    """Less spending and fewer isolated: there is no cost per person to draw (the sentence says it saves)."""
    from analysis import compare

    scen = _costs(tmp_path / "saves", baseline, (-1000.0, -1100.0, -900.0), (10.0, 10.5, 9.0))
    assert compare(scen, baseline).cost.status == "saves"
    seen = _scatter(monkeypatch, scen, baseline)
    assert seen["labels"]["ratio"] is None
    assert not [l for l in seen["fig"].axes[0].get_lines() if l.get_label().startswith("mean cost per person")]


def test_one_seeds_whole_run_spending_against_the_baseline_is_not_called_an_average(tmp_path):
    """One seed paired with the baseline's: the whole run's totals are one run's each, not averages."""
    from test_report_content import _runs_spending

    scen = _runs_spending(tmp_path / "scen", lambda seed, w: 1_000.0 + seed)
    base = _runs_spending(tmp_path / "base", lambda seed, w: 100.0)
    page = _text(build_report(load(tmp_path / "scen" / f"s{SEEDS[0]}"), load(tmp_path / "base"), "en", figures=False))
    assert (f"Over the whole run (104 weeks), spending totals ${scen[SEEDS[0]]:,.0f}, against "
            f"${base[SEEDS[0]]:,.0f} in the baseline") in page


def test_the_method_note_names_salib_for_a_morris_sweep(tmp_path):
    """Morris' μ* and σ come from SALib, as Sobol's indices do: the method note says so."""
    res = _morris_sweep(tmp_path / "m", lambda x: 10 * x[:, 0] + 5 * x[:, 1])
    note = _text(build_report(res, None, "en", outcome="y", figures=False)).split("How these numbers were computed")[1]
    assert "Sensitivity indices come from SALib." in note


# ----------------------------------------------------------------------------- sweeps
def test_a_sweep_whose_outcome_no_lever_moves_shows_no_ranking_of_levers(tmp_path, baseline):
    """Isolation the same at every design point: the summary says no lever changed it, and no section ranks
    the levers (a ranking of zeros would name a "lever that matters most")."""
    from test_report_content import _sweep_against

    flat = _sweep_against(tmp_path / "flat", baseline, lambda p, r: 0.0)
    page = _text(build_report(flat, None, "en", figures=False))
    assert "None of the levers changed it" in page
    assert "Which levers matter most" not in page and "The lever that matters most" not in page


def test_a_sweep_gives_the_range_of_its_point_means(tmp_path, baseline):
    """"Across the points, isolation ... ranged from the lowest point mean to the highest"."""
    from test_report_content import _sweep_against

    sweep = _sweep_against(tmp_path / "s", baseline, lambda p, r: -0.05 * p)
    means = sweep.summary.groupby("point")[HEADLINE].mean()
    text = _summary(build_report(sweep, None, "en", figures=False))
    assert f"ranged from {100 * means.min():.1f}% to {100 * means.max():.1f}%." in text, text


@pytest.mark.parametrize("n_points, warned", [(9, False), (10, True)])
def test_the_winners_curse_is_named_from_ten_design_points(tmp_path, n_points, warned):
    """``BEST_OF_MANY``: from 10 design points on, the best point comes with the winner's curse."""
    from analysis.report import BEST_OF_MANY
    from test_report_content import _graded_sweep

    assert BEST_OF_MANY == 10
    text = _summary(build_report(_graded_sweep(tmp_path, n_points, replications=2), None, "en", figures=False))
    assert ("winner’s curse" in text) is warned


def test_a_sweep_of_one_replication_is_not_called_a_single_run(tmp_path, baseline):
    """One replication per point is many runs, not "a single run": the summary says nothing about how sure
    (the design points table says "n too small" where it has no interval)."""
    from test_report_content import _sweep_against

    one = _sweep_against(tmp_path / "one", baseline, lambda p, r: -0.01 * p, replications=1)
    text = _summary(build_report(one, None, "en", figures=False))
    assert "single run" not in text and "How sure" not in text


def test_the_best_point_of_an_outcome_where_higher_is_better_is_the_highest(tmp_path, baseline):
    """Empowerment: higher is better. The best design point is the one with the highest mean, alone, and
    against the baseline the one that raises it most; the sections below break that point down."""
    from test_report_content import _graded_sweep

    sweep = _graded_sweep(tmp_path, 6, replications=3)
    means = sweep.summary.groupby("point")["empowerment_index"].mean()
    best, worst = int(means.idxmax()), int(means.idxmin())
    assert best != worst
    for base in (None, baseline):
        text = _text(build_report(sweep, base, "en", figures=False, outcome="empowerment_index"))
        assert f"design point {best} (the best on this outcome)" in text, base
    text = _summary(build_report(sweep, baseline, "en", figures=False, outcome="empowerment_index"))
    assert re.search(rf"\bpoint {best}\b", text) and "raises" in text, text


@pytest.mark.parametrize("outcome, low, high, says", [
    (HEADLINE, -0.04, -0.01, "the design point that lowers isolation among people 65+ living alone most is point 3"),
    (HEADLINE, -0.04, 0.0, "point 3 lowers isolation among people 65+ living alone most (−2.0 percentage points), but "
                           "not clearly"),
    ("empowerment_index", 0.01, 0.03, "the design point that raises “Empowerment"),
    ("empowerment_index", -0.01, 0.05, "but not clearly"),
])
def test_the_best_point_is_clearly_better_only_when_its_whole_interval_is_on_the_better_side(outcome, low, high, says):
    """``_best_point_sentence``: "clear" when the whole 95% CI is on the better side of 0 (below it where lower
    is better, above it where higher is); an interval that reaches 0 includes it."""
    from types import SimpleNamespace

    from analysis.report import _best_point_sentence, _Writer

    row = {"difference": (low + high) / 2, "difference_low": low, "difference_high": high, "n_pairs": 3}
    cmp = SimpleNamespace(row=lambda o: row)
    kind = "share" if outcome == HEADLINE else "index"
    text = _text(_best_point_sentence(_Writer("en", False), cmp, 3, outcome, kind))
    assert says in text, text


def _row_values(page: str, parameter: str) -> list[float]:
    """The numbers (``data-value``) of a table row whose first cell is ``parameter``."""
    row = re.search(rf"<tr><td>{re.escape(parameter)}</td>(.*?)</tr>", page).group(1)
    return [float(v) for v in re.findall(r'data-value="([^"]+)"', row)]


def test_a_morris_report_gives_mu_star_sigma_and_the_caution_as_shares_of_the_largest(tmp_path):
    """Morris: the table gives each lever's μ* ± its interval and σ; the summary names the two levers with the
    largest μ*; an imprecise μ* is cautioned with its widest interval as a share of the largest μ*."""
    import warnings

    from analysis import analyse

    rng = np.random.default_rng(3)
    res = _morris_sweep(tmp_path / "m", lambda x: 10 * x[:, 0] + 3 * x[:, 1] + x[:, 2] + rng.normal(0, 2, len(x)),
                        trajectories=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        sens = analyse(res, "y")
    page = build_report(res, None, "en", outcome="y", figures=False)
    for r in sens.table.itertuples():
        assert _row_values(page, r.parameter) == pytest.approx([r.mu_star, r.mu_star_conf, r.sigma], rel=1e-5)
    first, second = sens.ranking["parameter"].iloc[:2]
    assert f"The lever that matters most for it is “{first}” (Morris μ* " in _summary(page)
    assert f"), then “{second}”." in _summary(page)
    assert sens.caution and f"is ±{100 * sens.widest_interval:.1f}% of the largest μ*" in _text(page)


def test_a_morris_report_on_a_share_gives_its_mu_star_in_percentage_points(tmp_path):
    """μ* of a share is a change of the share: percentage points, not a share of residents."""
    res = _morris_sweep(tmp_path / "m", lambda x: 0.3 - 0.1 * x[:, 0] - 0.05 * x[:, 1] - 0.01 * x[:, 2],
                        outcome=HEADLINE)
    text = _summary(build_report(res, None, "en", figures=False))
    assert "(Morris μ* 10.0 percentage points), then “retention.b”." in text, text


def test_a_sobol_report_gives_each_index_with_its_own_interval(tmp_path):
    """The Sobol table: ST within ST ± ST_conf, S1 within S1 ± S1_conf (SALib's intervals)."""
    import warnings

    from analysis import analyse

    res, *_ = _sobol_sweep(tmp_path, 16, False, lambda x: x[:, 0] + 0.3 * x[:, 1] ** 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        sens = analyse(res, "y")
    page = build_report(res, None, "en", outcome="y", figures=False)
    for r in sens.table.itertuples():
        assert _row_values(page, r.parameter) == pytest.approx(
            [r.ST, r.ST - r.ST_conf, r.ST + r.ST_conf, r.S1, r.S1 - r.S1_conf, r.S1 + r.S1_conf], rel=1e-5, abs=1e-9)


def test_a_main_effects_table_gives_the_swing_then_the_lowest_and_highest_level_means(tmp_path):
    from analysis import analyse

    res = _factorial(tmp_path, [1.0, 2.0, 3.0], lambda a: 10 - a, replications=3, noise=(0.3, -0.3, 0.0))
    row = analyse(res, "y").ranking.iloc[0]
    page = build_report(res, None, "en", outcome="y", figures=False)
    assert _row_values(page, "funding.a") == pytest.approx([row["value"], row["low"], row["high"]])
    assert row["low"] < row["high"]


# ----------------------------------------------------------------------------- a sweep's tables and charts
def _points_rows(page: str) -> dict[int, str]:
    """The design points table's rows as visible text, by point."""
    from analysis.i18n import t

    table = page.split(f"<h2>{t('en', 'points_h')}</h2>")[1].split("<table>")[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>(\d+)</td>(.*?)</tr>", table)
    return {int(p): _text(cells) for p, cells in rows}


def test_the_design_points_table_gives_each_swept_parameter_a_column(tmp_path):
    """Every swept parameter (up to six) has its column in the design points table, so a planner sees what
    each point set."""
    res = _morris_sweep(tmp_path / "m", lambda x: 10 * x[:, 0] + 5 * x[:, 1])
    page = build_report(res, None, "en", outcome="y", figures=False)
    assert re.findall(r"<th class='param' title='([^']+)'>", page) == list(res.parameters) == NAMES


def test_the_design_points_table_signs_a_difference_against_the_baseline(tmp_path, baseline):
    """A point worse than the baseline shows "+5.0", not "5.0" that reads as a level."""
    from test_report_content import _sweep_against

    worse = _sweep_against(tmp_path / "worse", baseline, lambda p, r: 0.05 + 0.01 * p)
    rows = _points_rows(build_report(worse, baseline, "en", figures=False))
    # the point's mean and interval, then its difference "+5.0 pts" and the difference's interval
    assert re.search(r"%\+5\.0 pts\+5\.0 pts to \+5\.0 pts\d+$", rows[0]), rows
    assert re.search(r"%\+6\.0 pts\+6\.0 pts to \+6\.0 pts\d+$", rows[1]), rows


def test_a_scenario_and_a_baseline_of_the_same_name_are_told_apart_by_their_folders(tmp_path, baseline):
    """Both named 'hospital-baseline' (the same preset run twice): each is named with its folder, so that the
    report does not read "hospital-baseline against hospital-baseline"."""
    again = load(write_replications(tmp_path / "again", SEEDS, "hospital-baseline", effect=0.0))
    assert again.name == baseline.name
    text = _text(build_report(again, baseline, "en", figures=False))
    assert "hospital-baseline (again)" in text and f"hospital-baseline ({baseline.path.name})" in text


def test_a_main_effects_tornado_is_centred_on_the_sweeps_mean(tmp_path, monkeypatch):
    """The main-effects tornado's bars run from each lever's lowest to highest level mean around the mean of the
    whole sweep (which ``plots.tornado`` is given as ``centre``)."""
    calls = _charts(monkeypatch, "tornado")["tornado"]
    res = _factorial(tmp_path, [1.0, 2.0, 3.0], lambda a: 10 - a, replications=3, noise=(0.3, -0.3, 0.0))
    build_report(res, None, "en", outcome="y", figures=False)
    assert calls[0].kwargs["centre"] == pytest.approx(float(res.summary["y"].mean())) == pytest.approx(8.0)


def test_a_sweep_of_one_replication_per_point_says_it_has_no_interval_in_its_method_note(tmp_path, baseline):
    """Many runs, but one per design point: no interval across replications (the method note says so)."""
    from test_report_content import _sweep_against

    one = _sweep_against(tmp_path / "one", baseline, lambda p, r: -0.01 * p, replications=1)
    note = _text(build_report(one, None, "en", figures=False)).split("How these numbers were computed")[1]
    assert "With a single run (one seed) per design point, there is no confidence interval" in note
    assert "Student’s t across replications" not in note


def test_a_sweep_on_another_outcome_names_that_outcome_in_its_range(tmp_path):
    """``--outcome empowerment_index``: the summary's range is that outcome's, not isolation's."""
    from test_report_content import _graded_sweep

    sweep = _graded_sweep(tmp_path, 3, replications=2)
    text = _summary(build_report(sweep, None, "en", figures=False, outcome="empowerment_index"))
    assert re.search(r"Across the points, “[^”]*[Ee]mpowerment[^”]*” in the final year ranged from", text), text
    assert "isolation among people 65+ living alone in the final year ranged" not in text


@pytest.mark.parametrize("start", ["\ufeff", "\n\n", "  \t"])
def test_an_html_report_that_begins_with_a_byte_order_mark_or_blank_lines_is_replaced(tmp_path, baseline, start):
    """An earlier report saved again by an editor (a byte-order mark, a blank line first) is still a report
    to replace, not "a file that is not HTML"."""
    from analysis.report import write_report

    out = tmp_path / "old.html"
    out.write_text(start + "<!DOCTYPE html>\n<html><body>an older report</body></html>\n", encoding="utf-8")
    assert write_report(baseline, out=out, lang="en") == out
    assert "an older report" not in out.read_text(encoding="utf-8")


def test_the_charts_against_a_baseline_draw_the_baselines_values(tmp_path, baseline, monkeypatch):
    """Over time, for whom and spending: each chart is given the baseline's own values beside the scenario's,
    in a report on runs and in a sweep's breakdowns of its best point."""
    from analysis.stats import group_columns, summarise, weekly_bands
    from test_report_content import _sweep_against

    scen = load(write_replications(tmp_path / "scen", SEEDS, "centre-sud", effect=0.5))
    sweep = _sweep_against(tmp_path / "sweep", baseline, lambda p, r: -0.02 * p)
    for results in (scen, sweep):
        seen = _charts(monkeypatch, "time_panels", "group_bars", "spending_bars")
        build_report(results, baseline, "en", figures=False)
        assert len(seen["group_bars"]) == len(seen["spending_bars"]) == 1, results.kind
        cols = group_columns(baseline)
        _, _, bt, *_ = seen["group_bars"][0].args
        assert bt is not None and list(bt["mean"]) == pytest.approx(list(summarise(baseline, cols)["mean"]))
        lines, _, base, *_ = seen["spending_bars"][0].args
        assert base is not None and list(base[lines]) == pytest.approx(list(baseline.summary[lines].mean()))
        if results is scen:   # the synthetic sweep keeps no weekly outcomes
            panels, _, bb, *_ = seen["time_panels"][0].args
            outs = [p[0] for p in panels]
            assert bb is not None and bb.equals(weekly_bands(baseline, outs))
