"""French and English text for the report: labels, sentences and number formats.

Numbers are written the way each language writes them (``12.3%`` and ``$12,345`` in English,
``12,3 %`` and ``12 345 $`` in French) but always from the same value, so a French and an English
report differ in their words and never in their numbers. Amounts are in the scenario's currency
(``funding.currency``, see :mod:`sim.money`): ``€12,345`` and ``12 345 €`` for euros. French text follows French typography:
a narrow no-break space (U+202F) before ``:`` ``;`` ``!`` ``?`` ``%`` and inside ``« »``
(:func:`french_spacing`, applied to every French sentence when this module is imported).
"""

from __future__ import annotations

import math

from sim.money import with_currency

LANGS = ("fr", "en")
NNBSP = "\u202f"  # narrow no-break space: French thousands separator and before % and $
#: The kinds of outcome (:data:`analysis.stats.KEY_OUTCOMES`) shown in %, their differences in percentage points.
PERCENT_KINDS = ("share", "rate")
#: The kinds held as fractions and shown times 100: in % (:data:`PERCENT_KINDS`) or in percentage points.
TIMES_100 = (*PERCENT_KINDS, "points")

OUTCOME_LABELS = {
    "en": {
        "isolated_share_65_alone": "Isolated, 65+ living alone",
        "isolated_share_all": "Isolated, all residents",
        "isolated_share_65plus": "Isolated, 65+",
        "isolated_share_65_with_others": "Isolated, 65+ living with others",
        "isolated_share_single_parents": "Isolated, single parents",
        "isolated_share_65_women": "Isolated, women 65+",
        "isolated_share_65_men": "Isolated, men 65+",
        "lonely_share_65plus": "Lonely, 65+",
        "lonely_share_all": "Lonely, all residents",
        "loneliness_mean_all": "Mean loneliness (0–1)",
        "empowerment_index": "Empowerment index (0–1)",
        "competency_mean": "Patient competency (0–100)",
        "engagement_level_0_share": "Patients at engagement level 0 (not engaged)",
        "engagement_level_1_share": "Patients at engagement level 1 (partner in own care)",
        "engagement_level_2_share": "Patients at engagement level 2 (peer helper)",
        "engagement_level_3_share": "Patients at engagement level 3 (co-leader)",
        "recovery_mean": "Recovery (0–1)",
        "partner_burnout_share": "Partners in burnout",
        "partners_left": "Partners who left (a year)",
        "partner_turnover_share": "Partners who left over the year (% of partners)",
        "volunteer_turnover_share": "Volunteers who left over the year (% of volunteers)",
        "patient_partners": "Patient partners",
        "citizen_partners": "Citizen partners",
        "ed_visits": "Emergency visits (a year)",
        "admissions": "Hospital admissions (a year)",
        "spending_total": "Spending (a year)",
        "isolated_count": "Isolated residents",
        "isolation_gap_groups": "Isolation gap between equity groups",
        "loneliness_gap_groups": "Loneliness gap between equity groups",
        "spending_partner_compensation": "Partner compensation",
        "spending_organization_grants": "Grants to community organizations",
        "spending_training": "Training",
        "spending_coordination": "Coordination",
        "spending_supervision": "Supervision",
    },
    "fr": {
        "isolated_share_65_alone": "Isolement, 65 ans et plus vivant seuls",
        "isolated_share_all": "Isolement, ensemble des résidents",
        "isolated_share_65plus": "Isolement, 65 ans et plus",
        "isolated_share_65_with_others": "Isolement, 65 ans et plus vivant avec d’autres",
        "isolated_share_single_parents": "Isolement, parents seuls",
        "isolated_share_65_women": "Isolement, femmes de 65 ans et plus",
        "isolated_share_65_men": "Isolement, hommes de 65 ans et plus",
        "lonely_share_65plus": "Solitude, 65 ans et plus",
        "lonely_share_all": "Solitude, ensemble des résidents",
        "loneliness_mean_all": "Solitude moyenne (0–1)",
        "empowerment_index": "Indice de pouvoir d’agir (0–1)",
        "competency_mean": "Compétence des patients (0–100)",
        "engagement_level_0_share": "Patients au niveau d’engagement 0 (non engagés)",
        "engagement_level_1_share": "Patients au niveau d’engagement 1 (partenaires de leurs soins)",
        "engagement_level_2_share": "Patients au niveau d’engagement 2 (pairs aidants)",
        "engagement_level_3_share": "Patients au niveau d’engagement 3 (co-leaders)",
        "recovery_mean": "Rétablissement (0–1)",
        "partner_burnout_share": "Partenaires en épuisement",
        "partners_left": "Partenaires partis (par an)",
        "partner_turnover_share": "Partenaires partis en cours d’année (% des partenaires)",
        "volunteer_turnover_share": "Bénévoles partis en cours d’année (% des bénévoles)",
        "patient_partners": "Patients partenaires",
        "citizen_partners": "Citoyens partenaires",
        "ed_visits": "Visites aux urgences (par an)",
        "admissions": "Hospitalisations (par an)",
        "spending_total": "Dépenses (par an)",
        "isolated_count": "Résidents isolés",
        "isolation_gap_groups": "Écart d’isolement entre groupes d’équité",
        "loneliness_gap_groups": "Écart de solitude entre groupes d’équité",
        "spending_partner_compensation": "Rémunération des partenaires",
        "spending_organization_grants": "Subventions aux organismes communautaires",
        "spending_training": "Formation",
        "spending_coordination": "Coordination",
        "spending_supervision": "Supervision",
    },
}

GROUP_LABELS = {
    "en": {"65_alone": "65+ living alone", "65_with_others": "65+ living with others", "single_parents": "single parents",
           "65_women": "women 65+", "65_men": "men 65+", "all": "all residents", "65plus": "65+",
           "group_majority": "majority", "group_cultural_community": "cultural communities", "group_lgbti": "LGBTI+",
           "group_indigenous": "Indigenous people", "group_disability": "people with a disability", "group_newcomers": "newcomers", "group_unhoused": "unhoused people"},
    "fr": {"65_alone": "65 ans et plus vivant seuls", "65_with_others": "65 ans et plus vivant avec d’autres",
           "single_parents": "parents seuls", "65_women": "femmes de 65 ans et plus", "65_men": "hommes de 65 ans et plus",
           "all": "ensemble des résidents", "65plus": "65 ans et plus", "group_majority": "majorité",
           "group_cultural_community": "communautés culturelles", "group_lgbti": "LGBTI+",
           "group_indigenous": "Autochtones", "group_disability": "en situation de handicap",
           "group_newcomers": "personnes nouvellement arrivées",
           "group_unhoused": "personnes en situation d’itinérance"},
}

#: The groups as a sentence names them (« l’isolement n’a pas baissé pour les parents seuls », "the most
#: isolated group is the majority"): with their article in French, as a noun phrase in English. The
#: labels above name a table's rows and a chart's bars.
GROUP_PHRASES = {
    "en": {"65_alone": "people 65+ living alone", "65_with_others": "people 65+ living with others",
           "single_parents": "single parents", "65_women": "women 65+", "65_men": "men 65+",
           "all": "all residents", "65plus": "people 65+", "group_majority": "the majority",
           "group_cultural_community": "cultural communities", "group_lgbti": "LGBTI+ people",
           "group_indigenous": "Indigenous people", "group_disability": "people with a disability",
           "group_newcomers": "newcomers", "group_unhoused": "unhoused people"},
    "fr": {"65_alone": "les personnes de 65 ans et plus vivant seules",
           "65_with_others": "les personnes de 65 ans et plus vivant avec d’autres",
           "single_parents": "les parents seuls", "65_women": "les femmes de 65 ans et plus",
           "65_men": "les hommes de 65 ans et plus", "all": "l’ensemble des résidents",
           "65plus": "les personnes de 65 ans et plus", "group_majority": "la majorité",
           "group_cultural_community": "les communautés culturelles", "group_lgbti": "les personnes LGBTI+",
           "group_indigenous": "les Autochtones", "group_disability": "les personnes en situation de handicap",
           "group_newcomers": "les personnes nouvellement arrivées",
           "group_unhoused": "les personnes en situation d’itinérance"},
}

TEXT = {
    "en": {
        "title": "Caring community: report on {name}",
        "lang_other": "Version française",
        "generated": "Folder {path}. {what}.",
        "what_run": "One run (seed {seeds})",
        "what_replications": "{reps} (seeds {seeds})",
        "what_sweep": "Sweep of {points} × {reps}, design “{design}”",
        "baseline_line": "Compared with “{name}” ({path}), paired by seed over {seeds_n}.",
        "summary_h": "In short",
        "short_run": "These runs last {weeks} weeks, less than a year: the “final year” values cover those {weeks} weeks "
                     "only (events and spending “a year” are their totals over that time).",
        "other_community_h": "The baseline is another community",
        "other_community": "its parameters differ from the scenario’s at '{where}' (scenario {s}, baseline {b}). A "
                           "baseline is the same community without the programme: against another one, the "
                           "differences below mix the programme’s effect with the differences between the two "
                           "communities. Compare the scenario with itself without the programme (README, "
                           "“Reports and analysis”).",
        "incomplete_h": "Incomplete results",
        "incomplete": "{kind} is incomplete: {completed} of {expected} runs completed, {missing} missing and {failed} failed. "
                      "The averages below use only the completed runs; they are not the averages the design asked for.",
        "incomplete_kind_sweep": "This sweep",
        "incomplete_kind_runs": "This set of runs",
        "unpaired": "Seeds without a partner, left out of the paired comparison: {seeds}.",
        "residents_warning": "The scenario and the baseline do not have the same number of residents ({a} and {b}); "
                             "counts and spending are not directly comparable.",
        "single_run": "This is a single run: there is no confidence interval. Run several seeds (for example seeds 0 to 9) "
                      "to know how sure the numbers are.",
        # the summary paragraph
        "s_iso_base_fell": "Isolation among people 65+ living alone fell from {b} under “{bname}” to {s} with “{sname}” "
                           "in the final year, a difference of {d} (95% CI {lo} to {hi}, {pairs}).",
        "s_iso_base_rose": "Isolation among people 65+ living alone rose from {b} under “{bname}” to {s} with “{sname}” "
                           "in the final year, a difference of {d} (95% CI {lo} to {hi}, {pairs}).",
        "s_iso_base_unclear": "Isolation among people 65+ living alone was {s} with “{sname}” against {b} under “{bname}” "
                              "in the final year; the difference of {d} is not clear (95% CI {lo} to {hi} includes zero, "
                              "{pairs}).",
        "s_iso_base_same": "Isolation among people 65+ living alone was {s} with “{sname}” and {b} under “{bname}” in "
                           "the final year: no difference, the same in every pair of runs ({pairs}).",
        "s_iso_base_single": "Isolation among people 65+ living alone was {s} with “{sname}” against {b} under “{bname}” "
                             "in the final year, a difference of {d} ({pairs}: no confidence interval, so no telling "
                             "whether it fell).",
        "s_iso_time_fell": "Isolation among people 65+ living alone fell from {a} at the start to {s} in the final year "
                           "(95% CI {lo} to {hi}, {reps}).",
        "s_iso_time_rose": "Isolation among people 65+ living alone rose from {a} at the start to {s} in the final year "
                           "(95% CI {lo} to {hi}, {reps}).",
        "s_iso_time_flat": "Isolation among people 65+ living alone was {a} at the start and {s} in the final year "
                           "(95% CI {lo} to {hi}, {reps}).",
        "s_iso_time_single": "Isolation among people 65+ living alone went from {a} at the start to {s} in the final year.",
        "s_lonely": "Loneliness among people 65+ is {s}, against {b} under the baseline ({diff}).",
        "s_lonely_time": "{s} of people 65+ feel lonely in the final year.",
        "s_emp": "The patients’ empowerment index is {s} (baseline {b}; {diff}).",
        "s_emp_time": "The patients’ empowerment index is {s} in the final year.",
        "s_behind": "Left behind: on average, isolation did not fall for {groups}.",
        "list_sep": "; ",
        "s_behind_none": "Left behind: none of the groups below; on average, isolation fell in each of them.",
        "s_gap": "For whom: the isolation gap between the best- and worst-served equity groups{how} is {s} (baseline "
                 "{b}; {diff}); the most isolated group is {worst}.",
        "s_gap_time": "For whom: the isolation gap between the best- and worst-served equity groups{how} is {s} in "
                      "the final year; the most isolated group is {worst} ({worst_v}).",
        "gap_how_runs": " (computed within each run, then averaged)",
        "gap_how_run": "",
        "s_turnover": "Partner turnover: the partners who left over the final year number {s} of the partners on "
                      "the roster (95% CI {lo} to {hi}).",
        "s_turnover_no_ci": "Partner turnover: the partners who left over the final year number {s} of the partners "
                            "on the roster.",
        "s_workforce": "Workforce: {peak} {partners} on the roster at the peak (week {week}) and {final} in the final "
                       "year{how}.",
        "workforce_how_runs": " (means across runs)",
        "s_funding_ended": "Funding that ended before the last week: {sources}.",
        "s_funding_ended_one": "Funding that ended before the last week: {sources}.",
        "s_funding_source": "“{name}” (week {week})",
        "s_ed": "Emergency visits: {s} a year, against {b} under the baseline ({diff}).",
        # the difference in those sentences, with its interval or, from one seed paired, without one
        "diff_ci": "difference {d}, 95% CI {lo} to {hi}",
        "diff_no_ci": "difference {d}, with no confidence interval from {pairs}",
        "s_cost_ok": "At what cost: in the final year, spending is {extra} more than the baseline, that is {ratio} a year per person no "
                     "longer isolated (95% CI {lo} to {hi}).",
        "s_cost_unbounded": "At what cost: in the final year, spending is {extra} more than the baseline for {fewer} fewer isolated "
                            "residents on average; the reduction is too uncertain to put a bound on the cost per person "
                            "no longer isolated ({ratio} at the mean).",
        "s_cost_no_reduction": "At what cost: in the final year, spending differs by {extra} from the baseline, but no one is less "
                               "isolated on average ({fewer} fewer isolated residents), so there is no cost per person "
                               "no longer isolated to report.",
        "s_cost_no_reduction_more": "At what cost: in the final year, spending differs by {extra} from the baseline, but no one is "
                                    "less isolated on average ({more} more isolated residents), so there is no cost per "
                                    "person no longer isolated to report.",
        "s_cost_saves": "At what cost: in the final year, spending is {saving} lower than the baseline and {fewer} fewer residents "
                        "are isolated: the scenario costs less and isolates fewer people.",
        "s_cost_saves_unclear": "At what cost: in the final year, spending is {saving} lower than the baseline, with {fewer} fewer "
                                "isolated residents on average; that reduction is too uncertain to say that the "
                                "scenario isolates fewer people.",
        "s_cost_single": "At what cost: in the final year, spending is {extra} more than the baseline for {fewer} fewer isolated "
                         "residents, {ratio} a year per person no longer isolated; from {pairs} there is no interval "
                         "to tell how sure that is.",
        "s_cost_saves_single": "At what cost: in the final year, spending is {saving} lower than the baseline, with {fewer} fewer "
                               "isolated residents; from {pairs} there is no interval to tell whether the scenario "
                               "isolates fewer people.",
        "s_spend_time": "At what cost: spending is {s} a year in the final year.",
        "on_average": " on average",
        "s_spend_total": "Over the whole run ({span}), spending totals {s}{avg}.",
        "s_spend_total_vs": "Over the whole run ({span}), spending totals {s}{avg}, against {b} in the "
                            "baseline ({diff}).",
        "s_sure": "How sure: intervals are 95% confidence intervals across replications (Student’s t); differences are "
                  "paired by seed, so both scenarios met the same random events.",
        "s_sure_unpaired": "How sure: intervals are 95% confidence intervals across replications (Student’s t).",
        "s_sweep": "This sweep varied {params} over {points}. Across the points, isolation among people "
                   "65+ living alone in the final year ranged from {lo} to {hi}.",
        "s_sweep_other": "This sweep varied {params} over {points}. Across the points, “{outcome}” "
                         "in the final year ranged from {lo} to {hi}.",
        "s_sweep_lever": "The lever that matters most for it is “{p}” ({measure} {v}), then “{p2}”.",
        "s_sweep_lever1": "The lever that matters most for it is “{p}” ({measure} {v}).",
        "s_sweep_imprecise": "Too few samples for this ranking to be relied on: its indices are imprecise (see the "
                             "warning under the ranking).",
        "s_sweep_flat": "None of the levers changed it: the outcome is the same at every design point (with common random "
                        "numbers, a horizon this short or levers this weak leave it untouched).",
        "s_sweep_nosens": "The sensitivity ranking could not be computed: {why}",
        "s_sweep_best_clear": "Against the baseline, the design point that {verb} {what} most is point {point} "
                              "({d}, 95% CI {lo} to {hi}).",
        "s_sweep_best_unclear": "Against the baseline, point {point} {verb} {what} most ({d}), but not clearly: its "
                                "95% CI ({lo} to {hi}) includes zero.",
        "s_sweep_best_single": "Against the baseline, point {point} {verb} {what} most ({diff}): without an "
                               "interval, whether it clearly does cannot be told.",
        "s_sweep_best_none": "Against the baseline, no design point {verb} {what}: even the best, point {point}, "
                             "does not ({diff}).",
        "reps_range": "{lo} to {hi} replications",
        "s_sweep_best_of_many": "Point {point} is the best of {points}, each estimated from {reps}: the best of many "
                                "noisy estimates looks better than it is (the winner’s curse). Before relying on it, "
                                "run that point again with new seeds (a sweep of it alone, with more replications and "
                                "another root_seed).",
        "verb_lower": "lowers",
        "verb_raise": "raises",
        "points_lowest": "lowest",
        "points_highest": "highest",
        "what_headline": "isolation among people 65+ living alone",
        "what_outcome": "“{outcome}”",
        # sections
        "key_h": "Key outcomes in the final year",
        "time_h": "Over time",
        "at_point": " — design point {point} (the best on this outcome)",
        "time_note": "Lines are the mean across replications; shaded bands are 95% confidence intervals.",
        "time_note_single": "Lines are the weekly values of the single run; with one run there is no band.",
        "equity_h": "For whom: isolation by group",
        "spend_h": "Spending and cost-effectiveness",
        "sens_h": "Which levers matter most",
        "points_h": "Design points",
        "points_note": "Design points with the {which} “{outcome}” in the final year ({shown} of {total} shown), with "
                       "their 95% CI across replications; n is the number of completed replications.",
        "equity_note": "The gap in the summary is computed within each run (most minus least isolated equity group), "
                       "then averaged over runs; it can be larger than the spread of the group means above, because "
                       "which group is best or worst served changes from run to run.",
        "equity_note_single": "The gap in the summary is computed week by week (most minus least isolated equity "
                              "group), then averaged over the final year; it can be larger than the spread of the "
                              "group means above, because which group is best or worst served changes from week to "
                              "week.",
        "imprecise_sobol": "These Sobol indices are imprecise: with a base sample of N = {n} ({points} design points), "
                           "the widest 95% interval is ±{hw}, so an index below 0 or above 1, and the order of the "
                           "levers, may be noise. Run the sweep again with a larger 'samples' (N) until every interval "
                           "is within ±{limit} before relying on this ranking.",
        "imprecise_morris": "These Morris μ* are imprecise: with {n} trajectories ({points} design points), the widest "
                            "95% interval of μ* is ±{hw} of the largest μ*, so the order of the levers, and which of "
                            "them matter little, may be noise. Run the sweep again with more trajectories ('samples') "
                            "until every interval is within ±{limit} of the largest μ* before relying on this ranking.",
        "incomplete_sens": "These main effects come from an incomplete sweep ({short} of {total} design points lack "
                           "some of their replications): their level means average fewer runs than the design asked "
                           "for. Re-run the missing runs before relying on this ranking.",
        "method_h": "How these numbers were computed",
        # "How these numbers were computed": the parts that apply to the report (see report._method_note)
        "method_final": "Final-year values average the last 52 weeks of each run (events and spending are summed "
                        "over them).",
        "method_ci": "Each interval is a 95% confidence interval from Student’s t across replications.",
        "method_no_ci": "With a single run (one seed), there is no confidence interval across replications.",
        "method_no_ci_sweep": "With a single run (one seed) per design point, there is no confidence interval across "
                              "replications.",
        "method_paired": "A scenario and its baseline are compared paired by seed: the difference is taken seed by "
                         "seed, then averaged.",
        "method_cost": "The cost per person no longer isolated is (spending of the scenario − spending of the "
                       "baseline) / (isolated residents in the baseline − isolated residents in the scenario), with "
                       "Fieller’s interval for a ratio.",
        "method_turnover": "Partners who left over the year are the partners who left during the final year divided "
                           "by the mean number of partners over that year; above 100% when a small roster turns "
                           "over more than once in the year.",
        "method_points": "Differences of percentages are in percentage points (pts).",
        "method_salib": "Sensitivity indices come from SALib.",
        "col_outcome": "Outcome",
        "col_baseline": "Baseline",
        "col_scenario": "Scenario",
        "col_difference": "Difference (95% CI)",
        "col_mean": "Final year (95% CI)",
        "col_start": "Start",
        "col_n": "n",
        "col_n_pairs": "n (seeds paired)",
        "n_sides": "{n} (scenario {s}, baseline {b})",
        "n_sides_note": "Where an outcome has no value in some runs (the share of partners who left, in runs with no "
                        "partners), n gives the seeds paired and, in brackets, the runs with a value on each side; "
                        "the difference uses only the seeds with a value on both.",
        "col_group": "Group",
        "col_parameter": "Parameter",
        "col_point": "Point",
        "ci": "{lo} to {hi}",
        "no_ci": "no CI",
        "n_small": "n too small for a CI",
        "colon": ": ",
        "year": "year",
        "weeks": "week",
        "share_axis": "% of the group",
        "fig_iso": "Isolation, 65+ living alone",
        "fig_lonely": "Loneliness, 65+",
        "fig_emp": "Empowerment index",
        "fig_partners": "Patient partners",
        "fig_burnout": "Partners in burnout",
        "fig_ed": "Emergency visits a week",
        "fig_equity": "Isolated in the final year, by group",
        "fig_spend": "Spending in the final year, by line",
        "fig_ce": "Each seed: extra spending against fewer isolated residents",
        "fig_ce_x": "fewer isolated residents than the baseline",
        "fig_ce_y": "extra spending a year ({unit})",
        "fig_ce_mean": "mean of the seeds",
        "fig_ce_seeds": "one seed",
        "fig_ce_ratio": "mean cost per person: {v}",
        "fig_tornado": "Which levers matter most for: {outcome}",
        "fig_main": "Main effects on: {outcome}",
        "sobol_measure": "total Sobol index",
        "sobol_first": "first-order",
        "morris_measure": "Morris μ*",
        "main_measure": "swing of the main effect",
        "main_low": "level with the lowest mean",
        "main_high": "level with the highest mean",
        "sens_note_sobol": "Bars: total Sobol index ST (share of the variance a lever explains, interactions included) "
                           "with its 95% CI; dots: first-order index S1 (the lever alone).",
        "sens_note_morris": "Bars: Morris μ* (mean absolute effect of moving a lever) with its 95% CI; σ measures how much "
                            "that effect depends on the other levers.",
        "sens_note_main": "Each bar spans the mean outcome from the lever’s level with the lowest mean to its level "
                          "with the highest mean, other levers averaged over.",
        "scenario_label": "scenario",
        "baseline_label": "baseline",
        "money_axis": "{unit} a year",
        "per_year": "a year",
        "not_available": "not available",
    },
    "fr": {
        "title": "Communauté soignante : rapport sur {name}",
        "lang_other": "English version",
        "generated": "Dossier {path}. {what}.",
        "what_run": "Une simulation (graine {seeds})",
        "what_replications": "{reps} (graines {seeds})",
        "what_sweep": "Balayage de {points} × {reps}, plan « {design} »",
        "baseline_line": "Comparé à « {name} » ({path}), apparié par graine sur {seeds_n}.",
        "summary_h": "En bref",
        "short_run": "Ces simulations durent {weeks} semaines, moins d’un an : les valeurs de la « dernière année » ne "
                     "couvrent que ces {weeks} semaines (les événements et dépenses « par an » en sont les totaux).",
        "other_community_h": "La référence est une autre communauté",
        "other_community": "ses paramètres diffèrent de ceux du scénario à « {where} » (scénario {s}, référence {b}). "
                           "Une référence est la même communauté sans le programme : face à une autre, les "
                           "différences ci-dessous mêlent l’effet du programme aux différences entre les deux "
                           "communautés. Comparez le scénario à lui-même sans le programme (README, « Reports "
                           "and analysis »).",
        "incomplete_h": "Résultats incomplets",
        "incomplete": "{kind} est incomplet (simulations terminées : {completed} sur {expected} ; manquantes : "
                      "{missing} ; en échec : {failed}). Les moyennes ci-dessous n’utilisent que les simulations terminées ; ce ne sont "
                      "pas les moyennes prévues par le plan.",
        "incomplete_kind_sweep": "Ce balayage",
        "incomplete_kind_runs": "Cet ensemble de simulations",
        "unpaired": "Graines sans partenaire, exclues de la comparaison appariée : {seeds}.",
        "residents_warning": "Le scénario et le scénario de référence n’ont pas le même nombre de résidents ({a} et {b}) ; "
                             "les effectifs et les dépenses ne sont pas directement comparables.",
        "single_run": "Il s’agit d’une seule simulation : aucun intervalle de confiance. Lancez plusieurs graines "
                      "(par exemple de 0 à 9) pour savoir à quel point les chiffres sont sûrs.",
        "s_iso_base_fell": "L’isolement des personnes de 65 ans et plus vivant seules a baissé : il est passé de {b} "
                           "(« {bname} ») à {s} (« {sname} ») la dernière année, soit une différence de {d} (IC à 95 % : "
                           "{lo} à {hi} ; {pairs}).",
        "s_iso_base_rose": "L’isolement des personnes de 65 ans et plus vivant seules a augmenté : il est passé de {b} "
                           "(« {bname} ») à {s} (« {sname} ») la dernière année, soit une différence de {d} (IC à 95 % : "
                           "{lo} à {hi} ; {pairs}).",
        "s_iso_base_unclear": "L’isolement des personnes de 65 ans et plus vivant seules était de {s} avec « {sname} » contre "
                              "{b} avec « {bname} » la dernière année ; la différence de {d} n’est pas nette (l’IC à 95 %, "
                              "de {lo} à {hi}, contient zéro ; {pairs}).",
        "s_iso_base_same": "L’isolement des personnes de 65 ans et plus vivant seules était de {s} avec « {sname} » et de "
                           "{b} avec « {bname} » la dernière année : aucune différence, le même dans chaque paire de "
                           "simulations ({pairs}).",
        "s_iso_base_single": "L’isolement des personnes de 65 ans et plus vivant seules était de {s} avec « {sname} » contre "
                             "{b} avec « {bname} » la dernière année, soit une différence de {d} ({pairs} : pas "
                             "d’intervalle de confiance, donc rien ne dit qu’il a baissé).",
        "s_iso_time_fell": "L’isolement des personnes de 65 ans et plus vivant seules a baissé, passant de {a} au départ à "
                           "{s} la dernière année (IC à 95 % : {lo} à {hi} ; {reps}).",
        "s_iso_time_rose": "L’isolement des personnes de 65 ans et plus vivant seules a augmenté, passant de {a} au départ à "
                           "{s} la dernière année (IC à 95 % : {lo} à {hi} ; {reps}).",
        "s_iso_time_flat": "L’isolement des personnes de 65 ans et plus vivant seules était de {a} au départ et de {s} la "
                           "dernière année (IC à 95 % : {lo} à {hi} ; {reps}).",
        "s_iso_time_single": "L’isolement des personnes de 65 ans et plus vivant seules est passé de {a} au départ à {s} la "
                             "dernière année.",
        "s_lonely": "La solitude des 65 ans et plus est de {s}, contre {b} dans la référence ({diff}).",
        "s_lonely_time": "{s} des personnes de 65 ans et plus se sentent seules la dernière année.",
        "s_emp": "L’indice de pouvoir d’agir des patients est de {s} (référence {b} ; {diff}).",
        "s_emp_time": "L’indice de pouvoir d’agir des patients est de {s} la dernière année.",
        "s_behind": "Laissés pour compte : en moyenne, l’isolement n’a pas baissé pour {groups}.",
        "list_sep": " ; ",
        "s_behind_none": "Laissés pour compte : aucun des groupes ci-dessous ; en moyenne, l’isolement a baissé dans "
                         "chacun d’eux.",
        "s_gap": "Pour qui : l’écart d’isolement entre les groupes d’équité les mieux et les moins bien servis{how} "
                 "est de {s} (référence {b} ; {diff}) ; le groupe le plus isolé : "
                 "{worst}.",
        "s_gap_time": "Pour qui : l’écart d’isolement entre les groupes d’équité les mieux et les moins bien servis{how} "
                      "est de {s} la dernière année ; le groupe le plus isolé : "
                      "{worst} ({worst_v}).",
        "gap_how_runs": " (calculé dans chaque simulation, puis moyenné)",
        "gap_how_run": "",
        "s_turnover": "Roulement des partenaires : les départs de la dernière année représentent {s} de l’effectif "
                      "moyen de partenaires (IC à 95 % : {lo} à {hi}).",
        "s_turnover_no_ci": "Roulement des partenaires : les départs de la dernière année représentent {s} de "
                            "l’effectif moyen de partenaires.",
        "s_workforce": "Effectifs : {peak} {partners} au plus haut (semaine {week}) et {final} la dernière année{how}.",
        "workforce_how_runs": " (moyennes des simulations)",
        "s_funding_ended": "Financements terminés avant la dernière semaine : {sources}.",
        "s_funding_ended_one": "Financement terminé avant la dernière semaine : {sources}.",
        "s_funding_source": "« {name} » (semaine {week})",
        "s_ed": "Visites aux urgences : {s} par an, contre {b} dans la référence ({diff}).",
        "diff_ci": "différence {d}, IC à 95 % : {lo} à {hi}",
        "diff_no_ci": "différence {d}, sans intervalle de confiance avec {pairs}",
        "s_cost_ok": "À quel coût : la dernière année, les dépenses dépassent de {extra} celles de la référence, soit {ratio} par an "
                     "par personne qui n’est plus isolée (IC à 95 % : {lo} à {hi}).",
        "s_cost_unbounded": "À quel coût : la dernière année, les dépenses dépassent de {extra} celles de la référence pour {fewer} "
                            "{isolated} de moins en moyenne ; la baisse est trop incertaine pour borner le coût par "
                            "personne qui n’est plus isolée ({ratio} à la moyenne).",
        "s_cost_no_reduction": "À quel coût : la dernière année, les dépenses diffèrent de {extra} de celles de la référence, mais personne "
                               "n’est moins isolé en moyenne ({fewer} {isolated} de moins) : il n’y a donc pas de "
                               "coût par personne qui n’est plus isolée à rapporter.",
        "s_cost_no_reduction_more": "À quel coût : la dernière année, les dépenses diffèrent de {extra} de celles de la référence, mais "
                                    "personne n’est moins isolé en moyenne ({more} {isolated} de plus) : il n’y a "
                                    "donc pas de coût par personne qui n’est plus isolée à rapporter.",
        "s_cost_saves": "À quel coût : la dernière année, les dépenses sont inférieures de {saving} à celles de la référence, avec "
                        "{fewer} {isolated} de moins : le scénario coûte moins cher et isole moins de personnes.",
        "s_cost_saves_unclear": "À quel coût : la dernière année, les dépenses sont inférieures de {saving} à celles de la référence, "
                                "avec {fewer} {isolated} de moins en moyenne ; cette baisse est trop incertaine "
                                "pour dire que le scénario isole moins de personnes.",
        "s_cost_single": "À quel coût : la dernière année, les dépenses dépassent de {extra} celles de la référence pour {fewer} "
                         "{isolated} de moins, soit {ratio} par an par personne qui n’est plus isolée ; avec "
                         "{pairs}, il n’y a pas d’intervalle pour dire à quel point c’est sûr.",
        "s_cost_saves_single": "À quel coût : la dernière année, les dépenses sont inférieures de {saving} à celles de la référence, "
                               "avec {fewer} {isolated} de moins ; avec {pairs}, il n’y a pas d’intervalle pour "
                               "dire si le scénario isole moins de personnes.",
        "s_spend_time": "À quel coût : les dépenses sont de {s} par an la dernière année.",
        "on_average": " en moyenne",
        "s_spend_total": "Sur toute la durée ({span}), les dépenses totalisent {s}{avg}.",
        "s_spend_total_vs": "Sur toute la durée ({span}), les dépenses totalisent {s}{avg}, contre {b} dans "
                            "la référence ({diff}).",
        "s_sure": "À quel point en sommes-nous sûrs : les intervalles sont des intervalles de confiance à 95 % entre "
                  "réplications (loi de Student) ; les différences sont appariées par graine, de sorte que les deux "
                  "scénarios ont connu les mêmes événements aléatoires.",
        "s_sure_unpaired": "À quel point en sommes-nous sûrs : les intervalles sont des intervalles de confiance à 95 % "
                           "entre réplications (loi de Student).",
        "s_sweep": "Ce balayage a fait varier {params} sur {points}. D’un point à l’autre, l’isolement "
                   "des personnes de 65 ans et plus vivant seules la dernière année va de {lo} à {hi}.",
        "s_sweep_other": "Ce balayage a fait varier {params} sur {points}. D’un point à l’autre, "
                         "« {outcome} » la dernière année va de {lo} à {hi}.",
        "s_sweep_lever": "Le levier qui compte le plus est « {p} » ({measure} {v}), puis « {p2} ».",
        "s_sweep_lever1": "Le levier qui compte le plus est « {p} » ({measure} {v}).",
        "s_sweep_imprecise": "Trop peu d’échantillons pour se fier à ce classement : ses indices sont imprécis (voir "
                             "l’avertissement sous le classement).",
        "s_sweep_flat": "Aucun levier ne l’a modifié : l’indicateur est le même à chaque point du plan (avec des nombres "
                        "aléatoires communs, un horizon aussi court ou des leviers aussi faibles le laissent inchangé).",
        "s_sweep_nosens": "Le classement de sensibilité n’a pas pu être calculé (détail technique, en anglais : {why})",
        "s_sweep_best_clear": "Par rapport à la référence, le point du plan qui {verb} le plus {what} est le point "
                              "{point} ({d}, IC à 95 % : {lo} à {hi}).",
        "s_sweep_best_unclear": "Par rapport à la référence, c’est le point {point} qui {verb} le plus {what} ({d}), "
                                "mais sans certitude : son IC à 95 % (de {lo} à {hi}) contient zéro.",
        "s_sweep_best_single": "Par rapport à la référence, c’est le point {point} qui {verb} le plus {what} ({diff}) : "
                               "sans intervalle, on ne peut pas dire s’il le fait nettement.",
        "s_sweep_best_none": "Par rapport à la référence, aucun point du plan ne {verb} {what} : même le meilleur, le "
                             "point {point}, ne le fait pas ({diff}).",
        "reps_range": "{lo} à {hi} réplications",
        "s_sweep_best_of_many": "Le point {point} est le meilleur de {points}, chacun estimé sur {reps} : le meilleur "
                                "de nombreuses estimations bruitées paraît meilleur qu’il ne l’est (la malédiction du "
                                "gagnant). Avant de s’y fier, relancez ce point avec de nouvelles graines (un balayage "
                                "de ce seul point, avec plus de réplications et un autre root_seed).",
        "verb_lower": "réduit",
        "verb_raise": "augmente",
        "points_lowest": "basse",
        "points_highest": "haute",
        "what_headline": "l’isolement des personnes de 65 ans et plus vivant seules",
        "what_outcome": "« {outcome} »",
        "key_h": "Principaux résultats de la dernière année",
        "time_h": "Au fil du temps",
        "at_point": " — point {point} du plan (le meilleur pour cet indicateur)",
        "time_note": "Les lignes sont la moyenne des réplications ; les bandes ombrées, les intervalles de confiance à 95 %.",
        "time_note_single": "Les lignes sont les valeurs hebdomadaires de l’unique simulation ; avec une seule "
                            "simulation, il n’y a pas de bande.",
        "equity_h": "Pour qui : l’isolement par groupe",
        "spend_h": "Dépenses et coût-efficacité",
        "sens_h": "Les leviers qui comptent le plus",
        "points_h": "Points du plan",
        "points_note": "Points du plan où la valeur de « {outcome} » est la plus {which} la dernière année ({shown} sur {total}), avec "
                       "leur IC à 95 % entre réplications ; n est le nombre de réplications terminées.",
        "equity_note": "L’écart donné en résumé est calculé dans chaque simulation (groupe d’équité le plus isolé moins le "
                       "moins isolé), puis moyenné entre simulations ; il peut dépasser l’écart entre les moyennes des "
                       "groupes ci-dessus, car le groupe le mieux ou le moins bien servi change d’une simulation à l’autre.",
        "equity_note_single": "L’écart donné en résumé est calculé semaine par semaine (groupe d’équité le plus isolé "
                              "moins le moins isolé), puis moyenné sur la dernière année ; il peut dépasser l’écart "
                              "entre les moyennes des groupes ci-dessus, car le groupe le mieux ou le moins bien servi "
                              "change d’une semaine à l’autre.",
        "imprecise_sobol": "Ces indices de Sobol sont imprécis : avec un échantillon de base N = {n} ({points} points du "
                           "plan), le plus large intervalle à 95 % est de ±{hw} ; un indice inférieur à 0 ou supérieur à "
                           "1, et l’ordre des leviers, peuvent n’être que du bruit. Relancez le balayage avec un "
                           "« samples » (N) plus grand, jusqu’à ce que chaque intervalle soit dans ±{limit}, avant de vous "
                           "fier à ce classement.",
        "imprecise_morris": "Ces μ* de Morris sont imprécis : avec {n} trajectoires ({points} points du plan), le plus "
                            "large intervalle à 95 % d’un μ* est de ±{hw} du plus grand μ* ; l’ordre des leviers, et "
                            "lesquels comptent peu, peuvent n’être que du bruit. Relancez le balayage avec plus de "
                            "trajectoires (« samples ») jusqu’à ce que chaque intervalle soit dans ±{limit} du plus "
                            "grand μ*, avant de vous fier à ce classement.",
        "incomplete_sens": "Ces effets principaux viennent d’un balayage incomplet (points du plan auxquels il manque des "
                           "réplications : {short} sur {total}) ; les moyennes par niveau reposent donc sur moins de "
                           "simulations que prévu. Relancez les simulations manquantes avant de vous fier à ce classement.",
        "method_h": "Comment ces chiffres ont été calculés",
        "method_final": "Les valeurs de la dernière année sont la moyenne des 52 dernières semaines de chaque "
                        "simulation (les événements et les dépenses y sont additionnés).",
        "method_ci": "Chaque intervalle est un intervalle de confiance à 95 % (loi de Student) entre réplications.",
        "method_no_ci": "Avec une seule simulation (une graine), il n’y a pas d’intervalle de confiance entre "
                        "réplications.",
        "method_no_ci_sweep": "Avec une seule simulation (une graine) par point du plan, il n’y a pas d’intervalle de "
                              "confiance entre réplications.",
        "method_paired": "Un scénario et sa référence sont comparés appariés par graine : la différence est calculée "
                         "graine par graine, puis moyennée.",
        "method_cost": "Le coût par personne qui n’est plus isolée est (dépenses du scénario − dépenses de la "
                       "référence) / (résidents isolés dans la référence − résidents isolés dans le scénario), avec "
                       "l’intervalle de Fieller pour un rapport.",
        "method_turnover": "La part des partenaires partis en cours d’année est le nombre de partenaires partis "
                           "pendant la dernière année divisé par le nombre moyen de partenaires sur cette année ; "
                           "elle dépasse 100 % quand un petit effectif se renouvelle plus d’une fois dans l’année.",
        "method_points": "Les différences de pourcentages sont en points de pourcentage (p.p.).",
        "method_salib": "Les indices de sensibilité viennent de SALib.",
        "col_outcome": "Indicateur",
        "col_baseline": "Référence",
        "col_scenario": "Scénario",
        "col_difference": "Différence (IC à 95 %)",
        "col_mean": "Dernière année (IC à 95 %)",
        "col_start": "Départ",
        "col_n": "n",
        "col_n_pairs": "n (graines appariées)",
        "n_sides": "{n} (scénario {s}, référence {b})",
        "n_sides_note": "Là où un indicateur n’a pas de valeur dans certaines simulations (la part des partenaires "
                        "partis, dans les simulations sans partenaires), n donne les graines appariées et, entre "
                        "parenthèses, les simulations qui en ont une de chaque côté ; la différence n’utilise que les "
                        "graines qui en ont une des deux côtés.",
        "col_group": "Groupe",
        "col_parameter": "Paramètre",
        "col_point": "Point",
        "ci": "{lo} à {hi}",
        "no_ci": "sans IC",
        "n_small": "n trop petit pour un IC",
        "colon": " : ",
        "year": "année",
        "weeks": "semaine",
        "share_axis": "% du groupe",
        "fig_iso": "Isolement, 65 ans et plus vivant seuls",
        "fig_lonely": "Solitude, 65 ans et plus",
        "fig_emp": "Indice de pouvoir d’agir",
        "fig_partners": "Patients partenaires",
        "fig_burnout": "Partenaires en épuisement",
        "fig_ed": "Visites aux urgences par semaine",
        "fig_equity": "Isolés la dernière année, par groupe",
        "fig_spend": "Dépenses de la dernière année, par poste",
        "fig_ce": "Par graine : dépenses en plus et isolés en moins",
        "fig_ce_x": "résidents isolés en moins que la référence",
        "fig_ce_y": "dépenses supplémentaires par an ({unit})",
        "fig_ce_mean": "moyenne des graines",
        "fig_ce_seeds": "une graine",
        "fig_ce_ratio": "coût moyen par personne : {v}",
        "fig_tornado": "Les leviers qui comptent le plus pour : {outcome}",
        "fig_main": "Effets principaux sur : {outcome}",
        "sobol_measure": "indice de Sobol total",
        "sobol_first": "premier ordre",
        "morris_measure": "μ* de Morris",
        "main_measure": "amplitude de l’effet principal",
        "main_low": "niveau à la moyenne la plus basse",
        "main_high": "niveau à la moyenne la plus haute",
        "sens_note_sobol": "Barres : indice de Sobol total ST (part de la variance qu’explique un levier, interactions "
                           "comprises) avec son IC à 95 % ; points : indice de premier ordre S1 (le levier seul).",
        "sens_note_morris": "Barres : μ* de Morris (effet absolu moyen d’un changement du levier) avec son IC à 95 % ; σ "
                            "mesure à quel point cet effet dépend des autres leviers.",
        "sens_note_main": "Chaque barre va de la moyenne de l’indicateur au niveau du levier où elle est la plus basse à "
                          "celle au niveau où elle est la plus haute, les autres leviers étant moyennés.",
        "scenario_label": "scénario",
        "baseline_label": "référence",
        "money_axis": "{unit} par an",
        "per_year": "par an",
        "not_available": "non disponible",
    },
}


#: Nouns counted in the text: ``{lang: {noun: (singular, plural)}}`` (see :func:`count`).
NOUNS = {
    "en": {"replication": ("replication", "replications"), "seed": ("seed", "seeds"),
           "seed_paired": ("seed paired", "seeds paired"), "parameter": ("parameter", "parameters"),
           "design_point": ("design point", "design points"),
           "isolated_resident": ("isolated resident", "isolated residents"), "week": ("week", "weeks"),
           "partner": ("partner", "partners")},
    "fr": {"replication": ("réplication", "réplications"), "seed": ("graine", "graines"),
           "seed_paired": ("graine appariée", "graines appariées"), "parameter": ("paramètre", "paramètres"),
           "design_point": ("point du plan", "points du plan"),
           "isolated_resident": ("résident isolé", "résidents isolés"), "week": ("semaine", "semaines"),
           "partner": ("partenaire", "partenaires")},
}


def french_spacing(text: str) -> str:
    """French typography: the space before ``: ; ! ? %`` and inside ``« »`` becomes a narrow no-break space."""
    for mark in (":", ";", "!", "?", "%", "»"):
        text = text.replace(" " + mark, NNBSP + mark)
    return text.replace("« ", "«" + NNBSP)


TEXT["fr"] = {key: french_spacing(value) for key, value in TEXT["fr"].items()}


def singular(lang: str, value: float) -> bool:
    """Whether ``value`` takes the singular: exactly one in English, under two in French (« 1,5 point »)."""
    return abs(value) < 2 if lang == "fr" else abs(value) == 1


def count(lang: str, n: int, noun: str) -> str:
    """``n`` and the noun, singular or plural: ``1 replication``, ``3 graines appariées``."""
    one, many = NOUNS[lang][noun]
    return f"{n} {one if singular(lang, n) else many}"


def check_lang(lang: str) -> str:
    from sim.errors import UserError

    if lang not in LANGS:
        raise UserError(f"unknown language '{lang}' (expected fr or en)", key="--lang")
    return lang


def t(lang: str, key: str, **kw) -> str:
    text = TEXT[lang][key]
    return text.format(**kw) if kw else text


def outcome_label(lang: str, outcome: str) -> str:
    if outcome in OUTCOME_LABELS[lang]:
        return OUTCOME_LABELS[lang][outcome]
    for prefix in ("isolated_share_", "lonely_share_", "loneliness_mean_"):
        if outcome.startswith(prefix):
            group = group_label(lang, outcome[len(prefix):])
            head = {"isolated_share_": ("Isolated", "Isolement"), "lonely_share_": ("Lonely", "Solitude"),
                    "loneliness_mean_": ("Mean loneliness", "Solitude moyenne")}[prefix]
            return f"{head[0] if lang == 'en' else head[1]}, {group}"
    return outcome


def group_label(lang: str, group: str) -> str:
    if group in GROUP_LABELS[lang]:
        return GROUP_LABELS[lang][group]
    return group.removeprefix("group_").replace("_", " ")


def group_phrase(lang: str, group: str) -> str:
    """A group as a sentence names it: « les parents seuls », "the majority"; a group the report has
    no words for (a scenario's own equity group) is « le groupe « x » » / "the group “x”"."""
    if group in GROUP_PHRASES[lang]:
        return GROUP_PHRASES[lang][group]
    label = group_label(lang, group)
    return f"le groupe «{NNBSP}{label}{NNBSP}»" if lang == "fr" else f"the group “{label}”"


# ---------------------------------------------------------------------------------------------
# Numbers


def number(value: float, lang: str, decimals: int = 1, sign: bool = False) -> str:
    """``1,234.5`` (en) or ``1 234,5`` (fr); a true minus sign; ``+`` when ``sign``.

    A value that rounds to 0 at ``decimals`` gets no sign (``0``, not ``−0``); whether it does is read
    from the number before it is grouped, so that ``1,234,568`` (two group separators) is signed too.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    shown = f"{abs(value):.{decimals}f}"
    text = f"{abs(value):,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    if value < 0 and float(shown) != 0:
        text = "−" + text
    elif sign and value > 0 and float(shown) != 0:
        text = "+" + text
    return text


#: How a difference of two shares is written: ``points`` in tables (the abbreviation the report's
#: method section defines), ``points_long`` in sentences, ``points_bare`` (no unit) for the bounds
#: of an interval whose unit the sentence has just given.
POINTS_UNITS = {"en": {"points": ("pts", "pts"), "points_long": ("percentage point", "percentage points")},
                "fr": {"points": ("p.p.", "p.p."), "points_long": ("point de pourcentage", "points de pourcentage")}}


def count_decimals(value: float) -> int:
    """Decimals a ``count`` is shown with: 1 under 100 (``2.5`` partners), none from 100 (``721`` visits)."""
    return 1 if abs(value) < 100 else 0


def fmt(value: float, kind: str, lang: str, sign: bool = False, currency: str | None = None) -> str:
    """A value as shown to a reader: ``share`` and ``rate`` in %, ``points*`` in percentage points, ``money``
    in ``currency`` (an ISO 4217 code; None: :data:`sim.money.DEFAULT_CURRENCY`, dollars)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind in PERCENT_KINDS:
        unit = "%" if lang == "en" else NNBSP + "%"
        return number(100 * value, lang, 1, sign) + unit
    if kind in ("points", "points_long", "points_bare"):
        text = number(100 * value, lang, 1, sign)
        if kind == "points_bare":
            return text
        one, many = POINTS_UNITS[lang][kind]
        rounded = round(100 * abs(value), 1)
        return text + (NNBSP if lang == "fr" else " ") + (one if singular(lang, rounded) else many)
    if kind == "money":
        return with_currency(number(value, lang, 0, sign), currency, lang, NNBSP)
    if kind == "count":
        return number(value, lang, count_decimals(value), sign)
    if kind == "raw":  # a parameter value: up to 4 significant digits, no trailing zeros
        if float(value).is_integer() or abs(value) >= 1000:
            return number(value, lang, 0, sign)
        text = f"{abs(value):.4g}"
        if "e" in text:
            text = f"{abs(value):.6f}".rstrip("0")
        text = ("−" if value < 0 else "+" if sign and value > 0 else "") + text
        return text.replace(".", ",") if lang == "fr" else text
    if kind == "index":
        return number(value, lang, 3 if abs(value) < 10 else 1, sign)
    return number(value, lang, 3, sign)
