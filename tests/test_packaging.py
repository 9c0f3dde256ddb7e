"""The project as a user installs it (a wheel, not a checkout): its data files, licence, build
requirements, ``--version``, and the example sweep specs reachable by name from any folder."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _packages() -> dict[str, Path]:
    """Every package the wheel holds (pyproject's ``packages.find`` includes), by dotted name."""
    include = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    found = {}
    tops = [d for d in ROOT.iterdir() if d.is_dir() and not d.name.startswith(".")]   # not .venv
    for init in (init for top in tops for init in top.rglob("__init__.py")):
        name = ".".join(init.parent.relative_to(ROOT).parts)
        if any(re.fullmatch(pattern.replace(".", r"\.").replace("*", ".*"), name) for pattern in include):
            found[name] = init.parent
    return found


def test_package_data_covers_every_data_file_of_the_packages():
    """Presets, sweep specs and the workshop page's .vue files are read at run time from beside the
    code: each non-Python file in a package must match one of pyproject's package-data globs, or the
    wheel leaves it out and the installed command fails where the checkout works."""
    packages = _packages()
    assert {"sim", "sim.viz", "scenarios", "experiments", "analysis"} <= set(packages)
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]
    shipped = set()
    for name, patterns in globs.items():
        for pattern in patterns:
            shipped |= {p.resolve() for p in packages[name].glob(pattern)}
    data = {p.resolve() for name, folder in packages.items() for p in folder.iterdir()
            if p.is_file() and p.suffix not in (".py", ".pyc")}
    assert data, "expected the presets, specs and .vue files"
    missing = sorted(str(p.relative_to(ROOT)) for p in data - shipped)
    assert not missing, f"data files the wheel would leave out (add them to package-data): {missing}"


def test_licence_file_is_mit_and_packaged():
    assert PYPROJECT["project"]["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Copyright (c) 2026 caring-community contributors" in text
    assert "LICENSE" in PYPROJECT["project"]["license-files"]
    assert re.search(r"^include .*\bLICENSE\b", (ROOT / "MANIFEST.in").read_text(encoding="utf-8"), re.M)


def test_build_requires_a_setuptools_that_reads_an_spdx_licence_string():
    """``license = "MIT"`` (a string, PEP 639) is refused by setuptools before 77 ("must be valid
    exactly by one definition"), so a build without isolation on an older setuptools fails."""
    requires = PYPROJECT["build-system"]["requires"]
    setuptools = next(r for r in requires if r.startswith("setuptools"))
    low = re.search(r">=\s*(\d+)", setuptools)
    assert low and int(low.group(1)) >= 77, setuptools


def test_sdist_carries_what_tests_and_documents_the_project():
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8").split()
    for folder in ("tests", "docs", "benchmarks"):
        assert folder in manifest[manifest.index("graft"):], folder


def test_version_option(capsys):
    from sim.cli import main

    assert main(["--version"]) == 0
    out = capsys.readouterr().out.strip()
    assert re.fullmatch(r"caring-community (\d+\.\d+\S*|unknown \(not installed\))", out), out


@pytest.mark.parametrize("name", ["governance-funding", "peer-support-sobol"])
def test_example_spec_by_name_from_another_folder(name, tmp_path, monkeypatch):
    """An installed package's example specs live in site-packages: ``sweep governance-funding``
    finds them from any folder, as ``run centre-sud`` finds a preset."""
    from experiments.runner import plan_sweep
    from experiments.spec import SPEC_DIR, read_spec, spec_names

    monkeypatch.chdir(tmp_path)
    assert name in spec_names()
    spec, file, _ = read_spec(name)
    assert Path(file) == SPEC_DIR / f"{name}.yaml"
    assert plan_sweep(name).design.n_points > 0   # its base scenario and keys check out too


def test_a_file_here_comes_before_an_example_spec_of_that_name(tmp_path, monkeypatch):
    from experiments.spec import read_spec

    monkeypatch.chdir(tmp_path)
    Path("governance-funding").write_text("base_scenario: centre-sud\nname: mine\nreplications: 1\n",
                                          encoding="utf-8")
    spec, file, _ = read_spec("governance-funding")
    assert file == "governance-funding" and spec.name == "mine"


def test_a_folder_here_does_not_hide_an_example_spec_of_that_name(tmp_path, monkeypatch):
    """``sweep governance-funding`` in a folder holding a folder of that name (an earlier sweep's
    output, say) stopped with "expected a sweep spec file; found a folder": a folder is no spec."""
    from experiments.spec import SPEC_DIR, read_spec

    monkeypatch.chdir(tmp_path)
    Path("governance-funding").mkdir()
    spec, file, _ = read_spec("governance-funding")
    assert Path(file) == SPEC_DIR / "governance-funding.yaml"


def test_an_unknown_spec_names_the_examples(tmp_path, monkeypatch):
    from experiments.spec import read_spec
    from sim.errors import UserError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError, match="governance-funding") as e:
        read_spec("no-such-spec")
    assert "found no such file" in str(e.value)
