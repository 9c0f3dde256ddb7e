"""Citizen partnership and community activities (MODEL.md §3.5).

Citizen partners accompany patients referred to them and *broker* introductions: to a
community organization that serves the patient (a membership tie) and to residents (a mutual-aid
tie with one of the partner's own contacts, i.e. triadic closure, or failing that a neighbour;
an introduction across age groups is less often followed up, i.e. homophily). Members attend
their organizations' activities; co-attendance forms and strengthens ties between attendees
(homophily by age group). A few residents also join an organization on their own.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..network import FRIEND, KIN, MEMBERSHIP, MUTUAL_AID, nearby
from ..params import Section, param, probability, weekly_from_yearly
from ..population import CHILD, CITIZEN_PARTNER, SENIOR
from . import Submodel

Target = Literal["all", "seniors", "families", "mental_health", "end_of_life", "adults", "unhoused"]


class OrganizationSpec(Section):
    """A community organization of the neighbourhood."""

    name: str = param("organization", "name")
    kind: str = param("community_centre", "kind (seniors_centre, family_organization, food_bank, housing, ...)")
    target: Target = param("all", "the public its activities serve")
    capacity: int = param(100, "members it can serve", unit="members", ge=1, le=1_000_000)
    weekly_cost: float = param(2000.0, "cost of running its activities at full capacity", unit="$/week", ge=0.0, le=1e8)
    own_income_per_year: float = param(80000.0, "income from its own sources (donations, other grants)",
                                       unit="$/year", ge=0.0, le=1e9)
    partnered: bool = param(True, "whether it is a partner of the caring community (can receive grants)")
    neighbourhood: str | None = param(None, "neighbourhood it serves (null: the first)")


class ActivityParams(Section):
    """Citizen partners' brokering and the dynamics of community activities."""

    accompaniment_weeks: int = param(16, "how long a citizen partner accompanies a referred patient", unit="weeks",
                                     ge=1, le=520)
    citizen_partner_caseload: int = param(5, "patients a citizen partner accompanies at once", unit="patients",
                                          ge=1, le=100)
    brokering_probability: float = probability(0.25, "chance per week that a citizen partner makes an introduction for an accompanied patient")
    organization_share: float = probability(0.5, "share of introductions that are to an organization (the rest: to a resident)",
                                     unit="share")
    attendance: float = probability(0.4, "chance a member attends an activity in a week")
    pairs_per_attendee: float = param(0.0496, "co-attendance encounters per attendee per week that form or strengthen a tie",
                                      unit="encounters", ge=0.0, le=10.0,
                                      source="fitted (docs/CALIBRATION.md): stable network size over 5 years (Cornwell & Laumann 2015)")
    co_attendance_gain: float = probability(0.08, "how far a co-attendance encounter strengthens a tie")
    new_tie_strength: float = probability(0.2, "strength of a tie newly formed by an introduction or an activity")
    homophily: float = probability(0.6, "chance an encounter across age groups is not followed up")
    spontaneous_joining_per_year: float = probability(0.03, "chance per year that a resident joins an organization on their own")


def targets_mask(model, target: str, idx: np.ndarray) -> np.ndarray:
    """Which residents ``idx`` belong to an organization's target public."""
    r = model.residents
    return _TARGETS[target](model, r, idx)


#: Each target public, as the residents ``idx`` of ``model`` (residents ``r``) who belong to it.
_TARGETS = {
    "all": lambda m, r, idx: np.ones(len(idx), dtype=bool),
    "seniors": lambda m, r, idx: r.age_group[idx] == SENIOR,
    "families": lambda m, r, idx: r.single_parent[idx] | (r.age_group[idx] == CHILD),
    "adults": lambda m, r, idx: r.age_group[idx] != CHILD,
    "mental_health": lambda m, r, idx: r.mental_health[idx],
    "end_of_life": lambda m, r, idx: r.end_of_life[idx] | (r.chronic[idx] & (r.age_group[idx] == SENIOR)),
    "unhoused": lambda m, r, idx: r.equity_group[idx] == m.group_code("unhoused"),
}


class CommunityActivities(Submodel):
    """Ended accompaniments, then brokering by citizen partners, this week's activities and co-attendance ties."""

    name = "activities"

    def __init__(self, model, params, rng):
        super().__init__(model, params, rng)
        n = model.residents.n
        self.accompanied_by = np.full(n, -1, dtype=np.int32)   # citizen partner of a referred patient
        self.accompanied_since = np.full(n, -1, dtype=np.int32)

    def step(self) -> None:
        self.end_accompaniments()
        self.assign_referrals()
        self.broker()
        self.attend()
        self.join_spontaneously()

    # -------------------------------------------------------------- brokering
    def end_accompaniments(self) -> None:
        """Accompaniments that have run their ``accompaniment_weeks`` end before this week's referrals are
        assigned: their places are free again, and the patient can be referred anew (a citizen partner
        who leaves the role ends theirs at once, :meth:`partners_leave`)."""
        acc = np.flatnonzero(self.accompanied_by >= 0)
        over = self.model.week - self.accompanied_since[acc] >= self.p.accompaniment_weeks
        self.accompanied_by[acc[over]] = -1

    def partners_leave(self, leaving: np.ndarray) -> None:
        """Citizen partners ``leaving`` their role end their accompaniments at once."""
        self.accompanied_by[np.isin(self.accompanied_by, leaving)] = -1

    def assign_referrals(self) -> None:
        """Referred patients are taken on by citizen partners with free places."""
        m, r = self.model, self.model.residents
        referred = np.unique(np.asarray(m.referrals, dtype=np.int64))
        m.referrals.clear()
        referred = referred[self.accompanied_by[referred] < 0]
        cps = np.flatnonzero(r.role == CITIZEN_PARTNER)
        if len(referred) == 0 or len(cps) == 0:
            m.events["referrals_unserved"] += len(referred)
            return
        load = np.bincount(self.accompanied_by[self.accompanied_by >= 0], minlength=r.n)[cps]
        free = np.maximum(0, self.p.citizen_partner_caseload - load)
        slots = self.rng.permutation(np.repeat(cps, free))
        if len(slots) < len(referred):     # places are short: who is taken on is drawn at random
            referred = self.rng.permutation(referred)
        k = min(len(slots), len(referred))
        self.accompanied_by[referred[:k]] = slots[:k]
        self.accompanied_since[referred[:k]] = m.week
        m.events["referrals_unserved"] += len(referred) - k
        m.events["accompaniments"] += k

    def broker(self) -> None:
        """Each accompanied patient counts as supported this week; some are introduced by their citizen
        partner to an organization or to a resident (a new mutual-aid tie)."""
        m, r, p, rng = self.model, self.model.residents, self.p, self.rng
        acc = np.flatnonzero(self.accompanied_by >= 0)
        m.support_received_week[acc] += 1.0        # accompanied by a citizen partner this week
        if len(acc) == 0:
            return
        act = acc[rng.random(len(acc)) < p.brokering_probability * m.coordination_level]
        to_org = rng.random(len(act)) < p.organization_share
        self.join(act[to_org], via_broker=True)
        people = act[~to_org]
        cp = self.accompanied_by[people]
        # Meet one of the citizen partner's contacts (triadic closure) or a neighbour of the same age.
        contact = self.random_contact(cp)
        fallback = contact < 0
        contact[fallback] = self.random_neighbour(people[fallback])
        ok = (contact >= 0) & (contact != people)
        ok &= (r.age_group[np.maximum(contact, 0)] == r.age_group[people]) | (rng.random(len(people)) > p.homophily)
        _, new = m.ties.add(people[ok], contact[ok], MUTUAL_AID, p.new_tie_strength, m.week)
        m.events["brokered_ties"] += int(new.sum())

    def random_contact(self, who: np.ndarray) -> np.ndarray:
        """A random resident tied (socially) to each of ``who``, or -1."""
        m = self.model
        out = np.full(len(who), -1, dtype=np.int64)
        if len(who) == 0:
            return out
        s = m.ties.ties_of(who, (KIN, FRIEND, MUTUAL_AID))
        ends = np.concatenate([m.ties.a[s], m.ties.b[s]])
        others = np.concatenate([m.ties.b[s], m.ties.a[s]])
        keep = others < m.residents.n
        ends, others = ends[keep], others[keep]
        order = np.argsort(ends, kind="stable")
        ends, others = ends[order], others[order]
        lo = np.searchsorted(ends, who, "left")
        hi = np.searchsorted(ends, who, "right")
        has = hi > lo
        pick = lo + (self.rng.random(len(who)) * (hi - lo)).astype(np.int64)
        out[has] = others[pick[has]]
        return out

    def random_neighbour(self, who: np.ndarray) -> np.ndarray:
        """A resident living near each of ``who`` (nearby in the spatial order)."""
        m = self.model
        if len(who) == 0:
            return np.zeros(0, dtype=np.int64)
        rank = m.spatial_rank[who]
        off = self.rng.integers(1, m.params.network.locality + 1, len(who)) * self.rng.choice((-1, 1), len(who))
        return nearby(m.spatial_order, rank, off)

    # -------------------------------------------------------------- activities
    def join(self, who: np.ndarray, via_broker: bool = False) -> int:
        """Residents ``who`` each join, at random, an open organization of their neighbourhood that serves
        them, has room and that they do not yet belong to; returns how many joined (``via_broker``: count
        them as brokered memberships)."""
        m, r = self.model, self.model.residents
        orgs = [o for o in m.organizations if o.open and o.capacity > 0]
        if len(who) == 0 or not orgs:
            return 0
        who = self.rng.permutation(who)
        members = m.org_members()
        room = np.array([o.capacity - members[o.node] for o in orgs])
        org_nb = np.array([m.org_neighbourhood[o.unique_id] for o in orgs])
        # Which organizations serve each resident (residents x organizations).
        serves = np.stack([targets_mask(m, o.target, who) for o in orgs], axis=1)
        serves &= r.neighbourhood[who][:, None] == org_nb[None, :]
        nodes = np.array([o.node for o in orgs], dtype=np.int64)   # not one they already belong to
        serves &= m.ties.find(np.repeat(who, len(orgs)), np.tile(nodes, len(who)),
                             MEMBERSHIP).reshape(serves.shape) < 0
        pick = self.rng.random(serves.shape)
        chosen_who, chosen_org = [], []
        for row in range(len(who)):
            options = serves[row] & (room > 0)
            if options.any():
                j = int(np.argmax(np.where(options, pick[row], -1.0)))
                room[j] -= 1
                chosen_who.append(who[row])
                chosen_org.append(orgs[j].node)
        _, new = m.ties.add(np.array(chosen_who, dtype=np.int64), np.array(chosen_org, dtype=np.int64),
                            MEMBERSHIP, 0.5, m.week)
        joined = int(new.sum())
        if via_broker:
            m.events["brokered_memberships"] += joined
        return joined

    def join_spontaneously(self) -> None:
        """A few residents join an organization on their own (isolated people seldom do)."""
        r = self.model.residents
        weekly = weekly_from_yearly(self.p.spontaneous_joining_per_year)
        k = self.rng.binomial(r.n, weekly)
        if k:
            who = self.rng.choice(r.n, size=k, replace=False)
            # Isolated people rarely join on their own.
            who = who[~r.isolated[who] | (self.rng.random(k) < 0.3)]
            self.join(who)

    def attend(self) -> None:
        """Members attend; attendees of the same organization meet (homophily) and their ties grow."""
        m, r, p, rng, ties = self.model, self.model.residents, self.p, self.rng, self.model.ties
        s = ties.live((MEMBERSHIP,))
        if len(s) == 0:
            m.attended_week[:] = False
            return
        go = rng.random(len(s)) < p.attendance
        s = s[go]
        person, org = ties.a[s], ties.b[s]   # residents have lower node ids than organizations
        ties.contact(s, p.co_attendance_gain, m.week)
        m.attended_week[:] = False
        m.attended_week[person] = True
        if len(person) < 2:
            return
        # Each attendee meets a few other attendees of the same organization.
        order = np.argsort(org, kind="stable")
        person, org = person[order], org[order]
        start = np.searchsorted(org, org, "left")
        end = np.searchsorted(org, org, "right")
        n_meet = rng.poisson(p.pairs_per_attendee, len(person))
        src = np.repeat(np.arange(len(person)), n_meet)
        if len(src) == 0:
            return
        span = (end - start)[src]
        partner = start[src] + (rng.random(len(src)) * span).astype(np.int64)
        u, v = person[src], person[partner]
        ok = (u != v) & ((r.age_group[u] == r.age_group[v]) | (rng.random(len(u)) > p.homophily))
        u, v, o = u[ok], v[ok], org[src][ok]
        slots, new = ties.add(u, v, MUTUAL_AID, p.new_tie_strength, m.week, origin=o)
        old = slots[(slots >= 0) & ~new]
        ties.contact(old, p.co_attendance_gain, m.week)
        m.events["activity_ties"] += int(new.sum())
