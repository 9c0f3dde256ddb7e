"""One browser's run: the caring community, its hospital-centred baseline, and the network picture.

:class:`WorkshopRun` holds two :class:`~sim.model.CaringCommunity` models built from the same seed:
the chosen scenario with the room's levers applied, and the baseline (the same population with no
partners, no brokering, no stewardship group). Each step advances both by one week, so the charts
can show them side by side. The page makes one run per connected browser.

The workshop settings come from environment variables set by ``caring-community viz``:
``CC_VIZ_SCENARIO`` (preset or YAML file), ``CC_VIZ_LANG`` (fr or en), ``CC_VIZ_RESIDENTS``
(workshop size, default 500) and ``CC_VIZ_SEED``. ``CC_VIZ_DEBUG_MEMORY=1`` (for the tests, never
needed in a workshop) makes the page report how many models the server holds: :func:`live_models`.
"""

from __future__ import annotations

import gc
import io
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from ..model import CaringCommunity
from ..outcomes import codebook
from ..runner import resolved_scenario_text
from ..scenario import load_scenario, preset_names, scale_scenario
from . import levers
from .i18n import DEFAULT_LANGUAGE, check_language, t
from .network_view import NetworkView

DEFAULT_RESIDENTS = 500
BASELINE_PRESET = "hospital-baseline"
#: How the hospital-centred baseline differs from a caring-community scenario (MODEL.md §5).
BASELINE_OVERRIDES = {"governance.stewardship_group": False, "governance.partner_official_status": False,
                      "retention.initial_patient_partners": 0,
                      "retention.initial_carer_partners": 0, "retention.initial_citizen_partners": 0,
                      "funding.sources": []}


@dataclass(frozen=True)
class Settings:
    """The workshop settings ``caring-community viz`` gave the server: scenario, language, size and seed;
    ``debug_memory`` (``CC_VIZ_DEBUG_MEMORY=1``, for the tests) makes the page report :func:`live_models`
    in a hidden ``.cc-debug-memory`` element whose ``data-models`` the browser tests read."""

    scenario: str
    lang: str
    residents: int
    seed: int
    debug_memory: bool = False


def settings_from_env(env: dict[str, str] | None = None) -> Settings:
    """The workshop settings from the ``CC_VIZ_*`` variables of ``env`` (default: this process's
    environment); each one missing takes its default (Centre-Sud, French, 500 residents, seed 0)."""
    env = os.environ if env is None else env
    return Settings(scenario=env.get("CC_VIZ_SCENARIO", "centre-sud"),
                    lang=check_language(env.get("CC_VIZ_LANG", DEFAULT_LANGUAGE)),
                    residents=int(env.get("CC_VIZ_RESIDENTS", DEFAULT_RESIDENTS)),
                    seed=int(env.get("CC_VIZ_SEED", 0)), debug_memory=env.get("CC_VIZ_DEBUG_MEMORY") == "1")


def _scaled(scenario, residents: int):
    total = scenario.population.n_residents if hasattr(scenario.population, "n_residents") else None
    if total is not None and total == residents:
        return scenario
    return scale_scenario(scenario, residents)


def live_models() -> int:
    """How many :class:`~sim.model.CaringCommunity` models this process holds, after a full garbage
    collection: two per open page (its community and baseline) when old runs are released. Slow
    (it walks every object), so only with ``Settings.debug_memory``."""
    gc.collect()
    return sum(isinstance(o, CaringCommunity) for o in gc.get_objects())


@lru_cache(maxsize=8)
def workshop_scenarios(ref: str, residents: int):
    """``(community, baseline)``: the chosen scenario and its baseline, both scaled to ``residents``.

    The baseline is the ``hospital-baseline`` preset for Centre-Sud when it exists, otherwise the
    chosen scenario with :data:`BASELINE_OVERRIDES` (same population, no caring-community programme).
    """
    community = _scaled(load_scenario(ref), residents)
    if ref == "centre-sud" and BASELINE_PRESET in preset_names():
        baseline = load_scenario(BASELINE_PRESET)
    else:
        baseline = load_scenario(ref, BASELINE_OVERRIDES)
    return community, _scaled(baseline, residents)


class WorkshopRun:
    """The community with the room's levers, its baseline with the same seed, and the picture
    (``reduced_motion``: this browser asks for it, see :class:`~sim.viz.network_view.NetworkView`)."""

    def __init__(self, community_scenario, baseline_scenario, values: dict[str, Any], reduced_motion: bool = False):
        self.base = community_scenario
        self.values = dict(values)
        self.seed = levers.seed_of(values)
        self.model = CaringCommunity(community_scenario, rng=self.seed, **levers.to_overrides(values, community_scenario))
        self.baseline = CaringCommunity(baseline_scenario, rng=self.seed, agent_views=False)
        self.view = NetworkView(self.model, reduced_motion=reduced_motion)
        self._stepping = threading.Lock()   # a download reads the run between two weeks, never during one

    @property
    def week(self) -> int:
        """Weeks the community has run (0 before the first step)."""
        return int(self.model.week)

    @property
    def finished(self) -> bool:
        """The community has reached its scenario's horizon (Play stops, Step does nothing)."""
        return not self.model.running

    def step(self) -> None:
        """One week of both runs, then the picture takes note of the ties that formed and dissolved."""
        with self._stepping:
            self.model.step()
            self.baseline.step()
        self.view.observe(self.model)

    def is_new_with(self, values: dict[str, Any]) -> bool:
        """Whether this run has not stepped yet and was built with lever ``values``: a new run with
        them would be the same (same seed), so *Reset* has nothing to do."""
        return self.week == 0 and self.values == dict(values)

    def applied(self) -> dict[str, Any]:
        """The lever values the running community was built with (read back from its scenario)."""
        return levers.applied_values(self.model, self.base)

    # ------------------------------------------------------------------ what the room keeps
    def kept_scenario(self):
        """The scenario the room is running, levers applied, at the workshop's size, named apart from the
        scenario it came from (``centre-sud-workshop``), so that running it never writes into that
        scenario's run folders."""
        params = self.model.params
        return params.model_copy(update={"name": f"{params.name}-workshop",
                                         "title": f"{params.title or params.name} (workshop, levers applied)"})

    def file_name(self, suffix: str) -> str:
        """The name a download of this run gets: the scenario kept and the seed, ``centre-sud-workshop-seed0.csv``;
        the name keeps its letters without accents, its digits, ``.``, ``_`` and ``-`` (``Mon quartier / été``
        gives ``Mon-quartier-ete-workshop``)."""
        plain = unicodedata.normalize("NFKD", self.kept_scenario().name).encode("ascii", "ignore").decode()
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-") or "scenario"
        return f"{name}-seed{self.seed}.{suffix}"

    def outcomes_table(self) -> pd.DataFrame:
        """The weekly outcomes the page has shown, from week 0 to the week reached: the community's rows,
        then the baseline's (the same weeks), ``series`` saying which (``community``, ``baseline``), with
        the name of :meth:`kept_scenario` and the seed; the other columns are those of a run's
        ``outcomes.parquet`` (docs/ODD.md §4.11, its codebook)."""
        with self._stepping:
            frames = [model.outcomes() for model in (self.model, self.baseline)]
        name = self.kept_scenario().name
        return pd.concat([frame.assign(scenario=name, seed=self.seed, series=series)
                          [["scenario", "seed", "series", *frame.columns]]
                          for series, frame in zip(("community", "baseline"), frames)], ignore_index=True)

    def outcomes_csv(self) -> str:
        """:meth:`outcomes_table` as CSV (comma-separated, a point before decimals), as a spreadsheet or pandas reads it."""
        return self.outcomes_table().to_csv(index=False)

    def levers_table(self, lang: str) -> pd.DataFrame:
        """The room's levers, one row each as the page names it in ``lang``: the value this run was built
        with and the scenario's own value (numbers as numbers, choices and yes/no as the page writes them)."""
        own = levers.defaults(self.base, self.seed)

        def shown(lever, value):
            return value if lever.kind.startswith("Slider") else levers.display_value(lever, value, lang)

        rows = [(t(f"lever.{lever.name}", lang), shown(lever, self.values.get(lever.name, own[lever.name])),
                 shown(lever, own[lever.name])) for lever in levers.LEVERS]
        return pd.DataFrame(rows, columns=[t(f"keep.{column}", lang) for column in ("lever", "value", "own_value")])

    def outcomes_workbook(self, lang: str = DEFAULT_LANGUAGE) -> bytes:
        """:meth:`outcomes_table` as an Excel workbook, for a spreadsheet in any language: the numbers are
        stored as numbers, so a French spreadsheet shows ``0,123`` where the CSV's ``0.123`` would open as
        text in a single column. Sheet ``outcomes`` holds the table (its first row frozen); sheet
        ``codebook``, each column's unit (amounts in the scenario's currency), range and meaning; sheet
        ``levers``, :meth:`levers_table`. The sheets' names and all but the outcomes' column names (the
        CSV's) are in the page's language ``lang``: a French room reads sheets ``résultats``,
        ``dictionnaire`` and ``leviers``, and the codebook in French."""
        table = self.outcomes_table()
        book = codebook({"": ("workshop", table)}, self.model.params.funding.currency, lang)
        book = book.drop(columns=["file", "final_year"])                                   # one file, weekly
        book.columns = [t(f"keep.codebook.{field}", lang) for field in book.columns]
        sheets = {t(f"keep.sheet.{name}", lang): sheet
                  for name, sheet in (("outcomes", table), ("codebook", book), ("levers", self.levers_table(lang)))}
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as excel:
            for name, sheet in sheets.items():
                sheet.to_excel(excel, sheet_name=name, index=False, freeze_panes=(1, 0))
        return buffer.getvalue()

    def scenario_yaml(self) -> str:
        """The scenario the room is running, levers applied, at the workshop's size, as a scenario file:
        ``caring-community run FILE --seed N`` runs the same community with the same seed to the scenario's
        horizon (its first weeks are those the page showed), and ``--residents`` runs it at another size."""
        params = self.kept_scenario()
        return resolved_scenario_text(
            params, self.seed, params.weeks, self.file_name("yaml"),
            note=f"the workshop's community with its levers, at {self.model.residents.n:,} residents "
                 "(--residents N runs it at another size)")
