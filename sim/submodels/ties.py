"""Tie dynamics (MODEL.md §3.7): contact, decay, dissolution and churn.

Each week a tie is maintained by contact with a chance that grows with its strength and with the
mobility of both people (seniors living alone and people in crisis go out less). A tie without
contact this week decays at its kind's yearly rate (emotional closeness about -15% a year without
contact; kin ties barely decay, Roberts & Dunbar 2015). A tie below the dissolution threshold
dissolves. People keep up their usual circle of friends: a friend lost (who moved away, or a tie
that faded) is replaced, after a while, by a new friend met through another friend (triadic
closure) or among the neighbours; people who go out less replace friends more slowly. This is
how older adults often add a confidant over five years while the size of their network stays
stable (Cornwell & Laumann 2015), and it keeps the network's size stationary in the baseline.
"""

from __future__ import annotations

import numpy as np

from ..network import (CARE_TEAM, FRIEND, HOUSEHOLD, INTER_ORG, KIN, MEMBERSHIP, MUTUAL_AID, PEER_SUPPORT,
                       TIE_KINDS, endpoint_sums, of_kinds)
from ..params import Section, check_names, check_values, param, probability, weekly_from_yearly
from ..population import CHILD, SENIOR
from . import Submodel, bernoulli_indices


class TieParams(Section):
    """Yearly decay by kind, weekly contact, dissolution and churn."""

    decay_per_year: dict[str, float] = param(
        {"kin": 0.03, "household": 0.0, "neighbour_friend": 0.15, "mutual_aid": 0.2, "peer_support": 0.1,
         "care_team": 0.0, "membership": 0.3, "inter_organization": 0.05},
        "share of strength lost in a year without contact, by tie kind", unit="share/year",
        source="Roberts & Dunbar 2015: about -15% a year without contact; kin barely decay")
    contact_probability: float = probability(0.2429, "weekly chance of contact on a full-strength tie between two fully mobile people",
                                               source="fitted (docs/CALIBRATION.md): inner circle and 5-year turnover")
    contact_gain: float = probability(0.03, "how far one contact strengthens a tie")
    senior_alone_mobility: float = probability(0.6, "mobility of a person 65+ living alone (others: 1)")
    chronic_mobility: float = probability(0.85, "mobility factor for a chronic condition")
    dissolve_below: float = probability(0.05, "strength below which a tie dissolves")
    friend_replacement_per_year: float = param(
        0.9029, "yearly rate at which a fully mobile resident replaces each friend missing from their usual circle",
        unit="1/year", ge=0.0, le=52.0,
        source="fitted (docs/CALIBRATION.md): Cornwell & Laumann 2015 (confidants added over 5 years, stable network size)")
    closure_share: float = probability(0.5, "share of new friends met through a friend (triadic closure); the rest among neighbours")
    new_tie_strength: float = probability(0.3, "strength of a newly formed friend tie")

    def model_post_init(self, __context) -> None:
        check_names(self.decay_per_year, TIE_KINDS, "tie kind", "ties.decay_per_year")
        check_values(self.decay_per_year, "ties.decay_per_year", "a share between 0 and 1", high=1.0)


class TieDynamics(Submodel):
    """Contact, decay, dissolution, and the formation of new ties."""

    name = "tie_dynamics"

    def __init__(self, model, params, rng):
        super().__init__(model, params, rng)
        yearly = np.array([params.decay_per_year.get(k, 0.0) for k in TIE_KINDS])
        # Share of its strength an idle tie keeps each week, by kind.
        self.weekly_kept = 1.0 - weekly_from_yearly(yearly).astype(np.float32)
        self._usual_mobility: np.ndarray | None = None

    def usual_mobility(self) -> np.ndarray:
        """How readily each resident keeps up contact outside a crisis (0-1): it depends on who they are
        (65+ living alone, chronic condition), which a newcomer taking their place keeps."""
        if self._usual_mobility is None:
            r, p = self.model.residents, self.p
            self._usual_mobility = (np.where(r.lives_alone & (r.age_group == SENIOR), p.senior_alone_mobility, 1.0)
                                    * np.where(r.chronic, p.chronic_mobility, 1.0))
        return self._usual_mobility

    def mobility(self) -> np.ndarray:
        """How readily each resident keeps up contact this week (0-1): half as readily in a crisis."""
        mob = self.usual_mobility().copy()
        mob[self.model.in_crisis] *= 0.5
        return mob.astype(np.float32)

    def step(self) -> None:
        m, p, rng, ties = self.model, self.p, self.rng, self.model.ties
        n = m.residents.n
        week = m.week
        s = ties.live((KIN, FRIEND, MUTUAL_AID))
        bound = min(1.0, p.contact_probability * 1.3)        # the highest chance of contact on a tie
        s = s[bernoulli_indices(len(s), bound, rng)]
        mob = self.mobility()
        a, b = ties.a[s], ties.b[s]
        pm = np.where(b < n, np.minimum(mob[a], mob[np.minimum(b, n - 1)]), 1.0)
        meet = rng.random(len(s)) * bound < p.contact_probability * (0.3 + ties.strength[s]) * pm
        ties.contact(s[meet], p.contact_gain, week)

        # Decay of every living tie not in contact this week, then dissolution.
        live = ties.live()
        kind, strength = ties.kind[live], ties.strength[live]
        idle = ties.last_contact[live] < week
        strength *= np.where(idle, np.take(self.weekly_kept, kind), np.float32(1.0))
        ties.strength[live] = strength
        weak = live[(strength < p.dissolve_below) & ~of_kinds(kind, (HOUSEHOLD, CARE_TEAM))]
        m.events["ties_dissolved"] += len(weak)
        ties.remove(weak)
        if (ties.kind[weak] == PEER_SUPPORT).any():   # an accompaniment faded out: caseloads follow
            m.peer_support.accompaniments()

        # Churn: friends who are lost are replaced.
        m.events["ties_formed"] += self.replace_friends(mob)

    def replace_friends(self, mobility: np.ndarray) -> int:
        """Residents with fewer friends than their usual circle make a new friend, each missing friend
        at ``friend_replacement_per_year`` scaled by mobility; returns the number of ties formed."""
        m, p, rng, ties, r = self.model, self.p, self.rng, self.model.ties, self.model.residents
        _, a, b = ties.live_ends((FRIEND,))
        friends = endpoint_sums(a, b, r.n)
        missing = np.flatnonzero(friends < r.usual_friends)
        rate = (r.usual_friends[missing] - friends[missing]) * mobility[missing] * (p.friend_replacement_per_year / 52.0)
        who = missing[rng.random(len(missing)) < -np.expm1(-rate)]
        if len(who) == 0:
            return 0
        # Through a friend (a contact of one of one's contacts), or else among the neighbours.
        via_friend = rng.random(len(who)) < p.closure_share
        other = np.full(len(who), -1, dtype=np.int64)
        contact = m.activities.random_contact(who[via_friend])
        known = contact >= 0
        fof = np.full(len(contact), -1, dtype=np.int64)
        fof[known] = m.activities.random_contact(contact[known])
        other[via_friend] = fof
        rest = other < 0
        other[rest] = m.activities.random_neighbour(who[rest])
        child = r.age_group == CHILD
        ok = (other >= 0) & (other != who)
        # A friendship takes two: the other person has room in their own circle; children befriend children.
        ok[ok] &= (friends[other[ok]] < r.usual_friends[other[ok]]) & (child[who[ok]] == child[other[ok]])
        who, other = who[ok], other[ok]
        who, other = one_friend_each(who, other, self.rng)
        _, new = ties.add(who, other, FRIEND, p.new_tie_strength, m.week)
        return int(new.sum())


def one_friend_each(who: np.ndarray, other: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (who, other) that can become friends this week, each person in one pair at most: a pair
    sharing someone with an earlier pair waits, the pairs taken in a random order when some share
    someone (so no one wins by their resident number)."""
    ends = np.column_stack([who, other]).ravel()
    people, first_seen = np.unique(ends, return_index=True)
    if len(people) < len(ends):
        order = rng.permutation(len(who))
        who, other = who[order], other[order]
        ends = np.column_stack([who, other]).ravel()
        people, first_seen = np.unique(ends, return_index=True)
    first = np.full(int(people.max()) + 1 if len(people) else 0, -1, dtype=np.int64)
    first[people] = first_seen
    pair = 2 * np.arange(len(who))
    once = (first[who] == pair) & (first[other] == pair + 1)
    return who[once], other[once]


__all__ = ["TieDynamics", "TieParams", "PEER_SUPPORT", "MEMBERSHIP", "INTER_ORG"]
