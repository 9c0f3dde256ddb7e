"""The currency a scenario's amounts are in (``funding.currency``): checked by the schema, written as
each language writes it in reports, charts and the run's summary line, and never mixed: a baseline
or a set of replications in another currency, or a sweep that varies it, is refused. Folders written
before scenarios named a currency report in dollars."""

from __future__ import annotations

import html as htmllib
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import load, plots
from analysis.i18n import NNBSP, fmt
from analysis.report import build_report
from analysis.synthetic import plausible_final, write_replications, write_run, write_sweep
from experiments import plan_sweep
from sim.cli import main
from sim.errors import ScenarioError, UserError
from sim.scenario import load_scenario
from sim.viz import charts
from sweep_specs import tiny_spec

SEEDS = (1000, 1001, 1002)


def _text(page: str) -> str:
    """The report's visible text (tags removed, entities decoded)."""
    return htmllib.unescape(re.sub(r"<[^>]+>", "", page.split("</style>")[-1]))


def _amounts(page: str) -> list[str]:
    """The amounts the report writes (every number shown with a currency mark)."""
    return [htmllib.unescape(n) for n in re.findall(r'<span class="num"[^>]*>([^<]*)</span>', page)
            if re.search(r"[$€£¥]|CHF", htmllib.unescape(n))]


# ----------------------------------------------------------------------------- the schema
def test_the_default_is_canadian_dollars_and_paris_is_in_euros():
    assert load_scenario("centre-sud").funding.currency == "CAD"
    assert load_scenario("hospital-baseline").funding.currency == "CAD"
    assert load_scenario("paris-mental-health").funding.currency == "EUR"
    assert load_scenario("centre-sud", {"funding.currency": "CHF"}).funding.currency == "CHF"


@pytest.mark.parametrize("value, hint", [("eur", "did you mean 'EUR'? codes are written in capitals"),
                                         ("€", "did you mean 'EUR'? write the code, not the symbol"),
                                         ("EURO", "did you mean 'EUR'?"), ("CDA", "did you mean 'CAD'?"),
                                         (" EUR ", "did you mean 'EUR'? without the spaces around it"),
                                         ("XYZ", None)])
def test_an_unknown_currency_names_the_key_the_allowed_codes_and_the_nearest(tmp_path, value, hint):
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"extends": "centre-sud", "funding": {"currency": value}}, allow_unicode=True))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    e = info.value
    assert (e.key, e.file) == ("funding.currency", str(path))
    assert "expected an ISO 4217 currency code, one of CAD, USD, AUD, NZD, EUR, GBP" in e.detail
    assert f"found {value!r}" in e.detail
    if hint:
        assert hint in e.detail
    else:
        assert "did you mean" not in e.detail


def test_the_currency_is_a_label_the_results_do_not_change():
    from sim import run, scale_scenario
    cad = scale_scenario(load_scenario("paris-mental-health", {"funding.currency": "CAD"}), 300)
    eur = scale_scenario(load_scenario("paris-mental-health"), 300)
    pd.testing.assert_frame_equal(run(cad, seed=2, years=0.3), run(eur, seed=2, years=0.3))


# ----------------------------------------------------------------------------- how amounts are written
@pytest.mark.parametrize("code, en, fr", [
    ("CAD", "$12,345", f"12{NNBSP}345{NNBSP}$"), ("USD", "$12,345", f"12{NNBSP}345{NNBSP}$"),
    ("EUR", "€12,345", f"12{NNBSP}345{NNBSP}€"), ("GBP", "£12,345", f"12{NNBSP}345{NNBSP}£"),
    ("CHF", "CHF\u00a012,345", f"12{NNBSP}345{NNBSP}CHF"), (None, "$12,345", f"12{NNBSP}345{NNBSP}$")])
def test_amounts_are_written_as_each_language_writes_them(code, en, fr):
    assert fmt(12345.4, "money", "en", currency=code) == en
    assert fmt(12345.4, "money", "fr", currency=code) == fr


def test_a_sign_comes_before_the_symbol_in_english_and_before_the_number_in_french():
    assert fmt(-1500, "money", "en", currency="EUR") == "−€1,500"
    assert fmt(1500, "money", "en", sign=True, currency="EUR") == "+€1,500"
    assert fmt(-1500, "money", "en", currency="CHF") == "−CHF\u00a01,500"
    assert fmt(-1500, "money", "fr", currency="EUR") == f"−1{NNBSP}500{NNBSP}€"


def test_an_amount_of_a_million_or_more_is_signed_in_both_languages():
    """A signed amount with two group separators (an English difference of €1,000,000 or more) was
    read back as a float to decide its sign, and '1.234.568' stopped the report with a traceback."""
    assert fmt(1234567.8, "money", "en", sign=True, currency="EUR") == "+€1,234,568"
    assert fmt(-3009561.0, "money", "en", currency="EUR") == "−€3,009,561"
    assert fmt(-3009561.0, "money", "fr", currency="EUR") == f"−3{NNBSP}009{NNBSP}561{NNBSP}€"
    assert fmt(-0.4, "money", "en", sign=True, currency="EUR") == "€0"


def test_a_report_on_a_spending_difference_of_millions_is_written(tmp_path):
    for seed in SEEDS:
        final = plausible_final(np.random.default_rng(seed), effect=1.0)
        final.update({k: v * 30 for k, v in final.items() if k.startswith("spending_")})   # about €3,000,000 a year
        write_run(tmp_path / "paris" / f"s{seed}", seed, final, "paris", currency="EUR")
        write_run(tmp_path / "base" / f"s{seed}", seed, plausible_final(np.random.default_rng(seed)), "base",
                  currency="EUR")
    page = build_report(load(tmp_path / "paris"), load(tmp_path / "base"), lang="en", figures=False)
    assert any(a.startswith("+€") and a.count(",") == 2 for a in _amounts(page)), _amounts(page)


def test_the_live_page_names_the_currency_of_its_spending_chart():
    chart = next(c for c in charts.CHARTS if c.key == "chart.spending")
    data = {"spending_cumulative": np.array([0.0, 1000.0, 2500.0])}
    assert "Cumulative spending (thousand €)" in charts.chart_svg(chart, data, data, "en", "EUR")
    assert "Dépenses cumulées (milliers de €)" in charts.chart_svg(chart, data, data, "fr", "EUR")
    assert "Cumulative spending (thousand $)" in charts.chart_svg(chart, data, data, "en")


# ----------------------------------------------------------------------------- reports
@pytest.fixture(scope="module")
def euros(tmp_path_factory):
    return write_replications(tmp_path_factory.mktemp("eur") / "paris", SEEDS, "paris", effect=0.5, currency="EUR")


@pytest.fixture(scope="module")
def dollars(tmp_path_factory):
    """Runs written before scenarios named a currency: no funding.currency in their scenario.yaml."""
    return write_replications(tmp_path_factory.mktemp("old") / "base", SEEDS, "hospital-baseline")


def test_a_report_on_runs_in_euros_writes_euros_in_both_languages(euros):
    results = load(euros)
    assert results.currency == "EUR"
    en, fr = build_report(results, lang="en", figures=False), build_report(results, lang="fr", figures=False)
    assert _amounts(en) and all(a.lstrip("−+").startswith("€") for a in _amounts(en)), _amounts(en)
    assert _amounts(fr) and all(a.endswith(f"{NNBSP}€") for a in _amounts(fr)), _amounts(fr)
    assert "$" not in _text(en) and "$" not in _text(fr)


def test_the_chart_axes_name_the_currency(euros, monkeypatch):
    seen = {}
    real_bars, real_scatter = plots.spending_bars, plots.cost_scatter

    def bars(lines, scenario, baseline, labels, title, lang):
        seen["bars"] = labels["money"]
        return real_bars(lines, scenario, baseline, labels, title, lang)

    def scatter(fewer, extra, labels, lang):
        seen["scatter"] = (labels["y"], labels["ratio_label"])
        return real_scatter(fewer, extra, labels, lang)

    monkeypatch.setattr(plots, "spending_bars", bars)
    monkeypatch.setattr(plots, "cost_scatter", scatter)
    other = write_replications(euros.parent / "base-eur", SEEDS, "hospital-baseline", currency="EUR")
    build_report(load(euros), load(other), "fr", figures=False)
    assert seen["bars"] == "€ par an"
    assert seen["scatter"][0] == "dépenses supplémentaires par an (€)"
    assert seen["scatter"][1] == "" or seen["scatter"][1].endswith(f"{NNBSP}€")


def test_an_old_folder_without_a_currency_loads_and_reports_in_dollars(dollars):
    assert "currency" not in yaml.safe_load(next(dollars.glob("*/scenario.yaml")).read_text()).get("funding", {})
    results = load(dollars)
    assert results.currency == "CAD"
    en = build_report(results, lang="en", figures=False)
    assert _amounts(en) and all(a.lstrip("−+").startswith("$") for a in _amounts(en))
    assert all(a.endswith(f"{NNBSP}$") for a in _amounts(build_report(results, lang="fr", figures=False)))


def test_old_runs_and_new_runs_in_dollars_are_replications_of_one_scenario(tmp_path):
    """A run folder written before this change (its resolved funding has no currency) beside one written now."""
    folder = tmp_path / "reps"
    write_replications(folder, SEEDS[:2], "centre-sud", currency="CAD")
    old = next(folder.glob("*seed1000"))
    (old / "scenario.yaml").write_text(yaml.safe_dump({"name": "centre-sud", "seed": 1000, "funding": {"sources": []}}))
    new = next(folder.glob("*seed1001"))
    (new / "scenario.yaml").write_text(yaml.safe_dump({"name": "centre-sud", "seed": 1001,
                                                       "funding": {"sources": [], "currency": "CAD"}}))
    assert load(folder).currency == "CAD"


def test_replications_in_two_currencies_are_refused(tmp_path):
    folder = tmp_path / "mixed"
    write_replications(folder, SEEDS[:1], "paris", currency="EUR")
    write_replications(folder, SEEDS[1:2], "paris", currency="CAD")
    with pytest.raises(UserError, match="mix parameter sets.*'funding.currency'"):
        load(folder)


def test_a_baseline_in_another_currency_is_refused_with_exit_status_2(euros, dollars, capsys):
    with pytest.raises(UserError) as info:
        build_report(load(euros), load(dollars), "en", figures=False)
    e = info.value
    assert (e.key, e.file) == ("funding.currency", str(dollars))
    assert "expected its amounts in the scenario's currency, EUR; found CAD" in e.detail
    assert main(["report", str(euros), "--baseline", str(dollars), "--out", str(euros.parent / "r.html")]) == 2
    assert "found CAD (funding.currency" in capsys.readouterr().err
    assert not (euros.parent / "r.html").exists()


def _sweep_in(folder, currency):
    design = pd.DataFrame({"point": [0, 1], "funding.a": [1, 2]})
    rows = [{"point": p, "replication": r, "seed": SEEDS[r], **plausible_final(np.random.default_rng([p, r]), 0.3)}
            for p in range(2) for r in range(3)]
    out = write_sweep(folder, design, pd.DataFrame(rows), {"design": "full_factorial", "replications": 3})
    (out / "base_scenario.yaml").write_text(yaml.safe_dump({"name": "paris", "funding": {"currency": currency}}))
    return out


def test_a_sweep_reports_in_its_base_scenarios_currency_and_refuses_a_baseline_in_another(tmp_path, dollars):
    sweep = load(_sweep_in(tmp_path / "sweep", "EUR"))
    assert sweep.currency == sweep.select(0).currency == "EUR"
    assert all(a.endswith(f"{NNBSP}€") for a in _amounts(build_report(sweep, lang="fr", figures=False)))
    with pytest.raises(UserError, match="expected its amounts in the scenario's currency, EUR; found CAD"):
        build_report(sweep, load(dollars), "en", figures=False)


@pytest.mark.parametrize("where", ["parameters", "points"])
def test_a_sweep_cannot_vary_the_currency(where):
    if where == "parameters":
        spec = tiny_spec("cur", parameters={"funding.currency": ["CAD", "EUR"]})
    else:
        spec = tiny_spec("cur", design="points", parameters={},
                         points=[{"funding.currency": "CAD"}, {"funding.currency": "EUR"}])
    with pytest.raises(UserError) as info:
        plan_sweep(spec)
    assert info.value.key == (f"{where}.funding.currency" if where == "parameters" else "points.0.funding.currency")
    assert "a sweep cannot vary" in info.value.detail and "'fixed'" in info.value.detail


def test_a_sweep_may_set_the_currency_for_every_run():
    plan = plan_sweep(tiny_spec("cur", fixed={"network.burn_in_weeks": 4, "funding.currency": "EUR"}))
    assert plan.base.funding.currency == "EUR"
    default = plan_sweep(tiny_spec("cur"))
    assert plan.fingerprint() != default.fingerprint()   # a folder of dollars does not resume in euros


def test_sweeping_the_funding_mapping_suggests_a_key_a_sweep_may_vary():
    """``parameters: {funding: [{currency: EUR}, {currency: CAD}]}`` was told to sweep 'funding.currency'
    instead, which a sweep is then refused for; the suggestion is a key a sweep may vary."""
    spec = tiny_spec("cur", parameters={"funding": [{"currency": "EUR"}, {"currency": "CAD"}]})
    with pytest.raises(UserError) as info:
        plan_sweep(spec)
    assert info.value.key == "parameters.funding" and "sweep the fields inside it instead" in info.value.detail
    assert "funding.currency" not in info.value.detail and "(e.g. 'funding." in info.value.detail


# ----------------------------------------------------------------------------- units in the scenario's currency
@pytest.mark.parametrize("name, code", [("paris-mental-health", "EUR"), ("centre-sud", "CAD")])
def test_the_parameter_table_writes_amounts_in_the_scenarios_currency(name, code, capsys):
    assert main(["scenarios", "show", name, "--params"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert f" {code}/hour " in rows["funding.partner_hourly_rate"]
    assert f" {code}/partner/week " in rows["funding.supervision_cost_per_week"]
    assert f" {code}/year " in rows["funding.sources.0.amount_per_year"]
    assert f" {code}/week " in rows["organizations.0.weekly_cost"]
    assert not any(" $/" in line for line in rows.values())
    assert " week " in rows["funding.sources.0.end_week"]          # a unit without money is as declared


def test_a_runs_codebook_names_its_currency(tmp_path):
    from sim.runner import run_to_folder
    scenario = load_scenario("paris-mental-health", {"population.n_patients": 120, "network.burn_in_weeks": 0})
    run_to_folder(scenario, 1, tmp_path, years=2 / 52)
    book = pd.read_csv(tmp_path / "codebook.csv").set_index(["file", "column"])["unit"]
    assert book[("outcomes.parquet", "spending_total")] == "EUR a week"
    assert book[("outcomes.parquet", "pool")] == "EUR"
    assert book[("summary.csv", "spending_total")] == "EUR a year"
    assert book[("outcomes.parquet", "help_hours")] == "hours a week"
    assert not book.str.contains("funding.currency").any()


def test_a_sweeps_codebook_names_its_currency_swept_amounts_included(tmp_path):
    from experiments import run_sweep
    spec = tiny_spec("cur", fixed={"network.burn_in_weeks": 4, "funding.currency": "EUR"}, weeks=2,
                     replications=1, parameters={"funding.partner_hourly_rate": [20.0, 30.0]})
    run_sweep(spec, tmp_path / "sweep", backend="serial", progress=False)
    book = pd.read_csv(tmp_path / "sweep" / "codebook.csv").set_index(["file", "column"])["unit"]
    assert book[("summary/*.parquet", "spending_total")] == "EUR a year"
    assert book[("summary/*.parquet", "funding.partner_hourly_rate")] == "EUR/hour"
    assert book[("design.parquet", "funding.partner_hourly_rate")] == "EUR/hour"
    assert not book.str.contains(r"funding\.currency|\$", regex=True).any()
