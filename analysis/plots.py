"""The report's figures (matplotlib): large fonts, the Okabe–Ito colour-blind-safe palette.

Each function takes tables already computed by :mod:`analysis.stats` or
:mod:`analysis.sensitivity` and the labels to write, and returns a :class:`Figure`; :func:`png` turns
it into PNG bytes for embedding.

The figures are made without pyplot, so drawing them neither chooses nor changes matplotlib's backend
(a notebook's inline plots keep showing) and none stays open in pyplot (no "More than 20 figures"
warning, no ``plt.close`` needed). In a notebook a figure shows once as a cell's last expression or with
``display(fig)``; ``fig.savefig("name.png")`` writes it to a file.
"""

from __future__ import annotations

import io

import matplotlib
import matplotlib.figure
import matplotlib.ticker
import numpy as np
import pandas as pd

from .i18n import PERCENT_KINDS, TIMES_100

#: Okabe & Ito (2008), safe for the common colour-vision deficiencies.
OKABE_ITO = {"blue": "#0072B2", "vermillion": "#D55E00", "green": "#009E73", "orange": "#E69F00",
             "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000"}
PALETTE = [OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "sky", "purple", "yellow", "black")]
SCENARIO, BASELINE = OKABE_ITO["blue"], OKABE_ITO["vermillion"]

STYLE = {"font.size": 13, "axes.titlesize": 14, "axes.labelsize": 13, "xtick.labelsize": 12, "ytick.labelsize": 12,
         "legend.fontsize": 12, "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
         "grid.alpha": 0.3, "axes.prop_cycle": matplotlib.cycler(color=PALETTE), "figure.dpi": 100,
         "axes.titleweight": "bold"}


class Figure(matplotlib.figure.Figure):
    """A matplotlib figure that shows itself as a PNG in a notebook (``_repr_png_``), whether or not
    ``%matplotlib inline`` was run: it is not pyplot's, so pyplot's inline display does not know it."""

    def _repr_png_(self) -> bytes:
        return png(self)


def _figure(rows: int = 1, cols: int = 1, **subplots):
    """A constrained-layout :class:`Figure` and its axes, as ``plt.subplots`` gives them (``figsize``
    and the other keywords of :meth:`~matplotlib.figure.Figure.subplots`)."""
    fig = Figure(figsize=subplots.pop("figsize"), layout="constrained")
    return fig, fig.subplots(rows, cols, **subplots)


def png(fig, dpi: int = 100) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _scale(kind: str) -> float:
    return 100.0 if kind in TIMES_100 else 1.0


def tick_text(value: float, lang: str, spec: str = ",.10g") -> str:
    """A tick label as ``lang`` writes numbers: ``−1 234,5`` in French, ``−1,234.5`` in English, with a
    true minus sign (U+2212) as matplotlib's own ticks and the report's text have, not a hyphen."""
    text = format(value, spec)
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text.replace("-", "\u2212")


def _decimal_comma(ax, lang: str, axes: str = "xy") -> None:
    """French tick labels (decimal comma, narrow-space thousands) on the numeric ``axes``."""
    if lang == "fr":
        fmt = matplotlib.ticker.FuncFormatter(lambda v, _: tick_text(v, lang))
        if "y" in axes:
            ax.yaxis.set_major_formatter(fmt)
        if "x" in axes:
            ax.xaxis.set_major_formatter(fmt)


def time_panels(panels: list[tuple[str, str, str]], scenario: pd.DataFrame, baseline: pd.DataFrame | None,
                labels: dict, lang: str):
    """A grid of outcomes over time: ``panels`` = ``[(outcome, title, kind)]``; bands = 95% CI.

    ``scenario``/``baseline`` are :func:`analysis.stats.weekly_bands` tables.
    """
    with matplotlib.rc_context(STYLE):
        cols = 3 if len(panels) > 4 else 2
        rows = int(np.ceil(len(panels) / cols))
        fig, axes = _figure(rows, cols, figsize=(5.0 * cols, 3.9 * rows), squeeze=False)
        for ax, (outcome, title, kind) in zip(axes.flat, panels):
            for bands, colour, name in ((baseline, BASELINE, labels["baseline"]), (scenario, SCENARIO, labels["scenario"])):
                if bands is None or bands.empty:
                    continue
                b = bands[bands["outcome"] == outcome]
                if b.empty:
                    continue
                x = b["week"] / 52.0
                k = _scale(kind)
                ax.plot(x, k * b["mean"], color=colour, lw=2.4, label=name)
                if b["low"].notna().any():
                    low = k * b["low"].clip(lower=0) if kind in (*PERCENT_KINDS, "count") else k * b["low"]
                    ax.fill_between(x, low, k * b["high"], color=colour, alpha=0.2, lw=0)
            if kind in (*PERCENT_KINDS, "count"):
                ax.set_ylim(bottom=0)
            ax.set_title(title, loc="left")
            ax.set_xlabel(labels["year"])
            if kind in PERCENT_KINDS:
                ax.set_ylabel("%")
            _decimal_comma(ax, lang)
        for ax in list(axes.flat)[len(panels):]:
            ax.set_visible(False)
        handles, names = axes.flat[0].get_legend_handles_labels()
        if len(handles) > 1:
            fig.legend(handles, names, loc="outside lower center", ncol=len(handles), frameon=False, fontsize=14)
        return fig


def group_bars(groups: list[str], scenario: pd.DataFrame, baseline: pd.DataFrame | None, labels: dict,
               title: str, lang: str):
    """Horizontal bars of the isolated share by group, with 95% CI whiskers (``mean, low, high`` per row)."""
    with matplotlib.rc_context(STYLE):
        n = len(groups)
        fig, ax = _figure(figsize=(10, 1.0 + 0.62 * n * (2 if baseline is not None else 1)))
        y = np.arange(n)[::-1].astype(float)
        sets = [(scenario, SCENARIO, labels["scenario"])]
        if baseline is not None:
            sets = [(baseline, BASELINE, labels["baseline"])] + sets
        h = 0.8 / len(sets)
        for i, (tab, colour, name) in enumerate(sets):
            pos = y + (len(sets) - 1) * h / 2 - i * h
            mean = 100 * tab["mean"].to_numpy(float)
            lo = 100 * tab["low"].to_numpy(float)
            hi = 100 * tab["high"].to_numpy(float)
            err = np.vstack([np.nan_to_num(mean - np.clip(lo, 0, None)), np.nan_to_num(hi - mean)])
            ax.barh(pos, mean, height=h * 0.92, color=colour, label=name, xerr=err,
                    error_kw={"ecolor": "#333333", "capsize": 3, "lw": 1.2})
        ax.set_yticks(y, groups)
        ax.set_xlim(left=0)
        ax.set_xlabel(labels["share_axis"])
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=14)
        ax.grid(axis="y", visible=False)
        _decimal_comma(ax, lang, "x")
        if len(sets) > 1:
            handles, names = ax.get_legend_handles_labels()
            fig.legend(handles[::-1], names[::-1], frameon=False, loc="outside lower center", ncol=2)
        return fig


def spending_bars(lines: list[str], scenario: pd.Series, baseline: pd.Series | None, labels: dict, title: str,
                  lang: str):
    """Stacked horizontal bars of final-year spending by budget line (scenario, and baseline)."""
    with matplotlib.rc_context(STYLE):
        rows = [(labels["scenario"], scenario)]
        if baseline is not None:
            rows.append((labels["baseline"], baseline))
        fig, ax = _figure(figsize=(10, 1.9 + 0.9 * len(rows)))
        for j, (name, values) in enumerate(rows):
            left = 0.0
            for i, line in enumerate(lines):
                v = float(values.get(line, 0.0))
                ax.barh(j, v, left=left, color=PALETTE[i % len(PALETTE)], height=0.6,
                        label=labels["lines"][i] if j == 0 else None)
                left += v
        ax.set_yticks(range(len(rows)), [r[0] for r in rows])
        ax.invert_yaxis()
        ax.set_xlabel(labels["money"])
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=14)
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: tick_text(v, lang, ",.0f")))
        fig.legend(frameon=False, loc="outside lower center", ncol=3)
        return fig


def cost_scatter(fewer: np.ndarray, extra: np.ndarray, labels: dict, lang: str):
    """Each seed's difference: fewer isolated residents (x) against extra spending (y)."""
    with matplotlib.rc_context(STYLE):
        fig, ax = _figure(figsize=(10, 5))
        ax.axhline(0, color="#555555", lw=1)
        ax.axvline(0, color="#555555", lw=1)
        ax.scatter(fewer, extra, s=70, color=SCENARIO, edgecolor="white", zorder=3, label=labels["seeds"])
        ax.scatter([np.mean(fewer)], [np.mean(extra)], s=160, marker="D", color=OKABE_ITO["orange"],
                   edgecolor="black", zorder=4, label=labels["mean"])
        if labels.get("ratio") is not None and np.isfinite(labels["ratio"]) and np.mean(fewer) > 0:
            xs = np.array([0.0, max(np.max(fewer), np.mean(fewer)) * 1.1])
            ax.plot(xs, labels["ratio"] * xs, ls="--", color=OKABE_ITO["green"], lw=2, label=labels["ratio_label"])
        ax.set_xlabel(labels["x"])
        ax.set_ylabel(labels["y"])
        ax.set_title(labels["title"], loc="left")
        ax.legend(frameon=False, loc="best")
        _decimal_comma(ax, lang)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: tick_text(v, lang, ",.0f")))
        return fig


def tornado(ranking: pd.DataFrame, method: str, labels: dict, lang: str, first_order: pd.Series | None = None,
            centre: float | None = None, scale: float = 1.0):
    """The sensitivity ranking, most influential lever on top.

    Sobol/Morris: a bar per lever (ST or μ*) with its interval, and S1 dots for Sobol. Main effects:
    a classic tornado, each bar from the lowest to the highest level mean, around the overall mean.
    """
    with matplotlib.rc_context(STYLE):
        r = ranking.head(15)
        n = len(r)
        fig, ax = _figure(figsize=(10, 1.4 + 0.55 * n))
        y = np.arange(n)[::-1]
        if method == "main_effects":
            lo, hi = scale * r["low"].to_numpy(float), scale * r["high"].to_numpy(float)
            c = scale * centre if centre is not None else float(np.mean((lo + hi) / 2))
            ax.barh(y, hi - c, left=c, color=SCENARIO, height=0.6, label=labels.get("high"))
            ax.barh(y, lo - c, left=c, color=OKABE_ITO["orange"], height=0.6, label=labels.get("low"))
            ax.axvline(c, color="#333333", lw=1)
            fig.legend(frameon=False, loc="outside lower center", ncol=2)
        else:
            v = r["value"].to_numpy(float)
            err = np.vstack([np.clip(v - r["low"].to_numpy(float), 0, None), np.clip(r["high"].to_numpy(float) - v, 0, None)])
            ax.barh(y, v, color=SCENARIO, height=0.6, xerr=err, error_kw={"ecolor": "#333333", "capsize": 3},
                    label=labels["measure"])
            if first_order is not None:
                ax.scatter(first_order.to_numpy(float)[:n], y, color=OKABE_ITO["orange"], edgecolor="black", s=70,
                           zorder=3, label=labels.get("first"))
            ax.legend(frameon=False, loc="lower right")
        ax.set_yticks(y, [_wrap(p) for p in r["parameter"]])
        ax.set_xlabel(labels["measure"])
        fig.suptitle(labels["title"], x=0.01, ha="left", fontweight="bold", fontsize=14)
        ax.grid(axis="y", visible=False)
        _decimal_comma(ax, lang, "x")
        return fig


def main_effect_grid(table: pd.DataFrame, parameters: list[str], labels: dict, lang: str, scale: float = 1.0,
                     level_text=str):
    """One small panel per lever: the mean outcome at each level with 95% CI.

    Levels the design set (``binned`` false) are drawn as categories, one tick per level written by
    ``level_text``; quantile bins of a continuous sample on a numeric axis.
    """
    with matplotlib.rc_context(STYLE):
        params = parameters[:6]
        cols = min(3, len(params))
        rows = int(np.ceil(len(params) / cols))
        fig, axes = _figure(rows, cols, figsize=(4.8 * cols, 3.6 * rows), squeeze=False, sharey=True)
        for ax, p in zip(axes.flat, params):
            t = table[table["parameter"] == p]
            yerr = np.nan_to_num(scale * (t["high"] - t["mean"]).to_numpy(float))
            continuous = bool(t["binned"].all()) if "binned" in t else False
            x = t["level"].to_numpy(float) if continuous else np.arange(len(t))
            ax.errorbar(x, scale * t["mean"], yerr=yerr, color=SCENARIO, marker="o", lw=2, capsize=3)
            if not continuous:  # the levels the design set are categories: one tick each, evenly spaced
                ax.set_xticks(x, [level_text(v) for v in t["level"]])
                ax.set_xlim(-0.4, len(t) - 0.6)
            ax.set_title(_wrap(p, 30), loc="left", fontsize=12)
            _decimal_comma(ax, lang, "xy" if continuous else "y")
        for ax in list(axes.flat)[len(params):]:
            ax.set_visible(False)
        fig.suptitle(labels["title"], x=0.01, ha="left", fontweight="bold")
        return fig


def _wrap(text: str, width: int = 34) -> str:
    if len(text) <= width or "." not in text:
        return text
    head, _, tail = text.rpartition(".")
    return f"{head}.\n{tail}"
