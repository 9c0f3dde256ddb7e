"""A finished model is let go: loops, sweeps and calibration keep a flat memory however many runs they make.

Mesa 3.3 (what Python 3.11 gets) numbered agents from a class-level table keyed by model
(``mesa.Agent._ids``, mesa issue #3179), which kept every model that ever had an agent alive: a sweep
worker grew by about 0.8 MB a run at 500 residents for a year (1.2 GB over a 3,072-run sweep). The
model's agents (:class:`sim.agents.CommunityAgent`) count their ids in a table that holds models weakly.
"""

from __future__ import annotations

import gc
import weakref

import pandas as pd

from experiments import run_sweep
from sim import CaringCommunity, scale_scenario
from sim.agents import CommunityAgent
from sweep_specs import tiny_spec

_MODELS: list[weakref.ref] = []


def _simulate_and_watch(scenario, params, seed, weeks) -> pd.DataFrame:
    """The model wrapper, run through a model whose lifetime the test watches."""
    model = CaringCommunity(scenario, rng=seed, agent_views=False, **params)
    _MODELS.append(weakref.ref(model))
    return model.run(weeks)


def _alive(refs) -> int:
    gc.collect()
    return sum(ref() is not None for ref in refs)


def test_a_model_nothing_uses_any_more_is_freed():
    refs = []
    for seed in range(3):
        model = CaringCommunity(scale_scenario("centre-sud", 300), rng=seed)   # with resident and role agents
        model.run(3)
        refs.append(weakref.ref(model))
        del model
    assert _alive(refs) == 0


def test_agent_ids_are_numbered_from_one_in_each_model_across_all_kinds_of_agent():
    for _ in range(2):
        model = CaringCommunity(scale_scenario("centre-sud", 300), rng=1)
        model.run(2)
        ids = sorted(a.unique_id for a in model.agents)
        assert ids == list(range(1, len(ids) + 1))
        assert {type(a).__name__ for a in model.agents} >= {"Patient", "Citizen", "Clinician", "CommunityOrganization"}


def test_a_sweep_lets_go_of_each_finished_model(tmp_path):
    _MODELS.clear()
    result = run_sweep(tiny_spec("memory"), tmp_path / "sweep", backend="serial", batch_size=2, progress=False,
                       simulate=_simulate_and_watch)
    assert result.ran == 4 and len(_MODELS) == 4
    assert _alive(_MODELS) == 0


def test_a_calibration_task_lets_go_of_its_models():
    from experiments.calibration_targets import CalibrationTask
    from experiments.calibration_targets import run_task as calibration_task

    gc.collect()
    counted = len(CommunityAgent._ids)
    row = calibration_task(CalibrationTask(0, 0, 1, {}, 200, 0.1, ("baseline", "programme", "workload")))
    assert "lonely_65plus" in row
    gc.collect()
    assert len(CommunityAgent._ids) == counted
