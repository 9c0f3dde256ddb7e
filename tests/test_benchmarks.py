"""The speed benchmark's own accounting (no timing is asserted: see benchmarks/model_speed.py)."""

import json
import subprocess
import sys
from pathlib import Path

from sim import WEEKLY_ORDER

ROOT = Path(__file__).resolve().parent.parent


def _child(kind: str, size: int, steps: int) -> dict:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "model_speed.py"), "--child", kind, str(size),
                          str(steps), "0", "0"], capture_output=True, text=True, cwd=ROOT, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_breakdown_times_every_weekly_process_and_the_outcome_recording():
    r = _child("breakdown", 300, 4)
    parts = r["parts_ms"]
    assert list(parts) == [*WEEKLY_ORDER, "outcome recording", "rest of the week"]
    # Every part was really called through its timer (a process the week no longer reaches would read 0).
    assert all(parts[p] > 0 for p in (*WEEKLY_ORDER, "outcome recording"))
    assert abs(sum(parts.values()) - r["week_ms"]) < 1e-6 * max(1.0, r["week_ms"])
    # The timers measure parts of the week, not more than it.
    assert parts["rest of the week"] > -0.05 * r["week_ms"]


def test_community_measurement_counts_resident_steps():
    r = _child("community", 300, 3)
    assert r["agents"] == 300 and r["steps"] == 3
    assert abs(r["agent_steps_per_s"] - 300 * 3 / r["step_s"]) < 1e-6 * r["agent_steps_per_s"]
