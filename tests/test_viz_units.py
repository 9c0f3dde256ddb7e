"""The workshop visualization without a browser: strings, levers, the stable layout, drawing, the command."""

from __future__ import annotations

import io
import re
import string

import numpy as np
import pytest
from scipy.spatial import cKDTree

from sim.cli import main
from sim.scenario import load_scenario
from sim.viz import charts, levers
from sim.viz.i18n import LANGUAGES, NBSP, NNBSP, STRINGS, duration_in_years, labelled, number, scenario_name, t
from sim.viz.network_view import (COLOURS, FADE_WEEKS, OKABE_ITO, TIE_OPACITY, NetworkView, StableLayout,
                                  tie_prominence)
from sim.viz.session import WorkshopRun, workshop_scenarios


@pytest.fixture(scope="module")
def scenarios():
    return workshop_scenarios("centre-sud", 300)


@pytest.fixture(scope="module")
def run(scenarios):
    community, baseline = scenarios
    run = WorkshopRun(community, baseline, levers.defaults(community))
    for _ in range(10):
        run.step()
    return run


# ----------------------------------------------------------------------------- strings
def test_both_languages_have_the_same_keys_and_placeholders():
    fr, en = STRINGS["fr"], STRINGS["en"]
    assert set(fr) == set(en)
    fields = lambda s: {f[1] for f in string.Formatter().parse(s) if f[1]}  # noqa: E731
    for key in fr:
        assert fields(fr[key]) == fields(en[key]), key
        assert fr[key].strip() and en[key].strip(), key


def test_every_lever_and_choice_is_translated():
    for lang in LANGUAGES:
        for lever in levers.LEVERS:
            assert t(f"lever.{lever.name}", lang)
            assert t(lever.help_key, lang)
            for choice in lever.choices:
                assert t(f"choice.{choice}", lang)
        for chart in charts.CHARTS:
            assert t(chart.key, lang)
            for _, label, _ in chart.series:
                assert t(label, lang)


def test_the_presets_organizations_and_funding_sources_are_named_in_french():
    """The French page names the grant under its lever and each organization (its tooltip) in
    French, for every preset (the presets write them in English); a user's own names stay as written."""
    from sim.scenario import preset_names

    for preset in preset_names():
        sc = load_scenario(preset)
        for name in [o.name for o in sc.organizations] + [s.name for s in sc.funding.sources]:
            assert scenario_name(name, "fr") != name, (preset, name)
            assert scenario_name(name, "en") == name
    community, _ = workshop_scenarios("centre-sud", 300)
    help_fr = levers.help_text(levers.BY_NAME["grant_end_week"], community, "fr")
    assert "Subvention de démarrage" in help_fr and "grant" not in help_fr
    assert "Start-up grant" in levers.help_text(levers.BY_NAME["grant_end_week"], community, "en")
    assert scenario_name("Notre comité", "fr") == "Notre comité"


def test_numbers_and_labels_follow_the_language():
    assert number(0.25, "fr") == "0,25" and number(0.25, "en") == "0.25"
    assert number(12345.678, "fr", ",.1f") == f"12{NNBSP}345,7"
    assert number(12345.678, "en", ",.1f") == "12,345.7"
    assert number(0.02777, "fr", ".3g") == "0,0278"
    assert labelled("Vitesse", "6", "fr") == f"Vitesse{NBSP}: 6"
    assert labelled("Speed", "6", "en") == "Speed: 6"
    # numbers given to t() are written as the language writes them, whatever the format spec
    assert t("year", "fr", year=0.5) == "année 0,5" and t("year", "en", year=0.5) == "year 0.5"
    assert "facteur 0,0278" in t("scaled", "fr", name="x", n=500, factor=0.02777)
    assert "500 résidents" in t("scaled", "fr", name="x", n=500, factor=0.02777)



def test_counts_on_the_page_group_their_thousands():
    """« 5 000 résidents » / "5,000 residents": the information card and the scaled sentence wrote 5000."""
    assert t("population", "fr", residents=5000, clinicians=100, orgs=6).startswith(f"5{NNBSP}000 résidents")
    assert t("population", "en", residents=5000, clinicians=100, orgs=6).startswith("5,000 residents")
    assert f"ramené à 1{NNBSP}200 résidents" in t("scaled", "fr", name="x", n=1200, factor=0.0667)
    assert "scaled to 1,200 residents" in t("scaled_file", "en", name="x", n=1200, factor=0.0667)


def test_a_lever_or_series_label_holds_no_colon_of_its_own():
    """The page writes « label : valeur »; a label with a colon of its own read « Sièges : ville : 1 »
    and « 1 : ses soins : 32,5 »."""
    keys = [f"lever.{lever.name}" for lever in levers.LEVERS]
    keys += [label for chart in charts.CHARTS for _, label, _ in chart.series]
    for lang in LANGUAGES:
        for key in keys:
            assert ":" not in t(key, lang), (lang, key)


def test_french_page_uses_the_fields_terms_and_agreements():
    """The stewardship group is a « comité de pilotage », compensation a « rétribution »; apostrophes are
    typographic, as in the report; a feminine and a masculine noun each take their own adjective."""
    fr = " ".join(STRINGS["fr"].values())
    assert "intendance" not in fr and "comité de pilotage" in t("lever.seats.help", "fr")
    assert "Compensation" not in fr and "'" not in fr
    assert t("prof.social_worker", "fr") == "travailleuse sociale ou travailleur social"
    assert scenario_name("Mental-health peer group", "fr") == "Groupe d’entraide en santé mentale"
    # a decision rule (une règle) is not « dirigé »
    assert "dirigé" not in t("choice.institution_led", "fr")


def test_a_duration_in_years_takes_the_singular_or_plural_of_its_language():
    assert [duration_in_years(y, "fr") for y in (1, 1.5, 2, 10)] == ["1 an", "1,5 an", "2 ans", "10 ans"]
    assert [duration_in_years(y, "en") for y in (1, 1.5, 10)] == ["1 year", "1.5 years", "10 years"]
    assert "(1 an)" in t("end_of_run", "fr", duration=duration_in_years(1, "fr"))


def test_the_patients_seats_lever_says_only_co_leaders_hold_them(scenarios):
    """Patients' seats fill only with level-3 partners: in a short run the lever can change nothing, and its
    help line said only 'Seats this sector holds', as for the other sectors."""
    community, _ = scenarios
    by_name = {lever.name: lever for lever in levers.LEVERS}
    for lang, words in (("en", "level 3"), ("fr", "niveau 3")):
        patients = levers.help_text(by_name["seats_patients"], community, lang)
        assert words in patients and patients != levers.help_text(by_name["seats_city"], community, lang)


def test_french_strings_never_break_before_a_colon():
    for key, text in STRINGS["fr"].items():
        assert not re.search(r"\s[:;!?»]", text.replace(NBSP, "")), key
        assert "« " not in text, key


def test_texts_name_the_reset_button_as_it_is_labelled_and_the_tie_legend_names_the_same_kinds():
    reset = {"fr": f"«{NBSP}{t('reset', 'fr')}{NBSP}»", "en": f"“{t('reset', 'en')}”"}
    for lang in LANGUAGES:
        for key, text in STRINGS[lang].items():
            if key != "reset" and re.search(rf"\b{t('reset', lang)}\b", text):
                assert reset[lang] in text, (lang, key)
    kinds = {lang: re.search(r"\((.*?)\)", t("leg.tie", lang)).group(1).split(", ") for lang in LANGUAGES}
    assert len(kinds["fr"]) == len(kinds["en"]), kinds


def test_chart_values_and_slider_labels_use_the_languages_numbers():
    assert charts._fmt(0.25, "fr") == "0,25" and charts._fmt(12.5, "fr") == "12,5"
    assert charts._fmt(2500, "fr") == f"2{NNBSP}500" and charts._fmt(2500, "en") == "2,500"
    params = levers.model_params(levers.defaults(load_scenario("centre-sud")), "fr")
    assert params["funding_level"]["label"].endswith(f"{NBSP}: 1,00")
    assert params["buy_in"]["label"].endswith(f"{NBSP}: " + number(params["buy_in"]["value"], "fr", ".2f"))
    assert levers.model_params(levers.defaults(load_scenario("centre-sud")), "en")["funding_level"]["label"] \
        .endswith(" (× planned amounts): 1.00")


def test_the_partners_chart_counts_in_whole_numbers():
    """Two partners must not put 1,2 and 2,5 partners on the axis."""
    chart = next(c for c in charts.CHARTS if c.key == "chart.partners")
    for top in range(0, 130):
        counts = {col: np.array([0.0, top]) for col, _, _ in chart.series}
        ticks = re.findall(r'text-anchor="end" fill="#000">([^<]*)<', charts.chart_svg(chart, counts, counts, "fr"))
        assert len(ticks) == 3 and all(tick.isdigit() for tick in ticks), (top, ticks)
        assert top <= int(ticks[-1]) <= 4 * max(top, 1), (top, ticks)


# ----------------------------------------------------------------------------- levers
def test_default_levers_reproduce_the_scenario(scenarios):
    community, _ = scenarios
    values = levers.defaults(community)
    rebuilt = load_scenario(community, levers.to_overrides(values, community))
    assert rebuilt.model_dump() == community.model_dump()


def test_levers_map_to_scenario_keys(scenarios):
    community, _ = scenarios
    values = {**levers.defaults(community), "funding_level": 0.5, "grant_end_week": 52, "comp_patient": "timebank",
              "seats_patients": 3, "decision_rule": "consensus", "official_status": False, "patient_partners": 7,
              "citizen_partners": 9, "buy_in": 0.8}
    sc = load_scenario(community, levers.to_overrides(values, community))
    assert sc.funding.sources[0].end_week == 52
    assert sc.funding.sources[0].amount_per_year == pytest.approx(0.5 * community.funding.sources[0].amount_per_year)
    assert sc.funding.sources[1].amount_per_year == pytest.approx(0.5 * community.funding.sources[1].amount_per_year)
    assert sc.funding.compensation.patient_partner == "timebank"
    assert sc.governance.seats["patients"] == 3 and sc.governance.decision_rule == "consensus"
    assert sc.governance.partner_official_status is False
    assert sc.retention.initial_patient_partners == 7 and sc.retention.initial_citizen_partners == 9
    assert sc.clinical.buy_in_mean == pytest.approx(0.8)


def test_grant_end_lever_stops_a_late_source_no_earlier_than_it_starts():
    """A first source that starts late: the slider below its start means it pays nothing (end = start)."""
    late = load_scenario("centre-sud", {"funding.sources.0.start_week": 104})
    sc = load_scenario(late, levers.to_overrides({**levers.defaults(late), "grant_end_week": 52}, late))
    assert sc.funding.sources[0].start_week == sc.funding.sources[0].end_week == 104


@pytest.mark.parametrize("extra", ["", "years: 1.3\n", "funding:\n  sources:\n    - {name: G, sector: city, "
                                   "amount_per_year: 1000, start_week: 0, end_week: 100}\n"])
def test_the_grant_slider_can_show_its_scenarios_own_value_and_horizon(extra, tmp_path):
    """A slider snaps to its steps: the scenario's own grant end and its horizon ("it does not
    stop") must lie on them, or the page changes the lever on load (years: 1.3, 68 weeks, became 65)."""
    path = tmp_path / "s.yaml"
    path.write_text("extends: centre-sud\n" + extra)
    sc = load_scenario(str(path))
    spec = levers.model_params(levers.defaults(sc), "en", ("grant_end_week",), sc)["grant_end_week"]
    for value in (spec["value"], spec["max"]):
        assert (value - spec["min"]) % spec["step"] == 0, (value, spec)
    assert spec["max"] == sc.weeks


def test_untouched_levers_keep_every_preset_exact():
    """Each preset (and a scenario file with its own horizon) loads with lever values that change
    nothing, so the page starts without a 'not applied yet' notice and Reset keeps the scenario."""
    from sim.scenario import preset_names
    for name in preset_names():
        community, _ = workshop_scenarios(name, 60)
        values = levers.defaults(community)
        assert levers.to_overrides(values, community) == {}, name
        for lever in levers.LEVERS:
            if lever.step and lever.kind == "SliderFloat":   # a default the slider can show exactly
                assert round(values[lever.name] / lever.step, 6).is_integer(), (name, lever.name)
    long = load_scenario("centre-sud", {"years": 15, "funding.sources.0.end_week": 600, "clinical.buy_in_mean": 0.125})
    values = levers.defaults(long)
    assert values["grant_end_week"] == 600 and levers.to_overrides(values, long) == {}
    assert levers.model_params(values, "en", ("grant_end_week",), long)["grant_end_week"]["max"] == 780
    rebuilt = load_scenario(long, levers.to_overrides({**values, "seats_city": 3}, long))
    assert rebuilt.clinical.buy_in_mean == 0.125 and rebuilt.funding.sources[0].end_week == 600


def test_levers_that_cannot_act_are_named_so():
    baseline, _ = workshop_scenarios("hospital-baseline", 60)
    assert levers.inert(baseline) == {"funding_level", "grant_end_week", "patient_partners", "citizen_partners",
                                      "comp_patient", "comp_citizen", "decision_rule",
                                      *(f"seats_{s}" for s in levers.SECTORS)}
    assert "official_status" not in levers.inert(baseline)      # it lowers clinicians' barrier all the same
    assert levers.help_text(levers.BY_NAME["funding_level"], baseline, "fr") == "Sans objet dans ce scénario."
    paris, _ = workshop_scenarios("paris-mental-health", 60)
    assert not levers.inert(paris)
    assert "Hospital group" in levers.help_text(levers.BY_NAME["grant_end_week"], paris, "en")


def test_a_run_stops_at_its_scenarios_horizon():
    short = load_scenario("centre-sud", {"years": 0.1})
    community, baseline = workshop_scenarios("centre-sud", 60)
    community = load_scenario(community, {"years": 0.1})
    run = WorkshopRun(community, baseline, levers.defaults(community))
    while not run.finished:
        run.step()
    assert run.week == short.weeks == 5


def test_widget_values_map_back_to_codes():
    assert levers.from_widget("comp_patient", "banque de temps", "fr") == "timebank"
    assert levers.from_widget("decision_rule", "institution-led", "en") == "institution_led"
    assert levers.from_widget("grant_end_week", 169.0, "en") == 169
    params = levers.model_params(levers.defaults(load_scenario("centre-sud")), "fr")
    assert params["comp_patient"]["value"] == "rémunérés"
    assert params["grant_end_week"]["type"] == "SliderInt" and params["grant_end_week"]["max"] == 520
    with pytest.raises(ValueError):
        levers.from_widget("decision_rule", "anarchy", "en")


def test_applied_values_read_back_the_running_model(scenarios):
    community, baseline = scenarios
    values = {**levers.defaults(community), "grant_end_week": 208, "funding_level": 1.5, "seed": 4}
    r = WorkshopRun(community, baseline, values)
    applied = r.applied()
    assert applied["grant_end_week"] == 208 and applied["funding_level"] == 1.5 and applied["seed"] == 4
    assert r.model.seed == r.baseline.seed == 4


def test_funding_level_reads_back_when_the_first_source_pays_nothing(scenarios):
    """The level is read from the first source that pays something (it stayed 1.0, so the page said
    'not applied yet' for good); where no source pays anything the lever is inert."""
    community, baseline = scenarios
    free_first = load_scenario(community, {"funding.sources.0.amount_per_year": 0.0})
    assert any(src.amount_per_year > 0 for src in free_first.funding.sources[1:])
    r = WorkshopRun(free_first, baseline, {**levers.defaults(free_first), "funding_level": 1.5})
    assert r.applied()["funding_level"] == 1.5
    assert "funding_level" not in levers.inert(free_first)
    nothing = load_scenario(community, {f"funding.sources.{i}.amount_per_year": 0.0
                                        for i in range(len(community.funding.sources))})
    assert {"funding_level"} <= levers.inert(nothing) and "grant_end_week" not in levers.inert(nothing)


def test_baseline_is_hospital_centred_and_same_size(run):
    assert run.baseline.residents.n == run.model.residents.n
    assert not run.baseline.params.governance.stewardship_group
    assert run.baseline.week == run.model.week == 10


def test_the_outcomes_download_holds_every_week_shown_of_the_community_and_its_baseline(run):
    import pandas as pd

    table = pd.read_csv(io.StringIO(run.outcomes_csv()))
    assert list(table.columns[:4]) == ["scenario", "seed", "series", "week"]
    assert table.groupby("series")["week"].apply(list).to_dict() == {"community": list(range(11)),
                                                                      "baseline": list(range(11))}
    community = table[table.series == "community"].drop(columns=["scenario", "seed", "series"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(community, run.model.outcomes(), check_dtype=False)
    assert (table.scenario == "centre-sud-workshop").all() and (table.seed == 0).all()
    assert run.file_name("csv") == "centre-sud-workshop-seed0.csv"
    assert run.file_name("yaml") == "centre-sud-workshop-seed0.yaml"


def test_the_excel_download_holds_the_same_outcomes_as_numbers_with_a_codebook(run, tmp_path):
    """The workbook's sheet ``outcomes`` is the CSV's table with every measure stored as a number (so a
    French spreadsheet writes its decimals with a comma), and its sheet ``codebook`` gives each of
    those columns a unit, in the scenario's currency for amounts, and a meaning."""
    import openpyxl
    import pandas as pd

    path = tmp_path / run.file_name("xlsx")
    path.write_bytes(run.outcomes_workbook("en"))
    assert path.name == "centre-sud-workshop-seed0.xlsx"
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["outcomes", "codebook", "levers"]
    expected = pd.read_csv(io.StringIO(run.outcomes_csv()))
    pd.testing.assert_frame_equal(sheets["outcomes"], expected, check_dtype=False)
    cells = openpyxl.load_workbook(path)["outcomes"]
    header = [cell.value for cell in cells[1]]
    assert cells.freeze_panes == "A2"                                     # the column names stay in view
    row = {name: cells.cell(row=2, column=i + 1) for i, name in enumerate(header)}
    assert row["isolated_share_all"].data_type == "n" and row["week"].data_type == "n"
    assert row["series"].value == "community"
    book = sheets["codebook"].set_index("column")
    assert list(book.index) == header
    assert book["meaning"].notna().all() and book["unit"].notna().all()
    assert "baseline" in book.loc["series", "meaning"]
    assert "CAD" in book.loc["spending_total", "unit"]


def test_a_french_rooms_workbook_names_its_sheets_and_explains_its_columns_in_french(run):
    """The page's default language is French: its workbook's sheets and codebook are in French, with
    the same outcome columns (the CSV's names, which code reads) described row for row."""
    import pandas as pd

    french = pd.read_excel(io.BytesIO(run.outcomes_workbook()), sheet_name=None)
    english = pd.read_excel(io.BytesIO(run.outcomes_workbook("en")), sheet_name=None)
    assert list(french) == ["résultats", "dictionnaire", "leviers"]
    pd.testing.assert_frame_equal(french["résultats"], english["outcomes"])
    book = french["dictionnaire"]
    assert list(book.columns) == ["colonne", "type", "unité", "plage", "signification"]
    assert list(book["colonne"]) == list(english["codebook"]["column"])
    assert (book["signification"] != english["codebook"]["meaning"]).all()
    described = book.set_index("colonne")
    assert described.loc["spending_total", "unité"] == "CAD par semaine"
    assert "isolées" in described.loc["isolated_share_65_alone", "signification"]
    assert "référence" in described.loc["series", "signification"]


def test_the_excel_downloads_levers_sheet_says_what_the_room_chose_in_the_pages_language(scenarios, tmp_path):
    import pandas as pd

    community, baseline = scenarios
    values = {**levers.defaults(community), "funding_level": 1.5, "decision_rule": "consensus", "seed": 7}
    r = WorkshopRun(community, baseline, values)
    path = tmp_path / "levers.xlsx"
    path.write_bytes(r.outcomes_workbook("fr"))
    sheet = pd.read_excel(path, sheet_name="leviers").set_index("Levier")
    assert list(sheet.columns) == ["Valeur dans cette simulation", "Valeur du scénario"]
    assert len(sheet) == len(levers.LEVERS)
    assert tuple(sheet.loc["Niveau de financement (× montants prévus)"]) == (1.5, 1.0)   # numbers stay numbers
    rule = sheet.loc["Règle de décision du comité"]
    assert rule.iloc[0] == t("choice.consensus", "fr") != rule.iloc[1]
    assert sheet.loc["Graine aléatoire"].iloc[0] == 7
    english = pd.read_excel(io.BytesIO(r.outcomes_workbook("en")), sheet_name="levers")
    assert list(english.columns) == ["Lever", "Value in this run", "Scenario's own value"]


def test_the_scenario_download_runs_the_rooms_community_again(scenarios, tmp_path):
    """The YAML the page offers is the community with the levers the room chose: loaded as a scenario
    and run with the seed its header names, it gives the community's outcomes week for week."""
    import pandas as pd

    from sim import CaringCommunity

    community, baseline = scenarios
    values = {**levers.defaults(community), "funding_level": 1.5, "decision_rule": "consensus", "seed": 7}
    r = WorkshopRun(community, baseline, values)
    for _ in range(6):
        r.step()
    path = tmp_path / r.file_name("yaml")
    path.write_text(r.scenario_yaml(), encoding="utf-8")
    assert f"caring-community run {path.name} --seed 7" in path.read_text()
    again = load_scenario(path)
    assert again.name == "centre-sud-workshop"   # its runs go to runs/centre-sud-workshop-seed7, not the preset's folder
    assert again.governance.decision_rule == "consensus"
    assert again.funding.sources[0].amount_per_year == 1.5 * community.funding.sources[0].amount_per_year
    model = CaringCommunity(again, rng=7, agent_views=False)
    for _ in range(6):
        model.step()
    pd.testing.assert_frame_equal(model.outcomes(), r.model.outcomes())


def test_a_downloads_name_keeps_only_safe_characters(scenarios):
    community, baseline = scenarios
    odd = load_scenario(community, {"name": "Mon quartier / été 2026"})
    r = WorkshopRun(odd, baseline, {**levers.defaults(odd), "seed": 2})
    assert r.file_name("yaml") == "Mon-quartier-ete-2026-workshop-seed2.yaml"


# ----------------------------------------------------------------------------- layout
def test_layout_of_a_large_community_never_holds_an_n_by_n_array():
    """The layout's repulsion for 3000 residents: it once built n × n arrays (about a gigabyte and
    30 s of the page's build at the largest workshop size, 5000)."""
    import tracemalloc

    from sim.viz.network_view import _force_layout

    n = 3000
    pos = np.random.default_rng(0).uniform(0, 1, (n, 2))
    edges = np.arange(n - 1), np.arange(1, n)
    tracemalloc.start()
    try:
        _force_layout(pos, *edges, pos, iterations=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * n * n / 2, f"{peak / 1e6:.0f} MB"                   # half of one n × n array


def test_repulsion_reaches_every_resident_in_a_small_community_and_only_near_ones_in_a_large_one():
    """Up to ALL_PAIRS_UP_TO residents every pair repels; above it only residents within
    REPULSION_REACH ideal tie lengths do (the 5000-resident page was built in 16 s, now in 1)."""
    from sim.viz.network_view import ALL_PAIRS_UP_TO, REPULSION_REACH, _repulsion

    for n in (ALL_PAIRS_UP_TO, ALL_PAIRS_UP_TO + 1):
        k = 1 / np.sqrt(n)
        pos = np.column_stack([np.linspace(0, 1, n), np.zeros(n)])   # a row of residents
        pos[1] = (pos[0, 0] + 0.5 * k, 0.0)                          # resident 1 right beside resident 0
        pos[2:, 0] = np.linspace(5 * REPULSION_REACH * k, 1, n - 2)   # everyone else well beyond reach
        push = _repulsion(pos, k)
        alone = _repulsion(pos[:2], k)[0, 0]     # resident 0 pushed by resident 1 alone: -k² / (0.5 k)
        assert alone == pytest.approx(-2 * k)
        if n <= ALL_PAIRS_UP_TO:
            assert push[0, 0] < alone - 0.01 * k   # the far residents push too
        else:
            assert push[0, 0] == pytest.approx(alone)
            assert push[0, 1] == 0 and push[-1, 0] > 0   # the last one is pushed by its near neighbours


def test_layout_of_a_large_community_puts_tied_residents_near_each_other():
    from sim.model import CaringCommunity
    from sim.viz.network_view import ALL_PAIRS_UP_TO, _resident_edges

    community, _ = workshop_scenarios("centre-sud", 2 * ALL_PAIRS_UP_TO)
    model = CaringCommunity(community, rng=1, agent_views=False)
    pos = StableLayout(model).pos[:model.residents.n]
    a, b = _resident_edges(model)
    pairs = np.random.default_rng(0).integers(0, model.residents.n, (20_000, 2))
    tie_length = np.linalg.norm(pos[a] - pos[b], axis=1).mean()
    any_pair = np.linalg.norm(pos[pairs[:, 0]] - pos[pairs[:, 1]], axis=1).mean()
    assert tie_length < 0.4 * any_pair           # 0.36 with near repulsion only, 0.31 with every pair
    nearest = cKDTree(pos).query(pos, 2)[0][:, 1]
    assert np.mean(nearest < 0.2 / np.sqrt(model.residents.n)) < 0.05   # dots do not pile up


def test_layout_is_deterministic_and_inside_the_frame(scenarios):
    from sim.model import CaringCommunity

    community, _ = scenarios
    a = StableLayout(CaringCommunity(community, rng=3))
    b = StableLayout(CaringCommunity(community, rng=3))
    assert np.array_equal(a.pos, b.pos)
    assert (a.pos >= 0).all() and (a.pos <= 1).all()


def test_positions_persist_and_new_ties_pull_gently(scenarios):
    from sim.model import CaringCommunity

    community, _ = scenarios
    model = CaringCommunity(community, rng=1)
    view = NetworkView(model)
    lay = view.layout
    for _ in range(30):
        before = lay.pos.copy()
        moving_before = lay.moving.copy()
        model.step()
        view.observe(model)
        moved = np.abs(lay.pos - before).max(1) > 1e-12
        # Only residents who gained ties after having none move, and never by a jump.
        assert not moved[model.residents.n:].any()
        assert (moved <= (lay.moving | moving_before)).all()
        assert np.abs(lay.pos - before).max() <= lay.glide * 1.5


def test_a_resident_who_gains_a_first_tie_glides_to_it(scenarios):
    from sim.model import CaringCommunity
    from sim.network import FRIEND

    community, _ = scenarios
    model = CaringCommunity(community, rng=2)
    lonely = 0
    model.ties.remove(model.ties.ties_of(np.array([lonely])))   # a resident without any tie
    view = NetworkView(model)
    lay = view.layout
    assert lay.degree[lonely] == 0
    friend = int(np.argmax(lay.degree))
    model.ties.add([lonely], [friend], FRIEND, 0.8, model.week)
    start = lay.pos[lonely].copy()
    distances = []
    for _ in range(8):
        view.observe(model)
        distances.append(np.linalg.norm(lay.pos[lonely] - lay.pos[friend]))
    assert np.linalg.norm(lay.pos[lonely] - start) > 0
    assert distances[-1] < np.linalg.norm(start - lay.pos[friend])
    assert all(b <= a + 1e-9 for a, b in zip(distances, distances[1:]))


def test_with_reduced_motion_a_resident_who_gains_a_first_tie_is_there_at_once(scenarios):
    """A viewer who asks for reduced motion sees no intermediate positions: the resident is beside
    their new tie the week it forms (where gliding would take them), and the picture says that no one
    is on their way; switched on mid-glide, the resident arrives the next week."""
    from sim.model import CaringCommunity
    from sim.network import FRIEND

    community, _ = scenarios
    views, models = {}, {}
    for reduced in (False, True):
        model = models[reduced] = CaringCommunity(community, rng=2)
        model.ties.remove(model.ties.ties_of(np.array([0])))   # resident 0 without any tie
        view = views[reduced] = NetworkView(model, reduced_motion=reduced)
        friend = int(np.argmax(view.layout.degree))
        model.ties.add([0], [friend], FRIEND, 0.8, model.week)
        view.observe(model)
    gliding, still = views[False].layout, views[True].layout
    assert np.array_equal(still.pos[0], still.target[0]) and not still.moving.any()
    assert np.array_equal(still.target[0], gliding.target[0])                # the same place
    assert gliding.moving[0] and 0 < np.linalg.norm(gliding.pos[0] - gliding.target[0])
    assert 'data-gliding="0"' in views[True].svg(models[True], "en")
    assert 'data-gliding="1"' in views[False].svg(models[False], "en")
    views[False].reduced_motion = True                                       # the viewer switches it on
    views[False].observe(models[False])
    assert np.array_equal(gliding.pos[0], gliding.target[0]) and not gliding.moving.any()


def test_dissolved_ties_fade_out(scenarios):
    from sim.model import CaringCommunity

    community, _ = scenarios
    model = CaringCommunity(community, rng=5)
    view = NetworkView(model)
    slots = model.ties.live()[:5]
    model.ties.remove(slots)
    view.observe(model)
    gone = set(zip(model.ties.a[slots].tolist(), model.ties.b[slots].tolist()))
    ghosts = lambda: set(zip(view.ghost_a.tolist(), view.ghost_b.tolist()))   # noqa: E731
    assert gone <= ghosts()
    for _ in range(FADE_WEEKS - 1):          # drawn fading for FADE_WEEKS weeks in all, then forgotten
        view.observe(model)
        assert gone <= ghosts()
    view.observe(model)
    assert not gone & ghosts()


def test_a_tie_formed_in_the_programmes_first_week_is_drawn_as_new(scenarios):
    """Ties formed from week 0 are the programme's and are drawn as new; those of the initial network
    and the burn-in (formed before week 0) are not. A tie formed in week 0 itself was left out."""
    from sim.model import CaringCommunity
    from sim.network import MUTUAL_AID

    community, _ = scenarios
    model = CaringCommunity(community, rng=5)
    view = NetworkView(model)
    new_ties = re.compile(f'<path d="([^"]+)" fill="none" stroke="{COLOURS["new_tie"]}" stroke-width="2.8"')
    assert model.week == 0 and not new_ties.search(view.svg(model, "en"))
    isolated = np.flatnonzero(model.residents.isolated)[:2]
    model.ties.add(isolated[:1], isolated[1:], MUTUAL_AID, 0.6, model.week)
    drawn = new_ties.search(view.svg(model, "en"))
    assert drawn and drawn.group(1).count("M") == 1


# ----------------------------------------------------------------------------- drawing
def test_network_svg_draws_every_node_with_the_palette(run):
    svg = run.view.svg(run.model, "en")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    residents = "".join(re.findall(r'<g class="cc-nodes-(?!clinician|organization)[^>]*>(.*?)</g>', svg))
    assert len(re.findall(r"<(?:circle|rect|path) ", residents)) == run.model.residents.n   # one mark each
    clinicians = re.search(r'<g class="cc-nodes-clinician"[^>]*>(.*?)</g>', svg).group(1)
    assert clinicians.count("<rect ") == len(run.model.clinicians)
    for colour in ("#56B4E9", "#E69F00", "#000000"):
        assert colour in svg
    assert OKABE_ITO["vermillion"] in svg or not run.model.residents.isolated.any()
    # the organizations' tooltips in the page's language
    assert "<title>Food bank</title>" in svg and "<title>Banque alimentaire</title>" in run.view.svg(run.model, "fr")


def test_every_drawn_width_is_written_short(run):
    """Tie widths are written as people write them ("1.8"), not with a float's rounding noise
    ("1.7999999999999998"), in a page that redraws every week; every prominence level is drawn."""
    svg = run.view.svg(run.model, "en")
    widths = set(re.findall(r'stroke-width="([^"]+)"', svg))
    assert {"1.2", "1.5", "1.8"} <= widths
    assert all(len(w) <= 4 for w in widths), sorted(widths)


def test_dots_shrink_in_a_large_community_and_partners_care_team_ties_are_in_the_legend(run):
    from sim.viz.network_view import dot_scale, legend_items

    assert dot_scale(300) == dot_scale(1000) == 1.0
    assert dot_scale(1000) > dot_scale(2000) > dot_scale(5000) >= 0.45
    radii = {float(r) for r in re.findall(r'<circle cx="[^"]+" cy="[^"]+" r="([^"]+)"', run.view.svg(run.model, "en"))}
    assert max(radii) <= 14 * dot_scale(run.model.residents.n) + 0.05
    team = [label for shape, colour, label in legend_items("en") if colour == COLOURS["clinician"] and shape == "line"]
    assert team == ["Partner in a clinician's care team"]


def test_the_legend_draws_residents_outlined_as_the_network_does(run):
    """Isolation is not shown by colour alone (a larger dot with a black outline): the legend's samples
    carry the same outline as the dots, so a colour-blind viewer can match them."""
    from sim.viz.network_view import legend_items, legend_swatch

    svg = run.view.svg(run.model, "en")
    swatches = {label: legend_swatch(shape, colour) for shape, colour, label in legend_items("en")}
    for group, label in (("isolated", "Isolated (fewer active ties than the threshold)"), ("patient", "Patient")):
        drawn = re.search(f'<g class="cc-nodes-{group}" fill="[^"]+"( stroke="[^"]+" stroke-width="[^"]+")', svg)
        assert drawn and drawn.group(1) in swatches[label]


def _resident_groups(svg: str) -> dict[str, tuple[str, str]]:
    """Each class of resident drawn: (its group's data-shape, the tag of its first mark)."""
    return {m[0]: (m[1], m[2]) for m in
            re.findall(r'<g class="cc-nodes-(\w+)" fill="[^"]+" stroke="[^"]+" stroke-width="[^"]+" '
                       r'data-shape="(\w+)"><(\w+) ', svg)}


def test_residents_kinds_differ_in_shape_not_only_in_colour(run):
    """WCAG 1.4.1: patients and citizens, and the three kinds of partner, are drawn with different
    shapes (not different colours of one dot), and each legend sample differs from the others in
    more than its fill colour: it has the shape and outline of the class it names."""
    from sim.population import CARER_PARTNER, CITIZEN_PARTNER, PATIENT_PARTNER
    from sim.viz.network_view import RESIDENT_MARKS, legend_items, legend_swatch

    model = run.model
    role = model.residents.role
    saved = role.copy()
    free = np.flatnonzero((role == 0) & ~model.residents.isolated)[:3]
    try:
        role[free] = [PATIENT_PARTNER, CARER_PARTNER, CITIZEN_PARTNER]   # every kind of partner on show
        drawn = _resident_groups(run.view.svg(model, "en"))
    finally:
        role[:] = saved
    assert {"patient", "citizen", "patient_partner", "carer_partner", "citizen_partner"} <= set(drawn)
    assert drawn["patient"][1] != drawn["citizen"][1]                     # e.g. <circle> and <rect>
    partners = [drawn[k] for k in ("patient_partner", "carer_partner", "citizen_partner")]
    assert len({shape for shape, _ in partners}) == 3
    for name, (shape, _) in drawn.items():
        assert shape == RESIDENT_MARKS[name][0], name
    # the legend: with the fill colour taken out, no two residents' samples are the same drawing
    swatches = {shape: re.sub(r'fill="#[0-9A-Fa-f]+"', "", legend_swatch(shape, colour))
                for shape, colour, _ in legend_items("en") if shape in RESIDENT_MARKS}
    assert set(swatches) == set(RESIDENT_MARKS)
    assert len(set(swatches.values())) == len(swatches)
    for name, swatch in swatches.items():
        assert f'data-shape="{RESIDENT_MARKS[name][0]}"' in swatch, name


def path_area(d: str) -> float:
    """The area of one polygon drawn as an SVG path of relative moves (shoelace)."""
    x, y = map(float, re.match(r"M([-\d.]+) ([-\d.]+)", d).groups())
    pts = [(x, y)]
    for op, args in re.findall(r"([lhv])([-\d. ]+)", d):
        nums = [float(v) for v in args.split()]
        x, y = (x + nums[0], y + nums[1]) if op == "l" else (x + nums[0], y) if op == "h" else (x, y + nums[0])
        pts.append((x, y))
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(pts, pts[1:] + pts[:1]))) / 2


def test_marks_of_each_shape_cover_the_same_area():
    """A square, diamond or triangle is not drawn bigger than a circle of the same radius."""
    from sim.viz.network_view import SHAPES, subpaths

    centre = np.array([[100.0, 100.0]])
    paths = {shape: subpaths(shape, centre, 10.0)[0] for shape in SHAPES}
    assert len(set(paths.values())) == len(SHAPES)
    for shape in ("square", "diamond", "triangle"):
        assert path_area(paths[shape]) == pytest.approx(np.pi * 100, rel=0.02), shape


def test_weak_ties_are_not_drawn_and_long_ties_are_faint(run):
    model = run.model
    tie_paths = re.compile(f'<path d="[^"]+" fill="none" stroke="{COLOURS["tie"]}"')
    assert tie_paths.search(run.view.svg(model, "en"))
    saved = model.ties.strength.copy()
    try:
        model.ties.strength[:] = model.params.states.active_tie_strength * 0.9    # every tie weak
        assert not tie_paths.search(run.view.svg(model, "en"))
    finally:
        model.ties.strength[:] = saved
    strong = np.array([0.9, 0.9, 0.9])
    levels = tie_prominence(strong, np.array([[0.02, 0.0], [0.2, 0.0], [0.6, 0.0]]))
    assert levels[0] == len(TIE_OPACITY) - 1 and levels[0] > levels[1] > levels[2] == 0
    assert tie_prominence(np.array([0.25]), np.array([[0.02, 0.0]]))[0] < levels[0]


def test_layout_puts_tied_residents_near_each_other(scenarios):
    from sim.model import CaringCommunity

    from sim.viz.network_view import _resident_edges

    community, _ = scenarios
    model = CaringCommunity(community, rng=1)
    pos = StableLayout(model).pos[:model.residents.n]
    a, b = _resident_edges(model)
    tie_length = np.linalg.norm(pos[a] - pos[b], axis=1).mean()
    any_pair = np.linalg.norm(pos[:, None] - pos[None], axis=-1).mean()
    assert tie_length < 0.45 * any_pair          # 0.51 when the layout pulled residents home more than to their ties


def test_chart_legend_sits_clear_of_the_axis_labels(run):
    cols = charts.all_columns()
    community, baseline = charts.columns(run.model, cols), charts.columns(run.baseline, cols)
    for chart in charts.CHARTS:
        svg = charts.chart_svg(chart, community, baseline, "fr")
        legend = [float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)" font-size="20"', svg)]
        axis = [float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)" font-size="21" text-anchor="end"', svg)]
        assert len(legend) == len(chart.series) and len(axis) == 3
        # legend baseline + descent above the top axis label's cap height (font 21: about 15 units)
        assert max(legend) + 5 < min(axis) - 15, chart.key
        assert "." not in "".join(re.findall(r">([^<]*\d[^<]*)</text>", svg)), chart.key   # French decimals


def test_charts_show_community_and_baseline(run):
    cols = charts.all_columns()
    community, baseline = charts.columns(run.model, cols), charts.columns(run.baseline, cols)
    for chart in charts.CHARTS:
        svg = chart_svg = charts.chart_svg(chart, community, baseline, "fr")
        assert t(chart.key, "fr").split(" (")[0].replace("'", "&#x27;") in chart_svg
        solid = len(re.findall(r'<polyline(?![^>]*dasharray)', svg))
        dashed = len(re.findall(r'<polyline[^>]*dasharray', svg))
        assert solid == len(chart.series) and dashed == len(chart.series)
        points = re.search(r'points="([^"]+)"', svg).group(1).split()
        assert len(points) == run.model.week + 1


def test_chart_series_differ_in_marker_shape_not_only_in_colour(run):
    """WCAG 1.4.1: in a chart of several series (the four engagement levels) each line carries its own
    marker shape, on the community's line (filled) and the baseline's (hollow), and its legend sample
    shows the same marker; markers of lines that run together are staggered, not stacked."""
    cols = charts.all_columns()
    community, baseline = charts.columns(run.model, cols), charts.columns(run.baseline, cols)
    marks = re.compile(r'<path class="cc-marks" data-series="([^"]+)" data-run="(\w+)" data-marker="(\w+)" '
                       r'd="([^"]+)" fill="([^"]+)"')
    for chart in charts.CHARTS:
        drawn = {(col, role): (shape, d, fill) for col, role, shape, d, fill in
                 marks.findall(charts.chart_svg(chart, community, baseline, "en"))}
        for role in ("community", "baseline", "legend"):
            shapes = [drawn[col, role][0] for col, _, _ in chart.series]
            assert len(set(shapes)) == len(shapes), (chart.key, role)
            # the shape is in the drawing itself, not only in its name: no two series draw the same outline
            outlines = [re.sub(r"M[-\d.]+ [-\d.]+", "", drawn[col, role][1]) for col, _, _ in chart.series]
            assert len(set(outlines)) == len(outlines), (chart.key, role)
        for col, _, colour in chart.series:
            assert drawn[col, "legend"][0] == drawn[col, "community"][0] == drawn[col, "baseline"][0]
            assert drawn[col, "community"][2] == colour and drawn[col, "baseline"][2] == "#FFFFFF"
    engagement = next(c for c in charts.CHARTS if c.key == "chart.engagement")
    assert len(engagement.series) == 4
    year = np.arange(53)                                        # a year of weeks on a one-year axis
    marked = [charts.marker_weeks(year, i, 4, 52) for i in range(4)]
    assert all(m[-1] == 52 for m in marked)                     # every line ends on its marker
    along = [set(m[:-1].tolist()) for m in marked]
    assert all(len(a) >= 3 for a in along)
    assert not any(a & b for i, a in enumerate(along) for b in along[i + 1:])


def test_charts_draw_a_scenario_without_seniors_living_alone(tmp_path):
    """A scenario file whose community has no one 65+ living alone: that group's outcomes are
    NaN every week; its charts still draw (the page's charts raised ValueError on round(nan)),
    with a dash for its value and no 'nan' in the picture, and the other series as usual."""
    yaml = tmp_path / "no-seniors-alone.yaml"
    yaml.write_text("extends: centre-sud\npopulation:\n  share_65plus_living_alone: 0\n")
    community, baseline = workshop_scenarios(str(yaml), 100)
    run = WorkshopRun(community, baseline, levers.defaults(community))
    for _ in range(3):
        run.step()
    cols = charts.all_columns()
    data, base = charts.columns(run.model, cols), charts.columns(run.baseline, cols)
    assert np.isnan(data["isolated_share_65_alone"]).all()
    for chart in charts.CHARTS[:2]:
        for lang in LANGUAGES:
            svg = charts.chart_svg(chart, data, base, lang)
            assert not re.search(r"\bnan\b", svg.lower()), (chart.key, lang)   # ("soignante" has "nan" in it)
            assert f"{t('s.65_alone', lang)}{NBSP if lang == 'fr' else ''}: –" in svg, (chart.key, lang)
            assert len(re.findall(r"<polyline", svg)) == 2                  # "all", community and baseline
    assert charts._fmt(float("nan"), "fr") == "–"


# ----------------------------------------------------------------------------- command line
def test_viz_rejects_a_bad_language(capsys):
    assert main(["viz", "--lang", "de"]) == 2
    err = capsys.readouterr().err
    assert "key '--lang'" in err and "unknown language 'de'" in err and "fr, en" in err


def test_viz_rejects_an_unknown_scenario(capsys):
    assert main(["viz", "centre-sudd"]) == 2
    assert "unknown preset 'centre-sudd'" in capsys.readouterr().err


@pytest.mark.parametrize("seed", ["-1", "150"])
def test_viz_rejects_a_seed_the_page_cannot_show(capsys, seed):
    assert main(["viz", "--seed", seed]) == 2
    err = capsys.readouterr().err
    assert "key '--seed'" in err and "0 to 99" in err and f"found {seed}" in err


def test_viz_rejects_a_bad_size(capsys):
    assert main(["viz", "--residents", "5"]) == 2
    err = capsys.readouterr().err
    assert "key '--residents'" in err and "found 5" in err


def test_viz_refuses_a_size_its_scenario_cannot_have(tmp_path, capsys, monkeypatch):
    """A scenario with many residents per clinic patient (the model needs 20 patients) cannot be
    scaled to 60 residents: refused, naming the minimum, rather than shown larger than asked."""
    monkeypatch.setattr("sim.viz.cli.run_server", lambda cmd, env: 0)   # never start a server
    path = tmp_path / "dense.yaml"
    path.write_text("extends: centre-sud\npopulation:\n  citizens_per_patient: 4.0\n")
    assert main(["viz", str(path), "--residents", "60"]) == 2
    err = capsys.readouterr().err
    assert "key '--residents'" in err and "at least 100 residents" in err and "found 60" in err


def test_viz_refuses_a_port_or_host_it_cannot_listen_on(monkeypatch, capsys):
    """A port already taken (another workshop page) is refused before any address is printed, and
    so are port 0 (the server would pick another port than the one printed) and an unknown host."""
    import socket

    started = []
    monkeypatch.setattr("sim.viz.cli.run_server", lambda cmd, env: started.append(cmd) or 0)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["viz", "--host", "127.0.0.1", "--port", str(port)]) == 2
    out, err = capsys.readouterr()
    assert "key '--port'" in err and f"port {port} on 127.0.0.1 already in use" in err and "http://" not in out
    assert main(["viz", "--port", "0"]) == 2
    assert "between 1 and 65535; found 0" in capsys.readouterr().err
    assert main(["viz", "--host", "no-such-host.invalid"]) == 2
    assert "key '--host'" in capsys.readouterr().err
    assert started == []


def test_viz_command_starts_solara_with_the_settings(monkeypatch, capsys):
    calls = {}

    def fake_run(cmd, env):
        calls["cmd"], calls["env"] = cmd, env
        return 0

    monkeypatch.setattr("sim.viz.cli.run_server", fake_run)
    monkeypatch.setattr("sim.viz.cli.room_address", lambda: "192.168.1.23")
    assert main(["viz", "centre-sud", "--lang", "en", "--port", "9123", "--host", "0.0.0.0"]) == 0
    out = capsys.readouterr().out
    assert "http://localhost:9123/" in out and "Other computers in the room: http://192.168.1.23:9123/" in out
    cmd, env = calls["cmd"], calls["env"]
    assert cmd[1:4] == ["-m", "solara", "run"] and cmd[4].endswith("sim/viz/app.py")
    assert cmd[cmd.index("--port") + 1] == "9123" and cmd[cmd.index("--host") + 1] == "0.0.0.0"
    assert "--production" in cmd and "--no-check-version" in cmd
    assert env["CC_VIZ_LANG"] == "en" and env["CC_VIZ_SCENARIO"] == "centre-sud"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


def test_the_room_is_told_an_address_it_can_open():
    from sim.viz.cli import announcement, room_address

    address = room_address()        # this machine's, if it has a network: never a loopback address
    assert address is None or (not address.startswith("127.") and address.count(".") == 3)
    alone = announcement("centre-sud", 500, "fr", "localhost", 8765, "10.0.0.5")
    assert alone[0].endswith("http://localhost:8765/") and not any("10.0.0.5" in line for line in alone)
    offline = announcement("centre-sud", 500, "fr", "0.0.0.0", 8765, None)
    assert "no network address" in offline[1] and "http://None" not in " ".join(offline)


def test_the_page_module_loads_and_scales_the_preset(monkeypatch):
    import importlib

    monkeypatch.setenv("CC_VIZ_RESIDENTS", "300")
    monkeypatch.setenv("CC_VIZ_LANG", "fr")
    import sim.viz.app as app

    app = importlib.reload(app)
    assert callable(app.Page)
    assert app.COMMUNITY.population.n_residents == 300 and app.BASELINE.population.n_residents == 300
    assert "[scaled by" in app.COMMUNITY.description and 0 < app.SCALE < 1
    assert app.SETTINGS.lang == "fr"
    # the page says so in the page's language only (not the scenario description's English note)
    assert "ramené à 300 résidents" in app.scaled_sentence("fr") and "scaled" not in app.scaled_sentence("fr")
    assert "Preset “centre-sud” scaled to 300 residents" in app.scaled_sentence("en")
    # a scenario file is not called a preset
    import dataclasses

    monkeypatch.setattr(app, "SETTINGS", dataclasses.replace(app.SETTINGS, scenario="my-neighbourhood.yaml"))
    assert app.scaled_sentence("en").startswith("Scenario “centre-sud” scaled to 300 residents")
    assert app.scaled_sentence("fr").startswith("Scénario «")


@pytest.fixture
def page_module(monkeypatch):
    """The page module, for a small community (60 residents) in English."""
    import importlib

    monkeypatch.setenv("CC_VIZ_RESIDENTS", "60")
    monkeypatch.setenv("CC_VIZ_LANG", "en")
    import sim.viz.app as app

    return importlib.reload(app)


def rendered_controls(app, reduced_motion: bool = False, levers_set: dict | None = None):
    """The page's controls, rendered without a browser (for a browser asking for ``reduced_motion``
    or not, with the levers set to ``levers_set``, by default the page's first run's): the render
    context, whose ``find`` gives the widgets."""
    import solara

    @solara.component
    def Controls():
        pending = solara.use_reactive(dict(levers_set or app.DEFAULTS))
        first = solara.use_memo(lambda: app.WorkshopRun(app.COMMUNITY, app.BASELINE, app.DEFAULTS), [])
        app.Controller(solara.use_reactive(first), pending, solara.use_reactive(reduced_motion), "en")

    return solara.render(Controls(), handle_error=False)[1]


def render_controls(app, reduced_motion: bool = False):
    """The page's controls (:func:`rendered_controls`); returns a function that clicks a button."""
    import ipyvuetify as v

    rc = rendered_controls(app, reduced_motion)
    return lambda name: rc.find(v.Btn, class_=name).widget.click()


def test_reset_rebuilds_nothing_while_the_community_is_already_new(page_module, monkeypatch):
    """Each rebuild takes seconds at 5000 residents and the page waits for it: a room clicking Reset
    again and again must not queue one rebuild per click."""
    built = []
    monkeypatch.setattr(page_module, "WorkshopRun", lambda *a, **k: built.append(a) or WorkshopRun(*a, **k))
    click = render_controls(page_module)
    assert len(built) == 1
    for _ in range(3):
        click("cc-reset")
    assert len(built) == 1                                   # already the community Reset would make
    click("cc-step")
    click("cc-reset")
    click("cc-reset")
    assert len(built) == 2                                   # once after a step, then nothing again
    # a lever changed (here the seed) is a new community: Reset builds it
    run = WorkshopRun(page_module.COMMUNITY, page_module.BASELINE, page_module.DEFAULTS)
    assert run.is_new_with(page_module.DEFAULTS) and not run.is_new_with({**page_module.DEFAULTS, "seed": 1})


def test_reset_keeps_the_browsers_reduced_motion(page_module, monkeypatch):
    """A browser asking for reduced motion keeps it after Reset: the new run's residents do not glide."""
    built = []
    monkeypatch.setattr(page_module, "WorkshopRun", lambda *a, **k: built.append(WorkshopRun(*a, **k)) or built[-1])
    for reduced in (True, False):
        click = render_controls(page_module, reduced_motion=reduced)
        click("cc-step")
        click("cc-reset")
        assert built[-1].week == 0 and built[-1].view.reduced_motion is reduced


def test_a_lever_that_cannot_act_is_not_shown_as_a_group_heading(page_module, monkeypatch):
    """In the hospital-centred baseline most levers cannot act: their names are greyed labels under
    their group, not headings like the groups' own."""
    import solara

    monkeypatch.setattr(page_module, "COMMUNITY", workshop_scenarios("hospital-baseline", 60)[0])

    @solara.component
    def Levers():
        page_module.Levers(solara.use_reactive(dict(page_module.DEFAULTS)), "fr")

    _, rc = solara.render(Levers(), handle_error=False)
    headings = [w.unsafe_innerHTML for w in rc.find(attributes={"class": "cc-group"}).widgets]
    assert headings == [t(group, "fr") for group in levers.GROUPS]
    inert = [w.unsafe_innerHTML for w in rc.find(attributes={"class": "cc-inert"}).widgets]
    assert t("lever.funding_level", "fr") in inert and len(inert) == len(levers.inert(page_module.COMMUNITY))


def test_a_disconnected_pages_run_is_kept_an_hour_not_solaras_day():
    """The server culls a page that left without closing after an hour (Solara: 24 h), unless the
    facilitator set SOLARA_KERNEL_CULL_TIMEOUT, and Solara reads the value the command gives it."""
    import solara.util

    from sim.viz.cli import server_env

    env = server_env("centre-sud", "fr", 500, 0, base={})
    assert env["SOLARA_KERNEL_CULL_TIMEOUT"] == "1h"
    assert solara.util.parse_timedelta(env["SOLARA_KERNEL_CULL_TIMEOUT"]) == 3600
    assert server_env("centre-sud", "fr", 500, 0, base={"SOLARA_KERNEL_CULL_TIMEOUT": "10m"})[
        "SOLARA_KERNEL_CULL_TIMEOUT"] == "10m"


def test_membership_ties_are_dotted_in_the_picture_and_the_legend(run):
    """Membership ties (to an organization) were grey-orange lines among grey social ties: told apart
    by colour alone. They are dotted, in the picture and in the legend, and nothing else is."""
    from sim.viz.network_view import COLOURS, MEMBER_DASH, legend_items, legend_swatch

    svg = run.view.svg(run.model, "en")
    dashes = dict(re.findall(r'<path d="[^"]*" fill="none" stroke="(#[0-9A-Fa-f]+)"[^>]*?stroke-dasharray="([^"]+)"',
                             svg))
    assert dashes.get(COLOURS["member"]) == MEMBER_DASH
    assert COLOURS["tie"] not in dashes and MEMBER_DASH not in [d for c, d in dashes.items() if c != COLOURS["member"]]
    swatch = {label: legend_swatch(shape, colour) for shape, colour, label in legend_items("en")}
    member = next(v for k, v in swatch.items() if "organization" in k.lower() and "member" in k.lower())
    assert f'stroke-dasharray="{MEMBER_DASH}"' in member
    assert sum(f'stroke-dasharray="{MEMBER_DASH}"' in v for v in swatch.values()) == 1
