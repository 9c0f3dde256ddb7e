"""A sweep folder records the model code that made its runs; resuming it with other code is refused
(unless asked for), so that results of two versions of the model are never silently mixed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

import experiments.runner as runner
from experiments import load_sweep, run_sweep
from experiments.runner import model_code, source_digest
from sim.errors import UserError
from sweep_specs import tiny_spec

SPEC = tiny_spec("code")
OTHER = {"version": "9.9.9", "model_source": "0" * 64}


def _meta(out: Path) -> dict:
    return json.loads((out / "meta.json").read_text())


def test_meta_records_the_code_that_made_the_runs(tmp_path):
    run_sweep(SPEC, tmp_path / "s", backend="serial", progress=False, max_runs=1)
    assert _meta(tmp_path / "s")["code"] == model_code()
    assert len(model_code()["model_source"]) == 64


def test_resuming_with_other_model_code_is_refused_unless_allowed(tmp_path, monkeypatch):
    out = tmp_path / "s"
    run_sweep(SPEC, out, backend="serial", progress=False, max_runs=2)
    monkeypatch.setattr(runner, "model_code", lambda: OTHER)
    with pytest.raises(UserError) as info:
        run_sweep(SPEC, out, backend="serial", progress=False)
    message = str(info.value)
    assert info.value.file == str(out)
    assert "other model code" in message and "9.9.9" in message and model_code()["model_source"][:12] in message
    assert "another --out" in message and "--allow-code-change" in message
    assert len(load_sweep(out).summary) == 2            # nothing was added
    with pytest.warns(UserWarning, match="other model code"):
        result = run_sweep(SPEC, out, backend="serial", progress=False, allow_code_change=True)
    assert result.ran == 2 and result.complete
    meta = _meta(out)
    assert meta["code"] == OTHER and meta["earlier_code"] == [model_code()]
    with warnings.catch_warnings():                     # the same (new) code again: resumes quietly
        warnings.simplefilter("error")
        assert run_sweep(SPEC, out, backend="serial", progress=False).ran == 0


def test_the_command_line_names_the_opt_in_flag(tmp_path, monkeypatch, capsys):
    from sim.cli import main
    spec = tmp_path / "s.yaml"
    spec.write_text(json.dumps(SPEC))
    out = tmp_path / "s"
    run_sweep(SPEC, out, backend="serial", progress=False, max_runs=1)
    monkeypatch.setattr(runner, "model_code", lambda: OTHER)
    assert main(["sweep", str(spec), "--out", str(out), "--backend", "serial", "--quiet"]) == 2
    assert "--allow-code-change" in capsys.readouterr().err
    assert main(["sweep", str(spec), "--out", str(out), "--backend", "serial", "--quiet",
                 "--allow-code-change"]) == 0
    err = capsys.readouterr().err   # one plain line, not Python's "file:line: UserWarning: ..." and source line
    assert err == f"warning: {out}: adding runs made by other model code (version 9.9.9, model source 000000000000) " \
                  f"than the folder's earlier runs ({runner._describe_code(model_code())}); meta.json records both\n", err
    assert len(load_sweep(out).summary) == 4


def test_a_folder_written_before_code_was_recorded_still_resumes(tmp_path):
    out = tmp_path / "old"
    run_sweep(SPEC, out, backend="serial", progress=False, max_runs=1)
    meta = _meta(out)
    del meta["code"]
    (out / "meta.json").write_text(json.dumps(meta))
    with pytest.warns(UserWarning, match="before sweeps recorded the model code") as caught:
        result = run_sweep(SPEC, out, backend="serial", progress=False)
    assert len([w for w in caught if "model code" in str(w.message)]) == 1
    assert result.ran == 3 and result.complete
    assert "code" not in _meta(out)                      # its earlier runs' code is still unknown


def test_a_worker_with_other_code_stops_the_sweep_before_writing(tmp_path, monkeypatch):
    real = runner.run_task

    def elsewhere(task):
        result = real(task)
        result.model_source, result.host = "f" * 64, "node-7"
        return result

    monkeypatch.setattr(runner, "run_task", elsewhere)
    with pytest.raises(UserError, match="node-7.*other model code"):
        run_sweep(SPEC, tmp_path / "s", backend="serial", progress=False)
    assert len(load_sweep(tmp_path / "s").summary) == 0


def test_the_source_digest_depends_on_the_source_only(tmp_path):
    """Not on the checkout's path, file times, __pycache__ or line endings; any edit changes it."""
    here = Path(runner.__file__).resolve().parents[1] / "sim"
    a, b = tmp_path / "a" / "sim", tmp_path / "elsewhere" / "b" / "sim"
    shutil.copytree(here, a, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(here, b)
    (b / "__pycache__").mkdir(exist_ok=True)
    (b / "__pycache__" / "junk.cpython-311.py").write_text("x = 1\n")
    old = time.time() - 10_000
    for f in b.rglob("*.py"):
        os.utime(f, (old, old))
    model = b / "model.py"
    model.write_bytes(model.read_bytes().replace(b"\n", b"\r\n"))
    assert source_digest(a) == source_digest(b) == source_digest(here) == model_code()["model_source"]
    (b / "viz" / "app.py").write_text("# the workshop page is not the model\n")
    assert source_digest(b) == source_digest(a)
    (b / "outcomes.py").write_text((b / "outcomes.py").read_text() + "\n# edited\n")
    assert source_digest(b) != source_digest(a)


def test_a_worker_process_elsewhere_computes_the_same_digest(tmp_path):
    """A fresh interpreter started in another folder (as a dask worker is) gets the driver's value."""
    root = Path(runner.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", "from experiments.runner import model_code; "
                          "print(model_code()['model_source'])"], cwd=tmp_path, env=env, text=True,
                         capture_output=True, check=True).stdout.strip()
    assert out == model_code()["model_source"]
