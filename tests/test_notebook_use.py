"""What a researcher meets using the Python API from a Jupyter notebook, tested without Jupyter: the
analysis figures and a run's chart leave the notebook's matplotlib backend and pyplot alone, and the
figures show themselves as PNG."""

from __future__ import annotations

import subprocess
import sys

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
