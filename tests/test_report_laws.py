"""Laws of the planner's report, its charts and its sensitivity analysis that a careless edit would break:
which direction word a difference takes, which group is named as left behind or most isolated, when an
interval is shown and how it is bounded, which design point is called the best, what the charts draw.

Each is checked against what the README and the docstrings promise, on synthetic results with known
answers. Written to kill hand-made mutants of ``analysis/report.py``, ``analysis/plots.py`` and
``analysis/sensitivity.py`` that the rest of the suite let through.
"""

from __future__ import annotations

import html as htmllib
import re

import numpy as np
import pandas as pd
import pytest

from analysis import load
from analysis.report import build_report
from analysis.synthetic import plausible_final, write_replications, write_run

HEADLINE = "isolated_share_65_alone"
SEEDS = (1000, 1001, 1002)


def _text(page: str) -> str:
    """The visible text of a report or of a piece of one (tags removed, entities decoded)."""
    return htmllib.unescape(re.sub(r"<[^>]+>", "", page))


def _summary(page: str) -> str:
    """The text of the report's "In short" paragraph."""
    return _text(page.split("<div class='summary'>")[1].split("</div>")[0])


def _runs(folder, finals: dict[int, dict], **kw):
    """Run folders, one per seed, with the final-year values given; returns the loaded results."""
    for seed, final in finals.items():
        write_run(folder / f"s{seed}", seed, final, **kw)
    return load(folder)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    return load(write_replications(tmp_path_factory.mktemp("base"), SEEDS, "hospital-baseline", effect=0.0))


def _shifted(baseline, change) -> dict[int, dict]:
    """Each baseline seed's final year, with ``change(final)`` applied (a dict of new values)."""
    base = baseline.summary.set_index("seed")
    out = {}
    for seed in base.index:
        final = {k: float(v) for k, v in base.loc[seed].items()
                 if isinstance(v, (int, float, np.floating)) and not k.endswith("_start") and k != "weeks"}
        final.update(change(final))
        out[int(seed)] = final
    return out


# ----------------------------------------------------------------------------- isolation: direction words
def test_a_scenario_equal_to_its_baseline_in_every_pair_is_no_difference_not_an_unclear_one(tmp_path, baseline):
    """Isolation the same as the baseline's at every seed: "no difference", not "not clear (0 to 0 includes zero)"."""
    same = _runs(tmp_path / "same", _shifted(baseline, lambda f: {}))
    text = _summary(build_report(same, baseline, "en", figures=False))
    assert "no difference, the same in every pair of runs (3 seeds paired)" in text
    assert "is not clear" not in text and " fell " not in text and " rose " not in text


def test_one_seed_paired_says_no_direction(tmp_path, baseline):
    """From one pair there is no interval: the summary gives the difference without saying isolation fell."""
    one = _runs(tmp_path / "one", {SEEDS[0]: _shifted(baseline, lambda f: {HEADLINE: f[HEADLINE] - 0.05})[SEEDS[0]]})
    for lang, said in (("en", "no confidence interval, so no telling whether it fell"),
                       ("fr", "sans intervalle de confiance")):
        text = _summary(build_report(one, baseline, lang, figures=False))
        assert said in text, text
    assert "fell from" not in _summary(build_report(one, baseline, "en", figures=False))


def test_a_direction_without_an_interval_follows_the_mean():
    """``_direction`` of a difference whose interval is unknown: a negative mean fell, a positive one rose."""
    from analysis.report import _direction

    nan = float("nan")
    assert _direction(nan, nan, -0.01) == "fell" and _direction(nan, nan, 0.01) == "rose"
    assert _direction(nan, nan, 0.0) == "unclear"
    assert _direction(-0.03, -0.01, -0.02) == "fell" and _direction(0.01, 0.03, 0.02) == "rose"
    assert _direction(-0.01, 0.01, 0.0) == "unclear" and _direction(0.0, 0.0, 0.0) == "same"


# ----------------------------------------------------------------------------- for whom
def test_a_group_whose_isolation_did_not_move_is_left_behind(tmp_path, baseline):
    """"Left behind": the groups whose isolation did not fall; one that stayed exactly as it was did not fall."""
    groups = [c for c in baseline.summary if c.startswith("isolated_share_group_")]
    scen = _runs(tmp_path / "scen", _shifted(baseline, lambda f: {
        **{c: f[c] - 0.01 for c in f if c.startswith("isolated_share_")}, "isolated_share_group_lgbti":
        f["isolated_share_group_lgbti"]}))
    assert "isolated_share_group_lgbti" in groups
    text = _summary(build_report(scen, baseline, "en", figures=False))
    behind = text.split("Left behind: on average, isolation did not fall for ")[1].split(").")[0]
    assert behind.startswith("LGBTI+ people (difference 0.0 percentage points")
    assert "the majority" not in behind and "cultural communities" not in behind


def test_the_most_isolated_group_is_the_equity_group_with_the_highest_mean(tmp_path):
    """"The most isolated group is X (v)": the equity group (not a population group such as 65+ living
    alone) whose isolated share is highest on average."""
    finals = {}
    for seed in SEEDS:
        final = plausible_final(np.random.default_rng(seed), 0.5)
        final.update({"isolated_share_group_majority": 0.05, "isolated_share_group_cultural_community": 0.09,
                      "isolated_share_group_lgbti": 0.12 + 0.01 * (seed % 2)})
        finals[seed] = final
    runs = _runs(tmp_path / "runs", finals)
    mean = runs.summary["isolated_share_group_lgbti"].mean()
    text = _summary(build_report(runs, None, "en", figures=False))
    assert f"the most isolated group is LGBTI+ people ({100 * mean:.1f}%)" in text
    assert "les personnes LGBTI+" in _summary(build_report(runs, None, "fr", figures=False))
