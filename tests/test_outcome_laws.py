"""What ODD §4.11 promises of the outcomes: the final-year summary (levels averaged, flows summed over the
last 52 weeks, start values from the initial state), the empowerment index and burnout share as defined,
and the equity gap over the groups that have members. Written to kill hand-made mutants the rest of the
suite let through."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim import CaringCommunity, load_scenario, scale_scenario
from sim.outcomes import _spread, measure, summarise
from sim.population import coaching_role


def _weekly(weeks: int) -> pd.DataFrame:
    w = np.arange(weeks + 1)
    return pd.DataFrame({"week": w, "year": w / 52.0, "ed_visits": 1.0, "partners_left": 1.0,
                         "competency_mean": w.astype(float), "isolated_share_all": 0.5 + w / 1000,
                         "isolated_share_65_alone": 0.3, "lonely_share_65plus": 0.2 + w / 1000})


def test_final_year_sums_flows_and_averages_levels_over_exactly_52_weeks():
    s = summarise(_weekly(104))
    assert s["ed_visits"] == 52 and s["partners_left"] == 52          # one a week, 52 weeks
    assert s["competency_mean"] == pytest.approx(np.arange(53, 105).mean())
    assert s["weeks"] == 104


def test_a_running_total_is_summarised_at_the_last_week_not_averaged():
    """``spending_cumulative`` in the summary is what the whole run spent, as the report's spending section gives it."""
    weekly = _weekly(104).assign(spending_cumulative=lambda d: 10.0 * d["week"])
    assert summarise(weekly)["spending_cumulative"] == 1040.0


def test_start_values_are_the_initial_state():
    s = summarise(_weekly(104))
    assert s["competency_mean_start"] == 0.0
    assert s["isolated_share_all_start"] == pytest.approx(0.5)
    assert s["lonely_share_65plus_start"] == pytest.approx(0.2)


def test_a_run_shorter_than_a_year_summarises_its_weeks_not_its_initial_state():
    s = summarise(_weekly(10))
    assert s["ed_visits"] == 10                                     # weeks 1 to 10; week 0 is the initial state
    assert s["competency_mean"] == pytest.approx(np.arange(1, 11).mean())


def test_equity_gap_leaves_out_groups_without_members_wherever_they_are_listed():
    for values in ([math.nan, 0.1, 0.3], [0.1, math.nan, 0.3], [0.3, 0.1, math.nan]):
        assert _spread(values) == pytest.approx(0.2)
    assert math.isnan(_spread([math.nan, math.nan])) and _spread([]) == 0.0


@pytest.fixture(scope="module")
def community():
    return CaringCommunity(scale_scenario(load_scenario("centre-sud", {"network.burn_in_weeks": 0}), 400), rng=2)


def test_empowerment_index_is_the_weighted_mean_the_odd_gives(community):
    """Mean over patients of 0.4 competency/100 + 0.3 shared decisions + 0.3 engagement/3 (ODD §4.11)."""
    m = community
    r, pat = m.residents, m.patient_ids
    rng = np.random.default_rng(0)
    r.engagement[pat] = rng.integers(0, 4, len(pat))
    expected = np.mean(0.4 * r.competency[pat] / 100 + 0.3 * r.shared_decisions[pat] + 0.3 * r.engagement[pat] / 3)
    row = measure(m)
    assert row["empowerment_index"] == pytest.approx(float(expected), rel=1e-5)
    assert sum(row[f"engagement_level_{k}_share"] for k in range(4)) == pytest.approx(1.0)


def test_a_partner_at_distress_one_half_counts_as_burnt_out(community):
    """Burnout is distress >= 0.5 (high emotional exhaustion), the boundary included."""
    m = community
    partners = coaching_role(m.residents.role)
    assert partners.any()
    saved = m.residents.distress.copy()
    try:
        m.residents.distress[partners] = 0.5
        assert measure(m)["partner_burnout_share"] == 1.0
        m.residents.distress[partners] = np.nextafter(np.float32(0.5), np.float32(0))
        assert measure(m)["partner_burnout_share"] == 0.0
    finally:
        m.residents.distress[:] = saved


def test_weekly_flows_are_summed_in_the_summary_and_levels_are_not():
    """An outcome counted per week (its codebook unit says "a week") is summed over the final year, and only
    those are: a new flow left out of ``FLOW_OUTCOMES`` would be averaged in the summary without any error."""
    from sim.outcomes import SUMMED_IN_SUMMARY, describe_column
    columns = CaringCommunity(scale_scenario(load_scenario("centre-sud"), 300), rng=0, agent_views=False).run(1).columns
    for column in columns.drop(["week", "year"]):
        weekly = describe_column(column)["unit"].endswith(" a week")
        assert weekly == (column in SUMMED_IN_SUMMARY), (
            f"{column}: its unit in sim.outcomes.OUTCOME_COLUMNS is {describe_column(column)['unit']!r}, but it is "
            f"{'not ' if weekly else ''}in SUMMED_IN_SUMMARY: a count or amount per week has a unit '... a week' "
            "and is listed in FLOW_OUTCOMES (summed over the final year); a level is neither")

