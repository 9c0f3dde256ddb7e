"""The workshop page: a live caring community with levers, in French and English.

Built on Mesa's SolaraViz: the same layout (an app bar, a sidebar with controls, model parameters
and information cards, the views beside), Mesa's ``UserInputs`` for the levers (given as SolaraViz
``model_params``) and Mesa's ``update_counter``/``force_update`` to redraw after each step. The
SolaraViz component itself is not used because its own labels are English only and it shares one
model instance; here every browser that connects gets its own :class:`~sim.viz.session.WorkshopRun`
(its own model and baseline), and every word comes from :mod:`sim.viz.i18n`.

Run it with ``caring-community viz`` (or ``solara run sim/viz/app.py``). Nothing of the model lives
here: the levers are in :mod:`sim.viz.levers`, the picture in :mod:`sim.viz.network_view` and
:mod:`sim.viz.charts`.
"""

from __future__ import annotations

import html
import threading
import time
import traceback
import warnings
from typing import Callable

import solara
import solara.lab
warnings.filterwarnings("ignore", message=".*ComponentsView: `use_state` found", category=UserWarning)
# Served over http to the room's laptops (--host 0.0.0.0), Solara warns on the first visit that its
# session cookie falls back to SameSite=Lax, with advice about https and iframes: nothing to do
# for a workshop page, and a screen of text in the facilitator's terminal.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)
from mesa.visualization.solara_viz import UserInputs  # noqa: E402
from mesa.visualization.utils import force_update, update_counter  # noqa: E402

from sim.scenario import load_scenario, preset_names  # noqa: E402
from sim.viz import charts, levers  # noqa: E402
from sim.viz.i18n import LANGUAGES, duration_in_years, labelled, t  # noqa: E402
from sim.viz.network_view import legend_items, legend_swatch  # noqa: E402
from sim.viz.session import WorkshopRun, live_models, settings_from_env, workshop_scenarios  # noqa: E402

SETTINGS = settings_from_env()
COMMUNITY, BASELINE = workshop_scenarios(SETTINGS.scenario, SETTINGS.residents)
DEFAULTS = levers.defaults(COMMUNITY, SETTINGS.seed)
SCALE = COMMUNITY.population.n_residents / load_scenario(SETTINGS.scenario).population.n_residents
CHART_COLUMNS = charts.all_columns()
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Large type and strong contrast for a projector.
CSS = """
html { font-size: 19px !important; }
.v-application { color: #000 !important; }
.v-application .v-card__text, .v-application .v-card__subtitle, .cc-info { color: #000 !important; }
.v-application .v-card__subtitle { font-size: 1rem; }
.v-application .v-card__title { font-size: 1.45rem !important; font-weight: 700; color: #000; word-break: normal; }
.v-application .v-label { font-size: 1.05rem !important; color: #000 !important; opacity: 1 !important; }
.cc-network-card .v-card__subtitle { font-weight: 700; padding-bottom: 4px; }   /* "scaled to N residents" */
.v-application .v-btn { font-size: 1.05rem !important; font-weight: 700; letter-spacing: 0; text-transform: none; }
.v-application .v-input--selection-controls { margin-top: 4px; }
.v-slider__thumb-label, .v-slider .v-label { white-space: normal; }
/* Vuetify's bubble over a dragged slider writes the raw value ("1.3" on the French page) and covers
   the label, which already shows the value as the page's language writes it. */
.cc-lever .v-slider__thumb-label-container { display: none !important; }
.v-application .v-input__control .v-slider + .v-messages, .v-application .v-select__selection { color: #000 !important; }
.cc-sidebar { width: 440px; }
@media (max-width: 1500px) { .cc-sidebar { width: 340px; } html { font-size: 17px !important; } }
@media (max-width: 1100px) { .cc-sidebar { width: 290px; } }
/* Solara's drawer is at least 400 px wide: as wide as the sidebar instead, so no empty strip beside it. */
.v-navigation-drawer { min-width: 0 !important; }
.v-toolbar__title { font-size: 1.6rem !important; font-weight: 700; }
.cc-week { font-size: 2.3rem; font-weight: 800; line-height: 1.2; margin: 6px 0; color: #000; }
.cc-week .cc-year { font-size: 1.1rem; font-weight: 400; margin-left: 12px; display: inline-block; white-space: nowrap; }
.cc-help { font-size: 0.9rem; color: #222; margin: 0 0 12px 0; line-height: 1.25; }
.cc-lever .v-input__slot { flex-wrap: wrap; }
.cc-lever .v-input__slot > .v-label { flex: 0 0 100%; max-width: 100%; height: auto !important; margin-bottom: 2px; }
.cc-lever .v-input { margin-top: 0; }
/* A selector's label the same size as a slider's: above the field, not shrunk as Vuetify floats it. */
.cc-lever .v-select .v-select__slot { display: grid; grid-template-columns: minmax(0, 1fr) auto; align-items: center; }
.cc-lever .v-select .v-select__slot > .v-label { position: static !important; transform: none !important;
  grid-column: 1 / -1; max-width: 100%; height: auto !important; white-space: normal; line-height: 1.3;
  margin-bottom: 2px; }
.cc-lever .v-select.v-text-field { padding-top: 0; margin-top: 0; }
.cc-lever .v-select__selection { font-size: 1.1rem; font-weight: 700; }
.cc-group { font-size: 1.2rem; font-weight: 800; margin: 10px 0 6px 0; border-bottom: 2px solid #000; }
.cc-inert { font-size: 1.05rem; color: #555; margin-top: 8px; }   /* a lever that cannot act here */
.cc-pending { background: #F0E442; color: #000; padding: 6px 10px; font-weight: 700; margin: 6px 0; }
.cc-info p { margin: 4px 0; font-size: 1rem; }
.cc-applied-table td { padding: 1px 8px 1px 0; font-size: 0.95rem; vertical-align: top; }
.cc-legend { display: flex; flex-wrap: wrap; gap: 6px 22px; font-size: 1.05rem; margin-top: 8px; color: #000; }
.cc-legend span { display: inline-flex; align-items: center; gap: 6px; }
.cc-note { font-size: 0.95rem; color: #222; margin-top: 6px; }
.cc-keys { display: flex; flex-wrap: wrap; gap: 8px 28px; font-size: 1.1rem; margin-bottom: 6px; color: #000; }
.cc-key { display: inline-flex; align-items: center; gap: 8px; }
/* The network beside the charts; below 1500 px wide the charts go one per row, wide and low, so
   that at 1280×720 the network and two charts show without scrolling. */
.cc-main { display: grid; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); gap: 12px; align-items: start; }
.cc-main > .v-card { margin: 0 !important; }
.cc-main .v-card__title { padding-bottom: 4px; }
.cc-main .v-card__title + .v-card__subtitle { margin-top: 0; }
.cc-charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px 10px; }
@media (max-width: 1500px) {
  .cc-main { grid-template-columns: minmax(0, 1.25fr) minmax(0, 1fr); }
  .cc-charts { grid-template-columns: minmax(0, 1fr); }
  .cc-main .v-card__title { font-size: 1.25rem !important; line-height: 1.3; }
  .cc-main .v-card__text, .cc-main .v-card__subtitle { padding-left: 12px; padding-right: 12px; }
  .cc-keys { font-size: 1rem; gap: 2px 18px; }
}
.cc-lang .v-btn { font-size: 1.2rem !important; min-width: 64px !important; }
/* A download's label wraps in a narrow sidebar rather than running out of its button. */
.cc-keep .v-btn { height: auto !important; min-height: 40px; padding: 6px 12px !important; max-width: 100%; }
.cc-command { white-space: nowrap; }   /* a command in a help text breaks between its words, never at a hyphen */
.cc-keep .v-btn__content { white-space: normal; flex: 1 1 auto; justify-content: flex-start; text-align: left; line-height: 1.25; }
/* Accessibility. A thick focus ring for the keyboard (Vuetify's own is a faint tint): black on the
   white sidebar and page, white on the blue app bar; a checkbox's and a selector's input are hidden or
   small, so their box is ringed. */
.v-application :focus-visible { outline: 3px solid #000 !important; outline-offset: 2px; }
.v-application .v-app-bar :focus-visible { outline-color: #FFF !important; outline-offset: -5px; }
.v-application input:focus-visible, .v-application .v-slider__thumb-container:focus-visible { outline: none !important; }
.v-application .v-slider__thumb-container:focus-visible .v-slider__thumb { outline: 3px solid #000 !important; outline-offset: 3px; }
.v-application .v-input__slot:has(input:focus-visible),
.v-application .v-input--selection-controls__input:has(input:focus-visible) { outline: 3px solid #000; outline-offset: 2px; }
/* A greyed-out button still readable (Vuetify's is 1.9:1, here 5:1), and still unlike a blue one. */
.v-application .v-btn.v-btn--disabled.theme--light { color: rgba(0, 0, 0, 0.62) !important; }
/* At 200 % zoom (the page is then under 960 px wide) the sidebar slides over the page: below the app
   bar, so that its ☰ button stays visible to close it; under 800 px the network and the charts go one
   below the other, and the title may take two lines. */
.v-navigation-drawer--is-mobile { top: 56px !important; max-height: calc(100% - 56px) !important; }
.v-application .v-app-bar.v-app-bar--fixed { z-index: 7 !important; }   /* above the sliding sidebar's shade */
@media (max-width: 800px) {
  .cc-main { grid-template-columns: minmax(0, 1fr); }
  .v-toolbar__title { white-space: normal !important; font-size: 1.1rem !important; line-height: 1.2; }
}
@media (prefers-reduced-motion: reduce) {
  .v-application *, .v-application *::before, .v-application *::after {
    transition-duration: 0s !important; animation-duration: 0s !important; animation-iteration-count: 1 !important; }
}
"""


def scaled_sentence(lang: str) -> str:
    """The page saying that the preset (or the scenario file) was scaled down to a workshop-sized
    community, and by how much."""
    key = "scaled" if SETTINGS.scenario in preset_names() else "scaled_file"
    return t(key, lang, name=COMMUNITY.name, n=COMMUNITY.population.n_residents, factor=SCALE)


def _error_text(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}"


def _page_watcher():
    """A function telling whether this browser page is still connected (Play stops when it is gone,
    so a closed laptop does not keep a simulation running on the server)."""
    try:
        from solara.server import kernel_context

        context = kernel_context.get_current_context()
        connected = kernel_context.PageStatus.CONNECTED
    except Exception:  # not served by solara (e.g. a notebook): assume it stays open
        return lambda: True

    def page_open() -> bool:
        return not context.closed_event.is_set() and connected in list(context.page_status.values())

    return page_open


@solara.component
def WeekCounter(run: solara.Reactive, lang: str):
    """The week counter, large."""
    update_counter.get()
    week = run.value.week
    solara.HTML(tag="div", classes=["cc-week"], unsafe_innerHTML=(
        f'<span class="cc-week-text">{html.escape(t("week", lang, week=week))}</span>'
        f'<span class="cc-year">({html.escape(t("year", lang, year=week / 52))})</span>'),
        attributes={"data-week": str(week)})


@solara.component
def Controller(run: solara.Reactive, pending: solara.Reactive, reduced_motion: solara.Reactive, lang: str):
    """Reset, Play/Pause, Step, the week counter and the speed of Play (*Reset* keeps the browser's
    ``reduced_motion`` for the new run's picture). Redrawn each week, so that Play and Step are
    greyed out as soon as the run reaches its horizon, by Play or by Step."""
    update_counter.get()
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(6)
    error = solara.use_reactive(None)

    # One Play loop at a time, and never two steps of the same run at once (Pause then Play
    # quickly could otherwise leave the old loop running beside the new one).
    state = solara.use_memo(lambda: {"loop": None, "lock": threading.Lock()}, [])

    def play_loop():
        me = object()
        state["loop"] = me
        page_open = _page_watcher()
        try:
            while playing.value and state["loop"] is me and page_open() and not run.value.finished:
                start = time.perf_counter()
                with state["lock"]:
                    run.value.step()
                force_update()
                rest = 1.0 / max(1, speed.value) - (time.perf_counter() - start)
                if rest > 0:
                    time.sleep(rest)
            if run.value.finished and state["loop"] is me:   # the scenario's horizon: Play stops there
                playing.set(False)
        except Exception as e:  # shown on the page, not lost in a thread
            traceback.print_exc()
            error.set(_error_text(e))
            playing.set(False)

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def do_step():
        if run.value.finished:
            return
        try:
            with state["lock"]:
                run.value.step()
        except Exception as e:
            traceback.print_exc()
            error.set(_error_text(e))
        force_update()

    def do_reset():
        was_playing = playing.value
        playing.set(False)
        error.set(None)
        with state["lock"]:   # not while Play is stepping
            unchanged = not was_playing and run.value.is_new_with(pending.value)
        if unchanged:   # a second click while the first rebuilds (seconds at 5000 residents) rebuilds nothing
            return
        try:
            run.set(WorkshopRun(COMMUNITY, BASELINE, pending.value, reduced_motion=reduced_motion.value))
        except Exception as e:
            traceback.print_exc()
            error.set(_error_text(e))
        force_update()

    WeekCounter(run, lang)
    with solara.Row(justify="space-between", style={"flex-wrap": "wrap", "gap": "8px"}):
        solara.Button(t("reset", lang), color="primary", on_click=do_reset, classes=["cc-reset"])
        solara.Button(t("pause", lang) if playing.value else t("play", lang), color="primary",
                      on_click=lambda: playing.set(not playing.value), classes=["cc-play"],
                      disabled=run.value.finished and not playing.value)   # at the horizon: Reset to start again
        solara.Button(t("step", lang), color="primary", on_click=do_step, disabled=playing.value or run.value.finished,
                      classes=["cc-step"])
    with solara.Div(classes=["cc-lever", "cc-speed"]):
        solara.SliderInt(labelled(t("speed", lang), str(speed.value), lang), value=speed, min=1, max=20, step=1)
    solara.HTML(tag="div", classes=["cc-help"], unsafe_innerHTML=html.escape(t("speed_help", lang)))
    if run.value.finished:
        solara.HTML(tag="div", classes=["cc-pending", "cc-end"], unsafe_innerHTML=html.escape(
            t("end_of_run", lang, duration=duration_in_years(run.value.model.params.years, lang))))
    if error.value:
        solara.Error(error.value, classes=["cc-error"])


@solara.component
def Levers(pending: solara.Reactive, lang: str):
    """The levers, grouped, each with its help text (Mesa's UserInputs draws the widgets)."""
    def on_change(name, value):
        pending.set({**pending.value, name: levers.from_widget(name, value, lang)})

    solara.HTML(tag="div", classes=["cc-help"], style="margin-top: 0",
                unsafe_innerHTML=html.escape(t("levers_help", lang)))
    for group in levers.GROUPS:
        solara.HTML(tag="div", classes=["cc-group"], unsafe_innerHTML=html.escape(t(group, lang)))
        for lever in levers.LEVERS:
            if lever.group != group:
                continue
            with solara.Div(classes=["cc-lever", f"cc-lever-{lever.name}"]):
                if lever.name not in levers.inert(COMMUNITY):   # a lever that cannot act is not shown as one
                    UserInputs(levers.model_params(pending.value, lang, (lever.name,), COMMUNITY),
                               on_change=on_change)
                else:   # its name as a label, greyed: not a group's heading
                    solara.HTML(tag="div", classes=["cc-inert"], unsafe_innerHTML=html.escape(t(f"lever.{lever.name}", lang)))
                solara.HTML(tag="div", classes=["cc-help"],
                            unsafe_innerHTML=html.escape(levers.help_text(lever, COMMUNITY, lang)))


@solara.component
def Information(run: solara.Reactive, pending: dict, lang: str):
    """What is running: the scenario, its scaling, and the lever values the model was built with."""
    update_counter.get()
    m = run.value.model
    applied = run.value.applied()
    rows = "".join(
        f'<tr class="cc-applied" data-lever="{lever.name}" data-value="{html.escape(str(applied[lever.name]))}">'
        f'<td>{html.escape(t("lever." + lever.name, lang))}</td>'
        f'<td><b>{html.escape(levers.display_value(lever, applied[lever.name], lang))}</b></td></tr>'
        for lever in levers.LEVERS)
    population = t("population", lang, residents=m.residents.n, clinicians=len(m.clinicians),
                   orgs=len(m.organizations))
    body = (f'<p><b>{html.escape(t("scenario", lang, name=COMMUNITY.name))}</b></p>'
            f'<p class="cc-scaled">{html.escape(scaled_sentence(lang))}</p>'
            f'<p>{html.escape(population)}</p>'
            f'<p><b>{html.escape(t("applied", lang, week=m.week))}</b></p>'
            f'<table class="cc-applied-table">{rows}</table>')
    if any(pending[k] != applied[k] for k in pending):
        solara.HTML(tag="div", classes=["cc-pending"], unsafe_innerHTML=html.escape(t("pending", lang)))
    solara.HTML(tag="div", classes=["cc-info"], unsafe_innerHTML=body)


@solara.component
def Keep(run: solara.Reactive, lang: str):
    """Downloads for after the workshop: the outcomes shown so far (community and baseline, as CSV and as
    an Excel workbook with its codebook and the levers) and the scenario with the levers applied (YAML,
    runs again with ``caring-community run``). Each file is made when its button is clicked, from the
    run on the page at that moment.

    Not redrawn each week, and each button's maker is the same function for the page's life (the
    workbook's, for as long as the page keeps its language): Solara's download drops a pending click
    when its data changes, and when this card was redrawn weekly with new data, a click during Play
    once went unanswered (in CI; the cause was not confirmed)."""
    make_outcomes = solara.use_memo(lambda: (lambda: run.value.outcomes_csv()), [])
    make_workbook = solara.use_memo(lambda: (lambda: run.value.outcomes_workbook(lang)), [lang])
    make_scenario = solara.use_memo(lambda: (lambda: run.value.scenario_yaml()), [])
    help_text = html.escape(t("keep_help", lang, seed=run.value.seed))
    for part in ("caring-community", f"--seed {run.value.seed}"):   # the command breaks between words only
        help_text = help_text.replace(part, f'<span class="cc-command">{part}</span>')
    solara.HTML(tag="div", classes=["cc-help"], style="margin-top: 0", unsafe_innerHTML=help_text)
    downloads = ((make_outcomes, "csv", "text/csv", "outcomes"), (make_workbook, "xlsx", XLSX_MIME, "workbook"),
                 (make_scenario, "yaml", "application/yaml", "scenario"))
    with solara.Column(gap="8px"):
        for maker, suffix, mime_type, what in downloads:
            with solara.FileDownload(maker, run.value.file_name(suffix), mime_type=mime_type):
                solara.Button(t(f"download_{what}", lang), icon_name="mdi-download", color="primary", outlined=True,
                              classes=[f"cc-download-{what}"])


@solara.component
def NetworkPanel(run: solara.Reactive, lang: str):
    """The network picture, redrawn each week."""
    update_counter.get()
    solara.HTML(tag="div", classes=["cc-network"], unsafe_innerHTML=run.value.view.svg(run.value.model, lang))


@solara.component
def Legend(lang: str):
    """What the network picture's shapes, colours and lines mean; each resident's sample is drawn in
    the shape and outline of its class in the picture, so it is matched without telling colours apart."""
    items = "".join(f'<span>{legend_swatch(shape, colour)}{html.escape(label)}</span>'
                    for shape, colour, label in legend_items(lang))
    solara.HTML(tag="div", classes=["cc-legend"], unsafe_innerHTML=items)
    notes = " ".join(t(key, lang) for key in ("network_help", "leg.not_drawn"))
    solara.HTML(tag="div", classes=["cc-note"], unsafe_innerHTML=html.escape(notes))


@solara.component
def ChartKeys(lang: str):
    """The line-style key of the charts: solid with filled markers for the caring community, dashed
    with hollow markers for the baseline (each series' marker shape is in its chart's own legend)."""
    solara.HTML(tag="div", classes=["cc-keys"], unsafe_innerHTML=charts.series_legend(lang))


@solara.component
def Charts(run: solara.Reactive, lang: str):
    """All six charts in one HTML element: one message to the browser per week."""
    update_counter.get()
    community = charts.columns(run.value.model, CHART_COLUMNS)
    baseline = charts.columns(run.value.baseline, CHART_COLUMNS)
    solara.HTML(tag="div", classes=["cc-charts"], unsafe_innerHTML="".join(
        f'<div class="cc-chart-box">{charts.chart_svg(chart, community, baseline, lang, COMMUNITY.funding.currency)}</div>'
        for chart in charts.CHARTS))


@solara.component
def LanguageSwitch(lang: solara.Reactive):
    """FR / EN buttons: the language of this browser's page. A screen reader says each language's
    name in that language ("Français", "English") and which one is on (``aria-pressed``)."""
    with solara.ToggleButtonsSingle(value=lang.value, on_value=lang.set, mandatory=True, classes=["cc-lang"]):
        for code in LANGUAGES:
            solara.Button(code.upper(), value=code, attributes={
                "aria-label": t(f"language.{code}", code), "lang": code,
                "aria-pressed": "true" if code == lang.value else "false"})


@solara.component_vue("page_language.vue")
def PageLanguage(lang: str, menu_label: str):
    """Sets ``<html lang>`` to the page's language (a French page is not offered a translation), and
    names Solara's ☰ sidebar button (``menu_label``), which is an icon only."""


@solara.component_vue("reduced_motion.vue")
def ReducedMotion(reduce: bool, on_reduce: Callable[[bool], None]):
    """Whether this browser asks for reduced motion (``prefers-reduced-motion: reduce``): the
    browser sets ``reduce`` when the page opens and whenever the setting changes."""


@solara.component
def LiveModels():
    """Only with ``CC_VIZ_DEBUG_MEMORY=1`` (:class:`~sim.viz.session.Settings`): a hidden element
    whose ``data-models`` says, after each step and reset, how many models the server holds."""
    update_counter.get()
    solara.HTML(tag="div", classes=["cc-debug-memory"], style="display: none",
                attributes={"data-models": str(live_models())})


def use_workshop_run() -> solara.Reactive:
    """This page's :class:`WorkshopRun`, in a reactive variable that holds only the current one
    (*Reset* sets a new one).

    Old runs must not stay on the server (a facilitator resets for hours; at 5000 residents a run
    is tens of MB). Solara keeps what a page's hooks and components were first given for as long
    as the page is open: a ``use_memo`` value, ``use_reactive``'s initial value, and each
    component's first element with its arguments. So the reactive starts empty and gets the first
    run here, and the components are given the reactive, never a run, reading ``run.value``.
    """
    run = solara.use_reactive(None)
    if run.peek() is None:   # the page's first render
        run.set(WorkshopRun(COMMUNITY, BASELINE, DEFAULTS))
    return run


@solara.component
def Page():
    """The page; each browser gets its own language, levers and run."""
    lang = solara.use_reactive(SETTINGS.lang)
    pending = solara.use_reactive(dict(DEFAULTS))
    run = use_workshop_run()
    reduced_motion = solara.use_reactive(False)
    L = lang.value

    def on_reduced_motion(reduce) -> None:   # this page's run, now and after each Reset
        reduced_motion.set(bool(reduce))
        run.value.view.reduced_motion = bool(reduce)

    solara.Style(CSS)
    solara.Title(t("title", L))
    PageLanguage(lang=L, menu_label=t("menu", L))
    ReducedMotion(reduce=reduced_motion.value, on_reduce=on_reduced_motion)
    with solara.AppBar():
        solara.AppBarTitle(t("title", L))
        solara.Text(t("language", L) + " ", style={"font-size": "1.1rem", "margin-right": "8px"})
        LanguageSwitch(lang)
    with solara.Sidebar(), solara.Column(classes=["cc-sidebar"]):
        with solara.Card(t("controls", L), classes=["cc-controls"]):
            Controller(run, pending, reduced_motion, L)
        with solara.Card(t("levers", L), classes=["cc-levers"]):
            Levers(pending, L)
        with solara.Card(t("information", L), classes=["cc-information"]):
            Information(run, pending.value, L)
        with solara.Card(t("keep", L), classes=["cc-keep"]):
            Keep(run, L)
    with solara.Div(classes=["cc-main"]):
        with solara.Card(t("network", L), subtitle=scaled_sentence(L), classes=["cc-network-card"]):
            NetworkPanel(run, L)
            Legend(L)
        with solara.Card(t("charts", L), classes=["cc-charts-card"]):
            ChartKeys(L)
            Charts(run, L)
    if SETTINGS.debug_memory:
        LiveModels()


page = Page
