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


def test_a_file_of_another_shape_or_a_path_that_cannot_be_written_is_one_message(tmp_path, capsys, monkeypatch):
    """compare on JSON of another shape (options without residents, options a number) ended in a
    KeyError or TypeError traceback with status 1, as if results had changed; save to a path under a
    file ran every preset first and then ended in a traceback, losing the runs; compare --presets
    was ignored (every preset of the file ran)."""
    def no_runs(*args, **kwargs):
        raise AssertionError("the input should have been refused before any run")

    monkeypatch.setattr(fingerprints, "fingerprints", no_runs)
    cases = {"partial.json": ({"options": {"presets": ["centre-sud"]}, "runs": {}}, "key 'options.residents'"),
             "number.json": ({"options": 3, "runs": {}}, "key 'options'"),
             "list.json": ([1], "found a JSON list"),
             "runs.json": ({"options": {"presets": ["centre-sud"], "residents": 200, "years": 1, "seeds": [0]},
                            "runs": []}, "key 'runs'")}
    for name, (data, says) in cases.items():
        (tmp_path / name).write_text(json.dumps(data))
        assert fingerprints.main(["compare", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: file {tmp_path / name}") and says in err and "Traceback" not in err
    (tmp_path / "bad.json").write_text("{")
    assert fingerprints.main(["compare", str(tmp_path / "bad.json")]) == 2
    assert "found no JSON" in capsys.readouterr().err
    assert fingerprints.main(["compare", str(tmp_path / "partial.json"), "--presets", "centre-sud"]) == 2
    assert "key '--presets': expected no --presets with compare" in capsys.readouterr().err

    (tmp_path / "afile").write_text("")
    assert fingerprints.main(["save", str(tmp_path / "afile" / "x.json"), *OPTIONS]) == 2
    assert f"expected a folder at {tmp_path / 'afile'} to hold the fingerprints; found a file" in capsys.readouterr().err
    assert fingerprints.main(["save", str(tmp_path), *OPTIONS]) == 2
    assert "found a folder" in capsys.readouterr().err
