"""experiments.scaling: per-resident outcomes of a preset at several sizes (README, "Sweeps at a smaller size")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from experiments.scaling import PER_1000, SHARES, final_year, scaling

ROOT = Path(__file__).resolve().parent.parent


def test_final_year_takes_shares_as_means_and_counts_per_1000_residents():
    weeks = pd.DataFrame({"week": range(1, 105)})
    for c in SHARES:
        weeks[c] = [0.0] * 52 + [0.5] * 52                # only the final 52 weeks count
    weeks["partners_total"] = [0] * 52 + [4] * 52
    weeks["ed_visits"] = [9] * 52 + [1] * 52
    weeks["spending_total"] = [0.0] * 52 + [100.0] * 52
    row = final_year(weeks, residents=2000)
    assert all(row[c] == 0.5 for c in SHARES)
    assert row["partners_total_per_1000"] == 2.0           # a roster of 4 among 2,000 residents
    assert row["ed_visits_per_1000"] == 26.0               # 52 visits in the year
    assert row["spending_total_per_1000"] == 2600.0
    assert set(row) == {*SHARES, *(f"{c}_per_1000" for c in PER_1000)}


def test_scaling_has_a_row_per_size_and_the_full_community_last():
    table = scaling("centre-sud", sizes=(300,), years=0.1, seeds=1)
    assert list(table.index) == [300, 18000]
    assert table.notna().all().all()


def test_scaling_refuses_a_size_it_cannot_make_in_one_line():
    out = subprocess.run([sys.executable, "-m", "experiments.scaling", "--sizes", "5"], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 2 and "key '--sizes': expected at least 30 residents" in out.stderr
    assert "Traceback" not in out.stderr
