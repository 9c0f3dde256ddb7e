"""Parameter sweeps of the caring-community model, from a laptop to a cluster.

Split as in the EMA Workbench: :mod:`experiments.spec` (the sweep file and its validation),
:mod:`experiments.design` (factorial, sub-experiments, LHS, Sobol, Morris; seeds),
:mod:`experiments.backends` (serial, local processes, dask behind one interface),
:mod:`experiments.storage` (the Parquet folder and reading it back) and
:mod:`experiments.runner` (the resumable loop). From a notebook::

    from experiments import run_sweep, load_sweep
    run_sweep("experiments/specs/governance-funding.yaml", "sweeps/gov", workers=4)
    results = load_sweep("sweeps/gov")          # .summary, .weekly, .design, .seeds, .meta, .failed
"""

from __future__ import annotations

from .storage import Sweep, SweepStatus, load_sweep, sweep_status

__all__ = ["run_sweep", "plan_sweep", "load_sweep", "sweep_status", "sweep", "Sweep", "SweepStatus"]


def run_sweep(*args, **kwargs):
    """Run or resume a sweep; see :func:`experiments.runner.run_sweep`."""
    from .runner import run_sweep as _run
    return _run(*args, **kwargs)


def plan_sweep(*args, **kwargs):
    """Validate a spec and resolve its design and seeds without running; see :func:`experiments.runner.plan_sweep`."""
    from .runner import plan_sweep as _plan
    return _plan(*args, **kwargs)


def sweep(spec, out, points=None, **kwargs):
    """Run (or resume) a sweep and return its results as a :class:`Sweep` (``.summary`` is one DataFrame).

    ``spec`` is a spec file, a dict or a :class:`~experiments.spec.SweepSpec`; ``points`` an optional
    DataFrame of design points (columns are dotted keys) replacing the spec's design.
    """
    run_sweep(spec, out, points=points, **kwargs)
    return load_sweep(out)
