"""Calibration: the measurement functions on synthetic cases, the fitting machinery, the command's
errors, and the calibrated defaults staying within the calibration's own tolerance (docs/CALIBRATION.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.calibration import (Emulator, abc_on_emulator, check_options, fit_table, posterior_table,
                                     replication_seeds)
from experiments.calibration_targets import (FITTED, PRIORS, TARGETS, TARGETS_BY_NAME, CalibrationTask,
                                             matched_smd, pre_post_gain_sd, roster_turnover, run_task)
from sim.errors import UserError


# ----------------------------------------------------------------------------- measurement functions
def test_matched_smd_recovers_a_known_effect():
    rng = np.random.default_rng(0)
    n = 4000
    pre_c = rng.uniform(0, 1, n)
    post_c = pre_c + rng.normal(0, 0.1, n)
    strata_c = rng.integers(0, 2, n)
    # Treated: selected on high pre values (confounding), then lowered by 0.05 (= -0.5 SD of the noise).
    pre_t = rng.uniform(0.5, 1, 800)
    post_t = pre_t + rng.normal(0, 0.1, 800) - 0.05
    strata_t = rng.integers(0, 2, 800)
    smd, n_matched = matched_smd(pre_t, post_t, strata_t, pre_c, post_c, strata_c)
    assert n_matched == 800
    # The pooled SD of post includes the spread of pre among the matched: compute the expected SMD.
    sd = np.sqrt(np.var(pre_t) + 0.1 ** 2)
    assert smd == pytest.approx(-0.05 / sd, abs=0.06)
    # No effect: about zero, although the treated are selected on pre.
    smd0, _ = matched_smd(pre_t, post_t + 0.05, strata_t, pre_c, post_c, strata_c)
    assert abs(smd0) < 0.06


def test_matched_smd_respects_strata_and_caliper():
    smd, n = matched_smd(np.array([0.5] * 6), np.array([0.4] * 6), np.array([1] * 6),
                         np.array([0.5] * 6), np.array([0.5] * 6), np.array([0] * 6))
    assert n == 0 and np.isnan(smd)
    smd, n = matched_smd(np.array([0.9] * 6), np.array([0.4] * 6), np.zeros(6),
                         np.array([0.1] * 6), np.array([0.5] * 6), np.zeros(6), caliper=0.05)
    assert n == 0


def test_pre_post_gain_in_sd_units():
    pre = np.array([50.0, 60.0, 70.0, 55.0, 65.0])
    post = pre + 2.5
    assert pre_post_gain_sd(pre, post) == pytest.approx(2.5 / np.std(pre, ddof=1))
    assert np.isnan(pre_post_gain_sd(pre[:3], post[:3]))


def test_roster_turnover_counts_new_alters_and_size_ratio():
    start = {(0, 1), (0, 2), (1, 0), (1, 3), (2, 0)}
    end = {(0, 1), (0, 2), (1, 0), (1, 4), (1, 5), (2, 0)}
    added, ratio = roster_turnover(start, end, np.array([0, 1, 2]))
    assert added == pytest.approx(1 / 3)              # only resident 1 named someone new
    assert ratio == pytest.approx((2 + 3 + 1) / (2 + 2 + 1))


# ----------------------------------------------------------------------------- fitting machinery
def test_emulator_and_abc_find_a_known_optimum():
    rng = np.random.default_rng(1)
    x = rng.random((60, 2))
    y = 1.0 + 2.0 * x[:, 0] - 3.0 * (x[:, 1] - 0.5) ** 2 + rng.normal(0, 0.01, 60)
    em = Emulator(interactions=True).fit(x, y)
    assert em.r2 > 0.98
    assert em.predict(np.array([[0.25, 0.5]]))[0] == pytest.approx(1.5, abs=0.03)
    # Shares are emulated on the logit scale and predicted back as shares.
    p = 1 / (1 + np.exp(-(4 * x[:, 0] - 2)))
    share = Emulator(interactions=False, logit=True).fit(x, p)
    assert share.predict(np.array([[0.5, 0.2]]))[0] == pytest.approx(0.5, abs=0.02)
    assert 0 <= share.variance(np.array([[0.5, 0.2]]))[0] < 1e-3


def test_abc_on_emulator_concentrates_on_the_target():
    names = ["peer_support.competency_gain"]
    lo, hi = PRIORS[names[0]]
    target = TARGETS_BY_NAME["pam_gain_sd"]

    class Linear:  # pam_gain_sd = 0.1 * competency_gain, so the truth is 2.5 if inside the prior
        columns = [0]
        loo_var = 0.0

        def predict(self, unit):
            return 0.1 * (lo + unit[:, 0] * (hi - lo))

        def variance(self, unit):
            return np.zeros(len(unit))

    samples = abc_on_emulator({"pam_gain_sd": Linear()}, names, 20000, 0.02, np.random.default_rng(2))
    truth = target.value / 0.1
    post = posterior_table(samples, names)
    assert post.loc[0, "low_95"] <= truth <= post.loc[0, "high_95"]
    assert post.loc[0, "identified"] == "well"


def test_fit_table_flags_targets_outside_tolerance():
    row = {t.name: t.value for t in TARGETS}
    far = dict(row, lonely_65plus=TARGETS_BY_NAME["lonely_65plus"].value + 1.0)
    fit = fit_table(pd.DataFrame([row, far, row]))
    assert not fit.set_index("target").loc["lonely_65plus", "within_tolerance"]
    assert fit.set_index("target").loc["pam_gain_sd", "within_tolerance"]


@pytest.mark.parametrize("kwargs, key", [
    (dict(budget=3), "--budget"), (dict(replications=0), "--replications"), (dict(verify=1), "--verify"),
    (dict(residents=100), "--residents"), (dict(years=5.0), "--years"), (dict(waves=9), "--waves"),
    (dict(accept=0.9), "--accept"),
    (dict(seed=-1), "--seed"),                  # numpy's ValueError("expected non-negative integer")
    (dict(residents=10**9), "--residents")])    # quietly made the largest community there can be
def test_bad_options_are_user_errors(kwargs, key):
    opts = dict(budget=48, replications=1, residents=2000, years=None, waves=3, verify=6, accept=0.01)
    opts.update(kwargs)
    with pytest.raises(UserError) as e:
        check_options(**opts)
    assert e.value.key == key


def test_calibrate_command_rejects_bad_input(capsys):
    from sim.cli import main
    assert main(["calibrate", "--budget", "2", "--out", "unused-calibration-folder"]) == 2
    assert "budget" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--workers", str(10**30)], ["--check", "--workers", str(10**30)]])
def test_calibrate_refuses_more_workers_than_a_pool_can_have(tmp_path, capsys, args):
    """``--workers 10**30`` was an OverflowError traceback from the process pool."""
    from sim.cli import main
    assert main(["calibrate", *args, "--out", str(tmp_path / "cal"), "--quiet"]) == 2
    assert capsys.readouterr().err == "error: key '--workers': expected a number of workers from 1 to 10,000; found " \
                                      f"{10**30}\n"
    assert not (tmp_path / "cal").exists()


def test_calibrate_out_that_cannot_be_a_folder_is_one_message(tmp_path, capsys):
    """An --out inside a file, or where no folder can be made, was NotADirectoryError or FileNotFoundError."""
    from sim.cli import main
    (tmp_path / "taken").write_text("a file")
    assert main(["calibrate", "--out", str(tmp_path / "taken" / "cal"), "--quiet"]) == 2
    assert capsys.readouterr().err == (f"error: file {tmp_path / 'taken' / 'cal'}, key '--out': expected a folder at "
                                       f"{tmp_path / 'taken'} to hold the output folder; found a file\n")
    assert main(["calibrate", "--out", "/proc/no-such-folder", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: file /proc/no-such-folder, key '--out': expected a folder that can be created")


def test_calibrate_refuses_an_empty_out(tmp_path, capsys, monkeypatch):
    """``--out ""`` calibrated into the current folder (``Path("")``)."""
    from sim.cli import main
    monkeypatch.chdir(tmp_path)
    assert main(["calibrate", "--budget", "2", "--out", ""]) == 2   # refused before the options are checked
    assert capsys.readouterr().err == 'error: key \'--out\': expected a file or folder name; found an empty text (--out "")\n'
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- the calibrated defaults
@pytest.fixture(scope="module")
def calibrated_runs():
    """The scenario defaults (the calibrated values) through every measurement experiment, 3 fresh seeds."""
    seeds = replication_seeds(4242, 3)
    rows = [run_task(CalibrationTask(0, i, s, {}, residents=2000)) for i, s in enumerate(seeds)]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("name", FITTED)
def test_calibrated_defaults_stay_within_the_calibration_tolerance(calibrated_runs, name):
    """Each fitted target: the mean over seeds is within the documented tolerance (2 sigma) of the target."""
    t = TARGETS_BY_NAME[name]
    mean = float(calibrated_runs[name].mean())
    assert np.isfinite(mean), f"{name} could not be measured"
    assert t.low <= mean <= t.high, (f"{name}: model mean {mean:.3f} outside the calibration tolerance "
                                     f"{t.value} ± {2 * t.sigma} (docs/CALIBRATION.md); recalibrate or explain")


def test_calibrate_check_prints_the_fit_of_the_defaults_without_fitting(tmp_path, capsys, monkeypatch):
    """`calibrate --check`: the defaults through the measurement experiments, the two tables, status 0
    when every fitted target is met, 1 when one is not; nothing is written."""
    from sim.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["calibrate", "--check", "--verify", "2", "--backend", "serial", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "| lonely_65plus | 0.19 ± 0.04 |" in out and "| stylised fact |" in out
    assert "11/11 targets within tolerance" in out and "(2 seeds from root seed 777001)" in out
    assert out.startswith("| target |")                      # --quiet: no progress lines before the tables
    assert not list(tmp_path.iterdir())
    import experiments.calibration_targets as targets
    far = [t if t.name != "inner_circle" else t.__class__(**{**t.__dict__, "value": 50.0}) for t in targets.TARGETS]
    monkeypatch.setattr("experiments.calibration.TARGETS", far)
    assert main(["calibrate", "--check", "--verify", "2", "--residents", "500", "--backend", "serial", "--quiet"]) == 1
    assert "| inner_circle | 50 ± 2 |" in capsys.readouterr().out
    assert main(["calibrate", "--check", "--verify", "1"]) == 2
