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



@pytest.fixture(scope="module")
def two_neighbourhoods():
    """A small community in two neighbourhoods, with an equity group no one belongs to (share 0)."""
    overrides = {"network.burn_in_weeks": 0,
                 "population.neighbourhoods": [{"name": "north"}, {"name": "south"}],
                 "population.equity_groups": {"majority": {"share": 0.7}, "minority": {"share": 0.3},
                                              "nobody": {"share": 0.0}}}
    return CaringCommunity(scale_scenario(load_scenario("centre-sud", overrides), 600), rng=5)


def test_each_breakdown_group_is_who_its_name_says(community, two_neighbourhoods):
    """Every group of the breakdown holds the residents its codebook meaning names (GROUP_MEANINGS): 65+,
    65+ living alone and with others, single parents, women and men 65+, patients, each equity group, and
    each neighbourhood only when there are several. The row's shares being right for the masks is not enough:
    a mask that held the wrong residents would go unseen."""
    from sim.population import SENIOR
    for m in (community, two_neighbourhoods):
        r = m.residents
        senior = r.age_group == SENIOR
        expected = {"all": np.ones(r.n, dtype=bool), "65plus": senior, "65_alone": senior & r.lives_alone,
                    "65_with_others": senior & ~r.lives_alone, "single_parents": r.single_parent,
                    "65_women": senior & r.woman, "65_men": senior & ~r.woman, "patients": r.is_patient}
        for code, name in enumerate(m.equity_group_names):
            expected[f"group_{name}"] = r.equity_group == code
        if m.n_neighbourhoods > 1:
            for code, name in enumerate(m.neighbourhood_names):
                expected[f"nb_{name}"] = r.neighbourhood == code
        assert list(m.groups) == list(expected)
        for name, members in expected.items():
            assert (m.groups[name] == members).all(), name
        for name in ("65_alone", "65_with_others", "single_parents", "65_women", "65_men", "patients"):
            assert 0 < m.groups[name].sum() < r.n, name        # the community has some of each, not everyone
    assert "nb_north" in two_neighbourhoods.groups and "nb_south" in two_neighbourhoods.groups
    assert not any(name.startswith("nb_") for name in community.groups)    # one neighbourhood: no breakdown


def test_an_empty_group_is_nan_and_left_out_of_the_equity_gaps(two_neighbourhoods):
    """A group without members has NaN shares (not 0, which would read as "no one isolated"), and the equity
    gaps are the spread of the other groups' isolated shares and mean loneliness, each from its own measure."""
    row = measure(two_neighbourhoods)
    for metric in ("isolated_share", "lonely_share", "loneliness_mean"):
        assert math.isnan(row[f"{metric}_group_nobody"])
    iso = [row["isolated_share_group_majority"], row["isolated_share_group_minority"]]
    lon = [row["loneliness_mean_group_majority"], row["loneliness_mean_group_minority"]]
    assert row["isolation_gap_groups"] == pytest.approx(max(iso) - min(iso))
    assert row["loneliness_gap_groups"] == pytest.approx(max(lon) - min(lon))
    assert row["isolation_gap_groups"] != pytest.approx(row["loneliness_gap_groups"])


def test_loneliness_at_the_threshold_is_not_lonely(community):
    """Lonely is loneliness *above* ``states.lonely_threshold`` (codebook): a resident exactly at it is not."""
    m = community
    saved, threshold = m.residents.loneliness.copy(), m.lonely_threshold
    try:
        m.lonely_threshold = float(np.float32(0.5))
        m.residents.loneliness[:] = np.float32(0.5)
        assert measure(m)["lonely_share_all"] == 0.0
        m.residents.loneliness[:] = np.nextafter(np.float32(0.5), np.float32(1))
        assert measure(m)["lonely_share_all"] == 1.0
    finally:
        m.residents.loneliness[:] = saved
        m.lonely_threshold = threshold


def test_the_row_counts_what_the_codebook_says(community):
    """Each count and mean of the weekly row against the state it describes: residents isolated, patients'
    recovery, partners by role, coaching partners' caseload and distress, the waiting list (a patient who
    joined it at week 0 included), the week's leavers of every role, the timebank total, spending since
    week 0, and clinicians at buy-in 0.5 (the boundary included) working in partnership."""
    from sim.population import CARER_PARTNER, CITIZEN_PARTNER, PATIENT_PARTNER
    m = community
    r, pat = m.residents, m.patient_ids
    saved = {name: getattr(r, name).copy() for name in ("waiting_since", "timebank", "distress")}
    saved_buy_in = [c.buy_in for c in m.clinicians]
    saved_caseload, saved_spent, saved_events = m.caseload.copy(), dict(m.budget.total_spent), dict(m.events)
    try:
        partners = coaching_role(r.role)
        rng = np.random.default_rng(1)
        r.waiting_since[:] = -1
        r.waiting_since[pat[:5]] = 0
        r.waiting_since[pat[5:8]] = 3
        r.timebank[:] = rng.normal(0, 2, r.n).astype(np.float32)
        r.distress[:] = rng.random(r.n).astype(np.float32)
        m.caseload[:] = rng.integers(0, 4, r.n)
        m.events.update({"patient_partners_left": 1, "carer_partners_left": 2, "citizen_partners_left": 4,
                         "volunteers_left": 3})
        line = next(iter(m.budget.total_spent))
        m.budget.total_spent[line] += 1234.0
        m.clinicians[0].buy_in = 0.5
        row = measure(m)
        assert row["isolated_count"] == r.isolated.sum() > 0
        assert row["recovery_mean"] == pytest.approx(float(r.recovery[pat].mean()), rel=1e-6)
        assert row["recovery_mean"] != pytest.approx(float(r.recovery.mean()), rel=1e-6)
        assert row["ties_per_person"] == pytest.approx(r.active_ties.mean())
        for role, key in ((PATIENT_PARTNER, "patient_partners"), (CARER_PARTNER, "carer_partners"),
                          (CITIZEN_PARTNER, "citizen_partners")):
            assert row[key] == (r.role == role).sum()
        assert row["patient_partners"] != row["carer_partners"]
        assert row["caseload_mean"] == pytest.approx(m.caseload[partners].mean())
        assert row["partner_distress_mean"] == pytest.approx(float(r.distress[partners].mean()), rel=1e-6)
        assert row["waiting_list"] == 8
        assert row["partners_left"] == 7 and row["volunteers_left"] == 3
        assert row["timebank_balance_total"] == pytest.approx(float(r.timebank.sum()), rel=1e-5)
        assert row["spending_cumulative"] == pytest.approx(sum(m.budget.total_spent.values()))
        assert row["spending_cumulative"] >= 1234.0 > row["spending_total"]
        assert row["partnership_clinicians"] == sum(c.buy_in >= 0.5 for c in m.clinicians)
    finally:
        for name, values in saved.items():
            getattr(r, name)[:] = values
        for c, b in zip(m.clinicians, saved_buy_in):
            c.buy_in = b
        m.caseload[:] = saved_caseload
        m.budget.total_spent.clear()
        m.budget.total_spent.update(saved_spent)
        m.events.clear()
        m.events.update(saved_events)


def test_the_snapshot_leaves_out_only_what_the_model_does_not_know(community):
    """In the per-resident snapshot, clinician 0 is a clinician (only -1, no clinician, is missing), and
    ``partner_since`` is missing exactly for residents without a role: the first partners, in their role
    since before week 0 (a negative week), have theirs."""
    from sim.outcomes import resident_snapshot
    from sim.population import NO_ROLE
    m = community
    r = m.residents
    snap = resident_snapshot(m)
    assert (snap["clinician"].isna().to_numpy() == (r.clinician < 0)).all()
    assert (snap["clinician"] == 0).sum() == (r.clinician == 0).sum() > 0
    assert (snap["partner_since"].isna().to_numpy() == (r.role == NO_ROLE)).all()
    assert (snap["partner_since"].dropna() < 0).any()
