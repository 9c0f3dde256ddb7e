"""The caring-community simulation model (agents, network, submodels, scenario schema).

Quick use::

    from sim import CaringCommunity, run, load_scenario
    df = run("centre-sud", seed=1, years=2)          # weekly outcomes as a DataFrame
    model = CaringCommunity("hospital-baseline", rng=1)
    model.step()
"""

from .errors import ScenarioError, UserError
from .model import WEEKLY_ORDER, CaringCommunity, run
from .scenario import Scenario, list_scenarios, load_scenario, scale_scenario

__all__ = ["CaringCommunity", "run", "load_scenario", "list_scenarios", "scale_scenario", "Scenario",
           "ScenarioError", "UserError", "WEEKLY_ORDER"]
