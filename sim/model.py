"""The caring-community model: building the world, and the week as a short story.

Read this file top to bottom to know the model. Each process of MODEL.md §3 is a submodel in
:mod:`sim.submodels`; :data:`WEEKLY_ORDER` is the documented order in which they run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from . import outcomes
from .errors import ScenarioError, UserError
from .agents import Citizen, CitizenPartner, Clinician, CommunityOrganization, Patient, PatientPartner, StewardshipGroup
from .network import CARE_TEAM, INTER_ORG, MEMBERSHIP, generate_network
from .population import CARER_PARTNER, CITIZEN_PARTNER, NO_ROLE, PATIENT_PARTNER, coaching_role, generate_residents
from .scenario import DEFAULT_SCENARIO, Scenario, at_size, load_scenario
from .submodels.activities import CommunityActivities, targets_mask
from .submodels.clinical import ClinicalEncounters
from .submodels.funding import Budget, Funding
from .submodels.governance import Governance
from .submodels.mutual_aid import MutualAid
from .submodels.peer_support import PeerSupport
from .submodels.retention import Retention
from .submodels.states import IndividualStates
from .submodels.ties import TieDynamics

#: The weekly schedule (MODEL.md §3): the attribute of each submodel, in the order it runs.
WEEKLY_ORDER = ("governance", "funding", "clinical", "peer_support", "activities", "mutual_aid", "tie_dynamics",
                "states", "retention")
#: The processes that run without the programme, in weekly order: the burn-in runs these before week 0.
BURN_IN_ORDER = ("clinical", "activities", "mutual_aid", "tie_dynamics", "states")
#: Independent random streams, one per submodel plus the world's construction (common random numbers).
#: A stream's seed is its position here (``SeedSequence(seed).spawn``): add a new submodel's stream at the
#: end, never in between, or every later stream, and so every preset's results, would change.
STREAMS = ("population", "network", "organizations", "governance", "funding", "clinical", "peer_support",
           "activities", "mutual_aid", "tie_dynamics", "states", "retention")


class CaringCommunity(mesa.Model):
    """A caring community (communauté soignante) simulated week by week.

    Args:
        scenario: a preset name, a YAML path, a dict or a :class:`~sim.scenario.Scenario`.
        rng: the seed: a whole number 0 or more; a numpy ``Generator``, ``BitGenerator`` or
            ``SeedSequence`` (a seed is drawn from it, as Mesa's ``rng=`` takes them); or None (a fresh
            one). The seed used is ``model.seed``; the same scenario and seed give identical results.
        agent_views: create a Mesa agent for every resident (views on the arrays). Turn off for
            the largest populations if only the outcomes matter.
        **overrides: dotted scenario keys, e.g. ``**{"governance.decision_rule": "consensus"}``
            (how ``mesa.batch_run`` passes swept parameters).

    The resolved parameters are ``model.params`` (a :class:`~sim.scenario.Scenario`); ``model.scenario``
    is None (Mesa 3.5 keeps its own experimental scenarios there: see :attr:`scenario`).
    """

    def __init__(self, scenario: "str | Path | dict | Scenario" = DEFAULT_SCENARIO, rng: int | None = None,
                 agent_views: bool = True, **overrides: Any):
        if type(scenario).__module__.startswith("mesa."):
            # A Mesa >= 3.5 experimental Scenario holds none of this model's parameters: keep its seed only.
            rng = getattr(scenario, "rng", None) if rng is None else rng
            scenario = DEFAULT_SCENARIO
        _check_mesa_arguments(scenario, overrides)
        if rng is None:
            rng = int(np.random.SeedSequence().entropy % (2**63))
        if isinstance(rng, (np.random.SeedSequence, np.random.BitGenerator)):   # as Mesa's own rng= takes
            rng = np.random.default_rng(rng)
        if isinstance(rng, np.random.Generator):
            rng = int(rng.integers(2**63))
        if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)) or rng < 0:
            raise UserError(f"expected a seed that is a whole number 0 or more (or a numpy Generator, BitGenerator "
                            f"or SeedSequence, or None for a fresh one); found {rng!r}", key="rng")
        super().__init__(rng=int(rng))
        self.seed = int(rng)
        self.params: Scenario = load_scenario(scenario, overrides or None)
        sc = self.params
        streams = dict(zip(STREAMS, (np.random.default_rng(s) for s in np.random.SeedSequence(self.seed).spawn(len(STREAMS)))))
        self.week = 0

        # --- residents and their network
        self.residents = r = generate_residents(sc.population, streams["population"])
        n = r.n
        self.equity_group_names = list(sc.population.equity_groups)
        self.neighbourhood_names = [nb.name for nb in sc.population.neighbourhoods]
        self.n_neighbourhoods = len(self.neighbourhood_names)
        self.group_access = np.array([g.access for g in sc.population.equity_groups.values()])
        group_tie_factor = np.array([g.tie_factor for g in sc.population.equity_groups.values()])
        n_clin = sum(p.count for p in sc.clinical.professions.values())
        n_org = len(sc.organizations)
        self.ties = generate_network(r, sc.network, streams["network"], n + n_clin + n_org, group_tie_factor)
        cell = (np.floor(r.y * 20) * 1000 + np.floor(r.x * 20)).astype(np.int64)
        self.spatial_order = np.lexsort((r.x, cell))
        self.spatial_rank = np.empty(n, dtype=np.int64)
        self.spatial_rank[self.spatial_order] = np.arange(n)

        # --- weekly working state shared between submodels
        self.events = outcomes.new_event_counter()
        self.caseload = np.zeros(n, dtype=np.int32)
        self.in_peer_support = np.zeros(n, dtype=bool)
        self.in_crisis = np.zeros(n, dtype=bool)
        self.support_received_week = np.zeros(n, dtype=np.float32)
        self.help_given_week = np.zeros(n, dtype=np.float32)
        self.attended_week = np.zeros(n, dtype=bool)
        self.unpaid = np.zeros(n, dtype=bool)
        self.support = np.zeros(n)
        self.referrals: list[int] = []
        self.coordination_level = 0.0
        self.supervision_level = 0.0
        self.lonely_threshold = sc.states.lonely_threshold
        self.budget = Budget()
        self.role_agents: dict[int, mesa.Agent] = {}

        # --- the few: clinicians, organizations, the stewardship group
        self._build_clinicians(streams["organizations"], n)
        self._build_organizations(streams["organizations"], n + n_clin)
        gov = sc.governance
        self.stewardship = StewardshipGroup(self, gov.seats, gov.decision_rule, gov.partner_official_status)
        self.partner_programme_exists = gov.stewardship_group
        modes = sc.funding.compensation.model_dump().values()
        self.uses_timebank = self.partner_programme_exists and "timebank" in modes

        # --- resident agents (views on the arrays)
        self.resident_agents = None
        if agent_views:
            self.resident_agents = [Patient(self, i) if r.is_patient[i] else Citizen(self, i) for i in range(n)]

        # --- the submodels, in weekly order
        self.governance = Governance(self, sc.governance, streams["governance"])
        self.funding = Funding(self, sc.funding, streams["funding"])
        self.clinical = ClinicalEncounters(self, sc.clinical, streams["clinical"])
        self.peer_support = PeerSupport(self, sc.peer_support, streams["peer_support"])
        self.activities = CommunityActivities(self, sc.activities, streams["activities"])
        self.mutual_aid = MutualAid(self, sc.mutual_aid, streams["mutual_aid"])
        self.tie_dynamics = TieDynamics(self, sc.ties, streams["tie_dynamics"])
        self.states = IndividualStates(self, sc.states, streams["states"])
        self.retention = Retention(self, sc.retention, streams["retention"])

        self._initial_partners(streams["organizations"])
        self._initial_shared_decisions(streams["population"])
        self.states.update_ties()
        self._initial_loneliness()
        self._burn_in(sc.network.burn_in_weeks)
        self.states.partner_in_own_care()
        self.groups = outcomes.breakdown_groups(self)
        self.group_masks, self.group_sizes = outcomes.group_masks(self.groups)
        self.patient_ids = np.flatnonzero(r.is_patient)    # newcomers keep the place, and whether it is a patient's

        first = outcomes.measure(self)
        self._last_row = first
        self.datacollector = outcomes.OutcomeCollector(first)
        self.datacollector.collect(self)

    @property
    def scenario(self) -> None:
        """None: this model's parameters are ``model.params``.

        Mesa 3.5 keeps an experimental ``mesa.experimental.scenarios.Scenario`` here, which holds none
        of them. Its SolaraViz, finding one, rebuilt the model on *Reset* with that object in place of
        the ``scenario`` given in ``model_params``: a page showing a 300-resident community came back
        as the 18,000-resident Centre-Sud preset. Without one it passes ``model_params`` as they are.
        """
        return None

    @scenario.setter
    def scenario(self, value) -> None:
        self._mesa_scenario = value          # what Mesa >= 3.5's Model.__init__ sets

    # ======================================================================= the week
    def step(self) -> None:
        """One week: governance, funding, clinic, peer support, activities, mutual aid, ties, states, retention."""
        self.begin_week()
        self.governance.step()      # quarterly budget allocation by the stewardship group
        self.funding.step()         # income from funders; organizations book costs, cut or close
        self.clinical.step()        # encounters, shared decisions, introductions to partners
        self.peer_support.step()    # partners meet patients; competency, referrals, distress
        self.activities.step()      # citizen partners broker; members attend; co-attendance ties
        self.mutual_aid.step()      # help along ties, reciprocity, timebank
        self.tie_dynamics.step()    # contact, decay, dissolution, churn
        self.states.step()          # loneliness, isolation, competency, engagement, recovery, crises
        self.retention.step()       # partners leave; new partners are trained
        self.week += 1
        self._last_row = outcomes.measure(self)
        self.datacollector.collect(self)
        # Mesa's run_model() and batch_run stop at the scenario's horizon; run(weeks) may go beyond it.
        self.running = self.week < self.params.weeks

    def begin_week(self) -> None:
        """Clear this week's event counters and the weekly support-received and help-given tallies."""
        self.events.clear()
        self.support_received_week[:] = 0.0
        self.help_given_week[:] = 0.0

    def run(self, weeks: int | None = None, progress=None) -> pd.DataFrame:
        """Run ``weeks`` more weeks (default: the scenario's horizon) and return the weekly outcomes so far.

        ``progress``, if given, is called with 1 after each week (e.g. a progress bar's ``update``).
        """
        if weeks is None:
            weeks = self.params.weeks
        elif (isinstance(weeks, (bool, np.bool_)) or not isinstance(weeks, (int, np.integer, float, np.floating))
              or not np.isfinite(weeks) or weeks != int(weeks) or weeks < 0):   # 3.0 is whole (Mesa 3.5's steps)
            raise UserError(f"expected a whole number of weeks, 0 or more; found {weeks!r}", key="weeks")
        weeks = int(weeks)
        for _ in range(weeks):
            self.step()
            if progress is not None:
                progress(1)
        return self.outcomes()

    def outcomes(self) -> pd.DataFrame:
        """The weekly outcomes so far, one row per week (week 0 is the initial state)."""
        return self.datacollector.get_model_vars_dataframe().reset_index(drop=True)

    # ======================================================================= shared queries
    def programme_running(self, idx: np.ndarray) -> np.ndarray:
        """Whether the caring-community programme runs, this week, where each resident ``idx`` lives."""
        if not self.partner_programme_exists:
            return np.zeros(len(idx), dtype=bool)
        started = np.array([nb.programme_start_week <= self.week for nb in self.params.population.neighbourhoods])
        return started[self.residents.neighbourhood[idx]]

    def community_signals(self) -> dict[str, float]:
        """What co-governance listens to: waiting list, partner distress, organizations in trouble."""
        r = self.residents
        partners = coaching_role(r.role)
        places = max(1, int(self.peer_support.capacity_of(np.flatnonzero(partners)).sum()))
        orgs = self.organizations
        return {"waiting": min(1.0, (r.waiting_since >= 0).sum() / places),
                "distress": float(r.distress[partners].mean()) if partners.any() else 0.0,
                "org_deficit": sum((not o.open) or o.weeks_in_deficit > 0 for o in orgs) / max(1, len(orgs))}

    def coaches(self) -> np.ndarray:
        """Per neighbourhood: whether partners of any role of long standing (``peer_support.coach_after_weeks``),
        or co-leaders (level 3), can mentor."""
        r = self.residents
        standing = self.params.peer_support.coach_after_weeks
        coach = (r.role != NO_ROLE) & ((self.week - r.partner_since >= standing) | (r.engagement == 3))
        return np.bincount(r.neighbourhood[coach], minlength=self.n_neighbourhoods) > 0

    def mentoring(self) -> tuple[np.ndarray, np.ndarray]:
        """Rhizomes: per neighbourhood, (is mentoring another now, is being mentored now)."""
        giving = np.zeros(self.n_neighbourhoods, dtype=bool)
        getting = np.zeros(self.n_neighbourhoods, dtype=bool)
        weeks = self.params.peer_support.rhizome_mentoring_weeks
        for j, nb in enumerate(self.params.population.neighbourhoods):
            if nb.mentored_by in self.neighbourhood_names and 0 <= self.week - nb.programme_start_week < weeks:
                giving[self.neighbourhood_names.index(nb.mentored_by)] = True
                getting[j] = True
        return giving, getting

    def group_code(self, name: str) -> int:
        """The code of the equity group ``name`` in ``residents.equity_group``, or -1 if the scenario has none."""
        return self.equity_group_names.index(name) if name in self.equity_group_names else -1

    def org_members(self) -> np.ndarray:
        """Members of each node (indexed by node id; non-zero for organizations only)."""
        return np.bincount(self.ties.b[self.ties.live((MEMBERSHIP,))], minlength=self.ties.n_nodes)

    # ======================================================================= roles
    def assign_role(self, idx: np.ndarray, role: int) -> None:
        """Train residents for a partner role; they keep their identity and ties."""
        r = self.residents
        ps = self.params.peer_support
        r.role[idx] = role
        r.partner_since[idx] = self.week
        r.training[idx] = 1.0
        r.distress[idx] = 0.0
        r.capacity[idx] = ps.hours_per_week if role != CITIZEN_PARTNER else self.params.retention.citizen_hours_per_week
        if role != CITIZEN_PARTNER:
            r.engagement[idx] = np.maximum(r.engagement[idx], 2)
            r.waiting_since[idx] = -1
            # Integrated into the care team: tied to the clinician with most partnership buy-in.
            if self.clinicians:
                best = max(self.clinicians, key=lambda c: c.buy_in)
                self.ties.add(idx, np.full(len(idx), best.node), CARE_TEAM, 1.0, self.week)
        cls = CitizenPartner if role == CITIZEN_PARTNER else PatientPartner
        for i in np.atleast_1d(idx).tolist():
            resident = self.resident_agents[i] if self.resident_agents else _Bare(i)
            self.role_agents[i] = cls(self, resident)

    def remove_role(self, idx: np.ndarray) -> None:
        """Partners leave their role (they stay residents, with their social ties, and leave the care team
        they joined as partners: a patient keeps the tie to their own clinician)."""
        r = self.residents
        was_partner = coaching_role(r.role[idx])
        self.peer_support.partners_leave(idx)     # their accompaniments end now (ties become mutual aid)
        self.activities.partners_leave(idx)
        self._leave_care_team(np.atleast_1d(idx)[was_partner])
        r.role[idx] = NO_ROLE
        r.capacity[idx] = 0.0
        r.governance_seat[idx] = False
        r.engagement[idx[was_partner]] = np.where(r.is_patient[idx[was_partner]], 1, 0)
        for i in np.atleast_1d(idx).tolist():
            agent = self.role_agents.pop(i, None)
            if agent is not None:
                agent.remove()

    def _leave_care_team(self, idx: np.ndarray) -> None:
        """Remove the care-team ties of residents ``idx`` other than a patient's tie to their own clinician."""
        if len(idx) == 0 or not self.clinicians:
            return
        r, ties = self.residents, self.ties
        slots = ties.ties_of(idx, (CARE_TEAM,))
        resident = ties.a[slots]                         # residents' ids come before clinicians' nodes
        own = np.where(r.is_patient[resident] & (r.clinician[resident] >= 0),
                       self.clinician_nodes[np.maximum(r.clinician[resident], 0)], -1)
        ties.remove(slots[ties.b[slots] != own])

    def on_residents_replaced(self, idx: np.ndarray) -> None:
        """Newcomers replaced residents ``idx``: clear the per-person working state."""
        self.residents.arrived_week[idx] = self.week
        self.activities.accompanied_by[idx] = -1
        self.clinical.escalated[idx] = False
        self.in_crisis[idx] = False          # the crisis was the leaver's
        if self.in_peer_support[idx].any():  # their peer-support tie left with them: caseloads follow
            self.peer_support.accompaniments()
        self.mutual_aid.join_timebank(idx)

    # ======================================================================= construction
    def _build_clinicians(self, rng: np.random.Generator, first_node: int) -> None:
        sc, r = self.params.clinical, self.residents
        self.clinicians: list[Clinician] = []
        weights = []
        for name, prof in sc.professions.items():
            for _ in range(prof.count):
                buy_in = float(np.clip(rng.normal(sc.buy_in_mean, sc.buy_in_sd), 0.0, 1.0))
                c = Clinician(self, name, prof.weekly_capacity, buy_in, first_node + len(self.clinicians))
                self.clinicians.append(c)
                weights.append(prof.panel_weight * prof.weekly_capacity)
        self.clinician_nodes = np.array([c.node for c in self.clinicians], dtype=np.int64)   # network node of each
        patients = np.flatnonzero(r.is_patient)
        w = np.asarray(weights, dtype=float)
        if len(self.clinicians) == 0 or w.sum() == 0:
            return
        r.clinician[patients] = rng.choice(len(self.clinicians), size=len(patients), p=w / w.sum())
        self.ties.add(patients, self.clinician_nodes[r.clinician[patients]], CARE_TEAM, 1.0, 0)

    def _build_organizations(self, rng: np.random.Generator, first_node: int) -> None:
        sc, r = self.params, self.residents
        self.organizations: list[CommunityOrganization] = []
        self.org_neighbourhood: dict[int, int] = {}
        for j, spec in enumerate(sc.organizations):
            org = CommunityOrganization(self, spec.name, spec.kind, spec.target, spec.capacity, spec.weekly_cost,
                                        spec.own_income_per_year, spec.partnered, first_node + j,
                                        sc.funding.org_reserve_weeks)
            self.organizations.append(org)
            nb = self.neighbourhood_names.index(spec.neighbourhood) if spec.neighbourhood in self.neighbourhood_names else 0
            self.org_neighbourhood[org.unique_id] = nb
            pool = np.flatnonzero(r.neighbourhood == nb)
            pool = pool[targets_mask(self, spec.target, pool)]
            k = min(spec.capacity, int(round(sc.network.membership_share * len(pool))))
            if k:
                members = rng.choice(pool, size=k, replace=False)
                self.ties.add(members, np.full(k, org.node), MEMBERSHIP, 0.5, 0)
        nodes = np.array([o.node for o in self.organizations])
        if len(nodes) > 1:
            iu = np.triu_indices(len(nodes), 1)
            keep = rng.random(len(iu[0])) < sc.network.interorg_density
            self.ties.add(nodes[iu[0][keep]], nodes[iu[1][keep]], INTER_ORG, 0.5, 0)
        organizers = [c.node for c in self.clinicians if c.profession == "community_organizer"]
        for o in self.organizations:
            if o.partnered and organizers:
                self.ties.add(np.array([organizers[o.node % len(organizers)]]), np.array([o.node]), INTER_ORG, 0.6, 0)

    def _initial_partners(self, rng: np.random.Generator) -> None:
        sc, r = self.params.retention, self.residents
        if not self.partner_programme_exists:
            return
        self.week = 0
        running = self.programme_running(np.arange(r.n))
        for role, k, pool in (
                (PATIENT_PARTNER, sc.initial_patient_partners, r.is_patient & (r.chronic | r.mental_health)),
                (CARER_PARTNER, sc.initial_carer_partners, ~r.is_patient & (r.age_group == 1)),
                (CITIZEN_PARTNER, sc.initial_citizen_partners, (r.age_group == 1) & (r.role == NO_ROLE))):
            cand = np.flatnonzero(pool & running & (r.role == NO_ROLE))
            if k and len(cand):
                chosen = rng.choice(cand, size=min(k, len(cand)), replace=False)
                if role == PATIENT_PARTNER:
                    r.competency[chosen] = np.maximum(r.competency[chosen], 70.0)
                self.assign_role(chosen, role)
                r.partner_since[chosen] = -sc.initial_partner_weeks  # already experienced when the run starts

    def _initial_shared_decisions(self, rng: np.random.Generator) -> None:
        """Each patient's share of shared decisions starts near the level their clinician's buy-in sustains."""
        r, p = self.residents, self.params.clinical
        pts = np.flatnonzero(r.is_patient & (r.clinician >= 0))
        if len(pts) == 0 or not self.clinicians:
            return
        b = np.array([c.buy_in for c in self.clinicians])[r.clinician[pts]]
        up, down = b * p.shared_decision_rate, (1.0 - b) * 0.5 * p.shared_decision_rate
        level = up / np.maximum(up + down, 1e-9)
        r.shared_decisions[pts] = np.clip(level + rng.normal(0.0, 0.1, len(pts)), 0.0, 1.0)

    def _burn_in(self, weeks: int) -> None:
        """Run the community's own processes (no programme: weeks before 0) so the run starts in steady state."""
        self.week = -weeks
        initial = self.ties.live()
        self.ties.last_contact[initial] = -weeks   # the initial network exists from the burn-in's start,
        self.ties.formed[initial] = -weeks         # so its ties are older than those formed in the burn-in
        while self.week < 0:
            self.begin_week()
            for name in BURN_IN_ORDER:
                getattr(self, name).step()
            self.week += 1
        # What happened before week 0 is not part of the run's outcomes.
        r = self.residents
        r.ed_visits[:] = 0
        r.admissions[:] = 0
        r.support_received[:] = 0
        r.timebank[:] = 0
        self.mutual_aid.community_account = 0.0
        self.begin_week()

    def _initial_loneliness(self) -> None:
        """Start each resident's loneliness at the level their support sets (the burn-in then settles it)."""
        self.residents.loneliness[:] = self.states.target_loneliness().astype(np.float32)


def _check_mesa_arguments(scenario: Any, overrides: dict[str, Any]) -> None:
    """Arguments a Mesa user may pass as to other Mesa models, refused with what to write instead
    (else the scenario's checks would call them misspelt scenario keys or unknown presets)."""
    if "seed" in overrides:
        raise UserError(f"expected the seed as rng= (Mesa 3's name for it, and mesa.batch_run's); found "
                        f"seed={overrides['seed']!r}", key="seed")
    if "residents" in overrides:
        raise UserError("expected the size as a scaled scenario: CaringCommunity(scale_scenario(scenario, N), ...) "
                        "(sim.scale_scenario), or population.n_patients for the number of residents only; found "
                        f"residents={overrides['residents']!r}", key="residents")
    fields = Scenario.model_fields
    split = (isinstance(scenario, tuple) and len(scenario) == 2 and scenario[0] in fields) or (
        isinstance(scenario, str) and scenario in fields and not Path(scenario).exists())
    if split:
        # mesa.batch_run sweeps every value it can iterate over: a dict's keys, a Scenario's (field, value) pairs.
        raise ScenarioError(f"expected a preset name, a YAML path, a dict or a Scenario; found {scenario!r}, one "
                            "field of a scenario: mesa.batch_run iterates over a parameter's value, so a dict or "
                            "Scenario reaches the model one field at a time. Give it in a list: "
                            "parameters={'scenario': [scenario], ...}", key="scenario")


class _Bare:
    """Stand-in resident for role agents when resident views are turned off."""

    def __init__(self, index: int):
        self.index = index


def run(scenario: "str | Path | dict | Scenario" = DEFAULT_SCENARIO, seed: int = 0, years: float | None = None,
        overrides: dict[str, Any] | None = None, agent_views: bool = False,
        residents: int | None = None) -> pd.DataFrame:
    """Build a model, run it for ``years`` (default: the scenario's) and return the weekly outcomes.

    Returns one row per week, week 0 being the initial state. ``seed`` is the model's seed;
    ``agent_views`` creates a Mesa agent per resident (not needed for the outcomes). ``residents``
    runs the same community at another size (``caring-community run --residents``);
    ``overrides`` then apply to the scaled values, as a sweep's do. A bad seed, horizon or size is a
    :class:`~sim.errors.UserError`, as with ``caring-community run``.
    """
    from .runner import check_run_arguments, horizon_weeks  # noqa: PLC0415 (runner imports this module)

    base = scenario if residents is None else at_size(load_scenario(scenario), residents)
    params = load_scenario(base, overrides or None)
    weeks = horizon_weeks(params, years)
    check_run_arguments(seed, years, [], weeks)
    model = CaringCommunity(params, rng=seed, agent_views=agent_views)
    return model.run(weeks)
