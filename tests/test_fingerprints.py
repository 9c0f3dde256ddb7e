"""``python -m experiments.fingerprints``: the check that a change leaves the presets' results bit-identical."""

from __future__ import annotations

import json

from experiments import fingerprints

OPTIONS = ["--presets", "hospital-baseline", "--residents", "200", "--years", "0.1"]


def test_save_then_compare_is_identical_and_a_changed_column_is_named(tmp_path, capsys):
    path = tmp_path / "before.json"
    assert fingerprints.main(["save", str(path), *OPTIONS]) == 0
    assert fingerprints.main(["compare", str(path)]) == 0
    assert "identical: every column of 2 runs (hospital-baseline; 200 residents" in capsys.readouterr().out

    data = json.loads(path.read_text())
    data["runs"]["hospital-baseline/seed1"]["ed_visits"] = "0" * 16          # as if the results had changed
    del data["runs"]["hospital-baseline/seed0"]["pool"]                     # as if pool were a new column
    path.write_text(json.dumps(data))
    assert fingerprints.main(["compare", str(path)]) == 1
    out = capsys.readouterr().out
    assert "hospital-baseline/seed1: 1 column(s) differ: ed_visits" in out
    assert "hospital-baseline/seed0: columns added: pool; removed: none" in out
    assert "results changed in 1 of 2 runs" in out


def test_bad_input_is_one_message(tmp_path, capsys):
    assert fingerprints.main(["compare", str(tmp_path / "none.json")]) == 2
    assert capsys.readouterr().err.startswith(f"error: file {tmp_path / 'none.json'}: expected fingerprints")
    assert fingerprints.main(["save", str(tmp_path / "x.json"), "--presets", "centre-sued"]) == 2
    assert "found centre-sued" in capsys.readouterr().err
