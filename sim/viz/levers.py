"""The workshop's levers: what each slider or selector is, and the scenario overrides it makes.

A lever has a name, a widget kind (Mesa SolaraViz's ``model_params`` kinds: ``SliderInt``,
``SliderFloat``, ``Select``, ``Checkbox``), a range, and two functions: ``read`` takes its current
value from a :class:`~sim.scenario.Scenario`, and :func:`to_overrides` turns all lever values into
the dotted scenario keys that :func:`sim.scenario.load_scenario` applies. Nothing here draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .i18n import labelled, number, scenario_name, t

COMPENSATION = ("paid", "volunteer", "timebank", "recognition")
DECISION_RULES = ("institution_led", "majority", "consensus")
SECTORS = ("health_institution", "city", "community", "research", "patients", "citizens")
HORIZON_WEEKS = 520   # the slider's end when no scenario is given (the presets' ten years)


@dataclass(frozen=True)
class Lever:
    """One slider or selector of the page."""

    name: str
    group: str                      # i18n key of the group it is shown in
    kind: str                       # SliderInt | SliderFloat | Select | Checkbox
    read: Callable[[Any], Any]      # its value in a scenario
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)

    @property
    def help_key(self) -> str:
        """The i18n key of the line under the lever (every sector's seats share one but the patients')."""
        if self.name.startswith("seats_") and self.name != "seats_patients":   # patients' seats fill their own way
            return "lever.seats.help"
        return f"lever.{self.name}.help"


def _grant_end(sc) -> int:
    """The week the first funding source stops paying, or the scenario's horizon if it does not stop before."""
    sources = sc.funding.sources
    if not sources or sources[0].end_week is None:
        return sc.weeks
    return min(sc.weeks, int(sources[0].end_week))


LEVERS: tuple[Lever, ...] = (
    Lever("funding_level", "group_funding", "SliderFloat", lambda sc: 1.0, 0.0, 2.0, 0.1),
    Lever("grant_end_week", "group_funding", "SliderInt", _grant_end, 0, HORIZON_WEEKS, 13),
    Lever("comp_patient", "group_funding", "Select", lambda sc: sc.funding.compensation.patient_partner,
          choices=COMPENSATION),
    Lever("comp_citizen", "group_funding", "Select", lambda sc: sc.funding.compensation.citizen_partner,
          choices=COMPENSATION),
    *(Lever(f"seats_{s}", "group_governance", "SliderInt",
            (lambda sc, s=s: int(sc.governance.seats.get(s, 0))), 0, 6, 1) for s in SECTORS),
    Lever("decision_rule", "group_governance", "Select", lambda sc: sc.governance.decision_rule,
          choices=DECISION_RULES),
    Lever("official_status", "group_governance", "Checkbox", lambda sc: bool(sc.governance.partner_official_status)),
    Lever("patient_partners", "group_partners", "SliderInt", lambda sc: int(sc.retention.initial_patient_partners),
          0, 20, 1),
    Lever("citizen_partners", "group_partners", "SliderInt", lambda sc: int(sc.retention.initial_citizen_partners),
          0, 30, 1),
    Lever("buy_in", "group_clinic", "SliderFloat", lambda sc: round(float(sc.clinical.buy_in_mean), 2), 0.0, 1.0, 0.01),
    Lever("seed", "group_run", "SliderInt", lambda sc: 0, 0, 99, 1),
)
BY_NAME = {lever.name: lever for lever in LEVERS}
#: The scenario key each lever sets directly (the funding levers rewrite the funding sources instead).
SCENARIO_KEYS = {"comp_patient": "funding.compensation.patient_partner",
                 "comp_citizen": "funding.compensation.citizen_partner",
                 **{f"seats_{s}": f"governance.seats.{s}" for s in SECTORS},
                 "decision_rule": "governance.decision_rule", "official_status": "governance.partner_official_status",
                 "patient_partners": "retention.initial_patient_partners",
                 "citizen_partners": "retention.initial_citizen_partners", "buy_in": "clinical.buy_in_mean"}
GROUPS = ("group_funding", "group_governance", "group_partners", "group_clinic", "group_run")


def defaults(scenario, seed: int = 0) -> dict[str, Any]:
    """The lever values that reproduce ``scenario`` as it is (and ``seed``)."""
    values = {lever.name: lever.read(scenario) for lever in LEVERS}
    values["seed"] = int(seed)
    return values


def inert(scenario) -> set[str]:
    """The levers that cannot act on ``scenario``: the funding levers without a funding source (the
    funding level also where every source pays 0, which no multiple changes); where
    no programme runs (no stewardship group: the hospital-centred baseline), the numbers of partners,
    their compensation, and the group's seats and decision rule."""
    out = set()
    if not scenario.funding.sources:
        out |= {"funding_level", "grant_end_week"}
    elif not any(src.amount_per_year > 0 for src in scenario.funding.sources):
        out.add("funding_level")
    if not scenario.governance.stewardship_group:
        out |= {"patient_partners", "citizen_partners", "comp_patient", "comp_citizen", "decision_rule",
                *(f"seats_{s}" for s in SECTORS)}
    return out


def to_overrides(values: dict[str, Any], scenario) -> dict[str, Any]:
    """The dotted scenario keys for lever ``values``, relative to the (scaled) ``scenario``.

    A lever left at the value it reads from the scenario changes nothing, so the scenario's own
    values stay exact. The funding level multiplies every source's yearly amount; the grant-end
    lever is the ``end_week`` of the first funding source (the start-up grant in the Centre-Sud
    presets; the page names it). The seed is not a scenario key (see :func:`seed_of`).
    """
    own = defaults(scenario)
    changed = {k for k, v in values.items() if k in own and v != own[k]}
    over: dict[str, Any] = {}
    if changed & {"funding_level", "grant_end_week"} and scenario.funding.sources:
        sources = [src.model_dump() for src in scenario.funding.sources]
        level = float(values.get("funding_level", 1.0))
        for src in sources:
            src["amount_per_year"] = float(src["amount_per_year"]) * level
        if "grant_end_week" in changed:
            sources[0]["end_week"] = max(int(values["grant_end_week"]), sources[0]["start_week"])  # not before it starts
        over["funding.sources"] = sources
    for name in sorted(changed & set(SCENARIO_KEYS)):
        over[SCENARIO_KEYS[name]] = _typed(BY_NAME[name], values[name])
    return over


def _typed(lever: Lever, value: Any) -> Any:
    return {"SliderInt": int, "SliderFloat": float, "Checkbox": bool}.get(lever.kind, str)(value)


def seed_of(values: dict[str, Any]) -> int:
    """The random seed among lever ``values`` (0 where none is given)."""
    return int(values.get("seed", 0))


def display_value(lever: Lever, value: Any, lang: str) -> str:
    """A lever value as the page shows it (choices and yes/no translated, numbers as ``lang`` writes them)."""
    if lever.kind == "Select":
        return t(f"choice.{value}", lang)
    if lever.kind == "Checkbox":
        return t("yes" if value else "no", lang)
    if lever.kind == "SliderFloat":
        return number(float(value), lang, ".2f")
    return str(int(value))


def help_text(lever: Lever, scenario, lang: str) -> str:
    """The line under a lever: what it does, in this scenario (the grant lever names its source)."""
    if lever.name in inert(scenario):
        return t("lever.inert", lang)
    if lever.name == "grant_end_week":
        return t(lever.help_key, lang, source=scenario_name(scenario.funding.sources[0].name, lang), horizon=scenario.weeks)
    return t(lever.help_key, lang)


def model_params(values: dict[str, Any], lang: str, names: tuple[str, ...] | None = None,
                 scenario=None) -> dict[str, dict]:
    """The levers as Mesa SolaraViz ``model_params`` (for :func:`mesa.visualization.solara_viz.UserInputs`).

    Selectors list their translated choices; :func:`from_widget` maps a widget value back. With
    ``scenario``, the grant lever ends at the scenario's horizon (else at :data:`HORIZON_WEEKS`).
    """
    out = {}
    for lever in LEVERS:
        if names is not None and lever.name not in names:
            continue
        value = values[lever.name]
        label = t(f"lever.{lever.name}", lang)
        if lever.kind in ("SliderInt", "SliderFloat"):   # the value stays readable from the back of the room
            label = labelled(label, display_value(lever, value, lang), lang)
        spec: dict[str, Any] = {"type": lever.kind, "label": label}
        if lever.kind == "Select":
            spec["values"] = [t(f"choice.{c}", lang) for c in lever.choices]
            spec["value"] = t(f"choice.{value}", lang)
        else:
            spec["value"] = value
            if lever.kind != "Checkbox":
                top, step = lever.max, lever.step
                if scenario is not None and lever.name == "grant_end_week":
                    top = scenario.weeks
                    # The slider snaps to its steps: a horizon or a grant end off the 13-week grid
                    # (years: 1.3 is 68 weeks) would be changed on load, and "never stops" unreachable.
                    if (top - lever.min) % step or (_grant_end(scenario) - lever.min) % step:
                        step = 1
                spec.update(min=lever.min, max=top, step=step)
        out[lever.name] = spec
    return out


def from_widget(name: str, widget_value: Any, lang: str) -> Any:
    """The lever value for what a widget reports (a translated choice becomes its code)."""
    lever = BY_NAME[name]
    if lever.kind == "Select":
        for code in lever.choices:
            if widget_value in (code, t(f"choice.{code}", lang)):
                return code
        raise ValueError(f"unknown choice {widget_value!r} for lever {name}")
    if lever.kind == "SliderInt":
        return int(widget_value)
    if lever.kind == "SliderFloat":
        return round(float(widget_value), 4)
    return bool(widget_value)


def applied_values(model, base) -> dict[str, Any]:
    """The lever values a running model was built with, read back from its scenario.

    ``base`` is the scenario the levers act on; the funding level is the ratio of the yearly amount
    of the first source that pays something in ``base`` to the base's.
    """
    values = defaults(model.params, seed=model.seed)
    now, then = model.params.funding.sources, base.funding.sources
    paying = next((i for i, src in enumerate(then) if src.amount_per_year > 0 and i < len(now)), None)
    if paying is not None:
        values["funding_level"] = round(now[paying].amount_per_year / then[paying].amount_per_year, 2)
    return values
