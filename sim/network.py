"""The multiplex mutual-aid network: tie kinds, the tie table, and the initial network.

Nodes are residents (ids ``0..n_residents-1``), then clinicians, then community organizations.
Ties live in :class:`TieTable`, a struct of numpy arrays (one slot per tie), because every week
every tie decays or is strengthened and a per-edge networkx update would dominate the run time.
networkx is used to *read* the network: :meth:`TieTable.to_networkx` returns the current
multigraph, with a ``kind`` and ``strength`` on each edge, for analysis, drawing and export.
"""

from __future__ import annotations

import numpy as np

from .params import Section, param, probability
from .population import ADULT, CHILD, SENIOR, Residents

# Tie kinds (MODEL.md §2).
KIN, HOUSEHOLD, FRIEND, MUTUAL_AID, PEER_SUPPORT, CARE_TEAM, MEMBERSHIP, INTER_ORG = range(8)
TIE_KINDS = ("kin", "household", "neighbour_friend", "mutual_aid", "peer_support", "care_team",
             "membership", "inter_organization")
#: Kinds of tie that make up a resident's personal network (they count against loneliness and isolation).
SOCIAL_KINDS = (KIN, HOUSEHOLD, FRIEND, MUTUAL_AID, PEER_SUPPORT)


class NetworkParams(Section):
    """How the initial network is generated from the demography."""

    friends_mean: float = param(5.5849, "mean number of neighbour/friend ties per adult at the start", unit="ties",
                                ge=0.0, le=50.0, source="fitted (docs/CALIBRATION.md): about 5 in the inner circle (Dunbar's layers)")
    friends_factor_65_alone: float = param(0.6, "relative number of friend ties of people 65+ living alone",
                                           unit="ratio", ge=0.0, le=2.0)
    kin_outside_mean: float = param(2.4, "mean number of kin ties outside the household per adult or senior",
                                    unit="ties", ge=0.0, le=20.0)
    locality: int = param(60, "how far (in residents, ordered by place) a neighbour tie reaches", unit="residents",
                          ge=2, le=100000)
    homophily: float = probability(0.6, "chance a tie across age or equity group is refused")
    triadic_closure: float = probability(0.25, "share of residents who close one friend-of-friend triangle at the start", unit="share")
    initial_strength_mean: float = param(0.45, "mean strength of a friend tie at the start (Beta-distributed, so "
                                         "strictly between 0 and 1)", unit="strength 0-1", ge=0.05, le=0.95)
    membership_share: float = probability(0.08, "share of an organization's target residents who are members at the start",
                                       unit="share")
    interorg_density: float = probability(0.3, "density of partnership ties among organizations at the start")
    burn_in_weeks: int = param(208, "weeks of the processes that exist without the programme (clinical encounters, "
                               "community activities, mutual aid, tie dynamics, individual states) run before week 0, "
                               "so that the community starts in its steady state", unit="weeks", ge=0, le=1040)


def kind_mask(kinds: tuple[int, ...]) -> np.ndarray:
    """A look-up table: ``kind_mask(kinds)[k]`` is True when tie kind ``k`` is in ``kinds``."""
    table = np.zeros(len(TIE_KINDS), dtype=bool)
    table[list(kinds)] = True
    return table


def of_kinds(kind: np.ndarray, kinds: tuple[int, ...]) -> np.ndarray:
    """Whether each tie, given by its kind code, is of one of ``kinds``."""
    return np.take(kind_mask(kinds), kind)


def endpoint_sums(a: np.ndarray, b: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """For each node ``< n``, the sum of ``weights`` (1 by default) over the ties ``a[i]-b[i]`` it is an end of."""
    return np.bincount(a, weights=weights, minlength=n)[:n] + np.bincount(b, weights=weights, minlength=n)[:n]


def _per_tie(value, dtype, n: int) -> np.ndarray:
    """``value`` for each of ``n`` ties: a scalar repeated, or an array as it is."""
    return np.full(n, value, dtype=dtype) if np.ndim(value) == 0 else np.asarray(value, dtype=dtype)


class TieTable:
    """All ties of the network as parallel numpy arrays, with a key index for look-ups.

    A tie joins nodes ``a < b``; a pair has at most one social tie (kin, household, friend or
    mutual-aid: forming another strengthens it) plus at most one peer-support tie. Removed ties
    leave free slots that later ties reuse, so arrays do not grow without bound.
    """

    def __init__(self, n_nodes: int, capacity: int = 1024):
        self.n_nodes = int(n_nodes)
        self.a = np.zeros(capacity, dtype=np.int32)
        self.b = np.zeros(capacity, dtype=np.int32)
        self.kind = np.zeros(capacity, dtype=np.int8)
        self.strength = np.zeros(capacity, dtype=np.float32)
        self.last_contact = np.zeros(capacity, dtype=np.int32)
        self.formed = np.zeros(capacity, dtype=np.int32)
        self.alive = np.zeros(capacity, dtype=bool)
        self.origin = np.full(capacity, -1, dtype=np.int32)   # organization whose activity formed the tie
        self.helper = np.full(capacity, -1, dtype=np.int32)   # who gave help last on this tie (reciprocity)
        self.size = 0  # slots ever used
        self._free: list[int] = []
        self._index: dict[int, int] = {}
        self._live_cache: dict = {}     # kinds -> slots of living ties, until ties of those kinds come or go

    _ARRAYS = ("a", "b", "kind", "strength", "last_contact", "formed", "alive", "origin", "helper")

    # ----------------------------------------------------------------- keys
    def keys(self, a: np.ndarray, b: np.ndarray, kind: np.ndarray) -> np.ndarray:
        """The look-up key of the (unordered) pair and its kind class (social or peer support)."""
        lo = np.minimum(a, b).astype(np.int64)
        hi = np.maximum(a, b).astype(np.int64)
        return (lo * self.n_nodes + hi) * 2 + (np.asarray(kind) == PEER_SUPPORT)

    def find(self, a, b, kind) -> np.ndarray:
        """Slots of the given ties, ``-1`` where no such tie exists."""
        keys = self.keys(np.atleast_1d(a), np.atleast_1d(b), np.broadcast_to(kind, np.shape(np.atleast_1d(a))))
        get = self._index.get
        return np.fromiter((get(k, -1) for k in keys.tolist()), dtype=np.int64, count=len(keys))

    # ------------------------------------------------------------ mutation
    def _grow(self, needed: int) -> None:
        cap = len(self.a)
        if needed <= cap:
            return
        new = max(needed, 2 * cap)
        for name in self._ARRAYS:
            old = getattr(self, name)
            arr = np.full(new, -1 if name in ("origin", "helper") else 0, dtype=old.dtype)
            arr[:cap] = old
            setattr(self, name, arr)

    def add(self, a, b, kind, strength, week: int, origin=-1) -> tuple[np.ndarray, np.ndarray]:
        """Form ties; a pair that already has a tie of the same class keeps it, at the larger of the two strengths.

        Returns ``(slots, new)``: the slot of each requested tie and whether it was newly formed.
        Self-ties are dropped (their slot is ``-1``).
        """
        a = np.atleast_1d(np.asarray(a, dtype=np.int64))
        b = np.atleast_1d(np.asarray(b, dtype=np.int64))
        kind, strength, origin = (_per_tie(kind, np.int8, len(a)), _per_tie(strength, np.float32, len(a)),
                                  _per_tie(origin, np.int32, len(a)))
        slots = np.full(len(a), -1, dtype=np.int64)
        new = np.zeros(len(a), dtype=bool)
        if len(a) == 0:
            return slots, new
        keys = self.keys(a, b, kind)
        index = self._index
        n_free_needed = 0
        plan = []  # (position, key) of ties to create, first occurrence only
        seen: dict[int, int] = {}
        for pos, key in enumerate(keys.tolist()):
            if a[pos] == b[pos]:
                continue
            slot = index.get(key)
            if slot is not None:
                slots[pos] = slot
            elif key in seen:
                slots[pos] = -2 - seen[key]  # resolved below
            else:
                seen[key] = len(plan)
                plan.append(pos)
                n_free_needed += 1
        if plan:
            plan = np.asarray(plan, dtype=np.int64)
            reuse = min(len(self._free), len(plan))
            fresh = len(plan) - reuse
            free_slots = [self._free.pop() for _ in range(reuse)]
            self._grow(self.size + fresh)
            new_slots = np.asarray(free_slots + list(range(self.size, self.size + fresh)), dtype=np.int64)
            self.size += fresh
            lo, hi = np.minimum(a[plan], b[plan]), np.maximum(a[plan], b[plan])
            self.a[new_slots] = lo
            self.b[new_slots] = hi
            self.kind[new_slots] = kind[plan]
            self.strength[new_slots] = strength[plan]
            self.last_contact[new_slots] = week
            self.formed[new_slots] = week
            self.alive[new_slots] = True
            self._forget_live(self.kind[new_slots])
            self.origin[new_slots] = origin[plan]
            self.helper[new_slots] = -1
            index.update(zip(keys[plan].tolist(), new_slots.tolist()))
            slots[plan] = new_slots
            new[plan] = True
            dup = slots <= -2
            if dup.any():
                slots[dup] = new_slots[-2 - slots[dup]]
        existing = (slots >= 0) & ~new
        if existing.any():
            old = slots[existing]
            self.strength[old] = np.maximum(self.strength[old], strength[existing])
            self.last_contact[old] = week
        return slots, new

    def remove(self, slots: np.ndarray) -> None:
        """Dissolve the ties at ``slots``."""
        slots = np.unique(np.asarray(slots, dtype=np.int64))
        slots = slots[self.alive[slots]]
        if len(slots) == 0:
            return
        keys = self.keys(self.a[slots], self.b[slots], self.kind[slots])
        for k in keys.tolist():
            self._index.pop(k, None)
        self.alive[slots] = False
        self._forget_live(self.kind[slots])
        self.strength[slots] = 0.0
        self._free.extend(slots.tolist())

    def contact(self, slots: np.ndarray, gain: float | np.ndarray, week: int) -> None:
        """Record contact on ties: strength moves towards 1 by ``gain`` (0 to 1) of the remaining distance."""
        if len(slots) == 0:
            return
        s = self.strength[slots]
        self.strength[slots] = s + np.asarray(gain, dtype=np.float32) * (1.0 - s)
        self.last_contact[slots] = week

    def _forget_live(self, changed_kinds: np.ndarray) -> None:
        """Drop the cached slot lists that ties of ``changed_kinds`` (just formed or dissolved) make stale."""
        changed = set(changed_kinds.tolist())
        for key in [k for k in self._live_cache if k is None or not changed.isdisjoint(k)]:
            del self._live_cache[key]

    # ------------------------------------------------------------- reading
    def live(self, kinds: tuple[int, ...] | None = None) -> np.ndarray:
        """Slots of living ties, optionally of the given kinds only."""
        return self._live_entry(kinds)[0]

    def live_ends(self, kinds: tuple[int, ...] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Slots of living ties (of ``kinds``) and their two ends ``a < b``, read-only."""
        entry = self._live_entry(kinds)
        if len(entry) == 1:
            ends = np.take(self.a, entry[0]), np.take(self.b, entry[0])
            for arr in ends:
                arr.flags.writeable = False
            entry.extend(ends)
        return entry[0], entry[1], entry[2]

    def _live_entry(self, kinds: tuple[int, ...] | None) -> list[np.ndarray]:
        """The cached ``[slots]`` (then ``[slots, a, b]`` once ends were asked for) of living ties of ``kinds``."""
        key = None if kinds is None else tuple(kinds)
        entry = self._live_cache.get(key)
        if entry is None:
            mask = self.alive[: self.size]
            if kinds is not None:
                mask = mask & of_kinds(self.kind[: self.size], kinds)
            slots = np.flatnonzero(mask)
            slots.flags.writeable = False
            entry = self._live_cache[key] = [slots]
        return entry

    def ties_of(self, nodes: np.ndarray, kinds: tuple[int, ...] | None = None) -> np.ndarray:
        """Slots of living ties that touch any of ``nodes``."""
        slots, a, b = self.live_ends(kinds)
        member = np.zeros(self.n_nodes, dtype=bool)
        member[np.asarray(nodes, dtype=np.int64)] = True
        return slots[np.take(member, a) | np.take(member, b)]

    def count(self) -> int:
        """Number of living ties (of every kind)."""
        return int(self.alive[: self.size].sum())

    def per_node(self, slots: np.ndarray, weights: np.ndarray | None = None, n: int | None = None) -> np.ndarray:
        """Sum over the ties at ``slots`` of ``weights`` (1 by default), for each endpoint node ``< n``."""
        return endpoint_sums(self.a[slots], self.b[slots], self.n_nodes if n is None else n, weights)

    def edges(self) -> dict[str, np.ndarray]:
        """The living ties as columns (for the edge-list export)."""
        s = self.live()
        return {"source": self.a[s], "target": self.b[s], "kind": np.asarray(TIE_KINDS, dtype=object)[self.kind[s]],
                "strength": self.strength[s], "formed_week": self.formed[s], "last_contact_week": self.last_contact[s]}

    def to_networkx(self, node_attrs: dict[int, dict] | None = None):
        """The current network as a ``networkx.MultiGraph`` (one edge per tie, keyed by kind)."""
        import networkx as nx

        g = nx.MultiGraph()
        g.add_nodes_from(range(self.n_nodes))
        if node_attrs:
            nx.set_node_attributes(g, node_attrs)
        s = self.live()
        g.add_edges_from(
            (int(u), int(v), TIE_KINDS[k], {"kind": TIE_KINDS[k], "strength": float(w)})
            for u, v, k, w in zip(self.a[s], self.b[s], self.kind[s], self.strength[s]))
        return g

    def memory_bytes(self) -> int:
        arrays = sum(getattr(self, n).nbytes for n in self._ARRAYS)
        return arrays + 100 * len(self._index)


def generate_network(r: Residents, p: NetworkParams, rng: np.random.Generator, n_nodes: int,
                     group_tie_factor: np.ndarray | None = None) -> TieTable:
    """The initial network: households, kin, neighbours and friends with homophily, triadic closure."""
    n = r.n
    ties = TieTable(n_nodes, capacity=max(1024, n * 8))

    # Household ties: everyone in a household is tied to everyone else in it (strong, do not decay).
    order = np.argsort(r.household, kind="stable")
    h = r.household[order]
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    sizes = np.diff(np.r_[starts, n])
    src, dst = [], []
    for size in np.unique(sizes[sizes > 1]):
        base = starts[sizes == size]
        for i in range(size):
            for j in range(i + 1, size):
                src.append(order[base + i])
                dst.append(order[base + j])
    if src:
        src, dst = np.concatenate(src), np.concatenate(dst)
        ties.add(src, dst, HOUSEHOLD, rng.uniform(0.7, 1.0, len(src)), 0)

    # Spatial order: residents sorted along the neighbourhood's blocks (a coarse grid, then x).
    cell = (np.floor(r.y * 20) * 1000 + np.floor(r.x * 20)).astype(np.int64)
    spatial = np.lexsort((r.x, cell))

    rank = np.empty(n, dtype=np.int64)
    rank[spatial] = np.arange(n)
    # Each kin tie has two ends, so half of the mean is drawn from each resident.
    new_kin_ties(ties, r, np.arange(n), p, rng, 0, spatial, rank, mean=p.kin_outside_mean / 2.0)

    # Neighbour and friend ties, fewer for seniors living alone and for some equity groups.
    r.tie_factor = np.where(r.age_group == CHILD, 0.6, 1.0) * np.where(r.lives_alone & (r.age_group == SENIOR),
                                                                       p.friends_factor_65_alone, 1.0)
    if group_tie_factor is not None:
        r.tie_factor = r.tie_factor * group_tie_factor[r.equity_group]
    # Each tie has two ends, so half of the mean is drawn from each resident.
    new_neighbour_ties(ties, r, np.arange(n), p, rng, 0, spatial, rank, mean=p.friends_mean / 2.0,
                       strength_mean=p.initial_strength_mean)

    close_triangles(ties, r, int(p.triadic_closure * n), rng, week=0, strength=p.initial_strength_mean)
    # Each resident's usual circle of friends, which they keep up as friends come and go (a newcomer
    # taking a resident's place takes the same usual size).
    r.usual_friends = ties.per_node(ties.live((FRIEND,)), n=n).astype(np.int16)
    return ties


def nearby(spatial: np.ndarray, ranks: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """The residents ``offsets`` places away from the places ``ranks`` in the spatial order ``spatial``.

    An offset that would fall past either end is taken on the other side instead (and, in a community
    smaller than the reach on both sides, counted round the order), so people at the ends of the
    neighbourhood have as many near neighbours as anyone, and no one is their own neighbour."""
    n = len(spatial)
    places = ranks + offsets
    outside = (places < 0) | (places > n - 1)
    places[outside] = ranks[outside] - offsets[outside]
    # A reach longer than the community on both sides (a small community): count round the order.
    outside = (places < 0) | (places > n - 1)
    places[outside] = (ranks[outside] + offsets[outside]) % n
    itself = places == ranks
    places[itself] = (ranks[itself] + 1) % n
    return spatial[places]


def new_kin_ties(ties: TieTable, r: Residents, who: np.ndarray, p: NetworkParams, rng: np.random.Generator,
                 week: int, spatial: np.ndarray, rank: np.ndarray, mean: float | None = None) -> int:
    """Kin ties outside the household (relatives living in the neighbourhood) for those of ``who`` who
    are not children, with residents (not children) of other households; returns the number formed.

    ``mean`` ties are drawn from each of them (default: ``kin_outside_mean``, what a newcomer
    has; the initial network draws half from each end of a tie)."""
    who = who[r.age_group[who] != CHILD]
    mean = p.kin_outside_mean if mean is None else mean
    src = np.repeat(who, rng.poisson(mean, len(who)))
    reach = max(p.locality * 10, 10)
    offset = rng.integers(1, reach + 1, size=len(src)) * rng.choice((-1, 1), size=len(src))
    dst = nearby(spatial, rank[src], offset)
    ok = (r.age_group[dst] != CHILD) & (r.household[src] != r.household[dst])
    _, new = ties.add(src[ok], dst[ok], KIN, rng.uniform(0.4, 0.9, ok.sum()), week)
    return int(new.sum())


def new_neighbour_ties(ties: TieTable, r: Residents, who: np.ndarray, p: NetworkParams, rng: np.random.Generator,
                       week: int, spatial: np.ndarray, rank: np.ndarray, mean: float | None = None,
                       strength_mean: float = 0.25) -> int:
    """Neighbour and friend ties for residents ``who``, with people living near them (homophily by age
    and equity group; children befriend children); returns the number of ties formed. Used for the
    initial network only: newcomers start with no friends and make them through tie dynamics."""
    mean = p.friends_mean / 2.0 if mean is None else mean
    counts = rng.poisson(r.tie_factor[who] * mean)
    src = np.repeat(who, counts)
    offset = rng.integers(1, p.locality + 1, size=len(src)) * rng.choice((-1, 1), size=len(src))
    dst = nearby(spatial, rank[src], offset)
    same = (r.age_group[src] == r.age_group[dst]) & (r.equity_group[src] == r.equity_group[dst])
    ok = (same | (rng.random(len(src)) > p.homophily)) & (r.household[src] != r.household[dst])
    ok &= ~((r.age_group[src] == CHILD) ^ (r.age_group[dst] == CHILD))
    b = 2.0 * (1 - strength_mean) / strength_mean
    strength = np.clip(rng.beta(2.0, b, ok.sum()), 0.05, 1.0)
    _, new = ties.add(src[ok], dst[ok], FRIEND, strength, week)
    return int(new.sum())


def close_triangles(ties: TieTable, r: Residents, k: int, rng: np.random.Generator, week: int,
                    strength: float, kind: int = FRIEND, nodes: np.ndarray | None = None) -> int:
    """Triadic closure: up to ``k`` residents each introduce two of their contacts to one another.

    The residents are drawn from ``nodes`` (default: everyone); those with fewer than two social
    ties introduce no one. Returns the number of ties formed.
    """
    if k <= 0:
        return 0
    pool = np.arange(r.n) if nodes is None else np.asarray(nodes)
    if len(pool) == 0:
        return 0
    hubs = np.unique(rng.choice(pool, size=min(k, len(pool)), replace=False))
    s = ties.ties_of(hubs, (KIN, HOUSEHOLD, FRIEND, MUTUAL_AID))
    s = s[ties.b[s] < r.n]
    is_hub = np.zeros(r.n, dtype=bool)
    is_hub[hubs] = True
    # Each tie seen from its hub end(s): (hub, contact).
    a_hub, b_hub = is_hub[ties.a[s]], is_hub[ties.b[s]]
    hub = np.concatenate([ties.a[s][a_hub], ties.b[s][b_hub]])
    other = np.concatenate([ties.b[s][a_hub], ties.a[s][b_hub]])
    if len(hub) == 0:
        return 0
    order = np.argsort(hub, kind="stable")
    hub, other = hub[order], other[order]
    first = np.flatnonzero(np.r_[True, hub[1:] != hub[:-1]])
    deg = np.diff(np.r_[first, len(hub)])
    ok = deg >= 2
    first, deg = first[ok], deg[ok]
    i = (rng.random(len(first)) * deg).astype(np.int64)
    j = (i + 1 + (rng.random(len(first)) * (deg - 1)).astype(np.int64)) % deg
    u, v = other[first + i], other[first + j]
    same_kind = (r.age_group[u] == CHILD) == (r.age_group[v] == CHILD)
    _, new = ties.add(u[same_kind], v[same_kind], kind, strength, week)
    return int(new.sum())


__all__ = ["TieTable", "NetworkParams", "generate_network", "close_triangles", "TIE_KINDS", "SOCIAL_KINDS",
           "KIN", "HOUSEHOLD", "FRIEND", "MUTUAL_AID", "PEER_SUPPORT", "CARE_TEAM", "MEMBERSHIP", "INTER_ORG",
           "ADULT", "SENIOR"]
