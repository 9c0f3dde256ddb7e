"""The nine processes of MODEL.md §3, one module each, run in :data:`sim.model.WEEKLY_ORDER`.

Each module declares its parameters (a :class:`sim.params.Section`) beside its code and a
:class:`Submodel` whose ``step()`` advances that process by one week for everyone at once.
A submodel draws random numbers only from its own stream, so changing one lever perturbs the
others as little as possible (common random numbers across scenarios).
"""

from __future__ import annotations

import numpy as np


class Submodel:
    """One process of the model. ``name`` is also the scenario section holding its parameters."""

    name: str = ""

    def __init__(self, model, params, rng: np.random.Generator):
        self.model = model
        self.p = params
        self.rng = rng

    def step(self) -> None:  # pragma: no cover - every submodel overrides it
        raise NotImplementedError
