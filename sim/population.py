"""The residents of the neighbourhood(s): who they are, where they live, and their households.

Residents (patients registered with the clinic, and citizens who are not) are the populous agents,
so their state lives in :class:`Residents`, a set of numpy arrays indexed by resident id; the Mesa
agents of :mod:`sim.agents` are views on these arrays. Resident ``i`` is node ``i`` of the
mutual-aid network.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from .params import Section, param, probability

# Age groups and roles are small integer codes so that state stays in compact numpy arrays.
CHILD, ADULT, SENIOR = 0, 1, 2
AGE_GROUPS = ("child", "adult", "65+")

#: ``arrived_week`` of the residents who lived in the neighbourhood before the simulation began.
ORIGINAL_RESIDENT = int(np.iinfo(np.int32).min)

NO_ROLE, PATIENT_PARTNER, CARER_PARTNER, CITIZEN_PARTNER = 0, 1, 2, 3
ROLES = ("none", "patient_partner", "carer_partner", "citizen_partner")


def coaching_role(role: np.ndarray) -> np.ndarray:
    """Whether each role code is a coaching role (patient or carer partner, who accompany patients)."""
    return (role == PATIENT_PARTNER) | (role == CARER_PARTNER)


class EquityGroup(Section):
    """A group whose outcomes are followed for equity (cultural community, LGBTI, language...)."""

    share: float = probability(0.1, "share of residents in this group", unit="share")
    access: float = param(1.0, "relative chance that the programme reaches a member (1 = as the majority)",
                          unit="ratio", ge=0.0, le=2.0)
    tie_factor: float = param(1.0, "relative number of friend ties at the start", unit="ratio", ge=0.0, le=2.0)


class NeighbourhoodSpec(Section):
    """A neighbourhood of the community; rhizome scenarios have several."""

    name: str = param("centre-sud", "name of the neighbourhood")
    share: float = param(1.0, "share of the population living here (shares are normalised)", unit="share",
                         ge=0.0, le=1.0)
    programme_start_week: int = param(0, "week the caring-community programme starts here", unit="week",
                                      ge=0, le=5200)
    mentored_by: str | None = param(None, "neighbourhood whose partners mentor this one while it starts")


class PopulationParams(Section):
    """Demography of the community, from which households and the initial network are generated."""

    n_patients: int = param(12000, "residents registered with the clinic", unit="persons", ge=20, le=5_000_000,
                            source="Centre-Sud deck: GMF-U Notre-Dame, 12,000 patients")
    citizens_per_patient: float = param(0.5, "residents not followed by the clinic, per patient", unit="ratio",
                                        ge=0.0, le=10.0)
    share_children: float = probability(0.15, "share of residents under 18", unit="share")
    share_65plus: float = probability(0.22, "share of residents aged 65 and over", unit="share")
    share_women_65plus: float = probability(0.58, "share of women among residents 65+", unit="share")
    share_65plus_living_alone: float = probability(0.57, "share of residents 65+ who live alone", unit="share",
                                                   source="Centre-Sud deck: 57% of older adults live alone")
    share_adults_living_alone: float = probability(0.30, "share of adults 18-64 without children who live alone",
                                                   unit="share")
    share_single_parent_families: float = probability(0.50, "share of families with children headed by one parent",
                                                      unit="share",
                                                      source="Centre-Sud deck: 50% single-parent families")
    children_per_family: float = param(1.7, "mean number of children in a family", unit="children", ge=1.0, le=5.0)
    chronic_adults: float = probability(0.35, "share of adults 18-64 with a chronic condition", unit="share")
    chronic_65plus: float = probability(0.70, "share of residents 65+ with a chronic condition", unit="share")
    mental_health: float = probability(0.15, "share of adults with a mental-health condition", unit="share")
    mental_health_patients: float | None = param(
        None, "share of adult clinic patients with a mental-health condition (a psychiatric service's public); "
        "unset: the same share as other adults", unit="share", ge=0.0, le=1.0)
    end_of_life: float = probability(0.005, "share of patients in their last year of life (palliative)",
                                     unit="share")
    patient_weight_65plus: float = param(2.0, "relative chance that a resident 65+ is a clinic patient",
                                         unit="ratio", ge=0.0, le=10.0)
    competency_mean: float = param(60.0, "mean care competency (patient activation, PAM-like 0-100)",
                                   unit="PAM points", ge=0.0, le=100.0,
                                   source="Hibbard et al. 2005: baseline PAM about 58-62 for older adults")
    competency_sd: float = param(13.0, "standard deviation of care competency", unit="PAM points", ge=0.0,
                                 le=40.0, source="Hibbard et al. 2005")
    equity_groups: dict[str, EquityGroup] = param(
        {"majority": {"share": 0.72}, "cultural_community": {"share": 0.18, "access": 0.7, "tie_factor": 0.85},
         "lgbti": {"share": 0.10, "access": 0.8, "tie_factor": 0.9}},
        "groups followed for equity; shares are normalised (a scenario that sets them lists them all)", unit="",
        whole=True)
    neighbourhoods: list[NeighbourhoodSpec] = param(
        [{"name": "centre-sud"}], "the neighbourhoods; rhizome scenarios list several", unit="")

    @property
    def n_residents(self) -> int:
        """Residents of the community: the clinic's patients and the other residents (``citizens_per_patient`` each)."""
        return int(round(self.n_patients * (1.0 + self.citizens_per_patient)))

    def age_counts(self) -> tuple[int, int, int]:
        """Children, adults and people 65+ among the residents (each share of ``n_residents``, rounded);
        a :class:`ScenarioError` where the shares leave no adult once rounded (no parent for the children)."""
        n = self.n_residents
        children, seniors = int(round(n * self.share_children)), int(round(n * self.share_65plus))
        if n - children - seniors < 1:
            from .errors import ScenarioError
            raise ScenarioError(f"expected share_children + share_65plus to leave at least one adult among the {n:,} "
                                f"residents; found {children:,} children and {seniors:,} aged 65+ "
                                f"({self.share_children:g} and {self.share_65plus:g} of {n:,}, rounded)",
                                key="population.share_65plus")
        return children, n - children - seniors, seniors


@dataclass
class Residents:
    """State of every resident as numpy arrays indexed by resident id (= network node id)."""

    # --- fixed attributes
    neighbourhood: np.ndarray
    household: np.ndarray
    age_group: np.ndarray
    woman: np.ndarray
    lives_alone: np.ndarray
    single_parent: np.ndarray
    equity_group: np.ndarray
    is_patient: np.ndarray
    chronic: np.ndarray
    mental_health: np.ndarray
    end_of_life: np.ndarray
    x: np.ndarray
    y: np.ndarray
    # --- dynamic state
    clinician: np.ndarray = field(default=None)
    competency: np.ndarray = field(default=None)
    loneliness: np.ndarray = field(default=None)
    isolated: np.ndarray = field(default=None)
    active_ties: np.ndarray = field(default=None)
    tie_need: np.ndarray = field(default=None)
    lonely_propensity: np.ndarray = field(default=None)
    shared_decisions: np.ndarray = field(default=None)
    engagement: np.ndarray = field(default=None)
    recovery: np.ndarray = field(default=None)
    participation: np.ndarray = field(default=None)
    helping: np.ndarray = field(default=None)
    support_received: np.ndarray = field(default=None)
    timebank: np.ndarray = field(default=None)
    ed_visits: np.ndarray = field(default=None)
    admissions: np.ndarray = field(default=None)
    role: np.ndarray = field(default=None)
    partner_since: np.ndarray = field(default=None)
    capacity: np.ndarray = field(default=None)
    distress: np.ndarray = field(default=None)
    training: np.ndarray = field(default=None)
    governance_seat: np.ndarray = field(default=None)
    waiting_since: np.ndarray = field(default=None)
    sessions: np.ndarray = field(default=None)
    sociability: np.ndarray = field(default=None)
    first_support_week: np.ndarray = field(default=None)
    tie_factor: np.ndarray = field(default=None)
    usual_friends: np.ndarray = field(default=None)
    arrived_week: np.ndarray = field(default=None)
    usual_competency: np.ndarray = field(default=None)

    @property
    def n(self) -> int:
        """Number of residents."""
        return len(self.age_group)

    def reset_person(self, idx: np.ndarray, rng: np.random.Generator, p: "PopulationParams") -> None:
        """Give the residents at ``idx`` the dynamic state of a newcomer (a move-in replacing a move-out)."""
        k = len(idx)
        if k == 0:
            return
        self.usual_competency[idx] = np.clip(rng.normal(p.competency_mean, p.competency_sd, k), 0, 100)
        self.competency[idx] = self.usual_competency[idx]
        self.loneliness[idx] = 0.3
        for name in ("shared_decisions", "recovery", "participation", "helping", "support_received",
                     "timebank", "distress", "training"):
            getattr(self, name)[idx] = 0.0
        self.engagement[idx] = 0
        self.ed_visits[idx] = 0
        self.admissions[idx] = 0
        self.role[idx] = NO_ROLE
        self.partner_since[idx] = -1
        self.capacity[idx] = 0.0
        self.governance_seat[idx] = False
        self.waiting_since[idx] = -1
        self.sessions[idx] = 0
        self.first_support_week[idx] = -1
        self.end_of_life[idx] = False

    def memory_bytes(self) -> int:
        return sum(getattr(self, f.name).nbytes for f in fields(self) if getattr(self, f.name) is not None)


def _normalised(weights: np.ndarray) -> np.ndarray:
    total = weights.sum()
    return weights / total if total > 0 else np.full(len(weights), 1.0 / len(weights))


def generate_residents(p: PopulationParams, rng: np.random.Generator) -> Residents:
    """Draw the residents and their households from the scenario's demography.

    Households are built by type: people 65+ live alone (``share_65plus_living_alone``) or as a
    couple; families with children are headed by one parent (``share_single_parent_families``) or
    two; other adults live alone or as a couple. Households are placed at random points of the
    unit square (the neighbourhood), which later drives neighbour ties.
    """
    n = p.n_residents
    n_children, n_adults, n_seniors = p.age_counts()

    age, household, alone, single = [], [], [], []
    next_h = 0

    # Families with children: one or two parents.
    n_families = max(1, int(round(n_children / p.children_per_family))) if n_children else 0
    n_families = min(n_families, n_adults)
    kids_per_family = rng.multinomial(n_children, _normalised(np.ones(n_families))) if n_families else []
    is_single = rng.random(n_families) < p.share_single_parent_families
    parents_used = 0
    for f in range(n_families):
        families_left = n_families - f - 1      # each still needs a parent
        n_par = 1 if is_single[f] or parents_used + 2 + families_left > n_adults else 2
        parents_used += n_par
        age += [ADULT] * n_par + [CHILD] * int(kids_per_family[f])
        household += [next_h] * (n_par + int(kids_per_family[f]))
        alone += [False] * (n_par + int(kids_per_family[f]))
        single += [bool(n_par == 1)] * n_par + [False] * int(kids_per_family[f])
        next_h += 1

    # Other adults, then seniors: alone or as couples.
    for group, remaining, share_alone in ((ADULT, n_adults - parents_used, p.share_adults_living_alone),
                                          (SENIOR, n_seniors, p.share_65plus_living_alone)):
        n_alone = int(round(remaining * share_alone))
        n_couples = (remaining - n_alone) // 2
        n_alone = remaining - 2 * n_couples
        age += [group] * remaining
        household += list(range(next_h, next_h + n_alone))
        next_h += n_alone
        household += list(np.repeat(np.arange(next_h, next_h + n_couples), 2))
        next_h += n_couples
        alone += [True] * n_alone + [False] * (2 * n_couples)
        single += [False] * remaining

    age = np.asarray(age, dtype=np.int8)
    household = np.asarray(household, dtype=np.int32)
    lives_alone = np.asarray(alone, dtype=bool)
    single_parent = np.asarray(single, dtype=bool)
    n = len(age)

    # Neighbourhood of each household, and position of each household in the neighbourhood.
    n_house = int(household.max()) + 1
    shares = _normalised(np.array([nb.share for nb in p.neighbourhoods], dtype=float))
    house_nb = rng.choice(len(shares), size=n_house, p=shares).astype(np.int8)
    house_xy = rng.random((n_house, 2))
    neighbourhood = house_nb[household]
    x = (house_xy[household, 0] + neighbourhood).astype(np.float32)  # neighbourhoods side by side
    y = house_xy[household, 1].astype(np.float32)

    woman = rng.random(n) < np.where(age == SENIOR, p.share_women_65plus, 0.5)
    groups = list(p.equity_groups)
    g_share = _normalised(np.array([p.equity_groups[g].share for g in groups]))
    # Households share an equity group.
    equity_group = rng.choice(len(groups), size=n_house, p=g_share).astype(np.int8)[household]

    chronic_p = np.select([age == SENIOR, age == ADULT], [p.chronic_65plus, p.chronic_adults], 0.05)
    chronic = rng.random(n) < chronic_p
    mental_health = (age != CHILD) & (rng.random(n) < p.mental_health)

    # Which residents are clinic patients.
    n_pat = min(p.n_patients, n)
    w = np.where(age == SENIOR, p.patient_weight_65plus, 1.0) * np.where(chronic, 1.5, 1.0)
    likely = np.flatnonzero(w > 0)
    if n_pat <= len(likely):
        patients = rng.choice(n, size=n_pat, replace=False, p=_normalised(w))
    else:   # more patients than residents with a chance (weight 0 for 65+): all of those, then others at random
        patients = np.concatenate([likely, rng.choice(np.flatnonzero(w == 0), size=n_pat - len(likely), replace=False)])
    is_patient = np.zeros(n, dtype=bool)
    is_patient[patients] = True
    if p.mental_health_patients is not None:   # the clinic's own public, drawn apart from their neighbours
        adult_patients = np.flatnonzero(is_patient & (age != CHILD))
        mental_health[adult_patients] = rng.random(len(adult_patients)) < p.mental_health_patients
    end_of_life = is_patient & (age != CHILD) & (rng.random(n) < p.end_of_life)

    r = Residents(neighbourhood=neighbourhood, household=household, age_group=age, woman=woman,
                  lives_alone=lives_alone, single_parent=single_parent, equity_group=equity_group,
                  is_patient=is_patient, chronic=chronic, mental_health=mental_health,
                  end_of_life=end_of_life, x=x, y=y)
    f32 = lambda v=0.0: np.full(n, v, dtype=np.float32)  # noqa: E731
    r.clinician = np.full(n, -1, dtype=np.int32)
    r.usual_competency = np.clip(rng.normal(p.competency_mean, p.competency_sd, n), 0, 100).astype(np.float32)
    r.competency = r.usual_competency.copy()
    r.loneliness = f32(0.3)
    r.isolated = np.zeros(n, dtype=bool)
    r.active_ties = np.zeros(n, dtype=np.int16)
    r.tie_need = np.clip(rng.normal(4.0, 1.0, n), 1.5, 8.0).astype(np.float32)
    r.lonely_propensity = rng.normal(0.0, 1.0, n).astype(np.float32)
    r.shared_decisions = f32()
    r.engagement = np.zeros(n, dtype=np.int8)
    r.recovery = np.clip(rng.normal(0.4, 0.15, n), 0, 1).astype(np.float32)
    r.participation = f32()
    r.helping = f32()
    r.support_received = f32()
    r.timebank = f32()
    r.ed_visits = np.zeros(n, dtype=np.int32)
    r.admissions = np.zeros(n, dtype=np.int32)
    r.role = np.zeros(n, dtype=np.int8)
    r.partner_since = np.full(n, -1, dtype=np.int32)
    r.capacity = f32()
    r.distress = f32()
    r.training = f32()
    r.governance_seat = np.zeros(n, dtype=bool)
    r.waiting_since = np.full(n, -1, dtype=np.int32)
    r.sessions = np.zeros(n, dtype=np.int16)
    r.sociability = np.clip(rng.lognormal(0.0, 0.35, n), 0.2, 3.0).astype(np.float32)
    r.first_support_week = np.full(n, -1, dtype=np.int32)
    r.arrived_week = np.full(n, ORIGINAL_RESIDENT, dtype=np.int32)
    return r
