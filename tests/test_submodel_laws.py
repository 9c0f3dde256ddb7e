"""What the ODD (§7) promises of each submodel, checked as laws: conservation, direction of an effect,
boundaries. Each test was written to kill a hand-made mutant that the rest of the suite let through
(see the commit messages); small communities, fixed seeds, no burn-in where none is needed."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CaringCommunity, load_scenario, scale_scenario
from sim.network import (CARE_TEAM, FRIEND, HOUSEHOLD, KIN, MUTUAL_AID, PEER_SUPPORT, NetworkParams, TieTable,
                         close_triangles, generate_network)
from sim.population import (ADULT, CARER_PARTNER, CHILD, CITIZEN_PARTNER, NO_ROLE, PATIENT_PARTNER, SENIOR, PopulationParams,
                            coaching_role, generate_residents)
from sim.errors import ScenarioError
from sim.submodels.funding import BUDGET_LINES, Budget
from sim.submodels.governance import SECTOR_PREFERENCES, allocate, tokenism


def small(name: str = "centre-sud", n: int = 600, seed: int = 3, burn_in: int = 0, **overrides) -> CaringCommunity:
    overrides = {"network.burn_in_weeks": burn_in, **overrides}
    return CaringCommunity(scale_scenario(load_scenario(name, overrides), n), rng=seed)


def fresh_patient(m, k: int = 1, **conditions) -> np.ndarray:
    """``k`` patients without a role, not waiting or accompanied, matching ``conditions`` (attribute: value)."""
    r = m.residents
    ok = r.is_patient & (r.role == NO_ROLE) & (r.age_group != CHILD) & (r.waiting_since < 0) & ~m.in_peer_support
    for name, value in conditions.items():
        ok &= getattr(r, name) == value
    return np.flatnonzero(ok)[:k]


def accompany(m, partner: int, patients, strength: float = 0.3, week: int | None = None) -> np.ndarray:
    """Peer-support ties from ``partner`` to ``patients``, as ``match`` forms them."""
    patients = np.atleast_1d(patients)
    slots, _ = m.ties.add(np.full(len(patients), partner), patients, PEER_SUPPORT, strength,
                          m.week if week is None else week)
    m.ties.helper[slots] = partner
    return slots


# ============================================================================== funding
def test_spending_takes_from_the_pool_exactly_what_it_grants_within_the_week_allocation():
    """Budget.spend: min(wanted, allocation - already spent this week, pool); the pool loses what is spent."""
    b = Budget()
    b.receive(100.0)
    b.weekly_allocation["training"] = 30.0
    assert b.spend("training", 20.0) == 20.0 and b.pool == pytest.approx(80.0)
    assert b.spend("training", 20.0) == pytest.approx(10.0)          # only what is left of this week's line
    assert b.spend("training", 5.0) == 0.0
    assert b.pool == pytest.approx(70.0) and b.spent["training"] == pytest.approx(30.0)
    b.weekly_allocation["supervision"] = 1000.0
    assert b.spend("supervision", 500.0) == pytest.approx(70.0)      # never more than the pool
    assert b.pool == pytest.approx(0.0)
    assert b.total_income == pytest.approx(sum(b.total_spent.values()) + b.pool)   # money is conserved
    assert b.level("coordination", 0.0) == 1.0                        # nothing needed: fully covered
    b.new_week()
    b.receive(10.0)
    assert b.spend("training", 20.0) == pytest.approx(10.0)          # a new week, a fresh allocation


def test_grants_are_shared_in_proportion_to_need():
    m = small()
    for org in m.organizations:
        org.partnered = False
    a, b = m.organizations[:2]
    for org, need in ((a, 100.0), (b, 300.0)):
        org.partnered, org.open = True, True
        org.own_income_per_year = 52.0 * 1000.0
        org.weekly_cost = 1000.0 + need
    m.budget.weekly_allocation["organization_grants"] = 400.0
    m.budget.pool = 1e6
    m.funding.step()
    assert a.grants_received == pytest.approx(100.0) and b.grants_received == pytest.approx(300.0)


def test_a_week_out_of_deficit_resets_the_count_and_a_cut_is_by_a_quarter():
    m = small()
    org = m.organizations[1]
    cut, close = m.funding.p.org_cut_after_weeks, m.funding.p.org_close_after_weeks
    org.own_income_per_year, org.funds = 0.0, -1.0
    org.weeks_in_deficit = close - 2
    org.settle_week(10 * org.weekly_cost, cut, close)        # a large grant: back in the black
    assert org.weeks_in_deficit == 0
    org.funds = -1.0
    org.settle_week(0.0, cut, close)                         # deficit again: counted from one
    assert org.open and org.weeks_in_deficit == 1
    # The first cut takes a quarter of the capacity.
    fresh = m.organizations[2]
    fresh.own_income_per_year, fresh.funds, fresh.partnered = 0.0, -1.0, False
    full = fresh.capacity
    outcomes = [fresh.settle_week(0.0, cut, close) for _ in range(cut)]
    assert outcomes[-1] == "cut" and fresh.capacity == max(1, int(0.75 * full))


def test_a_closed_organization_gets_no_share_of_the_grants():
    """Grants go to open, partnered organizations only: a closed one takes no share (the money would vanish)."""
    m = small()
    for org in m.organizations:
        org.partnered = False
    a, b = m.organizations[:2]
    for org in (a, b):
        org.partnered, org.open = True, True
        org.own_income_per_year, org.weekly_cost = 0.0, 1000.0
    b.open, b.capacity = False, 0
    m.budget.weekly_allocation["organization_grants"] = 400.0
    m.budget.pool = 1e6
    m.funding.step()
    assert a.grants_received == pytest.approx(400.0) and b.grants_received == 0.0


def test_coordination_level_is_a_floor_of_volunteer_brokering_plus_what_the_line_covers():
    """coordination_level = 0.3 + 0.7 x the share of coordination_cost_per_year/52 that the line covers."""
    m = small(**{"funding.sources": []})
    need = m.funding.p.coordination_cost_per_year / 52.0
    for covered, expected in ((0.0, 0.3), (0.5, 0.65), (1.0, 1.0)):
        m.budget.weekly_allocation = {line: 0.0 for line in BUDGET_LINES}
        m.budget.weekly_allocation["coordination"] = covered * need
        m.budget.pool = 1e9
        m.funding.step()
        assert m.coordination_level == pytest.approx(expected)


# ============================================================================== governance
def test_majority_weighs_sectors_by_their_seats_and_consensus_answers_organizations_in_deficit():
    only_community = allocate({"community": 3}, "majority", {}, 0.5)
    assert np.allclose(only_community, SECTOR_PREFERENCES["community"])
    mixed = allocate({"community": 3, "health_institution": 1}, "majority", {}, 0.5)
    expected = (3 * np.asarray(SECTOR_PREFERENCES["community"]) + np.asarray(SECTOR_PREFERENCES["health_institution"])) / 4
    assert np.allclose(mixed, expected)
    seats = {"health_institution": 2, "city": 1, "community": 2}
    calm = allocate(seats, "consensus", {}, 0.5)
    deficit = allocate(seats, "consensus", {"org_deficit": 1.0}, 0.5)
    i = BUDGET_LINES.index
    assert deficit[i("organization_grants")] > calm[i("organization_grants")]
    assert deficit[i("supervision")] < calm[i("supervision")]       # only the grants line is pushed


def test_empty_patient_seats_carry_no_voice_and_the_quarter_budget_is_income_plus_a_share_of_the_pool():
    m = small(**{"governance.seats.patients": 2, "governance.decision_rule": "majority",
                 "governance.planning_weeks": 26, "governance.quarter_weeks": 13,
                 "funding.sources": [{"name": "city", "amount_per_year": 52_000.0, "start_week": 0}]})
    r = m.residents
    r.governance_seat[:] = False
    m.week = 0
    m.budget.pool = 26_000.0
    m.governance.step()
    assert m.stewardship.filled_patient_seats == 0 and m.stewardship.tokenism == 0.0
    seats = {s: float(v) for s, v in m.params.governance.seats.items()}
    seats["patients"] = 0.0
    assert np.allclose(list(m.stewardship.allocation.values()), allocate(seats, "majority", {}, 0.5))
    weekly_income = m.params.funding.sources[0].amount_per_year / 52.0       # scaled with the population
    quarter = 13 * weekly_income + 26_000.0 * 13 / 26
    assert sum(m.budget.weekly_allocation.values()) == pytest.approx(quarter / 13)
    # More co-leaders seated than seats: only the seats count.
    r.governance_seat[np.flatnonzero(r.is_patient)[:5]] = True
    m.governance.step()
    assert m.stewardship.filled_patient_seats == 2
    # A planning horizon shorter than a quarter spends the whole pool, not more.
    m = small(**{"governance.planning_weeks": 4, "funding.sources": []})
    m.week, m.budget.pool = 0, 13_000.0
    m.governance.step()
    assert sum(m.budget.weekly_allocation.values()) == pytest.approx(1_000.0)


def test_the_waiting_signal_is_the_waiting_list_over_the_places_and_at_most_1():
    """Co-governance hears the waiting list as a share of the partners' places, a full signal (1) when
    more are waiting than there are places."""
    m = small()
    r = m.residents
    places = int(m.peer_support.capacity_of(np.flatnonzero(coaching_role(r.role))).sum())
    assert places >= 2
    r.waiting_since[:] = -1
    r.waiting_since[fresh_patient(m, places // 2)] = 0
    assert m.community_signals()["waiting"] == pytest.approx((places // 2) / places)
    r.waiting_since[fresh_patient(m, 3 * places)] = 0
    assert m.community_signals()["waiting"] == 1.0


def test_consensus_pushes_each_line_by_its_signal_scaled_by_the_largest_share():
    """Consensus: shares + responsiveness x push x max(shares), push = (waiting, org_deficit, waiting/2, 0,
    distress), renormalised; institution-led without a health-institution seat weighs the seats instead."""
    seats = {"health_institution": 2, "city": 1, "community": 2, "research": 1}
    w = np.array([seats.get(s, 0) for s in SECTOR_PREFERENCES], dtype=float)
    base = sum(wi * np.asarray(pref) for wi, pref in zip(w / w.sum(), SECTOR_PREFERENCES.values()))
    signals = {"waiting": 0.6, "org_deficit": 0.3, "distress": 0.9}
    push = np.array([0.6, 0.3, 0.3, 0.0, 0.9])
    expected = base + 0.4 * push * base.max()
    assert np.allclose(allocate(seats, "consensus", signals, 0.4), expected / expected.sum())
    no_institution = {"city": 1, "community": 3}
    assert np.allclose(allocate(no_institution, "institution_led", {}, 0.5), allocate(no_institution, "majority", {}, 0.5))


def test_citizen_seats_can_be_token_seats_and_without_official_status_a_patient_seat_counts_half():
    """Tokenism counts citizens' seats as well as patients'; the group weighs a held patient seat by 1/2
    when partners hold no official status."""
    assert tokenism({"health_institution": 2, "citizens": 1}, "institution_led", True) == pytest.approx(0.75)
    m = small(**{"governance.seats.patients": 2, "governance.decision_rule": "majority",
                 "governance.partner_official_status": False})
    r = m.residents
    r.governance_seat[:] = False
    r.governance_seat[np.flatnonzero(r.is_patient)[:2]] = True
    m.week = 0
    m.governance.step()
    seats = {s: float(v) for s, v in m.params.governance.seats.items()}
    seats["patients"] = 1.0                                   # two held seats, each counting half
    assert np.allclose(list(m.stewardship.allocation.values()), allocate(seats, "majority", m.community_signals(), 0.5))


# ============================================================================== mutual aid
def test_help_flows_from_the_able_to_the_needy_and_returned_help_is_reciprocal():
    # Timebank members with the largest boost: help on a tie of strength 0.2 or more is certain.
    m = small(**{"mutual_aid.help_probability": 1.0, "mutual_aid.timebank": True, "mutual_aid.timebank_membership": 1.0,
                 "mutual_aid.timebank_boost": 10.0})
    r, t, ma = m.residents, m.ties, m.mutual_aid
    g, h, g0, h0 = np.flatnonzero(r.age_group == ADULT)[:4]
    t.remove(t.live())                                       # only the ties of this test
    tie = t.add([g], [h], FRIEND, 1.0, -5)[0][0]
    idle = t.add([g0], [h0], FRIEND, 0.0, -5)[0][0]          # a tie of no strength carries no help
    need, able = np.zeros(r.n), np.zeros(r.n)
    ma.need, ma.ability = (lambda: need), (lambda: able)
    need[[h, h0]], able[[g, g0]] = 1.0, 1.0
    m.begin_week()
    ma.step()
    assert t.helper[tie] == g and t.helper[idle] == -1
    assert r.support_received[h] == ma.p.hours_per_help and r.support_received[g] == 0.0
    assert m.help_given_week[g] == ma.p.hours_per_help and m.help_given_week[h] == 0.0
    assert t.strength[tie] == 1.0 and m.events["reciprocal_help"] == 0
    # The other way round: help returned on the tie is reciprocal (and strengthens it more).
    t.strength[tie] = 0.5
    need[:], able[:] = 0.0, 0.0
    need[g], able[h] = 1.0, 1.0
    m.week += 1
    m.begin_week()
    ma.step()
    assert t.helper[tie] == h and m.events["reciprocal_help"] == 1
    assert t.strength[tie] == pytest.approx(0.5 + (ma.p.help_gain + ma.p.reciprocity_gain) * 0.5)
    # Help again in the same direction is not reciprocal.
    t.strength[tie] = 0.5
    m.week += 1
    m.begin_week()
    ma.step()
    assert m.events["reciprocal_help"] == 0
    assert t.strength[tie] == pytest.approx(0.5 + ma.p.help_gain * 0.5)


def test_need_and_ability_to_help_follow_their_formulas():
    """need = 0.15 chronic + 0.25 (65+ living alone) + 0.2 single parent + 0.3 crisis + 0.2 end of life
    + 0.1 (competency < 45); ability = (0.1 child, 0.5 65+, 0.8 adult) x (1 - 0.5 chronic) x (1 - 0.8 crisis)
    x min(sociability, 1.5); both clipped to 0-1."""
    m = small(n=1500)
    r, ma = m.residents, m.mutual_aid
    rng = np.random.default_rng(0)
    m.in_crisis[:] = rng.random(r.n) < 0.3
    r.sociability[:] = rng.uniform(0.0, 2.5, r.n)
    senior, child = r.age_group == SENIOR, r.age_group == CHILD
    need = (0.15 * r.chronic + 0.25 * (r.lives_alone & senior) + 0.2 * r.single_parent + 0.3 * m.in_crisis
            + 0.2 * r.end_of_life + 0.1 * (r.competency < 45))
    able = (np.where(child, 0.1, np.where(senior, 0.5, 0.8)) * (1 - 0.5 * r.chronic) * (1 - 0.8 * m.in_crisis)
            * np.minimum(r.sociability, 1.5))
    assert np.allclose(ma.need(), np.clip(need, 0, 1)) and np.allclose(ma.ability(), np.clip(able, 0, 1))
    assert (r.lives_alone & ~senior).any() and child.any() and (r.sociability > 1.5).any()


def test_only_exchanges_between_two_timebank_members_move_balances():
    """Help between a member and a non-member is not banked: non-members' balances stay 0 and the bank balances."""
    m = small(**{"mutual_aid.timebank": True, "mutual_aid.timebank_membership": 0.5,
                 "mutual_aid.help_probability": 1.0})
    r, ma = m.residents, m.mutual_aid
    assert ma.member.any() and not ma.member.all()
    r.timebank[:] = 0.0
    for _ in range(4):
        m.help_given_week[:] = 0.0
        ma.step()
    assert ma.hours_given_total > 0 and m.events["help_hours"] > ma.hours_given_total   # some help was not banked
    assert (r.timebank[~ma.member] == 0.0).all()
    assert r.timebank.sum() == pytest.approx(0.0, abs=1e-3)


def test_partners_paid_in_timebank_hours_are_credited_from_the_community_account():
    m = small(**{"funding.compensation.citizen_partner": "timebank"})
    r = m.residents
    assert m.mutual_aid.timebank_on
    r.timebank[:] = 0.0
    m.mutual_aid.community_account = 0.0
    cps = np.flatnonzero(r.role == CITIZEN_PARTNER)
    assert len(cps)
    m.retention.pay_partners()
    assert np.allclose(r.timebank[cps], r.capacity[cps]) and (r.capacity[cps] > 0).all()
    assert r.timebank.sum() + m.mutual_aid.community_account == pytest.approx(0.0, abs=1e-3)


# ============================================================================== peer support
def test_an_episode_lasts_its_weeks_then_becomes_a_mutual_aid_tie_of_half_its_strength():
    m = small(**{"peer_support.meeting_probability": 0.0})
    r, t, weeks = m.residents, m.ties, m.params.peer_support.episode_weeks
    partner = int(np.flatnonzero(r.role == PATIENT_PARTNER)[0])
    patient = int(fresh_patient(m)[0])
    t.remove(t.find(partner, patient, FRIEND))               # no social tie between them before
    slot = accompany(m, partner, patient, strength=0.4, week=0)[0]
    m.week = weeks - 1
    m.peer_support.step()
    assert t.alive[slot] and t.kind[slot] == PEER_SUPPORT and m.caseload[partner] >= 1
    m.week = weeks
    m.peer_support.step()
    assert t.find(partner, patient, PEER_SUPPORT)[0] == -1
    social = t.find(partner, patient, MUTUAL_AID)[0]
    assert social >= 0 and t.kind[social] == MUTUAL_AID
    assert t.strength[social] == pytest.approx(0.2)
    assert not m.in_peer_support[patient]


def test_a_place_freed_by_an_ended_episode_takes_a_waiting_patient_the_same_week():
    """Episodes ended after the week's pairing, so a freed place stood idle for a week while patients waited."""
    m = small(**{"peer_support.meeting_probability": 0.0})
    r, t, p = m.residents, m.ties, m.params.peer_support
    partners = np.flatnonzero(coaching_role(r.role))
    partner = int(partners[0])
    r.capacity[partners] = 0.0                          # one place in the whole programme: this partner's
    r.capacity[partner] = p.hours_per_patient
    for s in t.live((PEER_SUPPORT,)):                   # and no one else accompanied
        t.remove(np.array([s]))
    first, second = (int(x) for x in fresh_patient(m, 2))
    accompany(m, partner, first, week=0)
    r.waiting_since[:] = -1
    r.waiting_since[second] = 1
    m.week = p.episode_weeks
    m.peer_support.step()
    assert not m.in_peer_support[first] and m.in_peer_support[second]
    assert t.find(partner, second, PEER_SUPPORT)[0] >= 0 and r.waiting_since[second] == -1
    assert m.caseload[partner] == 1


def test_an_accompaniment_ends_when_its_partner_leaves_the_role():
    m = small(**{"peer_support.meeting_probability": 0.0})
    r, t = m.residents, m.ties
    partner = int(np.flatnonzero(r.role == PATIENT_PARTNER)[0])
    patient = int(fresh_patient(m)[0])
    accompany(m, partner, patient, week=0)
    m.week = 1
    m.remove_role(np.array([partner]))
    m.peer_support.step()
    assert t.find(partner, patient, PEER_SUPPORT)[0] == -1 and not m.in_peer_support[patient]


def test_coaching_gain_shrinks_with_the_room_left_to_100_and_a_new_pairing_starts_sessions_again():
    m = small(**{"peer_support.meeting_probability": 1.0, "peer_support.referral_probability": 0.0,
                 "peer_support.legal_duty_rate": 0.0})
    r = m.residents
    partner = int(np.flatnonzero(r.role == PATIENT_PARTNER)[0])
    low, high = fresh_patient(m, 2)
    r.competency[[low, high]] = [20.0, 80.0]
    r.sessions[[low, high]] = 0
    accompany(m, partner, [low, high])
    m.in_crisis[:] = False
    m.peer_support.step()
    gain_low, gain_high = r.competency[low] - 20.0, r.competency[high] - 80.0
    assert gain_high > 0 and gain_low / gain_high == pytest.approx(80.0 / 20.0, rel=1e-3)
    # A waiting patient with sessions from an earlier accompaniment starts again at 0.
    again = int(fresh_patient(m)[0])
    r.sessions[again] = 12
    r.waiting_since[:] = -1
    r.waiting_since[again] = m.week
    assert m.peer_support.match() == 1 and r.sessions[again] == 0


def test_coaching_gain_halves_after_diminishing_sessions():
    """gain = competency_gain x (1 - competency/100) / (1 + sessions/diminishing_sessions): at the same
    competency, a patient with diminishing_sessions sessions behind them gains half as much."""
    m = small(**{"peer_support.meeting_probability": 1.0, "peer_support.referral_probability": 0.0,
                 "peer_support.legal_duty_rate": 0.0, "peer_support.diminishing_sessions": 6.0})
    r = m.residents
    partner = int(np.flatnonzero(r.role == PATIENT_PARTNER)[0])
    fresh, seasoned = fresh_patient(m, 2)
    r.competency[[fresh, seasoned]] = 50.0
    r.sessions[fresh], r.sessions[seasoned] = 0, 6
    accompany(m, partner, [fresh, seasoned])
    m.in_crisis[:] = False
    m.peer_support.step()
    gain_fresh, gain_seasoned = r.competency[fresh] - 50.0, r.competency[seasoned] - 50.0
    assert gain_seasoned > 0 and gain_fresh / gain_seasoned == pytest.approx(2.0, rel=1e-3)


def test_a_partner_takes_whole_patients_only():
    """capacity = floor(hours given / hours_per_patient): 5 hours at 2 an hour per patient make room for 2."""
    m = small(**{"peer_support.hours_per_patient": 2.0})
    r = m.residents
    partners = np.flatnonzero(coaching_role(r.role))
    r.capacity[partners] = 5.0
    assert (m.peer_support.capacity_of(partners) == 2).all()


def test_waiting_patients_are_paired_only_with_partners_of_their_neighbourhood():
    """Free places of a neighbourhood's partners go to its own waiting patients; the others wait."""
    m = small("rhizomes", n=1200)
    r = m.residents
    partners = np.flatnonzero(coaching_role(r.role))
    assert m.n_neighbourhoods > 1 and (r.neighbourhood[partners] == 0).all()
    free = m.peer_support.free_places()
    assert free > 2
    waiting = []
    for nb, k in ((0, 2), (1, free)):
        who = np.flatnonzero((r.neighbourhood == nb) & r.is_patient & (r.role == NO_ROLE) & (r.age_group != CHILD)
                             & (r.waiting_since < 0) & ~m.in_peer_support)[:k]
        r.waiting_since[who] = m.week
        waiting.append(who)
    assert m.peer_support.match() == 2
    assert (r.waiting_since[waiting[0]] < 0).all() and (r.waiting_since[waiting[1]] == m.week).all()


def test_a_patient_paired_again_keeps_the_week_of_their_first_support():
    m = small()
    r = m.residents
    m.week = 20
    again, first = fresh_patient(m, 2)
    r.first_support_week[again], r.first_support_week[first] = 3, -1
    r.waiting_since[[again, first]] = m.week - 1
    assert m.peer_support.match() == 2
    assert r.first_support_week[again] == 3 and r.first_support_week[first] == m.week
    s = m.ties.live((PEER_SUPPORT,))
    s = s[m.ties.formed[s] == m.week]
    assert len(s) == 2 and np.allclose(m.ties.strength[s], 0.3)    # a pairing starts at 0.3


def test_an_accompanied_patient_counts_as_supported_even_in_a_week_without_a_meeting():
    m = small(**{"peer_support.meeting_probability": 0.0})
    r = m.residents
    m.week = 5
    partner = int(np.flatnonzero(r.role == PATIENT_PARTNER)[0])
    patient, other = fresh_patient(m, 2)
    accompany(m, partner, patient, week=m.week - 1)
    m.support_received_week[:] = 0.0
    m.peer_support.step()
    assert m.support_received_week[patient] == 1.0 and m.support_received_week[other] == 0.0


def test_distress_rises_more_with_hard_cases_and_falls_more_with_supervision_which_also_keeps_training():
    m = small(**{"peer_support.meeting_probability": 1.0, "peer_support.legal_duty_rate": 0.0,
                 "peer_support.referral_probability": 0.0})
    r, p = m.residents, m.params.peer_support
    m.assign_role(fresh_patient(m, 1, chronic=True), PATIENT_PARTNER)
    partners = np.flatnonzero(r.role == PATIENT_PARTNER)[:2]
    assert len(partners) == 2
    hard = fresh_patient(m, 1, mental_health=True, end_of_life=False)
    easy = fresh_patient(m, 1, mental_health=False, end_of_life=False)
    accompany(m, partners[0], hard)
    accompany(m, partners[1], easy)
    m.in_crisis[:] = False
    r.distress[partners] = 0.5
    m.budget.new_week()
    m.peer_support.step()
    d = r.distress[partners]
    assert d[0] - d[1] == pytest.approx(p.hard_case_distress - p.ordinary_distress, abs=1e-6)
    # Relief and training with full supervision against none (no meetings: relief alone).
    m.peer_support.p.meeting_probability = 0.0
    coaching = np.flatnonzero(coaching_role(r.role))
    drops, training = [], []
    for funded in (True, False):
        r.distress[coaching], r.training[coaching] = 0.5, 1.0
        m.budget.new_week()
        m.budget.pool = 1e9 if funded else 0.0
        m.budget.weekly_allocation["supervision"] = 1e9 if funded else 0.0
        m.peer_support.step()
        drops.append(0.5 - float(r.distress[coaching].mean()))
        training.append(float(r.training[coaching].mean()))
    assert drops[0] - drops[1] == pytest.approx(p.supervision_relief, abs=1e-5)
    assert training[0] == 1.0 and training[1] < 1.0


def test_incidents_fall_with_training_and_legal_duty_concerns_mental_health_patients_only():
    counts = []
    for trained in (0.0, 1.0):
        m = small(**{"peer_support.meeting_probability": 1.0, "peer_support.incident_rate": 1.0,
                     "peer_support.legal_duty_rate": 1.0})
        r = m.residents
        partner = int(np.flatnonzero(r.role == PATIENT_PARTNER)[0])
        patients = fresh_patient(m, 30, mental_health=False)
        accompany(m, partner, patients)
        r.training[partner] = trained
        m.budget.new_week()
        m.budget.pool = 0.0                                  # no supervision
        m.events.clear()
        m.peer_support.step()
        assert m.events["peer_meetings"] >= 30
        assert m.events["escalations"] == 0 and not m.clinical.escalated[patients].any()
        counts.append(m.events["incidents"] / m.events["peer_meetings"])
    untrained, trained = counts
    assert untrained == 1.0 and trained < 0.6


def test_distress_relief_adds_coaches_and_clinicians_to_turn_to_and_a_patient_in_crisis_is_a_hard_case():
    """Weekly relief = natural + supervision_relief x supervision + mentoring_relief (coach partners in the
    neighbourhood) + clinician_access_relief x mean clinician buy-in; a meeting with a patient in crisis adds
    hard_case_distress."""
    m = small(**{"peer_support.meeting_probability": 0.0, "peer_support.referral_probability": 0.0})
    r, p = m.residents, m.params.peer_support
    m.assign_role(fresh_patient(m, 1, chronic=True), PATIENT_PARTNER)
    coaching = np.flatnonzero(coaching_role(r.role))
    drops = {}
    for coach, buy_in in ((False, 0.0), (True, 0.0), (False, 1.0)):
        r.partner_since[coaching] = m.week - (p.coach_after_weeks if coach else 0)
        r.engagement[coaching] = 2
        for c in m.clinicians:
            c.buy_in = buy_in
        r.distress[coaching] = 0.5
        m.budget.new_week()
        m.budget.pool = 0.0                                  # no supervision
        m.peer_support.step()
        drops[coach, buy_in] = 0.5 - r.distress[coaching]
    assert np.allclose(drops[False, 0.0], p.natural_relief, atol=1e-6)
    assert np.allclose(drops[True, 0.0], p.natural_relief + p.mentoring_relief, atol=1e-6)
    assert np.allclose(drops[False, 1.0], p.natural_relief + p.clinician_access_relief, atol=1e-6)
    # A meeting with a patient in crisis (no mental-health or end-of-life condition) is a hard case.
    m.peer_support.p.meeting_probability = 1.0
    a, b = coaching[:2]
    crisis, calm = fresh_patient(m, 2, mental_health=False, end_of_life=False)
    accompany(m, a, crisis)
    accompany(m, b, calm)
    m.in_crisis[:] = False
    m.in_crisis[crisis] = True
    r.distress[[a, b]] = 0.5
    m.peer_support.step()
    assert r.distress[a] - r.distress[b] == pytest.approx(p.hard_case_distress - p.ordinary_distress, abs=1e-6)


def test_referrals_to_citizen_partners_follow_coordination():
    """A met patient is referred with chance referral_probability x coordination_level."""
    m = small(**{"peer_support.meeting_probability": 1.0, "peer_support.referral_probability": 1.0})
    r = m.residents
    partner = int(np.flatnonzero(r.role == PATIENT_PARTNER)[0])
    accompany(m, partner, fresh_patient(m, 5))
    for level, referred in ((0.0, 0), (1.0, 5)):
        m.referrals.clear()
        m.coordination_level = level
        m.peer_support.step()
        assert len(m.referrals) == referred


def test_supervision_cuts_incidents_as_training_does():
    """Incident risk = incident_rate x (1 - 0.7 training) x (1 - 0.7 supervision level)."""
    m = small(**{"peer_support.meeting_probability": 1.0, "peer_support.incident_rate": 1.0,
                 "peer_support.legal_duty_rate": 0.0, "peer_support.referral_probability": 0.0})
    r = m.residents
    partner = int(np.flatnonzero(r.role == PATIENT_PARTNER)[0])
    accompany(m, partner, fresh_patient(m, 40, mental_health=False))
    r.training[partner] = 0.0
    m.budget.new_week()
    m.budget.pool = 1e9
    m.budget.weekly_allocation["supervision"] = 1e9
    m.events.clear()
    m.peer_support.step()
    assert m.supervision_level == 1.0 and m.events["peer_meetings"] >= 40
    assert m.events["incidents"] / m.events["peer_meetings"] < 0.6


def test_a_legal_duty_escalation_adds_a_hard_case_s_distress_to_the_partner():
    m = small(**{"peer_support.meeting_probability": 1.0, "peer_support.legal_duty_rate": 1.0,
                 "peer_support.incident_rate": 0.0, "peer_support.referral_probability": 0.0})
    r, p = m.residents, m.params.peer_support
    m.assign_role(fresh_patient(m, 1, chronic=True), PATIENT_PARTNER)
    a, b = np.flatnonzero(r.role == PATIENT_PARTNER)[:2]
    duty = fresh_patient(m, 1, mental_health=True, end_of_life=False)
    crisis = fresh_patient(m, 1, mental_health=False, end_of_life=False)
    accompany(m, a, duty)
    accompany(m, b, crisis)
    m.in_crisis[:] = False
    m.in_crisis[crisis] = True                                # a hard case too, without a legal duty
    r.distress[[a, b]] = 0.5
    m.peer_support.step()
    assert m.clinical.escalated[duty].all() and not m.clinical.escalated[crisis].any()
    assert r.distress[a] - r.distress[b] == pytest.approx(p.hard_case_distress, abs=1e-6)


def test_a_clinician_has_a_good_experience_when_a_patient_reaches_four_sessions():
    m = small(**{"peer_support.meeting_probability": 1.0, "peer_support.referral_probability": 0.0})
    r = m.residents
    partner = int(np.flatnonzero(r.role == PATIENT_PARTNER)[0])
    patient = fresh_patient(m, 1)
    patient = patient[r.clinician[patient] >= 0]
    assert len(patient)
    clinician = m.clinicians[int(r.clinician[patient[0]])]
    accompany(m, partner, patient)
    r.sessions[patient] = 3
    before = clinician.good_experiences
    m.peer_support.step()
    assert r.sessions[patient[0]] == 4 and clinician.good_experiences == before + 1
    m.peer_support.step()                                     # the fifth session is no new experience
    assert clinician.good_experiences == before + 1


def test_partners_of_a_neighbourhood_being_mentored_have_the_mentoring_relief():
    """Rhizomes: while a new neighbourhood is mentored, its partners are relieved as if coach partners were there."""
    m = small("rhizomes", n=1200, **{"peer_support.meeting_probability": 0.0})
    r, p = m.residents, m.params.peer_support
    m.week = 160                                              # ouest started at 156, mentored by centre-sud
    new = np.flatnonzero((r.neighbourhood == 1) & (r.role == NO_ROLE) & (r.age_group == ADULT))[:1]
    m.assign_role(new, PATIENT_PARTNER)
    assert not m.coaches()[1] and m.mentoring()[1][1]
    for c in m.clinicians:
        c.buy_in = 0.0
    r.distress[new] = 0.5
    m.budget.new_week()
    m.budget.pool = 0.0
    m.peer_support.step()
    assert 0.5 - r.distress[new[0]] == pytest.approx(p.natural_relief + p.mentoring_relief, abs=1e-6)


# ============================================================================== retention
def test_attrition_rises_with_burnout_unpaid_pay_and_tokenism():
    m = small()
    r, ret = m.residents, m.retention
    p = ret.p
    who = np.flatnonzero(r.role == PATIENT_PARTNER)[:1]
    r.distress[who], m.unpaid[who], m.stewardship.tokenism = 0.0, False, 0.0
    base = ret.hazard(who)[0]
    assert base > 0
    r.distress[who] = 1.0
    assert ret.hazard(who)[0] == pytest.approx(base * (1 + p.burnout_factor))
    r.distress[who] = 0.0
    m.unpaid[who] = True
    assert ret.hazard(who)[0] == pytest.approx(base * p.unpaid_factor)
    m.unpaid[who] = False
    m.stewardship.tokenism = 1.0
    assert ret.hazard(who)[0] == pytest.approx(base * (1 + p.tokenism_factor))


def test_paid_partners_go_unpaid_only_when_the_compensation_line_falls_short():
    m = small()
    r = m.residents
    paid = np.flatnonzero(r.role == PATIENT_PARTNER)
    assert m.funding.compensation_mode("patient_partner") == "paid" and len(paid)
    for money, unpaid in ((1e9, False), (0.0, True)):
        m.budget.new_week()
        m.budget.pool = money
        m.budget.weekly_allocation["partner_compensation"] = money
        m.retention.pay_partners()
        assert (m.unpaid[paid] == unpaid).all()


def test_leavers_are_counted_by_role_and_volunteers_by_compensation_mode():
    m = small()
    r = m.residents
    ret = m.retention
    ret.hazard = lambda who: np.ones(len(who))                # everyone leaves this week
    m.assign_role(np.flatnonzero((r.role == NO_ROLE) & (r.age_group == ADULT))[:3], CITIZEN_PARTNER)
    before = {role: int((r.role == role).sum()) for role in (1, 2, 3)}
    volunteers = sum(n for role, n in before.items()
                     if m.funding.compensation_mode(("", "patient_partner", "carer_partner", "citizen_partner")[role]) == "volunteer")
    assert 0 < volunteers < sum(before.values())
    m.events.clear()
    ret.leave()
    assert (r.role == NO_ROLE).all()
    assert m.events["patient_partners_left"] == before[PATIENT_PARTNER]
    assert m.events["citizen_partners_left"] == before[CITIZEN_PARTNER]
    assert m.events["volunteers_left"] == volunteers


def test_recruitment_stays_within_the_training_fund_and_the_pay_the_budget_affords():
    m = small()
    r, ret, course = m.residents, m.retention, m.params.funding.training_cost
    ret.p.max_cohort = 6                                      # (scaled down to 1 in a small community)
    r.engagement[r.is_patient] = np.maximum(r.engagement[r.is_patient], 1)
    r.waiting_since[fresh_patient(m, 40)] = m.week            # demand for many partners
    m.budget.weekly_allocation["training"] = 0.0
    m.budget.weekly_allocation["partner_compensation"] = 1e9
    m.assign_role(fresh_patient(m, 3, chronic=True), PATIENT_PARTNER)   # now citizen partners are wanted too
    ret.training_fund = 2 * course
    before = int((r.role != NO_ROLE).sum())
    ret.recruit()
    assert ret.training_fund >= 0.0
    assert int((r.role != NO_ROLE).sum()) - before == 2      # two courses paid, two trained
    # Pay for the partners already there and no more: no new patient partner, however long the list.
    coaching = int(coaching_role(r.role).sum())
    n_pp = int((r.role == PATIENT_PARTNER).sum())
    f = m.params.funding
    m.budget.weekly_allocation["partner_compensation"] = n_pp * m.params.peer_support.hours_per_week * f.partner_hourly_rate
    ret.training_fund = 100 * course
    ret.recruit()
    assert int(coaching_role(r.role).sum()) == coaching
    # Patient-partner candidates are partners in their own care (level 1 or more).
    r.engagement[:] = 0
    assert len(ret.candidates_patient_partner()) == 0



def test_the_room_for_new_patient_partners_leaves_what_every_paid_or_recognised_partner_costs():
    m = small(**{"funding.compensation.patient_partner": "paid", "funding.compensation.carer_partner": "recognition",
                 "funding.compensation.citizen_partner": "volunteer", })
    r, ret, f = m.residents, m.retention, m.params.funding
    one = m.params.peer_support.hours_per_week * f.partner_hourly_rate
    n_pp = int((r.role == PATIENT_PARTNER).sum())
    m.budget.weekly_allocation["partner_compensation"] = (n_pp + 5) * one
    assert ret.room_for_patient_partners() == 5
    # Two carer partners recognised from the same line leave room for fewer patient partners.
    m.assign_role(np.flatnonzero((r.role == NO_ROLE) & ~r.is_patient & (r.age_group == ADULT))[:2], CARER_PARTNER)
    recognised = 2 * f.recognition_cost_per_year / 52.0
    assert ret.room_for_patient_partners() == int((5 * one - recognised) // one) < 5
    # Volunteers cost the line nothing; unpaid patient and carer partners have no limit.
    m.assign_role(np.flatnonzero((r.role == NO_ROLE) & (r.age_group == ADULT))[:3], CITIZEN_PARTNER)
    assert ret.room_for_patient_partners() == int((5 * one - recognised) // one)
    m.params.funding.compensation.patient_partner = "volunteer"
    m.params.funding.compensation.carer_partner = "volunteer"
    assert ret.room_for_patient_partners() > 10**6


@pytest.mark.parametrize("patient_mode, carer_mode", [("volunteer", "paid"), ("paid", "recognition"),
                                                      ("paid", "paid"), ("timebank", "volunteer")])
def test_a_trainee_is_costed_as_the_patient_or_carer_partner_they_may_become(patient_mode, carer_mode):
    """Carers are drawn from the patient-partner trainees, so the line must be able to pay a trainee in either
    role: with volunteer patient partners and paid carers the room was unlimited, so paid carers were
    trained with nothing to pay them."""
    m = small(**{"funding.compensation.patient_partner": patient_mode, "funding.compensation.carer_partner": carer_mode,
                 "funding.compensation.citizen_partner": "volunteer", "retention.carer_share": 0.25})
    r, ret = m.residents, m.retention
    hours = np.array([m.params.peer_support.hours_per_week])
    owed = sum(ret.weekly_pay(role, r.capacity[r.role == role]) for role in (PATIENT_PARTNER, CARER_PARTNER))
    trainee = max(ret.weekly_pay(PATIENT_PARTNER, hours), ret.weekly_pay(CARER_PARTNER, hours))
    m.budget.weekly_allocation["partner_compensation"] = owed + 4.5 * trainee
    if trainee == 0:
        assert ret.room_for_patient_partners() > 10**6
    else:
        assert ret.room_for_patient_partners() == 4


def test_recognised_partners_are_never_marked_unpaid():
    """Only pay can go unpaid (and raise attrition): partners in recognition mode are not marked unpaid when the line is empty."""
    m = small(**{"funding.compensation.patient_partner": "recognition"})
    r = m.residents
    who = np.flatnonzero(r.role == PATIENT_PARTNER)
    assert len(who)
    m.budget.new_week()
    m.budget.pool = 0.0
    m.budget.weekly_allocation["partner_compensation"] = 0.0
    m.retention.pay_partners()
    assert not m.unpaid.any()


def test_recruitment_keeps_target_free_places_and_counts_the_citizen_partners_already_there():
    """Patient partners are trained until the free places reach demand + target_free_places; citizen partners up
    to their ratio to coaching partners, those already in the role counted."""
    m = small()
    r, ret, course = m.residents, m.retention, m.params.funding.training_cost
    ret.p.max_cohort = 20
    ret.p.citizen_partners_per_patient_partner = 0.0
    r.engagement[r.is_patient] = np.maximum(r.engagement[r.is_patient], 1)
    r.waiting_since[:] = -1
    m.events.clear()
    m.budget.weekly_allocation["partner_compensation"] = 1e9
    m.budget.weekly_allocation["training"] = 0.0
    ps = m.params.peer_support
    per_partner = max(1, int(ps.hours_per_week // ps.hours_per_patient))
    coaching = lambda: int(coaching_role(r.role).sum())

    ret.training_fund = 100 * course
    ret.p.target_free_places = m.peer_support.free_places()       # enough free places already
    before = coaching()
    ret.recruit()
    assert coaching() == before
    ret.p.target_free_places = m.peer_support.free_places() + 2 * per_partner
    ret.recruit()
    assert coaching() == before + 2
    # Unmet introductions count as demand too; carer_share of the trainees are carers.
    ret.p.target_free_places = m.peer_support.free_places()
    m.events["unmet_need"] = per_partner
    ret.p.carer_share = 1.0
    carers = int((r.role == CARER_PARTNER).sum())
    ret.recruit()
    assert coaching() == before + 3 and int((r.role == CARER_PARTNER).sum()) == carers + 1
    m.events.clear()

    ret.p.target_free_places = 0
    ret.p.citizen_partners_per_patient_partner = 1.5
    wanted = int(np.ceil(1.5 * coaching()))
    n_cp = int((r.role == CITIZEN_PARTNER).sum())
    assert n_cp < wanted
    m.assign_role(np.flatnonzero((r.role == NO_ROLE) & (r.age_group == ADULT) & ~r.is_patient)[:wanted - n_cp],
                  CITIZEN_PARTNER)
    ret.training_fund = 100 * course
    ret.recruit()                                              # the ratio is met: no one more
    assert int((r.role == CITIZEN_PARTNER).sum()) == wanted
    m.remove_role(np.flatnonzero(r.role == CITIZEN_PARTNER)[:1])
    ret.recruit()                                              # one short: one more
    assert int((r.role == CITIZEN_PARTNER).sum()) == wanted


def test_paid_citizen_partners_take_their_share_of_the_room_for_patient_partners():
    m = small(**{"funding.compensation.patient_partner": "paid", "funding.compensation.carer_partner": "paid",
                 "funding.compensation.citizen_partner": "paid"})
    r, ret, f = m.residents, m.retention, m.params.funding
    one = m.params.peer_support.hours_per_week * f.partner_hourly_rate
    assert (r.role == CITIZEN_PARTNER).any()
    owed = float(r.capacity[r.role != NO_ROLE].sum()) * f.partner_hourly_rate
    m.budget.weekly_allocation["partner_compensation"] = owed + 5 * one
    assert ret.room_for_patient_partners() == 5
    m.assign_role(np.flatnonzero((r.role == NO_ROLE) & (r.age_group == ADULT))[:2], CITIZEN_PARTNER)
    cp = 2 * m.params.retention.citizen_hours_per_week * f.partner_hourly_rate
    assert ret.room_for_patient_partners() == int((5 * one - cp) // one) < 5


def test_who_can_be_trained_for_each_role():
    """Not in crisis, for every role; patient partners: patients at level 1+ with a chronic or mental-health
    condition and not in peer support themselves; carers: adults who are not patients; citizen partners: sociable
    (sociability above 1), not isolated, adults or 65+."""
    m = small()
    r, ret = m.residents, m.retention
    r.engagement[r.is_patient] = np.maximum(r.engagement[r.is_patient], 1)
    m.in_crisis[:] = False
    r.isolated[:] = False
    pools = (ret.candidates_patient_partner, ret.candidates_carer, ret.candidates_citizen_partner)
    for pool in pools:
        who = pool()
        assert len(who) > 2
        m.in_crisis[who[0]] = True
        assert who[0] not in pool()
    carers = ret.candidates_carer()
    assert not r.is_patient[carers].any() and (r.age_group[carers] == ADULT).all()
    pp = ret.candidates_patient_partner()
    m.in_peer_support[pp[0]] = True
    assert pp[0] not in ret.candidates_patient_partner()
    cp = ret.candidates_citizen_partner()
    r.isolated[cp[0]] = True
    r.sociability[cp[1]] = 1.0
    assert cp[0] not in ret.candidates_citizen_partner() and cp[1] not in ret.candidates_citizen_partner()


# ============================================================================== individual states
def test_no_partner_becomes_a_co_leader_before_the_stewardship_group_meets():
    """With first partners of long standing (initial_partner_weeks beyond burn-in + level3_after_weeks), the
    burn-in's states step promoted them to level 3 before week 0, when there is no programme yet."""
    m = small(n=1000, seed=2, burn_in=60, **{"retention.initial_partner_weeks": 2080, "states.level3_per_year": 1.0})
    r = m.residents
    assert (r.role != NO_ROLE).any()
    assert not (r.engagement == 3).any()
    for _ in range(8):      # from week 0 they can be
        m.step()
    assert (r.engagement == 3).any()


def test_support_weights_peer_ties_and_isolation_starts_below_the_threshold():
    m = small(**{"states.peer_tie_weight": 0.0})
    r, t, states = m.residents, m.ties, m.states
    patient = int(fresh_patient(m)[0])
    partner = int(np.flatnonzero(r.role == PATIENT_PARTNER)[0])
    t.remove(t.ties_of(np.array([patient])))
    accompany(m, partner, patient, strength=0.8)
    states.update_ties()
    assert r.active_ties[patient] == 1 and m.support[patient] == 0.0   # an active tie of no weight
    friends = fresh_patient(m, 2 + states.p.isolation_threshold)[1:]
    friends = friends[friends != patient][:states.p.isolation_threshold - 1]
    t.add(np.full(len(friends), patient), friends, FRIEND, 0.8, m.week)
    states.update_ties()
    assert r.active_ties[patient] == states.p.isolation_threshold and not r.isolated[patient]
    assert m.support[patient] == pytest.approx(0.8 * len(friends))


def test_being_accompanied_lowers_loneliness_and_pauses_competency_return():
    m = small()
    r, states = m.residents, m.states
    who = fresh_patient(m, 2)
    m.support_received_week[:] = 0.0
    alone = states.target_loneliness()[who]
    m.support_received_week[who[0]] = 1.0
    accompanied = states.target_loneliness()[who]
    assert accompanied[0] < alone[0] and accompanied[1] == alone[1]
    r.usual_competency[who], r.competency[who] = 60.0, 40.0
    states.competency_return()
    assert r.competency[who[0]] == 40.0 and 40.0 < r.competency[who[1]] < 60.0


def test_crises_are_rarer_with_competency_and_cost_competency():
    m = small(**{"states.crisis_per_year": 2.0})
    r, states = m.residents, m.states
    r.loneliness[:] = 0.0
    counts = []
    for level in (85.0, 35.0):
        r.ed_visits[:] = 0
        for _ in range(10):
            r.competency[:] = level
            states.crises()
        counts.append(int(r.ed_visits.sum()))
    assert counts[1] > 2 * counts[0] > 0
    r.competency[:] = 50.0
    states.crises()
    assert (r.competency[m.in_crisis] == 50.0 - states.p.crisis_competency_loss).all()
    assert (r.competency[~m.in_crisis] == 50.0).all()


def test_level_one_needs_shared_decisions_and_level_three_needs_low_distress():
    m = small(**{"governance.seats.patients": 3, "states.level3_per_year": 1.0, "states.level3_after_weeks": 0})
    r = m.residents
    p = fresh_patient(m)[0]
    r.engagement[p], r.competency[p], r.shared_decisions[p] = 0, 90.0, 0.2
    m.states.partner_in_own_care()
    assert r.engagement[p] == 0
    partners = np.flatnonzero(r.role == PATIENT_PARTNER)
    r.engagement[partners], r.distress[partners], r.governance_seat[:] = 2, 0.9, False
    m.stewardship.tokenism = 0.0
    for _ in range(20):
        m.states.engagement()
        m.week += 1
    assert (r.engagement[partners] == 2).all() and not r.governance_seat.any()
    # Nor are partners who have not yet been in their role for level3_after_weeks.
    m.states.p.level3_after_weeks = 10
    r.distress[partners], r.partner_since[partners] = 0.0, m.week
    for _ in range(5):
        m.states.engagement()
        m.week += 1
    assert (r.engagement[partners] == 2).all() and not r.governance_seat.any()


def test_full_tokenism_stops_promotion_and_a_co_leader_out_of_role_takes_no_seat():
    """Promotion to level 3 has weekly chance weekly(level3_per_year) x (1 - tokenism); free seats go only
    to co-leaders still in a role."""
    m = small(**{"governance.seats.patients": 3, "states.level3_per_year": 1.0, "states.level3_after_weeks": 0})
    r = m.residents
    partners = np.flatnonzero(r.role == PATIENT_PARTNER)
    r.engagement[partners], r.distress[partners], r.governance_seat[:] = 2, 0.0, False
    m.stewardship.tokenism = 1.0
    m.states.engagement()
    assert (r.engagement[partners] == 2).all() and not r.governance_seat.any()
    former = int(fresh_patient(m)[0])                        # a co-leader who has left the role
    r.engagement[former] = 3
    m.stewardship.tokenism = 0.0
    m.states.engagement()
    assert (r.engagement[partners] == 3).all() and not r.governance_seat[former]


def test_loneliness_raises_the_crisis_chance_by_its_factor():
    """The weekly crisis chance is multiplied by crisis_lonely_factor for a lonely resident."""
    m = small(**{"states.crisis_per_year": 2.0, "states.crisis_lonely_factor": 4.0})
    r, states = m.residents, m.states
    counts = []
    for lonely in (0.0, 0.9):
        r.ed_visits[:] = 0
        for _ in range(10):
            r.competency[:], r.loneliness[:] = 60.0, lonely
            states.crises()
        counts.append(int(r.ed_visits.sum()))
    assert counts[1] > 2.5 * counts[0] > 0


def test_recovery_falls_with_loneliness():
    m = small()
    r = m.residents
    who = fresh_patient(m, 2)
    for name in ("participation", "helping", "recovery"):
        getattr(r, name)[who] = 0.5
    r.engagement[who] = 0
    r.loneliness[who] = [0.0, 1.0]
    m.attended_week[:] = False
    m.help_given_week[:] = 0.0
    m.states.recovery()
    assert r.recovery[who[0]] > r.recovery[who[1]]


def test_the_women_65_offset_raises_the_loneliness_of_women_65_plus_only():
    m = small(n=1500)
    r, states = m.residents, m.states
    states.p.women_65_offset = 0.0
    base = states.target_loneliness()
    states.p.women_65_offset = 1.0
    moved = states.target_loneliness() > base
    women_65 = r.woman & (r.age_group == SENIOR)
    assert women_65.any() and (r.woman & ~women_65).any()
    assert np.array_equal(moved, women_65)


def test_thresholds_of_active_ties_and_of_partnership_in_one_s_own_care_are_inclusive():
    """A tie of exactly active_tie_strength is active; a patient reaches level 1 at exactly level1_competency and
    level1_shared_decisions, and falls back only below level1_competency - 5 or below half those shared decisions."""
    m = small(**{"states.active_tie_strength": 0.25, "states.level1_competency": 60.0,
                 "states.level1_shared_decisions": 0.5})
    r, t, states = m.residents, m.ties, m.states
    patient, friend = fresh_patient(m, 2)
    t.remove(t.ties_of(np.array([patient])))
    t.add([patient], [friend], FRIEND, 0.25, m.week)
    states.update_ties()
    assert r.active_ties[patient] == 1
    r.engagement[patient], r.competency[patient], r.shared_decisions[patient] = 0, 60.0, 0.5
    states.partner_in_own_care()
    assert r.engagement[patient] == 1
    r.competency[patient], r.shared_decisions[patient] = 55.0, 0.25    # at the lower bounds: still level 1
    states.partner_in_own_care()
    assert r.engagement[patient] == 1
    r.shared_decisions[patient] = 0.24
    states.partner_in_own_care()
    assert r.engagement[patient] == 0
    r.engagement[patient], r.competency[patient], r.shared_decisions[patient] = 1, 54.9, 0.5
    states.partner_in_own_care()
    assert r.engagement[patient] == 0


def test_recovery_moves_towards_participation_helping_role_engagement_and_company():
    """Target recovery = 0.25 + 0.3 participation + 0.25 helping + 0.2 (in a role) + 0.1 (level 1+) - 0.3 loneliness,
    clipped to 0-1, where helping tracks min(help given, 4) / 4; recovery closes recovery_rate of the gap."""
    m = small()
    r, rate = m.residents, m.states.p.recovery_rate
    rng = np.random.default_rng(0)
    r.participation[:], r.helping[:], r.recovery[:] = 0.0, 0.0, 0.0
    r.loneliness[:] = rng.random(r.n).astype(np.float32) * 0.5
    m.attended_week[:] = rng.random(r.n) < 0.5
    m.help_given_week[:] = rng.integers(0, 8, r.n)
    m.states.recovery()
    participation = 0.1 * m.attended_week
    helping = 0.1 * np.minimum(m.help_given_week, 4.0) / 4.0
    target = np.clip(0.25 + 0.3 * participation + 0.25 * helping + 0.2 * (r.role != NO_ROLE) + 0.1 * (r.engagement >= 1)
                     - 0.3 * r.loneliness, 0.0, 1.0)
    assert (r.role != NO_ROLE).any() and (m.help_given_week > 4).any()
    assert np.allclose(r.helping, helping, atol=1e-6)
    assert np.allclose(r.recovery, rate * target, atol=1e-6)


def test_movers_keep_their_household_ties_and_partners_do_not_move_out():
    m = small(**{"states.moves_per_year": 1.0})             # everyone without a role moves out this week
    r, t = m.residents, m.ties
    s = t.live((HOUSEHOLD,))
    households = {(int(a), int(b)) for a, b in zip(t.a[s], t.b[s])}
    partners = np.flatnonzero(r.role != NO_ROLE)
    m.states.turnover()
    s = t.live((HOUSEHOLD,))
    assert {(int(a), int(b)) for a, b in zip(t.a[s], t.b[s])} == households
    assert (r.role[partners] != NO_ROLE).all() and (r.arrived_week[partners] != m.week).all()
    assert (r.arrived_week[r.role == NO_ROLE] == m.week).all()


# ============================================================================== ties
def test_a_tie_in_contact_this_week_does_not_decay():
    m = small(**{"ties.contact_probability": 0.0, "ties.friend_replacement_per_year": 0.0})
    t = m.ties
    m.week = 1
    s = t.live((FRIEND,))
    touched, idle = s[::2], s[1::2]
    t.last_contact[touched] = m.week
    t.last_contact[idle] = 0
    before = t.strength.copy()
    m.tie_dynamics.step()
    touched, idle = touched[t.alive[touched]], idle[t.alive[idle]]
    assert np.array_equal(t.strength[touched], before[touched])
    assert (t.strength[idle] < before[idle]).all()


def test_contact_grows_with_strength_and_a_crisis_at_either_end_halves_it():
    m = small(n=1500, **{"ties.contact_probability": 0.5, "ties.friend_replacement_per_year": 0.0})
    r, t = m.residents, m.ties
    m.week = 1
    s = t.live((KIN, FRIEND, MUTUAL_AID))
    s = s[t.b[s] < r.n]
    strong = np.zeros(t.size, dtype=bool)
    strong[s[::2]] = True
    t.strength[s] = np.where(strong[s], 0.9, 0.2)
    t.last_contact[s] = 0
    m.in_crisis[:] = False
    m.tie_dynamics._usual_mobility = np.ones(r.n)           # everyone equally mobile outside a crisis
    m.in_crisis[r.n // 2:] = True                            # residents above the middle id are in crisis
    m.tie_dynamics.step()
    met = t.last_contact[s] == m.week
    crisis_ends = m.in_crisis[t.a[s]].astype(int) + m.in_crisis[t.b[s]].astype(int)
    weak_calm, strong_calm = met[(crisis_ends == 0) & ~strong[s]].mean(), met[(crisis_ends == 0) & strong[s]].mean()
    assert strong_calm > 1.5 * weak_calm                    # (0.3 + 0.9) against (0.3 + 0.2)
    one_end = met[(crisis_ends == 1) & strong[s]].mean()
    assert one_end == pytest.approx(strong_calm / 2, rel=0.25)


def test_people_who_cannot_go_out_replace_no_friends():
    m = small(**{"ties.friend_replacement_per_year": 52.0})
    r, t = m.residents, m.ties
    lost = np.flatnonzero(r.usual_friends >= 3)[:30]
    t.remove(t.ties_of(lost, (FRIEND,)))
    m.week = 1
    assert m.tie_dynamics.replace_friends(np.zeros(r.n, dtype=np.float32)) == 0
    assert m.tie_dynamics.replace_friends(np.ones(r.n, dtype=np.float32)) > 0


def test_seniors_living_alone_and_chronic_patients_go_out_less():
    """Usual mobility: senior_alone_mobility for a person 65+ living alone, times chronic_mobility for a chronic condition."""
    m = small(**{"ties.senior_alone_mobility": 0.5, "ties.chronic_mobility": 0.8})
    r = m.residents
    mob = m.tie_dynamics.usual_mobility()
    alone = r.lives_alone & (r.age_group == SENIOR)
    for senior_alone, chronic, expected in ((False, False, 1.0), (True, False, 0.5), (False, True, 0.8), (True, True, 0.4)):
        group = (alone == senior_alone) & (r.chronic == chronic)
        assert group.any() and np.allclose(mob[group], expected)


def test_children_replace_lost_friends_with_children_and_adults_with_adults():
    """A friendship takes two: children befriend children (and adults adults)."""
    m = small(**{"ties.friend_replacement_per_year": 52.0})
    r, t = m.residents, m.ties
    child = r.age_group == CHILD
    r.usual_friends[child] = 3
    t.remove(t.live((FRIEND,)))
    m.week = 1
    for _ in range(4):
        m.tie_dynamics.replace_friends(np.ones(r.n, dtype=np.float32))
    s = t.live((FRIEND,))
    a, b = t.a[s], t.b[s]
    assert (child[a] & child[b]).sum() > 0 and (~child[a] & ~child[b]).sum() > 0
    assert (child[a] == child[b]).all()


def test_closure_share_is_the_share_of_new_friends_met_through_a_friend():
    """With no neighbour to meet, new friends come only through friends: all of them at closure_share 1, none at 0."""
    m = small(**{"ties.friend_replacement_per_year": 52.0})
    r, t, td = m.residents, m.ties, m.tie_dynamics
    m.activities.random_neighbour = lambda who: np.full(len(who), -1, dtype=np.int64)
    lost = np.flatnonzero(r.usual_friends >= 3)[:60]
    t.remove(t.ties_of(lost, (FRIEND,)))
    m.week = 1
    td.p.closure_share = 0.0
    assert td.replace_friends(np.ones(r.n, dtype=np.float32)) == 0
    td.p.closure_share = 1.0
    assert td.replace_friends(np.ones(r.n, dtype=np.float32)) > 0


def test_only_ties_below_the_threshold_dissolve_and_never_household_or_care_team_ties():
    m = small(**{"ties.contact_probability": 0.0, "ties.friend_replacement_per_year": 0.0, "ties.dissolve_below": 0.25})
    t = m.ties
    m.week = 1
    live = t.live()
    t.last_contact[live] = m.week                            # in contact this week: no decay
    friends = t.live((FRIEND,))[:2]
    kept = [friends[0], t.live((HOUSEHOLD,))[0], t.live((CARE_TEAM,))[0]]
    t.strength[kept] = [0.25, 0.01, 0.01]
    t.strength[friends[1]] = 0.24
    m.tie_dynamics.step()
    assert t.alive[kept].all() and not t.alive[friends[1]]


# ============================================================================== network
def test_tie_table_keeps_the_stronger_tie_and_a_peer_tie_beside_a_social_one():
    t = TieTable(10)
    slot = t.add([1], [2], FRIEND, 0.6, 3)[0][0]
    t.add([2], [1], KIN, 0.2, 7)                             # the pair's social tie again, weaker
    assert t.strength[slot] == pytest.approx(0.6) and t.last_contact[slot] == 7 and t.count() == 1
    peer = t.add([1], [2], PEER_SUPPORT, 0.3, 7)[0][0]
    assert peer != slot and t.count() == 2 and t.find(1, 2, FRIEND)[0] == slot
    t.strength[slot] = 0.2
    t.contact(np.array([slot]), 0.5, 8)                      # half the way to 1
    assert t.strength[slot] == pytest.approx(0.6)
    t.strength[slot] = 0.95
    t.contact(np.array([slot]), 0.9, 8)
    assert t.strength[slot] <= 1.0
    t.helper[slot] = 1
    t.remove([slot])
    reused = t.add([3], [4], FRIEND, 0.5, 9)[0][0]
    assert reused == slot and t.helper[reused] == -1       # a reused slot forgets who helped last


def test_initial_network_respects_homophily_kin_age_and_who_has_fewer_friends():
    m = small(**{"network.homophily": 1.0, "network.triadic_closure": 0.0})
    r, t = m.residents, m.ties
    s = t.live((FRIEND,))
    a, b = t.a[s], t.b[s]
    assert (r.age_group[a] == r.age_group[b]).all() and (r.equity_group[a] == r.equity_group[b]).all()
    s = t.live((KIN,))
    assert (r.age_group[t.a[s]] != CHILD).all() and (r.age_group[t.b[s]] != CHILD).all()
    factor = m.params.network.friends_factor_65_alone
    seniors = r.age_group == SENIOR
    group = np.asarray([m.params.population.equity_groups[g].tie_factor for g in m.equity_group_names])[r.equity_group]
    assert np.allclose(r.tie_factor[seniors & r.lives_alone], factor * group[seniors & r.lives_alone])
    assert np.allclose(r.tie_factor[seniors & ~r.lives_alone], group[seniors & ~r.lives_alone])


def test_a_contact_with_two_ties_introduces_them():
    m = small()
    r = m.residents
    hub, u, v = np.flatnonzero(r.age_group == ADULT)[:3]
    t = TieTable(r.n)
    t.add([hub, hub], [u, v], FRIEND, 0.5, 0)
    assert close_triangles(t, r, 1, np.random.default_rng(0), week=0, strength=0.3, nodes=np.array([hub])) == 1
    assert t.find(u, v, FRIEND)[0] >= 0


def test_tie_table_drops_self_ties_and_finds_a_tie_from_either_end():
    """A self-tie is no tie (slot -1, nothing formed); ``ties_of`` finds a tie from its higher end as from its lower."""
    t = TieTable(10)
    slots, new = t.add([3, 2], [3, 5], FRIEND, 0.5, 0)
    assert slots[0] == -1 and not new[0] and t.count() == 1
    assert t.ties_of(np.array([5])).tolist() == [slots[1]] == t.ties_of(np.array([2])).tolist()


def initial_network(seed: int = 5, **params):
    r = generate_residents(PopulationParams(n_patients=400), np.random.default_rng(seed))
    return r, generate_network(r, NetworkParams(**params), np.random.default_rng(seed + 1), r.n)


def test_children_befriend_children_even_through_a_friend_and_draw_fewer_friends():
    """Without homophily only the children's rule keeps them apart: no friend tie, drawn among neighbours or
    closed through a common contact (a parent), joins a child and an adult; children draw 0.6 as many friends."""
    for closure in (0.0, 1.0):
        r, t = initial_network(homophily=0.0, triadic_closure=closure)
        child = r.age_group == CHILD
        s = t.live((FRIEND,))
        assert len(s) and (child[t.a[s]] == child[t.b[s]]).all()
    assert np.allclose(r.tie_factor[child], 0.6) and np.allclose(r.tie_factor[(r.age_group == ADULT)], 1.0)
    hub, kid = np.flatnonzero(~child)[0], np.flatnonzero(child)[0]
    adult = np.flatnonzero(~child)[1]
    t = TieTable(r.n)
    t.add([hub, hub], [kid, adult], np.array([HOUSEHOLD, FRIEND]), 0.5, 0)   # a child at home, an adult friend
    assert close_triangles(t, r, 1, np.random.default_rng(0), week=0, strength=0.3, nodes=np.array([hub])) == 0


def test_initial_kin_and_friend_ties_have_their_mean_number_and_strength():
    """Each kin tie is drawn half from each end, so an adult or senior has about ``kin_outside_mean`` kin ties
    (a few offers fall on children or housemates); friend strengths average ``initial_strength_mean``."""
    r, t = initial_network(triadic_closure=0.0, initial_strength_mean=0.25)
    kin = t.per_node(t.live((KIN,)), n=r.n)[r.age_group != CHILD].mean()
    assert 0.7 * 2.4 < kin < 2.4
    assert t.strength[t.live((FRIEND,))].mean() == pytest.approx(0.25, abs=0.03)


def test_triadic_closure_at_the_start_adds_friends_of_friends():
    """The same community and draws, with a share of residents closing one triangle each: the friend ties
    of the open network, and new ones between two contacts of a resident."""
    r, open_ = initial_network(triadic_closure=0.0)
    _, closed = initial_network(triadic_closure=0.5)
    before, after = (set(zip(t.a[t.live((FRIEND,))].tolist(), t.b[t.live((FRIEND,))].tolist())) for t in (open_, closed))
    assert before < after and len(after - before) > 0.25 * 0.5 * r.n


# ============================================================================== population
def test_demography_follows_its_shares():
    p = PopulationParams(n_patients=4000, share_single_parent_families=0.85, share_women_65plus=0.9)
    r = generate_residents(p, np.random.default_rng(1))
    child, adult, senior = (r.age_group == g for g in (CHILD, ADULT, SENIOR))
    assert not r.mental_health[child].any()
    assert r.chronic[senior].mean() > r.chronic[adult].mean() > r.chronic[child].mean()
    assert r.is_patient[senior].mean() > r.is_patient[adult].mean()            # 65+ weigh twice
    assert r.woman[senior].mean() > 0.8 and abs(r.woman[adult].mean() - 0.5) < 0.05
    families = np.unique(r.household[child])
    parents = np.bincount(r.household[adult & np.isin(r.household, families)], minlength=r.household.max() + 1)[families]
    assert (parents == 1).mean() > 0.75
    assert r.lives_alone[senior].mean() == pytest.approx(p.share_65plus_living_alone, abs=0.02)


def test_patients_are_drawn_by_their_weight_and_conditions_keep_to_whom_they_concern():
    """65+ weigh ``patient_weight_65plus`` in the draw of patients (0: none of them, while others are left);
    the clinic's mental-health share and end of life concern adult patients only, never children or citizens."""
    p = PopulationParams(n_patients=1000, citizens_per_patient=2.0, patient_weight_65plus=0.0, mental_health=0.0,
                         mental_health_patients=0.9, end_of_life=0.5)
    r = generate_residents(p, np.random.default_rng(2))
    child, senior = r.age_group == CHILD, r.age_group == SENIOR
    assert not r.is_patient[senior].any() and r.is_patient.sum() == 1000
    assert not r.mental_health[child].any() and not r.mental_health[~r.is_patient].any()
    assert r.mental_health[r.is_patient & ~child].mean() == pytest.approx(0.9, abs=0.05)
    assert not r.end_of_life[child | ~r.is_patient].any()
    assert r.end_of_life[r.is_patient & ~child].mean() == pytest.approx(0.5, abs=0.06)


def test_households_share_an_equity_group_and_neighbourhoods_lie_side_by_side():
    """A household is of one equity group; neighbourhood ``j`` occupies ``x`` in ``[j, j + 1)`` so that
    neighbours (near in space) are of the same neighbourhood; shares all 0 make groups equally likely."""
    p = PopulationParams(n_patients=600, neighbourhoods=[{"name": "a"}, {"name": "b"}, {"name": "c"}],
                         equity_groups={"x": {"share": 0.0}, "y": {"share": 0.0}})
    r = generate_residents(p, np.random.default_rng(4))
    for h in np.unique(r.household):
        assert len(set(r.equity_group[r.household == h].tolist())) == 1
    assert set(r.neighbourhood.tolist()) == {0, 1, 2}
    assert ((r.x >= r.neighbourhood) & (r.x < r.neighbourhood + 1)).all()
    assert np.bincount(r.equity_group).min() > 0.4 * r.n


def test_the_number_of_residents_is_rounded_to_the_nearest():
    """Patients and their ``citizens_per_patient`` each: 100 x 1.337 = 133.7 residents is 134, not 133."""
    p = PopulationParams(n_patients=100, citizens_per_patient=0.337)
    assert p.n_residents == 134 == generate_residents(p, np.random.default_rng(0)).n


def test_a_demography_that_rounds_to_no_adults_is_refused():
    """20 residents, half of them children and 48% 65+: the shares sum below 1, but the counts round to
    no adult, and a community without adults cannot be built (no parent for the children)."""
    p = PopulationParams(n_patients=20, citizens_per_patient=0.0, share_children=0.5, share_65plus=0.48)
    with pytest.raises(ScenarioError, match=r"at least one adult among the 20 residents; found 10 children and 10 aged 65\+"):
        generate_residents(p, np.random.default_rng(0))


def test_the_first_patient_partners_start_with_a_partners_competency():
    """The programme's first patient partners are experienced: competency at least 70 (others keep theirs)."""
    scenario = load_scenario(scale_scenario(load_scenario("centre-sud"), 600), {
        "retention.initial_patient_partners": 8, "population.competency_mean": 40.0, "network.burn_in_weeks": 0})
    m = CaringCommunity(scenario, rng=3)
    r = m.residents
    first = np.flatnonzero(r.role == PATIENT_PARTNER)
    assert len(first) >= 3 and (r.competency[first] >= 70.0).all()
    assert (r.competency[first] > r.usual_competency[first]).any()
    others = r.role == NO_ROLE
    assert np.array_equal(r.competency[others], r.usual_competency[others])


def test_organizations_start_with_members_up_to_their_capacity_and_partnerships_at_their_density():
    """Every resident of the target public a member (share 1) still fills an organization to its capacity only;
    partnership ties among organizations at density 0: none but the community organizer's, at 1: every pair."""
    from sim.network import INTER_ORG
    for density in (0.0, 1.0):
        m = small(**{"network.membership_share": 1.0, "network.interorg_density": density})
        orgs = m.organizations
        assert all(m.org_members()[o.node] == o.capacity for o in orgs)
        nodes = {o.node for o in orgs}
        s = m.ties.live((INTER_ORG,))
        pairs = {(int(a), int(b)) for a, b in zip(m.ties.a[s], m.ties.b[s]) if a in nodes and b in nodes}
        assert len(pairs) == (0 if density == 0.0 else len(orgs) * (len(orgs) - 1) // 2)


def test_each_partnered_organization_starts_tied_to_a_community_organizer():
    """Where the clinic has community organizers, each partnered organization has a partnership tie to one."""
    from sim.network import INTER_ORG
    m = small("rhizomes", n=1200, **{"network.interorg_density": 0.0})
    organizers = {c.node for c in m.clinicians if c.profession == "community_organizer"}
    s = m.ties.live((INTER_ORG,))
    tied = {int(b) for a, b in zip(m.ties.a[s], m.ties.b[s]) if int(a) in organizers}
    partnered = {o.node for o in m.organizations if o.partnered}
    assert organizers and partnered and tied == partnered


def test_without_a_burn_in_loneliness_starts_at_the_level_support_sets():
    """Loneliness starts where each resident's support, need and propensity set it, not at one common value."""
    m = small()
    r = m.residents
    assert np.allclose(r.loneliness, m.states.target_loneliness(), atol=1e-6) and r.loneliness.std() > 0.05


def test_shared_decisions_start_at_the_level_the_clinicians_buy_in_sustains():
    """Buy-in b raises shared decisions at b x rate and, outside partnership, lowers them at (1 - b) x rate / 2:
    with every clinician at b = 0.5, patients start about 2/3 of the way (not b itself)."""
    m = small(**{"clinical.buy_in_mean": 0.5, "clinical.buy_in_sd": 0.0})
    r = m.residents
    seen = r.is_patient & (r.clinician >= 0)
    assert seen.sum() > 100 and r.shared_decisions[seen].mean() == pytest.approx(2 / 3, abs=0.02)


def test_a_newcomer_is_not_waiting_and_has_no_support_history():
    m = small()
    r = m.residents
    i = fresh_patient(m, 1)
    r.waiting_since[i], r.sessions[i], r.first_support_week[i] = 3, 7, 2
    r.reset_person(i, np.random.default_rng(0), m.params.population)
    assert r.waiting_since[i] == -1 and r.sessions[i] == 0 and r.first_support_week[i] == -1


def test_a_newcomer_starts_with_a_newcomers_state_in_every_field():
    """A newcomer taking a leaver's place inherits none of the leaver's state: no role, care history,
    visits, end of life or competency; their competency is their own usual level, freshly drawn."""
    m = small()
    r = m.residents
    i = fresh_patient(m, 2)
    r.role[i], r.partner_since[i], r.end_of_life[i], r.ed_visits[i], r.admissions[i] = PATIENT_PARTNER, 4, True, 5, 2
    r.usual_competency[i], r.competency[i], r.governance_seat[i], r.capacity[i] = 55.0, 99.0, True, 3.0
    r.engagement[i], r.loneliness[i], r.timebank[i], r.distress[i] = 3, 0.9, 4.0, 0.8
    r.reset_person(i, np.random.default_rng(0), m.params.population)
    assert (r.role[i] == NO_ROLE).all() and (r.partner_since[i] == -1).all() and not r.end_of_life[i].any()
    assert (r.ed_visits[i] == 0).all() and (r.admissions[i] == 0).all() and not r.governance_seat[i].any()
    assert (r.capacity[i] == 0).all() and (r.engagement[i] == 0).all() and np.allclose(r.loneliness[i], 0.3)
    assert (r.timebank[i] == 0).all() and (r.distress[i] == 0).all()
    assert (r.usual_competency[i] != 55.0).all() and (r.competency[i] == r.usual_competency[i]).all()


# ============================================================================== community activities
def test_a_citizen_accompaniment_lasts_its_weeks_ends_with_its_partner_and_counts_as_support():
    m = small(**{"activities.brokering_probability": 0.0})
    r, act = m.residents, m.activities
    weeks = act.p.accompaniment_weeks
    m.assign_role(np.flatnonzero((r.role == NO_ROLE) & ~r.is_patient & (r.age_group == ADULT))[:1], CITIZEN_PARTNER)
    cps = np.flatnonzero(r.role == CITIZEN_PARTNER)[:2]
    a, b, c = fresh_patient(m, 3)
    m.week = 100
    act.accompanied_by[[a, b, c]] = [cps[0], cps[0], cps[1]]
    act.accompanied_since[[a, b, c]] = [m.week - weeks + 1, m.week - weeks, m.week - 1]
    m.remove_role(cps[1:2])
    m.support_received_week[:] = 0.0
    act.end_accompaniments()
    act.broker()
    assert act.accompanied_by[a] == cps[0] and m.support_received_week[a] > 0     # still within its weeks
    assert act.accompanied_by[b] == -1                                            # its weeks are over
    assert act.accompanied_by[c] == -1                                            # its partner left the role
    assert m.support_received_week[b] == m.support_received_week[c] == 0


def test_a_patient_referred_again_keeps_their_citizen_partner():
    """A referred patient already accompanied by a citizen partner is not taken on again (same partner, same start)."""
    m = small(**{"activities.brokering_probability": 0.0})
    r, act = m.residents, m.activities
    cps = np.flatnonzero(r.role == CITIZEN_PARTNER)
    assert len(cps)
    patient = int(fresh_patient(m)[0])
    m.week = 10
    act.accompanied_by[:] = -1
    act.accompanied_by[patient], act.accompanied_since[patient] = cps[0], 8
    m.referrals[:] = [patient]
    m.events.clear()
    act.assign_referrals()
    assert act.accompanied_by[patient] == cps[0] and act.accompanied_since[patient] == 8
    assert m.events["accompaniments"] == 0


def test_a_place_freed_by_an_ended_accompaniment_takes_this_weeks_referral():
    """Accompaniments end before referrals are assigned: the partner's freed place takes a new
    patient the same week, and a patient whose accompaniment ended can be taken on again."""
    m = small(**{"activities.brokering_probability": 0.0, "activities.citizen_partner_caseload": 1})
    r, act = m.residents, m.activities
    cps = np.flatnonzero(r.role == CITIZEN_PARTNER)
    assert len(cps)
    old, new = fresh_patient(m, 2)
    m.week = 100
    act.accompanied_by[:] = -1
    act.accompanied_by[cps] = -1
    act.accompanied_by[old] = cps[0]                                  # every partner's one place is taken,
    act.accompanied_since[old] = m.week - act.p.accompaniment_weeks   # the first one's accompaniment just ended
    others = fresh_patient(m, len(cps) + 2)[2:]
    act.accompanied_by[others[:len(cps) - 1]] = cps[1:]
    act.accompanied_since[others[:len(cps) - 1]] = m.week
    m.referrals[:] = [new]
    m.events.clear()
    act.step()
    assert act.accompanied_by[new] == cps[0] and act.accompanied_since[new] == m.week
    assert m.events["referrals_unserved"] == 0 and m.events["accompaniments"] == 1
    assert act.accompanied_by[old] == -1


def test_a_brokered_introduction_forms_a_mutual_aid_tie():
    m = small(**{"activities.brokering_probability": 1.0, "activities.organization_share": 0.0,
                 "activities.homophily": 0.0})
    r, act, t = m.residents, m.activities, m.ties
    m.coordination_level, m.week = 1.0, 10
    cp = int(np.flatnonzero(r.role == CITIZEN_PARTNER)[0])
    patients = fresh_patient(m, 5)
    act.accompanied_by[patients], act.accompanied_since[patients] = cp, m.week
    before = t.count()
    m.events.clear()
    act.broker()
    assert m.events["brokered_ties"] > 0
    new = t.live()[t.formed[t.live()] == m.week]
    assert len(new) and (t.kind[new] == MUTUAL_AID).all()
    assert t.count() - before == m.events["brokered_ties"]


def test_brokering_follows_coordination_and_homophily_keeps_introductions_within_an_age_group():
    """The chance of an introduction is brokering_probability x coordination_level; at homophily 1 an introduction
    across age groups is never followed up."""
    m = small(**{"activities.brokering_probability": 1.0, "activities.organization_share": 0.0,
                 "activities.homophily": 1.0})
    r, act, t = m.residents, m.activities, m.ties
    m.week = 10
    cp = int(np.flatnonzero(r.role == CITIZEN_PARTNER)[0])
    patients = np.concatenate([fresh_patient(m, 15, age_group=ADULT), fresh_patient(m, 15, age_group=SENIOR)])
    act.accompanied_by[patients], act.accompanied_since[patients] = cp, m.week
    m.events.clear()
    m.coordination_level = 0.0
    act.broker()
    assert m.events["brokered_ties"] == 0 and m.events["brokered_memberships"] == 0
    m.coordination_level = 1.0
    act.broker()
    new = t.live((MUTUAL_AID,))
    new = new[t.formed[new] == m.week]
    assert len(new) > 0 and (r.age_group[t.a[new]] == r.age_group[t.b[new]]).all()


def test_each_target_public_is_who_the_documentation_says():
    """families: single parents and children; adults: everyone but children; end_of_life: palliative patients and
    chronic patients 65+; seniors: 65+."""
    from sim.submodels.activities import targets_mask
    m = small(n=1500)
    r = m.residents
    idx = np.arange(r.n)
    child, senior = r.age_group == CHILD, r.age_group == SENIOR
    expected = {"all": np.ones(r.n, dtype=bool), "seniors": senior, "families": r.single_parent | child,
                "adults": ~child, "mental_health": r.mental_health, "end_of_life": r.end_of_life | (r.chronic & senior)}
    for target, want in expected.items():
        assert np.array_equal(targets_mask(m, target, idx), want), target
    assert (child & ~r.single_parent).any() and (r.chronic & senior & ~r.end_of_life).any()
    assert (r.age_group == ADULT).any()


def test_closed_organizations_take_no_members_and_a_membership_starts_at_half_strength():
    m = small(n=1500)
    r, act, t = m.residents, m.activities, m.ties
    for o in m.organizations:
        o.capacity = o.full_capacity = 100_000
        o.target = "all"
        o.open = False
    m.week = 5
    adults = np.flatnonzero(r.age_group != CHILD)
    assert act.join(adults) == 0
    for o in m.organizations:
        o.open = True
    assert act.join(adults) > 0
    s = t.live((6,))                                          # MEMBERSHIP
    s = s[t.formed[s] == m.week]
    assert len(s) and np.allclose(t.strength[s], 0.5)


def test_attending_keeps_membership_and_co_attendance_ties_up_and_homophily_keeps_new_ones_within_an_age_group():
    """An attendee's membership tie is in contact and grows; two attendees who already share a tie strengthen it;
    at homophily 1 new co-attendance ties join people of the same age group."""
    m = small(**{"activities.attendance": 1.0, "activities.pairs_per_attendee": 5.0, "activities.homophily": 1.0})
    r, t = m.residents, m.ties
    m.week = 3
    s = t.live((6,))                                          # MEMBERSHIP
    t.strength[s], t.last_contact[s] = 0.5, 0
    m.activities.attend()
    assert (t.last_contact[s] == m.week).all() and (t.strength[s] > 0.5).all()
    new = t.live((MUTUAL_AID,))
    new = new[t.formed[new] == m.week]
    assert len(new) > 0 and (r.age_group[t.a[new]] == r.age_group[t.b[new]]).all()
    # Two members of the same age alone in their organization, already tied, meet and strengthen their tie.
    m.week = 4
    s = t.live((6,))
    org = int(np.bincount(t.b[s]).argmax())
    members = t.a[s][t.b[s] == org]
    u = members[0]
    v = members[1:][r.age_group[members[1:]] == r.age_group[u]][0]
    t.remove(s[(t.b[s] == org) & (t.a[s] != u) & (t.a[s] != v)])
    pair = t.add([u], [v], MUTUAL_AID, 0.2, 0, origin=org)[0][0]
    t.strength[pair] = 0.2
    m.activities.attend()
    assert t.strength[pair] > 0.2


def test_co_attendance_ties_remember_their_organization():
    m = small(**{"activities.attendance": 1.0, "activities.pairs_per_attendee": 5.0, "activities.homophily": 0.0})
    t = m.ties
    m.week = 1
    m.activities.attend()
    new = t.live((MUTUAL_AID,))
    new = new[t.formed[new] == m.week]
    assert len(new) > 0
    nodes = {o.node for o in m.organizations}
    assert set(t.origin[new].tolist()) <= nodes
    for s in new[:20]:                        # both ends are members of the organization
        for end in (t.a[s], t.b[s]):
            assert t.find(end, t.origin[s], 6)[0] >= 0   # MEMBERSHIP


def test_residents_join_organizations_of_their_neighbourhood_with_room():
    m = small("rhizomes", n=1200)
    r, act = m.residents, m.activities
    org = {o.node: o for o in m.organizations}
    members = m.org_members()
    for o in m.organizations:                                 # three places left in each
        o.capacity = o.full_capacity = int(members[o.node]) + 3
    act.join(np.flatnonzero(r.age_group != CHILD))
    members = m.org_members()
    assert all(members[o.node] <= o.capacity for o in m.organizations)      # never beyond capacity
    assert sum(members[o.node] == o.capacity for o in m.organizations) >= len(m.organizations) // 2
    for o in m.organizations:                                 # room for everyone
        o.capacity = o.full_capacity = 100_000
    before = m.ties.count()
    act.join(np.flatnonzero(r.age_group != CHILD))
    assert m.ties.count() - before > 100
    s = m.ties.live((6,))                                     # MEMBERSHIP
    nb_of_org = np.array([m.org_neighbourhood[org[int(b)].unique_id] for b in m.ties.b[s]])
    assert (r.neighbourhood[m.ties.a[s]] == nb_of_org).all()


def test_a_resident_does_not_join_an_organization_they_already_belong_to():
    """Their place goes to an organization they are not a member of yet (it once went to waste)."""
    m = small(n=1500)
    r, act = m.residents, m.activities
    for o in m.organizations:
        o.capacity = o.full_capacity = 100_000
        o.target = "all"
    adults = np.flatnonzero((r.age_group != CHILD) & (r.neighbourhood == 0))
    nodes = np.array([o.node for o in m.organizations if m.org_neighbourhood[o.unique_id] == 0])
    assert len(nodes) >= 2
    m.ties.remove(m.ties.live((6,)))                          # no one is a member, then everyone joins
    m.ties.add(np.repeat(adults, len(nodes) - 1), np.tile(nodes[:-1], len(adults)), 6, 0.5, 0)   # all but the last
    joined = act.join(adults)
    assert joined == len(adults)                              # every one of them joined something new
    last = m.ties.find(adults, np.full(len(adults), nodes[-1]), 6)
    assert (last >= 0).all()                                  # the only organization they were not in


def test_isolated_residents_rarely_join_on_their_own():
    m = small(n=1500, **{"activities.spontaneous_joining_per_year": 1.0})
    r = m.residents
    for o in m.organizations:
        o.capacity = o.full_capacity = 100_000
        o.target = "all"
    m.ties.remove(m.ties.live((6,)))                          # no one is a member
    r.isolated[:] = np.arange(r.n) % 2 == 0
    m.activities.join_spontaneously()
    members = np.zeros(r.n, dtype=bool)
    members[m.ties.a[m.ties.live((6,))]] = True
    assert members[~r.isolated].mean() > 0.9
    assert members[r.isolated].mean() < 0.5


# ============================================================================== clinical encounters
def clinic(**overrides):
    m = small(**{"clinical.detection": 1.0, "clinical.consent": 1.0, "clinical.visits_per_year": 52.0,
                 "clinical.waiting_list_max": 100_000, **overrides})
    r = m.residents
    for c in m.clinicians:
        c.buy_in, c.capacity = 1.0, 10_000
    m.in_crisis[:] = False
    r.waiting_since[:] = -1
    m.group_access[:] = 1.0
    return m, r


def test_only_patients_in_need_and_not_yet_waiting_are_introduced():
    m, r = clinic()
    r.isolated[:], r.loneliness[:] = False, 0.0
    r.competency[:] = 90.0                                    # no one in need
    m.clinical.see_patients()
    assert m.events["introductions"] == 0
    r.competency[:] = 10.0                                    # everyone in need
    m.week = 5
    m.clinical.see_patients()
    introduced = r.waiting_since == 5
    assert introduced.any() and (r.competency[introduced] < m.clinical.p.low_competency).all()
    m.week = 6                                                # those waiting are not introduced again
    m.events.clear()
    m.clinical.see_patients()
    assert introduced.sum() == (r.waiting_since == 5).sum()


def test_a_full_waiting_list_stops_introductions_and_the_focus_public_is_respected():
    m, r = clinic(**{"clinical.waiting_list_max": 100, "clinical.focus": "seniors"})
    limit = m.clinical.p.waiting_list_max                     # scaled with the population
    assert limit >= 2
    for partner in np.flatnonzero(r.role != NO_ROLE):
        m.remove_role(np.array([partner]))                    # no free places
    r.competency[:] = 0.0
    waiting = fresh_patient(m, limit)
    r.waiting_since[waiting] = 0
    m.week = 3
    m.clinical.see_patients()
    assert m.events["introductions"] == 0 and m.events["unmet_need"] > 0
    r.waiting_since[waiting] = -1
    m.week = 4
    m.clinical.see_patients()
    introduced = np.flatnonzero(r.waiting_since == 4)
    assert len(introduced) == limit and (r.age_group[introduced] == SENIOR).all()


def test_shared_decisions_drift_down_outside_partnership():
    """After an encounter not in partnership, shared_decisions x= 1 - 0.5 x shared_decision_rate."""
    m, r = clinic()
    for c in m.clinicians:
        c.buy_in = 0.0
    pts = m.clinical.patients
    r.shared_decisions[pts] = 0.5
    m.clinical.see_patients()
    assert m.events["encounters"] > 0 and m.events["partnership_encounters"] == 0
    assert (r.shared_decisions[pts] <= 0.5).all() and (r.shared_decisions[pts] < 0.5).sum() == m.events["encounters"]
    rate = m.clinical.p.shared_decision_rate
    assert np.allclose(r.shared_decisions[pts], 0.5 * (1.0 - 0.5 * rate))   # visit chance 1: all seen


def test_a_clinician_short_of_time_sees_escalations_then_crises_and_a_crisis_always_seeks_care():
    """Priority U(0,1) + 2 x escalated + 1 x in crisis within a capacity of one; a patient in crisis seeks an
    encounter even when they would not otherwise (visit chance 0)."""
    m, r = clinic()
    pts = m.clinical.patients
    doc = r.clinician[pts]
    c = int(np.bincount(doc).argmax())                       # the clinician with the largest panel
    mine = pts[doc == c][:3]
    assert len(mine) == 3
    m.clinicians[c].capacity = 1
    escalated, crisis, ordinary = mine
    for expected, flags in ((escalated, (True, True)), (crisis, (False, True))):
        r.shared_decisions[:] = 0.0                          # seen in partnership (buy-in 1): it rises
        m.clinical.escalated[:] = False
        m.clinical.escalated[escalated] = flags[0]
        m.in_crisis[:] = False
        m.in_crisis[crisis] = flags[1]
        m.clinical.see_patients()
        seen = mine[r.shared_decisions[mine] > 0]
        assert list(seen) == [expected]
    m.clinical.visit_p[:] = 0.0
    r.shared_decisions[:] = 0.0
    m.in_crisis[:] = False
    m.in_crisis[ordinary] = True
    m.clinical.see_patients()
    assert r.shared_decisions[ordinary] > 0 and m.events["encounters"] >= 1


def test_loneliness_alone_is_a_need_and_partners_or_groups_without_access_are_not_introduced():
    """A lonely patient (not isolated, competent) is in need; a resident with a role is never introduced;
    a patient whose equity group has access 0 never consents."""
    m, r = clinic()
    r.isolated[:], r.competency[:] = False, 90.0
    r.loneliness[:] = 0.9                                     # lonely, and only lonely
    groups = r.equity_group[m.clinical.patients]
    shut = int(np.bincount(groups).argmax())
    m.group_access[shut] = 0.0
    m.week = 7
    m.clinical.see_patients()
    introduced = r.waiting_since == 7
    assert introduced.sum() > 0
    assert not (introduced & (r.role != NO_ROLE)).any()
    assert (r.role[m.clinical.patients] != NO_ROLE).any()     # there were partners among the patients seen
    assert not (introduced & (r.equity_group == shut)).any()


def test_without_the_programme_no_clinician_training_is_bought():
    """Training (and so buy-in's push) comes from the programme's training line: none without a programme."""
    m = small("hospital-baseline")
    assert not m.partner_programme_exists
    m.budget.pool = 1e9
    m.budget.weekly_allocation["training"] = 1e9
    m.clinical.update_buy_in()
    assert m.budget.spent["training"] == 0.0


def test_introductions_fill_the_room_exactly_and_the_one_detected_beyond_it_is_unmet_need():
    """With room for k (no free places, a waiting list of k) and k + 1 patients detected, k are introduced."""
    m, r = clinic(**{"clinical.waiting_list_max": 5})
    limit = m.clinical.p.waiting_list_max                     # scaled with the population
    for partner in np.flatnonzero(r.role != NO_ROLE):
        m.remove_role(np.array([partner]))                    # no free places
    r.isolated[:], r.loneliness[:], r.competency[:] = False, 0.0, 90.0
    needy = fresh_patient(m, limit + 1)
    r.competency[needy] = 0.0                                 # exactly limit + 1 in need
    m.week = 2
    m.events.clear()
    m.clinical.see_patients()
    assert m.events["introductions"] == limit and m.events["unmet_need"] == 1


def test_an_official_status_for_partners_lifts_part_of_the_barrier_to_buy_in():
    mean = []
    for status in (True, False):
        m = small(**{"governance.partner_official_status": status, "clinical.barrier": 0.8})
        for _ in range(150):
            m.budget.new_week()
            m.budget.pool = 1e9
            m.budget.weekly_allocation["training"] = 1e9
            m.clinical.update_buy_in()
        mean.append(np.mean([c.buy_in for c in m.clinicians]))
    assert mean[0] > mean[1]


# ============================================================================== outcomes
def test_the_weekly_row_measures_partners_among_partners_and_counts_every_leaver_and_waiter():
    from sim.outcomes import measure
    m = small()
    r = m.residents
    coaching = coaching_role(r.role)
    r.distress[:] = 0.0
    r.distress[coaching] = 0.9
    m.caseload[:] = 0
    m.caseload[coaching] = 2
    r.waiting_since[:] = -1
    r.waiting_since[fresh_patient(m, 3)] = 0                  # joined the list in week 0
    m.events.clear()
    m.events.update({"patient_partners_left": 1, "carer_partners_left": 2, "citizen_partners_left": 3})
    r.engagement[m.patient_ids], r.competency[m.patient_ids], r.shared_decisions[m.patient_ids] = 3, 100.0, 1.0
    row = measure(m)
    assert row["partner_burnout_share"] == 1.0 and row["partner_distress_mean"] == pytest.approx(0.9)
    assert row["caseload_mean"] == 2.0
    assert row["waiting_list"] == 3
    assert row["partners_left"] == 6
    assert row["empowerment_index"] == pytest.approx(1.0)    # every component at its top


def test_the_summary_sums_flows_over_the_last_year_and_averages_levels():
    import pandas as pd
    from sim.outcomes import _spread, summarise
    weeks = np.arange(105)
    df = pd.DataFrame({"week": weeks, "year": weeks / 52, "ed_visits": 1.0, "partners_left": 1.0,
                       "isolated_share_all": np.where(weeks > 52, 0.2, 0.6), "isolated_share_65_alone": 0.3,
                       "lonely_share_65plus": 0.2, "competency_mean": 60.0})
    s = summarise(df)
    assert s["weeks"] == 104
    assert s["ed_visits"] == 52 and s["partners_left"] == 52
    assert s["isolated_share_all"] == pytest.approx(0.2) and s["isolated_share_all_start"] == pytest.approx(0.6)
    assert _spread([float("nan"), 0.1, 0.4]) == pytest.approx(0.3)      # an empty group (NaN) is left out


def test_caseloads_and_accompaniments_stay_true_at_the_end_of_every_week():
    """A partner who leaves (retention runs last) or a patient who moves out (turnover) ends the
    accompaniment that week: the week's row then counts each accompanied patient once, under a
    partner still in the role, and a citizen partner who left accompanies no one."""
    m = small("paris-mental-health", n=1500, seed=2, **{"retention.attrition_per_year": {
        "paid": 0.9, "volunteer": 0.9, "timebank": 0.9, "recognition": 0.9}, "states.moves_per_year": 0.5})
    r = m.residents
    for _ in range(60):
        m.step()
        partners = coaching_role(r.role)
        s = m.ties.live((PEER_SUPPORT,))
        assert coaching_role(r.role[m.ties.helper[s]]).all()
        assert m.caseload[partners].sum() == m.in_peer_support.sum() == len(s)
        assert m.caseload[~partners].sum() == 0
        accompanied = m.activities.accompanied_by[m.activities.accompanied_by >= 0]
        assert (r.role[accompanied] == CITIZEN_PARTNER).all()
