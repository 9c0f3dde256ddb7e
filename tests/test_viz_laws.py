"""Laws of the workshop page (``sim/viz``) that a mutation audit found unpinned, checked without a browser.

What the README promises facilitators: each lever sets the scenario parameter it names, and only
that one, within its range; the page starts as ``caring-community viz`` says (Centre-Sud, French,
500 residents, seed 0, port 8765) and the server gets exactly the settings the command was given;
the same seed gives the same curves; every label follows the language, and no two levers, choices
or series share one. The network draws each kind of resident in the README's shape and colour
(clinicians below, organizations above), draws only what it says it draws, and its legend and text
alternative match the picture. The charts draw each run's own values inside their frame, higher
values higher, with the community's latest value in the legend. The page's sidebar shows the
values the running community was built with, flags levers not yet applied, and translates a
selector's choice back to its code.
"""

from __future__ import annotations

import html
import importlib
import os
import re
import socket
from pathlib import Path

import numpy as np
import pytest

import test_viz_units as units
from sim.cli import main
from sim.errors import UserError
from sim.model import CaringCommunity
from sim.network import CARE_TEAM, MUTUAL_AID, PEER_SUPPORT
from sim.population import CARER_PARTNER, CITIZEN_PARTNER, NO_ROLE, PATIENT_PARTNER
from sim.scenario import load_scenario, preset_names
from sim.viz import charts, cli, levers
from sim.viz.i18n import LANGUAGES, STRINGS, scenario_name, t
from sim.viz.network_view import OKABE_ITO, RESIDENT_MARKS, NetworkView, legend_items, legend_swatch
from sim.viz.session import Settings, WorkshopRun, settings_from_env, workshop_scenarios
from test_viz_units import path_area, rendered_controls

scenarios, run, page_module = units.scenarios, units.run, units.page_module   # the same fixtures


# ----------------------------------------------------------------------------- levers
def another_value(lever: levers.Lever, value, scenario):
    """A value the page's widget for ``lever`` can take in ``scenario``, other than ``value``."""
    if lever.kind == "Select":
        return next(c for c in lever.choices if c != value)
    if lever.kind == "Checkbox":
        return not value
    spec = levers.model_params({**levers.defaults(scenario), lever.name: value}, "en", (lever.name,),
                               scenario)[lever.name]
    new = value + spec["step"] if value + spec["step"] <= spec["max"] else value - spec["step"]
    return round(new, 4) if lever.kind == "SliderFloat" else int(new)


@pytest.mark.parametrize("preset", ["centre-sud", "paris-mental-health"])
def test_each_lever_sets_the_parameter_it_names_and_no_other(preset):
    """A lever moved by one step (or to another choice) changes, once applied, the value that lever
    reads back and no other lever's: the compensation of citizen partners is not the patients'."""
    community, _ = workshop_scenarios(preset, 60)
    own = levers.defaults(community, seed=3)
    for lever in levers.LEVERS:
        values = {**own, lever.name: another_value(lever, own[lever.name], community)}
        rebuilt = load_scenario(community, levers.to_overrides(values, community))
        read = levers.defaults(rebuilt, seed=levers.seed_of(values))
        if lever.name == "funding_level":   # every source's yearly amount times the level
            assert [s.amount_per_year for s in rebuilt.funding.sources] == pytest.approx(
                [values["funding_level"] * s.amount_per_year for s in community.funding.sources])
            read["funding_level"] = values["funding_level"]
        assert read == values, (preset, lever.name)


@pytest.mark.parametrize("extra", [{}, {"years": 2}, {"years": 15}])
def test_every_presets_levers_start_within_their_sliders(extra):
    """Each preset's own values, scaled for the workshop or as written (a scenario file of a workshop's
    size is shown as written), lie on its sliders (a scenario shorter than its grant: the grant lever
    reads the horizon, "it does not stop"), and a selector shows one of its choices; a slider's label
    shows its value, as the page writes it, to the back of the room."""
    for name in preset_names():
        for sc in (load_scenario(workshop_scenarios(name, 60)[0], extra), load_scenario(name, extra)):
            _fit_the_sliders(name, extra, sc)


def _fit_the_sliders(name, extra, sc):
    """Every slider and selector of ``sc`` (preset ``name`` with ``extra``) shows its value."""
    for lang in LANGUAGES:
        for lever_name, spec in levers.model_params(levers.defaults(sc), lang, scenario=sc).items():
            if spec["type"] in ("SliderInt", "SliderFloat"):
                assert spec["min"] <= spec["value"] <= spec["max"], (name, extra, lever_name, spec)
                shown = levers.display_value(levers.BY_NAME[lever_name], spec["value"], lang)
                assert spec["label"].endswith(f": {shown}"), (lever_name, spec["label"])
            elif spec["type"] == "Select":
                assert spec["value"] in spec["values"], (name, lever_name, spec)


def test_the_grant_lever_moves_by_13_weeks_and_names_the_scenarios_horizon():
    """README: the grant slider moves by 13 weeks in the presets and ends at the horizon, which its
    help line names as the week the source would stop if it never stops."""
    community, _ = workshop_scenarios("centre-sud", 60)
    spec = levers.model_params(levers.defaults(community), "en", ("grant_end_week",), community)["grant_end_week"]
    assert spec["step"] == 13 and spec["max"] == 520
    long = load_scenario(community, {"years": 15})
    help_line = levers.help_text(levers.BY_NAME["grant_end_week"], long, "en")
    assert "(780 = the end of the scenario" in help_line


def test_selectors_offer_the_pages_language_and_map_back_to_their_codes(scenarios):
    """On the French page the choices are French (not the English ones), each maps back to its code,
    and the selector shows the scenario's own choice."""
    community, _ = scenarios
    values = {**levers.defaults(community), "comp_citizen": "timebank", "decision_rule": "consensus"}
    shown = {lang: levers.model_params(values, lang, scenario=community) for lang in LANGUAGES}
    for lever in levers.LEVERS:
        if lever.kind != "Select":
            continue
        assert shown["fr"][lever.name]["values"] != shown["en"][lever.name]["values"], lever.name
        for lang in LANGUAGES:
            spec = shown[lang][lever.name]
            assert [levers.from_widget(lever.name, v, lang) for v in spec["values"]] == list(lever.choices)
            assert levers.from_widget(lever.name, spec["value"], lang) == values[lever.name], (lang, lever.name)


def test_every_slider_position_and_the_checkbox_map_back_to_themselves():
    """What a slider reports is the lever's value (the buy-in of 0.37 is not 0.4), and the
    checkbox's ticked is True."""
    for lever in levers.LEVERS:
        if lever.kind in ("SliderInt", "SliderFloat"):
            for v in np.arange(lever.min, lever.max + lever.step / 2, lever.step):
                assert levers.from_widget(lever.name, float(v), "fr") == pytest.approx(v), (lever.name, v)
    assert levers.from_widget("official_status", True, "fr") is True
    assert levers.from_widget("official_status", False, "en") is False


def test_a_lever_value_is_shown_in_the_pages_words():
    """The Information card writes a choice and yes/no in the page's language."""
    status, comp = levers.BY_NAME["official_status"], levers.BY_NAME["comp_patient"]
    assert [levers.display_value(status, v, "fr") for v in (True, False)] == ["oui", "non"]
    assert [levers.display_value(status, v, "en") for v in (True, False)] == ["yes", "no"]
    assert levers.display_value(comp, "timebank", "fr") == "banque de temps"


def test_no_two_levers_choices_or_series_share_a_label_and_the_french_page_is_french():
    """A lever labelled with another's name (the citizens' compensation called the patients'), or a
    choice or chart series with another's word, would mislead the room; and every lever's name and
    help line is French on the French page."""
    for lang in LANGUAGES:
        names = [t(f"lever.{lever.name}", lang) for lever in levers.LEVERS]
        assert len(set(names)) == len(names), lang
        choices = [t(f"choice.{c}", lang) for c in levers.COMPENSATION + levers.DECISION_RULES]
        assert len(set(choices)) == len(choices), lang
        for chart in charts.CHARTS:
            series = [t(key, lang) for _, key, _ in chart.series]
            assert len(set(series)) == len(series), (lang, chart.key)
        assert len({t(chart.key, lang) for chart in charts.CHARTS}) == len(charts.CHARTS)
    for lever in levers.LEVERS:
        for key in (f"lever.{lever.name}", lever.help_key):
            assert STRINGS["fr"][key] != STRINGS["en"][key], key


def test_a_place_in_an_organizations_name_is_translated_too():
    assert scenario_name("Seniors' centre (east)", "fr") == "Centre pour aînés (est)"
    assert scenario_name("Seniors' centre (Ahuntsic)", "fr") == "Centre pour aînés (Ahuntsic)"


# ----------------------------------------------------------------------------- settings and command
README_START = Settings(scenario="centre-sud", lang="fr", residents=500, seed=0)


def test_caring_community_viz_alone_serves_centre_sud_in_french_on_port_8765(monkeypatch, capsys):
    """README: ``caring-community viz`` is Centre-Sud, in French, on http://localhost:8765/, at 500
    residents and seed 0; and so is a page served without any ``CC_VIZ_*`` variable."""
    started, listened = [], []
    monkeypatch.setattr("sim.viz.cli.check_can_listen", lambda host, port: listened.append((host, port)))
    monkeypatch.setattr("sim.viz.cli.run_server", lambda cmd, env: started.append(env) or 0)
    assert main(["viz"]) == 0
    assert "http://localhost:8765/" in capsys.readouterr().out and listened == [("localhost", 8765)]
    assert settings_from_env(started[0]) == README_START
    assert settings_from_env({}) == README_START


def test_the_server_gets_the_settings_the_command_was_given():
    env = cli.server_env("paris-mental-health", "en", 300, 7, base={"PYTHONPATH": "/elsewhere"})
    assert settings_from_env(env) == Settings("paris-mental-health", "en", 300, 7)
    assert settings_from_env({**env, "CC_VIZ_DEBUG_MEMORY": "0"}).debug_memory is False
    assert settings_from_env({**env, "CC_VIZ_DEBUG_MEMORY": "1"}).debug_memory is True
    # the server imports this checkout's ``sim`` first, and still finds what was on the path before
    first, *rest = env["PYTHONPATH"].split(os.pathsep)
    assert Path(first, "sim", "viz", "app.py") == cli.APP and rest == ["/elsewhere"]
    assert "--no-open" in cli.server_command("localhost", 8765)   # no browser opened on the server


def test_the_commands_ranges_include_their_ends():
    """README: residents from 50 to 5000, seed 0 to 99; ports 1 to 65535."""
    for residents, port, seed in ((50, 1, 0), (5000, 65535, 99)):
        assert cli.check_arguments("centre-sud", "fr", residents, port, seed) == "centre-sud"
    for residents, port, seed, key in ((49, 80, 0, "--residents"), (5001, 80, 0, "--residents"),
                                       (500, 65536, 0, "--port"), (500, 80, 100, "--seed")):
        with pytest.raises(UserError) as refused:
            cli.check_arguments("centre-sud", "fr", residents, port, seed)
        assert refused.value.key == key


class _Probe:
    """A UDP socket whose interface is ``address`` (what ``room_address`` reads)."""

    address = ""

    def __init__(self, *args):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def connect(self, target):
        pass

    def getsockname(self):
        return (self.address, 40000)


def test_the_room_is_told_this_computers_network_address_never_a_loopback_one(monkeypatch):
    monkeypatch.setattr(socket, "socket", _Probe)
    for address, told in (("192.168.1.23", "192.168.1.23"), ("127.0.1.1", None), ("0.0.0.0", None)):
        monkeypatch.setattr(_Probe, "address", address)
        assert cli.room_address() == told
    ipv6 = cli.announcement("centre-sud", 500, "en", "::", 8765, "10.0.0.5")   # every interface, in IPv6
    assert ipv6[0].endswith("http://localhost:8765/") and "http://10.0.0.5:8765/" in ipv6[1]


# ----------------------------------------------------------------------------- the run
def test_every_presets_baseline_is_its_own_community_without_the_programme():
    """The dashed line: the same population and organizations as the chosen preset, at the same
    size, with no stewardship group, funding or partners (not Centre-Sud's baseline for Paris)."""
    for name in preset_names():
        community, baseline = workshop_scenarios(name, 60)
        assert baseline.population == community.population, name
        assert [o.name for o in baseline.organizations] == [o.name for o in community.organizations], name
        assert not baseline.governance.stewardship_group and not baseline.funding.sources, name
        r = baseline.retention
        assert r.initial_patient_partners == r.initial_carer_partners == r.initial_citizen_partners == 0, name


def test_the_same_seed_gives_the_same_curves_and_another_seed_other_curves(scenarios):
    community, baseline = scenarios
    cols = charts.all_columns()

    def curves(seed):
        r = WorkshopRun(community, baseline, {**levers.defaults(community), "seed": seed})
        for _ in range(8):
            r.step()
        return [charts.columns(m, cols) for m in (r.model, r.baseline)]

    first, again, other = curves(5), curves(5), curves(6)
    for m in (0, 1):   # the community and its baseline
        assert all(np.array_equal(first[m][c], again[m][c], equal_nan=True) for c in cols)
        assert not all(np.array_equal(first[m][c], other[m][c], equal_nan=True) for c in cols)


def test_each_step_of_a_run_shows_the_ties_that_just_dissolved(scenarios):
    """The picture fades out exactly the ties that dissolved in the week just run."""
    community, baseline = scenarios
    r = WorkshopRun(community, baseline, levers.defaults(community))
    ties, dissolved = r.model.ties, 0
    for _ in range(8):
        s = ties.live()
        before = set(zip(ties.a[s].tolist(), ties.b[s].tolist()))
        r.step()
        s = ties.live()
        gone = before - set(zip(ties.a[s].tolist(), ties.b[s].tolist()))
        fading = r.view.ghost_age == 0
        assert set(zip(r.view.ghost_a[fading].tolist(), r.view.ghost_b[fading].tolist())) == gone
        dissolved += len(gone)
    assert dissolved > 0


# ----------------------------------------------------------------------------- the network
RESIDENT_GROUP = re.compile(r'<g class="cc-nodes-(\w+)" fill="([^"]+)" stroke="([^"]+)" stroke-width="([^"]+)" '
                            r'data-shape="(\w+)">(.*?)</g>')


def _classes(model) -> np.ndarray:
    """Each resident's class in the picture: a partner by role, else isolated, else patient or citizen."""
    r = model.residents
    out = np.where(r.isolated, "isolated", np.where(r.is_patient, "patient", "citizen")).astype(object)
    for role, name in ((PATIENT_PARTNER, "patient_partner"), (CARER_PARTNER, "carer_partner"),
                       (CITIZEN_PARTNER, "citizen_partner")):
        out[r.role == role] = name
    return out


def _mark_area(element: str) -> float:
    """The area of a group's first mark (a circle, a square or a path)."""
    if element.startswith("<circle"):
        return np.pi * float(re.search(r' r="([\d.]+)"', element).group(1)) ** 2
    if element.startswith("<rect"):
        return float(re.search(r'width="([\d.]+)"', element).group(1)) ** 2
    return path_area(re.search(r' d="([^"]+)"', element).group(1))


@pytest.fixture
def every_kind(run):
    """The 10-week run's picture with a patient, carer and citizen partner and an isolated partner on show."""
    model = run.model
    role, iso = model.residents.role, model.residents.isolated
    saved = role.copy()
    free = np.flatnonzero((role == NO_ROLE) & ~iso)[:3]
    role[free] = [PATIENT_PARTNER, CARER_PARTNER, CITIZEN_PARTNER]
    role[np.flatnonzero(iso)[0]] = CITIZEN_PARTNER
    try:
        yield model, run.view.svg(model, "en")
    finally:
        role[:] = saved


def test_residents_are_drawn_as_the_readme_says(every_kind):
    """Patients sky-blue dots, citizens grey squares, isolated residents larger vermillion dots
    outlined in black; partners larger still, outlined in black: patient partners blue diamonds,
    carer partners purple triangles, citizen partners green squares; each resident in its class."""
    model, svg = every_kind
    drawn = {m[0]: m[1:] for m in RESIDENT_GROUP.findall(svg)}
    readme = {"patient": ("circle", OKABE_ITO["sky_blue"]), "citizen": ("square", None),
              "isolated": ("circle", OKABE_ITO["vermillion"]), "patient_partner": ("diamond", OKABE_ITO["blue"]),
              "carer_partner": ("triangle", OKABE_ITO["reddish_purple"]),
              "citizen_partner": ("square", OKABE_ITO["bluish_green"])}
    assert set(drawn) == set(readme)
    classes = _classes(model)
    for name, (shape, colour) in readme.items():
        fill, outline, _, drawn_shape, marks = drawn[name]
        assert drawn_shape == shape, name
        if colour:
            assert fill == colour, name
        else:   # grey
            assert fill[1:3] == fill[3:5] == fill[5:7], fill
        assert (outline == "#000000") == (name not in ("patient", "citizen")), name
        assert len(re.findall(r"<(?:circle|rect|path) ", marks)) == (classes == name).sum(), name
    size = {name: _mark_area(drawn[name][4]) for name in readme}
    assert size["isolated"] > max(size["patient"], size["citizen"])
    assert min(size[p] for p in ("patient_partner", "carer_partner", "citizen_partner")) > size["isolated"]
    rings = re.search(f'<g fill="none" stroke="{OKABE_ITO["vermillion"]}"[^>]*>(.*?)</g>', svg).group(1)
    assert rings.count("<circle") == (model.residents.isolated & (model.residents.role != NO_ROLE)).sum() == 1


def test_the_legend_matches_the_picture(every_kind):
    """Each class of resident, clinicians and organizations: the legend's sample has the picture's
    colour and the label of that class."""
    model, svg = every_kind
    fills = {m[0]: m[1] for m in RESIDENT_GROUP.findall(svg)}
    fills["clinician"] = re.search(r'<g class="cc-nodes-clinician" fill="([^"]+)"', svg).group(1)
    fills["organization"] = re.search(r'<g class="cc-nodes-organization".*?fill="([^"]+)"', svg).group(1)
    shown = {shape: (colour, label) for shape, colour, label in legend_items("en")}
    for name in RESIDENT_MARKS:
        assert shown[name] == (fills[name], t(f"leg.{name}", "en")), name
        assert f'fill="{fills[name]}"' in legend_swatch(name, shown[name][0])
    assert shown["square"] == (fills["clinician"], t("leg.clinician", "en"))
    assert shown["diamond"] == (fills["organization"], t("leg.organization", "en"))


def test_clinicians_sit_below_the_residents_and_organizations_above(run):
    pos, n = run.view.layout.pos, run.model.residents.n
    clinicians = [c.node for c in run.model.clinicians]
    orgs = [o.node for o in run.model.organizations]
    # SVG's y grows downwards: the bottom row has the largest y
    assert pos[clinicians, 1].min() > pos[:n, 1].max() > pos[:n, 1].min() > pos[orgs, 1].max()


def test_the_networks_text_alternative_counts_what_the_picture_shows(every_kind):
    model, svg = every_kind
    r = model.residents
    label = html.unescape(re.search(r'aria-label="([^"]*)"', svg).group(1))
    assert label == (f"The mutual-aid network: {r.n} residents, {r.isolated.sum()} of them isolated; "
                     f"{(r.role != NO_ROLE).sum()} partners; 0 new ties this week.")


def test_only_partners_care_team_ties_are_drawn(run):
    """A partner in a clinician's care team is joined to the clinician; a patient is not (legend:
    patients' care-team ties are not drawn)."""
    model = run.model
    ties, partner = model.ties, model.residents.role != NO_ROLE
    s = ties.live((CARE_TEAM,))
    ends = np.r_[ties.a[s], ties.b[s]]
    n = model.residents.n
    assert (ends < n).any()
    with_partner = sum(bool((a < n and partner[a]) or (b < n and partner[b])) for a, b in zip(ties.a[s], ties.b[s]))
    team = re.search(r'<path d="([^"]*)" fill="none" stroke="#000000" stroke-width="1.2"', run.view.svg(model, "en"))
    assert (team.group(1).count("M") if team else 0) == with_partner < len(s)


def test_new_ties_are_drawn_thick_for_two_weeks_but_not_care_or_peer_support(run):
    """A mutual-aid tie formed this week or last is new (thick and black, counted in the text
    alternative); one formed two weeks ago is not, nor a care-team or peer-support tie; nor are
    they counted as new in the sentence a screen reader reads."""
    model, ties = run.model, run.model.ties
    s = ties.live()
    tied = set(zip(ties.a[s].tolist(), ties.b[s].tolist())) | set(zip(ties.b[s].tolist(), ties.a[s].tolist()))
    free = np.flatnonzero(model.residents.role == NO_ROLE)
    pairs = iter([(a, b) for a, b in zip(free[::2].tolist(), free[1::2].tolist()) if (a, b) not in tied])
    clinician = model.clinicians[0].node
    added = []
    for kind, week in ((MUTUAL_AID, model.week), (MUTUAL_AID, model.week - 1), (MUTUAL_AID, model.week - 2),
                       (PEER_SUPPORT, model.week), (CARE_TEAM, model.week)):
        a, b = next(pairs)
        slots, formed = ties.add([a], [clinician if kind == CARE_TEAM else b], kind, 0.6, week)
        assert formed.all()
        added.append(slots)
    try:
        svg = run.view.svg(model, "en")
    finally:
        ties.remove(np.concatenate(added))
    new = re.search(r'<path d="([^"]*)" fill="none" stroke="#000000" stroke-width="2.8"', svg)
    assert new.group(1).count("M") == 2
    assert "; 2 new ties this week." in html.unescape(svg)


def test_dissolved_ties_grow_fainter_week_by_week(scenarios):
    community, _ = scenarios
    model = CaringCommunity(community, rng=5, agent_views=False)
    view = NetworkView(model)
    live = model.ties.live()
    model.ties.remove(live[:3])
    view.observe(model)
    model.ties.remove(live[3:4])
    view.observe(model)      # three ties dissolved last week, one this week
    fading = re.findall(r'<path d="([^"]*)" fill="none" stroke="#666666" stroke-width="1.6" '
                        r'stroke-opacity="([\d.]+)"[^>]*stroke-dasharray="6 5"', view.svg(model, "en"))
    opacity = {d.count("M"): float(o) for d, o in fading}
    assert set(opacity) == {1, 3} and opacity[1] > opacity[3] > 0
    weeks = 0                # README: a dissolved tie fades out over three weeks (the latest one here)
    while re.search(r'stroke="#666666"[^>]*stroke-dasharray="6 5"', view.svg(model, "en")):
        weeks += 1
        view.observe(model)
    assert weeks == 3


def test_a_closed_organization_is_hollow_and_professions_are_named_in_the_pages_language(run):
    org = run.model.organizations[0]
    org.open = False
    try:
        svg = run.view.svg(run.model, "fr")
    finally:
        org.open = True
    fills = re.findall(r'fill="(#\w+)"><title>', svg)
    assert fills[0] == "#FFFFFF" and set(fills[1:]) == {OKABE_ITO["orange"]}
    titles = re.search(r'<g class="cc-nodes-clinician".*?</g>', svg).group(0)
    named = re.findall(r"<title>([^<]*)</title>", titles)
    assert named == [html.escape(t(f"prof.{c.profession}", "fr")) for c in run.model.clinicians]
    assert "médecin" in named


# ----------------------------------------------------------------------------- the charts
ISOLATION = charts.CHARTS[0]
POLYLINE = re.compile(r'<polyline points="([^"]+)"([^>]*)/>')


def _points(svg: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The (x, y) points of each solid line, then of each dashed line, in series order."""
    solid, dashed = [], []
    for points, attributes in POLYLINE.findall(svg):
        xy = np.array([[float(v) for v in p.split(",")] for p in points.split()])
        (dashed if "stroke-dasharray" in attributes else solid).append(xy)
    return solid, dashed


def _isolation_runs(weeks: int = 104):
    rising = np.linspace(0.1, 0.3, weeks + 1)
    community = {"isolated_share_all": rising, "isolated_share_65_alone": np.full(weeks + 1, 0.25)}
    baseline = {"isolated_share_all": np.full(weeks + 1, 0.5), "isolated_share_65_alone": np.full(weeks + 1, 0.6)}
    return community, baseline


def test_each_run_is_drawn_from_its_own_values_inside_the_frame_higher_values_higher():
    community, baseline = _isolation_runs()
    svg = charts.chart_svg(ISOLATION, community, baseline, "en")
    solid, dashed = _points(svg)
    assert len(solid) == len(dashed) == 2
    for line in solid + dashed:
        assert (line[:, 0] >= charts.LEFT).all() and (line[:, 0] <= charts.W - charts.RIGHT).all()
        assert (line[:, 1] >= charts.TOP).all() and (line[:, 1] <= charts.H - charts.BOTTOM).all()
        assert line[-1, 0] == pytest.approx(charts.W - charts.RIGHT)       # the latest week at the right end
    assert (np.diff(solid[0][:, 1]) < 0).all()                           # a rising share climbs
    for i in range(2):                                                   # the baseline's higher shares
        assert (dashed[i][:, 1] < solid[i][:, 1]).all()                  # drawn above the community's
    # markers sit on their own run's line: the baseline's hollow circles at the baseline's height
    marks = re.search(r'data-series="isolated_share_all" data-run="baseline" data-marker="circle" d="([^"]+)"', svg)
    ys = {float(y) for y in re.findall(r"M[-\d.]+ ([-\d.]+)", marks.group(1))}
    assert ys == {dashed[0][0, 1]}


def test_the_legend_and_the_text_alternative_give_each_runs_latest_values():
    community, baseline = _isolation_runs()
    svg = charts.chart_svg(ISOLATION, community, baseline, "en")
    legend = re.findall(r'font-size="20" fill="#000">([^<]*)</text>', svg)
    assert legend == ["all: 30", "65+ living alone: 25"]                 # the community's, this week
    said = html.unescape(re.search(r'aria-label="([^"]*)"', svg).group(1))
    now, before = said.split(t("series.baseline", "en"))
    assert "all: 30, 65+ living alone: 25" in now and "all: 50, 65+ living alone: 60" in before


def test_a_share_axis_ends_at_100_and_its_week_labels_do_not_overlap():
    full = np.linspace(0.5, 1.0, 521)     # ten years, up to everyone
    data = {"isolated_share_all": full, "isolated_share_65_alone": full}
    svg = charts.chart_svg(ISOLATION, data, data, "en")
    ticks = re.findall(r'text-anchor="end" fill="#000">([^<]*)<', svg)
    assert ticks[-1] == "100"
    weeks = [(float(x), label) for x, label in re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="21" '
                                                         r'text-anchor="middle" fill="#000">(\d+)<', svg)]
    assert weeks[0][1] == "0" and len(weeks) >= 3
    for (x1, _), (x2, label) in zip(weeks, weeks[1:]):
        assert x2 - x1 > 0.6 * 21 * len(label), weeks                   # a digit is about 0.6 em wide


def test_chart_values_from_100_up_are_whole():
    assert charts._fmt(1234.4, "en") == "1,234" and charts._fmt(150.6, "fr") == "151"
    assert charts._fmt(12.34, "en") == "12.3"


def test_the_chart_key_names_the_dashed_line_the_baseline():
    for lang in LANGUAGES:
        keys = re.findall(r'<span class="cc-key">(.*?)</span>', charts.series_legend(lang))
        assert len(keys) == 2
        for key in keys:
            dashed = "stroke-dasharray" in key
            assert key.endswith(html.escape(t("series.baseline" if dashed else "series.community", lang)))


# ----------------------------------------------------------------------------- the page
@pytest.fixture(scope="module")
def seeded_page():
    """The page module served with ``--seed 7`` (60 residents, in English)."""
    import sim.viz.app as app

    with pytest.MonkeyPatch.context() as mp:
        for name, value in (("CC_VIZ_RESIDENTS", "60"), ("CC_VIZ_LANG", "en"), ("CC_VIZ_SEED", "7"),
                            ("CC_VIZ_SCENARIO", "centre-sud")):
            mp.setenv(name, value)
        yield importlib.reload(app)


def _render(component):
    import solara

    return solara.render(component, handle_error=False)[1]


def test_the_page_starts_with_the_commands_seed_and_the_information_card_shows_what_runs(seeded_page):
    """``--seed 7`` is the seed lever's value and the first run's; the card lists the values the
    running community was built with, and the yellow notice shows only while a lever differs."""
    import solara

    app = seeded_page
    assert app.DEFAULTS["seed"] == 7
    first = WorkshopRun(app.COMMUNITY, app.BASELINE, app.DEFAULTS)

    def card(pending):
        @solara.component
        def Card():
            app.Information(solara.use_reactive(first), pending, "en")

        rc = _render(Card())
        table = rc.find(attributes={"class": "cc-info"}).widget.unsafe_innerHTML
        shown = dict(re.findall(r'data-lever="(\w+)" data-value="[^"]*"><td>[^<]*</td><td><b>([^<]*)<', table))
        return shown, len(rc.find(attributes={"class": "cc-pending"}).widgets)

    shown, notices = card(dict(app.DEFAULTS))
    assert shown["seed"] == "7" and notices == 0
    shown, notices = card({**app.DEFAULTS, "seed": 8, "official_status": False})
    assert shown["seed"] == "7" and shown["official_status"] == "yes" and notices == 1


def test_a_french_choice_is_kept_as_its_code(seeded_page):
    """On the French page, choosing « banque de temps » sets the lever to ``timebank`` (so Reset can
    build the community with it)."""
    import ipyvuetify as v
    import solara

    app = seeded_page
    pending = solara.reactive(dict(app.DEFAULTS))

    @solara.component
    def Levers():
        app.Levers(pending, "fr")

    rc = _render(Levers())
    select = next(s for s in rc.find(v.Select).widgets if "banque de temps" in s.items and
                  s.label.startswith(t("lever.comp_patient", "fr")))
    select.v_model = "banque de temps"
    assert pending.value["comp_patient"] == "timebank"
    assert load_scenario(app.COMMUNITY, levers.to_overrides(pending.value, app.COMMUNITY)) \
        .funding.compensation.patient_partner == "timebank"


def test_the_week_counter_gives_the_year(seeded_page):
    import solara

    app = seeded_page
    r = WorkshopRun(app.COMMUNITY, app.BASELINE, app.DEFAULTS)
    for _ in range(26):
        r.step()

    @solara.component
    def Counter():
        app.WeekCounter(solara.use_reactive(r), "en")

    shown = _render(Counter()).find(attributes={"class": "cc-week", "data-week": "26"}).widget.unsafe_innerHTML
    assert "Week 26" in shown and "(year 0.5)" in shown


def test_at_the_scenarios_horizon_play_and_step_stop_and_the_page_says_to_reset(page_module, monkeypatch):
    """README: Play stops at the end of the scenario; Play and Step are then greyed out (a click on
    Step runs no further week) and the page says to press Reset. Play's speed starts at 6 weeks a
    second and goes up to 20."""
    import ipyvuetify as v

    short = load_scenario(page_module.COMMUNITY, {"years": 0.1})
    monkeypatch.setattr(page_module, "COMMUNITY", short)
    built = []
    monkeypatch.setattr(page_module, "WorkshopRun",
                        lambda *a, **k: built.append(WorkshopRun(*a, **k)) or built[-1])
    rc = rendered_controls(page_module)
    button = {name: rc.find(v.Btn, class_=name).widget for name in ("cc-play", "cc-step", "cc-reset")}
    speed = rc.find(v.Slider).widget
    assert (speed.v_model, speed.max) == (6, 20)
    assert not button["cc-play"].disabled and not button["cc-step"].disabled
    assert not rc.find(v.Html, class_="cc-end").widgets
    for _ in range(short.weeks + 3):
        button["cc-step"].click()
    assert built[-1].week == short.weeks == 5
    assert button["cc-play"].disabled and button["cc-step"].disabled and not button["cc-reset"].disabled
    assert "Reset" in rc.find(attributes={"class": "cc-pending cc-end"}).widget.unsafe_innerHTML


def test_reset_builds_the_community_with_the_levers_as_set(page_module, monkeypatch):
    """README: levers are applied when you press Reset."""
    import ipyvuetify as v

    built = []
    monkeypatch.setattr(page_module, "WorkshopRun",
                        lambda *a, **k: built.append(WorkshopRun(*a, **k)) or built[-1])
    chosen = {**page_module.DEFAULTS, "seed": 9, "official_status": False, "decision_rule": "consensus"}
    rc = rendered_controls(page_module, levers_set=chosen)
    assert built[-1].applied() == page_module.DEFAULTS            # the page's first run
    rc.find(v.Btn, class_="cc-reset").widget.click()
    assert len(built) == 2 and built[-1].applied() == chosen
