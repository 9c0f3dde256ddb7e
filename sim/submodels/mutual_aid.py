"""Mutual aid (MODEL.md §3.6): help flows along ties from those with capacity to those in need.

Each week, on each social tie between someone in need and someone able to help, help is given
with a chance that grows with the tie's strength. Giving strengthens the tie; help returned on a
tie that has already carried help the other way (reciprocity) strengthens it more. In a
timebank, members give more readily; every hour given is credited to the giver and spent by the
receiver, so the bank's hours balance.
"""

from __future__ import annotations

import numpy as np

from ..network import FRIEND, KIN, MUTUAL_AID
from ..params import Section, param, probability
from ..population import CHILD, SENIOR
from . import Submodel, bernoulli_indices


class MutualAidParams(Section):
    """Who needs help, who can give it, and what it does to ties."""

    help_probability: float = probability(0.15, "weekly chance of help on a full-strength tie between a person in need and a helper")
    hours_per_help: float = param(2.0, "hours of help given at once", unit="hours", ge=0.0, le=100.0)
    help_gain: float = probability(0.04, "how far giving help strengthens the tie")
    reciprocity_gain: float = probability(0.06, "extra strengthening when help is returned on the tie")
    timebank: bool = param(False, "whether a timebank runs (also on when a partner role is compensated in timebank hours)")
    timebank_membership: float = probability(0.25, "share of residents who join the timebank", unit="share")
    timebank_boost: float = param(1.5, "factor on the chance of helping between timebank members", unit="ratio",
                                  ge=0.0, le=10.0)


class MutualAid(Submodel):
    """One week of help along ties, with reciprocity and the timebank's accounts."""

    name = "mutual_aid"

    def __init__(self, model, params, rng):
        super().__init__(model, params, rng)
        n = model.residents.n
        self.timebank_on = params.timebank or model.uses_timebank
        self.member = np.zeros(n, dtype=bool)
        self.join_timebank(np.arange(n))
        self.community_account = 0.0   # the community's balance: leavers' balances less the hours credited to partners
        self.hours_given_total = 0.0   # hours given between members and credited to the giver, since the start
        self.last_giver: dict[str, np.ndarray] = {}

    def join_timebank(self, idx: np.ndarray) -> None:
        """Residents ``idx`` (everyone at the start, newcomers later) join the timebank or not."""
        self.member[idx] = self.timebank_on & (self.rng.random(len(idx)) < self.p.timebank_membership)

    def take_over_balances(self, leavers: np.ndarray) -> None:
        """Residents who move out leave their timebank balance to the community's account (the bank
        still balances)."""
        self.community_account += float(self.model.residents.timebank[leavers].sum())

    def credit_service(self, who: np.ndarray, hours: np.ndarray) -> None:
        """Credit partners paid in timebank hours; the community's account gives them (the bank balances)."""
        if not self.timebank_on or len(who) == 0:
            return
        r = self.model.residents
        np.add.at(r.timebank, who, hours.astype(np.float32))
        self.community_account -= float(hours.sum())
        self.model.events["timebank_hours"] += float(hours.sum())

    def need(self) -> np.ndarray:
        """How much each resident needs help this week (0-1)."""
        r, m = self.model.residents, self.model
        need = 0.15 * r.chronic + 0.25 * (r.lives_alone & (r.age_group == SENIOR)) + 0.2 * r.single_parent
        need = need + 0.3 * m.in_crisis + 0.2 * r.end_of_life + 0.1 * (r.competency < 45)
        return np.clip(need, 0.0, 1.0)

    def ability(self) -> np.ndarray:
        """How able each resident is to help this week (0-1)."""
        r, m = self.model.residents, self.model
        able = np.where(r.age_group == CHILD, 0.1, np.where(r.age_group == SENIOR, 0.5, 0.8))
        able = able * (1.0 - 0.5 * r.chronic) * (1.0 - 0.8 * m.in_crisis) * np.minimum(r.sociability, 1.5)
        return np.clip(able, 0.0, 1.0)

    def step(self) -> None:
        m, r, p, rng, ties = self.model, self.model.residents, self.p, self.rng, self.model.ties
        need, able = self.need(), self.ability()
        s = ties.live((KIN, FRIEND, MUTUAL_AID))
        s = s[ties.b[s] < r.n]              # resident-resident ties (residents have the lowest ids)
        # Only a few ties carry help in a week: draw candidates at the highest possible chance, then thin.
        boost = p.timebank_boost if self.timebank_on else 1.0
        bound = min(1.0, p.help_probability * max(1.0, boost))
        s = s[bernoulli_indices(len(s), bound, rng)]
        a, b = ties.a[s], ties.b[s]
        # Direction: help goes from the abler to the needier end of the tie.
        a_gives = able[a] * need[b] >= able[b] * need[a]
        giver = np.where(a_gives, a, b)
        taker = np.where(a_gives, b, a)
        chance = p.help_probability * ties.strength[s] * able[giver] * need[taker]
        if self.timebank_on:
            chance = chance * np.where(self.member[giver] & self.member[taker], p.timebank_boost, 1.0)
        helped = rng.random(len(s)) * bound < chance
        s, giver, taker = s[helped], giver[helped], taker[helped]
        hours = np.full(len(s), p.hours_per_help, dtype=np.float32)

        # Reciprocity: this tie carried help the other way before.
        prev = ties.helper[s]
        reciprocal = (prev >= 0) & (prev != giver)
        # the two gains are each at most 1; together they take the tie to 1 at most, not beyond
        ties.contact(s, np.minimum(p.help_gain + p.reciprocity_gain * reciprocal, 1.0), m.week)
        ties.helper[s] = giver

        np.add.at(r.support_received, taker, hours)
        np.add.at(m.help_given_week, giver, hours)
        m.events["help_hours"] += float(hours.sum())
        m.events["reciprocal_help"] += int(reciprocal.sum())
        if self.timebank_on:
            bank = self.member[giver] & self.member[taker]
            credited = hours[bank]
            np.add.at(r.timebank, giver[bank], credited)
            np.subtract.at(r.timebank, taker[bank], credited)
            self.hours_given_total += float(credited.sum())
            m.events["timebank_hours"] += float(credited.sum())
