"""Scenario discovery: under which lever settings does an outcome reach a target?

PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), as the EMA Workbench runs it
(:mod:`ema_workbench.analysis.prim`), over the design points of a sweep. Each design point is one
case: its inputs are the swept values, and it is a *case of interest* when the outcome, averaged
over the point's replications, is below (or above) the target. PRIM peels the space of swept values
down to a *box*, a range of each lever, in which the cases of interest are dense. Along the way it
trades two shares against each other:

* **coverage**: the share of the cases of interest that lie inside the box;
* **density**: the share of the cases inside the box that are of interest.

Of the boxes along PRIM's peeling trajectory, :func:`discover` keeps the one with the largest
coverage among those at least as dense as ``density`` (the denser, then the one restricting fewer
levers, where two cover as much); where none is that dense, the densest, and says so.

Like Sobol and Morris indices, it needs every replication of every design point: a point averaged
over fewer seeds would be judged on more noise than the others.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.errors import UserError

from .load import Results
from .sensitivity import point_means

#: Fewer design points than this are too few for PRIM to peel a box from (each peel removes about
#: ``peel_alpha`` of the points, and a box keeps at least ``mass_min`` of them).
MIN_POINTS = 10


@dataclass
class Discovery:
    """The box of lever settings in which ``outcome`` meets the ``target``, and how good it is.

    ``limits`` has one row per swept key that the box restricts: ``parameter``, ``low`` and ``high``
    for a number (the box holds points with ``low <= value <= high``; NaN on a side the box leaves
    open), ``values`` for a category (the values the box keeps, comma-separated). ``trajectory`` is PRIM's peeling trajectory, one
    row per box it considered: ``box`` (its number, 0 for the whole design), ``coverage``,
    ``density``, ``points`` (design points inside it), ``restricted`` (levers it restricts);
    ``chosen`` is the number of the box kept. ``caution`` says why the box is not to be relied on
    (no box as dense as asked), and is None otherwise.
    """

    outcome: str
    target: str
    limits: pd.DataFrame
    coverage: float
    density: float
    points_in_box: int
    points_of_interest: int
    n_points: int
    trajectory: pd.DataFrame
    chosen: int
    caution: str | None = None
    parameters: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The box in plain words, one line a lever."""
        of_interest = round(self.coverage * self.points_of_interest)
        lines = [f"{self.points_of_interest} of {self.n_points} design points have a mean {self.outcome} "
                 f"{self.target}.",
                 f"The box below holds {self.points_in_box} points, {of_interest} of them {self.target} "
                 f"(density {self.density:.0%}), and {of_interest} of the {self.points_of_interest} "
                 f"(coverage {self.coverage:.0%}):"]
        if self.limits.empty:
            lines.append("  (no lever restricted: the whole design)")
        for row in self.limits.itertuples(index=False):
            if isinstance(row.values, str):
                lines.append(f"  {row.parameter}: {row.values}")
            elif math.isnan(row.low):
                lines.append(f"  {row.parameter}: at most {_number(row.high)}")
            elif math.isnan(row.high):
                lines.append(f"  {row.parameter}: at least {_number(row.low)}")
            else:
                lines.append(f"  {row.parameter}: {_number(row.low)} to {_number(row.high)}")
        free = [p for p in self.parameters if p not in set(self.limits["parameter"])]
        if free and not self.limits.empty:
            lines.append(f"  (any value of {', '.join(free)})")
        if self.caution:
            lines.append(f"caution: {self.caution}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Discovery of mean {self.outcome!r} {self.target} ({self.n_points} design points)\n"
                f"{self.describe()}\n  .limits, .trajectory (PRIM's peeling trajectory), .coverage, .density>")


def _number(value: float) -> str:
    """A limit as the box is read: a whole number without decimals, others to 4 significant figures."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:.4g}"


def discover(results: Results, outcome: str, *, below: float | None = None, above: float | None = None,
             density: float = 0.8, peel_alpha: float = 0.05) -> Discovery:
    """The box of swept values where the mean ``outcome`` of a design point is ``below`` (or ``above``)
    a target, found by PRIM; ``density`` is the share of the box's points that should meet the target,
    ``peel_alpha`` the share of points each peeling step removes."""
    if results.kind != "sweep":
        raise UserError("scenario discovery needs a sweep folder (written by 'caring-community sweep'), not a run "
                        "or a set of replications", file=str(results.path))
    if (below is None) == (above is None):
        raise UserError("expected one target, --below VALUE or --above VALUE; found "
                        + ("both" if below is not None else "neither"), key="--below/--above")
    for name, value, low, high in (("--density", density, 0.0, 1.0), ("--peel-alpha", peel_alpha, 0.0, 0.5)):
        if not (low < value <= high) or not math.isfinite(value):
            raise UserError(f"expected a share above {low:g} and at most {high:g}; found {value!r}", key=name)
    target_value, is_below = (below, True) if below is not None else (above, False)
    if not math.isfinite(float(target_value)):
        raise UserError(f"expected a finite number; found {target_value!r}", key="--below" if is_below else "--above")
    if not results.parameters or results.design is None:
        raise UserError("scenario discovery needs a sweep that varies at least one parameter", file=str(results.path))
    results.check_outcomes([outcome])
    points = results.points()
    if len(points) < MIN_POINTS:
        raise UserError(f"scenario discovery needs at least {MIN_POINTS} design points; this sweep has {len(points)} "
                        "(an 'lhs' design with more samples gives it room)", file=str(results.path))
    means = point_means(results, outcome, what="scenario discovery")
    target = f"{'below' if is_below else 'above'} {target_value:,.10g}"   # 0.11, 1,000,000 (not 1e+06)
    interest = means < target_value if is_below else means > target_value
    if not interest.any() or interest.all():
        raise UserError(f"{'no' if not interest.any() else 'every'} design point has a mean {outcome} {target} "
                        f"(the point means range from {means.min():.4g} to {means.max():.4g}): there is nothing to "
                        "tell apart; choose a target between them", key="--below" if is_below else "--above")
    inputs = _inputs(results, points)
    trajectory, boxes = _peel(inputs, interest, density, peel_alpha)
    chosen = _choose(trajectory, density)
    row = trajectory.loc[chosen]
    caution = None
    if row["density"] < density:
        caution = (f"no box is {density:.0%} dense (the densest is {row['density']:.0%}): {outcome} {target} is not "
                   "confined to a range of these levers; lower --density, or add design points")
    whole_numbers = {k for k in results.parameters if pd.api.types.is_integer_dtype(results.design[k])}
    return Discovery(outcome=outcome, target=target, limits=_limits(boxes[chosen], boxes[0], inputs, whole_numbers),
                     coverage=float(row["coverage"]), density=float(row["density"]),
                     points_in_box=int(row["points"]), points_of_interest=int(interest.sum()), n_points=len(points),
                     trajectory=trajectory, chosen=int(chosen), caution=caution,
                     parameters=list(results.parameters))


def _inputs(results: Results, points: list[int]) -> pd.DataFrame:
    """The swept values of each design point, in point order; words and true/false as categories."""
    design = results.design.set_index("point").loc[points, list(results.parameters)].reset_index(drop=True)
    for key in design.columns:
        column = design[key]
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            design[key] = column.astype(str).astype("category")
        else:   # whole numbers too: PRIM's pasting writes limits between two values (6.5) into the box
            design[key] = column.astype(float)
    return design


def _peel(inputs: pd.DataFrame, interest: np.ndarray, density: float, peel_alpha: float
          ) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """PRIM's peeling trajectory (one row a box) and each box's limits, from the EMA Workbench."""
    prim = _prim_module()
    with warnings.catch_warnings():   # the library's own deprecation notices (pandas) are not the user's to act on
        warnings.filterwarnings("ignore", module="ema_workbench")
        box = prim.Prim(inputs, interest.astype(bool), threshold=density, peel_alpha=peel_alpha).find_box()
    steps = box.peeling_trajectory.reset_index(drop=True)
    trajectory = pd.DataFrame({"box": range(len(steps)), "coverage": steps["coverage"].astype(float),
                               "density": steps["density"].astype(float), "points": steps["n"].astype(int),
                               "restricted": steps["res_dim"].astype(int)})
    return trajectory, list(box.box_lims)


def _prim_module():
    """:mod:`ema_workbench.analysis.prim`, or a clear message where the ``discovery`` extra is missing."""
    try:
        with warnings.catch_warnings():   # it warns, on import, of parallel back-ends it does not find
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import prim
    except ImportError as e:
        raise UserError(f"scenario discovery needs the EMA Workbench ({e.name or e}); install it with "
                        "pip install 'caring-community[discovery]'") from None
    return prim


def _choose(trajectory: pd.DataFrame, density: float) -> int:
    """The box kept: the largest coverage of those at least ``density`` dense (then the densest, then
    the fewest levers restricted); where none is, the densest (then the largest coverage)."""
    dense = trajectory[trajectory["density"] >= density]
    if len(dense):
        return int(dense.sort_values(["coverage", "density", "restricted", "box"],
                                     ascending=[False, False, True, True]).index[0])
    return int(trajectory.sort_values(["density", "coverage", "box"], ascending=[False, False, True]).index[0])


def _limits(box: pd.DataFrame, whole: pd.DataFrame, inputs: pd.DataFrame, whole_numbers: set[str]) -> pd.DataFrame:
    """The levers ``box`` restricts against the ``whole`` design's box: ``parameter, low, high, values``;
    a limit on a parameter in ``whole_numbers`` is the whole number it lets in (``at least 6.5``: 7)."""
    rows = []
    for key in inputs.columns:
        low, high = box[key].iloc[0], box[key].iloc[1]
        if key in whole_numbers:
            low, high = math.ceil(low), math.floor(high)
        if isinstance(inputs[key].dtype, pd.CategoricalDtype):
            kept = set(low) if isinstance(low, (set, frozenset)) else {low}
            if kept != set(whole[key].iloc[0]):
                order = [str(v) for v in inputs[key].cat.categories if v in kept]
                rows.append({"parameter": key, "low": np.nan, "high": np.nan, "values": ", ".join(order)})
        else:
            low = float(low) if low > whole[key].iloc[0] else np.nan     # NaN: that side left open
            high = float(high) if high < whole[key].iloc[1] else np.nan
            if not (math.isnan(low) and math.isnan(high)):
                rows.append({"parameter": key, "low": low, "high": high, "values": None})
    return pd.DataFrame(rows, columns=["parameter", "low", "high", "values"])
