"""docs/ODD.md stays true to the code: generated blocks, one subsection per submodel, every preset."""

from __future__ import annotations

import pkgutil
import re

import sim.submodels
from sim import docs
from sim.model import WEEKLY_ORDER
from sim.scenario import preset_names

ODD = docs.ODD_PATH.read_text(encoding="utf-8")


def test_generated_blocks_match_the_code():
    have = docs.current_blocks(ODD)
    missing = [name for name, body in have.items() if body is None]
    assert not missing, f"docs/ODD.md lacks the generated block(s) {missing}: add the markers; run python -m sim.docs"
    stale = [name for name, body in docs.generated().items() if have[name] != body]
    assert not stale, f"docs/ODD.md: generated block(s) {stale} differ from the code; run python -m sim.docs"


def test_step_runs_the_submodels_in_weekly_order():
    # The schedule is documented from WEEKLY_ORDER; the step itself must follow it.
    assert [name for name, _ in docs.step_calls()] == list(WEEKLY_ORDER)


def test_every_submodel_module_has_a_subsection():
    headings = [line for line in ODD.splitlines() if line.startswith("### ")]
    modules = [m.name for m in pkgutil.iter_modules(sim.submodels.__path__)]
    assert modules
    missing = [m for m in modules if not any(f"sim/submodels/{m}.py" in h for h in headings)]
    assert not missing, f"docs/ODD.md §7 has no subsection (### ... `sim/submodels/NAME.py`) for: {missing}"


def test_every_preset_is_mentioned():
    names = preset_names()
    assert names
    missing = [n for n in names if not re.search(rf"`{re.escape(n)}`", ODD)]
    assert not missing, f"docs/ODD.md §6 does not mention the preset(s): {missing}"


def test_every_submodel_in_the_schedule_has_a_docstring():
    classes = docs.submodel_classes()
    assert set(WEEKLY_ORDER) <= set(classes)
    assert all((classes[name].__doc__ or "").strip() for name in WEEKLY_ORDER)
