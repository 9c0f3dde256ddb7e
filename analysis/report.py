"""The planner's report: one self-contained HTML file (figures embedded as PNG data, no network).

It opens with a plain-language paragraph built from the numbers (did isolation fall, for whom, at
what cost, how sure are we), then the key outcomes with 95% confidence intervals, charts over time
with uncertainty bands, the equity breakdown, spending and cost-effectiveness, and for sweeps the
sensitivity ranking. Every number is written inside ``<span class="num" data-value="...">`` so the
French and English reports can be checked to show the same numbers.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import UserError

from . import plots
from .i18n import check_lang, fmt, group_label, outcome_label, t
from .load import Results, load
from .sensitivity import analyse
from .stats import (KEY_OUTCOMES, Comparison, compare, group_columns, mean_ci, paired_difference, spending_lines,
                    summarise, weekly_bands)

HEADLINE = "isolated_share_65_alone"
TIME_PANELS = (("isolated_share_65_alone", "fig_iso", "share"), ("lonely_share_65plus", "fig_lonely", "share"),
               ("empowerment_index", "fig_emp", "index"), ("patient_partners", "fig_partners", "count"),
               ("partner_burnout_share", "fig_burnout", "share"), ("ed_visits", "fig_ed", "count"))

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1a1a1a;
max-width:1060px;margin:2rem auto;padding:0 1.2rem;line-height:1.55;font-size:17px}
h1{font-size:1.75rem;margin-bottom:.2rem}h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:2px solid #0072B2;
padding-bottom:.2rem}.meta{color:#555;font-size:.95rem}
.summary{background:#f3f7fb;border-left:6px solid #0072B2;padding:.8rem 1.1rem;font-size:1.08rem}
.summary p{margin:.45rem 0}.warning{background:#fff4e5;border-left:6px solid #E69F00;padding:.7rem 1.1rem}
table{border-collapse:collapse;width:100%;font-size:.95rem;margin:.6rem 0}th,td{padding:.35rem .55rem;
border-bottom:1px solid #ddd;text-align:right;vertical-align:top}th:first-child,td:first-child{text-align:left}
th{background:#f0f0f0}.ci{color:#555;font-size:.88em;display:block}figure{margin:1rem 0}
figure img{max-width:100%;height:auto;display:block}figcaption,.note{color:#444;font-size:.93rem}
.num{white-space:nowrap}th.param{overflow-wrap:anywhere;font-size:.85rem}@media print{body{max-width:none}h2{page-break-after:avoid}figure{page-break-inside:avoid}}
"""


class _Writer:
    """Number and sentence helpers bound to one language."""

    def __init__(self, lang: str, figures: bool = True):
        self.lang = lang
        self.figures = figures

    def img(self, fig, alt: str) -> str:
        """A figure as an embedded PNG (or nothing, closing it unrendered, when figures are off)."""
        if not self.figures:
            plots.plt.close(fig)
            return ""
        data = base64.b64encode(plots.png(fig)).decode("ascii")
        return f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"></figure>'

    def t(self, key: str, **kw) -> str:
        return t(self.lang, key, **kw)

    def num(self, value, kind: str, sign: bool = False) -> str:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            text = fmt(value, kind, self.lang, sign) if value is not None else "–"
            return f'<span class="num" data-value="{value}">{html.escape(text)}</span>'
        return (f'<span class="num" data-value="{float(value):.6g}">'
                f'{html.escape(fmt(float(value), kind, self.lang, sign))}</span>')

    def ci(self, low, high, kind: str, sign: bool = False) -> str:
        if low is None or not np.isfinite(low):
            return self.t("no_ci")
        if kind == "share":  # a share's interval is shown within 0-100% (t intervals of few replications overshoot)
            low, high = max(0.0, float(low)), min(1.0, float(high))
        return self.t("ci", lo=self.num(low, kind, sign), hi=self.num(high, kind, sign))

    def label(self, outcome: str) -> str:
        return html.escape(outcome_label(self.lang, outcome))


def _role(w: "_Writer", role: str, res: Results | None) -> str:
    sep = "\u202f: " if w.lang == "fr" else ": "
    return f"{w.t(role + '_label')}{sep}{res.name}" if res is not None else ""


def _diff_kind(kind: str) -> str:
    return "points" if kind == "share" else kind




# ---------------------------------------------------------------------------------------------
# Entry points


def write_report(results: "Results | str | Path", out: "str | Path | None" = None,
                 baseline: "Results | str | Path | None" = None, lang: str = "en",
                 outcome: str = HEADLINE) -> Path:
    """Write the report as one HTML file; returns its path (default ``DIR/report-LANG.html``)."""
    check_lang(lang)
    results = results if isinstance(results, Results) else load(results)
    if baseline is not None and not isinstance(baseline, Results):
        baseline = load(baseline)
    text = build_report(results, baseline, lang, outcome)
    out = Path(out) if out else results.path / f"report-{lang}.html"
    if out.exists() and out.is_dir():
        out = out / f"report-{lang}.html"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot write the report ({e.strerror})", file=str(out), key="--out") from None
    return out


def build_report(results: Results, baseline: Results | None = None, lang: str = "en",
                 outcome: str = HEADLINE, figures: bool = True) -> str:
    """The report's HTML text (``figures=False``: the text and tables only, much faster)."""
    check_lang(lang)
    w = _Writer(lang, figures)
    if baseline is not None and baseline.kind == "sweep":
        raise UserError("the baseline must be a run or a set of replications, not a sweep", file=str(baseline.path))
    if results.summary.empty:
        note = results.completeness_note()
        raise UserError(f"nothing to report yet: 0 of {note['expected']} runs completed ({note['failed']} failed, "
                        f"{note['missing']} missing)", file=str(results.path))
    if outcome not in results.summary.columns:
        raise UserError(f"no outcome '{outcome}' in these results", file=str(results.path), key="--outcome")
    if baseline is not None and HEADLINE not in baseline.summary.columns:
        raise UserError(f"incompatible baseline: it has no outcome '{HEADLINE}'", file=str(baseline.path))
    if baseline is not None and baseline.name == results.name:
        results = dataclasses.replace(results, name=f"{results.name} ({results.path.name})")
        baseline = dataclasses.replace(baseline, name=f"{baseline.name} ({baseline.path.name})")
    parts = [_header(w, results, baseline)]
    if results.kind == "sweep":
        parts += _sweep_body(w, results, baseline, outcome)
    else:
        comparison = compare(results, baseline) if baseline is not None else None
        parts += _runs_body(w, results, comparison)
    parts.append(f"<h2>{w.t('method_h')}</h2><p class='note'>{html.escape(w.t('method'))}</p>")
    title = html.escape(w.t("title", name=results.name))
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,"><title>{title}</title><style>{CSS}</style></head>'
            f'<body>\n' + "\n".join(parts) + "\n</body></html>\n")


# ---------------------------------------------------------------------------------------------
# Header and notices


def _seeds_text(seeds: list[int]) -> str:
    if len(seeds) > 8:
        return f"{seeds[0]}–{seeds[-1]}" if seeds == list(range(seeds[0], seeds[-1] + 1)) else \
            ", ".join(map(str, seeds[:8])) + " …"
    return ", ".join(map(str, seeds))


def _header(w: _Writer, results: Results, baseline: Results | None) -> str:
    if results.kind == "sweep":
        what = w.t("what_sweep", points=len(results.points()), reps=results.meta.get("replications", "?"),
                   design=results.design_name)
    elif results.kind == "run":
        what = w.t("what_run", seeds=_seeds_text(results.seeds))
    else:
        what = w.t("what_replications", n=results.completed_runs, seeds=_seeds_text(results.seeds))
    out = [f"<h1>{html.escape(w.t('title', name=results.name))}</h1>",
           f"<p class='meta'>{html.escape(w.t('generated', path=str(results.path), what=what))} "
           f"{dt.date.today().isoformat()}</p>"]
    if baseline is not None:
        n = len(set(results.seeds) & set(baseline.seeds)) if results.kind != "sweep" else len(
            set(results.seeds) & set(baseline.seeds))
        out.append(f"<p class='meta'>{html.escape(w.t('baseline_line', name=baseline.name, path=str(baseline.path), n=n))}</p>")
    if results.weeks and int(results.weeks) < 52:
        out.append(f"<p class='warning'>{w.t('short_run', weeks=int(results.weeks))}</p>")
    for res in (results, baseline):
        if res is not None and not res.complete:
            kind = w.t("incomplete_kind_sweep") if res.kind == "sweep" else w.t("incomplete_kind_runs")
            note = res.completeness_note()
            out.append(f"<div class='warning' role='alert'><strong>{w.t('incomplete_h')}</strong> "
                       f"({html.escape(str(res.path))}): "
                       + w.t("incomplete", kind=kind, completed=note["completed"], expected=note["expected"],
                             missing=note["missing"], failed=note["failed"]) + "</div>")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# One scenario (a run or replications), optionally against a baseline


def _direction(diff_low, diff_high, diff_mean) -> str:
    if np.isfinite(diff_low) and np.isfinite(diff_high):
        if diff_high < 0:
            return "fell"
        if diff_low > 0:
            return "rose"
        return "unclear"
    return "fell" if diff_mean < 0 else "rose" if diff_mean > 0 else "unclear"


def _summary_paragraph(w: _Writer, results: Results, cmp: Comparison | None) -> str:
    s = results.summary
    ps = []
    if cmp is not None:
        row = cmp.row(HEADLINE)
        d = _direction(row["difference_low"], row["difference_high"], row["difference"])
        ps.append(w.t(f"s_iso_base_{d}", b=w.num(row["baseline"], "share"), s=w.num(row["scenario"], "share"),
                      bname=html.escape(cmp.baseline.name), sname=html.escape(results.name),
                      d=w.num(row["difference"], "points", True), lo=w.num(row["difference_low"], "points", True),
                      hi=w.num(row["difference_high"], "points", True), n=len(cmp.seeds)))
        parts = []
        for key, tkey, kind in (("lonely_share_65plus", "s_lonely", "share"), ("empowerment_index", "s_emp", "index")):
            if key in cmp.table["outcome"].values:
                r = cmp.row(key)
                dk = _diff_kind(kind)
                parts.append(w.t(tkey, b=w.num(r["baseline"], kind), s=w.num(r["scenario"], kind),
                                 d=w.num(r["difference"], dk, True), lo=w.num(r["difference_low"], dk, True),
                                 hi=w.num(r["difference_high"], dk, True)))
        ps.append(" ".join(parts))
        if "isolation_gap_groups" in cmp.table["outcome"].values:
            r = cmp.row("isolation_gap_groups")
            worst = _worst_group(w, results)
            ps.append(w.t("s_gap", s=w.num(r["scenario"], "points"), b=w.num(r["baseline"], "points"),
                          d=w.num(r["difference"], "points", True), lo=w.num(r["difference_low"], "points", True),
                          hi=w.num(r["difference_high"], "points", True), worst=worst[0]))
        ps.append(_cost_sentence(w, cmp))
        if "ed_visits" in cmp.table["outcome"].values:
            r = cmp.row("ed_visits")
            ps.append(w.t("s_ed", s=w.num(r["scenario"], "count"), b=w.num(r["baseline"], "count"),
                          d=w.num(r["difference"], "count", True), lo=w.num(r["difference_low"], "count", True),
                          hi=w.num(r["difference_high"], "count", True)))
    else:
        final = mean_ci(s[HEADLINE])
        start_col = f"{HEADLINE}_start"
        start = float(s[start_col].mean()) if start_col in s else float("nan")
        if final.n < 2 or start_col not in s:
            ps.append(w.t("s_iso_time_single", a=w.num(start, "share"), s=w.num(final.mean, "share")))
        else:
            diff = mean_ci(s[HEADLINE] - s[start_col])
            d = {"fell": "fell", "rose": "rose"}.get(_direction(diff.low, diff.high, diff.mean), "flat")
            ps.append(w.t(f"s_iso_time_{d}", a=w.num(start, "share"), s=w.num(final.mean, "share"),
                          lo=w.num(final.low, "share"), hi=w.num(final.high, "share"), n=final.n))
        parts = []
        if "lonely_share_65plus" in s:
            parts.append(w.t("s_lonely_time", s=w.num(s["lonely_share_65plus"].mean(), "share")))
        if "empowerment_index" in s:
            parts.append(w.t("s_emp_time", s=w.num(s["empowerment_index"].mean(), "index")))
        ps.append(" ".join(parts))
        if "isolation_gap_groups" in s:
            worst, worst_v = _worst_group(w, results)
            ps.append(w.t("s_gap_time", s=w.num(s["isolation_gap_groups"].mean(), "points"), worst=worst,
                          worst_v=w.num(worst_v, "share")))
        if "spending_total" in s:
            ps.append(w.t("s_spend_time", s=w.num(s["spending_total"].mean(), "money")))
    if results.completed_runs < 2:
        ps.append(w.t("single_run"))
    else:
        ps.append(w.t("s_sure"))
    return "<div class='summary'>" + "".join(f"<p>{p}</p>" for p in ps if p) + "</div>"


def _worst_group(w: _Writer, results: Results) -> tuple[str, float]:
    cols = [c for c in results.summary.columns if c.startswith("isolated_share_group_")]
    if not cols:
        return w.t("not_available"), float("nan")
    means = results.summary[cols].mean()
    col = means.idxmax()
    return html.escape(group_label(w.lang, col.removeprefix("isolated_share_"))), float(means[col])


def _cost_sentence(w: _Writer, cmp: Comparison) -> str:
    c = cmp.cost
    if c is None:
        return ""
    extra = w.num(c.extra_spending.mean, "money", c.status == "no_reduction")
    fewer = w.num(c.fewer_isolated.mean, "count")
    if c.status == "no_reduction":
        return w.t("s_cost_no_reduction", extra=extra, fewer=fewer)
    if c.status == "saves" or c.extra_spending.mean < 0:
        return w.t("s_cost_saves", saving=w.num(-c.extra_spending.mean, "money"), fewer=fewer)
    if c.status == "unbounded" or not np.isfinite(c.low):
        return w.t("s_cost_unbounded", extra=extra, fewer=fewer, ratio=w.num(c.ratio, "money"))
    return w.t("s_cost_ok", extra=extra, ratio=w.num(c.ratio, "money"), lo=w.num(c.low, "money"),
               hi=w.num(c.high, "money"))


def _key_table(w: _Writer, results: Results, cmp: Comparison | None) -> str:
    if cmp is not None:
        head = (f"<tr><th>{w.t('col_outcome')}</th><th>{w.t('col_baseline')}</th><th>{w.t('col_scenario')}</th>"
                f"<th>{w.t('col_difference')}</th><th>{w.t('col_n')}</th></tr>")
        rows = []
        for _, r in cmp.table.iterrows():
            kind = KEY_OUTCOMES.get(r["outcome"], "index")
            dk = _diff_kind(kind)
            rows.append(
                f"<tr><td>{w.label(r['outcome'])}</td>"
                f"<td>{w.num(r['baseline'], kind)}<span class='ci'>{w.ci(r['baseline_low'], r['baseline_high'], kind)}</span></td>"
                f"<td>{w.num(r['scenario'], kind)}<span class='ci'>{w.ci(r['scenario_low'], r['scenario_high'], kind)}</span></td>"
                f"<td>{w.num(r['difference'], dk, True)}<span class='ci'>"
                f"{w.ci(r['difference_low'], r['difference_high'], dk, True)}</span></td>"
                f"<td>{int(r['n_pairs'])}</td></tr>")
    else:
        head = (f"<tr><th>{w.t('col_outcome')}</th><th>{w.t('col_mean')}</th><th>{w.t('col_n')}</th></tr>")
        rows = []
        for _, r in summarise(results).iterrows():
            kind = KEY_OUTCOMES.get(r["outcome"], "index")
            rows.append(f"<tr><td>{w.label(r['outcome'])}</td><td>{w.num(r['mean'], kind)}<span class='ci'>"
                        f"{w.ci(r['low'], r['high'], kind)}</span></td><td>{int(r['n'])}</td></tr>")
    return f"<h2>{w.t('key_h')}</h2><table>{head}{''.join(rows)}</table>"


def _time_section(w: _Writer, results: Results, baseline: Results | None, heading: str | None = None) -> str:
    panels = [(o, w.t(k), kind) for o, k, kind in TIME_PANELS if o in results.weekly.columns]
    if not panels:
        return ""
    outs = [p[0] for p in panels]
    sb = weekly_bands(results, outs)
    bb = weekly_bands(baseline, outs) if baseline is not None else None
    labels = {"scenario": _role(w, "scenario", results), "baseline": _role(w, "baseline", baseline), "year": w.t("year")}
    fig = plots.time_panels(panels, sb, bb, labels, w.lang)
    heading = heading or w.t("time_h")
    return f"<h2>{heading}</h2>{w.img(fig, heading)}<p class='note'>{w.t('time_note')}</p>"


def _equity_section(w: _Writer, results: Results, cmp: Comparison | None) -> str:
    cols = group_columns(results)
    if not cols:
        return ""
    names = [group_label(w.lang, c.removeprefix("isolated_share_")) for c in cols]
    st = summarise(results, cols)
    bt = summarise(cmp.baseline, [c for c in cols if c in cmp.baseline.summary]) if cmp is not None else None
    if bt is not None and len(bt) != len(st):
        bt = None
    labels = {"scenario": _role(w, "scenario", results), "baseline": _role(w, "baseline", cmp.baseline if cmp else None), "share_axis": w.t("share_axis")}
    fig = plots.group_bars(names, st, bt, labels, w.t("fig_equity"), w.lang)
    rows = []
    if cmp is not None:
        s = results.summary.set_index("seed").loc[cmp.seeds]
        b = cmp.baseline.summary.set_index("seed").loc[cmp.seeds]
        head = (f"<tr><th>{w.t('col_group')}</th><th>{w.t('col_baseline')}</th><th>{w.t('col_scenario')}</th>"
                f"<th>{w.t('col_difference')}</th></tr>")
        for col, name in zip(cols, names):
            if col not in b:
                continue
            pd_ = paired_difference(s[col], b[col], col)
            rows.append(f"<tr><td>{html.escape(name)}</td><td>{w.num(pd_.baseline.mean, 'share')}</td>"
                        f"<td>{w.num(pd_.scenario.mean, 'share')}</td><td>{w.num(pd_.difference.mean, 'points', True)}"
                        f"<span class='ci'>{w.ci(pd_.difference.low, pd_.difference.high, 'points', True)}</span></td></tr>")
    else:
        head = f"<tr><th>{w.t('col_group')}</th><th>{w.t('col_mean')}</th></tr>"
        for (_, r), name in zip(st.iterrows(), names):
            rows.append(f"<tr><td>{html.escape(name)}</td><td>{w.num(r['mean'], 'share')}"
                        f"<span class='ci'>{w.ci(r['low'], r['high'], 'share')}</span></td></tr>")
    return f"<h2>{w.t('equity_h')}</h2>{w.img(fig, w.t('fig_equity'))}<table>{head}{''.join(rows)}</table>"


def _spending_section(w: _Writer, results: Results, cmp: Comparison | None) -> str:
    lines = spending_lines(results)
    if not lines:
        return ""
    labels = {"scenario": _role(w, "scenario", results), "baseline": _role(w, "baseline", cmp.baseline if cmp else None),
              "lines": [outcome_label(w.lang, l) for l in lines], "dollars": w.t("dollars_axis")}
    base = cmp.baseline.summary[[l for l in lines if l in cmp.baseline.summary]].mean() if cmp else None
    fig = plots.spending_bars(lines, results.summary[lines].mean(), base, labels, w.t("fig_spend"), w.lang)
    out = [f"<h2>{w.t('spend_h')}</h2>", w.img(fig, w.t("fig_spend"))]
    if cmp is not None and cmp.cost is not None:
        out.append(f"<p>{_cost_sentence(w, cmp)}</p>")
        s = results.summary.set_index("seed").loc[cmp.seeds]
        b = cmp.baseline.summary.set_index("seed").loc[cmp.seeds]
        fewer = (b["isolated_count"] - s["isolated_count"]).to_numpy(float)
        extra = (s["spending_total"] - b["spending_total"]).to_numpy(float)
        ratio = cmp.cost.ratio if cmp.cost.status in ("ok", "unbounded") else None
        fig = plots.cost_scatter(fewer, extra, {"x": w.t("fig_ce_x"), "y": w.t("fig_ce_y"), "title": w.t("fig_ce"),
                                                "mean": w.t("fig_ce_mean"), "seeds": w.t("fig_ce_seeds"), "ratio": ratio,
                                                "ratio_label": w.t("fig_ce_ratio", v=fmt(ratio, "money", w.lang))
                                                if ratio is not None else ""}, w.lang)
        out.append(w.img(fig, w.t("fig_ce")))
    return "\n".join(out)


def _runs_body(w: _Writer, results: Results, cmp: Comparison | None) -> list[str]:
    out = [f"<h2>{w.t('summary_h')}</h2>", _summary_paragraph(w, results, cmp)]
    if cmp is not None:
        if any(cmp.unpaired.values()):
            seeds = sorted(set(cmp.unpaired["scenario"]) | set(cmp.unpaired["baseline"]))
            out.append(f"<p class='warning'>{w.t('unpaired', seeds=_seeds_text(seeds))}</p>")
        if "residents" in cmp.warnings:
            out.append(f"<p class='warning'>{w.t('residents_warning', a=results.residents, b=cmp.baseline.residents)}</p>")
    out.append(_key_table(w, results, cmp))
    out.append(_time_section(w, results, cmp.baseline if cmp else None))
    out.append(_equity_section(w, results, cmp))
    out.append(_spending_section(w, results, cmp))
    return out


# ---------------------------------------------------------------------------------------------
# Sweeps


def _sweep_body(w: _Writer, results: Results, baseline: Results | None, outcome: str) -> list[str]:
    kind = KEY_OUTCOMES.get(outcome, "index")
    scale = 100.0 if kind in ("share", "points") else 1.0
    sens, why = None, ""
    try:
        sens = analyse(results, outcome)
    except UserError as e:
        why = e.detail
    per_point = summarise(results, [outcome]) if not results.summary.empty else pd.DataFrame()
    ps = []
    if not per_point.empty:
        ps.append(w.t("s_sweep" if outcome == HEADLINE else "s_sweep_other", k=len(results.parameters),
                      points=len(results.points()), outcome=w.label(outcome),
                      lo=w.num(per_point["mean"].min(), kind), hi=w.num(per_point["mean"].max(), kind)))
    measure = {"sobol": w.t("sobol_measure"), "morris": w.t("morris_measure"), "main_effects": w.t("main_measure")}
    flat = not per_point.empty and float(np.ptp(per_point["mean"].to_numpy(float))) == 0.0
    if flat:
        ps.append(w.t("s_sweep_flat"))
        sens = None
    elif sens is not None and not sens.ranking.empty:
        r = sens.ranking
        vkind = "index" if sens.method == "sobol" else ("points" if kind == "share" else kind)
        if sens.method != "sobol" and kind == "share":
            vkind = "points"
        key = "s_sweep_lever" if len(r) > 1 else "s_sweep_lever1"
        ps.append(w.t(key, p=html.escape(r["parameter"].iloc[0]), measure=measure[sens.method],
                      v=w.num(r["value"].iloc[0], vkind), p2=html.escape(r["parameter"].iloc[1]) if len(r) > 1 else ""))
    else:
        ps.append(w.t("s_sweep_nosens", why=html.escape(why)))
    comparisons = _point_comparisons(results, baseline, outcome) if baseline is not None else []
    if comparisons:
        best = min(comparisons, key=lambda c: c[1].row(outcome)["difference"])
        r = best[1].row(outcome)
        dk = _diff_kind(kind)
        ps.append(w.t("s_sweep_best", point=best[0], d=w.num(r["difference"], dk, True),
                      lo=w.num(r["difference_low"], dk, True), hi=w.num(r["difference_high"], dk, True)))
    ps.append(w.t("s_sure"))
    out = [f"<h2>{w.t('summary_h')}</h2>",
           "<div class='summary'>" + "".join(f"<p>{p}</p>" for p in ps) + "</div>"]
    if sens is not None:
        out.append(_sensitivity_section(w, results, sens, outcome, kind, scale))
    out.append(_points_table(w, results, per_point, comparisons, outcome, kind))
    if not results.weekly.empty and "point" in results.weekly and not per_point.empty:
        best = int(per_point.sort_values("mean")["point"].iloc[0])
        out.append(_time_section(w, results.select(best), baseline, heading=w.t("time_point_h", point=best)))
    return out


def _point_comparisons(results: Results, baseline: Results, outcome: str) -> list[tuple[int, Comparison]]:
    out = []
    for p in sorted(results.summary["point"].unique()):
        sub = results.select(int(p))
        if not set(sub.seeds) & set(baseline.seeds):
            continue
        out.append((int(p), compare(sub, baseline, [outcome, "spending_total", "isolated_count"]
                                    if {"spending_total", "isolated_count"} <= set(sub.summary) else [outcome])))
    if not out:
        raise UserError("incompatible baseline: no seed in common with the sweep's replications "
                        f"(sweep seeds {results.seeds[:6]}, baseline seeds {baseline.seeds[:6]}); run the baseline "
                        f"with the sweep's seeds, listed in {results.path / 'seeds.parquet'}", file=str(baseline.path))
    return out


def _sensitivity_section(w: _Writer, results: Results, sens, outcome: str, kind: str, scale: float) -> str:
    measure = {"sobol": w.t("sobol_measure"), "morris": w.t("morris_measure"), "main_effects": w.t("main_measure")}
    axis = measure[sens.method] if sens.method != "main_effects" else \
        outcome_label(w.lang, outcome) + (" (%)" if kind in ("share", "points") else "")
    labels = {"title": w.t("fig_tornado", outcome=outcome_label(w.lang, outcome)), "measure": axis,
              "first": w.t("sobol_first"), "low": w.t("main_low"), "high": w.t("main_high")}
    first = None
    if sens.method == "sobol":
        first = sens.table.set_index("parameter").loc[sens.ranking["parameter"], "S1"]
    centre = float(results.summary[outcome].mean()) if sens.method == "main_effects" else None
    fig = plots.tornado(sens.ranking, sens.method, labels, w.lang, first_order=first, centre=centre,
                        scale=scale if sens.method == "main_effects" else 1.0)
    out = [f"<h2>{w.t('sens_h')}</h2>", w.img(fig, labels["title"]),
           f"<p class='note'>{w.t('sens_note_' + ('main' if sens.method == 'main_effects' else sens.method))}</p>"]
    vkind = "index" if sens.method == "sobol" else _diff_kind(kind)
    if sens.method == "sobol":
        head = "<tr><th>{}</th><th>ST</th><th>S1</th></tr>".format(w.t("col_parameter"))
        rows = [f"<tr><td>{html.escape(r.parameter)}</td><td>{w.num(r.ST, 'index')}<span class='ci'>"
                f"{w.ci(r.ST - r.ST_conf, r.ST + r.ST_conf, 'index')}</span></td><td>{w.num(r.S1, 'index')}"
                f"<span class='ci'>{w.ci(r.S1 - r.S1_conf, r.S1 + r.S1_conf, 'index')}</span></td></tr>"
                for r in sens.table.itertuples()]
    elif sens.method == "morris":
        head = "<tr><th>{}</th><th>μ*</th><th>σ</th></tr>".format(w.t("col_parameter"))
        rows = [f"<tr><td>{html.escape(r.parameter)}</td><td>{w.num(r.mu_star, vkind)}"
                f"<span class='ci'>± {w.num(r.mu_star_conf, vkind)}</span></td>"
                f"<td>{w.num(r.sigma, vkind)}</td></tr>"
                for r in sens.table.itertuples()]
    else:
        head = "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>".format(
            w.t("col_parameter"), w.t("main_measure"), w.t("main_low"), w.t("main_high"))
        rows = [f"<tr><td>{html.escape(r.parameter)}</td><td>{w.num(r.value, vkind)}</td>"
                f"<td>{w.num(r.low, kind)}</td><td>{w.num(r.high, kind)}</td></tr>" for r in sens.ranking.itertuples()]
        params = list(sens.ranking["parameter"])
        grid = plots.main_effect_grid(sens.table, params, {"title": w.t("fig_main", outcome=outcome_label(w.lang, outcome))},
                                      w.lang, scale=scale)
        out.append(w.img(grid, w.t("fig_main", outcome=outcome_label(w.lang, outcome))))
    out.append(f"<table>{head}{''.join(rows)}</table>")
    return "\n".join(out)


def _points_table(w: _Writer, results: Results, per_point: pd.DataFrame, comparisons, outcome: str, kind: str,
                  limit: int = 12) -> str:
    if per_point.empty:
        return ""
    design = results.design.set_index("point") if results.design is not None else \
        results.summary.groupby("point")[results.parameters].first()
    per_point = per_point.sort_values("mean").head(limit)
    cmp = dict(comparisons)
    params = [p for p in results.parameters if p in design.columns][:6]
    head = (f"<tr><th>{w.t('col_point')}</th>" + "".join(f"<th class='param' title='{html.escape(p)}'>"
                                                          f"{html.escape(p).replace('.', '.<wbr>')}</th>" for p in params)
            + f"<th>{w.label(outcome)}</th>" + (f"<th>{w.t('col_difference')}</th>" if cmp else "")
            + f"<th>{w.t('col_n')}</th></tr>")
    rows = []
    for _, r in per_point.iterrows():
        p = int(r["point"])
        cells = "".join(f"<td>{_param_cell(w, design.loc[p, q])}</td>" for q in params) if p in design.index else \
            "".join("<td>–</td>" for _ in params)
        diff = ""
        if cmp:
            if p in cmp:
                c = cmp[p].row(outcome)
                dk = _diff_kind(kind)
                diff = (f"<td>{w.num(c['difference'], dk, True)}<span class='ci'>"
                        f"{w.ci(c['difference_low'], c['difference_high'], dk, True)}</span></td>")
            else:
                diff = "<td>–</td>"
        rows.append(f"<tr><td>{p}</td>{cells}<td>{w.num(r['mean'], kind)}<span class='ci'>"
                    f"{w.ci(r['low'], r['high'], kind)}</span></td>{diff}<td>{int(r['n'])}</td></tr>")
    note = w.t("points_note", shown=len(rows), total=len(results.points()), outcome=w.label(outcome))
    return f"<h2>{w.t('points_h')}</h2><p class='note'>{note}</p><table>{head}{''.join(rows)}</table>"


def _param_cell(w: _Writer, value) -> str:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return html.escape(str(value))
    return w.num(float(value), "raw")
