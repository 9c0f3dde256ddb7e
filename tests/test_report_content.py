"""What the report says, on synthetic results with known answers: the best design point's wording,
the sections of a sweep report, when "paired by seed" is said, retention, the equity gap, plurals,
refusals, and French wording and typography."""

from __future__ import annotations

import html as htmllib
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import analyse, compare, load
from analysis import plots
from analysis.i18n import GROUP_LABELS, GROUP_PHRASES, TEXT, group_label, group_phrase
from analysis.report import build_report
from analysis.synthetic import plausible_final, write_replications, write_run, write_sweep
from sim.errors import UserError

HEADLINE = "isolated_share_65_alone"
SEEDS = (1000, 1001, 1002)  # the seeds write_sweep gives replications 0, 1, 2
PAIRED = "so both scenarios met the same random events"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    return load(write_replications(tmp_path_factory.mktemp("base"), SEEDS, "hospital-baseline", effect=0.0))


def _sweep_against(folder, baseline, shift, replications=3):
    """A two-point factorial sweep (``funding.a`` = 1, 2) whose isolation is the baseline's, seed by seed,
    plus ``shift(point, replication)``; every other outcome is plausible and the same at both points."""
    base = baseline.summary.set_index("seed")
    design = pd.DataFrame({"point": [0, 1], "funding.a": [1, 2]})
    rows = []
    for p in range(2):
        for r in range(replications):
            final = plausible_final(np.random.default_rng([0, SEEDS[r]]), 0.5)
            final[HEADLINE] = float(base.loc[SEEDS[r], HEADLINE] + shift(p, r))
            rows.append({"point": p, "replication": r, "seed": SEEDS[r], **final})
    return load(write_sweep(folder, design, pd.DataFrame(rows), {"design": "full_factorial", "replications": replications}))


def _text(page: str) -> str:
    """The report's visible text (tags removed, entities decoded)."""
    return htmllib.unescape(re.sub(r"<[^>]+>", "", page))


def test_best_point_sentence_says_whether_any_point_reduces_isolation(tmp_path, baseline):
    worse = _sweep_against(tmp_path / "worse", baseline, lambda p, r: 0.05 + 0.01 * p + 0.002 * r)
    text = _text(build_report(worse, baseline, "en", figures=False))
    assert "no design point lowers isolation among people 65+ living alone: even the best, point 0, does not " \
           "(difference +5.2 percentage points, 95% CI" in text
    assert "lowers isolation among people 65+ living alone most" not in text
    assert "aucun point du plan ne réduit l’isolement" in _text(build_report(worse, baseline, "fr", figures=False))

    unclear = _sweep_against(tmp_path / "unclear", baseline, lambda p, r: [-0.05, 0.04, -0.02][r] if p == 0 else 0.03)
    text = _text(build_report(unclear, baseline, "en", figures=False))
    assert "point 0 lowers isolation among people 65+ living alone most (−1.0 percentage point), but not clearly" in text

    clear = _sweep_against(tmp_path / "clear", baseline, lambda p, r: -0.02 - 0.03 * p + 0.001 * r)
    text = _text(build_report(clear, baseline, "en", figures=False))
    assert "the design point that lowers isolation among people 65+ living alone most is point 1 " \
           "(−4.9 percentage points, 95% CI" in text


def test_sweep_report_breaks_the_best_point_down_by_group_and_spending(tmp_path, baseline):
    sweep = _sweep_against(tmp_path / "sweep", baseline, lambda p, r: -0.02 - 0.03 * p + 0.001 * r)
    page = build_report(sweep, baseline, "en", figures=False)
    text = _text(page)
    assert "For whom: isolation by group — design point 1 (the best on this outcome)" in text
    assert "Spending and cost-effectiveness — design point 1 (the best on this outcome)" in text
    assert "<td>Cultural communities</td>" in page and "At what cost: in the final year, spending is" in text
    assert "<td>Single parents</td>" in page and "<td>65+ living alone</td>" in page   # table rows start capitalised
    assert "computed within each run (most minus least isolated equity group)" in text
    assert PAIRED in text  # the sweep was compared with the baseline, paired by seed
    alone = _text(build_report(sweep, None, "en", figures=False))
    assert "For whom: isolation by group — design point" in alone and PAIRED not in alone
    assert "How sure: intervals are 95% confidence intervals" in alone


def test_cost_sentence_says_its_spending_is_the_final_years(tmp_path, baseline):
    """The extra spending in 'At what cost' is the final year's: where funding changes over the run (a start-up
    grant that ends) it is not what the scenario costs every year, so the sentence says 'in the final year'
    (it said '$X a year more than the baseline')."""
    scen = load(write_replications(tmp_path / "scen", SEEDS, "centre-sud", effect=0.8))
    for lang, said, unsaid in (("en", "At what cost: in the final year, spending is ", "a year more than the baseline"),
                               ("fr", "la dernière année, les dépenses dépassent de ",
                                "par an celles de la référence")):
        summary = _text(build_report(scen, baseline, lang, figures=False).split("<div class='summary'>")[1]
                        .split("</div>")[0])
        assert said in summary and unsaid not in summary, lang
    for key in (k for k in TEXT["en"] if k.startswith("s_cost_")):
        for lang, words in (("en", "in the final year"), ("fr", "la dernière année")):
            assert words in TEXT[lang][key] and " a year more" not in TEXT[lang][key], (lang, key)


def _runs_spending(folder, weekly_spending) -> "pd.Series":
    """Replications whose weekly spending is ``weekly_spending(seed, week)``; returns each run's total."""
    totals = {}
    for seed in SEEDS:
        run = write_run(folder / f"s{seed}", seed, plausible_final(np.random.default_rng(seed), 0.5), weeks=104)
        weekly = pd.read_parquet(run / "outcomes.parquet")
        spent = np.array([0.0 if w == 0 else weekly_spending(seed, w) for w in weekly["week"]])
        weekly["spending_cumulative"] = spent.cumsum()
        weekly.to_parquet(run / "outcomes.parquet", index=False)
        totals[seed] = spent.sum()
    return pd.Series(totals)


def test_spending_section_gives_what_the_whole_run_cost_against_the_baseline(tmp_path):
    """The report's spending figures were the final year's only: a start-up grant that ended in year one was
    in no figure. The spending section now gives the whole run's total, paired with the baseline's."""
    scen = _runs_spending(tmp_path / "scen", lambda seed, w: (2_000.0 if w <= 52 else 500.0) + seed % 10)
    base = _runs_spending(tmp_path / "base", lambda seed, w: 100.0)
    page = _text(build_report(load(tmp_path / "scen"), load(tmp_path / "base"), "en", figures=False))
    total, against = f"${scen.mean():,.0f}", f"${base.mean():,.0f}"
    diff = f"+${(scen - base).mean():,.0f}"
    assert (f"Over the whole run (104 weeks), spending totals {total} on average, against {against} in the "
            f"baseline (difference {diff}, 95% CI ") in page
    fr = _text(build_report(load(tmp_path / "scen"), None, "fr", figures=False)).replace("\u202f", " ")
    french_total = f"{scen.mean():,.0f}".replace(",", " ")
    assert f"Sur toute la durée (104 semaines), les dépenses totalisent {french_total} $ en moyenne." in fr


def test_a_single_runs_whole_run_spending_is_not_called_an_average(tmp_path):
    """One run (or one seed paired with the baseline) has a total, not an average."""
    scen = _runs_spending(tmp_path / "scen", lambda seed, w: 1_000.0 + seed)
    only = tmp_path / "scen" / f"s{SEEDS[0]}"
    page = _text(build_report(load(only), None, "en", figures=False))
    assert f"Over the whole run (104 weeks), spending totals ${scen[SEEDS[0]]:,.0f}." in page
    fr = _text(build_report(load(only), None, "fr", figures=False)).replace("\u202f", " ")
    assert f"les dépenses totalisent {scen[SEEDS[0]]:,.0f} $.".replace(",", " ") in fr and "en moyenne" not in fr


def test_the_summary_names_the_groups_left_behind(tmp_path, baseline):
    """'Who was left behind': the summary named only the most isolated equity group, not the groups whose
    isolation did not fall with the programme; it now lists those, each with its paired difference."""
    base = baseline.summary.set_index("seed")
    for seed in SEEDS:
        final = plausible_final(np.random.default_rng([0, seed]), 0.8)
        final["isolated_share_group_lgbti"] = float(base.loc[seed, "isolated_share_group_lgbti"] + 0.02)
        write_run(tmp_path / "scen" / f"s{seed}", seed, final)
    scen = load(tmp_path / "scen")
    summary = lambda lang: _text(build_report(scen, baseline, lang, figures=False)   # noqa: E731
                                 .split("<div class='summary'>")[1].split("</div>")[0])
    en, fr = summary("en"), summary("fr").replace("\u202f", " ")
    behind_en = en.split("Left behind: on average, isolation did not fall for ")[1].split(").")[0]
    behind_fr = fr.split("Laissés pour compte : en moyenne, l’isolement n’a pas baissé pour ")[1].split(").")[0]
    assert "LGBTI+ people (difference +2.0 percentage points, 95% CI +2.0 to +2.0" in behind_en
    assert "les personnes LGBTI+ (différence +2,0 points de pourcentage" in behind_fr
    # the groups whose isolation fell are not named
    assert group_phrase("en", "group_majority") not in behind_en and group_phrase("en", "65_alone") not in behind_en
    for seed in SEEDS:   # isolation down by 1 point in every group
        final = plausible_final(np.random.default_rng([0, seed]), 0.0)
        final.update({c: float(base.loc[seed, c] - 0.01) for c in base.columns if c.startswith("isolated_share_")})
        write_run(tmp_path / "all" / f"s{seed}", seed, final)
    everyone = _text(build_report(load(tmp_path / "all"), baseline, "en", figures=False))
    assert "Left behind: none of the groups below; on average, isolation fell in each of them." in everyone


def test_paired_by_seed_is_said_only_for_a_paired_comparison(tmp_path, baseline):
    scen = load(write_replications(tmp_path / "scen", SEEDS, "centre-sud", effect=0.8))
    alone = _text(build_report(scen, None, "en", figures=False))
    assert PAIRED not in alone and "How sure: intervals are 95% confidence intervals" in alone
    assert PAIRED in _text(build_report(scen, baseline, "en", figures=False))


def test_notes_of_a_single_run_fit_what_was_run(tmp_path, baseline):
    """One run: no 'mean across replications', no pairing by seed, no SALib in the notes; those come back
    where replications, a baseline or a Sobol/Morris sweep are there."""
    one = load(write_replications(tmp_path / "one", [SEEDS[0]], "centre-sud", effect=0.8) / f"centre-sud-seed{SEEDS[0]}")
    for lang, said in (("en", ("Student’s t across replications", "mean across replications", "paired by seed",
                               "Fieller", "SALib", "from run to run")),
                       ("fr", ("(loi de Student) entre réplications", "moyenne des réplications", "appariés par graine",
                               "Fieller", "SALib", "d’une simulation à l’autre"))):
        text = _text(build_report(one, None, lang, figures=False))
        for words in said:
            assert words not in text, (lang, words)
        assert ("weekly values of the single run" if lang == "en" else "l’unique simulation") in text
        assert ("With a single run (one seed), there is no confidence interval" if lang == "en"
                else "Avec une seule simulation (une graine), il n’y a pas d’intervalle de confiance") in text
    scen = load(write_replications(tmp_path / "scen", SEEDS, "centre-sud", effect=0.8))
    text = _text(build_report(scen, baseline, "en", figures=False))
    for words in ("Student’s t across replications", "mean across replications", "paired by seed", "Fieller",
                  "from run to run"):
        assert words in text, words
    assert "SALib" not in text


def test_a_baseline_that_is_the_scenario_folder_is_refused(tmp_path, capsys):
    from sim.cli import main

    folder = write_replications(tmp_path / "same", range(3), "centre-sud")
    with pytest.raises(UserError, match="the baseline is the same folder as the scenario"):
        compare(load(folder), load(tmp_path / "same" / ".." / "same"))
    assert main(["report", str(folder), "--baseline", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "same folder" in err and "Traceback" not in err


def test_equity_gap_is_explained_and_its_interval_stops_at_zero(tmp_path):
    for seed, gap in zip(range(3), (0.0, 0.0, 0.03)):  # mean 1 point, a t interval reaching −3.3 points
        write_run(tmp_path / "runs" / f"s{seed}", seed, {**plausible_final(np.random.default_rng(seed), 0.5),
                                                       "isolation_gap_groups": gap}, "centre-sud")
    page = build_report(load(tmp_path / "runs"), None, "en", figures=False)
    row = re.search(r"<tr><td>Isolation gap between equity groups</td>(.*?)</tr>", page).group(1)
    values = [float(v) for v in re.findall(r'data-value="([^"]+)"', row)]
    assert values[0] == pytest.approx(0.01) and values[1] == 0.0 and values[2] > 0.03
    assert "(computed within each run, then averaged) is 1.0 percentage point" in _text(page)


def test_best_point_from_one_replication_has_no_interval_to_tell(tmp_path, baseline):
    """One replication per point: the best point's difference, without '95% CI – to –' and without 'clearly'."""
    one = _sweep_against(tmp_path / "one", baseline, lambda p, r: -0.01 - 0.02 * p, replications=1)
    for lang, said in (("en", "point 1 lowers isolation among people 65+ living alone most (difference −3.0 percentage "
                              "points, with no confidence interval from 1 seed paired): without an interval"),
                       ("fr", "sans intervalle de confiance avec 1 graine appariée)\u202f: sans intervalle, on ne peut pas")):
        summary = _text(build_report(one, baseline, lang, figures=False).split("<div class='summary'>")[1].split("</div>")[0])
        assert said in summary, summary
        assert "– to –" not in summary and "– à –" not in summary and "is point 1" not in summary


def test_plurals_and_small_samples(tmp_path, baseline):
    one = _sweep_against(tmp_path / "one", baseline, lambda p, r: -0.01 * p, replications=1)
    text = _text(build_report(one, None, "en", figures=False))
    assert "Sweep of 2 design points × 1 replication, design" in text
    assert "This sweep varied 1 parameter over 2 design points" in text
    assert not re.search(r"\b1 (replications|parameters|seeds)\b", text)
    two = _sweep_against(tmp_path / "two", baseline, lambda p, r: -0.01 * p, replications=2)
    points = _text(re.search(r"<h2>Design points</h2>(.*?)</table>", build_report(two, None, "en", figures=False)).group(1))
    assert points.count("n too small for a CI") == 2 and "0.0% to 100.0%" not in points


def test_main_effect_panels_show_design_levels_as_categories(tmp_path, baseline):
    sweep = _sweep_against(tmp_path / "sweep", baseline, lambda p, r: -0.01 * p)
    table = analyse(sweep, HEADLINE).table
    assert not table["binned"].any()
    fig = plots.main_effect_grid(table, ["funding.a"], {"title": "t"}, "en")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2"]
    assert list(ax.get_xticks()) == [0, 1]


def test_french_wording_and_typography(tmp_path, baseline):
    scen = load(write_replications(tmp_path / "scen", SEEDS, "centre-sud", effect=0.8))
    fr = _text(build_report(scen, baseline, "fr", figures=False))
    assert "vivant seules a baissé\u202f: il est passé de " in fr and "a baissé de" not in fr
    assert "points de pourcentage" in fr and "pts" not in fr
    alone = _text(build_report(scen, None, "fr", figures=False))
    assert "a baissé, passant de " in alone
    bad = re.compile(r" [:;!?%»]|« ")  # an ordinary space where French wants a no-break one
    assert not bad.search(fr) and not bad.search(alone)
    assert [k for k, v in TEXT["fr"].items() if bad.search(v)] == []
    # the tornado's legend and its note use the same words
    assert "la plus basse" in TEXT["fr"]["main_low"] and "la plus basse" in TEXT["fr"]["sens_note_main"]
    en = _text(build_report(scen, baseline, "en", figures=False))
    assert "percentage points (95% CI" in en


def test_a_sweep_report_on_spending_itself_compares_each_outcome_once(tmp_path, baseline):
    """Asking for the best point on spending (or on the isolated count) does not list it twice."""
    sweep = _sweep_against(tmp_path / "sweep", baseline, lambda p, r: -0.02 - 0.03 * p + 0.001 * r)
    for outcome in ("spending_total", "isolated_count"):
        assert "design point" in _text(build_report(sweep, baseline, "en", figures=False, outcome=outcome))
    table = compare(sweep.select(0), baseline, ["spending_total", "spending_total", "isolated_count"]).table
    assert list(table["outcome"]) == ["spending_total", "isolated_count"]


def test_two_runs_give_no_interval_for_a_share_in_the_summary(tmp_path):
    """A share's 95% interval needs 3 runs: the plain-language summary follows the tables' rule."""
    two = _text(build_report(load(write_replications(tmp_path / "two", range(2), "centre-sud", effect=0.5)),
                             None, "en", figures=False))
    assert "Isolation among people 65+ living alone went from" in two
    assert "replications)" not in two.split("Isolation among people 65+ living alone")[1].split(".")[0]
    three = _text(build_report(load(write_replications(tmp_path / "three", range(3), "centre-sud", effect=0.5)),
                               None, "en", figures=False))
    assert "(95% CI" in three.split("Isolation among people 65+ living alone")[1].split("final year")[1][:30]


def test_a_misspelt_outcome_names_the_nearest_one(tmp_path, capsys):
    from sim.cli import main

    folder = write_replications(tmp_path / "runs", range(3), "centre-sud")
    assert main(["report", str(folder), "--outcome", "isolated_share_65alone"]) == 2
    err = capsys.readouterr().err
    assert "key '--outcome'" in err and "no outcome 'isolated_share_65alone'" in err
    assert "did you mean 'isolated_share_65_alone'?" in err and "Traceback" not in err


def _graded_sweep(tmp_path, n_points: int, replications: int):
    """A synthetic full-factorial sweep whose programme effect grows with the point number."""
    rng = np.random.default_rng(5)
    design = pd.DataFrame({"point": range(n_points), "ties.contact_probability": np.linspace(0.1, 0.4, n_points)})
    rows = [{"point": p, "replication": r, "seed": 1000 + r, **plausible_final(rng, effect=0.1 * p)}
            for p in range(n_points) for r in range(replications)]
    return load(write_sweep(tmp_path / "s", design, pd.DataFrame(rows),
                            {"design": "full_factorial", "replications": replications}))


@pytest.mark.parametrize("n_points, warned", [(9, False), (12, True)])
def test_the_best_of_many_design_points_comes_with_the_winners_curse(tmp_path, n_points, warned):
    """The report named the best of 1,024 points of 3 replications as the best, with no word that picking the
    best of many noisy estimates overstates it."""
    sweep = _graded_sweep(tmp_path, n_points, replications=2)
    for lang, words in (("en", "winner’s curse"), ("fr", "malédiction du gagnant")):
        text = build_report(sweep, None, lang)
        assert (words in text) is warned
        if warned:
            assert re.search(r"(Point|Le point) \d+ (is the best of|est le meilleur de) 12 ", text)


def test_the_winners_curse_counts_the_replications_each_point_was_estimated_from_in_an_incomplete_sweep(tmp_path):
    """A sweep of 2 replications stopped half-way: its points had 1 or 2 finished runs, but the summary said
    'each estimated from 2 replications' (the design's count, not the runs behind the means)."""
    rng = np.random.default_rng(5)
    design = pd.DataFrame({"point": range(12), "ties.contact_probability": np.linspace(0.1, 0.4, 12)})
    rows = [{"point": p, "replication": r, "seed": 1000 + r, **plausible_final(rng, effect=0.1 * p)}
            for p in range(12) for r in range(2) if r == 0 or p % 2]
    sweep = load(write_sweep(tmp_path / "s", design, pd.DataFrame(rows),
                             {"design": "full_factorial", "replications": 2}))
    for lang, words in (("en", "each estimated from 1 to 2 replications"), ("fr", "chacun estimé sur 1 à 2 réplications")):
        assert words in _text(build_report(sweep, None, lang, figures=False))
    complete = _graded_sweep(tmp_path / "c", 12, replications=2)
    assert "each estimated from 2 replications" in _text(build_report(complete, None, "en", figures=False))


def test_the_design_points_table_lists_the_best_points_of_an_outcome_where_higher_is_better(tmp_path):
    """On an outcome where higher is better (empowerment), the table of design points listed the 12 lowest,
    the worst, leaving out the point the report names as the best and breaks down below it."""
    sweep = _graded_sweep(tmp_path, 15, replications=3)
    for lang, words in (("en", "Design points with the highest"), ("fr", "est la plus haute")):
        page = build_report(sweep, None, lang, figures=False, outcome="empowerment_index")
        assert words in _text(page)
        points = re.findall(r"<tr><td>(\d+)</td>", page.split("<h2>" + TEXT[lang]["points_h"])[1])
        assert points[:3] == ["14", "13", "11"] and len(points) == 12   # the highest means first, point 14 the best
    page = build_report(sweep, None, "en", figures=False)   # isolation: lower is better, lowest first as before
    assert "Design points with the lowest" in _text(page)


def test_each_panel_over_time_is_titled_with_what_it_plots(tmp_path, monkeypatch):
    """The panel of ``patient_partners`` was titled "Partners" ("Partenaires"), while carer and citizen partners
    are not in it (and "Partners in burnout" next to it is over patient and carer partners)."""
    from analysis.i18n import OUTCOME_LABELS

    runs = load(write_replications(tmp_path / "runs", range(3), "centre-sud", effect=0.5))
    seen = {}
    monkeypatch.setattr(plots, "time_panels", lambda panels, *a, **k: seen.update({o: title for o, title, _ in panels})
                        or plots.Figure())
    for lang in ("en", "fr"):
        build_report(runs, None, lang)
        assert seen["patient_partners"] == OUTCOME_LABELS[lang]["patient_partners"]


def test_sentences_name_groups_as_a_sentence_does():
    """The summary named groups by their table label: « n’a pas baissé pour parents seuls », "did not fall for
    with a disability", "the most isolated group is majority". A sentence now names each group with its
    article (French) or as a noun phrase (English), and a scenario's own group as « le groupe « x » »."""
    assert group_phrase("fr", "single_parents") == "les parents seuls"
    assert group_phrase("fr", "group_majority") == "la majorité"
    assert group_phrase("en", "group_disability") == "people with a disability"
    assert group_phrase("en", "group_majority") == "the majority"
    assert group_phrase("fr", "group_unhoused") == "les personnes en situation d’itinérance"
    assert group_phrase("fr", "group_seniors_du_quartier") == "le groupe \u00ab\u202fseniors du quartier\u202f\u00bb"
    assert group_label("fr", "group_unhoused") != "unhoused"   # the homelessness preset's group, in French
    for lang in ("fr", "en"):   # every labelled group has a sentence form
        assert set(GROUP_LABELS[lang]) <= set(GROUP_PHRASES[lang])


def test_french_tick_labels_take_a_true_minus_sign():
    """French ticks wrote "-2" with a hyphen (English ticks, matplotlib's, and the report's text use "−")."""
    assert plots.tick_text(-2.5, "fr") == "\u22122,5"
    assert plots.tick_text(-12000, "fr", ",.0f") == "\u221212\u202f000"
    assert plots.tick_text(-12000, "en", ",.0f") == "\u221212,000"


def test_design_points_note_agrees_with_its_feminine_noun():
    """« où « Solitude… » est le plus bas » did not agree: the note now speaks of « la valeur », « la plus basse »."""
    text = TEXT["fr"]["points_note"].format(outcome="x", which=TEXT["fr"]["points_lowest"], shown=1, total=2)
    assert "la valeur de" in text and "la plus basse" in text


def test_the_summary_says_how_the_workforce_went_and_which_funding_ended(tmp_path):
    """A programme whose start-up grant ends (Centre-Sud, week 156): the summary gives the partners on
    the roster at their peak and in the final year, as the runs' outcomes have them, and names the grant."""
    from sim import load_scenario, scale_scenario
    from sim.runner import run_to_folder

    scenario = scale_scenario(load_scenario("centre-sud"), 1000)
    for seed in (1, 2):
        run_to_folder(scenario, seed, tmp_path / "runs" / f"s{seed}", years=4)
    results = load(tmp_path / "runs")
    partners = results.weekly.groupby("week")["partners_total"].mean()
    final = results.summary["partners_total"].mean()
    assert partners.max() > final    # the workforce shrank once the grant ended: a case worth telling
    text = _text(build_report(results, None, "en", figures=False))
    assert (f"Workforce: {partners.max():.1f} partners on the roster at the peak (week "
            f"{partners.idxmax()}) and {final:.1f} in the final year (means across runs). Funding that ended "
            "before the last week: “Start-up grant (Ville de Montréal / MESI)” (week 156).") in text
    french = _text(build_report(results, None, "fr", figures=False))
    assert f"au plus haut (semaine {partners.idxmax()})" in french and "«\u202fStart-up grant" in french

    single = _text(build_report(load(tmp_path / "runs" / "s1"), None, "en", figures=False))
    assert "at the peak" in single and "(means across runs)" not in single


def _workforce_sweep(folder, design, best: int, base: dict | None = None):
    """A two-point sweep with known rosters: at point ``p`` the partners peak at 30(p+1) (+ the
    replication) in week 1 and end at 10(p+1) (+ the replication); isolation is lowest at ``best``.
    ``base`` is written as the sweep's recorded base scenario."""
    rows, weekly = [], []
    for p in range(2):
        for r in range(2):
            final = plausible_final(np.random.default_rng([p, r]), 0.5)
            final[HEADLINE] = (0.20 if p == best else 0.30) + 0.01 * r
            final["partners_total"] = 10.0 * (p + 1) + r
            final["partner_turnover_share"] = 0.1 * (p + 1)
            rows.append({"point": p, "replication": r, "seed": SEEDS[r], **final})
            roster = [5.0, 30.0 * (p + 1) + r, 40.0 * p + 2 * r, final["partners_total"]]
            weekly.append(pd.DataFrame({"point": p, "replication": r, "seed": SEEDS[r], "week": range(4),
                                        "partners_total": roster}))
    path = write_sweep(folder, design, pd.DataFrame(rows), {"replications": 2}, weekly=pd.concat(weekly, ignore_index=True))
    if base is not None:
        (path / "base_scenario.yaml").write_text(yaml.safe_dump(base))
    return load(path)


def test_the_sweep_report_says_how_the_best_points_workforce_went(tmp_path):
    """The best design point's breakdown says, as the report on a scenario's runs does, whether it kept
    its partners: their turnover, and how many were on the roster at the peak and in the final year
    (that point's runs only; the sweep report left this out)."""
    sweep = _workforce_sweep(tmp_path / "sweep", pd.DataFrame({"point": [0, 1], "funding.a": [1, 2]}), best=1)
    text = _text(build_report(sweep, None, "en", figures=False))
    assert "design point 1 (the best on this outcome)" in text
    assert ("Workforce: 60.5 partners on the roster at the peak (week 1) and 20.5 in the final year "
            "(means across runs).") in text
    assert "Partner turnover: the partners who left over the final year number 20.0% of the partners" in text
    assert "31.0 partners" not in text and "10.5 in the final year" not in text   # point 0's figures
    french = _text(build_report(sweep, None, "fr", figures=False))
    assert "Effectifs\u202f: 60,5 partenaires au plus haut (semaine 1) et 20,5 la dernière année" in french


@pytest.mark.parametrize("best, ended", [(0, True), (1, False)])
def test_the_best_points_workforce_names_the_funding_that_ended_at_that_point(tmp_path, best, ended):
    """A sweep over when the start-up grant ends (week 2 or week 50 of a 3-week run): the best point's
    paragraph names the grant only where, at that point, it ended before the last week. A point's
    scenario is the sweep's base with the point's swept values (it was left unknown for any sweep)."""
    base = {"name": "base", "funding": {"currency": "CAD", "sources": [
        {"name": "Start-up grant", "end_week": 156}, {"name": "City", "end_week": None}]}}
    design = pd.DataFrame({"point": [0, 1], "funding.sources.0.end_week": [2, 50]})
    sweep = _workforce_sweep(tmp_path / "sweep", design, best=best, base=base)
    assert sweep.select(best).scenario_parameters["funding"]["sources"] == [
        {"name": "Start-up grant", "end_week": [2, 50][best]}, {"name": "City", "end_week": None}]
    assert sweep.scenario_parameters["funding"] == base["funding"]   # the base itself is left as recorded
    text = _text(build_report(sweep, None, "en", figures=False))
    assert f"design point {best} (the best on this outcome)" in text
    assert ("Funding that ended before the last week: “Start-up grant” (week 2)." in text) is ended
    assert ("Funding that ended" in text) is ended


@pytest.mark.parametrize("lang, peak, two_sources, says", [
    ("fr", 1, False, "Effectifs\u202f: 1,0 partenaire au plus haut (semaine 3) et 0,5 la dernière année. "
                     "Financement terminé avant la dernière semaine\u202f: «\u202fGrant\u202f» (semaine 5)."),
    ("fr", 3, True, "Effectifs\u202f: 3,0 partenaires au plus haut (semaine 3) et 0,5 la dernière année. "
                    "Financements terminés avant la dernière semaine\u202f: «\u202fGrant\u202f» (semaine 5)\u202f; "
                    "«\u202fOther\u202f» (semaine 6)."),
    ("en", 1, False, "Workforce: 1.0 partner on the roster at the peak (week 3) and 0.5 in the final year. "
                     "Funding that ended before the last week: “Grant” (week 5)."),
    ("en", 3, True, "Workforce: 3.0 partners on the roster at the peak (week 3) and 0.5 in the final year."),
])
def test_the_workforce_sentence_agrees_with_its_numbers(lang, peak, two_sources, says):
    """« les partenaires étaient 1,0 au plus haut », "the partners on the roster numbered 1.0": the
    sentence spoke of partners in the plural whatever their number, and of « Financements terminés »
    for a single source; the noun now agrees with the peak as shown and the heading with the sources."""
    from types import SimpleNamespace

    from analysis.report import _workforce_sentence, _Writer

    weekly = pd.DataFrame({"week": range(10), "partners_total": [0, 0, 0, peak, 0, 0, 0, 0, 0, 0]})
    sources = [{"name": "Grant", "end_week": 5}, {"name": "Later", "end_week": 20}, {"name": "Never", "end_week": None}]
    if two_sources:
        sources.append({"name": "Other", "end_week": 6})
    results = SimpleNamespace(weekly=weekly, summary=pd.DataFrame({"partners_total": [0.5]}),
                              scenario_parameters={"funding": {"sources": sources}})
    text = htmllib.unescape(re.sub("<[^>]+>", "", _workforce_sentence(_Writer(lang, False), results)))
    assert says in text
