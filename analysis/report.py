"""The planner's report: one self-contained HTML file (figures embedded as PNG data, no network).

It opens with a plain-language paragraph built from the numbers (did isolation fall, for whom, at
what cost, how sure are we), then the key outcomes with 95% confidence intervals, charts over time
with uncertainty bands, the equity breakdown, spending and cost-effectiveness. For a sweep: the
sensitivity ranking, the design points, and the same breakdowns for the best design point. Every
number is written inside ``<span class="num" data-value="...">`` so the French and English reports
can be checked to show the same numbers.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import math
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import UserError, as_path, file_in_the_way
from sim.money import symbol

from . import plots
from .i18n import (NOUNS, PERCENT_KINDS, TIMES_100, check_lang, count, count_decimals, fmt, group_label, group_phrase,
                   outcome_label, singular, t)
from .load import Results, community_difference, load
from .sensitivity import DEFAULT_METHOD, Sensitivity, analyse
from .stats import (HIGHER_IS_BETTER, KEY_OUTCOMES, Comparison, PairedDifference, check_same_currency, compare,
                    group_columns, mean_ci, paired_difference, spending_lines, spending_over_the_run, summarise,
                    weekly_bands)

HEADLINE = "isolated_share_65_alone"
TURNOVER = "partner_turnover_share"
#: Fewest replications for which a share's interval is shown (with two, a t interval spans most of 0-100%).
MIN_N_SHARE_CI = 3
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
    """Number and sentence helpers bound to one language and to the currency of the amounts reported
    (``funding.currency`` of the results: an ISO 4217 code)."""

    def __init__(self, lang: str, figures: bool = True, currency: str | None = None):
        self.lang = lang
        self.figures = figures
        self.currency = currency

    def img(self, fig, alt: str) -> str:
        """A figure as an embedded PNG (or nothing, unrendered, when figures are off)."""
        if not self.figures:
            return ""
        data = base64.b64encode(plots.png(fig)).decode("ascii")
        return f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"></figure>'

    def t(self, key: str, **kw) -> str:
        return t(self.lang, key, **kw)

    def num(self, value, kind: str, sign: bool = False) -> str:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            text = fmt(value, kind, self.lang, sign, self.currency) if value is not None else "–"
            return f'<span class="num" data-value="{value}">{html.escape(text)}</span>'
        return (f'<span class="num" data-value="{float(value):.6g}">'
                f'{html.escape(fmt(float(value), kind, self.lang, sign, self.currency))}</span>')

    def ci(self, low, high, kind: str, sign: bool = False, n: int | None = None, floor: bool = False) -> str:
        """An interval ``low`` to ``high``; a share's within 0-100%, a rate's from 0 (t intervals of few
        replications overshoot).

        ``floor``: the interval of a level that cannot be negative (see :func:`_nonnegative`): its
        lower bound is shown as 0 at least. ``n``: the number of values behind it; a share's or a
        rate's interval from fewer than :data:`MIN_N_SHARE_CI` values is not shown ("n too small").
        """
        if kind in PERCENT_KINDS and n is not None and 0 < n < MIN_N_SHARE_CI:
            return self.t("n_small")
        if low is None or not np.isfinite(low):
            return self.t("no_ci")
        if kind == "share":
            low, high = max(0.0, float(low)), min(1.0, float(high))
        elif floor or kind == "rate":
            low = max(0.0, float(low))
        return self.t("ci", lo=self.num(low, kind, sign), hi=self.num(high, kind, sign))

    def prose_diff(self, mean, low, high, kind: str) -> dict[str, str]:
        """A difference and its interval for a sentence: ``d``, ``lo``, ``hi`` (signed).

        A difference of shares reads "−5.3 percentage points (95% CI −8.1 to −2.5)": the unit is
        written in full once, the bounds without it.
        """
        if kind in TIMES_100:
            return {"d": self.num(mean, "points_long", True), "lo": self.num(low, "points_bare", True),
                    "hi": self.num(high, "points_bare", True)}
        return {"d": self.num(mean, kind, True), "lo": self.num(low, kind, True), "hi": self.num(high, kind, True)}

    def diff_clause(self, row: "pd.Series | dict", kind: str) -> str:
        """A paired difference in a summary sentence: "difference −5.3 percentage points, 95% CI −8.1 to −2.5".

        ``row`` is a row of :attr:`Comparison.table` (or :meth:`PairedDifference.as_row`). From one seed
        paired there is no interval: the difference is given and the clause says it has none (it printed
        "95% CI – to –").
        """
        diff = self.prose_diff(row["difference"], row["difference_low"], row["difference_high"], kind)
        if np.isfinite(row["difference_low"]) and np.isfinite(row["difference_high"]):
            return self.t("diff_ci", **diff)
        return self.t("diff_no_ci", d=diff["d"], pairs=self.count(row["n_pairs"], "seed_paired"))

    def count(self, n: int, noun: str) -> str:
        return count(self.lang, int(n), noun)

    def noun(self, value: float, noun: str) -> str:
        """The noun in the singular or plural that the count ``value`` takes as shown (« 1,5 résident »,
        "1.5 residents"; 0.96 is shown "1.0" and takes "resident")."""
        one, many = NOUNS[self.lang][noun]
        return one if singular(self.lang, round(value, count_decimals(value))) else many

    def label(self, outcome: str) -> str:
        return html.escape(outcome_label(self.lang, outcome))


def _role(w: "_Writer", role: str, res: Results | None) -> str:
    return f"{w.t(role + '_label')}{w.t('colon')}{res.name}" if res is not None else ""


def _diff_kind(kind: str) -> str:
    return "points" if kind in PERCENT_KINDS else kind


def _nonnegative(outcome: str) -> bool:
    """Whether ``outcome``'s level cannot be negative: every key outcome (shares, counts, indices, gaps, amounts)."""
    return outcome in KEY_OUTCOMES


# ---------------------------------------------------------------------------------------------
# Entry points


def write_report(results: "Results | str | Path", out: "str | Path | None" = None,
                 baseline: "Results | str | Path | None" = None, lang: str = "en",
                 outcome: str = HEADLINE) -> Path:
    """Write the report as one HTML file; returns its path (default ``DIR/report-LANG.html``).

    ``results`` and ``baseline`` are loaded results or their folders; ``out`` a file (``rapport.html``:
    a new file's name ends in ``.html`` or ``.htm``) or a folder (an existing one, a name without a
    suffix, or a name written with a closing ``/`` such as ``v1.2/``, created as ``run --out`` and
    ``sweep --out`` create theirs; the report then goes in it as ``report-LANG.html``); ``lang`` is
    ``en`` or ``fr``; ``outcome`` the
    headline outcome (default: isolation of people 65+ living alone).
    """
    check_lang(lang)
    results = results if isinstance(results, Results) else load(results, weekly=False)   # a sweep: its best point's only
    if baseline is not None and not isinstance(baseline, Results):
        baseline = load(baseline)
    folder = isinstance(out, str) and out.endswith(("/", os.sep))   # 'v1.2/': a folder, whatever its name
    out = results.path / f"report-{lang}.html" if out is None or out == "" else as_path(out, "out")
    if out.is_dir() or folder or (not out.exists() and not out.suffix):
        out = out / f"report-{lang}.html"
    blocker = file_in_the_way(out.parent)
    if blocker is not None:
        raise UserError(f"expected a folder at {blocker} to hold the report; found a file", file=str(out),
                        key="--out")
    if out.is_file() and not _is_html(out):   # report DIR --out DIR/outcomes.parquet wrote over the run's data
        raise UserError("expected a new file, or an HTML report to replace; found a file that is not HTML "
                        "(left as it is: name another file, or a folder)", file=str(out), key="--out")
    if not out.is_file() and out.suffix.lower() not in (".html", ".htm"):   # --out rapport.pdf wrote HTML in it
        version = "" if out.suffix[1:].isalpha() else f" (for a folder of that name, write it with a closing '/': {out.name}/)"
        raise UserError(f"expected a file name ending in .html (the report is one HTML page, which a browser "
                        f"prints to PDF); found the suffix '{out.suffix}'{version}", file=str(out), key="--out")
    text = build_report(results, baseline, lang, outcome)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot write the report ({e.strerror})", file=str(out), key="--out") from None
    return out


def _is_html(path: Path) -> bool:
    """Whether the file at ``path`` begins as an HTML document does (a report written earlier)."""
    try:
        with open(path, "rb") as f:
            head = f.read(512).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    except OSError:
        return True   # unreadable: writing it fails with its own message
    return head.startswith((b"<!doctype html", b"<html"))


def build_report(results: Results, baseline: Results | None = None, lang: str = "en",
                 outcome: str = HEADLINE, figures: bool = True) -> str:
    """The report's HTML text (``figures=False``: the text and tables only, much faster)."""
    check_lang(lang)
    w = _Writer(lang, figures, results.currency)
    if baseline is not None and baseline.kind == "sweep":
        baseline = baseline.as_baseline()
    if results.summary.empty:
        note = results.completeness_note()
        raise UserError(f"nothing to report yet: 0 of {note['expected']} runs completed ({note['failed']} failed, "
                        f"{note['missing']} missing)", file=str(results.path))
    results.check_outcomes([outcome], key="--outcome")
    if baseline is not None:
        check_same_currency(results, baseline)
    if baseline is not None and HEADLINE not in baseline.summary.columns:
        raise UserError(f"incompatible baseline: it has no outcome '{HEADLINE}'", file=str(baseline.path),
                        key="--baseline")
    if baseline is not None and baseline.name == results.name:
        results = dataclasses.replace(results, name=f"{results.name} ({results.path.name})")
        baseline = dataclasses.replace(baseline, name=f"{baseline.name} ({baseline.path.name})")
    other_community = community_difference(results, baseline) if baseline is not None else None
    parts = [_header(w, results, baseline, other_community)]
    if results.kind == "sweep":
        parts += _sweep_body(w, results, baseline, outcome)
    else:
        comparison = compare(results, baseline) if baseline is not None else None
        parts += _runs_body(w, results, comparison, sizes_said=other_community is not None)
    parts.append(f"<h2>{w.t('method_h')}</h2><p class='note'>{html.escape(_method_note(w, results, baseline))}</p>")
    title = html.escape(w.t("title", name=results.name))
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,"><title>{title}</title><style>{CSS}</style></head>'
            f'<body>\n' + "\n".join(parts) + "\n</body></html>\n")


def _runs_behind(results: Results) -> int:
    """Runs behind each value: the replications of a sweep's design point, else the completed runs."""
    return results.replications if results.kind == "sweep" else results.completed_runs


def _method_note(w: _Writer, results: Results, baseline: Results | None) -> str:
    """How the numbers were computed, saying only what this report did: intervals across replications
    where there are several, pairing by seed and the cost ratio against a baseline, SALib for a
    Sobol or Morris sweep."""
    keys = ["method_final"]
    if _runs_behind(results) >= 2:
        keys.append("method_ci")
    else:
        keys.append("method_no_ci_sweep" if results.kind == "sweep" else "method_no_ci")
    if baseline is not None:
        keys += ["method_paired", "method_cost"]
    keys += ["method_turnover", "method_points"]
    if results.kind == "sweep" and DEFAULT_METHOD.get(results.design_name) in ("sobol", "morris"):
        keys.append("method_salib")
    return " ".join(w.t(k) for k in keys)


# ---------------------------------------------------------------------------------------------
# Header and notices


def _seeds_text(seeds: list[int]) -> str:
    if len(seeds) > 8:
        return f"{seeds[0]}–{seeds[-1]}" if seeds == list(range(seeds[0], seeds[-1] + 1)) else \
            ", ".join(map(str, seeds[:8])) + " …"
    return ", ".join(map(str, seeds))


def _short(value, limit: int = 60) -> str:
    """A recorded parameter value as a short text for a notice."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header(w: _Writer, results: Results, baseline: Results | None,
            other_community: tuple[str, object, object] | None = None) -> str:
    """Title, what was run, against which baseline, and the notices: a baseline of another community
    (``other_community``, from :func:`~analysis.load.community_difference`), a short run, missing runs."""
    if results.kind == "sweep":
        what = w.t("what_sweep", points=w.count(len(results.points()), "design_point"),
                   reps=w.count(results.replications, "replication"), design=results.design_name)
    elif results.kind == "run":
        what = w.t("what_run", seeds=_seeds_text(results.seeds))
    else:
        what = w.t("what_replications", reps=w.count(results.completed_runs, "replication"),
                   seeds=_seeds_text(results.seeds))
    out = [f"<h1>{html.escape(w.t('title', name=results.name))}</h1>",
           f"<p class='meta'>{html.escape(w.t('generated', path=str(results.path), what=what))} "
           f"{dt.date.today().isoformat()}</p>"]
    if baseline is not None:
        n = len(set(results.seeds) & set(baseline.seeds))
        line = w.t("baseline_line", name=baseline.name, path=str(baseline.path), seeds_n=w.count(n, "seed"))
        out.append(f"<p class='meta'>{html.escape(line)}</p>")
    if other_community is not None:
        where, s, b = other_community
        text = w.t("other_community", where=where, s=_short(s), b=_short(b))
        out.append(f"<div class='warning' role='alert'><strong>{w.t('other_community_h')}</strong>{w.t('colon')}"
                   f"{html.escape(text, quote=False)}</div>")
    if results.weeks and int(results.weeks) < 52:
        out.append(f"<p class='warning'>{w.t('short_run', weeks=int(results.weeks))}</p>")
    for res in (results, baseline):
        if res is not None and not res.complete:
            kind = w.t("incomplete_kind_sweep") if res.kind == "sweep" else w.t("incomplete_kind_runs")
            note = res.completeness_note()
            out.append(f"<div class='warning' role='alert'><strong>{w.t('incomplete_h')}</strong> "
                       f"({html.escape(str(res.path))}){w.t('colon')}"
                       + w.t("incomplete", kind=kind, completed=note["completed"], expected=note["expected"],
                             missing=note["missing"], failed=note["failed"]) + "</div>")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# One scenario (a run or replications), optionally against a baseline


def _direction(diff_low, diff_high, diff_mean) -> str:
    """Whether a paired difference shows the outcome ``fell``, ``rose``, stayed the ``same`` in every
    pair (an interval of 0 to 0 does not make a difference "unclear"), or is ``unclear``."""
    if diff_low == diff_high == diff_mean == 0:
        return "same"
    if np.isfinite(diff_low) and np.isfinite(diff_high):
        if diff_high < 0:
            return "fell"
        if diff_low > 0:
            return "rose"
        return "unclear"
    return "fell" if diff_mean < 0 else "rose" if diff_mean > 0 else "unclear"


def _summary_paragraph(w: _Writer, results: Results, cmp: Comparison | None) -> str:
    """In short: did isolation fall, for whom, at what cost, how sure are we."""
    ps = _comparison_sentences(w, results, cmp) if cmp is not None else _over_time_sentences(w, results)
    ps.append(_sure_sentence(w, results.completed_runs, paired=cmp is not None))
    return "<div class='summary'>" + "".join(f"<p>{p}</p>" for p in ps if p) + "</div>"


def _comparison_sentences(w: _Writer, results: Results, cmp: Comparison) -> list[str]:
    """The summary against a baseline: each outcome's paired difference with its 95% CI."""
    row = cmp.row(HEADLINE)
    # one pair has no interval: the sentence gives the difference without saying isolation fell or rose
    finite = np.isfinite(row["difference_low"]) and np.isfinite(row["difference_high"])
    d = _direction(row["difference_low"], row["difference_high"], row["difference"]) if finite else "single"
    ps = [w.t(f"s_iso_base_{d}", b=w.num(row["baseline"], "share"), s=w.num(row["scenario"], "share"),
              bname=html.escape(cmp.baseline.name), sname=html.escape(results.name),
              pairs=w.count(len(cmp.seeds), "seed_paired"),
              **w.prose_diff(row["difference"], row["difference_low"], row["difference_high"], "share"))]
    outcomes = set(cmp.table["outcome"])
    parts = []
    for key, tkey, kind in (("lonely_share_65plus", "s_lonely", "share"), ("empowerment_index", "s_emp", "index")):
        if key in outcomes:
            r = cmp.row(key)
            parts.append(w.t(tkey, b=w.num(r["baseline"], kind), s=w.num(r["scenario"], kind),
                             diff=w.diff_clause(r, kind)))
    ps.append(" ".join(parts))
    if "isolation_gap_groups" in outcomes:
        r = cmp.row("isolation_gap_groups")
        ps.append(w.t("s_gap", s=w.num(r["scenario"], "points_long"), b=w.num(r["baseline"], "points_long"),
                      worst=_worst_group(w, results)[0], diff=w.diff_clause(r, "points"),
                      how=w.t("gap_how_runs" if len(cmp.seeds) > 1 else "gap_how_run")))
    ps.append(_left_behind_sentence(w, results, cmp))
    ps.append(_turnover_sentence(w, results))
    ps.append(_workforce_sentence(w, results))
    ps.append(_cost_sentence(w, cmp))
    if "ed_visits" in outcomes:
        r = cmp.row("ed_visits")
        ps.append(w.t("s_ed", s=w.num(r["scenario"], "count"), b=w.num(r["baseline"], "count"),
                      diff=w.diff_clause(r, "count")))
    return ps


def _left_behind_sentence(w: _Writer, results: Results, cmp: Comparison) -> str:
    """Who was left behind: the groups of the equity section whose isolation did not fall on average
    against the baseline (paired by seed), each with its difference; or that it fell in every group."""
    groups = [(col, d) for col, d in _group_differences(results, cmp)
              if np.isfinite(d.difference.mean)]   # a group with no members has none
    if not groups:
        return ""
    behind = [f"{html.escape(group_phrase(w.lang, col.removeprefix('isolated_share_')))} "
              f"({w.diff_clause(d.as_row(), 'points')})" for col, d in groups if d.difference.mean >= 0]
    return w.t("s_behind", groups=w.t("list_sep").join(behind)) if behind else w.t("s_behind_none")


def _group_differences(results: Results, cmp: Comparison) -> list[tuple[str, PairedDifference]]:
    """Each group's isolated share against the baseline, paired by seed (the groups both sides have)."""
    s = results.summary.set_index("seed").loc[cmp.seeds]
    b = cmp.baseline.summary.set_index("seed").loc[cmp.seeds]
    return [(col, paired_difference(s[col], b[col], col)) for col in group_columns(results) if col in b]


def _over_time_sentences(w: _Writer, results: Results) -> list[str]:
    """The summary without a baseline: the start of the runs against their final year."""
    s = results.summary
    final = mean_ci(s[HEADLINE])
    start_col = f"{HEADLINE}_start"
    start = float(s[start_col].mean()) if start_col in s else float("nan")
    if final.n < MIN_N_SHARE_CI or start_col not in s:   # no interval for a share from fewer runs
        ps = [w.t("s_iso_time_single", a=w.num(start, "share"), s=w.num(final.mean, "share"))]
    else:
        diff = mean_ci(s[HEADLINE] - s[start_col])
        d = {"fell": "fell", "rose": "rose"}.get(_direction(diff.low, diff.high, diff.mean), "flat")
        ps = [w.t(f"s_iso_time_{d}", a=w.num(start, "share"), s=w.num(final.mean, "share"),
                  lo=w.num(max(0.0, final.low), "share"), hi=w.num(min(1.0, final.high), "share"),
                  reps=w.count(final.n, "replication"))]
    parts = []
    if "lonely_share_65plus" in s:
        parts.append(w.t("s_lonely_time", s=w.num(s["lonely_share_65plus"].mean(), "share")))
    if "empowerment_index" in s:
        parts.append(w.t("s_emp_time", s=w.num(s["empowerment_index"].mean(), "index")))
    ps.append(" ".join(parts))
    if "isolation_gap_groups" in s:
        worst, worst_v = _worst_group(w, results)
        ps.append(w.t("s_gap_time", s=w.num(s["isolation_gap_groups"].mean(), "points_long"), worst=worst,
                      worst_v=w.num(worst_v, "share"), how=w.t("gap_how_runs" if len(s) > 1 else "gap_how_run")))
    ps.append(_turnover_sentence(w, results))
    ps.append(_workforce_sentence(w, results))
    if "spending_total" in s:
        ps.append(w.t("s_spend_time", s=w.num(s["spending_total"].mean(), "money")))
    return ps


def _sure_sentence(w: _Writer, runs: int, paired: bool) -> str:
    """How sure: no interval for a single run; "paired by seed" only where a paired comparison was made."""
    if runs < 2:
        return w.t("single_run")
    return w.t("s_sure" if paired else "s_sure_unpaired")


def _turnover_sentence(w: _Writer, results: Results) -> str:
    """Retention: the share of partners who left over the final year, with its 95% CI (nothing without partners)."""
    if TURNOVER not in results.summary:
        return ""
    ci = mean_ci(results.summary[TURNOVER])
    if ci.n == 0:
        return ""
    if ci.n < MIN_N_SHARE_CI:
        return w.t("s_turnover_no_ci", s=w.num(ci.mean, "rate"))
    return w.t("s_turnover", s=w.num(ci.mean, "rate"), lo=w.num(max(0.0, ci.low), "rate"), hi=w.num(ci.high, "rate"))


def _workforce_sentence(w: _Writer, results: Results) -> str:
    """Whether the programme kept its workforce: partners on the roster at their peak and in the final
    year (means across runs), and the funding sources that ended before the runs' last week (a
    workforce that shrinks when a start-up grant ends is the first thing a planner should see).
    Nothing without weekly outcomes or without any partner."""
    weekly = results.weekly
    if weekly.empty or "partners_total" not in weekly or "partners_total" not in results.summary:
        return ""
    partners = weekly.groupby("week")["partners_total"].mean()
    if not partners.max() > 0:
        return ""
    peak = float(partners.max())
    text = w.t("s_workforce", peak=w.num(peak, "count"), partners=w.noun(peak, "partner"),
               week=int(partners.idxmax()), final=w.num(results.summary["partners_total"].mean(), "count"),
               how=w.t("workforce_how_runs") if len(results.summary) > 1 else "")
    last_week = int(weekly["week"].max())
    sources = ((results.scenario_parameters or {}).get("funding") or {}).get("sources") or []
    ended = [w.t("s_funding_source", name=html.escape(str(src.get("name", ""))), week=int(src["end_week"]))
             for src in sources if src.get("end_week") is not None and src["end_week"] < last_week]
    if ended:
        text += " " + w.t("s_funding_ended" if len(ended) > 1 else "s_funding_ended_one",
                          sources=w.t("list_sep").join(ended))
    return text


def _worst_group(w: _Writer, results: Results) -> tuple[str, float]:
    cols = [c for c in results.summary.columns if c.startswith("isolated_share_group_")]
    if not cols:
        return w.t("not_available"), float("nan")
    means = results.summary[cols].mean()
    col = means.idxmax()
    return html.escape(group_phrase(w.lang, col.removeprefix("isolated_share_"))), float(means[col])


def _cost_sentence(w: _Writer, cmp: Comparison) -> str:
    c = cmp.cost
    if c is None:
        return ""
    extra = w.num(c.extra_spending.mean, "money", c.status == "no_reduction")
    fewer = w.num(c.fewer_isolated.mean, "count")
    isolated = w.noun(c.fewer_isolated.mean, "isolated_resident")   # « 0,4 résident isolé de moins »
    if c.status == "no_reduction":
        if c.fewer_isolated.mean < 0:   # more isolated than the baseline: "0.4 more", not "−0.4 fewer"
            return w.t("s_cost_no_reduction_more", extra=extra, more=w.num(-c.fewer_isolated.mean, "count"),
                       isolated=isolated)
        return w.t("s_cost_no_reduction", extra=extra, fewer=fewer, isolated=isolated)
    saves = c.status == "saves" or c.extra_spending.mean < 0
    if c.n_pairs < 2:   # one seed paired: no interval at all (not an uncertain one)
        return w.t("s_cost_saves_single" if saves else "s_cost_single", saving=w.num(-c.extra_spending.mean, "money"),
                   extra=extra, fewer=fewer, ratio=w.num(c.ratio, "money"), pairs=w.count(c.n_pairs, "seed_paired"),
                   isolated=isolated)
    if saves:
        # "isolates fewer people" only where the reduction's interval is bounded (excludes zero)
        unclear = c.status == "unbounded" or not np.isfinite(c.low)
        return w.t("s_cost_saves_unclear" if unclear else "s_cost_saves", saving=w.num(-c.extra_spending.mean, "money"),
                   fewer=fewer, isolated=isolated)
    if c.status == "unbounded" or not np.isfinite(c.low):
        return w.t("s_cost_unbounded", extra=extra, fewer=fewer, ratio=w.num(c.ratio, "money"), isolated=isolated)
    return w.t("s_cost_ok", extra=extra, ratio=w.num(c.ratio, "money"), lo=w.num(c.low, "money"),
               hi=w.num(c.high, "money"))


def _key_table(w: _Writer, results: Results, cmp: Comparison | None) -> str:
    if cmp is not None:
        head = (f"<tr><th>{w.t('col_outcome')}</th><th>{w.t('col_baseline')}</th><th>{w.t('col_scenario')}</th>"
                f"<th>{w.t('col_difference')}</th><th>{w.t('col_n_pairs')}</th></tr>")
        rows = []
        uneven = False   # an outcome defined in fewer runs on one side (a share of partners where there are none)
        for _, r in cmp.table.iterrows():
            pairs, s_n, b_n = int(r["n_pairs"]), int(r["scenario_n"]), int(r["baseline_n"])
            n_cell = str(pairs) if s_n == b_n == pairs else w.t("n_sides", n=pairs, s=s_n, b=b_n)
            uneven = uneven or n_cell != str(pairs)
            kind = KEY_OUTCOMES.get(r["outcome"], "index")
            dk = _diff_kind(kind)
            floor = _nonnegative(r["outcome"])
            rows.append(
                f"<tr><td>{w.label(r['outcome'])}</td>"
                f"<td>{w.num(r['baseline'], kind)}<span class='ci'>"
                f"{w.ci(r['baseline_low'], r['baseline_high'], kind, n=int(r['baseline_n']), floor=floor)}</span></td>"
                f"<td>{w.num(r['scenario'], kind)}<span class='ci'>"
                f"{w.ci(r['scenario_low'], r['scenario_high'], kind, n=int(r['scenario_n']), floor=floor)}</span></td>"
                f"<td>{w.num(r['difference'], dk, True)}<span class='ci'>"
                f"{w.ci(r['difference_low'], r['difference_high'], dk, True)}</span></td>"
                f"<td>{n_cell}</td></tr>")
    else:
        head = (f"<tr><th>{w.t('col_outcome')}</th><th>{w.t('col_mean')}</th><th>{w.t('col_n')}</th></tr>")
        rows = []
        for _, r in summarise(results).iterrows():
            kind = KEY_OUTCOMES.get(r["outcome"], "index")
            rows.append(f"<tr><td>{w.label(r['outcome'])}</td><td>{w.num(r['mean'], kind)}<span class='ci'>"
                        f"{w.ci(r['low'], r['high'], kind, n=int(r['n']), floor=_nonnegative(r['outcome']))}</span></td>"
                        f"<td>{int(r['n'])}</td></tr>")
    note = f"<p class='note'>{w.t('n_sides_note')}</p>" if cmp is not None and uneven else ""
    return f"<h2>{w.t('key_h')}</h2><table>{head}{''.join(rows)}</table>{note}"


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
    single = _runs_behind(results) < 2 and (baseline is None or _runs_behind(baseline) < 2)
    note = w.t("time_note_single" if single else "time_note")
    return f"<h2>{heading}</h2>{w.img(fig, heading)}<p class='note'>{note}</p>"


def _capitalised(label: str) -> str:
    """A label that starts a table row or names a bar: "Single parents", « Parents seuls » (the
    labels are lower-case to be used inside "Isolated, single parents")."""
    return label[:1].upper() + label[1:]


def _equity_section(w: _Writer, results: Results, cmp: Comparison | None, heading: str | None = None) -> str:
    """For whom: the isolated share by population and equity group (against the baseline, paired, with ``cmp``)."""
    cols = group_columns(results)
    if not cols:
        return ""
    names = [_capitalised(group_label(w.lang, c.removeprefix("isolated_share_"))) for c in cols]   # rows and bars
    st = summarise(results, cols)
    bt = summarise(cmp.baseline, [c for c in cols if c in cmp.baseline.summary]) if cmp is not None else None
    if bt is not None and len(bt) != len(st):
        bt = None
    labels = {"scenario": _role(w, "scenario", results), "baseline": _role(w, "baseline", cmp.baseline if cmp else None), "share_axis": w.t("share_axis")}
    fig = plots.group_bars(names, st, bt, labels, w.t("fig_equity"), w.lang)
    rows = []
    if cmp is not None:
        head = (f"<tr><th>{w.t('col_group')}</th><th>{w.t('col_baseline')}</th><th>{w.t('col_scenario')}</th>"
                f"<th>{w.t('col_difference')}</th></tr>")
        name_of = dict(zip(cols, names))
        for col, pd_ in _group_differences(results, cmp):
            name = name_of[col]
            rows.append(f"<tr><td>{html.escape(name)}</td><td>{w.num(pd_.baseline.mean, 'share')}</td>"
                        f"<td>{w.num(pd_.scenario.mean, 'share')}</td><td>{w.num(pd_.difference.mean, 'points', True)}"
                        f"<span class='ci'>{w.ci(pd_.difference.low, pd_.difference.high, 'points', True)}</span></td></tr>")
    else:
        head = f"<tr><th>{w.t('col_group')}</th><th>{w.t('col_mean')}</th></tr>"
        for (_, r), name in zip(st.iterrows(), names):
            rows.append(f"<tr><td>{html.escape(name)}</td><td>{w.num(r['mean'], 'share')}"
                        f"<span class='ci'>{w.ci(r['low'], r['high'], 'share', n=int(r['n']))}</span></td></tr>")
    which = "equity_note_single" if _runs_behind(results) < 2 else "equity_note"
    note = f"<p class='note'>{w.t(which)}</p>" if "isolation_gap_groups" in results.summary else ""
    return (f"<h2>{heading or w.t('equity_h')}</h2>{w.img(fig, w.t('fig_equity'))}<table>{head}{''.join(rows)}</table>"
            f"{note}")


def _spending_section(w: _Writer, results: Results, cmp: Comparison | None, heading: str | None = None) -> str:
    """Spending by budget line, and with ``cmp`` the cost per person no longer isolated, seed by seed."""
    lines = spending_lines(results)
    if not lines:
        return ""
    labels = {"scenario": _role(w, "scenario", results), "baseline": _role(w, "baseline", cmp.baseline if cmp else None),
              "lines": [outcome_label(w.lang, l) for l in lines], "money": w.t("money_axis", unit=symbol(w.currency))}
    base = cmp.baseline.summary[[l for l in lines if l in cmp.baseline.summary]].mean() if cmp else None
    fig = plots.spending_bars(lines, results.summary[lines].mean(), base, labels, w.t("fig_spend"), w.lang)
    out = [f"<h2>{heading or w.t('spend_h')}</h2>", w.img(fig, w.t("fig_spend"))]
    total = _total_spending_sentence(w, results, cmp)
    if total:
        out.append(f"<p>{total}</p>")
    if cmp is not None and cmp.cost is not None:
        out.append(f"<p>{_cost_sentence(w, cmp)}</p>")
        s = results.summary.set_index("seed").loc[cmp.seeds]
        b = cmp.baseline.summary.set_index("seed").loc[cmp.seeds]
        fewer = (b["isolated_count"] - s["isolated_count"]).to_numpy(float)
        extra = (s["spending_total"] - b["spending_total"]).to_numpy(float)
        ratio = cmp.cost.ratio if cmp.cost.status in ("ok", "unbounded") else None
        labels = {"x": w.t("fig_ce_x"), "y": w.t("fig_ce_y", unit=symbol(w.currency)), "title": w.t("fig_ce"),
                  "mean": w.t("fig_ce_mean"), "seeds": w.t("fig_ce_seeds"), "ratio": ratio,
                  "ratio_label": "" if ratio is None else w.t("fig_ce_ratio", v=fmt(ratio, "money", w.lang,
                                                                                     currency=w.currency))}
        fig = plots.cost_scatter(fewer, extra, labels, w.lang)
        out.append(w.img(fig, w.t("fig_ce")))
    return "\n".join(out)


def _total_spending_sentence(w: _Writer, results: Results, cmp: Comparison | None) -> str:
    """What the whole run cost (the yearly figures are the final year's: a start-up grant that ended is
    not in them), against the baseline's paired by seed when there is one."""
    total = spending_over_the_run(results)
    if total is None or total.empty:
        return ""
    span = w.count(int(results.weekly["week"].max()), "week")
    base = spending_over_the_run(cmp.baseline) if cmp is not None else None
    if base is None or not set(total.index) & set(base.index):
        avg = w.t("on_average") if len(total) > 1 else ""   # a single run's total is not an average
        return w.t("s_spend_total", span=span, s=w.num(total.mean(), "money"), avg=avg)
    d = paired_difference(total, base, "spending_over_the_run")
    avg = w.t("on_average") if d.difference.n > 1 else ""
    return w.t("s_spend_total_vs", span=span, s=w.num(d.scenario.mean, "money"), b=w.num(d.baseline.mean, "money"),
               diff=w.diff_clause(d.as_row(), "money"), avg=avg)


def _runs_body(w: _Writer, results: Results, cmp: Comparison | None, sizes_said: bool = False) -> list[str]:
    """The report on one scenario's runs; ``sizes_said``: the header already warned that the baseline is
    another community, which a different number of residents is one case of."""
    out = [f"<h2>{w.t('summary_h')}</h2>", _summary_paragraph(w, results, cmp)]
    if cmp is not None:
        if any(cmp.unpaired.values()):
            seeds = sorted(set(cmp.unpaired["scenario"]) | set(cmp.unpaired["baseline"]))
            out.append(f"<p class='warning'>{w.t('unpaired', seeds=_seeds_text(seeds))}</p>")
        if "residents" in cmp.warnings and not sizes_said:
            out.append(f"<p class='warning'>{w.t('residents_warning', a=results.residents, b=cmp.baseline.residents)}</p>")
    out.append(_key_table(w, results, cmp))
    out.append(_time_section(w, results, cmp.baseline if cmp else None))
    out.append(_equity_section(w, results, cmp))
    out.append(_spending_section(w, results, cmp))
    return out


# ---------------------------------------------------------------------------------------------
# Sweeps


def _sweep_body(w: _Writer, results: Results, baseline: Results | None, outcome: str) -> list[str]:
    """A sweep: what ranged how far, which lever matters most, the best design point and its breakdowns."""
    kind = KEY_OUTCOMES.get(outcome, "index")
    scale = 100.0 if kind in TIMES_100 else 1.0
    sens, why = None, ""
    try:
        with warnings.catch_warnings():   # an imprecise analysis is shown in the report (sens.caution)
            warnings.simplefilter("ignore", UserWarning)
            sens = analyse(results, outcome)
    except UserError as e:
        why = e.detail
    per_point = summarise(results, [outcome]) if not results.summary.empty else pd.DataFrame()
    comparisons = _point_comparisons(results, baseline, outcome) if baseline is not None else []
    best = _best_point(per_point, comparisons, outcome)
    ps = []
    if not per_point.empty:
        ps.append(w.t("s_sweep" if outcome == HEADLINE else "s_sweep_other",
                      params=w.count(len(results.parameters), "parameter"),
                      points=w.count(len(results.points()), "design_point"), outcome=w.label(outcome),
                      lo=w.num(per_point["mean"].min(), kind), hi=w.num(per_point["mean"].max(), kind)))
    flat = not per_point.empty and float(np.ptp(per_point["mean"].to_numpy(float))) == 0.0
    if flat:
        ps.append(w.t("s_sweep_flat"))
        sens = None
    elif sens is not None and not sens.ranking.empty:
        ps.append(_lever_sentence(w, sens, kind))
        if sens.caution:
            ps.append(w.t("s_sweep_imprecise"))
    else:
        ps.append(w.t("s_sweep_nosens", why=html.escape(why)))
    if comparisons:
        ps.append(_best_point_sentence(w, dict(comparisons)[best], best, outcome, kind))
    if best is not None and not flat and len(per_point) >= BEST_OF_MANY:
        done = per_point["n"].astype(int)   # the runs behind each point's mean: fewer in an incomplete sweep
        reps = (w.count(done.max(), "replication") if done.min() == done.max()
                else w.t("reps_range", lo=done.min(), hi=done.max()))
        ps.append(w.t("s_sweep_best_of_many", point=best, points=w.count(len(per_point), "design_point"), reps=reps))
    if results.replications >= 2:
        ps.append(_sure_sentence(w, results.replications, paired=bool(comparisons)))
    out = [f"<h2>{w.t('summary_h')}</h2>",
           "<div class='summary'>" + "".join(f"<p>{p}</p>" for p in ps) + "</div>"]
    if sens is not None:
        out.append(_sensitivity_section(w, results, sens, outcome, kind, scale))
    out.append(_points_table(w, results, per_point, comparisons, outcome, kind))
    if best is not None:
        out += _best_point_sections(w, results, baseline, best)
    return out


#: From this many design points, the report warns that its best point's advantage is overstated.
BEST_OF_MANY = 10


def _best_point(per_point: pd.DataFrame, comparisons, outcome: str) -> int | None:
    """The design point best on ``outcome``: the largest paired improvement on the baseline, else the best mean.

    Lower is better unless the outcome is in :data:`~analysis.stats.HIGHER_IS_BETTER`.
    """
    sign = -1.0 if HIGHER_IS_BETTER.get(outcome) else 1.0
    if comparisons:
        return min(comparisons, key=lambda c: sign * c[1].row(outcome)["difference"])[0]
    if per_point.empty:
        return None
    return int(per_point.loc[(sign * per_point["mean"]).idxmin(), "point"])


def _lever_sentence(w: _Writer, sens: Sensitivity, kind: str) -> str:
    """The most influential lever (and the next) with its measure."""
    r = sens.ranking
    vkind = "index" if sens.method == "sobol" else ("points_long" if kind in TIMES_100 else kind)
    key = "s_sweep_lever" if len(r) > 1 else "s_sweep_lever1"
    return w.t(key, p=html.escape(r["parameter"].iloc[0]), measure=_measure(w, sens.method),
               v=w.num(r["value"].iloc[0], vkind), p2=html.escape(r["parameter"].iloc[1]) if len(r) > 1 else "")


def _best_point_sentence(w: _Writer, cmp: Comparison, point: int, outcome: str, kind: str) -> str:
    """Which design point improves ``outcome`` most against the baseline, and whether it clearly does.

    ``clear``: the whole 95% CI of the difference is on the better side of 0; ``unclear``: the mean
    difference is better but the CI contains 0; ``single``: the mean difference is better, and from one
    seed paired there is no CI to tell; ``none``: even the best point does not improve it.
    """
    r = cmp.row(outcome)
    higher = bool(HIGHER_IS_BETTER.get(outcome))
    gain, worst_bound = (r["difference"], r["difference_low"]) if higher else (-r["difference"], -r["difference_high"])
    if not gain > 0:
        status = "none"
    elif not np.isfinite(worst_bound):   # one seed paired: no interval to tell
        status = "single"
    elif worst_bound <= 0:
        status = "unclear"
    else:
        status = "clear"
    what = w.t("what_headline") if outcome == HEADLINE else w.t("what_outcome", outcome=w.label(outcome))
    return w.t(f"s_sweep_best_{status}", point=point, verb=w.t("verb_raise" if higher else "verb_lower"), what=what,
               diff=w.diff_clause(r, kind),
               **w.prose_diff(r["difference"], r["difference_low"], r["difference_high"], kind))


def _best_point_sections(w: _Writer, results: Results, baseline: Results | None, point: int) -> list[str]:
    """Over time (with whether the point kept its partners), for whom and at what cost, for the best
    design point (against the baseline when there is one)."""
    sub = results.select(point)
    cmp = compare(sub, baseline) if baseline is not None and set(sub.seeds) & set(baseline.seeds) else None
    suffix = w.t("at_point", point=point)
    out = []
    if not sub.weekly.empty:
        out.append(_time_section(w, sub, baseline, heading=w.t("time_h") + suffix))
    partners = " ".join(s for s in (_turnover_sentence(w, sub), _workforce_sentence(w, sub)) if s)
    if partners:
        out.append(f"<p>{partners}</p>")
    out.append(_equity_section(w, sub, cmp, heading=w.t("equity_h") + suffix))
    out.append(_spending_section(w, sub, cmp, heading=w.t("spend_h") + suffix))
    return out


def _point_comparisons(results: Results, baseline: Results, outcome: str) -> list[tuple[int, Comparison]]:
    out = []
    for p in sorted(results.summary["point"].unique()):
        sub = results.select(int(p), weekly=False)
        if not set(sub.seeds) & set(baseline.seeds):
            continue
        out.append((int(p), compare(sub, baseline, [outcome, "spending_total", "isolated_count"]
                                    if {"spending_total", "isolated_count"} <= set(sub.summary) else [outcome])))
    if not out:
        raise UserError("incompatible baseline: no seed in common with the sweep's replications "
                        f"(sweep seeds {results.seeds[:6]}, baseline seeds {baseline.seeds[:6]}); run the baseline "
                        f"with the sweep's seeds, listed in {results.path / 'seeds.parquet'}", file=str(baseline.path), key="--baseline")
    return out


def _measure(w: _Writer, method: str) -> str:
    """What the ranking of a sensitivity ``method`` measures, in words."""
    return w.t({"sobol": "sobol_measure", "morris": "morris_measure", "main_effects": "main_measure"}[method])


def _sensitivity_section(w: _Writer, results: Results, sens: Sensitivity, outcome: str, kind: str, scale: float) -> str:
    """Which levers matter most: the tornado chart, main-effect panels and the table of the method's indices."""
    axis = _measure(w, sens.method) if sens.method != "main_effects" else \
        outcome_label(w.lang, outcome) + (" (%)" if kind in TIMES_100 else "")
    labels = {"title": w.t("fig_tornado", outcome=outcome_label(w.lang, outcome)), "measure": axis,
              "first": w.t("sobol_first"), "low": w.t("main_low"), "high": w.t("main_high")}
    first = None
    if sens.method == "sobol":
        first = sens.table.set_index("parameter").loc[sens.ranking["parameter"], "S1"]
    centre = float(results.summary[outcome].mean()) if sens.method == "main_effects" else None
    fig = plots.tornado(sens.ranking, sens.method, labels, w.lang, first_order=first, centre=centre,
                        scale=scale if sens.method == "main_effects" else 1.0)
    out = [f"<h2>{w.t('sens_h')}</h2>"]
    if sens.incomplete:
        out.append(f"<p class='warning' role='alert'>"
                   f"{w.t('incomplete_sens', short=sens.incomplete_points, total=sens.n_points)}</p>")
    if sens.caution:   # too few samples (Sobol or Morris): the half-widths as indices, or shares of the largest μ*
        hw_kind = "index" if sens.method == "sobol" else "share"
        text = w.t("imprecise_" + sens.method, n=sens.base_samples, points=sens.n_points,
                   hw=w.num(sens.widest_interval, hw_kind), limit=w.num(sens.interval_limit, hw_kind))
        out.append(f"<p class='warning' role='alert'>{text}</p>")
    out += [w.img(fig, labels["title"]),
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
                                      w.lang, scale=scale, level_text=lambda v: _value_text(w.lang, v))
        out.append(w.img(grid, w.t("fig_main", outcome=outcome_label(w.lang, outcome))))
    out.append(f"<table>{head}{''.join(rows)}</table>")
    return "\n".join(out)


def _points_table(w: _Writer, results: Results, per_point: pd.DataFrame, comparisons, outcome: str, kind: str,
                  limit: int = 12) -> str:
    if per_point.empty:
        return ""
    design = results.design.set_index("point") if results.design is not None else \
        results.summary.groupby("point")[results.parameters].first()
    higher = bool(HIGHER_IS_BETTER.get(outcome))   # the best points first, as _best_point ranks them
    per_point = per_point.sort_values("mean", ascending=not higher).head(limit)
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
                    f"{w.ci(r['low'], r['high'], kind, n=int(r['n']), floor=_nonnegative(outcome))}</span></td>{diff}"
                    f"<td>{int(r['n'])}</td></tr>")
    note = w.t("points_note", shown=len(rows), total=len(results.points()), outcome=w.label(outcome),
               which=w.t("points_highest" if higher else "points_lowest"))
    return f"<h2>{w.t('points_h')}</h2><p class='note'>{note}</p><table>{head}{''.join(rows)}</table>"


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _param_cell(w: _Writer, value) -> str:
    """A swept parameter's value in a table cell (numbers in a ``num`` span)."""
    return w.num(float(value), "raw") if _is_number(value) else html.escape(str(value))


def _value_text(lang: str, value) -> str:
    """A swept parameter's value as plain text (a chart's tick label)."""
    return fmt(float(value), "raw", lang) if _is_number(value) else str(value)
