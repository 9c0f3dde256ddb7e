"""What the researcher's commands say: a resumed sweep with failed runs, a report on a sweep that
kept no summary, spec files that are empty or sweep a list or mapping, warnings and Ctrl-C on the
command line (a user audit of the sweep and report messages)."""

from __future__ import annotations

import yaml

from experiments import run_sweep
from experiments.runner import simulate as _simulate
from sim.cli import main
from sweep_specs import tiny_spec

SPEC = tiny_spec("messages")


def _fail_consensus(scenario, params, seed, weeks):
    if params["governance.decision_rule"] == "consensus":
        raise ValueError("boom in the model")
    return _simulate(scenario, params, seed, weeks)


def _write(path, spec) -> str:
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return str(path)


# ----------------------------------------------------------------------------- failed runs, resumed
def test_a_resumed_sweep_counts_earlier_failures_and_names_retry_failed(tmp_path, capsys):
    """Not '0 runs done now, 4 already finished or skipped, 0 failed ... rc=0' for a folder with 2 failed runs."""
    spec, out = _write(tmp_path / "s.yaml", SPEC), tmp_path / "out"
    first = run_sweep(spec, out, backend="serial", progress=False, simulate=_fail_consensus)
    assert (first.ran, first.failed, first.failed_earlier) == (2, 2, 0)
    again = run_sweep(spec, out, backend="serial", progress=False)
    assert (again.ran, again.failed, again.skipped, again.failed_earlier, again.finished_earlier) == (0, 0, 4, 2, 2)
    assert not again.complete   # two runs are still recorded as failed

    assert main(["sweep", spec, "--out", str(out), "--backend", "serial", "--quiet"]) == 1
    text = capsys.readouterr().out
    assert "0 runs done now, 2 already finished, 2 failed earlier and not retried (--retry-failed reruns them), " \
           "0 failed, of 4" in text, text
    assert f"2 failed runs are recorded in {out}/failed/" in text and "already finished or skipped" not in text

    assert main(["sweep", spec, "--out", str(out), "--backend", "serial", "--quiet", "--retry-failed"]) == 0
    text = capsys.readouterr().out
    assert "2 runs done now, 2 already finished, 0 failed, of 4" in text and "failed earlier" not in text, text
    assert main(["sweep", spec, "--out", str(out), "--backend", "serial", "--quiet"]) == 0
    assert "0 runs done now, 4 already finished, 0 failed, of 4" in capsys.readouterr().out


def test_a_sweep_whose_runs_fail_now_exits_with_status_1(tmp_path, capsys, monkeypatch):
    import experiments.runner as runner

    monkeypatch.setattr(runner, "simulate", _fail_consensus)
    spec, out = _write(tmp_path / "s.yaml", SPEC), tmp_path / "out"
    assert main(["sweep", spec, "--out", str(out), "--backend", "serial", "--quiet"]) == 1
    text = capsys.readouterr().out
    assert "2 runs done now, 0 already finished, 2 failed, of 4" in text and "--retry-failed" in text, text
