"""Laws of sweep designs, seeds, run ids, specs and the sweep folder that a careless edit would break.

Each is checked against what the documentation promises (the first key varies slowest, a sub-experiment
leaves the others at their base value, a run is done exactly when its summary shard is committed, ...),
without running the model: designs are planned, and sweep folders written by hand through SweepStore.
Written to kill hand-made mutants the rest of the suite let through.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from experiments import load_sweep, plan_sweep, sweep_status
from experiments import storage
from experiments.design import full_factorial, replication_seeds, run_id, subexperiments
from experiments.spec import SweepSpec, horizon_weeks
from experiments.storage import SweepStore, done_run_ids
from sim.errors import UserError
from sim.scenario import Scenario

BASE = {"base_scenario": "centre-sud", "residents": 200, "weeks": 4}
RANGES = {"peer_support.competency_gain": [0.5, 3.0], "peer_support.meeting_probability": [0.2, 0.9]}


# ----------------------------------------------------------------------------- designs
def test_full_factorial_first_key_varies_slowest():
    rows = full_factorial({"a": [1, 2], "b": ["x", "y", "z"]})
    assert [(r["a"], r["b"]) for r in rows] == [(1, "x"), (1, "y"), (1, "z"), (2, "x"), (2, "y"), (2, "z")]
    assert all(list(r) == ["a", "b"] for r in rows)


def test_a_subexperiment_moves_its_own_keys_and_leaves_the_others_at_base():
    rows = subexperiments([{"a": [1, 2]}, {"b": [10, 20]}], base={"a": 0, "b": 0})
    assert rows == [{"a": 1, "b": 0}, {"a": 2, "b": 0}, {"a": 0, "b": 10}, {"a": 0, "b": 20}]


def test_sampler_seed_is_sample_seed_when_given_and_root_seed_otherwise():
    lhs = {**BASE, "design": "lhs", "samples": 6, "ranges": RANGES}
    a = plan_sweep({**lhs, "root_seed": 1, "sample_seed": 7}).design.points
    b = plan_sweep({**lhs, "root_seed": 2, "sample_seed": 7}).design.points
    c = plan_sweep({**lhs, "root_seed": 1, "sample_seed": 8}).design.points
    d = plan_sweep({**lhs, "root_seed": 7}).design.points
    pd.testing.assert_frame_equal(a, b)          # the replication seeds do not move the design
    pd.testing.assert_frame_equal(a, d)          # without sample_seed, root_seed seeds the sampler
    assert not a.equals(c)


def test_integer_ranges_are_rounded_not_truncated():
    """A Latin hypercube of [0, 1] puts half of its points in [0.5, 1]: rounded, half of them are 1."""
    plan = plan_sweep({**BASE, "design": "lhs", "samples": 10,
                       "ranges": {"retention.initial_patient_partners": {"low": 0, "high": 1, "integer": True}}})
    values = plan.design.points["retention.initial_patient_partners"]
    assert values.dtype == "int64" and sorted(values.unique()) == [0, 1]
    assert (values == 1).sum() == 5


def test_sobol_without_second_order_has_n_times_d_plus_2_points():
    plan = plan_sweep({**BASE, "design": "sobol", "samples": 8, "calc_second_order": False, "ranges": RANGES})
    assert plan.design.n_points == 8 * (2 + 2)
    assert plan.meta()["calc_second_order"] is False


# ----------------------------------------------------------------------------- seeds and run ids
def test_replication_seeds_are_distinct_and_follow_the_root_seed():
    seeds = replication_seeds(3, 20)
    assert len(set(seeds)) == 20
    assert set(replication_seeds(4, 20)).isdisjoint(seeds)
    assert all(0 <= s < 2 ** 63 for s in seeds)


def test_run_id_changes_with_the_seed_and_with_the_parameter_values():
    base = run_id(3, 1, {"a": 1.0}, 12345)
    assert base.startswith("p000003-r0001-")
    assert run_id(3, 1, {"a": 1.0}, 12346) != base       # another seed is another run
    assert run_id(3, 1, {"a": 2.0}, 12345) != base       # other values at the same point: another run
    assert run_id(3, 1, {"a": 1.0}, 12345) == base       # and the same run has the same id


def test_every_run_of_a_plan_has_its_own_id():
    plan = plan_sweep({**BASE, "replications": 3, "design": "full_factorial",
                       "parameters": {"governance.decision_rule": ["majority", "consensus"]}})
    ids = [r.run_id for r in plan.runs()]
    assert len(ids) == len(set(ids)) == plan.expected_runs == 6


# ----------------------------------------------------------------------------- specs
@pytest.mark.parametrize("years", [0.3, 1.01, 2.5])
def test_years_in_a_spec_give_the_horizon_the_same_years_give_a_scenario(years):
    """Years are rounded to the nearest week, in a spec as in a scenario (0.3 years: 16 weeks, not 15)."""
    spec = SweepSpec(base_scenario="centre-sud", years=years)
    assert horizon_weeks(spec, Scenario()) == Scenario(years=years).weeks == round(years * 52)
    assert horizon_weeks(SweepSpec(base_scenario="centre-sud", years=0.001), Scenario()) == 1
    assert horizon_weeks(SweepSpec(base_scenario="centre-sud", weeks=7), Scenario()) == 7   # weeks as given


def test_fixed_values_are_the_values_run_even_in_a_scaled_community():
    """`fixed` overrides apply to every run as given: scaling the community does not scale them."""
    plan = plan_sweep({**BASE, "residents": 500, "fixed": {"funding.sources.0.amount_per_year": 12_345.0,
                                                           "clinical.waiting_list_max": 7}})
    assert plan.base.funding.sources[0].amount_per_year == 12_345.0
    assert plan.base.clinical.waiting_list_max == 7


def test_a_relative_base_scenario_is_found_next_to_the_spec_from_any_working_folder(tmp_path, monkeypatch):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "mine.yaml").write_text("extends: centre-sud\npopulation: {n_patients: 250}\n")
    spec = tmp_path / "specs" / "s.yaml"
    spec.write_text(yaml.safe_dump({**BASE, "base_scenario": "mine.yaml"}))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert plan_sweep(spec).base.name == "mine"


@pytest.mark.parametrize("change,key,words", [
    ({"design": "sobol", "samples": 12, "ranges": RANGES}, "samples", "power of 2"),
    ({"design": "morris", "samples": 4, "num_levels": 3, "ranges": RANGES}, "num_levels", "even num_levels"),
    ({"design": "morris", "samples": 1, "ranges": RANGES}, "samples", "at least 2 trajectories"),
    ({"design": "sobol", "samples": 1, "ranges": RANGES}, "samples", "power of 2 (e.g. 2 or 4); found 1"),
    ({"design": "lhs", "samples": 4, "ranges": {"peer_support.competency_gain": 0.5}}, "ranges",
     "expected [low, high] or {low: .., high: ..} for the range of 'peer_support.competency_gain'; found 0.5"),
    ({"design": "lhs", "samples": 4, "ranges": {"peer_support.competency_gain": [1.0, 1.0]}},
     "ranges.peer_support.competency_gain", "low < high"),
    ({"design": "lhs", "samples": 4, "ranges": RANGES, "parameters": {"governance.decision_rule": ["majority"]}},
     "parameters", "takes its parameters from 'ranges'"),
    ({"parameters": {"peer_support.competency_gain": [1, 1.0]}}, "parameters.peer_support.competency_gain",
     "distinct values"),
    ({"parameters": {"governance.decision_rule": ["majority", "majority"]}}, "parameters.governance.decision_rule",
     "distinct values"),
    ({"outputs": {"summary": False}}, "outputs", "at least one kind of output"),
    ({"replications": 0}, "replications", "greater than or equal to 1"),
    ({"parameters": {"governance.decision_rule": []}}, "parameters.governance.decision_rule", "non-empty list"),
])
def test_specs_that_break_a_documented_rule_are_refused(change, key, words):
    with pytest.raises(UserError) as info:
        plan_sweep({**BASE, **change})
    assert info.value.key == key and words in str(info.value), str(info.value)


def test_summary_false_with_weekly_series_is_a_valid_output():
    plan = plan_sweep({**BASE, "outputs": {"summary": False, "weekly_every": 2}})
    assert plan.meta()["outputs"]["weekly_every"] == 2


# ----------------------------------------------------------------------------- the sweep folder
def _store(tmp_path, expected=4, weekly_every=1) -> SweepStore:
    store = SweepStore(tmp_path / "sweep")
    design = pd.DataFrame({"point": [0, 1], "a": [1.0, 2.0]})
    seeds = pd.DataFrame({"replication": [0, 1], "seed": [11, 12]})
    meta = {"design": "points", "parameters": ["a"], "expected_runs": expected, "replications": 2,
            "outputs": {"weekly_every": weekly_every}}
    store.write_description("name: t\n", meta, design, seeds)
    return store


def _batch(ids: list[tuple[int, int]]):
    summary = pd.DataFrame({"run_id": [f"p{p}-r{r}" for p, r in ids], "point": [p for p, _ in ids],
                            "replication": [r for _, r in ids], "seed": [11 + r for _, r in ids],
                            "a": [1.0 + p for p, _ in ids], "y": [float(p + r) for p, r in ids]})
    weekly = pd.DataFrame([{"run_id": f"p{p}-r{r}", "point": p, "replication": r, "seed": 11 + r, "week": w,
                            "y": float(w)} for p, r in ids for w in (0, 1)])
    return summary, weekly


def test_a_batch_whose_summary_shard_never_lands_is_not_done(tmp_path, monkeypatch):
    """The summary shard is the commit: a crash after the weekly shard leaves no run counted as done,
    and resuming removes the orphan weekly shard but keeps committed ones."""
    store = _store(tmp_path)
    store.write_batch("b0", *_batch([(0, 0)]))
    real = storage.write_parquet_atomic

    def crash_on_summary(data, path):
        if path.parent.name == storage.SUMMARY:
            raise KeyboardInterrupt("killed between the two shards")
        real(data, path)

    monkeypatch.setattr(storage, "write_parquet_atomic", crash_on_summary)
    with pytest.raises(KeyboardInterrupt):
        store.write_batch("b1", *_batch([(1, 0)]))
    monkeypatch.setattr(storage, "write_parquet_atomic", real)
    assert store.done_run_ids() == done_run_ids(store.root) == {"p0-r0"}
    sweep = load_sweep(store.root)
    assert set(sweep.weekly["run_id"]) == {"p0-r0"}           # the orphan weekly shard is not read
    assert store.clean_partial() == 1
    assert sorted(p.name for p in (store.root / "weekly").glob("*.parquet")) == ["b0.parquet"]


def test_a_crash_while_writing_the_weekly_shard_commits_nothing(tmp_path, monkeypatch):
    store = _store(tmp_path)

    def crash_on_weekly(data, path):
        if path.parent.name == storage.WEEKLY:
            raise KeyboardInterrupt("killed while writing the weekly shard")
        raise AssertionError("the summary shard is written after the weekly one")

    monkeypatch.setattr(storage, "write_parquet_atomic", crash_on_weekly)
    with pytest.raises(KeyboardInterrupt):
        store.write_batch("b0", *_batch([(0, 0)]))
    assert store.done_run_ids() == set()


def test_a_run_that_failed_then_succeeded_counts_once_as_done(tmp_path):
    store = _store(tmp_path, expected=4)
    for rid, point in (("p0-r0", 0), ("p1-r1", 1)):
        store.write_failure({"run_id": rid, "point": point, "replication": int(rid[-1]), "seed": 11, "error": "boom"})
    store.write_batch("b0", *_batch([(0, 0), (1, 0)]))     # p0-r0 succeeded on a retry
    assert not (store.root / storage.FAILED / "p0-r0.json").exists()
    sweep = load_sweep(store.root)
    assert sweep.completed_runs == 2 and sweep.failed_runs == 1 and sweep.missing_runs == 1
    assert list(sweep.failed["run_id"]) == ["p1-r1"]
    status = sweep_status(store.root)
    assert (status.done, status.failed, status.remaining) == (2, 1, 1)


def test_status_counts_a_failure_record_left_beside_a_finished_run_as_done(tmp_path):
    """A failure record whose run has since finished (e.g. copied back in) is not a failure."""
    store = _store(tmp_path, expected=4)
    store.write_batch("b0", *_batch([(0, 0), (1, 0)]))
    store.write_failure({"run_id": "p0-r0", "point": 0, "replication": 0, "seed": 11, "error": "old"})
    status = sweep_status(store.root)
    assert (status.done, status.failed, status.remaining) == (2, 0, 2)
    sweep = load_sweep(store.root)
    assert sweep.failed.empty and sweep.missing_runs == 2


# ----------------------------------------------------------------------------- gaps found by mutation testing
def test_replication_seeds_are_the_documented_children_of_the_root_seed():
    """Replication i's seed is the i-th child of SeedSequence(root_seed) (its first 64-bit word, halved to fit
    an int64), as the README says; pinned, since a sweep folder written earlier resumes only with the same seeds."""
    import numpy as np

    children = np.random.SeedSequence(2026).spawn(3)
    assert replication_seeds(2026, 3) == [int(c.generate_state(1, dtype=np.uint64)[0]) >> 1 for c in children]
    assert replication_seeds(2026, 3) == [1669736841572013746, 6448061509397900961, 1707902653925947418]


def test_each_subexperiment_block_counts_the_points_it_made():
    """The blocks a main effect compares within: a block of 3 x 2 values made 6 points, not one per key."""
    plan = plan_sweep({**BASE, "design": "subexperiments", "subexperiments": [
        {"funding.sources.0.amount_per_year": [0, 1000, 2000], "governance.decision_rule": ["majority", "consensus"]},
        {"peer_support.competency_gain": [0.5, 3.0]}]})
    blocks = plan.design.extra["subexperiments"]
    assert [b["points"] for b in blocks] == [6, 2] and sum(b["points"] for b in blocks) == plan.design.n_points
    assert blocks[1]["keys"] == ["peer_support.competency_gain"]


def test_morris_values_lie_on_the_grid_of_num_levels():
    """With num_levels p, Morris puts each value at low + k (high - low) / (p - 1): with 6 levels, fifths."""
    plan = plan_sweep({**BASE, "design": "morris", "samples": 4, "num_levels": 6, "ranges": RANGES})
    assert plan.meta()["num_levels"] == 6
    for key, (low, high) in RANGES.items():
        steps = (plan.design.points[key] - low) / (high - low) * 5
        assert ((steps - steps.round()).abs() < 1e-9).all()
        assert set(steps.round()) - {0, 5}          # not only the ends, which every grid has


def test_runs_come_replication_by_replication_so_a_partial_sweep_covers_every_point():
    """A sweep stopped early (max_runs, a time limit) has the first replications of every point, not every
    replication of the first points."""
    plan = plan_sweep({**BASE, "replications": 3, "parameters": {"governance.decision_rule": ["majority", "consensus"]}})
    assert [(r.replication, r.point) for r in plan.runs()] == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]
    assert [r.seed for r in plan.runs()][::2] == plan.seeds


@pytest.mark.parametrize("change,what", [({"root_seed": 8}, "root_seed"), ({"outputs": {"weekly_every": 2}}, "outputs")])
def test_a_folder_is_not_resumed_with_another_root_seed_or_other_outputs(tmp_path, change, what):
    """Other seeds would mix two sweeps' runs in one folder, other outputs runs of two shapes: either is another
    sweep, refused before anything is written (the folder's description is checked, no model is run)."""
    from experiments.runner import _prepare_folder

    spec = {**BASE, "replications": 2, "root_seed": 7, "parameters": {"governance.decision_rule": ["majority"]}}
    store = SweepStore(tmp_path / "sw")
    _prepare_folder(store, plan_sweep(spec))
    _prepare_folder(store, plan_sweep(spec))                     # the same spec resumes
    with pytest.raises(UserError, match=f"different sweep \\(differs in: {what}\\)"):
        _prepare_folder(store, plan_sweep({**spec, **change}))


def test_a_sweep_is_complete_exactly_when_every_expected_run_has_finished(tmp_path):
    store = _store(tmp_path, expected=4)
    store.write_batch("b0", *_batch([(0, 0), (1, 0), (0, 1)]))
    assert not load_sweep(store.root).complete
    store.write_batch("b1", *_batch([(1, 1)]))
    assert load_sweep(store.root).complete


def test_status_rate_is_runs_a_minute_and_eta_seconds_and_failures_keep_a_sweep_from_finished(tmp_path):
    """Two runs finished in the two minutes the session has run: 1 run a minute, and the two remaining take
    120 s. A sweep whose runs all ended, one of them failed, is not "finished"."""
    import json
    store = _store(tmp_path, expected=4)
    store.write_batch("b0", *_batch([(0, 0), (1, 0)]))
    (store.root / "progress.json").write_text(json.dumps(
        {"state": "running", "started_at": 1000.0, "updated_at": 1120.0, "finished": 2}))
    status = sweep_status(store.root)
    assert (status.rate_per_minute, status.eta_seconds, status.remaining) == (1.0, 120.0, 2)
    store.write_batch("b1", *_batch([(0, 1)]))
    store.write_failure({"run_id": "p1-r1", "point": 1, "replication": 1, "seed": 12, "error": "boom"})
    (store.root / "progress.json").write_text(json.dumps({"state": "finished", "started_at": 1000.0,
                                                          "updated_at": 1180.0, "finished": 3}))
    status = sweep_status(store.root)
    assert (status.remaining, status.failed, status.state) == (0, 1, "finished with failures")


def test_failed_runs_are_listed_by_point_then_replication_not_by_file_name(tmp_path):
    """p10-r0 sorts before p2-r0 as a file name; the failed table lists runs in design order."""
    store = _store(tmp_path, expected=4)
    for point, rep in ((10, 0), (2, 1), (2, 0)):
        store.write_failure({"run_id": f"p{point}-r{rep}", "point": point, "replication": rep, "seed": 11 + rep,
                             "error": "boom"})
    assert list(load_sweep(store.root).failed["run_id"]) == ["p2-r0", "p2-r1", "p10-r0"]


def test_a_folder_whose_description_lacks_expected_runs_expects_points_times_seeds(tmp_path):
    """An older folder's meta.json may not say how many runs it expects: design points x replication seeds."""
    store = SweepStore(tmp_path / "sweep")
    design = pd.DataFrame({"point": [0, 1, 2], "a": [1.0, 2.0, 3.0]})
    seeds = pd.DataFrame({"replication": [0, 1], "seed": [11, 12]})
    store.write_description("name: t\n", {"design": "points", "parameters": ["a"], "replications": 2}, design, seeds)
    store.write_batch("b0", *_batch([(0, 0)]))
    sweep = load_sweep(store.root)
    assert sweep.expected_runs == 6 and sweep.missing_runs == 5
