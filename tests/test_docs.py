"""docs/ODD.md stays true to the code: generated blocks, one subsection per submodel, every preset, every outcome column."""

from __future__ import annotations

import pkgutil
import re

import sim.submodels
from sim import CaringCommunity, docs, load_scenario, scale_scenario
from sim.model import BURN_IN_ORDER, STREAMS, WEEKLY_ORDER
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
    calls = [name for name, _ in docs.step_calls()]
    assert calls == list(WEEKLY_ORDER), (
        f"CaringCommunity.step() calls {calls} but sim.model.WEEKLY_ORDER is {list(WEEKLY_ORDER)}: a submodel is "
        "added in both places (a 'self.NAME.step()  # what it does' line in step(), its name in WEEKLY_ORDER)")


def test_every_submodel_is_scheduled_built_and_has_its_own_stream():
    """A new submodel is a Submodel subclass in sim/submodels/, named in WEEKLY_ORDER, built in
    CaringCommunity.__init__ as the attribute of its name, with its own random stream appended to STREAMS."""
    classes = docs.submodel_classes()
    unscheduled = sorted(set(classes) - set(WEEKLY_ORDER))
    assert not unscheduled, f"Submodel subclass(es) {unscheduled} are not in sim.model.WEEKLY_ORDER: they never run"
    unknown = sorted(set(WEEKLY_ORDER) - set(classes))
    assert not unknown, (f"sim.model.WEEKLY_ORDER names {unknown}, which no Submodel subclass of sim/submodels/ "
                         "has as its `name`")
    assert set(BURN_IN_ORDER) <= set(WEEKLY_ORDER), f"BURN_IN_ORDER {BURN_IN_ORDER} names a submodel not scheduled"
    model = CaringCommunity(scale_scenario(load_scenario("centre-sud"), 300), rng=0, agent_views=False)
    for name in WEEKLY_ORDER:
        built = getattr(model, name, None)
        assert isinstance(built, classes[name]), (
            f"CaringCommunity.__init__ does not build self.{name} = {classes[name].__name__}(self, sc.<section>, "
            f"streams[{name!r}])")
    rngs = [getattr(model, name).rng for name in WEEKLY_ORDER]
    shared = [name for name, rng in zip(WEEKLY_ORDER, rngs) if sum(other is rng for other in rngs) > 1]
    assert not shared, f"submodels {shared} share a random stream: give each streams[<its name>]"


def test_streams_are_only_ever_appended():
    """A stream's seed is its position in STREAMS: one inserted in between changed every later stream, and so
    every preset's results, although the new submodel did nothing (it happened when STREAMS was built from
    WEEKLY_ORDER and a submodel was scheduled before mutual_aid)."""
    first = ("population", "network", "organizations", "governance", "funding", "clinical", "peer_support",
             "activities", "mutual_aid", "tie_dynamics", "states", "retention")
    assert STREAMS[:len(first)] == first, (
        f"sim.model.STREAMS must start with {first} (the streams every result so far was drawn from); "
        "append a new submodel's stream at the end")
    assert len(set(STREAMS)) == len(STREAMS), f"a stream is named twice in sim.model.STREAMS: {STREAMS}"
    missing = [name for name in WEEKLY_ORDER if name not in STREAMS]
    assert not missing, f"sim.model.STREAMS has no stream for {missing}: append one at the end of STREAMS"


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


def _section(heading: str) -> str:
    start = ODD.index(heading)
    end = ODD.find("\n### ", start + len(heading))
    return ODD[start:end]


def test_every_outcome_column_is_described_in_the_observation_section():
    """Each column of the weekly outcome row (neighbourhood breakdowns included) has a definition in
    ``OUTCOME_COLUMNS``, which ODD §4.11's generated table shows, and the fixed groups named there are
    those the outcomes are broken down by."""
    from sim.outcomes import GROUP_MEANINGS, breakdown_groups, describe_column
    model = CaringCommunity(scale_scenario(load_scenario("rhizomes"), 600), rng=0)
    columns = model.run(2).columns
    missing = [c for c in columns if not describe_column(c)["meaning"]]
    assert not missing, f"sim.outcomes.OUTCOME_COLUMNS does not describe the outcome column(s): {missing}"
    assert "<!-- generated:outcomes -->" in _section("### 4.11 Observation")
    fixed = [g for g in breakdown_groups(model) if not g.startswith(("group_", "nb_"))]
    assert fixed == list(GROUP_MEANINGS)


def test_every_snapshot_column_is_described_in_the_observation_section():
    """Each column of the per-resident snapshot and of the edge list has a definition in
    ``SNAPSHOT_COLUMNS`` / ``EDGE_COLUMNS``, which ODD §4.11's generated tables show (a column nobody
    describes is a column nobody can trust)."""
    from sim.outcomes import describe_column, edge_list, resident_snapshot
    m = CaringCommunity(scale_scenario(load_scenario("centre-sud"), 300), rng=0, agent_views=False)
    m.run(1)
    for table, frame in (("snapshot", resident_snapshot(m)), ("edges", edge_list(m))):
        missing = [c for c in frame.columns if not describe_column(c, table)["meaning"]]
        assert not missing, f"sim.outcomes does not describe the {table} column(s): {missing}"
    assert "<!-- generated:snapshot -->" in _section("### 4.11 Observation")


def test_a_missing_document_is_one_message(tmp_path, capsys):
    """``python -m sim.docs --path FILE`` with no such file ended in a FileNotFoundError traceback."""
    missing = tmp_path / "ODD.md"
    for argv in (["--check", "--path", str(missing)], ["--path", str(missing)]):
        assert docs.main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: file {missing}: cannot read it (") and len(err.splitlines()) == 1


def test_a_document_without_the_markers_is_named(tmp_path, capsys):
    """Rewriting a --path without the markers said 'docs/ODD.md has no ... block', whatever file it was."""
    other = tmp_path / "other.md"
    other.write_text("no markers here\n", encoding="utf-8")
    assert docs.main(["--path", str(other)]) == 2
    assert capsys.readouterr().err == (f"error: file {other}: expected a <!-- generated:parameters --> ... "
                                       "<!-- /generated:parameters --> block to rewrite; found none\n")
    assert other.read_text(encoding="utf-8") == "no markers here\n"
