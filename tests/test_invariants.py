"""Laws that hold every week, whatever the parameters: at each end of each parameter's allowed range the
outcomes stay meaningful (shares in [0, 1], counts and amounts not negative, engagement levels summing to
1) and the model's books balance (the pool gains its income and loses exactly what it spends, no budget
line spends beyond its allocation, the timebank's hours sum to zero, caseloads count the living
accompaniments, ties' strengths stay in [0, 1], a closed organization keeps no ties). Complements
tests/test_parameter_ranges.py (which asks only that each end runs) with what its values must satisfy.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from sim import CaringCommunity, load_scenario, scale_scenario
from sim.errors import ScenarioError
from sim.network import FRIEND, PEER_SUPPORT, TIE_KINDS
from sim.population import ADULT, CITIZEN_PARTNER, NO_ROLE, coaching_role
from sim.submodels.funding import BUDGET_LINES

from test_parameter_ranges import _ends

#: A timebank runs (citizen partners are paid in its hours), so that its books are checked too.
TIMEBANK = {"mutual_aid.timebank": True, "funding.compensation.citizen_partner": "timebank"}
#: Outcomes that are shares or levels in [0, 1] (besides the per-group shares, matched by prefix).
UNIT_OUTCOMES = ("shared_decisions_mean", "empowerment_index", "recovery_mean", "partner_distress_mean",
                 "partner_burnout_share", "clinician_buy_in_mean", "tokenism")
GROUP_SHARES = ("isolated_share_", "lonely_share_", "loneliness_mean_")
SIGNED = ("week", "year", "timebank_balance_total", "isolation_gap_groups", "loneliness_gap_groups")


def broken_laws(m: CaringCommunity, previous_pool: float) -> list[str]:
    """The laws the model's state and this week's outcome row break (empty when all hold)."""
    row, r, ties, b = m._last_row, m.residents, m.ties, m.budget
    out = []
    for key, value in row.items():
        if isinstance(value, float) and math.isnan(value):
            if not key.startswith(GROUP_SHARES) or m.group_sizes[list(m.groups).index(key.split("_", 2)[2])]:
                out.append(f"{key} is NaN")     # NaN only for a group without members
        elif key.startswith(GROUP_SHARES + ("engagement_level_",)) or key in UNIT_OUTCOMES:
            if not 0.0 <= value <= 1.0 + 1e-9:
                out.append(f"{key}={value} outside [0, 1]")
        elif key not in SIGNED and not 0.0 <= value < math.inf:
            out.append(f"{key}={value} negative or infinite")
    if not 0.0 <= row["competency_mean"] <= 100.0:
        out.append(f"competency_mean={row['competency_mean']}")
    if abs(sum(row[f"engagement_level_{k}_share"] for k in range(4)) - 1.0) > 1e-9:
        out.append("engagement levels do not sum to 1")
    # Money: the pool gains this week's income and loses what was spent, never below 0 or beyond an allocation.
    spent = sum(b.spent.values())
    if b.pool < 0 or abs(b.pool - (previous_pool + b.income - spent)) > 1e-6 * max(1.0, b.pool, b.income):
        out.append(f"pool {b.pool} != {previous_pool} + {b.income} - {spent}")
    out += [f"{line} spent beyond its allocation" for line in BUDGET_LINES
            if b.spent[line] > b.weekly_allocation[line] * (1 + 1e-9) + 1e-9]
    if m.retention.training_fund < -1e-6:
        out.append("training fund below 0")
    # Timebank: every hour credited is debited from a member or the community's account.
    if abs(float(r.timebank.astype(np.float64).sum()) + m.mutual_aid.community_account) > 1e-3:
        out.append("timebank hours do not sum to zero")
    # Ties and residents' states within their ranges.
    strength = ties.strength[ties.live()]
    if len(strength) and not (strength.min() >= 0.0 and strength.max() <= 1.0):
        out.append(f"tie strength in [{strength.min()}, {strength.max()}]")
    for name, high in (("loneliness", 1), ("recovery", 1), ("competency", 100), ("distress", 1), ("training", 1),
                       ("shared_decisions", 1)):
        values = getattr(r, name)
        if not (np.isfinite(values).all() and values.min() >= 0.0 and values.max() <= high + 1e-5):
            out.append(f"residents' {name} in [{values.min()}, {values.max()}]")
    if ((r.engagement >= 2) & ~coaching_role(r.role)).any() or (r.governance_seat & (r.engagement != 3)).any():
        out.append("engagement level 2-3 or a governance seat without a coaching role")
    # Accompaniments: caseloads count the living peer-support ties; no one waits and is accompanied.
    partners = coaching_role(r.role)
    accompaniments = len(ties.live((PEER_SUPPORT,)))
    if not m.caseload[partners].sum() == m.caseload.sum() == m.in_peer_support.sum() == accompaniments:
        out.append(f"caseloads {m.caseload.sum()}, accompanied {m.in_peer_support.sum()}, ties {accompaniments}")
    if (m.in_peer_support & (r.waiting_since >= 0)).any():
        out.append("a patient both waiting and accompanied")
    by = m.activities.accompanied_by
    if (by >= 0).any() and (np.bincount(by[by >= 0]).max() > m.params.activities.citizen_partner_caseload
                            or (r.role[by[by >= 0]] != CITIZEN_PARTNER).any()):
        out.append("a citizen partner's caseload beyond its maximum, or accompaniment by a non-partner")
    live = ties.live()
    for o in m.organizations:
        if not o.open and ((ties.a[live] == o.node) | (ties.b[live] == o.node) | (ties.origin[live] == o.node)).any():
            out.append(f"closed organization {o.name} keeps ties")
    return out


def _check_run(overrides: dict, residents: int = 150, weeks: int = 16, seed: int = 1) -> None:
    try:
        scenario = load_scenario("centre-sud", {**TIMEBANK, **overrides, "network.burn_in_weeks": 4})
    except ScenarioError:
        return            # refused together with the preset's other values (tests/test_parameter_ranges.py)
    m = CaringCommunity(scale_scenario(scenario, residents), rng=seed, agent_views=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # empty groups give NaN shares by design
        for _ in range(weeks):
            pool = m.budget.pool
            m.step()
            broken = broken_laws(m, pool)
            assert not broken, f"week {m.week}: {broken}"


@pytest.mark.parametrize("key, value", _ends(), ids=lambda x: str(x))
def test_the_laws_hold_at_each_end_of_each_range(key, value):
    _check_run({key: value})


@pytest.mark.parametrize("overrides", [{f"ties.decay_per_year.{k}": 1.0} for k in TIE_KINDS]
                         + [{f"retention.attrition_per_year.{k}": 1.0} for k in ("paid", "volunteer", "timebank")]
                         + [{"governance.seats.patients": 1000, "governance.decision_rule": "consensus"},
                            {"funding.sources": []}, {"clinical.professions": {}}], ids=str)
def test_the_laws_hold_at_the_ends_of_the_tables(overrides):
    _check_run(overrides)


def test_help_and_reciprocity_gains_together_take_a_tie_to_full_strength_not_beyond():
    """Returned help strengthens a tie by help_gain + reciprocity_gain of the distance to 1, each allowed up
    to 1: together they take it to 1 (a strength of 1.5 would count as more than a full-strength tie)."""
    m = CaringCommunity(scale_scenario(load_scenario("centre-sud", {
        "network.burn_in_weeks": 0, "mutual_aid.help_probability": 1.0, "mutual_aid.help_gain": 1.0,
        "mutual_aid.reciprocity_gain": 1.0}), 300), rng=3, agent_views=False)
    r, t, ma = m.residents, m.ties, m.mutual_aid
    g, h = np.flatnonzero(r.age_group == ADULT)[:2]
    t.remove(t.live())
    tie = t.add([g], [h], FRIEND, 0.5, -5)[0][0]
    t.helper[tie] = h                                        # help went the other way before: reciprocal
    need, able = np.zeros(r.n), np.zeros(r.n)
    ma.need, ma.ability = (lambda: need), (lambda: able)
    need[h], able[g] = 1.0, 1.0
    m.begin_week()
    ma.step()
    assert t.helper[tie] == g and m.events["reciprocal_help"] == 1
    assert t.strength[tie] == 1.0


def test_an_accompaniment_that_fades_below_the_threshold_leaves_the_caseloads_that_week():
    """A peer-support tie that dissolves below ties.dissolve_below (ODD: it dissolves 'below threshold')
    ends the accompaniment: the week's row and the next clinic see the partner's caseload without it."""
    m = CaringCommunity(scale_scenario(load_scenario("centre-sud", {"network.burn_in_weeks": 0}), 600), rng=3,
                        agent_views=False)
    r, t = m.residents, m.ties
    partner = np.flatnonzero(coaching_role(r.role))[0]
    patients = np.flatnonzero(r.is_patient & (r.role == NO_ROLE) & (r.waiting_since < 0))[:2]
    s, _ = t.add(np.full(2, partner), patients, PEER_SUPPORT, 0.3, m.week)
    t.helper[s] = partner
    m.peer_support.accompaniments()
    assert m.caseload[partner] == m.in_peer_support.sum() == len(t.live((PEER_SUPPORT,))) == 2
    t.strength[s[0]] = 0.0                                   # fades out this week (no meeting can revive it)
    t.last_contact[s[0]] = m.week - 1
    m.tie_dynamics.step()
    assert not t.alive[s[0]]
    partners = coaching_role(r.role)
    assert m.caseload[partners].sum() == m.caseload[partner] == m.in_peer_support.sum() == 1
    assert not m.in_peer_support[patients[0]] and m.in_peer_support[patients[1]]
