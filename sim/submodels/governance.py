"""Governance (MODEL.md §3.1): each quarter the stewardship group allocates the budget.

Each sector seated on the group has preferences over the five budget lines. The decision rule
combines them: ``institution_led`` follows the health institution alone (other seats are
token); ``majority`` weighs sectors by their seats; ``consensus`` (co-governance) weighs them by
seats and also moves spending towards the community's signals: a waiting list for partners
(compensation and training), partner distress (supervision) and organizations in deficit
(grants). Patient seats are filled by level-3 partners; with no official status for partners a
seat counts half. *Tokenism* (0-1) is how little of their nominal weight the patients' and
citizens' seats carry: 0 when there are no such seats or when they have full voice (consensus,
official status), high for token seats in an institution-led group. It drives partner
disengagement in :mod:`.retention` and holds back promotion to level 3.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..params import Section, check_names, check_values, param, probability
from . import Submodel
from .funding import BUDGET_LINES

SECTORS = ("health_institution", "city", "community", "research", "patients", "citizens")

#: What each sector, left alone, would spend the budget on (shares over BUDGET_LINES:
#: partner compensation, organization grants, training, coordination, supervision).
SECTOR_PREFERENCES = {
    "health_institution": (0.20, 0.10, 0.30, 0.30, 0.10),
    "city": (0.20, 0.40, 0.10, 0.20, 0.10),
    "community": (0.15, 0.50, 0.10, 0.15, 0.10),
    "research": (0.25, 0.15, 0.20, 0.25, 0.15),
    "patients": (0.40, 0.15, 0.15, 0.10, 0.20),
    "citizens": (0.30, 0.30, 0.10, 0.20, 0.10),
}
#: The most seats one sector may hold (a sweep's design table could not hold 10**30 of them).
MAX_SEATS = 1000
#: How much of its seats' weight a decision rule gives to patients' and citizens' voices.
RULE_VOICE = {"institution_led": 0.25, "majority": 0.8, "consensus": 1.0}


class GovernanceParams(Section):
    """The stewardship group: who sits on it, how it decides, how it spends."""

    stewardship_group: bool = param(True, "whether a stewardship group governs and spends a community budget")
    seats: dict[str, int] = param({"health_institution": 2, "city": 1, "community": 2, "research": 1,
                                   "patients": 0, "citizens": 0},
                                  "seats held by each sector", unit="seats")
    decision_rule: Literal["institution_led", "majority", "consensus"] = param(
        "majority", "how the group combines its members' preferences")
    partner_official_status: bool = param(True, "whether patient partners hold an official status in the institution",
                                          source="Centre-Sud deck: patient partner has an official status (CIUSSS)")
    planning_weeks: int = param(26, "the pool is spent over this many weeks", unit="weeks", ge=1, le=520)
    responsiveness: float = probability(0.5, "how far co-governance moves spending towards community signals")
    quarter_weeks: int = param(13, "weeks between allocations", unit="weeks", ge=1, le=52)

    def model_post_init(self, __context) -> None:
        check_names(self.seats, SECTORS, "sector", "governance.seats")
        check_values(self.seats, "governance.seats", f"a seat count from 0 to {MAX_SEATS:,}", high=MAX_SEATS)


def allocate(seats: dict[str, float], rule: str, signals: dict[str, float], responsiveness: float) -> np.ndarray:
    """Shares of the budget by line that the group decides, given its seats, rule and signals.

    ``signals`` (each 0-1): ``waiting`` (patients waiting for a partner), ``distress`` (mean
    partner distress), ``org_deficit`` (share of organizations in deficit or closed).
    """
    prefs = {s: np.asarray(SECTOR_PREFERENCES[s]) for s in SECTORS}
    if rule == "institution_led" and seats.get("health_institution", 0) > 0:
        shares = prefs["health_institution"].copy()
    else:
        weights = np.array([seats.get(s, 0.0) for s in SECTORS], dtype=float)
        if weights.sum() == 0:
            weights = np.ones(len(SECTORS))
        shares = sum(w * prefs[s] for w, s in zip(weights / weights.sum(), SECTORS))
    if rule == "consensus":
        push = np.array([signals.get("waiting", 0.0), signals.get("org_deficit", 0.0), signals.get("waiting", 0.0) * 0.5,
                         0.0, signals.get("distress", 0.0)])
        shares = shares + responsiveness * push * shares.max()
    return shares / shares.sum()


def tokenism(seats: dict[str, float], rule: str, official_status: bool) -> float:
    """How little of their nominal weight the held patient and citizen seats carry (0-1; 0 without such seats)."""
    held = seats.get("patients", 0) + seats.get("citizens", 0)
    if held <= 0:
        return 0.0
    return float(np.clip(1.0 - RULE_VOICE[rule] * (1.0 if official_status else 0.5), 0.0, 1.0))


class Governance(Submodel):
    """Quarterly: fill patient seats with level-3 partners, measure tokenism, allocate the budget."""

    name = "governance"

    def step(self) -> None:
        m = self.model
        if not self.p.stewardship_group or m.week % self.p.quarter_weeks != 0:
            return
        group = m.stewardship
        r = m.residents
        seats = {s: float(v) for s, v in self.p.seats.items()}
        # Patient seats are held by level-3 partners (co-leaders); empty seats carry no voice.
        seat_holders = np.flatnonzero(r.governance_seat)
        group.filled_patient_seats = min(len(seat_holders), int(self.p.seats.get("patients", 0)))
        seats["patients"] = group.filled_patient_seats * (1.0 if self.p.partner_official_status else 0.5)
        group.tokenism = tokenism(seats, self.p.decision_rule, self.p.partner_official_status)

        shares = allocate(seats, self.p.decision_rule, m.community_signals(), self.p.responsiveness)
        quarter_budget = (m.funding.expected_income(m.week, self.p.quarter_weeks)
                          + m.budget.pool * min(1.0, self.p.quarter_weeks / self.p.planning_weeks))
        weekly = quarter_budget / self.p.quarter_weeks
        m.budget.weekly_allocation = {line: weekly * s for line, s in zip(BUDGET_LINES, shares)}
        group.allocation = dict(zip(BUDGET_LINES, shares.tolist()))
