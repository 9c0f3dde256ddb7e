"""Live outcome charts as SVG: the caring community (solid) beside the hospital-centred baseline (dashed).

Each chart reads weekly outcome columns of both runs (their DataCollector, :func:`columns`) and draws one small
SVG: large type for a projector, Okabe–Ito colours, the same colour for a series in both runs and
a dashed line for the baseline. Series are not told apart by colour alone (WCAG 1.4.1): each series of
a chart carries its own marker shape (:data:`MARKERS`: circle, square, diamond, triangle) a few times
along its line and at its latest week, filled on the community's line and hollow on the baseline's,
and the chart's legend shows the same marker on its sample line. (Dash patterns are taken: dashed
already means the baseline.) Building all six charts takes a few milliseconds.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np

from ..money import symbol
from .i18n import labelled, number, t
from .network_view import OKABE_ITO, subpaths

W, H = 420, 260                            # wide and low: two charts fit beside the network at 1280×720
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 36, 44
ROW = 24                                   # height of a row of the series legend
LEGEND_GAP = 20                            # between the legend and the plot (the y-axis top label)
#: The marker shape of a chart's first, second, ... series (see :func:`sim.viz.network_view.subpaths`).
MARKERS = ("circle", "square", "diamond", "triangle")
MARKER_R = 5.5                             # a marker covers the area of a circle of this radius
MARKER_EVERY = 4                           # markers along a line: about this many per axis width, plus its last week


@dataclass(frozen=True)
class Chart:
    """One chart of the page: a title, the outcome series it draws and how its axis reads them."""

    key: str                                   # i18n key of the title
    series: tuple[tuple[str, str, str], ...]   # (outcome column, i18n key of the label, colour)
    scale: float = 1.0                         # multiply values (100 for percentages)
    baseline: bool = True                      # draw the baseline run too
    whole: bool = False                        # counts: whole numbers on the axis


CHARTS = (
    Chart("chart.isolation", (("isolated_share_all", "s.all", OKABE_ITO["blue"]),
                              ("isolated_share_65_alone", "s.65_alone", OKABE_ITO["vermillion"])), 100.0),
    Chart("chart.loneliness", (("loneliness_mean_all", "s.all", OKABE_ITO["blue"]),
                               ("loneliness_mean_65_alone", "s.65_alone", OKABE_ITO["vermillion"]))),
    Chart("chart.engagement", (("engagement_level_0_share", "s.level0", OKABE_ITO["grey"]),
                               ("engagement_level_1_share", "s.level1", OKABE_ITO["sky_blue"]),
                               ("engagement_level_2_share", "s.level2", OKABE_ITO["blue"]),
                               ("engagement_level_3_share", "s.level3", OKABE_ITO["reddish_purple"])), 100.0),
    Chart("chart.partners", (("patient_partners", "s.patient_partners", OKABE_ITO["blue"]),
                             ("citizen_partners", "s.citizen_partners", OKABE_ITO["bluish_green"])), whole=True),
    Chart("chart.burnout", (("partner_burnout_share", "s.burnout", OKABE_ITO["vermillion"]),), 100.0),
    Chart("chart.spending", (("spending_cumulative", "s.spending", OKABE_ITO["orange"]),), 0.001),
)


def _nice_max(v: float, whole: bool = False) -> float:
    """The top of an axis for values up to ``v``; with ``whole``, one whose half (the middle tick)
    is a whole number too: a count reads 0, 2, 4 rather than 0, 1.25, 2.5."""
    if whole:
        exp = 10 ** max(0, math.floor(math.log10(v))) if v > 0 and math.isfinite(v) else 1
        return float(next(m * exp for m in (2, 4, 6, 10) if v <= m * exp))
    if v <= 0 or not math.isfinite(v):
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * exp:
            return m * exp
    return 10 * exp


def _fmt(v: float, lang: str) -> str:
    """A value on a chart, as ``lang`` writes numbers: whole numbers plain, and so any from 100 up
    (``1,234``), otherwise one decimal from 1 up and two significant digits below (``0,25`` in
    French); a dash for no value (the outcome of an empty group, such as 65+ living alone in a
    community with none)."""
    if not math.isfinite(v):
        return "–"
    if abs(v - round(v)) < 1e-9 or abs(v) >= 100:
        return number(v, lang, ",.0f")
    return number(v, lang, ".1f" if abs(v) >= 1 else ".2g")


def chart_title(chart: Chart, lang: str, currency: str | None = None) -> str:
    """A chart's title; an amount's names the scenario's currency (``funding.currency``): "thousand €"."""
    return t(chart.key, lang, unit=symbol(currency))


def chart_svg(chart: Chart, community, baseline, lang: str, currency: str | None = None) -> str:
    """One chart; ``community`` and ``baseline`` are dicts of outcome column -> numpy array; ``currency``
    the ISO 4217 code of the amounts (None: the default, dollars)."""
    weeks = max(52, len(community[chart.series[0][0]]) - 1)
    runs = [(community, None)] + ([(baseline, "8 6")] if chart.baseline and baseline is not None else [])
    finite = [run[col][np.isfinite(run[col])] for run, _ in runs for col, _, _ in chart.series]
    top = max((float(v.max()) for v in finite if len(v)), default=0.0)
    ymax = _nice_max(top * chart.scale * 1.02, chart.whole)
    if chart.scale == 100.0:
        ymax = min(ymax, 100.0)
    columns = 2 if len(chart.series) > 2 else 1
    rows = -(-len(chart.series) // columns)
    top_of_plot = TOP + ROW * rows + LEGEND_GAP
    pw, ph = W - LEFT - RIGHT, H - top_of_plot - BOTTOM

    def x(w):
        return LEFT + pw * np.asarray(w) / weeks

    def y(v):
        return top_of_plot + ph * (1 - np.asarray(v) * chart.scale / ymax)

    title = html.escape(chart_title(chart, lang, currency))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" class="cc-chart" '
           f'data-chart="{chart.key}" role="img" aria-label="{html.escape(chart_summary(chart, community, baseline, lang, currency))}" '
           f'style="width:100%;height:auto;background:#FFFFFF" '
           f'font-family="sans-serif">',
           f'<text x="4" y="26" font-size="23" font-weight="bold" fill="#000">{title}</text>']
    for frac in (0, 0.5, 1):
        yy = top_of_plot + ph * (1 - frac)
        out.append(f'<path d="M{LEFT} {yy:.1f}H{W - RIGHT}" stroke="#CCCCCC" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 8}" y="{yy + 7:.1f}" font-size="21" text-anchor="end" fill="#000">'
                   f'{_fmt(ymax * frac, lang)}</text>')
    out.append(f'<path d="M{LEFT} {top_of_plot}V{top_of_plot + ph}H{W - RIGHT}" stroke="#000" stroke-width="2" '
               f'fill="none"/>')
    step = 52 if weeks <= 156 else (104 if weeks <= 312 else 156)
    for w in range(0, weeks + 1, step):
        out.append(f'<text x="{x(w):.1f}" y="{top_of_plot + ph + 26}" font-size="21" text-anchor="middle" '
                   f'fill="#000">{w}</text>')
    out.append(f'<text x="{W - RIGHT}" y="{H - 4}" font-size="18" text-anchor="end" fill="#333">'
               f'{html.escape(t("weeks_axis", lang))}</text>')
    for run, dash in runs:
        for col, _, colour in chart.series:
            values = run[col]
            weeks_with_value = np.flatnonzero(np.isfinite(values))   # an empty group has no value
            if len(weeks_with_value) == 0:
                continue
            xs, ys = x(weeks_with_value), y(values[weeks_with_value])
            pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs.tolist(), ys.tolist()))
            dash_attr = f' stroke-dasharray="{dash}" stroke-opacity="0.85"' if dash else ""
            width = 3.5 if dash is None else 3
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="{width}"'
                       f' stroke-linejoin="round"{dash_attr}/>')
    for run, dash in runs[::-1]:                 # markers over every line, the community's on top
        for i, (col, _, colour) in enumerate(chart.series):
            weeks_with_value = np.flatnonzero(np.isfinite(run[col]))
            if len(weeks_with_value) == 0:
                continue
            marked = marker_weeks(weeks_with_value, i, len(chart.series), weeks)
            xy = np.column_stack([x(marked), y(run[col][marked])])
            out.append(_markers(MARKERS[i % len(MARKERS)], xy, colour, col, hollow=dash is not None))
    # series legend in a band above the plot (clear of the y-axis labels), with the community's current value
    for i, (col, label_key, colour) in enumerate(chart.series):
        now = _latest(community[col], chart.scale)
        lx = 4 + (i % columns) * (W // columns)
        ly = TOP + ROW * (i // columns) + 20
        label = html.escape(labelled(t(label_key, lang), _fmt(now, lang), lang))
        out.append(f'<path d="M{lx} {ly - 7}h22" stroke="{colour}" stroke-width="4"/>'
                   f'{_markers(MARKERS[i % len(MARKERS)], np.array([[lx + 11, ly - 7]]), colour, col, legend=True)}'
                   f'<text x="{lx + 28}" y="{ly}" font-size="20" fill="#000">{label}</text>')
    out.append("</svg>")
    return "".join(out)


def marker_weeks(weeks_with_value: np.ndarray, i: int, n_series: int, axis_weeks: int) -> np.ndarray:
    """The weeks where series ``i`` of ``n_series`` shows its marker: about :data:`MARKER_EVERY` per
    axis width, each series shifted by a share of the interval so that the markers of lines that run
    together do not cover each other, and always its latest week (unless another marker is close)."""
    every = axis_weeks / MARKER_EVERY
    last = int(weeks_with_value[-1])
    along = np.round(np.arange(every * (i + 0.5) / n_series, last - every / 3, every)).astype(int)
    return np.intersect1d(np.r_[along, last], weeks_with_value)


def _markers(shape: str, xy: np.ndarray, colour: str, column: str, hollow: bool = False,
             legend: bool = False) -> str:
    """All markers of one line as one SVG path: filled with a white edge (community, and the
    legend), or white inside a coloured edge (``hollow``: baseline)."""
    paint = (f'fill="#FFFFFF" stroke="{colour}" stroke-width="2"' if hollow
             else f'fill="{colour}" stroke="#FFFFFF" stroke-width="1.2"')
    role = "legend" if legend else ("baseline" if hollow else "community")
    return (f'<path class="cc-marks" data-series="{column}" data-run="{role}" data-marker="{shape}" '
            f'd="{"".join(subpaths(shape, xy, MARKER_R))}" {paint}/>')


def _latest(values, scale: float) -> float:
    return values[-1] * scale if len(values) else float("nan")


def chart_summary(chart: Chart, community, baseline, lang: str, currency: str | None = None) -> str:
    """A chart in words (its text alternative for a screen reader): the title, then each series'
    latest value in the caring community and, where drawn, in the baseline."""
    def values(run) -> str:
        return ", ".join(labelled(t(key, lang), _fmt(_latest(run[col], chart.scale), lang), lang)
                         for col, key, _ in chart.series)

    text = f"{chart_title(chart, lang, currency)}. {labelled(t('series.community', lang), values(community), lang)}"
    if chart.baseline and baseline is not None:
        text += f". {labelled(t('series.baseline', lang), values(baseline), lang)}"
    return text + "."


def columns(model, names) -> dict[str, np.ndarray]:
    """The outcome columns ``names`` of a model, as numpy arrays (week 0 first)."""
    rows = model.datacollector.model_vars
    return {name: np.asarray(rows[name], dtype=float) for name in names}


def all_columns() -> list[str]:
    """Every outcome column some chart draws (what :func:`columns` reads each week)."""
    return sorted({col for c in CHARTS for col, _, _ in c.series})


def series_legend(lang: str) -> str:
    """The line-style key shared by all charts (HTML): a solid line with filled markers for the
    caring community, a dashed line with hollow markers for the baseline."""
    solid = ('<svg width="44" height="14" aria-hidden="true"><path d="M0 7H44" stroke="#000" stroke-width="4"/>'
             '<circle cx="22" cy="7" r="5" fill="#000" stroke="#FFF" stroke-width="1.2"/></svg>')
    dashed = ('<svg width="44" height="14" aria-hidden="true"><path d="M0 7H44" stroke="#000" stroke-width="3.5" '
              'stroke-dasharray="8 6"/><circle cx="22" cy="7" r="5" fill="#FFF" stroke="#000" stroke-width="2"/></svg>')
    return (f'<span class="cc-key">{solid} {html.escape(t("series.community", lang))}</span>'
            f'<span class="cc-key">{dashed} {html.escape(t("series.baseline", lang))}</span>')
