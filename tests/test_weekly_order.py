"""The weekly order has consequences, and ODD §3.2 names them. Each test checks one of them through
``CaringCommunity.step()``, the real schedule. Each was seen to fail when the two submodels it names swap
places in ``step()`` (see the commit message). Unlike ``test_docs.py``, which only checks that ``step()``
follows ``WEEKLY_ORDER``, these tests check what the order does."""

from __future__ import annotations

import numpy as np
import pytest

from sim.network import PEER_SUPPORT, TIE_KINDS
from sim.population import coaching_role
from test_submodel_laws import small


def test_a_quarter_allocation_is_in_place_before_the_week_spending():
    """Governance before funding: the grants spent in the week of a new allocation are that allocation's
    (at week 0 there is no earlier one, and at week 13 the pool grew in between)."""
    m = small()
    for week in range(14):
        if week == 13:
            before = dict(m.budget.weekly_allocation)
            m.budget.pool += 5e6                      # a windfall: the next quarter's allocation is larger
        m.step()
        if week in (0, 13):
            allocated = m.budget.weekly_allocation["organization_grants"]
            assert allocated > 0
            assert m.budget.spent["organization_grants"] == allocated
    assert allocated > 1.5 * before["organization_grants"]


def test_the_week_books_open_before_anyone_spends():
    """Funding credits the week's income and opens the week's books before anyone spends. The clinic's
    training, the first to draw on the training line each week, takes all of it every week, week 0
    included, when the pool holds only that week's income; the partners' course fund, drawn later in the
    week, gets nothing. No line spends more in a week than its allocation. (Patients wait here for
    partners, who are volunteers, so more partners are wanted than the line can train.)"""
    m = small(**{"clinical.detection": 1.0, "clinical.consent": 1.0, "clinical.buy_in_mean": 1.0,
                 "clinical.buy_in_sd": 0.0, "funding.compensation.patient_partner": "volunteer",
                 "funding.compensation.carer_partner": "volunteer"})
    b = m.budget
    assert b.pool == 0.0
    for _ in range(6):
        total = dict(b.total_spent)
        m.step()
        for line in b.total_spent:
            assert b.total_spent[line] - total[line] <= b.weekly_allocation[line] * (1 + 1e-9) + 1e-9, line
        assert b.total_spent["training"] - total["training"] == pytest.approx(b.weekly_allocation["training"])
        assert b.spent["training"] == pytest.approx(b.weekly_allocation["training"])
        assert m.retention.training_fund == 0.0


def test_a_patient_introduced_this_week_can_be_paired_this_week():
    """Clinical encounters before peer support: some patients who were not waiting when the week began
    are with a partner when it ends."""
    m = small(**{"clinical.detection": 1.0, "clinical.consent": 1.0, "clinical.buy_in_mean": 1.0,
                 "clinical.buy_in_sd": 0.0})
    r, ties = m.residents, m.ties
    same_week = 0
    for _ in range(4):
        waiting_before = r.waiting_since >= 0
        m.step()
        s = ties.live((PEER_SUPPORT,))
        s = s[ties.formed[s] == m.week - 1]
        patients = np.where(ties.a[s] == ties.helper[s], ties.b[s], ties.a[s])
        same_week += int((~waiting_before[patients]).sum())
    assert same_week > 0


def test_peer_support_referrals_are_taken_up_by_citizen_partners_the_same_week():
    """Peer support before activities: no referral waits past the week it was made."""
    m = small(**{"peer_support.referral_probability": 1.0, "peer_support.meeting_probability": 1.0})
    handled = 0
    for _ in range(6):
        m.step()
        assert m.referrals == []
        handled += m.events["accompaniments"] + m.events["referrals_unserved"]
    assert handled > 0


def test_a_tie_made_at_an_activity_can_carry_help_the_same_week():
    """Activities before mutual aid: some ties that co-attendance formed this week have carried help by
    the week's end (help is likely on every tie here)."""
    m = small(**{"mutual_aid.help_probability": 1.0, "activities.attendance": 1.0, "activities.pairs_per_attendee": 2.0})
    ties = m.ties
    formed = helped = 0
    for _ in range(4):
        m.step()
        s = ties.live()
        s = s[(ties.origin[s] >= 0) & (ties.formed[s] == m.week - 1)]
        formed += len(s)
        helped += int((ties.helper[s] >= 0).sum())
    assert formed > 20 and helped > 0


def test_ties_used_this_week_do_not_decay():
    """Mutual aid, meetings and co-attendance before tie dynamics: with every contact gain at 0, a tie in
    contact this week keeps its strength exactly, and an idle one loses its kind's weekly decay."""
    m = small(**{"mutual_aid.help_probability": 1.0, "mutual_aid.help_gain": 0.0, "mutual_aid.reciprocity_gain": 0.0,
                 "ties.contact_gain": 0.0, "peer_support.meeting_tie_gain": 0.0, "activities.co_attendance_gain": 0.0,
                 "ties.decay_per_year": {k: 0.9 for k in TIE_KINDS}})
    ties = m.ties
    m.step()
    s = ties.live()
    ends, strength, helper = (ties.a[s].copy(), ties.b[s].copy()), ties.strength[s].copy(), ties.helper[s].copy()
    m.step()
    same = ties.alive[s] & (ties.a[s] == ends[0]) & (ties.b[s] == ends[1]) & (ties.formed[s] < m.week - 1)
    s, strength, helper = s[same], strength[same], helper[same]
    used = ties.last_contact[s] == m.week - 1
    helped = used & (ties.helper[s] != helper)           # carried help this week (a new helper on the tie)
    assert helped.sum() > 10 and (~used).sum() > 10
    np.testing.assert_array_equal(ties.strength[s[used]], strength[used])
    kept = m.tie_dynamics.weekly_kept[ties.kind[s[~used]]]
    np.testing.assert_allclose(ties.strength[s[~used]], strength[~used] * kept, rtol=1e-6)


def test_states_respond_to_the_week_ties_and_support():
    """States after every interaction: isolation and support are those of the week's final ties, and the
    relief of being supported applies in the week the support is given (no one moves or leaves here, so
    nothing changes the ties after states)."""
    m = small(**{"states.moves_per_year": 0.0, "population.end_of_life": 0.0, "states.support_relief": 2.0,
                 "retention.attrition_per_year": {"paid": 0.0, "volunteer": 0.0, "timebank": 0.0, "recognition": 0.0}})
    r, p = m.residents, m.params.states
    for _ in range(12):                                   # partners are trained and take patients
        m.step()
    for _ in range(3):
        lonely_before = r.loneliness.copy()
        m.step()
        assert m.events["residents_replaced"] == 0
        support, active, isolated = m.support.copy(), r.active_ties.copy(), r.isolated.copy()
        m.states.update_ties()                            # from the ties as the week left them
        np.testing.assert_array_equal(m.support, support)
        np.testing.assert_array_equal(r.active_ties, active)
        np.testing.assert_array_equal(r.isolated, isolated)
        supported = m.support_received_week > 0
        assert supported.sum() > 5
        expected = lonely_before + (p.loneliness_adaptation * (m.states.target_loneliness() - lonely_before)).astype(np.float32)
        np.testing.assert_allclose(r.loneliness, expected, rtol=0, atol=1e-6)


def test_what_a_week_raises_is_seen_at_the_next_week_clinic():
    """States and peer support after clinical encounters: a crisis drawn at week t, or a legal-duty
    disclosure made at week t, brings the patient to the clinic at week t + 1 (no routine visits here, and
    room for everyone)."""
    m = small(**{"clinical.visits_per_year": 0.0, "states.crisis_per_year": 3.0, "peer_support.legal_duty_rate": 1.0,
                 "peer_support.meeting_probability": 1.0})
    for c in m.clinicians:
        c.capacity = 10_000
    patients = m.clinical.patients
    escalations = 0
    for _ in range(5):
        raised = m.in_crisis[patients] | m.clinical.escalated[patients]
        m.step()
        assert m.events["encounters"] == int(raised.sum())
        escalations += m.events["escalations"]
    assert escalations > 0


def test_partners_trained_this_week_take_patients_from_the_next():
    """Retention last: a new partner has no patient in the week they are trained; trainees do take
    patients in later weeks (so the first check is not empty). Partners are volunteers and their course is
    free here, so training follows demand every week."""
    m = small(**{"clinical.detection": 1.0, "clinical.consent": 1.0, "clinical.buy_in_mean": 1.0,
                 "clinical.buy_in_sd": 0.0, "funding.training_cost": 0.0,
                 "funding.compensation.patient_partner": "volunteer", "funding.compensation.carer_partner": "volunteer"})
    r = m.residents
    trainees: set[int] = set()
    for _ in range(12):
        m.step()
        new = np.flatnonzero(coaching_role(r.role) & (r.partner_since == m.week - 1))
        assert (m.caseload[new] == 0).all()
        trainees.update(new.tolist())
    later = np.array(sorted(trainees), dtype=np.int64)
    assert len(later) > 0 and (m.caseload[later] > 0).any()


def test_partners_are_trained_from_the_week_states():
    """Retention after states: no one in a crisis drawn this week is trained this week (crises are
    frequent here, so a trainee chosen before the week's draw would often be in one)."""
    m = small(**{"states.crisis_per_year": 20.0, "funding.training_cost": 0.0,
                 "funding.compensation.patient_partner": "volunteer", "funding.compensation.carer_partner": "volunteer",
                 "funding.compensation.citizen_partner": "volunteer"})
    r = m.residents
    trained = 0
    for _ in range(12):
        m.step()
        new = np.flatnonzero((r.role != 0) & (r.partner_since == m.week - 1))
        assert not m.in_crisis[new].any()
        trained += len(new)
    assert trained >= 5
