"""Retention (MODEL.md §3.9): partners and volunteers leave; recruitment and training replace them.

Each week a partner leaves with a hazard set by their compensation mode (volunteers about 35% a
year), raised by distress (burnout), by pay that the budget no longer covers, and by tokenism in
governance. Training cohorts, paid from the training budget line, turn level-1 patients with a
chronic or mental-health condition into patient partners and adult citizens (carers with lived
experience) into carer partners where demand for accompaniment (the waiting list and unmet
introductions) exceeds free places and the compensation line can pay them; sociable, connected
adults and people 65+ (patients or not) become citizen partners up to a set ratio to coaching partners. A
promoted resident keeps identity and ties. Partners compensated in timebank hours are credited
their hours from the community's account of the timebank.
"""

from __future__ import annotations

from typing import get_args

import numpy as np

from ..params import Section, check_names, check_values, param, probability, weekly_from_yearly
from ..population import ADULT, CARER_PARTNER, CHILD, CITIZEN_PARTNER, NO_ROLE, PATIENT_PARTNER, ROLES, SENIOR, coaching_role
from . import Submodel
from .funding import Compensation

#: Compensation modes that the budget's partner-compensation line pays for (the others cost nothing).
COSTED_MODES = ("paid", "recognition")


class RetentionParams(Section):
    """Workforce at the start, attrition by compensation mode, and recruitment."""

    initial_patient_partners: int = param(3, "patient partners at the start", unit="persons", ge=0, le=100000,
                                          source="Centre-Sud deck: three patient partners named in the team")
    initial_carer_partners: int = param(0, "carer partners at the start", unit="persons", ge=0, le=100000)
    initial_citizen_partners: int = param(4, "citizen partners at the start", unit="persons", ge=0, le=100000)
    initial_partner_weeks: int = param(52, "weeks the partners present at the start have already been in their role",
                                       unit="weeks", ge=0, le=2080)
    attrition_per_year: dict[str, float] = param(
        {"paid": 0.15, "volunteer": 0.3437, "timebank": 0.28, "recognition": 0.28},
        "yearly share of partners who leave, by compensation mode", unit="share/year",
        source="volunteer: fitted (docs/CALIBRATION.md): Volunteering in America 2008, about 35% a year; other modes: assumptions")
    burnout_factor: float = param(3.0, "attrition multiplier at full distress (1 + factor x distress)", unit="ratio",
                                  ge=0.0, le=50.0)
    unpaid_factor: float = param(2.0, "attrition multiplier for paid partners whose pay the budget does not cover",
                                 unit="ratio", ge=1.0, le=50.0)
    tokenism_factor: float = param(1.0, "attrition multiplier at full tokenism (1 + factor x tokenism)", unit="ratio",
                                   ge=0.0, le=50.0)
    max_cohort: int = param(6, "most partners trained in one week", unit="persons/week", ge=0, le=10000)
    target_free_places: int = param(3, "free places kept for new patients before more partners are trained",
                                    unit="places", ge=0, le=100000)
    carer_share: float = probability(0.2, "share of new patient-partner trainees who are carers (relatives)", unit="share")
    citizen_partners_per_patient_partner: float = param(1.5, "citizen partners sought per patient partner",
                                                        unit="ratio", ge=0.0, le=100.0)
    citizen_hours_per_week: float = param(4.0, "hours a citizen partner gives per week", unit="hours/week",
                                          ge=0.0, le=60.0)

    def model_post_init(self, __context) -> None:
        check_names(self.attrition_per_year, get_args(Compensation), "compensation mode", "retention.attrition_per_year")
        check_values(self.attrition_per_year, "retention.attrition_per_year", "a share between 0 and 1", high=1.0)


class Retention(Submodel):
    """Partners leave; new ones are trained where there is demand and budget."""

    name = "retention"

    def __init__(self, model, params, rng):
        super().__init__(model, params, rng)
        self.training_fund = 0.0   # money set aside for trainees not yet trained

    def step(self) -> None:
        self.pay_partners()
        self.leave()
        self.recruit()

    def pay_partners(self) -> None:
        """Pay or recognise partners from the compensation line; record who went unpaid."""
        m, r = self.model, self.model.residents
        m.unpaid[:] = False
        for role in (PATIENT_PARTNER, CARER_PARTNER, CITIZEN_PARTNER):
            who = np.flatnonzero(r.role == role)
            if len(who) == 0:
                continue
            mode = m.funding.compensation_mode(ROLES[role])
            if mode == "timebank":
                m.mutual_aid.credit_service(who, r.capacity[who])
            if mode not in COSTED_MODES:
                continue
            level = m.budget.level("partner_compensation", self.weekly_pay(role, r.capacity[who]))
            if mode == "paid" and level < 0.999:
                m.unpaid[who[self.rng.random(len(who)) > level]] = True

    def weekly_pay(self, role: int, hours: np.ndarray) -> float:
        """What the compensation line owes a week to partners of ``role`` giving these weekly hours
        (pay for their hours, or recognition per partner; nothing in unpaid modes)."""
        f = self.model.funding.p
        mode = self.model.funding.compensation_mode(ROLES[role])
        if mode == "paid":
            return float(np.sum(hours)) * f.partner_hourly_rate
        if mode == "recognition":
            return len(hours) * f.recognition_cost_per_year / 52.0
        return 0.0

    def hazard(self, who: np.ndarray) -> np.ndarray:
        """Weekly chance (0-1) that each partner ``who`` leaves their role."""
        m, r, p = self.model, self.model.residents, self.p
        modes = np.array([m.funding.compensation_mode(ROLES[k]) if k else "volunteer" for k in range(len(ROLES))])
        yearly = np.array([p.attrition_per_year.get(mode, 0.35) for mode in modes])[r.role[who]]
        h = weekly_from_yearly(np.clip(yearly, 0.0, 0.999))
        h = h * (1.0 + p.burnout_factor * r.distress[who]) * (1.0 + p.tokenism_factor * m.stewardship.tokenism)
        h = h * np.where(m.unpaid[who], p.unpaid_factor, 1.0)
        return np.clip(h, 0.0, 1.0)

    def leave(self) -> None:
        m, r = self.model, self.model.residents
        who = np.flatnonzero(r.role != NO_ROLE)
        gone = who[self.rng.random(len(who)) < self.hazard(who)]
        if len(gone) == 0:
            return
        for role in (PATIENT_PARTNER, CARER_PARTNER, CITIZEN_PARTNER):
            left = int((r.role[gone] == role).sum())
            m.events[f"{ROLES[role]}s_left"] += left
            if m.funding.compensation_mode(ROLES[role]) == "volunteer":
                m.events["volunteers_left"] += left
        m.remove_role(gone)

    def recruit(self) -> None:
        """Train new partners: patient (and carer) partners where demand exceeds free places and the
        compensation line can pay them, citizen partners up to their ratio to coaching partners; all
        within what the training fund holds."""
        m, r, p, rng = self.model, self.model.residents, self.p, self.rng
        if not m.partner_programme_exists:
            return
        f = m.funding.p
        partners = np.flatnonzero(coaching_role(r.role))
        free = m.peer_support.free_places()
        demand = int((r.waiting_since >= 0).sum()) + int(m.events.get("unmet_need", 0))
        per_partner = max(1, int(m.params.peer_support.hours_per_week // m.params.peer_support.hours_per_patient))
        want_pp = max(0, min(p.max_cohort, int(np.ceil(max(0, demand + p.target_free_places - free) / per_partner)),
                             self.room_for_patient_partners()))
        n_cp = int((r.role == CITIZEN_PARTNER).sum())
        want_cp = min(p.max_cohort, max(0, int(np.ceil(p.citizen_partners_per_patient_partner * len(partners))) - n_cp))
        # Training is paid into a fund week by week until a trainee's course is covered.
        wanted = (want_pp + want_cp) * f.training_cost
        self.training_fund += m.budget.spend("training", max(0.0, wanted - self.training_fund))
        budget_for = want_pp + want_cp if f.training_cost == 0 else int(self.training_fund // f.training_cost)
        n_pp = min(want_pp, budget_for)
        n_cp_new = min(want_cp, budget_for - n_pp)
        trained = 0
        if n_pp:
            n_carer = rng.binomial(n_pp, p.carer_share)
            trained += self.train(self.candidates_patient_partner(), n_pp - n_carer, PATIENT_PARTNER)
            trained += self.train(self.candidates_carer(), n_carer, CARER_PARTNER)
        if n_cp_new:
            trained += self.train(self.candidates_citizen_partner(), n_cp_new, CITIZEN_PARTNER)
        self.training_fund -= trained * f.training_cost      # courses are paid for those who take them

    def room_for_patient_partners(self) -> int:
        """How many more patient-partner trainees the weekly compensation allocation can pay on top of all
        the partners it pays now, of every role, whichever role each takes (some become carer partners:
        a trainee is costed as the dearer of the two); no limit when neither role is paid or recognised."""
        m, r = self.model, self.model.residents
        hours = np.array([m.params.peer_support.hours_per_week])
        one = max(self.weekly_pay(PATIENT_PARTNER, hours), self.weekly_pay(CARER_PARTNER, hours))
        if one <= 0.0:
            return 10**9
        owed = sum(self.weekly_pay(role, r.capacity[r.role == role])
                   for role in (PATIENT_PARTNER, CARER_PARTNER, CITIZEN_PARTNER))
        return int((m.budget.weekly_allocation["partner_compensation"] - owed) // one)

    # Who can be trained for each role (eligible pools, in the programme's neighbourhoods).
    def _eligible(self) -> np.ndarray:
        m, r = self.model, self.model.residents
        return (r.role == NO_ROLE) & (r.age_group != CHILD) & m.programme_running(np.arange(r.n)) & ~m.in_crisis

    def candidates_patient_partner(self) -> np.ndarray:
        r = self.model.residents
        return np.flatnonzero(self._eligible() & r.is_patient & (r.engagement >= 1) & (r.chronic | r.mental_health)
                              & ~self.model.in_peer_support)

    def candidates_carer(self) -> np.ndarray:
        r = self.model.residents
        return np.flatnonzero(self._eligible() & ~r.is_patient & (r.age_group == ADULT))

    def candidates_citizen_partner(self) -> np.ndarray:
        r = self.model.residents
        return np.flatnonzero(self._eligible() & (r.sociability > 1.0) & ~r.isolated
                              & ((r.age_group == ADULT) | (r.age_group == SENIOR)))

    def train(self, pool: np.ndarray, k: int, role: int) -> int:
        """Train up to ``k`` of ``pool``, drawn by their equity group's access (a group with no access
        is never reached); returns how many were trained."""
        m = self.model
        group_access = m.group_access[m.residents.equity_group[pool]]
        pool, group_access = pool[group_access > 0], group_access[group_access > 0]
        if k <= 0 or len(pool) == 0:
            return 0
        chosen = self.rng.choice(pool, size=min(k, len(pool)), replace=False, p=group_access / group_access.sum())
        m.assign_role(chosen, role)
        m.events["partners_trained"] += len(chosen)
        return len(chosen)
