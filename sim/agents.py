"""The Mesa agents of the caring community.

Two kinds of agent live here:

* **Residents** (:class:`Patient`, :class:`Citizen`) and the **roles** some of them take
  (:class:`PatientPartner` for patient and carer partners, :class:`CitizenPartner`) are *views*:
  their state is a row of :class:`sim.population.Residents`, updated for everyone at once by the
  vectorised submodels. A view reads and writes that row, so ``patient.loneliness`` is always
  current. A promotion keeps identity and ties: a patient trained as a patient partner gets a
  :class:`PatientPartner` role agent bound to the same resident (same network node).
* The **few** (:class:`Clinician`, :class:`CommunityOrganization`, :class:`StewardshipGroup`)
  are ordinary Mesa agents with their own state and per-agent methods.
"""

from __future__ import annotations

import itertools
import weakref

import mesa

from .population import AGE_GROUPS, ROLES


class _IdCounters(weakref.WeakKeyDictionary):
    """Agent-id counters, one per model, that do not keep a model alive once nothing else uses it.

    Mesa 3.3 (what Python 3.11 gets) numbers agents from a class-level ``defaultdict`` keyed by model
    (``mesa.Agent._ids``, mesa issue #3179, fixed in 3.4): every model that ever had an agent stayed
    in memory, so a loop or a sweep worker running thousands of runs grew by about 0.8 MB a run.
    """

    def __getitem__(self, model) -> itertools.count:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = self[model] = itertools.count(1)
            return counter


class CommunityAgent(mesa.Agent):
    """A Mesa agent of the caring community. Ids are numbered per model from 1, across all these
    classes, as Mesa numbers them (Mesa 3.4 and later number them in ``Model.register_agent``)."""

    _ids = _IdCounters()


class _ResidentView(CommunityAgent):
    """A Mesa agent whose state is row ``index`` of the model's resident arrays."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = int(index)

    def _get(self, name):
        return getattr(self.model.residents, name)[self.index].item()

    # Attributes readable by Mesa users (portrayals, agent reporters, notebooks).
    age_group = property(lambda self: AGE_GROUPS[self._get("age_group")])
    lives_alone = property(lambda self: self._get("lives_alone"))
    single_parent = property(lambda self: self._get("single_parent"))
    equity_group = property(lambda self: self.model.equity_group_names[self._get("equity_group")])
    neighbourhood = property(lambda self: self.model.neighbourhood_names[self._get("neighbourhood")])
    loneliness = property(lambda self: self._get("loneliness"))
    isolated = property(lambda self: self._get("isolated"))
    active_ties = property(lambda self: self._get("active_ties"))
    competency = property(lambda self: self._get("competency"))
    engagement_level = property(lambda self: self._get("engagement"))
    recovery = property(lambda self: self._get("recovery"))
    timebank_balance = property(lambda self: self._get("timebank"))   # hours: credited less spent
    role = property(lambda self: ROLES[self._get("role")])

    @property
    def node(self) -> int:
        """Node id of this resident in the mutual-aid network."""
        return self.index


class Patient(_ResidentView):
    """A resident registered with the clinic (MODEL.md §2)."""

    chronic = property(lambda self: self._get("chronic"))
    mental_health = property(lambda self: self._get("mental_health"))
    shared_decisions = property(lambda self: self._get("shared_decisions"))
    ed_visits = property(lambda self: self._get("ed_visits"))
    admissions = property(lambda self: self._get("admissions"))


class Citizen(_ResidentView):
    """A resident not followed by the clinic: neighbour, relative, volunteer."""


class _RoleView(CommunityAgent):
    """A role (partner) taken by a resident; identity and ties are the resident's."""

    def __init__(self, model, resident: _ResidentView):
        super().__init__(model)
        self.resident = resident
        self.index = resident.index

    _get = _ResidentView._get
    distress = property(lambda self: self._get("distress"))
    capacity_hours = property(lambda self: self._get("capacity"))
    training = property(lambda self: self._get("training"))
    partner_since_week = property(lambda self: self._get("partner_since"))
    governance_seat = property(lambda self: self._get("governance_seat"))

    @property
    def caseload(self) -> int:
        """Patients this partner accompanies now (peer support; 0 for a citizen partner)."""
        return int(self.model.caseload[self.index])


class PatientPartner(_RoleView):
    """A patient (or a relative: a carer partner, ``carer`` is True) with lived experience, trained to coach."""

    @property
    def carer(self) -> bool:
        """Whether this partner is a carer partner (a relative) rather than a patient partner."""
        return ROLES[self._get("role")] == "carer_partner"


class CitizenPartner(_RoleView):
    """A trained volunteer who brokers mutual-aid relations and connects people to organizations."""


class Clinician(CommunityAgent):
    """A professional of the clinic: panel, weekly encounter capacity and partnership buy-in.

    ``buy_in`` (0-1) is the chance that an encounter is conducted in partnership (shared
    decisions, detection of isolation and low competency, introduction to a patient partner).
    """

    def __init__(self, model, profession: str, capacity: int, buy_in: float, node: int):
        super().__init__(model)
        self.profession = profession
        self.capacity = int(capacity)
        self.buy_in = float(buy_in)
        self.usual_buy_in = float(buy_in)
        self.node = int(node)
        self.good_experiences = 0.0  # introductions that went well, recently

    def update_buy_in(self, training: float, barrier: float, growth: float, experience_weight: float) -> None:
        """Buy-in moves towards a level raised by training and good experiences and capped by barriers.

        Without training or good experiences it returns to the clinician's usual level.
        """
        push = min(1.0, training + experience_weight * self.good_experiences)
        target = self.usual_buy_in + (1.0 - self.usual_buy_in) * push * (1.0 - barrier)
        self.buy_in += growth * (target - self.buy_in)
        self.buy_in = min(1.0, max(0.0, self.buy_in))
        self.good_experiences *= 0.9


class CommunityOrganization(CommunityAgent):
    """A community organization: activities for a target public, capacity and fragile funding."""

    def __init__(self, model, name: str, kind: str, target: str, capacity: int, weekly_cost: float,
                 own_income_per_year: float, partnered: bool, node: int, reserve_weeks: float):
        super().__init__(model)
        self.name = name
        self.kind = kind
        self.target = target
        self.full_capacity = int(capacity)
        self.capacity = int(capacity)
        self.weekly_cost = float(weekly_cost)
        self.own_income_per_year = float(own_income_per_year)
        self.partnered = bool(partnered)
        self.node = int(node)
        self.funds = float(weekly_cost * reserve_weeks)
        self.open = True
        self.weeks_in_deficit = 0
        self.grants_received = 0.0

    def settle_week(self, grant: float, cut_after_weeks: int, close_after_weeks: int) -> str | None:
        """Book one week's income and costs; short of funds it cuts capacity, then closes.

        Returns ``"cut"``, ``"closed"`` or ``None``.
        """
        if not self.open:
            return None
        self.grants_received += grant
        income = grant + self.own_income_per_year / 52.0
        cost = self.weekly_cost * self.capacity / self.full_capacity
        self.funds += income - cost
        if self.funds >= 0:
            self.weeks_in_deficit = 0
            step = max(1, self.full_capacity // 10)
            bigger = min(self.full_capacity, self.capacity + step)
            # Grow back only when income covers the larger activity and reserves are rebuilt.
            if bigger > self.capacity and income >= self.weekly_cost * bigger / self.full_capacity \
                    and self.funds > 4 * self.weekly_cost:
                self.capacity = bigger
            return None
        self.weeks_in_deficit += 1
        if self.weeks_in_deficit >= close_after_weeks:
            self.open = False
            self.capacity = 0
            return "closed"
        if income < cost and self.weeks_in_deficit % cut_after_weeks == 0:
            self.capacity = max(1, int(self.capacity * 0.75))
            return "cut"
        return None


class StewardshipGroup(CommunityAgent):
    """The governance body: seats by sector, a decision rule, and the quarterly budget allocation."""

    def __init__(self, model, seats: dict[str, int], rule: str, official_status: bool):
        super().__init__(model)
        self.seats = dict(seats)
        self.rule = rule
        self.official_status = official_status
        self.allocation: dict[str, float] = {}
        self.filled_patient_seats = 0
        self.tokenism = 0.0
