"""The live network picture: a layout that does not jump, and a fast SVG drawing.

:class:`StableLayout` computes positions once per reset (a force-directed layout of the social
ties, started from where residents live, so it is deterministic), then keeps them: a node only
moves when it gains its first ties (a newcomer, or someone leaving isolation), and then it glides
over a few weeks to the middle of its new ties instead of jumping (at once for a viewer who asks for
reduced motion). Clinicians sit in a row at the
bottom and organizations in a row at the top, so their many ties do not pull the picture apart.

:class:`NetworkView` remembers last week's ties to show new ties (thick) and ties that just
dissolved (dashed, fading out over three weeks), and draws everything as one SVG string built from
the model's arrays (no networkx, no matplotlib): about 5 ms for 500 residents, so drawing is not
what limits Play. Colours are the Okabe–Ito colour-blind-safe palette, and no distinction rests on
colour alone (WCAG 1.4.1): residents' kinds also differ in shape (:data:`RESIDENT_MARKS`: patients
circles, citizens squares; patient, carer and citizen partners diamonds, triangles and squares,
larger and outlined in black), isolated residents by a larger dot with a black outline, membership
ties are dotted (:data:`MEMBER_DASH`), and the legend's samples are drawn by the same code as the
picture's marks (:func:`mark_elements`).

To keep the picture legible, only *active* social ties are drawn (strength at least the model's
``states.active_tie_strength``, the ties that count against isolation), and a tie is fainter the
weaker and the longer it is: the short, strong ties of a neighbourhood stand out, and the few long
ties across the picture stay in the background instead of tangling its centre.
"""

from __future__ import annotations

import html

import numpy as np
from scipy.spatial import cKDTree

from ..network import CARE_TEAM, FRIEND, HOUSEHOLD, KIN, MEMBERSHIP, MUTUAL_AID, PEER_SUPPORT
from ..population import CARER_PARTNER, CITIZEN_PARTNER, NO_ROLE, PATIENT_PARTNER
from .i18n import scenario_name, t, t_or

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
             "grey": "#999999"}
COLOURS = {
    "patient": OKABE_ITO["sky_blue"],
    "citizen": "#BBBBBB",
    "isolated": OKABE_ITO["vermillion"],
    "patient_partner": OKABE_ITO["blue"],
    "carer_partner": OKABE_ITO["reddish_purple"],
    "citizen_partner": OKABE_ITO["bluish_green"],
    "clinician": OKABE_ITO["black"],
    "organization": OKABE_ITO["orange"],
    "tie": "#333333",
    "peer": OKABE_ITO["blue"],
    "member": OKABE_ITO["orange"],
    "new_tie": OKABE_ITO["black"],
    "fading": "#666666",
}
#: How each class of resident is drawn besides its colour: (shape, radius at full size, outline). A
#: shape of radius r covers the area of a circle of radius r (see :func:`subpaths`), so no kind looks
#: bigger for its shape. Patients (most residents) are circles and citizens squares; the three kinds
#: of partner are larger, outlined in black, and differ in shape: patient partners diamonds, carer
#: partners triangles, citizen partners squares. An isolated resident (who is no partner) is a larger
#: circle outlined in black. (Clinicians are larger black squares in their own row at the bottom,
#: organizations larger orange diamonds in a row at the top.)
RESIDENT_MARKS = {
    "patient": ("circle", 6.5, ("#FFFFFF", 0.8)),
    "citizen": ("square", 6.0, ("#FFFFFF", 0.8)),
    "isolated": ("circle", 8.0, ("#000000", 1.5)),
    "patient_partner": ("diamond", 11.0, ("#000000", 1.5)),
    "carer_partner": ("triangle", 11.0, ("#000000", 1.5)),
    "citizen_partner": ("square", 11.0, ("#000000", 1.5)),
}
SHAPES = ("circle", "square", "diamond", "triangle")
MEMBER_DASH = "0.1 4"   # membership ties dotted (round caps): told from the solid grey social ties without colour
RESIDENT_KINDS = (KIN, HOUSEHOLD, FRIEND, MUTUAL_AID, PEER_SUPPORT)
WIDTH, HEIGHT = 1000, 820
FADE_WEEKS = 3
NEW_WEEKS = 2
#: Opacity of a social tie by how prominent it is (see :func:`tie_prominence`), faint to dark.
TIE_OPACITY = (0.05, 0.14, 0.3, 0.5)
#: A tie this long (in picture widths) or longer is drawn at the faintest level.
LONG_TIE = 0.45
#: The layout's repulsion between every pair of residents is computed for this many residents at a
#: time: the same sums as one n × n array, but they stay in the processor's cache.
REPULSION_ROWS = 256
#: Up to this many residents, every pair of residents repels (0.2 s for the default 500 residents).
#: Above it, as in Fruchterman & Reingold's (1991) grid variant, only
#: residents closer than :data:`REPULSION_REACH` ideal tie lengths repel: 5000 residents are laid
#: out in under a second instead of 16 s, and the picture looks the same (the pull home keeps
#: the neighbourhood's shape that far-away repulsion would otherwise keep).
ALL_PAIRS_UP_TO = 1000
REPULSION_REACH = 2.0


def _repulsion(pos: np.ndarray, k: float) -> np.ndarray:
    """The Fruchterman–Reingold push ``k² / d`` on each resident, away from the others (see
    :data:`ALL_PAIRS_UP_TO` for which others)."""
    n = len(pos)
    disp = np.zeros((n, 2))
    if n <= ALL_PAIRS_UP_TO:
        for i in range(0, n, REPULSION_ROWS):
            dx = pos[i:i + REPULSION_ROWS, 0, None] - pos[None, :, 0]
            dy = pos[i:i + REPULSION_ROWS, 1, None] - pos[None, :, 1]
            force = (k * k) / np.maximum(dx * dx + dy * dy, 1e-6)
            disp[i:i + REPULSION_ROWS, 0] = (dx * force).sum(1)
            disp[i:i + REPULSION_ROWS, 1] = (dy * force).sum(1)
        return disp
    i, j = cKDTree(pos).query_pairs(REPULSION_REACH * k, output_type="ndarray").T
    d = pos[i] - pos[j]
    push = d * ((k * k) / np.maximum((d * d).sum(-1), 1e-6))[:, None]
    for axis in (0, 1):
        disp[:, axis] = np.bincount(i, push[:, axis], minlength=n) - np.bincount(j, push[:, axis], minlength=n)
    return disp


def _force_layout(pos: np.ndarray, a: np.ndarray, b: np.ndarray, home: np.ndarray, iterations: int,
                  home_pull: float = 0.05) -> np.ndarray:
    """Fruchterman–Reingold on the given edges, pulled gently towards ``home`` (where people live).

    ``home_pull`` weighs the pull home against the pull of ties: small, so that tied people end
    up near each other (short ties) while the picture keeps the rough shape of the neighbourhood.
    """
    n = len(pos)
    if n == 0:
        return pos
    k = 1.0 / np.sqrt(n)
    temperature = 0.1
    pos = pos.astype(np.float32)
    home = home.astype(np.float32)
    for _ in range(iterations):
        disp = _repulsion(pos, k)
        if len(a):
            d = pos[a] - pos[b]
            dist = np.sqrt(np.maximum((d ** 2).sum(-1), 1e-9))[:, None]
            pull = d * dist / k                                                # attraction along ties
            for axis in (0, 1):
                disp[:, axis] -= np.bincount(a, pull[:, axis], minlength=n)
                disp[:, axis] += np.bincount(b, pull[:, axis], minlength=n)
        disp += (home - pos) * home_pull / k                                   # stay near home
        length = np.sqrt(np.maximum((disp ** 2).sum(-1), 1e-12))[:, None]
        pos = pos + disp / length * np.minimum(length, temperature)
        temperature *= 0.95
    return pos.astype(float)


def _fill_frame(pos: np.ndarray, evenness: float = 0.5) -> np.ndarray:
    """Positions scaled to ``[0, 1]²``, the bulk of the community filling the frame.

    A force layout packs the well-connected core tightly in the middle. Each node keeps its
    direction from the centre and the order of distances, but moves ``evenness`` of the way to where
    it would be if the nodes covered a disc evenly, which opens up the core. Stragglers sit on the edge.
    """
    lo, hi = np.percentile(pos, 1.5, axis=0), np.percentile(pos, 98.5, axis=0)
    framed = np.clip((pos - lo) / np.maximum(hi - lo, 1e-9), 0.0, 1.0)
    offset = framed - 0.5
    radius = np.sqrt((offset ** 2).sum(-1))
    rank = np.argsort(np.argsort(radius, kind="stable"), kind="stable") / max(len(pos) - 1, 1)
    even = 0.5 + offset / np.maximum(radius, 1e-9)[:, None] * (0.5 * np.sqrt(rank))[:, None]
    spread = (1 - evenness) * framed + evenness * even
    return (spread - spread.min(0)) / np.maximum(spread.max(0) - spread.min(0), 1e-9)


class StableLayout:
    """Node positions in ``[0, 1]²`` that persist across steps.

    Residents are laid out once, from their home coordinates, by a force-directed layout of their
    social ties; clinicians and organizations get fixed places in rows below and above. Later, a
    resident who gains ties after having none (a newcomer who replaced someone, or a person
    leaving isolation) glides towards the centre of their ties, at most ``glide`` of the
    remaining way per step; every other node stays where it is.
    """

    def __init__(self, model, iterations: int = 80, glide: float = 0.3):
        r = model.residents
        self.n_residents = n = r.n
        self.n_nodes = model.ties.n_nodes
        self.glide = glide
        home = np.column_stack([r.x, r.y]).astype(float)
        span = np.maximum(home.max(0) - home.min(0), 1e-9) if n else np.ones(2)
        home = (home - home.min(0)) / span if n else home
        jitter = np.random.default_rng(model.seed).uniform(-0.01, 0.01, home.shape)
        a, b = _resident_edges(model)
        pos = _force_layout(home + jitter, a, b, home, iterations) if n else home
        if n:
            pos = _fill_frame(pos)
        self.pos = np.zeros((self.n_nodes, 2))
        self.pos[:n, 0] = 0.03 + 0.94 * pos[:, 0]
        self.pos[:n, 1] = 0.11 + 0.78 * pos[:, 1]
        clinicians = [c.node for c in model.clinicians]
        orgs = [o.node for o in model.organizations]
        for row, nodes in ((0.96, clinicians), (0.035, orgs)):
            for i, node in enumerate(nodes):
                self.pos[node] = ((i + 0.5) / len(nodes), row)
        self.target = self.pos.copy()
        self.moving = np.zeros(self.n_nodes, dtype=bool)
        self.degree = np.bincount(np.r_[a, b], minlength=n) if n else np.zeros(0, int)

    def update(self, model, glide: float | None = None) -> None:
        """After a step: residents who went from no ties to some glide towards them, ``glide`` of the
        remaining way this step (default: the layout's own); ``glide=1`` puts them there at once."""
        glide = self.glide if glide is None else glide
        n = self.n_residents
        a, b = _resident_edges(model)
        degree = np.bincount(np.r_[a, b], minlength=n)
        newly = np.flatnonzero((self.degree == 0) & (degree > 0))
        if len(newly):
            ends = np.r_[a, b]
            other = np.r_[b, a]
            sums = np.zeros((n, 2))
            np.add.at(sums, ends, self.pos[other])
            centre = sums[newly] / degree[newly, None]
            # Settle beside, not on top of, the centre of one's ties (deterministic offset by id).
            angle = newly * 2.399963
            self.target[newly] = np.clip(centre + 0.02 * np.column_stack([np.cos(angle), np.sin(angle)]),
                                         [0.03, 0.11], [0.97, 0.89])
            self.moving[newly] = True
        self.degree = degree
        if self.moving.any():
            m = np.flatnonzero(self.moving)
            self.pos[m] += glide * (self.target[m] - self.pos[m])
            done = np.abs(self.target[m] - self.pos[m]).max(1) < 0.002
            self.pos[m[done]] = self.target[m[done]]
            self.moving[m[done]] = False


def _resident_edges(model) -> tuple[np.ndarray, np.ndarray]:
    """Endpoints of living social ties between residents."""
    ties, n = model.ties, model.residents.n
    s = ties.live(RESIDENT_KINDS)
    a, b = ties.a[s].astype(np.int64), ties.b[s].astype(np.int64)
    keep = (a < n) & (b < n)
    return a[keep], b[keep]


def _fresh(model, live: np.ndarray) -> np.ndarray:
    """Which of the ``live`` ties are new: formed in the last ``NEW_WEEKS`` weeks, since the programme began."""
    formed = model.ties.formed[live]
    return (model.week - formed < NEW_WEEKS) & (formed >= 0)


class NetworkView:
    """What the network picture remembers between steps: the layout and the ties just gone.

    ``reduced_motion`` (the viewer's browser asks for reduced motion; it may change at any time): a
    resident who gains their first ties moves there at once instead of gliding over a few weeks.
    Dissolved ties still fade out over :data:`FADE_WEEKS` weeks: that is a tie growing fainter in
    place, week by week, not something moving across the picture.
    """

    def __init__(self, model, reduced_motion: bool = False):
        self.layout = StableLayout(model)
        self.reduced_motion = reduced_motion
        self._keys = self._current_keys(model)
        self.ghost_a = np.zeros(0, dtype=np.int64)
        self.ghost_b = np.zeros(0, dtype=np.int64)
        self.ghost_age = np.zeros(0, dtype=np.int64)

    @staticmethod
    def _current_keys(model) -> np.ndarray:
        ties = model.ties
        s = ties.live()
        return np.unique(ties.a[s].astype(np.int64) * ties.n_nodes + ties.b[s])

    def observe(self, model) -> None:
        """Call after each step: remember dissolved ties (to fade them out) and move new nodes."""
        keys = self._current_keys(model)
        gone = np.setdiff1d(self._keys, keys, assume_unique=True)
        self._keys = keys
        n_nodes = model.ties.n_nodes
        keep = self.ghost_age + 1 < FADE_WEEKS
        self.ghost_a = np.r_[self.ghost_a[keep], gone // n_nodes]
        self.ghost_b = np.r_[self.ghost_b[keep], gone % n_nodes]
        self.ghost_age = np.r_[self.ghost_age[keep] + 1, np.zeros(len(gone), dtype=np.int64)]
        self.layout.update(model, glide=1.0 if self.reduced_motion else None)

    # ------------------------------------------------------------------ drawing
    def svg(self, model, lang: str) -> str:
        """The network as an SVG document string; its ``data-gliding`` says how many residents are
        still on their way to their first ties (0 with reduced motion)."""
        pos = self.layout.pos * np.array([WIDTH, HEIGHT])
        ties, r, n = model.ties, model.residents, model.residents.n
        s = ties.live()
        a, b, kind = ties.a[s], ties.b[s], ties.kind[s]
        strength = ties.strength[s]
        fresh = _fresh(model, s)
        new = fresh & (kind != CARE_TEAM) & (kind != PEER_SUPPORT)   # drawn thick and black
        role = r.role
        partner = np.zeros(ties.n_nodes, dtype=bool)
        partner[:n] = role != NO_ROLE
        # its text alternative for a screen reader: the title, then residents, isolated, partners, new ties
        summary = t("network", lang) + t("network_summary", lang, residents=int(n), isolated=int(r.isolated.sum()),
                                         partners=int(partner[:n].sum()), new=int(new.sum()))
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
                 f'class="cc-network-svg" role="img" aria-label="{html.escape(summary)}" '
                 f'data-gliding="{int(self.layout.moving.sum())}" '
                 f'style="width:100%;height:auto;background:#FFFFFF">']

        active = strength >= model.params.states.active_tie_strength
        social = np.isin(kind, (KIN, HOUSEHOLD, FRIEND, MUTUAL_AID)) & (a < n) & (b < n) & ~fresh & active
        level = np.zeros(len(a), dtype=int)
        level[social] = tie_prominence(strength[social], self.layout.pos[a[social]] - self.layout.pos[b[social]])
        for lvl, opacity in enumerate(TIE_OPACITY):
            sel = social & (level == lvl)
            parts.append(_lines(pos, a[sel], b[sel], COLOURS["tie"], 1.2 + 0.3 * lvl, opacity))
        member = (kind == MEMBERSHIP) & ~fresh
        parts.append(_lines(pos, a[member], b[member], COLOURS["member"], 1.6, 0.55, dash=MEMBER_DASH))
        team = (kind == CARE_TEAM) & (partner[a] | partner[b])   # partners integrated in the care team
        parts.append(_lines(pos, a[team], b[team], COLOURS["clinician"], 1.2, 0.35))
        g = self.ghost_age
        for age in range(FADE_WEEKS):
            sel = g == age
            parts.append(_lines(pos, self.ghost_a[sel], self.ghost_b[sel], COLOURS["fading"], 1.6,
                                0.55 * (1 - age / FADE_WEEKS), dash="6 5"))
        peer = kind == PEER_SUPPORT
        parts.append(_lines(pos, a[peer], b[peer], COLOURS["peer"], 3.5, 0.9))
        parts.append(_lines(pos, a[new], b[new], COLOURS["new_tie"], 2.8, 0.95))

        # Residents: fill and shape by role (:data:`RESIDENT_MARKS`), isolated residents without a
        # role in vermillion; a vermillion ring marks partners who are isolated. One group per class,
        # one element per resident.
        xy = pos[:n]
        iso = r.isolated
        base = np.where(r.is_patient, 0, 1)
        cat = np.where(iso, 2, base)
        cat = np.where(role == PATIENT_PARTNER, 3, cat)
        cat = np.where(role == CARER_PARTNER, 4, cat)
        cat = np.where(role == CITIZEN_PARTNER, 5, cat)
        scale = dot_scale(n)
        for c, name in enumerate(RESIDENT_MARKS):
            idx = np.flatnonzero(cat == c)
            if len(idx) == 0:
                continue
            shape, r0, (outline, outline_width) = RESIDENT_MARKS[name]
            parts.append(f'<g class="cc-nodes-{name}" fill="{COLOURS[name]}" stroke="{outline}" '
                         f'stroke-width="{outline_width}" data-shape="{shape}">')
            parts.append(mark_elements(shape, xy[idx], round(r0 * scale, 1)))
            parts.append("</g>")
        ringed = np.flatnonzero(iso & (role != NO_ROLE))
        if len(ringed):
            parts.append(f'<g fill="none" stroke="{COLOURS["isolated"]}" stroke-width="3.5">')
            parts.append("".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{14 * scale:.1f}"/>'
                                 for x, y in xy[ringed].tolist()))
            parts.append("</g>")

        # Clinicians (black squares) and organizations (orange diamonds, hollow when closed).
        parts.append(f'<g class="cc-nodes-clinician" fill="{COLOURS["clinician"]}">')
        for c in model.clinicians:
            x, y = pos[c.node]
            parts.append(f'<rect x="{x - 11:.1f}" y="{y - 11:.1f}" width="22" height="22">'
                         f'<title>{html.escape(t_or("prof." + c.profession, lang, c.profession))}</title></rect>')
        parts.append("</g>")
        parts.append('<g class="cc-nodes-organization" stroke="#000000" stroke-width="2">')
        for o in model.organizations:
            x, y = pos[o.node]
            fill = COLOURS["organization"] if o.open else "#FFFFFF"
            parts.append(f'<path d="M{x:.1f} {y - 16:.1f}L{x + 16:.1f} {y:.1f}L{x:.1f} {y + 16:.1f}'
                         f'L{x - 16:.1f} {y:.1f}Z" fill="{fill}"><title>{html.escape(scenario_name(o.name, lang))}</title></path>')
        parts.append("</g></svg>")
        return "".join(parts)


def dot_scale(residents: int) -> float:
    """How large residents' dots are drawn, relative to a community of 1,000 or fewer: they shrink
    as the square root of the crowd (so the dots cover about the same share of the picture) down to
    a little under half size, so that a large community is not one solid blob."""
    return float(np.clip(np.sqrt(1000 / max(residents, 1)), 0.45, 1.0))


def tie_prominence(strength: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """How prominently to draw ties, 0 (faint) to ``len(TIE_OPACITY) - 1`` (dark).

    ``strength`` is the tie's strength (0–1) and ``offset`` the vector between its ends in layout
    units: a strong short tie is dark, a weak or long one faint (at :data:`LONG_TIE` it is faintest).
    """
    length = np.sqrt((np.asarray(offset, dtype=float) ** 2).sum(-1))
    shortness = np.clip(1.0 - length / LONG_TIE, 0.0, 1.0)
    top = len(TIE_OPACITY) - 1
    return np.minimum((np.asarray(strength) * shortness * len(TIE_OPACITY)).astype(int), top)


def _lines(pos: np.ndarray, a: np.ndarray, b: np.ndarray, colour: str, width: float, opacity: float,
           dash: str | None = None) -> str:
    """All segments ``a``–``b`` as one SVG path."""
    if len(a) == 0:
        return ""
    seg = np.column_stack([pos[a], pos[b]]).round(1)
    d = "".join(f"M{x1:g} {y1:g}L{x2:g} {y2:g}" for x1, y1, x2, y2 in seg.tolist())
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width:.3g}" '
            f'stroke-opacity="{opacity:.2f}" stroke-linecap="round"{dash_attr}/>')


def square_side(r: float) -> float:
    """The side of a square that covers the area of a circle of radius ``r``."""
    return round(r * np.sqrt(np.pi), 1)


def subpaths(shape: str, xy: np.ndarray, r: float) -> list[str]:
    """One SVG subpath per point of ``xy`` (n × 2): a mark of ``shape`` (one of :data:`SHAPES`)
    centred there, covering the area of a circle of radius ``r`` (a triangle is centred on its box)."""
    if shape == "circle":
        tail = f"a{r:g} {r:g} 0 1 0 {2 * r:g} 0a{r:g} {r:g} 0 1 0 {-2 * r:g} 0z"
        start = xy - [r, 0.0]
    elif shape == "square":
        side = square_side(r)
        tail = f"h{side:g}v{side:g}h{-side:g}z"
        start = xy - side / 2
    elif shape == "diamond":
        d = round(r * np.sqrt(np.pi / 2), 1)
        tail = f"l{d:g} {d:g}l{-d:g} {d:g}l{-d:g} {-d:g}z"
        start = xy - [0.0, d]
    elif shape == "triangle":
        side = round(r * np.sqrt(4 * np.pi / np.sqrt(3)), 1)
        height = round(side * np.sqrt(3) / 2, 1)
        tail = f"l{side / 2:g} {height:g}h{-side:g}z"
        start = xy - [0.0, height / 2]
    else:
        raise ValueError(f"unknown shape {shape!r}")
    return [f"M{x:.1f} {y:.1f}{tail}" for x, y in np.asarray(start, dtype=float).reshape(-1, 2).tolist()]


def mark_elements(shape: str, xy: np.ndarray, r: float) -> str:
    """One SVG element per point of ``xy``: ``<circle>`` for circles, ``<rect>`` for squares and
    ``<path>`` for diamonds and triangles, of the size :func:`subpaths` gives (the fill and outline
    come from the enclosing group)."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if shape == "circle":
        return "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:g}"/>' for x, y in xy.tolist())
    if shape == "square":
        side = square_side(r)
        return "".join(f'<rect x="{x:.1f}" y="{y:.1f}" width="{side:g}" height="{side:g}"/>'
                       for x, y in (xy - side / 2).tolist())
    return "".join(f'<path d="{d}"/>' for d in subpaths(shape, xy, r))


def legend_items(lang: str) -> list[tuple[str, str, str]]:
    """(shape, colour, label) for the legend, in drawing order; a resident's shape is the name of its
    class in :data:`RESIDENT_MARKS`."""
    return [
        ("patient", COLOURS["patient"], t("leg.patient", lang)),
        ("citizen", COLOURS["citizen"], t("leg.citizen", lang)),
        ("isolated", COLOURS["isolated"], t("leg.isolated", lang)),
        ("patient_partner", COLOURS["patient_partner"], t("leg.patient_partner", lang)),
        ("carer_partner", COLOURS["carer_partner"], t("leg.carer_partner", lang)),
        ("citizen_partner", COLOURS["citizen_partner"], t("leg.citizen_partner", lang)),
        ("square", COLOURS["clinician"], t("leg.clinician", lang)),
        ("diamond", COLOURS["organization"], t("leg.organization", lang)),
        ("line", COLOURS["tie"], t("leg.tie", lang)),
        ("thick", COLOURS["peer"], t("leg.peer", lang)),
        ("dotted", COLOURS["member"], t("leg.member", lang)),
        ("line", COLOURS["clinician"], t("leg.team", lang)),
        ("new", COLOURS["new_tie"], t("leg.new_tie", lang)),
        ("dashed", COLOURS["fading"], t("leg.fading", lang)),
    ]


def legend_swatch(shape: str, colour: str) -> str:
    """A small inline SVG for one legend entry; a resident's sample is drawn as the picture draws
    that class (:data:`RESIDENT_MARKS`: the same shape and outline, a little larger for the smallest)."""
    if shape in RESIDENT_MARKS:
        mark, r0, (outline, outline_width) = RESIDENT_MARKS[shape]
        body = (f'<g fill="{colour}" stroke="{outline}" stroke-width="{outline_width}" data-shape="{mark}">'
                f'{mark_elements(mark, np.array([[14.0, 12.0]]), round(min(1.08 * r0, 8.9), 1))}</g>')
    else:
        body = {
            "square": f'<rect x="4" y="2" width="20" height="20" fill="{colour}"/>',
            "diamond": f'<path d="M14 0L26 12L14 24L2 12Z" fill="{colour}" stroke="#000" stroke-width="1.5"/>',
            "line": f'<path d="M0 12H28" stroke="{colour}" stroke-width="2.5" stroke-opacity="0.8"/>',
            "thick": f'<path d="M0 12H28" stroke="{colour}" stroke-width="5"/>',
            "new": f'<path d="M0 12H28" stroke="{colour}" stroke-width="4"/>',
            "dashed": f'<path d="M0 12H28" stroke="{colour}" stroke-width="2.5" stroke-dasharray="6 4"/>',
            "dotted": (f'<path d="M1 12H27" stroke="{colour}" stroke-width="2.5" stroke-linecap="round" '
                       f'stroke-dasharray="{MEMBER_DASH}"/>'),
        }[shape]
    return f'<svg width="28" height="24" viewBox="0 0 28 24" aria-hidden="true">{body}</svg>'
