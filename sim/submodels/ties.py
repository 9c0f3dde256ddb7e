"""Tie dynamics (MODEL.md §3.7): contact, decay, dissolution and churn.

Each week a tie is maintained by contact with a chance that grows with its strength and with the
mobility of both people (seniors living alone and people in crisis go out less). A tie without
contact this week decays at its kind's yearly rate (emotional closeness about -15% a year without
contact; kin ties barely decay, Roberts & Dunbar 2015). A tie below the dissolution threshold
dissolves. New neighbour and friend ties form at a steady rate (churn: older adults often add a
confidant over five years while network size stays stable, Cornwell & Laumann 2015).
"""

from __future__ import annotations

import numpy as np

from ..network import (CARE_TEAM, FRIEND, HOUSEHOLD, INTER_ORG, KIN, MEMBERSHIP, MUTUAL_AID, PEER_SUPPORT,
                       TIE_KINDS, close_triangles, kind_mask)
from ..params import Section, param, probability
from ..population import CHILD, SENIOR
from . import Submodel, bernoulli_indices


class TieParams(Section):
    """Yearly decay by kind, weekly contact, dissolution and churn."""

    decay_per_year: dict[str, float] = param(
        {"kin": 0.03, "household": 0.0, "neighbour_friend": 0.15, "mutual_aid": 0.2, "peer_support": 0.1,
         "care_team": 0.0, "membership": 0.3, "inter_organization": 0.05},
        "share of strength lost in a year without contact, by tie kind", unit="share/year",
        source="Roberts & Dunbar 2015: about -15% a year without contact; kin barely decay")
    contact_probability: float = probability(0.2, "weekly chance of contact on a full-strength tie between two fully mobile people")
    contact_gain: float = probability(0.03, "how far one contact strengthens a tie")
    senior_alone_mobility: float = probability(0.6, "mobility of a person 65+ living alone (others: 1)")
    chronic_mobility: float = probability(0.85, "mobility factor for a chronic condition")
    dissolve_below: float = probability(0.05, "strength below which a tie dissolves")
    new_ties_per_year: float = param(0.2, "new neighbour/friend ties a resident forms per year", unit="ties/year",
                                     ge=0.0, le=50.0, source="fitted: Cornwell & Laumann 2015 churn")
    closure_share: float = probability(0.5, "share of new ties formed through a friend (triadic closure); the rest with neighbours")
    new_tie_strength: float = probability(0.3, "strength of a newly formed friend tie")

    def model_post_init(self, __context) -> None:
        unknown = set(self.decay_per_year) - set(TIE_KINDS)
        if unknown:
            from ..errors import ScenarioError
            import difflib
            name = sorted(unknown)[0]
            close = difflib.get_close_matches(name, TIE_KINDS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ScenarioError(f"unknown tie kind '{name}'{hint}; expected one of {', '.join(TIE_KINDS)}",
                                key=f"ties.decay_per_year.{name}")
        bad = {k: v for k, v in self.decay_per_year.items() if not 0.0 <= v <= 1.0}
        if bad:
            from ..errors import ScenarioError
            k = sorted(bad)[0]
            raise ScenarioError(f"expected a share between 0 and 1, found {bad[k]}", key=f"ties.decay_per_year.{k}")


class TieDynamics(Submodel):
    """Contact, decay, dissolution, and the formation of new ties."""

    name = "tie_dynamics"

    def __init__(self, model, params, rng):
        super().__init__(model, params, rng)
        yearly = np.array([params.decay_per_year.get(k, 0.0) for k in TIE_KINDS])
        self.weekly_decay = (1.0 - (1.0 - yearly) ** (1.0 / 52.0)).astype(np.float32)

    def mobility(self) -> np.ndarray:
        """How readily each resident keeps up contact (0-1)."""
        r, p, m = self.model.residents, self.p, self.model
        mob = np.where(r.lives_alone & (r.age_group == SENIOR), p.senior_alone_mobility, 1.0)
        mob = mob * np.where(r.chronic, p.chronic_mobility, 1.0) * np.where(m.in_crisis, 0.5, 1.0)
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
        idle = live[ties.last_contact[live] < week]
        ties.strength[idle] *= (1.0 - self.weekly_decay[ties.kind[idle]])
        weak = live[(ties.strength[live] < p.dissolve_below) & ~kind_mask((HOUSEHOLD, CARE_TEAM))[ties.kind[live]]]
        m.events["ties_dissolved"] += len(weak)
        ties.remove(weak)

        # Churn: new ties, through friends (triadic closure) or with neighbours.
        k = rng.binomial(n, min(1.0, p.new_ties_per_year / 52.0))
        k_closure = rng.binomial(k, p.closure_share)
        formed = close_triangles(ties, m.residents, k_closure, rng, week, p.new_tie_strength)
        who = rng.choice(n, size=k - k_closure, replace=False) if k - k_closure > 0 else np.zeros(0, np.int64)
        who = who[m.residents.age_group[who] != CHILD]
        other = m.activities.random_neighbour(who)
        ok = (other != who) & (m.residents.age_group[other] != CHILD)
        _, new = ties.add(who[ok], other[ok], FRIEND, p.new_tie_strength, week)
        m.events["ties_formed"] += formed + int(new.sum())


__all__ = ["TieDynamics", "TieParams", "PEER_SUPPORT", "MEMBERSHIP", "INTER_ORG"]
