"""Analysis of what ``caring-community run`` and ``sweep`` wrote: summaries with 95% confidence
intervals, comparisons paired by seed, sensitivity analysis, scenario discovery, and the planner's
HTML report.

    from analysis import load, summarise, compare, analyse, discover, write_report
    scen, base = load("runs/centre-sud"), load("runs/hospital-baseline")
    compare(scen, base).table          # differences paired by seed, with 95% CIs
    write_report(scen, "report.html", baseline=base, lang="fr")

Names are imported on first use, so ``caring-community`` (which loads ``analysis.cli`` to add
the ``report`` command) does not pay for matplotlib, scipy and SALib when it runs something else.
"""

from importlib import import_module

from .load import Results, load  # eager: the submodule and the function share the name ``load``

_WHERE = {"summarise": "stats", "weekly_bands": "stats", "mean_ci": "stats",
          "paired_difference": "stats", "compare": "stats", "cost_per_person_no_longer_isolated": "stats",
          "analyse": "sensitivity", "sobol": "sensitivity", "morris": "sensitivity", "main_effects": "sensitivity",
          "build_report": "report", "write_report": "report", "discover": "discovery"}

__all__ = ["Results", "load", *_WHERE]


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
