"""Known-answer statistics on synthetic results: means and intervals, paired differences, cost ratios."""

from __future__ import annotations

import html as htmllib
import math
import re

import numpy as np
import pandas as pd
import pytest

from analysis import load
from analysis.i18n import outcome_label
from analysis.report import build_report
from analysis.stats import compare, cost_per_person_no_longer_isolated, mean_ci, summarise, weekly_bands
from analysis.synthetic import plausible_final, write_replications, write_run
from sim.errors import UserError

T4 = 2.7764451051977987  # Student's t, 97.5% quantile, 4 degrees of freedom
NOISE = np.array([-0.02, -0.01, 0.0, 0.01, 0.02])  # sd = 0.0158114, mean 0


def test_mean_ci_known_answer():
    ci = mean_ci([1, 2, 3, 4, 5])
    half = T4 * math.sqrt(2.5) / math.sqrt(5)
    assert ci.mean == pytest.approx(3.0)
    assert (ci.low, ci.high) == pytest.approx((3 - half, 3 + half))
    assert ci.n == 5
    one = mean_ci([7.0])
    assert one.mean == 7.0 and math.isnan(one.low) and math.isnan(one.high)
    assert mean_ci([1.0, np.nan, 3.0]).n == 2


def _pair(tmp_path, base_iso, scen_iso, base_extra=None, scen_extra=None, seeds=range(5), scen_seeds=None):
    rng = np.random.default_rng(0)
    template = plausible_final(rng, 0.0)
    for i, seed in enumerate(seeds):
        write_run(tmp_path / "base" / f"b{seed}", seed, {**template, "isolated_share_65_alone": base_iso[i],
                                                           **(base_extra[i] if base_extra else {})}, "baseline")
    for i, seed in enumerate(scen_seeds if scen_seeds is not None else seeds):
        write_run(tmp_path / "scen" / f"s{seed}", seed, {**template, "isolated_share_65_alone": scen_iso[i],
                                                           **(scen_extra[i] if scen_extra else {})}, "scenario")
    return load(tmp_path / "scen"), load(tmp_path / "base")


def test_paired_difference_has_known_mean_and_interval(tmp_path):
    base = 0.30 + np.array([0.10, -0.08, 0.05, -0.12, 0.04])  # large between-seed spread
    scen = base - 0.05 + NOISE                                 # shifted by exactly -0.05, small noise
    s, b = _pair(tmp_path, base, scen)
    row = compare(s, b).row("isolated_share_65_alone")
    half = T4 * NOISE.std(ddof=1) / math.sqrt(5)
    assert row["difference"] == pytest.approx(-0.05)
    assert (row["difference_low"], row["difference_high"]) == pytest.approx((-0.05 - half, -0.05 + half))
    assert row["n_pairs"] == 5
    # pairing removes the shared between-seed spread: far narrower than the unpaired intervals
    assert row["difference_high"] - row["difference_low"] < 0.25 * (row["scenario_high"] - row["scenario_low"])
    assert row["p_value"] < 0.01


def test_only_shared_seeds_are_paired(tmp_path):
    base = np.full(5, 0.3)
    scen = np.array([0.2, 0.2, 0.2, 0.2, 0.2, 0.9])
    s, b = _pair(tmp_path, base, scen, scen_seeds=range(6))
    cmp = compare(s, b)
    assert cmp.seeds == [0, 1, 2, 3, 4]
    assert cmp.unpaired == {"scenario": [5], "baseline": []}
    assert cmp.row("isolated_share_65_alone")["difference"] == pytest.approx(-0.1)


def test_cost_per_person_no_longer_isolated_known_ratio_and_interval(tmp_path):
    base_count = np.array([120.0, 90.0, 100.0, 130.0, 80.0])
    extra = 50_000 + 2_000 * np.array([-2, -1, 0, 1, 2])
    base = [{"isolated_count": c, "spending_total": 10_000.0} for c in base_count]
    scen = [{"isolated_count": c - 10, "spending_total": 10_000.0 + e} for c, e in zip(base_count, extra)]
    s, b = _pair(tmp_path, np.full(5, .3), np.full(5, .2), base, scen)
    cost = compare(s, b).cost
    assert cost.status == "ok"
    assert cost.ratio == pytest.approx(5_000.0)
    half = T4 * extra.std(ddof=1) / math.sqrt(5) / 10  # the denominator has no variance: Fieller = t interval / 10
    assert (cost.low, cost.high) == pytest.approx((5_000 - half, 5_000 + half))
    assert cost.fewer_isolated.mean == pytest.approx(10.0)


def test_cost_is_not_a_number_when_no_one_is_less_isolated(tmp_path):
    base = [{"isolated_count": 100.0, "spending_total": 0.0}] * 5
    scen = [{"isolated_count": 100.0 + d, "spending_total": 60_000.0} for d in (0, 1, 2, 0, 1)]
    s, b = _pair(tmp_path, np.full(5, .3), np.full(5, .3), base, scen)
    cost = compare(s, b).cost
    assert cost.status == "no_reduction" and math.isnan(cost.ratio)
    html = build_report(s, b, "en", figures=False)
    assert "no one is less isolated" in html
    assert "per person no longer isolated (95% CI" not in html


def test_a_scenario_with_more_isolated_residents_is_not_said_to_have_negative_fewer(tmp_path):
    """A baseline better than the programme: the sentence said "(−1.2 fewer isolated residents)" (French "−1,2
    résidents isolés de moins"), a double negative read as fewer; it now says how many more."""
    base = [{"isolated_count": 100.0, "spending_total": 0.0}] * 5
    scen = [{"isolated_count": 100.0 + d, "spending_total": 60_000.0} for d in (1, 1, 2, 0, 2)]
    s, b = _pair(tmp_path, np.full(5, .3), np.full(5, .3), base, scen)
    assert compare(s, b).cost.fewer_isolated.mean == pytest.approx(-1.2)
    for lang, more, negative in (("en", "(1.2 more isolated residents)", "−1.2 fewer"),
                                 ("fr", "(1,2 résident isolé de plus)", "−1,2 résident")):
        text = htmllib.unescape(re.sub(r"<[^>]+>", "", build_report(s, b, lang, figures=False)))
        assert "no one is less isolated" in text or "personne n’est moins isolé" in text
        assert more in text and negative not in text


@pytest.mark.parametrize("extra, shown", [((1, 1, 2, 0, 2), "1,2 résident isolé de plus"),
                                           ((3, 2, 3, 2, 2), "2,4 résidents isolés de plus"),
                                           ((-1, 0, 0, -1, 0), "0,4 résident isolé de moins"),
                                           ((-6, 2, -5, 2, -4), "2,2 résidents isolés de moins")])
def test_french_cost_sentences_put_isolated_residents_in_the_number_they_take(tmp_path, extra, shown):
    """French takes the singular under two (« 1,2 résident isolé »); every cost sentence said « résidents isolés »."""
    base = [{"isolated_count": 100.0, "spending_total": 0.0}] * 5
    scen = [{"isolated_count": 100.0 + d, "spending_total": 60_000.0} for d in extra]
    s, b = _pair(tmp_path, np.full(5, .3), np.full(5, .3), base, scen)
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", build_report(s, b, "fr", figures=False)))
    assert shown in text.replace("\u202f", " "), text


def test_a_cheaper_scenario_is_not_said_to_isolate_fewer_people_when_that_is_unclear(tmp_path):
    """Lower spending and a reduction of isolation whose interval includes zero: the summary says it is unclear."""
    base = [{"isolated_count": 100.0, "spending_total": 300_000.0}] * 4
    scen = [{"isolated_count": c, "spending_total": 200_000.0} for c in (99.0, 101.5, 98.0, 101.0)]
    s, b = _pair(tmp_path, np.full(4, .3), np.full(4, .3), base, scen, seeds=range(4))
    cost = compare(s, b).cost
    assert cost.status == "unbounded" and cost.extra_spending.mean < 0
    for lang, claim, hedge in (("en", "costs less and isolates fewer people", "too uncertain"),
                               ("fr", "coûte moins cher et isole moins", "trop incertaine")):
        html = build_report(s, b, lang, figures=False)
        assert claim not in html and hedge in html


def test_one_seed_paired_does_not_say_that_isolation_fell(tmp_path):
    """A single pair has no interval: the summary gives the difference without a direction."""
    s, b = _pair(tmp_path, [0.30], [0.10], seeds=[0])
    for lang, claim, neutral in (("en", "living alone fell", "no telling whether it fell"),
                                 ("fr", "a baissé :", "rien ne dit qu’il a baissé")):
        html = build_report(s, b, lang, figures=False)
        assert claim not in html and neutral in html


def test_one_seed_paired_gives_the_other_differences_without_an_interval(tmp_path):
    """Loneliness, empowerment, the equity gap and emergency visits: the difference, and no '95% CI – to –'."""
    s, b = _pair(tmp_path, [0.30], [0.10], seeds=[0])
    for lang, ci, none in (("en", "95% CI", "with no confidence interval from 1 seed paired"),
                           ("fr", "IC à 95", "sans intervalle de confiance avec 1 graine appariée")):
        html = build_report(s, b, lang, figures=False)
        summary = html.split("<div class='summary'>")[1].split("</div>")[0]
        assert ci not in summary and "– to –" not in summary and "– à –" not in summary
        others = re.sub(r"<p>(Left behind|Laissés pour compte).*?</p>", "", summary)   # one clause a group
        assert others.count(none) == 4   # loneliness, empowerment, gap, emergency visits


def test_one_seed_paired_cost_sentence_says_there_is_no_interval(tmp_path):
    """From one pair the cost has no interval at all: not 'too uncertain to bound', and no claim of fewer isolated."""
    for extra, said in ((50_000.0, "a year per person no longer isolated; from 1 seed paired there is no interval"),
                        (-50_000.0, "from 1 seed paired there is no interval to tell whether the scenario isolates")):
        s, b = _pair(tmp_path / str(extra), [0.30], [0.10], [{"isolated_count": 100.0, "spending_total": 1e5}],
                     [{"isolated_count": 90.0, "spending_total": 1e5 + extra}], seeds=[0])
        summary = build_report(s, b, "en", figures=False).split("<div class='summary'>")[1].split("</div>")[0]
        assert said in summary
        assert "too uncertain" not in summary and "costs less and isolates fewer people" not in summary
        assert "il n’y a pas d’intervalle" in build_report(s, b, "fr", figures=False)


def test_a_single_run_gap_is_not_said_to_be_averaged(tmp_path):
    s, _ = _pair(tmp_path, [0.30], [0.10], seeds=[0])
    for lang, averaged in (("en", "then averaged"), ("fr", "puis moyenné")):
        summary = build_report(s, None, lang, figures=False).split("<div class='summary'>")[1].split("</div>")[0]
        assert averaged not in summary and ("isolation gap" in summary or "écart d’isolement" in summary)
    s5, _ = _pair(tmp_path / "five", [0.3] * 5, [0.1] * 5)
    assert "then averaged" in build_report(s5, None, "en", figures=False)


def test_cost_interval_is_unbounded_when_the_reduction_is_unclear():
    scen = pd.DataFrame({"seed": range(4), "spending_total": 1e5, "isolated_count": [99.0, 101.5, 98.0, 101.0]})
    base = pd.DataFrame({"seed": range(4), "spending_total": 0.0, "isolated_count": 100.0})
    cost = cost_per_person_no_longer_isolated(scen, base)
    assert cost.fewer_isolated.mean > 0
    assert cost.status == "unbounded" and math.isinf(cost.high)


def test_summarise_and_weekly_bands(tmp_path):
    write_replications(tmp_path / "runs", range(4), "demo", effect=0.5, weeks=30)
    res = load(tmp_path / "runs")
    assert res.kind == "replications" and res.seeds == [0, 1, 2, 3] and res.complete
    table = summarise(res).set_index("outcome")
    values = res.summary["isolated_share_65_alone"]
    assert table.loc["isolated_share_65_alone", "mean"] == pytest.approx(values.mean())
    assert table.loc["isolated_share_65_alone", "n"] == 4
    bands = weekly_bands(res, ["isolated_share_65_alone"])
    assert len(bands) == 31 and (bands["low"] <= bands["mean"]).all() and (bands["mean"] <= bands["high"]).all()


def test_load_errors_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="no such folder"):
        load(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="not a run folder"):
        load(tmp_path / "empty")
    final = plausible_final(np.random.default_rng(1))
    write_run(tmp_path / "mixed" / "a", 0, final, "one")
    write_run(tmp_path / "mixed" / "b", 1, final, "two")
    with pytest.raises(UserError, match="mix scenarios"):
        load(tmp_path / "mixed")
    write_run(tmp_path / "dup" / "a", 3, final, "one")
    write_run(tmp_path / "dup" / "b", 3, final, "one")
    with pytest.raises(UserError, match="seed 3"):
        load(tmp_path / "dup")


def test_runs_of_an_edited_scenario_are_not_replications(tmp_path):
    """A scenario file edited between runs keeps its name: the recorded parameters tell the runs apart."""
    final = plausible_final(np.random.default_rng(1))
    for seed, patients in ((0, 400), (1, 400), (2, 200)):
        folder = write_run(tmp_path / "mine" / f"seed{seed}", seed, final, "mine")
        (folder / "scenario.yaml").write_text(f"# seed: {seed}\nname: mine\ntitle: run {seed}\n"
                                              f"population: {{n_patients: {patients}, share_65plus: 0.2}}\n")
    with pytest.raises(UserError, match="mix parameter sets.*'seed2' differs from 'seed0' at 'population.n_patients'"):
        load(tmp_path / "mine")
    (tmp_path / "mine" / "seed2" / "scenario.yaml").write_text(
        "name: mine\ntitle: another title\npopulation: {n_patients: 400, share_65plus: 0.2}\n")
    assert load(tmp_path / "mine").seeds == [0, 1, 2]   # titles and seeds may differ


def test_incompatible_baselines_are_refused(tmp_path):
    write_replications(tmp_path / "a", range(3), "a", weeks=104)
    write_replications(tmp_path / "b", range(3), "b", weeks=52)
    write_replications(tmp_path / "c", range(10, 13), "c", weeks=104)
    with pytest.raises(UserError, match="horizon"):
        compare(load(tmp_path / "a"), load(tmp_path / "b"))
    with pytest.raises(UserError, match="no seed in common"):
        compare(load(tmp_path / "a"), load(tmp_path / "c"))


def test_an_incomplete_set_of_runs_is_reported(tmp_path):
    write_replications(tmp_path / "runs", range(3), "demo")
    crashed = tmp_path / "runs" / "demo-seed3"
    crashed.mkdir()
    (crashed / "scenario.yaml").write_text("seed: 3\n")
    res = load(tmp_path / "runs")
    assert res.completeness_note() == {"expected": 4, "completed": 3, "failed": 1, "missing": 0}
    html = build_report(res, None, "en", figures=False)
    assert "Incomplete results" in html and "3 of 4 runs completed" in html


def test_cli_reports_bad_input_with_exit_status_2(tmp_path, capsys):
    from sim.cli import main

    assert main(["report", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "no such folder" in err and "Traceback" not in err
    write_replications(tmp_path / "a", range(2), "a")
    write_replications(tmp_path / "c", range(5, 7), "c")
    assert main(["report", str(tmp_path / "a"), "--baseline", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "incompatible baseline" in err and "key '--baseline'" in err
    assert main(["report", str(tmp_path / "a"), "--baseline", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err   # the option is named, not only a folder
    assert "key '--baseline'" in err and "found no such folder" in err
    assert main(["report", str(tmp_path / "a"), "--lang", "de"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_partner_turnover_is_the_share_of_partners_who_left_over_the_year(tmp_path):
    left, roster = (2.0, 3.0, 4.0, 5.0), (10.0, 10.0, 16.0, 20.0)  # shares 0.2, 0.3, 0.25, 0.25
    base = [{"partners_left": 0.0, "partners_total": 0.0}] * 4  # no partners: turnover is undefined, not 0%
    scen = [{"partners_left": a, "partners_total": b} for a, b in zip(left, roster)]
    s, b = _pair(tmp_path, np.full(4, .3), np.full(4, .2), base, scen, seeds=range(4))
    table = summarise(s).set_index("outcome")
    shares = np.array(left) / np.array(roster)
    ci = mean_ci(shares)
    assert table.loc["partner_turnover_share", "mean"] == pytest.approx(0.25)
    assert table.loc["partner_turnover_share", ["low", "high"]].tolist() == pytest.approx([ci.low, ci.high])
    assert b.summary["partner_turnover_share"].isna().all()
    assert compare(s, b).row("partner_turnover_share")["scenario"] == pytest.approx(0.25)
    html = build_report(s, b, "en", figures=False)
    assert ('Partner turnover: the partners who left over the final year number <span class="num" '
            'data-value="0.25">25.0%</span> of the partners on the roster') in html


def test_a_turnover_above_100_percent_keeps_its_interval_around_it(tmp_path):
    """A small roster can turn over more than once a year (3 partners left, 1.5 on the roster on
    average: 200%). The turnover and its interval are shown as they are, the interval from 0 but not
    cut at 100% as a share's is: cut, the mean lay outside its own interval."""
    left, roster = (3.0, 4.0, 2.0, 3.0), (1.5, 1.6, 1.0, 1.2)
    scen = [{"partners_left": a, "partners_total": b} for a, b in zip(left, roster)]
    s, b = _pair(tmp_path, np.full(4, .3), np.full(4, .2), scen, scen, seeds=range(4))
    rates = np.array(left) / np.array(roster)
    ci = mean_ci(rates)
    assert ci.high > ci.mean > 1.0 > 0.0 < ci.low   # a case where cutting at 100% would show
    for lang, number in (("en", lambda v: f"{100 * v:.1f}%"), ("fr", lambda v: f"{100 * v:.1f}".replace(".", ",") + "\u202f%")):
        html = build_report(s, None, lang, figures=False)
        text = re.sub("<[^>]+>", "", html)
        for value in (ci.mean, ci.low, ci.high):
            assert number(value) in text, (lang, number(value))
        assert number(1.0) not in text, lang


def test_n_of_an_outcome_the_baseline_lacks_gives_the_runs_on_each_side(tmp_path):
    """A baseline without partners has no share of partners who left: 0 seeds paired, but the
    scenario's value comes from its 3 runs, and the table says so rather than a bare 'n = 0'."""
    base = [{"partners_left": 0.0, "partners_total": 0.0}] * 3
    scen = [{"partners_left": 2.0, "partners_total": 10.0}] * 3
    s, b = _pair(tmp_path, np.full(3, .3), np.full(3, .2), base, scen, seeds=range(3))
    for lang, head, cell in (("en", "n (seeds paired)", "0 (scenario 3, baseline 0)"),
                             ("fr", "n (graines appariées)", "0 (scénario 3, référence 0)")):
        html = build_report(s, b, lang, figures=False)
        table = html.split("<table>")[1].split("</table>")[0]
        label = htmllib.escape(outcome_label(lang, "partner_turnover_share"))
        row = next(r for r in table.split("<tr>") if f"<td>{label}</td>" in r)
        assert f"<th>{head}</th>" in table
        assert row.endswith(f"<td>{cell}</td></tr>"), row
        assert "runs with a value on each side" in html or "simulations qui en ont une de chaque côté" in html


def test_report_out_inside_a_file_names_the_file_in_the_way(tmp_path, capsys):
    from sim.cli import main

    write_replications(tmp_path / "a", range(2), "a")
    blocker = tmp_path / "somefile"
    blocker.write_text("not a folder")
    for out in (blocker / "x.html", blocker / "sub" / "x.html"):
        assert main(["report", str(tmp_path / "a"), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert "key '--out'" in err and "File exists" not in err and "Not a directory" not in err
        assert f"expected a folder at {blocker} to hold the report; found a file" in err


def test_a_difference_of_zero_in_every_pair_reads_as_no_difference(tmp_path):
    """A scenario whose 65+ living alone are exactly as isolated as the baseline's in every paired seed
    (a check of a set-up against itself) reads "no difference", not "not clear (95% CI 0.0 to 0.0)"."""
    s, b = _pair(tmp_path, np.full(4, .3), np.full(4, .3), seeds=range(4))
    row = compare(s, b).row("isolated_share_65_alone")
    assert row["difference"] == row["difference_low"] == row["difference_high"] == 0
    en = re.sub("<[^>]+>", "", build_report(s, b, "en", figures=False))
    fr = re.sub("<[^>]+>", "", build_report(s, b, "fr", figures=False))
    assert "no difference, the same in every pair of runs (4 seeds paired)" in en and "not clear" not in en
    assert "aucune différence, le même dans chaque paire de simulations (4 graines appariées)" in fr


def test_equal_differences_up_to_rounding_give_p_0_as_documented():
    """Every seed 0.1 higher, as floats store it (0.3 − 0.2 is not 0.4 − 0.3): the spread is rounding
    error, and the p-value is 0 as for exactly equal differences (it was 1e-32 from a t-test on it);
    a real spread, however small next to the mean, still gets a t-test."""
    from analysis.stats import paired_difference

    base = pd.Series([0.2, 0.3, 0.5, 0.7], index=[1, 2, 3, 4])
    scen = pd.Series([0.3, 0.4, 0.6, 0.8], index=[1, 2, 3, 4])
    assert (scen - base).std(ddof=1) > 0            # the rounding this is about
    assert paired_difference(scen, base).p_value == 0.0
    assert paired_difference(base, base).p_value == 1.0
    spread = paired_difference(scen + pd.Series([0, 1e-6, 0, 0], index=[1, 2, 3, 4]), base).p_value
    assert 0 < spread < 1e-6
