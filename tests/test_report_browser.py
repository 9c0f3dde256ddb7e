"""The HTML report opened in headless Chromium: no console errors, figures rendered, no network,
and French and English versions that differ in their words but not in their numbers."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.sample import sobol as sobol_sample

from analysis import write_report
from analysis.synthetic import plausible_final, write_replications, write_sweep

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# As for the workshop page's browser tests: a missing browser is a failure, not a skip, unless
# CC_SKIP_BROWSER_TESTS=1 says this machine cannot run them.
if not CHROMIUM.exists() and os.environ.get("CC_SKIP_BROWSER_TESTS") == "1":
    pytest.skip(f"CC_SKIP_BROWSER_TESTS=1: no chromium at {CHROMIUM}", allow_module_level=True)


@pytest.fixture(autouse=True)
def _chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"no chromium at {CHROMIUM} (install Debian's: apt-get install chromium; never `playwright "
                    "install`), or set CC_SKIP_BROWSER_TESTS=1 to skip the browser tests")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    scen = write_replications(root / "scen", range(5), "centre-sud", effect=0.8)
    base = write_replications(root / "base", range(5), "hospital-baseline", effect=0.0)
    names = ["funding.amount", "retention.partners"]
    problem = {"num_vars": 2, "names": names, "bounds": [[0.0, 1.0], [0.0, 1.0]]}
    x = sobol_sample.sample(problem, 16, calc_second_order=False, seed=1)
    rows = []
    for p, (a, b) in enumerate(x):
        for r in range(2):
            final = plausible_final(np.random.default_rng([r]), 0.7 * a + 0.3 * b)
            rows.append({"point": p, "replication": r, "seed": 1000 + r, **final})
    design = pd.DataFrame(x, columns=names)
    design.insert(0, "point", range(len(design)))
    sweep = write_sweep(root / "sweep", design, pd.DataFrame(rows),
                        {"design": "sobol", "replications": 2, "salib_problem": problem, "N": 16,
                         "calc_second_order": False})
    out = {}
    for lang in ("en", "fr"):
        out[lang] = write_report(scen, root / f"compare-{lang}.html", baseline=base, lang=lang)
        out[f"sweep-{lang}"] = write_report(sweep, root / f"sweep-{lang}.html", lang=lang)
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _open(browser, path: Path) -> dict:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    info = page.evaluate("""() => ({
        images: [...document.images].map(i => ({w: i.naturalWidth, h: i.naturalHeight, done: i.complete})),
        numbers: [...document.querySelectorAll('span.num')].map(s => [s.dataset.value, s.textContent]),
        text: document.body.innerText,
        lang: document.documentElement.lang,
    })""")
    page.close()
    info["errors"], info["requests"] = errors, requests
    return info


@pytest.mark.parametrize("name", ["en", "fr", "sweep-en", "sweep-fr"])
def test_report_opens_without_errors_and_renders_its_figures(browser, reports, name):
    info = _open(browser, reports[name])
    assert info["errors"] == []
    assert len(info["images"]) >= (1 if name.startswith("sweep") else 4)
    assert all(i["done"] and i["w"] > 0 and i["h"] > 0 for i in info["images"])
    external = [u for u in info["requests"] if not u.startswith(("file:", "data:"))]
    assert external == []
    assert info["lang"] == name[-2:]


def test_report_is_self_contained(reports):
    text = reports["en"].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", text)
    assert "<script" not in text


def _plain(number_text: str, lang: str) -> str:
    """A shown number in one notation: French ``1 234,5 %`` and English ``1,234.5%`` both give ``1234.5%``;
    percentage points (``pts``, ``p.p.``, written in full or not) lose their unit."""
    for unit in ("percentage points", "percentage point", "points de pourcentage", "point de pourcentage", "pts", "p.p."):
        number_text = number_text.replace(unit, "")
    t = number_text.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    t = t.replace(",", ".") if lang == "fr" else t.replace(",", "")
    return t.replace("$", "")


@pytest.mark.parametrize("pair", [("en", "fr"), ("sweep-en", "sweep-fr")])
def test_french_and_english_differ_in_words_not_numbers(browser, reports, pair):
    en, fr = (_open(browser, reports[k]) for k in pair)
    assert [v for v, _ in en["numbers"]] == [v for v, _ in fr["numbers"]]
    assert len(en["numbers"]) > 10
    assert [_plain(t, "en") for _, t in en["numbers"]] == [_plain(t, "fr") for _, t in fr["numbers"]]
    assert en["text"] != fr["text"]
    words_en = set(re.findall(r"[a-zA-Z]{5,}", en["text"]))
    words_fr = set(re.findall(r"[a-zA-Zéèàùç]{5,}", fr["text"]))
    assert len(words_en - words_fr) > 30
    assert "isolation among people 65+ living alone" in en["text"].lower()
    if not pair[0].startswith("sweep"):
        assert "L’isolement des personnes de 65 ans et plus vivant seules" in fr["text"]
        assert "per person no longer isolated" in en["text"]
        assert "par personne qui n’est plus isolée" in fr["text"]
