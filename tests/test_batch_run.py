"""Mesa users drive the model as any Mesa model: ``mesa.batch_run`` with swept dotted overrides
(issue 2, item 10)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from sim import CaringCommunity, UserError, load_scenario, scale_scenario
from sim.runner import seeded_batch_run

STEPS = 5


class RecordingCommunity(CaringCommunity):
    """The model, remembering the scenario each instance was built with (to see the sweep applied)."""

    built: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        RecordingCommunity.built.append((self.seed, self.params.governance.decision_rule,
                                         self.params.population.n_patients))


@pytest.fixture(scope="module")
def small_dict():
    return scale_scenario(load_scenario("centre-sud"), 400).model_dump(mode="json")


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def test_batch_run_sweeps_seeds_and_dotted_overrides(small_dict):
    RecordingCommunity.built.clear()
    results = seeded_batch_run(
        RecordingCommunity, {"scenario": [small_dict], "governance.decision_rule": ["majority", "consensus"]},
        seeds=[1, 2], number_processes=1, data_collection_period=1, max_steps=STEPS, display_progress=False)

    # every combination was built with its own seed and rule
    assert sorted((seed, rule) for seed, rule, _ in RecordingCommunity.built) == [
        (1, "consensus"), (1, "majority"), (2, "consensus"), (2, "majority")]
    assert {n for _, _, n in RecordingCommunity.built} == {small_dict["population"]["n_patients"]}

    run_ids = {row["RunId"] for row in results}
    assert len(run_ids) == 4
    direct = {}
    for row in results:
        assert {"RunId", "iteration", "Step", "rng", "governance.decision_rule", "week",
                "isolated_share_all", "empowerment_index"} <= set(row)
        assert row["week"] == row["Step"]
        key = (row["rng"], row["governance.decision_rule"])
        if key not in direct:
            model = CaringCommunity(small_dict, rng=row["rng"],
                                    **{"governance.decision_rule": row["governance.decision_rule"]})
            assert model.params.governance.decision_rule == row["governance.decision_rule"]
            direct[key] = model.run(STEPS)
        expected = direct[key].iloc[int(row["Step"])].to_dict()   # Mesa 3.5 reports Step as a float time
        for col, value in expected.items():
            assert _same(row[col], value), (key, row["Step"], col, row[col], value)
    steps = sorted({row["Step"] for row in results if row["RunId"] == 0})
    assert steps == list(range(STEPS + 1))


def test_batch_run_end_of_run_rows_and_a_yaml_scenario(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text("extends: centre-sud\npopulation: {n_patients: 200}\n")
    results = seeded_batch_run(CaringCommunity, {"scenario": str(path),
                                                 "population.share_65plus_living_alone": [0.2, 0.9]},
                               seeds=[3], number_processes=1, max_steps=3, display_progress=False)
    assert len(results) == 2                                        # one end-of-run row per combination
    by_share = {row["population.share_65plus_living_alone"]: row for row in results}
    for share, row in by_share.items():
        model = CaringCommunity(str(path), rng=3, **{"population.share_65plus_living_alone": share})
        assert model.params.population.share_65plus_living_alone == share
        expected = model.run(row["Step"]).iloc[-1]
        assert row["isolated_share_all"] == expected["isolated_share_all"]
        assert row["week"] == row["Step"]


def test_model_stops_running_at_the_scenario_horizon():
    model = CaringCommunity({"extends": "centre-sud", "population": {"n_patients": 200}, "years": 0.1}, rng=1)
    assert model.params.weeks == 5 and model.running
    for _ in range(model.params.weeks - 1):
        model.step()
    assert model.running
    model.step()
    assert not model.running                                        # run_model() stops here
    model.run_model()                                               # Mesa's own loop: no further week
    assert model.week == 5
    assert len(model.run(2)) == 8                                   # an explicit run(weeks) may go beyond


def test_importing_the_model_leaves_the_programs_multiprocessing_start_method_alone(tmp_path):
    """Mesa 3.3 sets the "spawn" start method on import: a researcher's own script with a Pool of model runs
    and no ``if __name__ == "__main__":`` guard then failed with multiprocessing's bootstrapping RuntimeError."""
    script = tmp_path / "pool.py"
    script.write_text("import multiprocessing as mp\n"
                      "import sim\n"
                      "print(mp.get_start_method(allow_none=True))\n"
                      "with mp.Pool(2) as pool:\n"
                      "    print(sum(pool.map(abs, [-1, -2])))\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["None", "3"]


@pytest.mark.parametrize("processes", [1, 2])
def test_batch_run_reports_the_last_week_of_a_run_that_stops_at_its_horizon(small_dict, processes):
    """A run that ends at its scenario's horizon (``running`` false) is reported up to that week, as
    ``sim.run`` gives it: Mesa 3.3's batch_run stopped one row short (mesa issue #2514), so its
    end-of-run row was the week before the end, and Mesa 3.5's the last week."""
    scenario = {**small_dict, "years": 0.1}                          # 5 weeks
    expected = CaringCommunity(scenario, rng=4, agent_views=False).run()
    # every period-th week from week 0, as Mesa 3.5 reports them: the last week only where a period reaches it
    # (Mesa 3.3's runs were reported with week 5 added for a period of 2)
    for period, weeks in ((1, [0, 1, 2, 3, 4, 5]), (2, [0, 2, 4]), (-1, [5])):
        rows = seeded_batch_run(CaringCommunity, {"scenario": [scenario], "agent_views": False}, seeds=[4],
                                number_processes=processes, data_collection_period=period, display_progress=False)
        assert [row["week"] for row in rows] == weeks, period
        for row in rows:
            assert row["Step"] == row["week"]
            week = expected.iloc[row["week"]].to_dict()
            assert all(_same(row[col], value) for col, value in week.items()), row["week"]
    # a max_steps before the horizon: that many weeks, and week 0 to max_steps reported
    rows = seeded_batch_run(CaringCommunity, {"scenario": [scenario], "agent_views": False}, seeds=[4],
                            number_processes=processes, data_collection_period=1, max_steps=3, display_progress=False)
    assert [row["week"] for row in rows] == [0, 1, 2, 3]


def test_a_scenario_given_whole_to_batch_run_or_a_seed_keyword_says_what_to_write(small_dict):
    """``mesa.batch_run`` iterates over every parameter value it can: a dict or Scenario given without a
    list reached the model one key or (field, value) pair at a time ("unknown preset 'name'", "found
    tuple"); ``seed=`` (older Mesa's name for ``rng``) and ``residents=`` were called misspelt scenario
    keys ("did you mean 'extends'?", "did you mean 'retention'?")."""
    from sim import ScenarioError

    small = load_scenario(small_dict)
    for whole in (small_dict, small):
        with pytest.raises(ScenarioError, match=r"key 'scenario'.*Give it in a list: parameters=\{'scenario': \[sc"):
            seeded_batch_run(CaringCommunity, {"scenario": whole}, seeds=[1], number_processes=1, max_steps=1,
                             display_progress=False)
    with pytest.raises(UserError, match=r"key 'seed': expected the seed as rng="):
        CaringCommunity(small_dict, seed=1)
    with pytest.raises(UserError, match=r"key 'residents': expected the size as a scaled scenario"):
        CaringCommunity("centre-sud", rng=1, residents=300)


# Mesa 3.3's own SolaraViz breaks Solara's rules of hooks (a use_state after an early return): its warning, not ours.
@pytest.mark.filterwarnings("ignore:.*ComponentsView. .use_state. found despite early return:UserWarning")
def test_mesa_solara_viz_reset_keeps_the_scenario_given_in_model_params(small_dict):
    """A researcher's own SolaraViz page: it builds, and Reset rebuilds the model from ``model_params``.
    Mesa 3.5's Reset put its own experimental Scenario (``model.scenario``) in place of the
    ``scenario`` parameter, and the page's 400 residents came back as the 18,000 of the Centre-Sud preset."""
    solara = pytest.importorskip("solara")
    v = pytest.importorskip("ipyvuetify")
    from mesa.visualization import SolaraViz, make_plot_component
    from mesa.visualization.solara_viz import ModelController

    model = CaringCommunity(small_dict, rng=1)
    reactive = solara.reactive(model)
    page = SolaraViz(reactive, components=[make_plot_component("isolated_share_all")],
                     model_params={"scenario": small_dict, "rng": 1,
                                   "governance.decision_rule": {"type": "Select", "value": "majority", "label": "rule",
                                                                "values": ["majority", "consensus"]}})
    solara.render(page, handle_error=False)
    params = solara.reactive({"scenario": small_dict, "rng": 2, "governance.decision_rule": "consensus"})
    _, rc = solara.render(ModelController(reactive, model_parameters=params, render_interval=solara.reactive(1),
                                          play_interval=solara.reactive(100), use_threads=solara.reactive(False)),
                          handle_error=False)
    buttons = {tuple(b.children): b for b in rc.find(v.Btn).widgets}
    buttons[("Step",)].click()
    assert reactive.value.week == 1 and reactive.value.steps == 1
    buttons[("Reset",)].click()
    rebuilt = reactive.value
    assert rebuilt is not model and rebuilt.week == 0
    assert rebuilt.residents.n == model.residents.n < 1000
    assert rebuilt.seed == 2 and rebuilt.params.governance.decision_rule == "consensus"
    expected = CaringCommunity(small_dict, rng=2, **{"governance.decision_rule": "consensus"})
    assert rebuilt.outcomes().equals(expected.outcomes())
    assert getattr(rebuilt, "scenario", None) is None      # the parameters are model.params


def test_the_seed_may_be_given_as_mesa_takes_it():
    """``rng=`` takes what Mesa's own models take: a whole number, a numpy Generator, BitGenerator or
    SeedSequence (the same one gives the same model), or None (a fresh seed); anything else is refused."""
    import numpy as np

    small = scale_scenario("centre-sud", 200)
    seeds = {kind: [CaringCommunity(small, rng=make(), agent_views=False).seed for _ in range(2)]
             for kind, make in {"int": lambda: 7, "numpy int": lambda: np.int64(7),
                                "Generator": lambda: np.random.default_rng(3), "PCG64": lambda: np.random.PCG64(3),
                                "SeedSequence": lambda: np.random.SeedSequence(3)}.items()}
    assert all(a == b for a, b in seeds.values()) and seeds["int"] == [7, 7]
    assert CaringCommunity(small, rng=None, agent_views=False).seed != CaringCommunity(small, rng=None,
                                                                                       agent_views=False).seed
    for bad in (-1, 1.5, "7", True):
        with pytest.raises(UserError, match="key 'rng': expected a seed that is a whole number 0 or more"):
            CaringCommunity(small, rng=bad, agent_views=False)
