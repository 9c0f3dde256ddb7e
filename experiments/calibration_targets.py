"""Calibration targets (MODEL.md §6) and how each is measured from model runs.

Each target is measured the way its source measured it, in one of three *measurement
experiments* (each a scenario, a population size and a horizon):

``baseline``  the hospital-centred baseline (no programme), as the surveys saw the population:
              loneliness among people 65+ (overall, women, men), the inner circle (active ties per
              adult), tie turnover over five years among seniors present throughout (roster
              comparison, as NSHAP's waves), and the patient activation of patients 65+.
``programme`` the Centre-Sud programme with patient partners not limited by the budget (volunteer
              compensation), so that enough patients are supported for a trial-sized comparison: the
              effect of support on loneliness as a standardized mean difference against matched
              unsupported patients; patient activation before and after an episode of coaching;
              citizen-partner (volunteer) attrition per year.
``workload``  the same programme with partners at staff-like hours (30 h a week, demand raised by
              full detection and consent), where the share of partners highly exhausted is measured.

The per-run entry point :func:`run_task` is a module-level function of one picklable argument (a
:class:`CalibrationTask`), so that any backend of :mod:`experiments.backends` (serial, processes,
dask) can run it. The statistics themselves (:func:`matched_smd`, :func:`pre_post_gain_sd`,
:func:`roster_turnover`) are pure functions of arrays, unit-tested on synthetic data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# ----------------------------------------------------------------------------- the targets


@dataclass(frozen=True)
class Target:
    """One figure from the literature and how the model is compared with it."""

    name: str
    value: float
    sigma: float          # tolerance: the target's stated uncertainty, widened for sampling noise
    experiment: str       # baseline | programme | workload
    source: str
    measured_as: str
    informs: tuple[str, ...] = ()
    fitted: bool = True   # False: reported as a check, not part of the distance

    @property
    def low(self) -> float:
        return self.value - 2 * self.sigma

    @property
    def high(self) -> float:
        return self.value + 2 * self.sigma


TARGETS: tuple[Target, ...] = (
    Target("lonely_65plus", 0.19, 0.02, "baseline",
           "Canadian Health Survey on Seniors 2019/20 (Islam & Gilmour 2023)",
           "share of residents 65+ with loneliness > 0.5, hospital-centred baseline, mean over years 1-6 (after a burn-in year)",
           ("states.loneliness_bias", "states.loneliness_slope")),
    Target("lonely_65_women", 0.23, 0.025, "baseline", "Islam & Gilmour 2023",
           "as above, women 65+", ("states.women_65_offset", "states.loneliness_bias")),
    Target("lonely_65_men", 0.15, 0.025, "baseline", "Islam & Gilmour 2023",
           "as above, men 65+", ("states.women_65_offset", "states.loneliness_bias")),
    Target("inner_circle", 5.0, 1.0, "baseline", "Dunbar's layers (support clique about 5); Thompson et al. 2022",
           "mean active social ties (strength >= 0.2) per resident 18+, baseline, years 1-6",
           ("network.friends_mean", "ties.friend_replacement_per_year", "ties.contact_probability")),
    Target("added_confidant_5y", 0.80, 0.08, "baseline", "Cornwell & Laumann 2015 (NSHAP waves 1-2)",
           "share of residents 65+ settled for 3+ years at the start and present throughout the five years after "
           "(years 1 to 6) whose active ties at the end include one not active at the start (roster comparison)",
           ("ties.friend_replacement_per_year", "ties.contact_probability")),
    Target("network_size_ratio_5y", 1.0, 0.1, "baseline", "Cornwell & Laumann 2015: stable network size",
           "mean active ties at year 6 / at year 1, same residents 65+",
           ("ties.friend_replacement_per_year", "ties.contact_probability", "network.friends_mean",
            "activities.pairs_per_attendee")),
    Target("support_smd", -0.47, 0.10, "programme", "Duffner et al. 2024; Lasgaard et al. 2022 (95% CI -0.62 to -0.32)",
           "loneliness 13 weeks after a patient is paired with a partner vs unsupported patients matched on "
           "age group, living alone and loneliness in the week of pairing; (mean_T - mean_C) / pooled SD",
           ("states.support_relief",)),
    Target("pam_gain_sd", 0.25, 0.08, "programme", "Hibbard et al. 2005; Cuevas et al. 2021",
           "competency at the end of a 26-week coaching episode minus at pairing, over the SD at pairing",
           ("peer_support.competency_gain",)),
    Target("pam_baseline_65", 60.0, 2.0, "baseline", "Hibbard et al. 2005 (PAM about 58-62 for older adults)",
           "mean competency of patients 65+, baseline, years 1-6", ("population.competency_mean (set directly)",),
           fitted=False),
    Target("partner_burnout_staff_load", 0.40, 0.08, "workload",
           "O'Connor et al. 2018; VHA peer specialists 2016 (about 40% high emotional exhaustion)",
           "share of patient/carer partners with distress >= 0.5 (BURNOUT_DISTRESS), partners at 30 h/week, "
           "mean over year 2 (population x3)", ("peer_support.hard_case_distress", "peer_support.ordinary_distress",
                                         "peer_support.supervision_relief")),
    Target("volunteer_attrition", 0.35, 0.07, "programme", "Volunteering in America 2008",
           "share of citizen partners who stop within a year, 1 - exp(-leavers per person-year), years 1-3",
           ("retention.attrition_per_year.volunteer",)),
)
TARGETS_BY_NAME = {t.name: t for t in TARGETS}
FITTED = tuple(t.name for t in TARGETS if t.fitted)

#: Rates spanning an order of magnitude have log-uniform priors.
LOG_PRIORS = frozenset({"ties.friend_replacement_per_year", "activities.pairs_per_attendee",
                        "peer_support.hard_case_distress", "peer_support.ordinary_distress",
                        "peer_support.supervision_relief"})
#: Targets that are shares: their emulators work on the logit scale.
SHARE_TARGETS = frozenset({"lonely_65plus", "lonely_65_women", "lonely_65_men", "added_confidant_5y",
                           "partner_burnout_staff_load"})

#: The free parameters and their priors (uniform, or log-uniform for LOG_PRIORS, over these ranges;
#: inside the ranges the parameters declare).
PRIORS: dict[str, tuple[float, float]] = {
    "states.loneliness_bias": (-4.0, -1.8),
    "states.loneliness_slope": (1.0, 5.0),
    "states.women_65_offset": (0.0, 1.0),
    "states.support_relief": (0.0, 2.5),
    "network.friends_mean": (3.0, 7.0),
    "ties.friend_replacement_per_year": (0.1, 5.0),
    "activities.pairs_per_attendee": (0.01, 0.3),
    "ties.contact_probability": (0.08, 0.4),
    "peer_support.competency_gain": (0.2, 3.0),
    "peer_support.hard_case_distress": (0.003, 0.04),
    "peer_support.ordinary_distress": (0.0003, 0.004),
    "peer_support.supervision_relief": (0.005, 0.06),
    "retention.attrition_per_year.volunteer": (0.05, 0.5),
}

#: A programme large enough for a trial-sized comparison at a small population: partners are not
#: limited by the budget (volunteers, training free) and the programme starts with a small team.
_TRIAL = {"funding.compensation.patient_partner": "volunteer", "funding.training_cost": 0.0,
          "retention.initial_patient_partners": 6, "retention.initial_citizen_partners": 9}

_NETWORK_INPUTS = ("network.friends_mean", "ties.friend_replacement_per_year", "ties.contact_probability",
                   "activities.pairs_per_attendee")
_LONELINESS_INPUTS = ("states.loneliness_bias", "states.loneliness_slope", "states.women_65_offset",
                      "states.support_relief", *_NETWORK_INPUTS)
#: Which free parameters each target's emulator uses: the parameters the measure can depend on,
#: read from the model's code (e.g. citizen partners carry no distress, so their attrition depends
#: only on the attrition rate and on governance, which is not calibrated).
EMULATOR_INPUTS: dict[str, tuple[str, ...]] = {
    "lonely_65plus": _LONELINESS_INPUTS, "lonely_65_women": _LONELINESS_INPUTS, "lonely_65_men": _LONELINESS_INPUTS,
    "inner_circle": _NETWORK_INPUTS, "added_confidant_5y": _NETWORK_INPUTS, "network_size_ratio_5y": _NETWORK_INPUTS,
    "support_smd": ("states.support_relief", "states.loneliness_slope", "states.loneliness_bias"),
    "pam_gain_sd": ("peer_support.competency_gain",),
    "partner_burnout_staff_load": ("peer_support.hard_case_distress", "peer_support.ordinary_distress",
                                   "peer_support.supervision_relief"),
    "volunteer_attrition": ("retention.attrition_per_year.volunteer",),
}

#: Scenario, overrides and horizon of each measurement experiment (population size is a run option).
EXPERIMENTS: dict[str, dict[str, Any]] = {
    "baseline": {"scenario": "hospital-baseline", "overrides": {}, "years": 6.0},
    "programme": {"scenario": "centre-sud",
                  "overrides": {**_TRIAL}, "years": 3.0},
    "workload": {"scenario": "centre-sud",
                 "overrides": {**_TRIAL, "peer_support.hours_per_week": 30.0,
                               "clinical.detection": 1.0, "clinical.consent": 1.0}, "years": 2.0,
                 # Partners at 30 h/week are few (about one per 250 residents): the population is tripled so
                 # that the share highly exhausted is not the coin-flips of eight partners.
                 "population_factor": 3},
}
SUPPORT_FOLLOW_UP_WEEKS = 13
#: The baseline is measured after a burn-in year: the generated network of week 0 is not yet at the
#: tie dynamics' own balance, while the surveys sampled people whose networks were.
BURN_IN_WEEKS = 52
TURNOVER_WEEKS = 260
#: The turnover panel: residents who had lived in the neighbourhood this long when it starts.
PANEL_SETTLED_WEEKS = 156


# ----------------------------------------------------------------------------- pure statistics


def pooled_sd(x: np.ndarray, y: np.ndarray) -> float:
    nx, ny = len(x), len(y)
    if nx < 2 or ny < 2:
        return float("nan")
    v = ((nx - 1) * np.var(x, ddof=1) + (ny - 1) * np.var(y, ddof=1)) / (nx + ny - 2)
    return float(np.sqrt(v))


def matched_smd(pre_t: np.ndarray, post_t: np.ndarray, strata_t: np.ndarray, pre_c: np.ndarray,
                post_c: np.ndarray, strata_c: np.ndarray, caliper: float = 0.05) -> tuple[float, int]:
    """Standardized mean difference of ``post`` between treated and matched controls.

    Each treated unit is matched (with replacement) to the control of the same stratum whose ``pre``
    value is nearest, within ``caliper``; treated units without a match are dropped. Returns
    ``(smd, n_matched)`` with ``smd = (mean post_T - mean post_C) / pooled SD(post)`` (Cohen's d
    as a meta-analysis of trials computes it from post-intervention means).
    """
    pre_t, post_t, pre_c, post_c = (np.asarray(a, dtype=float) for a in (pre_t, post_t, pre_c, post_c))
    strata_t, strata_c = np.asarray(strata_t), np.asarray(strata_c)
    mt, mc = [], []
    for s in np.unique(strata_t):
        ct = np.flatnonzero(strata_c == s)
        if len(ct) == 0:
            continue
        order = ct[np.argsort(pre_c[ct])]
        sorted_pre = pre_c[order]
        for i in np.flatnonzero(strata_t == s):
            k = np.searchsorted(sorted_pre, pre_t[i])
            cand = [j for j in (k - 1, k) if 0 <= j < len(order)]
            j = min(cand, key=lambda j: abs(sorted_pre[j] - pre_t[i]))
            if abs(sorted_pre[j] - pre_t[i]) <= caliper:
                mt.append(i)
                mc.append(order[j])
    if len(mt) < 5:
        return float("nan"), len(mt)
    yt, yc = post_t[mt], post_c[mc]
    sd = pooled_sd(yt, yc)
    if not sd > 0:
        return float("nan"), len(mt)
    return float((yt.mean() - yc.mean()) / sd), len(mt)


def pre_post_gain_sd(pre: np.ndarray, post: np.ndarray) -> float:
    """Mean change from ``pre`` to ``post`` in units of the SD of ``pre`` (within-group effect size)."""
    pre, post = np.asarray(pre, dtype=float), np.asarray(post, dtype=float)
    if len(pre) < 5:
        return float("nan")
    sd = np.std(pre, ddof=1)
    return float((post - pre).mean() / sd) if sd > 0 else float("nan")


def roster_turnover(start: set[tuple[int, int]], end: set[tuple[int, int]], people: np.ndarray
                    ) -> tuple[float, float]:
    """From the active (person, alter) pairs at the start and at the end, for ``people``:
    the share who have at least one alter at the end they did not have at the start, and the ratio
    of mean network sizes (end / start)."""
    people = np.asarray(people)
    if len(people) == 0:
        return float("nan"), float("nan")
    idx = {int(p): k for k, p in enumerate(people)}
    size0 = np.zeros(len(people))
    size1 = np.zeros(len(people))
    added = np.zeros(len(people), dtype=bool)
    for p, _ in start:
        if p in idx:
            size0[idx[p]] += 1
    for p, q in end:
        if p in idx:
            size1[idx[p]] += 1
            if (p, q) not in start:
                added[idx[p]] = True
    ratio = size1.mean() / size0.mean() if size0.mean() > 0 else float("nan")
    return float(added.mean()), float(ratio)


# ----------------------------------------------------------------------------- reading a model


def params_of(model):
    """The model's resolved scenario (``model.params``; ``model.scenario`` in older versions)."""
    p = getattr(model, "params", None)
    return p if p is not None and hasattr(p, "states") else model.scenario


def active_pairs(model) -> set[tuple[int, int]]:
    """Every (resident, alter) pair joined by an active social tie, both directions."""
    from sim.network import SOCIAL_KINDS
    r, ties = model.residents, model.ties
    s = ties.live(SOCIAL_KINDS)
    s = s[(ties.b[s] < r.n) & (ties.strength[s] >= params_of(model).states.active_tie_strength)]
    a, b = ties.a[s].tolist(), ties.b[s].tolist()
    return set(zip(a, b)) | set(zip(b, a))


def build_model(experiment: str, overrides: dict[str, Any], seed: int, residents: int):
    """The model of one measurement experiment: its scenario scaled to ``residents``, then the
    experiment's size-dependent settings, then the calibrated parameters ``overrides``."""
    from sim.model import CaringCommunity
    from sim.scenario import load_scenario, scale_scenario

    exp = EXPERIMENTS[experiment]
    residents = int(residents * exp.get("population_factor", 1)) if residents else residents
    scenario = load_scenario(exp["scenario"])
    if residents and residents != scenario.population.n_residents:
        scenario = scale_scenario(scenario, residents)
    merged = {**exp["overrides"], **overrides}
    if merged:
        scenario = load_scenario(scenario.model_dump(mode="json"), merged)
    return CaringCommunity(scenario, rng=seed, agent_views=False)


def measure_baseline(overrides: dict[str, Any], seed: int, residents: int, years: float | None = None
                     ) -> dict[str, float]:
    """Loneliness 65+, inner circle, five-year turnover and activation in the hospital-centred baseline."""
    from sim.population import CHILD, SENIOR
    weeks = int(round((years or EXPERIMENTS["baseline"]["years"]) * 52))
    m = build_model("baseline", overrides, seed, residents)
    r = m.residents
    start_pairs = active_pairs(m) if BURN_IN_WEEKS == 0 else set()
    acc = {k: [] for k in ("lonely_65plus", "lonely_65_women", "lonely_65_men", "inner_circle", "pam_baseline_65")}
    for _ in range(weeks):
        m.step()
        if m.week == BURN_IN_WEEKS:
            start_pairs = active_pairs(m)
        if m.week >= BURN_IN_WEEKS:
            row = m._last_row
            acc["lonely_65plus"].append(row["lonely_share_65plus"])
            acc["lonely_65_women"].append(row["lonely_share_65_women"])
            acc["lonely_65_men"].append(row["lonely_share_65_men"])
            if m.week % 4 == 0:
                adults = r.age_group != CHILD
                acc["inner_circle"].append(float(r.active_ties[adults].mean()))
                acc["pam_baseline_65"].append(float(r.competency[r.is_patient & (r.age_group == SENIOR)].mean()))
    out = {k: float(np.mean(v)) if v else float("nan") for k, v in acc.items()}
    # The survey's panel: residents 65+ settled for years at the start (a newcomer still making a first
    # circle of friends is not in a stable state) and present to the end.
    stayers = np.flatnonzero((r.age_group == SENIOR) & (r.arrived_week <= BURN_IN_WEEKS - PANEL_SETTLED_WEEKS))
    added, ratio = roster_turnover(start_pairs, active_pairs(m), stayers)
    enough = weeks >= BURN_IN_WEEKS + TURNOVER_WEEKS
    out["added_confidant_5y"] = added if enough else float("nan")
    out["network_size_ratio_5y"] = ratio if enough else float("nan")
    # Validation facts (not fitted): living alone, isolation vs loneliness, age gradients.
    out.update(_validation_facts(m))
    return out


def _validation_facts(m) -> dict[str, float]:
    from sim.population import ADULT, CHILD, SENIOR
    r = m.residents
    senior, adult = r.age_group == SENIOR, r.age_group == ADULT
    lonely = r.loneliness > m.lonely_threshold
    out = {
        "v_lonely_65_alone": float(lonely[senior & r.lives_alone].mean()),
        "v_lonely_65_with_others": float(lonely[senior & ~r.lives_alone].mean()),
        "v_lonely_adults_18_64": float(lonely[adult].mean()),
        "v_ties_adults_18_64": float(r.active_ties[adult].mean()),
        "v_ties_65plus": float(r.active_ties[senior].mean()),
    }
    grown = r.age_group != CHILD
    x, y = r.active_ties[grown].astype(float), r.loneliness[grown].astype(float)
    out["v_corr_ties_loneliness"] = float(np.corrcoef(x, y)[0, 1]) if x.std() > 0 and y.std() > 0 else float("nan")
    iso = r.isolated[grown]
    out["v_lonely_among_isolated"] = float(lonely[grown][iso].mean()) if iso.any() else float("nan")
    out["v_isolated_among_lonely"] = float(iso[lonely[grown]].mean()) if lonely[grown].any() else float("nan")
    return out


def measure_programme(overrides: dict[str, Any], seed: int, residents: int, years: float | None = None
                      ) -> dict[str, float]:
    """Support effect on loneliness (matched SMD), coaching gain in SD units and volunteer attrition."""
    from sim.population import SENIOR
    weeks = int(round((years or EXPERIMENTS["programme"]["years"]) * 52))
    m = build_model("programme", overrides, seed, residents)
    r = m.residents
    n = r.n
    lon = np.zeros((weeks + 1, n), dtype=np.float32)
    comp = np.zeros((weeks + 1, n), dtype=np.float32)
    lon[0], comp[0] = r.loneliness, r.competency
    left, cps = 0.0, []
    # Who was ever paired, and when; a patient who is paired twice keeps the first week (as recorded).
    for _ in range(weeks):
        m.step()
        lon[m.week], comp[m.week] = r.loneliness, r.competency
        if m.week > 52:
            left += m.events.get("citizen_partners_left", 0)   # the week's events, before the next week clears them
            cps.append(m._last_row["citizen_partners"])
    fsw = r.first_support_week.copy()
    follow = SUPPORT_FOLLOW_UP_WEEKS
    ep = params_of(m).peer_support.episode_weeks
    stayed = r.arrived_week < 0          # not replaced by a newcomer since week 0
    # Treated: paired at w0 (after a half-year of programme), still here 13 weeks later.
    t = np.flatnonzero(r.is_patient & stayed & (fsw >= 26) & (fsw + follow <= weeks) & (r.role == 0))
    pre_t = lon[fsw[t], t]
    post_t = lon[fsw[t] + follow, t]
    # Controls: patients never paired by the end of follow-up, measured over the same weeks.
    never = r.is_patient & stayed & (fsw < 0) & (r.role == 0)
    c_idx = np.flatnonzero(never)
    pre_c_all, post_c_all, strata_c_all = [], [], []
    strat = (r.age_group.astype(int) * 2 + r.lives_alone.astype(int))
    smd_t_pre, smd_t_post, smd_t_strata = [], [], []
    # Match within the week of pairing, so that controls are measured over the same weeks.
    for w0 in np.unique(fsw[t]):
        tq = t[fsw[t] == w0]
        smd_t_pre.append(lon[w0, tq])
        smd_t_post.append(lon[w0 + follow, tq])
        smd_t_strata.append(strat[tq] * 10000 + w0)
        pre_c_all.append(lon[w0, c_idx])
        post_c_all.append(lon[w0 + follow, c_idx])
        strata_c_all.append(strat[c_idx] * 10000 + w0)
    if smd_t_pre:
        smd, n_matched = matched_smd(np.concatenate(smd_t_pre), np.concatenate(smd_t_post),
                                     np.concatenate(smd_t_strata), np.concatenate(pre_c_all),
                                     np.concatenate(post_c_all), np.concatenate(strata_c_all))
    else:
        smd, n_matched = float("nan"), 0
    # Coaching: competency at pairing and at the end of the 26-week episode.
    e = np.flatnonzero(r.is_patient & stayed & (fsw >= 0) & (fsw + ep <= weeks) & (r.role == 0))
    gain = pre_post_gain_sd(comp[fsw[e], e], comp[fsw[e] + ep, e])
    mean_cp = float(np.mean(cps)) if cps else 0.0
    years_obs = len(cps) / 52.0
    # Leavers per person-year is a hazard rate; the survey's figure is the share of a year's volunteers who
    # no longer volunteer a year later, 1 - exp(-rate) under a constant hazard.
    attrition = 1.0 - np.exp(-left / years_obs / mean_cp) if mean_cp > 0 and years_obs > 0 else float("nan")
    return {"support_smd": smd, "support_n_matched": float(n_matched), "support_pre_mean": float(np.mean(pre_t))
            if len(pre_t) else float("nan"), "support_post_mean": float(np.mean(post_t)) if len(post_t) else float("nan"),
            "pam_gain_sd": gain, "pam_n_coached": float(len(e)),
            "pam_gain_points": float((comp[fsw[e] + ep, e] - comp[fsw[e], e]).mean()) if len(e) else float("nan"),
            "v_pam_gain_low_start": _gain_by_start(comp, fsw, e, ep, low=True),
            "v_pam_gain_high_start": _gain_by_start(comp, fsw, e, ep, low=False),
            "volunteer_attrition": attrition, "citizen_partners_mean": mean_cp,
            "supported_65plus_share": float((r.age_group[t] == SENIOR).mean()) if len(t) else float("nan")}


def _gain_by_start(comp, fsw, e, ep, low: bool) -> float:
    if len(e) < 10:
        return float("nan")
    pre = comp[fsw[e], e]
    post = comp[fsw[e] + ep, e]
    med = np.median(pre)
    sel = pre <= med if low else pre > med
    return float((post[sel] - pre[sel]).mean())


def measure_workload(overrides: dict[str, Any], seed: int, residents: int, years: float | None = None
                     ) -> dict[str, float]:
    """Share of partners highly exhausted when they work staff-like hours (mean over the second year)."""
    from sim.population import coaching_role
    weeks = int(round((years or EXPERIMENTS["workload"]["years"]) * 52))
    m = build_model("workload", overrides, seed, residents)
    r = m.residents
    share, load = [], []
    for _ in range(weeks):
        m.step()
        if m.week > weeks - 52:
            share.append(m._last_row["partner_burnout_share"])
            partners = coaching_role(r.role)
            if partners.any():
                load.append(float(m.caseload[partners].mean()))
    return {"partner_burnout_staff_load": float(np.mean(share)) if share else float("nan"),
            "workload_caseload_mean": float(np.mean(load)) if load else float("nan")}


MEASURES = {"baseline": measure_baseline, "programme": measure_programme, "workload": measure_workload}


# ----------------------------------------------------------------------------- the per-run task


@dataclass(frozen=True)
class CalibrationTask:
    """One replication of one parameter point: every measurement experiment, one seed."""

    point: int
    replication: int
    seed: int
    params: dict = field(default_factory=dict)
    residents: int = 2000
    years: float | None = None       # None: each experiment's own horizon
    experiments: tuple[str, ...] = ("baseline", "programme", "workload")


def run_task(task: CalibrationTask) -> dict[str, Any]:
    """Run every measurement experiment of a task and return one row of measures (picklable, module-level)."""
    t0 = time.perf_counter()
    row: dict[str, Any] = {"point": task.point, "replication": task.replication, "seed": task.seed,
                           **task.params}
    for k, exp in enumerate(task.experiments):
        years = task.years if exp == "baseline" or task.years is None else min(task.years, EXPERIMENTS[exp]["years"])
        # Each experiment gets its own seed stream derived from the task's seed (common random numbers across points).
        seed = int(np.random.SeedSequence([task.seed, k]).generate_state(1)[0])
        row.update(MEASURES[exp](dict(task.params), seed, task.residents, years))
    row["seconds"] = time.perf_counter() - t0
    return row


def measure(params: dict[str, Any] | None = None, seed: int = 0, residents: int = 2000,
            experiments: tuple[str, ...] = ("baseline", "programme", "workload")) -> dict[str, Any]:
    """Convenience: the target measures of one parameter point and seed, run here."""
    return run_task(CalibrationTask(0, 0, seed, dict(params or {}), residents, None, tuple(experiments)))
