"""The Mesa agents are views on the resident arrays: after years of promotions, departures and
turnover, every agent still reads its own resident's row and every partner has its role agent."""

from __future__ import annotations

import numpy as np
import pytest

from sim import CaringCommunity, scale_scenario
from sim.agents import Citizen, CitizenPartner, Patient, PatientPartner
from sim.outcomes import resident_snapshot
from sim.population import CARER_PARTNER, CITIZEN_PARTNER, PATIENT_PARTNER


@pytest.fixture(scope="module")
def model():
    m = CaringCommunity(scale_scenario("centre-sud", 1500), rng=4, agent_views=True)
    outcomes = m.run(156)
    assert outcomes["partners_trained"].sum() > 0 and outcomes["partners_left"].sum() > 0   # roles came and went
    return m


def test_each_resident_agent_reads_its_own_row(model):
    r, views = model.residents, model.resident_agents
    assert [type(a) for a in views] == [Patient if p else Citizen for p in r.is_patient]
    assert [a.node for a in views] == list(range(r.n))
    snap = resident_snapshot(model)
    for attribute, column in (("loneliness", "loneliness"), ("isolated", "isolated"), ("active_ties", "active_ties"),
                              ("competency", "competency"), ("engagement_level", "engagement_level"),
                              ("recovery", "recovery"), ("timebank_balance", "timebank_balance"), ("role", "role"),
                              ("age_group", "age_group"), ("equity_group", "equity_group"),
                              ("lives_alone", "lives_alone")):
        assert [getattr(a, attribute) for a in views] == snap[column].tolist(), attribute


def test_every_partner_and_only_partners_have_a_role_agent_bound_to_their_resident(model):
    r = model.residents
    coaching = set(np.flatnonzero(np.isin(r.role, (PATIENT_PARTNER, CARER_PARTNER))).tolist())
    citizen = set(np.flatnonzero(r.role == CITIZEN_PARTNER).tolist())
    by_type = model.agents_by_type
    assert {a.index for a in by_type.get(PatientPartner, [])} == coaching
    assert {a.index for a in by_type.get(CitizenPartner, [])} == citizen
    assert set(model.role_agents) == coaching | citizen
    for i, agent in model.role_agents.items():
        assert agent.resident is model.resident_agents[i] and agent.index == i
        if isinstance(agent, PatientPartner):
            assert agent.carer == (r.role[i] == CARER_PARTNER)
            assert agent.caseload == model.caseload[i]


def test_mesa_datacollector_collects_patients_state_by_agent_type():
    """A Mesa user's own ``DataCollector(agenttype_reporters={Patient: ...})`` collects each patient's
    loneliness and competency week by week, as the resident arrays hold them (Mesa 3.3 and 3.5)."""
    import mesa

    m = CaringCommunity(scale_scenario("centre-sud", 300), rng=2)
    dc = mesa.DataCollector(agenttype_reporters={Patient: {"loneliness": "loneliness", "competency": "competency"}})
    for _ in range(3):
        m.step()
        dc.collect(m)
    df = dc.get_agenttype_vars_dataframe(Patient)
    last = df.xs(df.index.get_level_values(0).max(), level=0)
    patients = m.agents_by_type[Patient]
    assert len(df) == 3 * len(patients) and sorted(last.index) == sorted(a.unique_id for a in patients)
    by_id = {a.unique_id: a.index for a in patients}
    rows = [by_id[i] for i in last.index]
    assert last["loneliness"].tolist() == m.residents.loneliness[rows].tolist()
    assert last["competency"].tolist() == m.residents.competency[rows].tolist()
