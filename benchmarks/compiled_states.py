"""How much compiling would buy: the individual-states process as one numba kernel, timed against
the numpy submodel on the same community (issue 2, item 11; README "Performance").

    python benchmarks/compiled_states.py [--sizes 1000,10000] [--weeks 300]

This is a measuring prototype, not part of the model: the model runs the numpy submodel
(:class:`sim.submodels.states.IndividualStates`). The kernel does what that submodel's
``update_ties``, ``update_loneliness``, ``competency_return``, ``crises`` and ``recovery`` do (the
weekly work on every resident and every social tie; engagement and turnover touch few residents
and are left out of both sides), drawing the same random numbers in the same order, so that the
two are the same computation: ``tests/test_benchmarks.py`` checks that they give the same
residents. Needs the ``bench`` extra (numba).

The question it answers: with the per-call overhead of Python and numpy gone, how long does one
process still take a week, against the whole week that 10 times ``virus_on_network``'s rate
allows (0.08 ms at 1,000 residents, 1.0 ms at 10,000; ``benchmarks/model_speed.py``)?
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.network import PEER_SUPPORT, SOCIAL_KINDS, kind_mask  # noqa: E402
from sim.params import weekly_from_yearly  # noqa: E402
from sim.population import NO_ROLE, SENIOR  # noqa: E402


@numba.njit(cache=True)
def _states_kernel(rng, n, a, b, kind, strength, alive, size, social, active_min, peer_w, iso_thr, pp,
                   tie_need, propensity, woman, age_group, chronic, mental, is_patient, usual, received, attended,
                   helped, role, engagement, loneliness, competency, ed, adm, in_crisis, participation, helping,
                   recovery, active_ties, isolated, support):
    (plateau, bias, slope, psd, w65, relief, adapt, back, thr, base, f_chronic, f_mental, f_senior, f_lonely, c_eff,
     adm_share, loss, rec_rate) = (pp[0], pp[1], pp[2], pp[3], pp[4], pp[5], pp[6], pp[7], pp[8], pp[9], pp[10],
                                   pp[11], pp[12], pp[13], pp[14], pp[15], pp[16], pp[17])
    count = np.zeros(n, np.int32)
    support[:] = 0.0
    for t in range(size):                       # update_ties: active social ties and support
        if alive[t] and social[kind[t]] and b[t] < n and strength[t] >= active_min:
            w = strength[t] * (peer_w if kind[t] == PEER_SUPPORT else 1.0)
            count[a[t]] += 1
            count[b[t]] += 1
            support[a[t]] += w
            support[b[t]] += w
    for i in range(n):                          # update_loneliness, competency_return
        active_ties[i] = count[i]
        isolated[i] = count[i] < iso_thr
        effective = plateau * (1.0 - np.exp(-support[i] / plateau))
        unmet = min(1.0, max(-1.0, (tie_need[i] - effective) / tie_need[i]))
        logit = (bias + slope * unmet + psd * propensity[i] + w65 * (woman[i] and age_group[i] == SENIOR)
                 - relief * (received[i] > 0))
        loneliness[i] += np.float32(adapt * (1.0 / (1.0 + np.exp(-logit)) - loneliness[i]))
        if received[i] == 0:
            competency[i] += back * (usual[i] - competency[i])
        competency[i] = min(100.0, max(0.0, competency[i]))
    n_ed = 0
    for i in range(n):                          # crises: one draw per resident, as rng.random(n)
        rate = base * ((f_chronic if chronic[i] else 1.0) * (f_mental if mental[i] else 1.0))
        rate *= f_senior if age_group[i] == SENIOR else 1.0
        rate *= f_lonely if loneliness[i] > thr else 1.0
        rate *= np.exp(-c_eff * (competency[i] - 60.0))
        in_crisis[i] = rng.random() < min(1.0, max(0.0, rate))
        if in_crisis[i]:
            ed[i] += 1
            n_ed += is_patient[i]
    n_adm = 0
    for i in range(n):                          # admissions: a second draw per resident
        draw = rng.random()
        if not in_crisis[i]:
            continue
        if draw < adm_share:
            adm[i] += 1
            n_adm += is_patient[i]
        competency[i] = max(0.0, competency[i] - loss)
    for i in range(n):                          # recovery
        participation[i] += 0.1 * (np.float32(attended[i]) - participation[i])
        helping[i] += 0.1 * (min(helped[i], 4.0) / 4.0 - helping[i])
        target = (0.25 + 0.3 * participation[i] + 0.25 * helping[i] + 0.2 * (role[i] != NO_ROLE)
                  + 0.1 * (engagement[i] >= 1) - 0.3 * loneliness[i])
        recovery[i] += np.float32(rec_rate * (min(1.0, max(0.0, target)) - recovery[i]))
    return n_ed, n_adm


def compiled_states_week(model) -> None:
    """The weekly work of :class:`~sim.submodels.states.IndividualStates` on every resident, compiled."""
    m, r, t, p = model, model.residents, model.ties, model.params.states
    pp = np.array([p.support_plateau, p.loneliness_bias, p.loneliness_slope, p.loneliness_propensity_sd,
                   p.women_65_offset, p.support_relief, p.loneliness_adaptation,
                   weekly_from_yearly(p.competency_return_per_year), p.lonely_threshold, p.crisis_per_year / 52.0,
                   p.crisis_chronic_factor, p.crisis_mental_factor, p.crisis_senior_factor, p.crisis_lonely_factor,
                   p.crisis_competency_effect, p.admission_share, p.crisis_competency_loss, p.recovery_rate])
    n_ed, n_adm = _states_kernel(
        m.states.rng, r.n, t.a, t.b, t.kind, t.strength, t.alive, t.size, kind_mask(SOCIAL_KINDS),
        p.active_tie_strength, p.peer_tie_weight, p.isolation_threshold, pp, r.tie_need, r.lonely_propensity, r.woman,
        r.age_group, r.chronic, r.mental_health, r.is_patient, r.usual_competency, m.support_received_week,
        m.attended_week, m.help_given_week, r.role, r.engagement, r.loneliness, r.competency, r.ed_visits,
        r.admissions, m.in_crisis, r.participation, r.helping, r.recovery, r.active_ties, r.isolated, m.support)
    m.events["ed_visits"] += int(n_ed)
    m.events["admissions"] += int(n_adm)


def numpy_states_week(model) -> None:
    """The same work done by the model's own submodel (numpy, vectorised)."""
    s = model.states
    s.update_ties()
    s.update_loneliness()
    s.competency_return()
    s.crises()
    s.recovery()


def time_both(size: int, weeks: int, seed: int = 1) -> dict:
    """Milliseconds a week of each side on a community of ``size`` residents after a year."""
    from sim import CaringCommunity, load_scenario, scale_scenario

    model = CaringCommunity(scale_scenario(load_scenario("centre-sud"), size), rng=seed, agent_views=False)
    model.run(52)
    compiled_states_week(model)                 # compile (or load from the cache) before timing
    out = {"residents": size, "tie_slots": int(model.ties.size)}
    for name, week in (("numpy", numpy_states_week), ("compiled", compiled_states_week)):
        t0 = time.perf_counter()
        for _ in range(weeks):
            week(model)
        out[name] = (time.perf_counter() - t0) / weeks * 1e3
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="residents, comma-separated")
    ap.add_argument("--weeks", type=int, default=300, help="weeks timed on each side")
    args = ap.parse_args(argv)
    print(f"{'residents':>10} {'tie slots':>10} {'numpy ms/week':>14} {'compiled ms/week':>17} {'speed-up':>9}")
    for size in (int(x) for x in args.sizes.split(",")):
        r = time_both(size, args.weeks)
        print(f"{r['residents']:>10,} {r['tie_slots']:>10,} {r['numpy']:>14.3f} {r['compiled']:>17.3f} "
              f"{r['numpy'] / r['compiled']:>8.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
