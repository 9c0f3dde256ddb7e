"""Scenario discovery (PRIM) on sweeps whose answer is known: synthetic ones where the outcome meets
the target in a box that the test draws, and a real sweep of the model in which income follows a
funding source's amount."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from analysis import discover, load
from analysis.synthetic import write_sweep
from sim.cli import main
from sim.errors import UserError

END, SHARE, RULE = "funding.sources.0.end_week", "peer_support.share", "governance.decision_rule"
RULES = ["majority", "consensus", "institution_led"]


def _sweep(folder, n=80, replications=2, inside=None, low=0.08, high=0.15, drop=(), seed=0):
    """A sweep of ``n`` design points over an end week, a share and a decision rule, whose mean
    isolation is ``low`` at the points ``inside(point's values)`` and ``high`` elsewhere (with a
    little noise between replications)."""
    rng = np.random.default_rng(seed)
    design = pd.DataFrame({"point": range(n), END: rng.integers(52, 521, n), SHARE: rng.uniform(0, 1, n),
                           RULE: rng.choice(RULES, n)})
    inside = inside or (lambda d: d[END] > 300 and d[SHARE] < 0.4)
    rows = [{"point": p, "replication": r, "seed": 1000 + r,
             "isolated_share_65_alone": (low if inside(design.iloc[p]) else high) + rng.normal(0, 0.002)}
            for p in range(n) for r in range(replications) if (p, r) not in drop]
    write_sweep(folder, design, pd.DataFrame(rows), {"design": "lhs", "replications": replications})
    return load(folder), design


def _limits(found) -> dict:
    return {row.parameter: (row.low, row.high, row.values) for row in found.limits.itertuples(index=False)}


def test_the_box_is_where_the_outcome_meets_the_target(tmp_path):
    results, design = _sweep(tmp_path)
    found = discover(results, "isolated_share_65_alone", below=0.1)
    inside = (design[END] > 300) & (design[SHARE] < 0.4)
    assert (found.n_points, found.points_of_interest) == (80, int(inside.sum()))
    limits = _limits(found)
    assert set(limits) == {END, SHARE}                       # the decision rule does not matter
    end_low, end_high, _ = limits[END]
    share_low, share_high, _ = limits[SHARE]
    assert design.loc[inside, END].min() >= end_low > design.loc[~inside & (design[SHARE] < 0.4), END].max()
    assert np.isnan(end_high) or end_high >= design.loc[inside, END].max() - 10
    assert np.isnan(share_low)                               # open below: every small share is in
    assert design.loc[inside, SHARE].max() <= share_high < design.loc[~inside & (design[END] > 300), SHARE].min()
    assert found.coverage == 1.0 and found.density == 1.0 and found.points_in_box == int(inside.sum())
    assert found.caution is None
    text = found.describe()
    assert f"{int(inside.sum())} of 80 design points have a mean isolated_share_65_alone below 0.1" in text
    assert f"{SHARE}: at most" in text and f"(any value of {RULE})" in text


def test_above_a_target_and_a_category_the_box_keeps(tmp_path):
    results, _ = _sweep(tmp_path, inside=lambda d: d[RULE] == "consensus" and d[SHARE] > 0.5, low=0.3, high=0.1)
    found = discover(results, "isolated_share_65_alone", above=0.2)
    limits = _limits(found)
    assert set(limits) == {RULE, SHARE}
    assert limits[RULE][2] == "consensus"
    assert 0.45 < limits[SHARE][0] <= 0.55 and np.isnan(limits[SHARE][1])
    assert found.density == 1.0 and found.coverage >= 0.9
    assert f"{RULE}: consensus" in found.describe() and found.target == "above 0.2"


def test_a_target_no_box_holds_densely_comes_with_a_caution(tmp_path):
    """With the points meeting the target scattered at random, no box is 95% dense: the densest is
    kept and the result says so."""
    rng = np.random.default_rng(5)
    chosen = set(rng.choice(80, 30, replace=False).tolist())
    results, design = _sweep(tmp_path, inside=lambda d: int(d.name) in chosen)
    found = discover(results, "isolated_share_65_alone", below=0.1, density=0.95)
    assert found.density < 0.95 and found.density == found.trajectory["density"].max()
    assert found.caution is not None and "no box is 95% dense" in found.caution
    assert "caution: no box is 95% dense" in found.describe()


def test_the_trajectory_is_prims_and_the_chosen_box_is_on_it(tmp_path):
    results, _ = _sweep(tmp_path)
    found = discover(results, "isolated_share_65_alone", below=0.1, density=0.9)
    t = found.trajectory
    assert list(t.columns) == ["box", "coverage", "density", "points", "restricted"]
    assert t.loc[0, "points"] == 80 and t.loc[0, "coverage"] == 1.0 and t.loc[0, "restricted"] == 0
    assert (t["points"].diff().dropna() <= 0).all()           # peeling only ever removes points
    chosen = t.loc[found.chosen]
    assert (chosen["coverage"], chosen["density"]) == (found.coverage, found.density)
    dense = t[t["density"] >= 0.9]
    assert found.coverage == dense["coverage"].max()


@pytest.mark.parametrize("kwargs, message", [
    ({}, "expected one target, --below VALUE or --above VALUE; found neither"),
    ({"below": 0.1, "above": 0.2}, "found both"),
    ({"below": 0.01}, "no design point has a mean isolated_share_65_alone below 0.01 (the point means range from"),
    ({"above": 0.01}, "every design point has a mean isolated_share_65_alone above 0.01"),
    ({"below": 0.1, "density": 0.0}, "expected a share above 0 and at most 1; found 0.0"),
    ({"below": 0.1, "peel_alpha": 0.9}, "expected a share above 0 and at most 0.5; found 0.9"),
    ({"below": float("nan")}, "expected a finite number"),
])
def test_a_target_that_cannot_be_tested_is_a_clear_error(tmp_path, kwargs, message):
    results, _ = _sweep(tmp_path)
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        discover(results, "isolated_share_65_alone", **kwargs)


def test_a_sweep_discovery_cannot_use_is_refused(tmp_path):
    few, _ = _sweep(tmp_path / "few", n=6)
    with pytest.raises(UserError, match="needs at least 10 design points; this sweep has 6"):
        discover(few, "isolated_share_65_alone", below=0.1)
    short, _ = _sweep(tmp_path / "short", drop={(3, 1)})
    with pytest.raises(UserError, match="1 of 80 design points lack some of their 2 replications"):
        discover(short, "isolated_share_65_alone", below=0.1)
    whole, _ = _sweep(tmp_path / "whole")
    with pytest.raises(UserError, match="no outcome 'isolated' in these results"):
        discover(whole, "isolated", below=0.1)
    with pytest.raises(UserError, match="needs a sweep folder"):
        discover(whole.select(0), "isolated_share_65_alone", below=0.1)


def test_without_the_ema_workbench_the_message_says_what_to_install(tmp_path, monkeypatch):
    results, _ = _sweep(tmp_path)
    monkeypatch.setitem(sys.modules, "ema_workbench", None)
    monkeypatch.setitem(sys.modules, "ema_workbench.analysis", None)
    with pytest.raises(UserError, match=r"pip install 'caring-community\[discovery\]'"):
        discover(results, "isolated_share_65_alone", below=0.1)


def test_the_command_prints_the_box_and_refuses_bad_input_with_status_2(tmp_path, capsys):
    _sweep(tmp_path / "sweep")
    assert main(["discover", str(tmp_path / "sweep"), "--below", "0.1"]) == 0
    out = capsys.readouterr().out
    assert "design points have a mean isolated_share_65_alone below 0.1" in out and f"{END}:" in out
    assert main(["discover", str(tmp_path / "sweep"), "--below", "0.1", "--outcome", "isolatd_share_65_alone"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "did you mean 'isolated_share_65_alone'" in err
    assert main(["discover", str(tmp_path / "sweep")]) == 2
    assert "expected one target" in capsys.readouterr().err
    assert main(["discover", str(tmp_path / "nothing"), "--below", "0.1"]) == 2


def test_on_a_real_sweep_the_box_is_the_funding_that_brings_the_income(tmp_path):
    """A real Latin-hypercube sweep of the model (200 residents, 4 weeks): a funding source's amount
    sets the income, the city's seats do not; income above its median is the amount above a cut,
    whatever the seats."""
    from experiments import run_sweep

    spec = {"name": "discover", "base_scenario": "centre-sud", "residents": 200, "weeks": 4, "replications": 1,
            "root_seed": 4, "fixed": {"network.burn_in_weeks": 2}, "design": "lhs", "samples": 16,
            "ranges": {"funding.sources.0.amount_per_year": [0, 1_000_000], "governance.seats.city": [0, 3]}}
    run_sweep(spec, tmp_path / "sweep", backend="serial", progress=False)
    results = load(tmp_path / "sweep", weekly=False)
    income = results.summary.set_index("point")["income"]
    cut = float(income.median())
    found = discover(results, "income", above=cut)
    assert found.target == f"above {cut:,.10g}" and "e+" not in found.target
    amount = results.design.set_index("point")["funding.sources.0.amount_per_year"]
    assert list(found.limits["parameter"]) == ["funding.sources.0.amount_per_year"]
    low = found.limits["low"].iloc[0]
    assert amount[income > cut].min() >= low > amount[income <= cut].max()
    assert (found.coverage, found.density) == (1.0, 1.0)


def test_a_limit_on_a_whole_number_is_the_whole_number_it_lets_in(tmp_path):
    """An integer lever (initial partners, 1 to 12) is bounded by the whole numbers the box holds
    ("at least 7"), not by the point between two values that PRIM's pasting draws the line at."""
    rng = np.random.default_rng(2)
    n = 60
    design = pd.DataFrame({"point": range(n), "retention.initial_patient_partners": rng.integers(1, 13, n),
                           SHARE: rng.uniform(0, 1, n)})
    rows = [{"point": p, "replication": 0, "seed": 1000,
             "isolated_share_65_alone": 0.08 if design.loc[p, "retention.initial_patient_partners"] >= 7 else 0.15}
            for p in range(n)]
    write_sweep(tmp_path, design, pd.DataFrame(rows), {"design": "lhs", "replications": 1})
    found = discover(load(tmp_path), "isolated_share_65_alone", below=0.1)
    limits = _limits(found)
    assert set(limits) == {"retention.initial_patient_partners"}
    assert limits["retention.initial_patient_partners"][0] == 7 and np.isnan(limits["retention.initial_patient_partners"][1])
    assert "retention.initial_patient_partners: at least 7\n" in found.describe() + "\n"
    assert (found.coverage, found.density) == (1.0, 1.0)
