"""What a researcher meets using the Python API from a Jupyter notebook, tested without Jupyter: the
analysis figures and a run's chart leave the notebook's matplotlib backend and pyplot alone, and the
figures show themselves as PNG."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis import load, plots
from analysis.stats import weekly_bands
from analysis.synthetic import write_replications

OUTCOMES = ["isolated_share_all", "isolated_share_65_alone"]
LABELS = {"scenario": "scenario", "baseline": "baseline", "year": "year"}


def test_drawing_leaves_the_matplotlib_backend_as_the_notebook_set_it(tmp_path):
    """``analysis.plots`` called ``matplotlib.use("Agg")`` when imported, and a run's chart did too: in a
    notebook (inline backend) every plot of the researcher's own after ``run_to_folder`` or importing the
    report stopped showing. A fresh process stands for the kernel, its backend set before anything is imported."""
    runs = write_replications(tmp_path / "runs", [1, 2, 3], "centre-sud", effect=0.5)
    code = f"""
import matplotlib
matplotlib.use("svg")
import pandas as pd
import analysis.plots, analysis.report
from analysis import load
from analysis.stats import weekly_bands
from sim.runner import plot_run
res = load({str(runs)!r})
analysis.plots.time_panels([("isolated_share_all", "t", "share")], weekly_bands(res, ["isolated_share_all"]), None,
                           {LABELS!r}, "en")
plot_run(pd.read_parquet(next(p for p in res.path.iterdir() if p.is_dir()) / "outcomes.parquet"),
         {str(tmp_path / "chart.png")!r})
print(matplotlib.get_backend())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "svg"
    assert (tmp_path / "chart.png").stat().st_size > 0


def test_figures_stay_out_of_pyplot_and_show_as_png(tmp_path):
    """Each figure was left open in pyplot: after 20, matplotlib warned "More than 20 figures have been
    opened" in the notebook, and a figure given as a cell's last expression showed twice."""
    import matplotlib.pyplot as plt

    res = load(write_replications(tmp_path / "runs", [1, 2, 3], "centre-sud", effect=0.5))
    before = plt.get_fignums()
    bands = weekly_bands(res, OUTCOMES)
    figures = [plots.time_panels([(o, o, "share") for o in OUTCOMES], bands, None, LABELS, "en") for _ in range(3)]
    assert plt.get_fignums() == before
    assert isinstance(figures[0], plots.Figure)
    assert figures[0]._repr_png_().startswith(b"\x89PNG")


def _tiny(name: str) -> dict:
    return {"name": name, "base_scenario": "centre-sud", "residents": 200, "fixed": {"network.burn_in_weeks": 4},
            "weeks": 2, "replications": 1, "root_seed": 3,
            "parameters": {"governance.decision_rule": ["majority", "consensus"]}}


def test_a_sweep_shows_its_progress_with_tqdm_auto(tmp_path, monkeypatch):
    """The sweep's bar was plain ``tqdm``: in a notebook, a red stderr block rewritten with carriage returns
    (a line per update in a saved notebook) where Mesa's own batch_run shows one widget. ``tqdm.auto`` gives
    the widget in a notebook and the usual text bar in a terminal."""
    import tqdm.auto

    from experiments import run_sweep

    made = []

    class Recording(tqdm.auto.tqdm):
        def __init__(self, *args, **kwargs):
            made.append(kwargs)
            super().__init__(*args, **{**kwargs, "disable": True})

    monkeypatch.setattr(tqdm.auto, "tqdm", Recording)
    run_sweep(_tiny("bar"), tmp_path / "bar", backend="serial")
    assert len(made) == 1 and made[0]["total"] == 2 and made[0]["disable"] is False


def _defined_in_a_notebook(scenario, params, seed, weeks):
    from experiments.runner import simulate
    return simulate(scenario, params, seed, weeks)


def test_a_simulate_from_a_notebook_cell_is_refused_before_anything_runs(tmp_path, monkeypatch):
    """A ``simulate`` defined in a notebook cell lives in ``__main__``, which a kernel has as a module with no
    file: workers started by "spawn" (a kernel's, since it runs threads) could not unpickle it, each died with
    a traceback in the cell, and every run was recorded as failed ("the worker process died")."""
    import multiprocessing
    import types

    from experiments import run_sweep
    from experiments.backends import ProcessBackend
    from sim.errors import UserError

    kernel_main = types.ModuleType("__main__")   # as in an IPython kernel: no __file__
    kernel_main._defined_in_a_notebook = _defined_in_a_notebook
    monkeypatch.setitem(sys.modules, "__main__", kernel_main)
    monkeypatch.setattr(_defined_in_a_notebook, "__module__", "__main__")
    engine = ProcessBackend(workers=1)
    engine._ctx = multiprocessing.get_context("spawn")
    try:
        with pytest.raises(UserError, match="defined in this notebook.*backend='serial'"):
            run_sweep(_tiny("nb"), tmp_path / "nb", backend=engine, simulate=_defined_in_a_notebook, progress=False)
        with pytest.raises(UserError, match="lambda"):
            run_sweep(_tiny("nb"), tmp_path / "nb", backend=engine, simulate=lambda *a: None, progress=False)
    finally:
        engine.close()
    assert not (tmp_path / "nb").exists()
    # the same function runs in this process with the serial backend
    result = run_sweep(_tiny("nb"), tmp_path / "nb", backend="serial", simulate=_defined_in_a_notebook, progress=False)
    assert result.ran == 2 and result.failed == 0


def test_a_partial_of_an_importable_function_is_not_refused(tmp_path):
    import functools

    from experiments import run_sweep
    from experiments.runner import simulate

    result = run_sweep(_tiny("partial"), tmp_path / "partial", backend="processes", workers=1, progress=False,
                       simulate=functools.partial(simulate))
    assert result.ran == 2 and result.failed == 0


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_a_simulate_that_cannot_be_called_is_refused_before_anything_is_written(tmp_path, backend):
    """``simulate="experiments.runner.simulate"`` (a name as text) or a number made a sweep folder whose
    every run was recorded as failed ("'str' object is not callable")."""
    from experiments import run_sweep
    from sim.errors import UserError

    for value in ("experiments.runner.simulate", 3):
        with pytest.raises(UserError, match="expected a function .*; found") as info:
            run_sweep(_tiny("text"), tmp_path / "text", backend=backend, workers=1, progress=False, simulate=value)
        assert info.value.key == "simulate"
    assert not (tmp_path / "text").exists()


def test_a_partial_of_a_lambda_is_refused_with_the_processes_backend_and_runs_serially(tmp_path):
    """A ``functools.partial`` of a lambda (or of a function defined inside another) cannot be pickled: each
    run was recorded as failed with "Can't pickle local object"; it is refused before anything is written."""
    import functools

    from experiments import run_sweep
    from experiments.runner import simulate
    from sim.errors import UserError

    local = functools.partial(lambda scenario, params, seed, weeks: simulate(scenario, params, seed, weeks))
    with pytest.raises(UserError, match="cannot be sent to worker processes.*backend='serial'"):
        run_sweep(_tiny("local"), tmp_path / "local", backend="processes", workers=1, progress=False, simulate=local)
    assert not (tmp_path / "local").exists()
    result = run_sweep(_tiny("local"), tmp_path / "local", backend="serial", progress=False, simulate=local)
    assert result.ran == 2 and result.failed == 0


def test_results_objects_show_a_few_lines_in_a_notebook(tmp_path):
    """``load_sweep(...)``, ``load(...)``, ``compare(...)`` and ``analyse(...)`` as a cell's last expression printed
    the dataclass's repr: every table in full (a ``Comparison`` printed both sides' results), screens of text.
    They now say what they hold and the tables' sizes; a comparison and an analysis show their table."""
    from analysis import analyse, compare
    from experiments import load_sweep, run_sweep

    scen = load(write_replications(tmp_path / "scen", [1, 2, 3], "centre-sud", effect=0.5))
    base = load(write_replications(tmp_path / "base", [1, 2, 3], "hospital-baseline", effect=0.0))
    text = repr(scen)
    assert text.startswith("<Results (replications) 'centre-sud'") and "3 of 3 runs completed" in text
    assert len(text.splitlines()) == 2
    text = repr(compare(scen, base))
    assert text.startswith("<Comparison 'centre-sud' against 'hospital-baseline', paired over 3 seeds")
    assert "isolated_share_65_alone" in text and "Results(" not in text

    spec = {**_tiny("shown"), "outputs": {"summary": True, "weekly_every": 1}}
    run_sweep(spec, tmp_path / "sweep", backend="serial", progress=False)
    text = repr(load_sweep(tmp_path / "sweep"))
    assert "2 of 2 runs finished, 0 failed, 0 missing" in text and "swept governance.decision_rule" in text
    assert "; 2 design points x 1 replication; " in text  # a count of one in the singular
    assert len(text.splitlines()) == 2 and "run_id" not in text
    assert ".weekly not loaded (weekly=False)" in repr(load_sweep(tmp_path / "sweep", weekly=False))
    text = repr(load(tmp_path / "sweep"))
    assert "(sweep)" in text and "2 design points" in text and len(text.splitlines()) == 2
    text = repr(analyse(load(tmp_path / "sweep"), "isolated_share_65_alone"))
    assert text.startswith("<Sensitivity of 'isolated_share_65_alone' by main_effects")
    assert "governance.decision_rule" in text and "table=" not in text


def test_a_comparison_of_no_outcome_shows_itself(tmp_path):
    """``compare(..., outcomes=[])`` (or outcomes the baseline lacks) has an empty table, whose repr raised
    a KeyError (the columns it shows were looked up in a table without columns)."""
    from analysis import compare

    scen = load(write_replications(tmp_path / "scen", [1, 2], "centre-sud", effect=0.5))
    base = load(write_replications(tmp_path / "base", [1, 2], "hospital-baseline"))
    text = repr(compare(scen, base, outcomes=[]))
    assert "paired over 2 seeds" in text and "no outcome compared" in text


def test_the_parameter_table_reads_as_a_dataframe_of_the_keys_a_sweep_varies():
    """The README's notebook line: ``pd.DataFrame(resolved_parameters(load_scenario(NAME)))`` is one row a
    value, with the columns it names, amounts in the scenario's currency, and every key one that a
    sweep's plan accepts."""
    import pandas as pd

    from experiments import plan_sweep
    from sim.scenario import load_scenario, resolved_parameters

    table = pd.DataFrame(resolved_parameters(load_scenario("paris-mental-health")))
    assert {"key", "value", "default", "unit", "range", "meaning", "source"} <= set(table.columns)
    assert table["key"].is_unique
    sources = table[table["key"].str.startswith("funding.sources.")].set_index("key")
    assert sources.loc["funding.sources.0.amount_per_year", ["value", "unit"]].tolist() == [300000.0, "EUR/year"]
    # The default is what the key is in a scenario that sets nothing: the default table's entry, or
    # for an item that scenario has none of (it has no funding source), what an item's field defaults to.
    rows = table.set_index("key")
    assert rows.loc["funding.sources.0.amount_per_year", "default"] == 150000.0
    assert rows.loc["population.equity_groups.majority.share", ["value", "default"]].tolist() == [0.68, 0.72]
    assert rows.loc["governance.seats.patients", ["value", "default"]].tolist() == [2, 0]
    assert rows.loc["clinical.professions.physician.count", "default"] == 40
    plan = plan_sweep({"base_scenario": "paris-mental-health", "residents": 300, "weeks": 1, "replications": 1,
                       "parameters": {"funding.sources.0.amount_per_year": [1000.0, 2000.0]}})
    assert plan.design.n_points == 2
