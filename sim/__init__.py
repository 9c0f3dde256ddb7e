"""The caring-community simulation model (agents, network, submodels, scenario schema).

Quick use::

    from sim import CaringCommunity, run, load_scenario
    df = run("centre-sud", seed=1, years=2)          # weekly outcomes as a DataFrame
    model = CaringCommunity("hospital-baseline", rng=1)
    model.step()
"""

import multiprocessing as _multiprocessing

_start_method = _multiprocessing.get_start_method(allow_none=True)

from .errors import ScenarioError, UserError  # noqa: E402
from .model import WEEKLY_ORDER, CaringCommunity, run  # noqa: E402  (imports mesa)
from .scenario import Scenario, list_scenarios, load_scenario, scale_scenario  # noqa: E402


def installed_version() -> str | None:
    """The installed ``caring-community`` package's version; None for a checkout that is on the path
    but not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("caring-community")
    except PackageNotFoundError:
        return None


if _multiprocessing.get_start_method(allow_none=True) != _start_method:
    # Mesa 3.3 (mesa/batchrunner.py) sets the "spawn" start method for the whole program when it is
    # imported: a script's own multiprocessing.Pool then imports its main module again, and fails
    # without an ``if __name__ == "__main__":`` guard. Importing this package leaves it as it was.
    _multiprocessing.set_start_method(_start_method, force=True)

__all__ = ["CaringCommunity", "run", "load_scenario", "list_scenarios", "scale_scenario", "Scenario",
           "ScenarioError", "UserError", "WEEKLY_ORDER", "installed_version"]
