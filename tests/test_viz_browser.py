"""The workshop page in a real browser: Debian's chromium, headless, driven by Playwright.

One server (``caring-community viz`` on a free port) and one browser serve the whole module. Every
page aborts and records any request to a host other than this machine, so a page that needs the
internet fails here; every test also checks that the browser console shows no error.

A missing browser, Playwright or the viz extra is a failure, not a skip (CI installs them all):
set ``CC_SKIP_BROWSER_TESTS=1`` to skip these tests on a machine that cannot run them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import time

import pytest

from sim.viz.browser import CHROMIUM

SKIP_VARIABLE = "CC_SKIP_BROWSER_TESTS"


def missing_requirements() -> list[str]:
    """What this machine lacks to run the browser tests, each with how to install it."""
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append(f"no chromium at {CHROMIUM} (install Debian's: apt-get install chromium; "
                       "never `playwright install`)")
    for module, extra in (("playwright", "test"), ("solara", "viz")):
        if importlib.util.find_spec(module) is None:
            missing.append(f"no Python package '{module}' (pip install -e '.[{extra}]')")
    return missing


MISSING = "; ".join(missing_requirements())
if MISSING and os.environ.get(SKIP_VARIABLE) == "1":
    pytest.skip(f"{SKIP_VARIABLE}=1: {MISSING}", allow_module_level=True)

from sim.viz.browser import RESIDENT_MARKS, launch, new_context, open_page, serve, week_on_page  # noqa: E402

#: Words of the English page that must not show on the French page.
ENGLISH_WORDS = ("scaled", "residents", "Week", "Reset", "Speed", "Levers", "baseline", "weeks")


@pytest.fixture(scope="module", autouse=True)
def requirements():
    """Every test fails, saying what to install, on a machine that cannot run the browser (the rest
    of the suite still runs)."""
    if MISSING:
        pytest.fail(f"the browser tests cannot run: {MISSING}. Set {SKIP_VARIABLE}=1 to skip them.", pytrace=False)


@pytest.fixture(scope="module")
def server_log(tmp_path_factory):
    """What ``caring-community viz`` writes to the facilitator's terminal (stdout and stderr)."""
    return tmp_path_factory.mktemp("viz") / "server.log"


@pytest.fixture(scope="module")
def server(server_log):
    with serve(lang="en", residents=500, log=server_log) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def context(browser):
    """One browser context for the module (its cache makes each new page quick to load)."""
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def page(context, server):
    """A fresh page (a new tab: the server gives it its own model)."""
    page = open_page(context, server)
    yield page
    assert page.external == [], f"requests left this machine: {page.external}"
    assert page.errors == [], f"errors in the browser console: {page.errors}"
    page.close()


def wait_for(predicate, timeout=20.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def applied(page, lever: str) -> str:
    return page.locator(f'.cc-applied[data-lever="{lever}"]').get_attribute("data-value")


def in_viewport(page, selector: str) -> bool:
    """Whether the element is entirely on screen without scrolling."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return (box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= size["width"]
            and box["y"] + box["height"] <= size["height"])


def test_page_loads_offline_then_step_advances_the_week_and_the_charts(page):
    assert week_on_page(page) == 0
    assert page.locator(RESIDENT_MARKS).count() >= 500                     # every resident is drawn
    assert page.locator(".cc-nodes-clinician rect").count() >= 1
    assert page.locator(".cc-nodes-organization path").count() >= 1
    assert page.locator(".cc-legend").inner_text().count("Patient partner") == 1
    assert page.locator("svg.cc-chart").count() == 6
    assert "scaled to 500 residents" in page.locator(".cc-information").inner_text()
    assert "[scaled by" not in page.locator(".cc-information").inner_text()     # the description's own note
    assert page.locator(".cc-reset").inner_text().strip() == "Reset"
    step_advances_the_week_counter_and_the_charts(page)


def step_advances_the_week_counter_and_the_charts(page):
    def points():
        return len(page.locator('svg.cc-chart[data-chart="chart.isolation"] polyline').first
                   .get_attribute("points").split())

    before = points()
    for expected in (1, 2, 3):
        page.click(".cc-step")
        assert wait_for(lambda: week_on_page(page) == expected), f"week counter stuck at {week_on_page(page)}"
    assert wait_for(lambda: points() == before + 3), "the charts did not take the new weeks"
    assert "Week 3" in page.locator(".cc-week").inner_text()


def test_levers_and_reset_change_the_models_parameters(page):
    assert applied(page, "grant_end_week") == "156"
    lever = page.locator(".cc-lever-grant_end_week")
    lever.locator('[role="slider"]').focus()
    page.keyboard.press("ArrowRight")                                      # one step of 13 weeks
    assert wait_for(lambda: "169" in lever.locator(".v-label").inner_text())
    assert applied(page, "grant_end_week") == "156"                        # not applied before Reset
    assert wait_for(lambda: page.locator(".cc-pending").count() == 1)
    page.click(".cc-step")
    assert wait_for(lambda: week_on_page(page) == 1)
    page.click(".cc-reset")
    assert wait_for(lambda: applied(page, "grant_end_week") == "169")
    assert week_on_page(page) == 0
    assert wait_for(lambda: page.locator(".cc-pending").count() == 0)
    # a selector and a checkbox
    page.locator(".cc-lever-decision_rule .v-select__slot").click()
    page.locator(".v-menu__content .v-list-item", has_text="consensus").click()
    page.locator(".cc-lever-official_status .v-input--selection-controls__ripple").click()
    page.click(".cc-reset")
    assert wait_for(lambda: applied(page, "decision_rule") == "consensus")
    assert applied(page, "official_status") == "False"
    assert applied(page, "grant_end_week") == "169"                        # earlier levers still apply


def test_keep_this_run_downloads_the_outcomes_shown_and_a_scenario_that_runs_them_again(page, tmp_path):
    """After a lever and three weeks, the buttons of "Keep this run" give the weekly outcomes of
    the community and its baseline (CSV, and the same in an Excel workbook), and a scenario file that
    runs the room's community again."""
    import pandas as pd

    from sim import CaringCommunity
    from sim.scenario import load_scenario
    from sim.viz.measure_speed import set_speed
    from sim.viz.session import workshop_scenarios

    slider = page.locator(".cc-lever-funding_level [role=slider]")
    slider.focus()
    page.keyboard.press("ArrowRight")                                      # funding level 1.0 -> 1.1
    page.click(".cc-reset")
    assert wait_for(lambda: applied(page, "funding_level") == "1.1")
    for expected in (1, 2, 3):
        page.click(".cc-step")
        assert wait_for(lambda: week_on_page(page) == expected)
    assert page.locator(".cc-download-outcomes").inner_text().strip() == "Outcomes so far (CSV)"

    def download(selector):
        with page.expect_download(timeout=20_000) as info:
            page.click(selector)
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        return path

    outcomes_file, scenario_file = download(".cc-download-outcomes"), download(".cc-download-scenario")
    workbook_file = download(".cc-download-workbook")
    assert outcomes_file.name == "centre-sud-workshop-seed0.csv"
    assert scenario_file.name == "centre-sud-workshop-seed0.yaml"
    assert workbook_file.name == "centre-sud-workshop-seed0.xlsx"
    outcomes = pd.read_csv(outcomes_file)
    pd.testing.assert_frame_equal(pd.read_excel(workbook_file, sheet_name="outcomes"), outcomes, check_dtype=False)
    chosen = pd.read_excel(workbook_file, sheet_name="levers").set_index("Lever")["Value in this run"]
    assert chosen["Funding level (× planned amounts)"] == pytest.approx(1.1)
    assert outcomes.groupby("series")["week"].max().to_dict() == {"baseline": 3, "community": 3}
    scenario = load_scenario(scenario_file)
    model = CaringCommunity(scenario, rng=0, agent_views=False)
    for _ in range(3):
        model.step()
    community = outcomes[outcomes.series == "community"].drop(columns=["scenario", "seed", "series"])
    pd.testing.assert_frame_equal(community.reset_index(drop=True), model.outcomes(), check_dtype=False)
    preset = workshop_scenarios("centre-sud", 500)[0]                    # what the page starts from
    assert scenario.funding.sources[0].amount_per_year == pytest.approx(1.1 * preset.funding.sources[0].amount_per_year)
    set_speed(page, 20)                                                    # a click while Play redraws the page
    page.click(".cc-play")                                                 # 20 times a second gives every week
    assert wait_for(lambda: week_on_page(page) >= 6)                       # so far, of both runs
    playing = pd.read_csv(download(".cc-download-outcomes"))
    page.click(".cc-play")
    weeks = playing.groupby("series")["week"].apply(list).to_dict()
    assert weeks["community"] == weeks["baseline"] == list(range(len(weeks["community"])))
    assert len(weeks["community"]) >= 7
    page.locator(".cc-lang .v-btn", has_text="FR").click()                 # the levers sheet follows the page
    assert wait_for(lambda: "Excel" in page.locator(".cc-download-workbook").inner_text()
                    and "Résultats" in page.locator(".cc-download-workbook").inner_text())
    french = pd.read_excel(download(".cc-download-workbook"), sheet_name=None)
    assert list(french) == ["résultats", "dictionnaire", "leviers"]
    chosen = french["leviers"]
    assert chosen.columns[0] == "Levier" and "Niveau de financement (× montants prévus)" in set(chosen["Levier"])
    assert french["dictionnaire"].columns[-1] == "signification"


def test_the_speed_measurement_plays_the_page_and_counts_every_resident(browser, server):
    """``python -m sim.viz.measure_speed`` (the README's figures) on this server: it sees the weeks Play
    shows and every resident drawn, whatever its mark (it once counted the round ones only)."""
    from sim import CaringCommunity
    from sim.viz.measure_speed import measure_in
    from sim.viz.session import workshop_scenarios

    result = measure_in(browser, server, seconds=1.5, speed=10, warmup=0.5)
    residents = CaringCommunity(workshop_scenarios("centre-sud", 500)[0], rng=0, agent_views=False).residents.n
    assert result["residents_drawn"] == residents
    assert result["weeks_advanced"] >= 2 and result["weeks_per_second"] > 0
    assert result["console_errors"] == [] and result["external_requests"] == []


def test_play_advances_and_pause_stops(page):
    page.click(".cc-play")
    assert wait_for(lambda: week_on_page(page) >= 3, timeout=20), "Play did not advance the weeks"
    assert page.locator(".cc-step").is_disabled()
    page.locator(".cc-lang .v-btn", has_text="FR").click()                 # while playing
    assert wait_for(lambda: page.locator(".cc-play").inner_text().strip() == "Pause")
    moving = week_on_page(page)
    assert wait_for(lambda: week_on_page(page) > moving + 2), "Play stopped after switching language"
    page.click(".cc-play")                                                 # Pause
    assert wait_for(lambda: not page.locator(".cc-step").is_disabled())
    assert page.locator(".cc-error").count() == 0
    time.sleep(0.5)
    stopped = week_on_page(page)
    time.sleep(1.0)
    assert week_on_page(page) == stopped


def test_play_stops_at_the_end_of_the_scenario(browser, tmp_path):
    """A scenario file of five weeks: Play runs to its horizon and stops there, Play and Step are
    disabled, and the page says how to start again."""
    short = tmp_path / "five-weeks.yaml"
    short.write_text("extends: centre-sud\nyears: 0.1\n")
    with serve(scenario=str(short), lang="en", residents=60, log=tmp_path / "server.log") as url:
        context = new_context(browser)
        page = open_page(context, url)
        try:
            page.click(".cc-play")
            assert wait_for(lambda: page.locator(".cc-play").inner_text().strip() == "Play" and week_on_page(page) == 5,
                            timeout=30), f"week {week_on_page(page)}, button {page.locator('.cc-play').inner_text()!r}"
            assert page.locator(".cc-step").is_disabled() and page.locator(".cc-play").is_disabled()
            assert "End of the scenario (0.1 years)" in page.locator(".cc-end").inner_text()
            time.sleep(1.0)
            assert week_on_page(page) == 5
            page.click(".cc-reset")
            assert wait_for(lambda: week_on_page(page) == 0 and not page.locator(".cc-step").is_disabled()
                            and not page.locator(".cc-play").is_disabled())
            assert page.errors == [] and page.external == []
        finally:
            page.close()
            context.close()


def live_models(page) -> int:
    """How many models the server holds (the page's hidden ``.cc-debug-memory`` element, served with
    ``CC_VIZ_DEBUG_MEMORY=1``)."""
    return int(page.locator(".cc-debug-memory").get_attribute("data-models"))


def test_reset_releases_the_old_runs(browser, tmp_path):
    """A facilitator resets for hours: after each Reset the server holds the new run only (its
    community and baseline), not the page's first run nor the runs before (a server of its own, so
    that other tests' pages are not counted)."""
    with serve(lang="en", residents=60, log=tmp_path / "server.log", env={"CC_VIZ_DEBUG_MEMORY": "1"}) as url:
        page = open_page(browser, url)
        try:
            assert wait_for(lambda: live_models(page) == 2)
            for _ in range(4):
                page.click(".cc-step")
                assert wait_for(lambda: week_on_page(page) == 1)
                page.click(".cc-reset")
                assert wait_for(lambda: week_on_page(page) == 0)
            page.click(".cc-step")
            assert wait_for(lambda: week_on_page(page) == 1)
            assert wait_for(lambda: live_models(page) == 2, timeout=10), \
                f"{live_models(page)} models on the server after 4 resets, expected 2 (the current run)"
            assert page.errors == [] and page.external == []
        finally:
            page.context.close()


def test_switching_language_changes_the_labels(page):
    assert page.locator(".cc-controls .v-card__title").inner_text().strip() == "Controls"
    assert wait_for(lambda: page.evaluate("document.documentElement.lang") == "en")
    page.locator(".cc-lang .v-btn", has_text="FR").click()
    assert wait_for(lambda: page.locator(".cc-controls .v-card__title").inner_text().strip() == "Commandes")
    assert wait_for(lambda: page.evaluate("document.documentElement.lang") == "fr")   # no offer to translate
    checks = {
        ".cc-reset": "Réinitialiser",
        ".cc-week": "Semaine 0",
        ".cc-legend": "Patient partenaire",
        ".cc-lever-grant_end_week": "Fin du premier financement",
        ".cc-charts-card": "Isolement (% des résidents)",
        ".cc-information": "ramené à 500 résidents",
        ".cc-network-card": "ramené à 500 résidents",
        ".cc-year": "(année 0,0)",                                         # French decimals
        ".cc-speed": "Vitesse (semaines par seconde)\u00a0: 6",            # no-break space before the colon
    }
    for selector, text in checks.items():
        assert wait_for(lambda: text in page.locator(selector).inner_text()), \
            f"{selector} shows {page.locator(selector).inner_text()!r}"
    slider = page.locator(".cc-lever-funding_level [role=slider]")
    slider.focus()                                                     # as when dragging: Vuetify's
    page.keyboard.press("ArrowRight")                                  # thumb label would say "1.1"
    assert wait_for(lambda: "1,10" in page.locator(".cc-lever-funding_level .v-label").inner_text())
    french = page.locator("body").inner_text()
    english = [w for w in ENGLISH_WORDS if re.search(rf"\b{w}\b", french)]
    assert english == [], f"English words on the French page: {english}"
    decimals = re.findall(r"\d\.\d", french)
    assert decimals == [], f"numbers with a decimal point on the French page: {decimals}"
    page.locator(".cc-lang .v-btn", has_text="EN").click()
    assert wait_for(lambda: page.locator(".cc-reset").inner_text().strip() == "Reset")


def test_the_facilitators_terminal_shows_no_warning_once_pages_are_open(page, server_log):
    """The server, visited at 127.0.0.1 as a laptop in the room visits it at this machine's address,
    prints its address and nothing that would alarm the facilitator (Solara's cookie warning, a
    traceback)."""
    page.click(".cc-step")
    assert wait_for(lambda: week_on_page(page) == 1)
    log = server_log.read_text()
    assert "Traceback" not in log and "Warning" not in log, log


def pending_shown(page) -> bool:
    return page.locator(".cc-pending").count() == 1


def test_two_pages_keep_separate_models(browser, server, page):
    other = open_page(browser, server)                                     # another browser (own context)
    try:
        for expected in (1, 2):
            page.click(".cc-step")
            assert wait_for(lambda: week_on_page(page) == expected)
        time.sleep(0.5)
        assert week_on_page(other) == 0                                    # the first page's steps stayed there
        lever = other.locator(".cc-lever-patient_partners")
        lever.locator('[role="slider"]').focus()
        other.keyboard.press("ArrowRight")
        assert wait_for(lambda: pending_shown(other))
        time.sleep(0.5)
        assert not pending_shown(page)                                     # the second page's change stayed there
        other.click(".cc-reset")
        assert wait_for(lambda: applied(other, "patient_partners") == "2")
        assert wait_for(lambda: not pending_shown(other))
        other.click(".cc-step")
        assert wait_for(lambda: week_on_page(other) == 1)
        time.sleep(0.5)
        assert week_on_page(page) == 2                                     # the second page's reset and step too
        assert applied(page, "patient_partners") == "1"
        assert not pending_shown(page)
        assert other.external == [] and other.errors == []
    finally:
        other.context.close()


@pytest.mark.parametrize("lang, scaled, width, height", [("en", "scaled to 500 residents", 1280, 720),
                                                          ("fr", "ramené à 500 résidents", 1280, 720),
                                                          ("fr", "ramené à 500 résidents", 1024, 768)],
                         ids=["en", "fr", "fr-1024x768"])
def test_a_projector_shows_the_scaling_the_network_and_two_charts(browser, server, lang, scaled, width, height):
    small = open_page(browser, server, width=width, height=height)
    try:
        if lang != "en":
            small.locator(".cc-lang .v-btn", has_text=lang.upper()).click()
        subtitle = ".cc-network-card .v-card__subtitle"
        assert wait_for(lambda: scaled in small.locator(subtitle).inner_text()), small.locator(subtitle).inner_text()
        time.sleep(0.5)                                                    # the new labels' layout
        for selector in (subtitle, ".cc-week", ".cc-play", ".cc-network svg",
                         'svg.cc-chart >> nth=0', 'svg.cc-chart >> nth=1'):
            assert in_viewport(small, selector), f"{selector} is not visible without scrolling at {width}x{height}"
        # the sidebar takes no more room than its controls need (Solara's drawer is 400 px at least)
        drawer = small.locator(".v-navigation-drawer").bounding_box()
        sidebar = small.locator(".cc-sidebar").bounding_box()
        strip = drawer["x"] + drawer["width"] - (sidebar["x"] + sidebar["width"])
        assert strip <= 14, f"an empty strip of {strip:.0f} px beside the sidebar at {width}x{height}"
        chart = small.locator('svg.cc-chart >> nth=0').bounding_box()
        assert chart["width"] >= 270, f"charts only {chart['width']:.0f} px wide at {width}x{height}"
        card = small.locator(".cc-keep").bounding_box()
        for button in (".cc-download-outcomes", ".cc-download-workbook", ".cc-download-scenario"):   # labels wrap
            box = small.locator(button).bounding_box()
            assert box["x"] + box["width"] <= card["x"] + card["width"], f"{button} runs out of its card"
            assert small.locator(button).evaluate("e => e.scrollWidth <= e.clientWidth"), f"{button}'s label overflows"
        lines = small.locator(".cc-keep .cc-command").evaluate_all("es => es.map(e => e.getClientRects().length)")
        assert lines == [1, 1], f"the command in the help breaks at a hyphen: {lines}"   # caring-|community, --|seed
        assert small.external == [] and small.errors == []
    finally:
        small.context.close()


#: Whether the focused element shows a focus ring at least 2 px thick: on itself, on a slider's thumb,
#: or on the box of a checkbox or selector whose own input is hidden.
FOCUS_RING = """() => { const e = document.activeElement; const ringed = [e, ...e.querySelectorAll('.v-slider__thumb')];
  for (let n = e.parentElement, i = 0; n && i < 3; n = n.parentElement, i++) ringed.push(n);
  return ringed.some(n => { const s = getComputedStyle(n);
    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && n.getBoundingClientRect().width > 4; }); }"""


def test_keyboard_focus_names_and_text_alternatives(page):
    """Every control reached with Tab shows a focus ring; the ☰ button and the language buttons have
    names in the page's language; the network and the charts say what they show in words; a
    greyed-out button stays readable; with reduced motion, Vuetify's transitions are off."""
    unringed = []
    focused = []
    for _ in range(26):                    # Reset … the seed's slider, the three downloads, ☰, FR, EN
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.className"))
        if not page.evaluate(FOCUS_RING):
            unringed.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    assert sum("cc-download" in c for c in focused) == 3, focused   # every download is reached by keyboard
    assert unringed == [], f"focused without a visible ring: {unringed}"
    menu = page.locator(".v-app-bar__nav-icon")
    assert wait_for(lambda: menu.get_attribute("aria-label") == "Show or hide the controls and levers")
    assert page.locator('.cc-lang .v-btn[aria-pressed="true"]').inner_text().strip() == "EN"
    assert "of them isolated" in page.locator(".cc-network svg").get_attribute("aria-label")
    chart = page.locator('svg.cc-chart[data-chart="chart.isolation"]').get_attribute("aria-label")
    assert chart.startswith("Isolation (% of residents). caring community: all: ") and "baseline" in chart
    page.locator(".cc-lang .v-btn", has_text="FR").click()
    assert wait_for(lambda: menu.get_attribute("aria-label") == "Afficher ou masquer les commandes et les leviers")
    assert page.locator('.cc-lang .v-btn[aria-pressed="true"]').get_attribute("aria-label") == "Français"
    page.click(".cc-play")                                                 # Step is greyed out while playing
    assert wait_for(lambda: page.locator(".cc-step").is_disabled())
    alpha = page.locator(".cc-step").evaluate("e => getComputedStyle(e).color.match(/[\\d.]+/g).map(Number)")
    page.click(".cc-play")
    assert len(alpha) == 4 and alpha[3] >= 0.6, f"a greyed-out button's text is rgba{tuple(alpha)}: too faint"
    page.emulate_media(reduced_motion="reduce")
    assert page.locator(".cc-reset").evaluate("e => getComputedStyle(e).transitionDuration") in ("0s", "0s, 0s")


#: Which of eight points of a mark's box the browser fills: its corners inset by a tenth, then by a fifth
#: of the box. A trait of the drawn shape alone, whatever its size or colour: a square fills all
#: eight, a circle the inner four, a triangle (point up) its lower corners, a diamond none.
FILLED = """e => { const b = e.getBBox();
  return [0.1, 0.2].flatMap(i => [[i, i], [1 - i, i], [i, 1 - i], [1 - i, 1 - i]])
    .map(([u, v]) => e.isPointInFill(new DOMPoint(b.x + u * b.width, b.y + v * b.height)) ? 1 : 0).join(''); }"""


def test_kinds_of_residents_and_chart_series_differ_in_shape_on_screen(page):
    """WCAG 1.4.1 in the rendered page: patients and citizens in the network, each kind of resident in
    the legend (as in the network), and the four engagement-level lines of the charts are drawn in
    shapes the browser fills differently, not only in different colours."""
    def filled(selector: str) -> str:
        return page.locator(selector).first.evaluate(FILLED)

    patient, citizen = filled(".cc-network .cc-nodes-patient > *"), filled(".cc-network .cc-nodes-citizen > *")
    assert patient != citizen, f"patients and citizens drawn in the same shape ({patient})"
    legend = page.evaluate(f"""() => Object.fromEntries([...document.querySelectorAll('.cc-legend span')]
        .filter(s => s.querySelector('g[data-shape]'))
        .map(s => [s.innerText.trim(), ({FILLED})(s.querySelector('g[data-shape] > *'))]))""")
    assert (legend["Patient"], legend["Citizen"]) == (patient, citizen), legend
    assert len({legend[k] for k in ("Patient partner", "Carer partner", "Citizen partner")}) == 3, legend
    engagement = 'svg.cc-chart[data-chart="chart.engagement"]'
    samples = page.locator(f'{engagement} path.cc-marks[data-run="legend"]')
    assert samples.count() == 4 and len({samples.nth(i).evaluate(FILLED) for i in range(4)}) == 4
    lines = page.locator(f'{engagement} path.cc-marks[data-run="community"]')
    assert [lines.nth(i).get_attribute("data-marker") for i in range(lines.count())] == \
        [samples.nth(i).get_attribute("data-marker") for i in range(4)]


def gliding(page) -> int:
    """How many residents the network picture shows on their way to their first ties."""
    return int(page.locator(".cc-network svg").get_attribute("data-gliding"))


def test_with_reduced_motion_residents_move_to_their_first_ties_at_once(browser, server, page):
    """The network is drawn on the server: a browser asking for reduced motion tells it so, and on
    that page alone a resident who makes a first tie is in their new place the same week (no one is
    ever seen on their way), while on the other page they glide there over several weeks. Switched
    on while a resident glides, the setting takes them there at the next step."""
    page.click(".cc-play")
    assert wait_for(lambda: gliding(page) > 0, timeout=90), "no resident glided to a first tie"
    page.click(".cc-play")                                                 # Pause
    assert wait_for(lambda: not page.locator(".cc-step").is_disabled())
    week = week_on_page(page)
    assert gliding(page) > 0                                               # still on their way
    context = new_context(browser)
    try:
        still = open_page(context, server, reduced_motion="reduce")        # asked before the page loads
        for expected in range(1, week + 1):
            still.click(".cc-step")
            assert wait_for(lambda: week_on_page(still) == expected)
            assert gliding(still) == 0, f"a resident is on their way in week {expected} with reduced motion"
        assert still.external == [] and still.errors == []
    finally:
        context.close()
    page.emulate_media(reduced_motion="reduce")                            # switched on mid-glide
    page.click(".cc-step")
    assert wait_for(lambda: week_on_page(page) == week + 1)
    assert wait_for(lambda: gliding(page) == 0), "the setting, switched on, did not reach the server"


def test_at_200_percent_zoom_the_sidebar_leaves_its_button_visible_and_the_page_reflows(browser, server):
    """1280×720 at 200 % zoom is 640×360 CSS pixels: the sidebar then slides over the page; it must
    not cover its own ☰ button, and once hidden the network takes the page's width."""
    context = browser.new_context(viewport={"width": 640, "height": 360}, device_scale_factor=2)
    zoomed = open_page(context, server)
    try:
        button = zoomed.locator(".v-app-bar__nav-icon")
        assert button.evaluate("b => { const r = b.getBoundingClientRect();"
                               " return b.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }"), \
            "the sidebar covers the ☰ button"
        button.click()
        assert wait_for(lambda: "--open" not in zoomed.locator(".v-navigation-drawer").get_attribute("class"))
        assert wait_for(lambda: zoomed.locator(".cc-network svg").bounding_box()["width"] >= 500)
        assert zoomed.evaluate("document.documentElement.scrollWidth") <= 640        # nothing wider than the screen
        assert zoomed.external == [] and zoomed.errors == []
    finally:
        context.close()
