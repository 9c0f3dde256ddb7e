"""Clinical encounters (MODEL.md §3.3).

Clinicians see their patients by need, within their weekly capacity. An encounter with a
partnership clinician (chance = the clinician's buy-in) shares decisions (empowerment), detects
isolation and low competency, and *introduces* a consenting patient to the patient-partner
programme (the patient joins the waiting list; :mod:`.peer_support` pairs them with a partner
who has free capacity). Patients whose disclosures carried a legal duty are seen first.
Buy-in grows with training (paid from the training budget line) and good experiences, and is
held back by professional and legal barriers (lower when partners hold an official status).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..params import Section, check_names, param, probability
from ..population import SENIOR
from . import Submodel
from .activities import targets_mask


class Profession(Section):
    """A profession of the clinic's team."""

    count: int = param(1, "number of professionals", unit="persons", ge=0, le=100000)
    weekly_capacity: int = param(40, "encounters a professional can hold per week", unit="encounters/week",
                                 ge=0, le=1000)
    panel_weight: float = param(1.0, "relative share of the patients followed by this profession", unit="ratio",
                                ge=0.0, le=100.0)


#: The professions of a clinic's team (MODEL.md §2, and the pharmacists of the Centre-Sud practice).
PROFESSIONS = ("physician", "nurse", "nurse_practitioner", "social_worker", "psychologist", "pharmacist",
               "community_organizer")

Focus = Literal["all", "seniors", "end_of_life", "mental_health", "unhoused"]


class ClinicalParams(Section):
    """The clinic's team and how its encounters work."""

    professions: dict[str, Profession] = param(
        {"physician": {"count": 40, "weekly_capacity": 70, "panel_weight": 1.0},
         "nurse": {"count": 25, "weekly_capacity": 50, "panel_weight": 0.5},
         "nurse_practitioner": {"count": 8, "weekly_capacity": 50, "panel_weight": 0.7},
         "social_worker": {"count": 12, "weekly_capacity": 25, "panel_weight": 0.25},
         "psychologist": {"count": 8, "weekly_capacity": 20, "panel_weight": 0.15},
         "pharmacist": {"count": 4, "weekly_capacity": 40, "panel_weight": 0.1},
         "community_organizer": {"count": 3, "weekly_capacity": 10, "panel_weight": 0.0}},
        "the clinic's professionals by profession", unit="",
        source="Centre-Sud deck: GMF-U Notre-Dame, 100 health professionals")
    visits_per_year: float = param(3.0, "encounters a patient without chronic condition seeks per year",
                                   unit="visits/year", ge=0.0, le=100.0)
    chronic_visit_factor: float = param(2.0, "visit factor for a chronic condition", unit="ratio", ge=0.0, le=20.0)
    mental_health_visit_factor: float = param(1.5, "visit factor for a mental-health condition", unit="ratio",
                                              ge=0.0, le=20.0)
    senior_visit_factor: float = param(1.5, "visit factor for patients 65+", unit="ratio", ge=0.0, le=20.0)
    buy_in_mean: float = probability(0.25, "mean partnership buy-in of clinicians at the start",
                                     source="Paris deck: motivated partnership professionals 'not yet the norm'")
    buy_in_sd: float = probability(0.12, "spread of buy-in among clinicians")
    buy_in_growth: float = param(0.02, "weekly share of the gap to the buy-in that training, experience and barriers allow closed",
                                 unit="1/week", ge=0.0, le=1.0)
    experience_weight: float = param(0.5, "weight of one recent good introduction against full training",
                                     unit="ratio", ge=0.0, le=10.0)
    barrier: float = probability(0.3, "professional and legal barriers to partnership (0 none, 1 prohibitive)")
    official_status_barrier_relief: float = probability(0.3, "share of the barrier lifted when partners hold an official status")
    detection: float = probability(0.6, "chance a partnership encounter detects isolation or low competency")
    low_competency: float = param(50.0, "competency below which a patient counts as needing coaching",
                                  unit="PAM points", ge=0.0, le=100.0)
    consent: float = probability(0.6, "chance a patient accepts an introduction to a patient partner")
    shared_decision_rate: float = probability(0.3, "how far one partnership encounter moves a patient's share of shared decisions")
    focus: Focus = param("all", "which patients the programme introduces (a track's public)")
    waiting_list_max: int = param(20, "patients who may wait for a partner beyond the free places; beyond it no introduction is made",
                                  unit="patients", ge=0, le=1_000_000)
    waiting_give_up_weeks: int = param(26, "weeks after which a waiting patient gives up", unit="weeks", ge=1, le=520)

    def model_post_init(self, __context) -> None:
        check_names(self.professions, PROFESSIONS, "profession", "clinical.professions")


class ClinicalEncounters(Submodel):
    """Who is seen this week, by whom, and what partnership encounters lead to."""

    name = "clinical"

    def __init__(self, model, params, rng):
        super().__init__(model, params, rng)
        r = model.residents
        self.patients = np.flatnonzero(r.is_patient & (r.clinician >= 0))   # a patient without a clinician is not seen
        rate = np.full(len(self.patients), params.visits_per_year / 52.0)
        rate *= np.where(r.chronic[self.patients], params.chronic_visit_factor, 1.0)
        rate *= np.where(r.mental_health[self.patients], params.mental_health_visit_factor, 1.0)
        rate *= np.where(r.age_group[self.patients] == SENIOR, params.senior_visit_factor, 1.0)
        self.visit_p = np.clip(rate, 0.0, 1.0)
        self.escalated = np.zeros(r.n, dtype=bool)   # legal-duty disclosures to be seen first

    def focus_mask(self, idx: np.ndarray) -> np.ndarray:
        """Which of the residents ``idx`` belong to the public the programme is focused on."""
        return targets_mask(self.model, self.p.focus, idx)

    def step(self) -> None:
        self.see_patients()
        self.give_up_waiting()
        self.update_buy_in()

    def see_patients(self) -> None:
        """This week's encounters, partnership in them, and introductions to the programme."""
        m, r, p, rng = self.model, self.model.residents, self.p, self.rng
        clinicians = m.clinicians
        pts = self.patients
        want = (rng.random(len(pts)) < self.visit_p) | self.escalated[pts] | m.in_crisis[pts]
        seen = pts[want]
        if len(seen) == 0:
            return
        doc = r.clinician[seen]
        # Capacity: each clinician sees the most urgent first (escalations, crises, then at random).
        priority = rng.random(len(seen)) + 2.0 * self.escalated[seen] + 1.0 * m.in_crisis[seen]
        order = np.lexsort((-priority, doc))
        seen, doc = seen[order], doc[order]
        first = np.concatenate(([0], np.flatnonzero(doc[1:] != doc[:-1]) + 1))
        rank = np.arange(len(doc)) - np.repeat(first, np.diff(np.concatenate((first, [len(doc)]))))
        capacity = np.fromiter((c.capacity for c in clinicians), dtype=np.int64, count=len(clinicians))
        ok = rank < capacity[doc]
        seen, doc = seen[ok], doc[ok]
        self.escalated[seen] = False
        m.events["encounters"] += len(seen)

        buy_in = np.fromiter((c.buy_in for c in clinicians), dtype=float, count=len(clinicians))
        partnership = rng.random(len(seen)) < buy_in[doc]
        ps = seen[partnership]
        m.events["partnership_encounters"] += len(ps)
        r.shared_decisions[ps] += p.shared_decision_rate * (1.0 - r.shared_decisions[ps])
        # Outside partnership, the share of shared decisions drifts down.
        rest = seen[~partnership]
        r.shared_decisions[rest] *= (1.0 - 0.5 * p.shared_decision_rate)

        # Detection and introduction to the programme (where it runs, for the focus public).
        needs = (r.isolated[ps] | (r.loneliness[ps] > m.lonely_threshold) | (r.competency[ps] < p.low_competency))
        access = m.group_access[r.equity_group[ps]]
        candidates = (needs & m.programme_running(ps) & (r.waiting_since[ps] < 0) & ~m.in_peer_support[ps]
                      & (r.role[ps] == 0) & self.focus_mask(ps))
        detected = np.flatnonzero(candidates & (rng.random(len(ps)) < p.detection)
                                  & (rng.random(len(ps)) < p.consent * access))
        # A clinician introduces only while partners have (or will soon have) room.
        room = max(0, m.peer_support.free_places() + p.waiting_list_max - int((r.waiting_since >= 0).sum()))
        n_detected = len(detected)
        if n_detected > room:          # room is short: who is introduced is drawn at random
            detected = rng.choice(detected, room, replace=False)
        introduced = ps[detected]
        r.waiting_since[introduced] = m.week
        m.events["introductions"] += len(introduced)
        m.events["unmet_need"] += n_detected - len(introduced)

    def give_up_waiting(self) -> None:
        """Patients who have waited too long for a partner stop waiting (every week, seen or not)."""
        m, r, p = self.model, self.model.residents, self.p
        gave_up = np.flatnonzero((r.waiting_since >= 0) & (m.week - r.waiting_since >= p.waiting_give_up_weeks))
        r.waiting_since[gave_up] = -1
        m.events["gave_up_waiting"] += len(gave_up)

    def update_buy_in(self) -> None:
        """Weekly buy-in change for each clinician (per-agent: there are few)."""
        m, p = self.model, self.p
        clinicians = m.clinicians
        if not clinicians:
            return
        wanted = len(clinicians) * m.funding.p.clinician_training_cost / 52.0
        training = m.budget.level("training", wanted) if m.partner_programme_exists else 0.0
        relief = p.official_status_barrier_relief if m.params.governance.partner_official_status else 0.0
        barrier = p.barrier * (1.0 - relief)
        for c in clinicians:
            c.update_buy_in(training, barrier, p.buy_in_growth, p.experience_weight)
