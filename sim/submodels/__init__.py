"""The nine processes of MODEL.md §3, one module each, run in :data:`sim.model.WEEKLY_ORDER`.

Each module declares its parameters (a :class:`sim.params.Section`) beside its code and a
:class:`Submodel` whose ``step()`` advances that process by one week for everyone at once.
A submodel draws random numbers only from its own stream, so changing one lever perturbs the
others as little as possible (common random numbers across scenarios).
"""

from __future__ import annotations

import numpy as np


class Submodel:
    """One process of the model. ``name`` is its attribute on the model; ``p`` its scenario section."""

    name: str = ""

    def __init__(self, model, params, rng: np.random.Generator):
        self.model = model
        self.p = params
        self.rng = rng

    def step(self) -> None:  # pragma: no cover - every submodel overrides it
        raise NotImplementedError


def bernoulli_indices(n: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Indices ``i < n`` each drawn independently with probability ``p``, in increasing order.

    Equivalent to ``np.flatnonzero(rng.random(n) < p)`` but draws only about ``n * p`` numbers
    (geometric gaps), which matters when ``n`` is every tie of a large network.
    """
    if p <= 0.0 or n <= 0:
        return np.zeros(0, dtype=np.int64)
    if p >= 1.0:
        return np.arange(n, dtype=np.int64)
    out = []
    pos = -1
    while True:
        expected = max(16, int((n - pos) * p * 1.1) + 16)
        idx = pos + np.cumsum(rng.geometric(p, size=expected))
        out.append(idx[idx < n])
        if idx[-1] >= n:
            break
        pos = int(idx[-1])
    return np.concatenate(out).astype(np.int64)


def thinned(candidates: np.ndarray, chance: np.ndarray, bound: float, rng: np.random.Generator) -> np.ndarray:
    """Keep each candidate (already drawn with probability ``bound``) with probability ``chance / bound``.

    Together with :func:`bernoulli_indices` this draws each item with its own ``chance`` while
    computing ``chance`` only for the few candidates.
    """
    return candidates[rng.random(len(candidates)) * bound < chance]
