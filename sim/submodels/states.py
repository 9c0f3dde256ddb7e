"""Individual states (MODEL.md §3.8): ties, loneliness, isolation, competency, engagement,
recovery, health crises, and residents moving in and out.

* **Isolation** is objective: fewer than ``isolation_threshold`` active social ties (strength of
  at least ``active_tie_strength``).
* **Loneliness** (0-1) is subjective: it moves each week towards a level set by the support a
  person has (the summed strength of their active ties, with a benefit that plateaus near four
  close ties) against the support they need, plus a personal propensity.
* **Competency** (PAM-like) returns slowly to the person's usual level when they are not
  accompanied, and drops after a crisis.
* **Engagement level**: 0 → 1 (partner in one's own care) once competency and shared decisions
  are high enough; 2 = trained partner (:mod:`.retention`); 3 = co-leader, taking a governance
  seat when one is free.
* **Recovery / citizenship** follows participation in activities, helping others and roles.
* **Health crises**: emergency visits, with a hazard raised by chronic and mental-health
  conditions, age and loneliness and lowered by competency; some lead to an admission.
"""

from __future__ import annotations

import numpy as np

from ..network import CARE_TEAM, FRIEND, HOUSEHOLD, KIN, MUTUAL_AID, PEER_SUPPORT, endpoint_sums, new_kin_ties
from ..params import Section, param, probability, weekly_from_yearly
from ..population import CHILD, NO_ROLE, SENIOR
from . import Submodel


class StatesParams(Section):
    """Thresholds and rates of the individual states."""

    active_tie_strength: float = probability(0.2, "strength from which a tie counts as active")
    isolation_threshold: int = param(2, "a resident with fewer active social ties than this is isolated", unit="ties",
                                     ge=1, le=50)
    support_plateau: float = param(4.0, "number of full-strength ties at which the benefit of support plateaus",
                                   unit="ties", ge=0.5, le=50.0,
                                   source="Thompson et al. 2022: benefit plateaus near 4 close friends")
    peer_tie_weight: float = param(1.0, "weight of a peer-support tie against a friend tie in support", unit="ratio",
                                   ge=0.0, le=5.0)
    loneliness_bias: float = param(-3.1042, "loneliness level (logit) of a person whose support meets their need",
                                   unit="logit", ge=-10.0, le=10.0, source="fitted (docs/CALIBRATION.md): 19% lonely among 65+ at baseline")
    loneliness_slope: float = param(3.4414, "rise in loneliness (logit) per unit of unmet need (share of need)",
                                    unit="logit", ge=0.0, le=20.0,
                                    source="fitted (docs/CALIBRATION.md): 19% lonely among 65+ at baseline")
    loneliness_propensity_sd: float = param(1.0, "spread of personal propensity to loneliness", unit="logit",
                                            ge=0.0, le=5.0)
    women_65_offset: float = param(0.4379, "extra loneliness propensity of women 65+", unit="logit", ge=-5.0, le=5.0,
                                   source="fitted (docs/CALIBRATION.md): women 23% vs men 15% lonely at 65+ (Islam & Gilmour 2023)")
    support_relief: float = param(0.8862, "loneliness relief (logit) while receiving peer or citizen support",
                                  unit="logit", ge=0.0, le=10.0,
                                  source="fitted (docs/CALIBRATION.md): SMD about -0.47 (Duffner et al. 2024)")
    loneliness_adaptation: float = probability(0.08, "weekly share of the gap to the target loneliness closed")
    lonely_threshold: float = probability(0.5, "loneliness above which a resident counts as lonely")
    competency_return_per_year: float = probability(0.4, "share of the gap between a patient's competency and their usual level closed in a year without support")
    crisis_competency_loss: float = param(2.0, "competency lost in a health crisis", unit="PAM points", ge=0.0,
                                          le=50.0)
    level1_competency: float = param(62.0, "competency from which a patient can be partner in their own care",
                                     unit="PAM points", ge=0.0, le=100.0)
    level1_shared_decisions: float = probability(0.3, "share of shared decisions from which a patient is partner in their care")
    level3_after_weeks: int = param(104, "weeks as a trained partner before one can become a co-leader", unit="weeks",
                                    ge=0, le=2080)
    level3_per_year: float = probability(0.3, "yearly chance that an eligible partner becomes a co-leader")
    recovery_rate: float = probability(0.02, "weekly share of the gap to the target recovery closed")
    crisis_per_year: float = param(0.25, "emergency visits per year of a patient without risk factors",
                                   unit="visits/year", ge=0.0, le=50.0)
    crisis_chronic_factor: float = param(2.0, "crisis factor for a chronic condition", unit="ratio", ge=0.0, le=50.0)
    crisis_mental_factor: float = param(1.8, "crisis factor for a mental-health condition", unit="ratio", ge=0.0, le=50.0)
    crisis_senior_factor: float = param(1.5, "crisis factor for age 65+", unit="ratio", ge=0.0, le=50.0)
    crisis_lonely_factor: float = param(1.3, "crisis factor for loneliness", unit="ratio", ge=0.0, le=50.0)
    crisis_competency_effect: float = param(0.02, "relative drop in crisis risk per PAM point of competency above 60",
                                            unit="1/PAM point", ge=0.0, le=1.0)
    admission_share: float = probability(0.3, "share of emergency visits that lead to an admission")
    moves_per_year: float = probability(0.06, "share of residents who move out (and are replaced by newcomers) each year")
    end_of_life_weeks: float = param(40.0, "mean weeks of life left for a palliative patient", unit="weeks",
                                     ge=1.0, le=520.0)


SOCIAL = (KIN, HOUSEHOLD, FRIEND, MUTUAL_AID, PEER_SUPPORT)


class IndividualStates(Submodel):
    """Recompute each resident's ties, loneliness, isolation, competency, engagement and recovery.

    In weekly order: ties and isolation, loneliness, competency's return, health crises, engagement,
    recovery, then residents moving out and newcomers taking their place.
    """

    name = "states"

    def __init__(self, model, params, rng):
        super().__init__(model, params, rng)
        self._usual_crisis_chance: np.ndarray | None = None

    def update_ties(self) -> None:
        """Active ties and support of each resident (also done once at the start)."""
        m, r, p, ties = self.model, self.model.residents, self.p, self.model.ties
        s, a, b = ties.live_ends(SOCIAL)
        strength = ties.strength[s]
        active = (b < r.n) & (strength >= p.active_tie_strength)
        s, a, b, strength = s[active], a[active], b[active], strength[active]
        r.active_ties[:] = endpoint_sums(a, b, r.n).astype(np.int16)
        w = strength * np.where(ties.kind[s] == PEER_SUPPORT, p.peer_tie_weight, 1.0)
        m.support = endpoint_sums(a, b, r.n, w.astype(np.float64))
        r.isolated[:] = r.active_ties < p.isolation_threshold

    def target_loneliness(self) -> np.ndarray:
        """The loneliness (0-1) each resident's support, need, propensity and this week's accompaniment set."""
        m, r, p = self.model, self.model.residents, self.p
        effective = p.support_plateau * (1.0 - np.exp(-m.support / p.support_plateau))
        unmet = np.clip((r.tie_need - effective) / r.tie_need, -1.0, 1.0)
        logit = (p.loneliness_bias + p.loneliness_slope * unmet + p.loneliness_propensity_sd * r.lonely_propensity
                 + p.women_65_offset * (r.woman & (r.age_group == SENIOR))
                 - p.support_relief * (m.support_received_week > 0))
        return 1.0 / (1.0 + np.exp(-logit))

    def step(self) -> None:
        self.update_ties()
        self.update_loneliness()
        self.competency_return()
        self.crises()
        self.engagement()
        self.recovery()
        self.turnover()

    def update_loneliness(self) -> None:
        """Loneliness moves a step towards the level that the person's support sets."""
        r, p = self.model.residents, self.p
        r.loneliness += (p.loneliness_adaptation * (self.target_loneliness() - r.loneliness)).astype(np.float32)

    def competency_return(self) -> None:
        """Competency returns slowly to the person's usual level when they are not being supported."""
        m, r, p = self.model, self.model.residents, self.p
        unsupported = m.support_received_week == 0
        back = weekly_from_yearly(p.competency_return_per_year)
        r.competency[unsupported] += back * (r.usual_competency[unsupported] - r.competency[unsupported])
        np.clip(r.competency, 0.0, 100.0, out=r.competency)

    def usual_crisis_chance(self) -> np.ndarray:
        """Each resident's weekly crisis chance from who they are (chronic or mental-health condition,
        65+), which a newcomer taking their place keeps; loneliness and competency then change it."""
        if self._usual_crisis_chance is None:
            r, p = self.model.residents, self.p
            rate = np.full(r.n, p.crisis_per_year / 52.0)
            rate *= np.where(r.chronic, p.crisis_chronic_factor, 1.0) * np.where(r.mental_health, p.crisis_mental_factor, 1.0)
            rate *= np.where(r.age_group == SENIOR, p.crisis_senior_factor, 1.0)
            self._usual_crisis_chance = rate
        return self._usual_crisis_chance

    def crises(self) -> None:
        """This week's health crises (emergency visits, some admitted); ``in_crisis`` holds until next week's."""
        m, r, p, rng = self.model, self.model.residents, self.p, self.rng
        rate = self.usual_crisis_chance() * np.where(r.loneliness > p.lonely_threshold, p.crisis_lonely_factor, 1.0)
        rate *= np.exp(-p.crisis_competency_effect * (r.competency - 60.0))
        crisis = rng.random(r.n) < np.clip(rate, 0.0, 1.0)
        m.in_crisis[:] = crisis
        r.ed_visits[crisis] += 1
        admitted = crisis & (rng.random(r.n) < p.admission_share)
        r.admissions[admitted] += 1
        r.competency[crisis] = np.maximum(0.0, r.competency[crisis] - p.crisis_competency_loss)
        m.events["ed_visits"] += int((crisis & r.is_patient).sum())
        m.events["admissions"] += int((admitted & r.is_patient).sum())

    def partner_in_own_care(self) -> None:
        """Level 0 <-> 1: a patient is partner in their own care with enough competency and shared decisions."""
        r, p = self.model.residents, self.p
        lvl = r.engagement
        up1 = (lvl == 0) & r.is_patient & (r.competency >= p.level1_competency) & (r.shared_decisions >= p.level1_shared_decisions)
        lvl[up1] = 1
        down1 = (lvl == 1) & ((r.competency < p.level1_competency - 5) | (r.shared_decisions < p.level1_shared_decisions / 2))
        lvl[down1] = 0

    def engagement(self) -> None:
        m, r, p, rng = self.model, self.model.residents, self.p, self.rng
        lvl = r.engagement
        self.partner_in_own_care()
        # Level 2 is held by trained partners (retention sets it); level 3: co-leaders take free seats
        # in the stewardship group, which meets from week 0 (not in the burn-in).
        if m.params.governance.stewardship_group and m.week >= 0:
            seats = int(m.params.governance.seats.get("patients", 0))
            eligible = np.flatnonzero((lvl == 2) & (r.role != NO_ROLE) & (m.week - r.partner_since >= p.level3_after_weeks)
                                      & (r.distress < 0.5))
            free = seats - int(r.governance_seat.sum())
            weekly = weekly_from_yearly(p.level3_per_year)
            promote = eligible[rng.random(len(eligible)) < weekly * (1.0 - m.stewardship.tokenism)]
            if len(promote):
                lvl[promote] = 3
                m.events["promotions_level3"] += len(promote)
            if free > 0:   # free seats go to co-leaders without one: this week's or earlier ones
                seatless = np.flatnonzero((lvl == 3) & ~r.governance_seat & (r.role != NO_ROLE))
                if len(seatless) > free:
                    seatless = rng.choice(seatless, free, replace=False)
                r.governance_seat[seatless] = True

    def recovery(self) -> None:
        m, r, p = self.model, self.model.residents, self.p
        r.participation += 0.1 * (m.attended_week.astype(np.float32) - r.participation)
        r.helping += 0.1 * (np.minimum(m.help_given_week, 4.0) / 4.0 - r.helping)
        target = np.clip(0.25 + 0.3 * r.participation + 0.25 * r.helping + 0.2 * (r.role != NO_ROLE)
                         + 0.1 * (r.engagement >= 1) - 0.3 * r.loneliness, 0.0, 1.0)
        r.recovery += (p.recovery_rate * (target - r.recovery)).astype(np.float32)

    def turnover(self) -> None:
        """Residents without a role who move out or die are replaced by newcomers in the same place: they keep
        its household and care-team ties and may have kin nearby, but have no friends yet."""
        m, r, p, rng = self.model, self.model.residents, self.p, self.rng
        leave = rng.random(r.n) < weekly_from_yearly(p.moves_per_year)
        leave |= r.end_of_life & (rng.random(r.n) < 1.0 / p.end_of_life_weeks)
        leave &= r.role == NO_ROLE          # partners who move out leave through retention
        idx = np.flatnonzero(leave)
        if len(idx) == 0:
            return
        ties = m.ties
        gone = ties.ties_of(idx)
        keep = (ties.kind[gone] == CARE_TEAM) | (ties.kind[gone] == HOUSEHOLD)
        ties.remove(gone[~keep])
        m.mutual_aid.take_over_balances(idx)
        r.reset_person(idx, rng, m.params.population)
        # Newcomers keep the household they move into and may have relatives nearby; they make
        # friends over the following months (tie dynamics: the usual circle of the place they take).
        new_kin_ties(ties, r, idx, m.params.network, rng, m.week, m.spatial_order, m.spatial_rank)
        # Newcomers: some are palliative patients (keeps the track's public stable).
        pop = m.params.population
        r.end_of_life[idx] = r.is_patient[idx] & (r.age_group[idx] != CHILD) & (rng.random(len(idx)) < pop.end_of_life * 8)
        m.on_residents_replaced(idx)
        m.events["residents_replaced"] += len(idx)
