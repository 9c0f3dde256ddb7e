"""What is measured (MODEL.md §4): the weekly outcome row, the final-year summary, and the
per-resident snapshot and edge list for researchers who study individuals.

The weekly row is computed once per week with vectorised group means, and kept by Mesa's
``DataCollector`` (one model reporter per outcome); nothing per agent is collected, so data
collection stays small at 100,000 residents.
"""

from __future__ import annotations

from collections import defaultdict

import mesa
import numpy as np
import pandas as pd

from .network import TIE_KINDS
from .population import (AGE_GROUPS, CARER_PARTNER, CITIZEN_PARTNER, NO_ROLE, ORIGINAL_RESIDENT, PATIENT_PARTNER, ROLES,
                         SENIOR, coaching_role)
from .submodels.funding import BUDGET_LINES

#: Outcomes that are weekly counts or amounts (summed over a year in the summary); others are levels (averaged).
FLOW_OUTCOMES = ("ed_visits", "admissions", "incidents", "escalations", "introductions", "pairings",
                 "partners_trained", "partners_left", "help_hours", "timebank_hours", "income",
                 "organization_closures", "brokered_ties", "activity_ties", "ties_formed", "ties_dissolved",
                 "encounters", "partnership_encounters", "spending_total") + tuple(f"spending_{l}" for l in BUDGET_LINES)
BURNOUT_DISTRESS = 0.5  # distress from which a partner counts as highly emotionally exhausted


def breakdown_groups(model) -> dict[str, np.ndarray]:
    """The groups every isolation and loneliness outcome is broken down by (boolean masks)."""
    r = model.residents
    senior = r.age_group == SENIOR
    groups = {"all": np.ones(r.n, dtype=bool), "65plus": senior, "65_alone": senior & r.lives_alone,
              "65_with_others": senior & ~r.lives_alone, "single_parents": r.single_parent,
              "65_women": senior & r.woman, "65_men": senior & ~r.woman, "patients": r.is_patient}
    for code, name in enumerate(model.equity_group_names):
        groups[f"group_{name}"] = r.equity_group == code
    if model.n_neighbourhoods > 1:
        for code, name in enumerate(model.neighbourhood_names):
            groups[f"nb_{name}"] = r.neighbourhood == code
    return groups


def group_masks(groups: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The groups as a (groups x residents) membership matrix of 0s and 1s, and their sizes.

    The matrix is float64 so that one matrix product gives every group's counts (exact) and sums.
    """
    masks = np.stack(list(groups.values())).astype(np.float64)
    return masks, masks.sum(axis=1).astype(np.int64)


def measure(model) -> dict[str, float]:
    """This week's outcome row."""
    r, ev = model.residents, model.events
    row: dict[str, float] = {"week": model.week, "year": model.week / 52.0}
    size = np.maximum(model.group_sizes, 1)
    isolated, lonely, loneliness = (model.group_masks @ values.astype(np.float64) / size
                                    for values in (r.isolated, r.loneliness > model.lonely_threshold, r.loneliness))
    for g, name in enumerate(model.groups):
        iso, lon, lmean = (isolated[g], lonely[g], loneliness[g]) if model.group_sizes[g] else (np.nan,) * 3
        row[f"isolated_share_{name}"] = float(iso)
        row[f"lonely_share_{name}"] = float(lon)
        row[f"loneliness_mean_{name}"] = float(lmean)
    row["isolated_count"] = int(np.count_nonzero(r.isolated))
    row["isolation_gap_groups"] = _spread([row[f"isolated_share_group_{g}"] for g in model.equity_group_names])
    row["loneliness_gap_groups"] = _spread([row[f"loneliness_mean_group_{g}"] for g in model.equity_group_names])

    pat = model.patient_ids
    competency, shared, engagement = (np.take(values, pat) for values in (r.competency, r.shared_decisions, r.engagement))
    row["competency_mean"] = float(competency.mean())
    row["shared_decisions_mean"] = float(shared.mean())
    levels = np.bincount(engagement, minlength=4) / max(1, len(engagement))
    for lvl in range(4):
        row[f"engagement_level_{lvl}_share"] = float(levels[lvl])
    row["empowerment_index"] = float(np.mean(competency / 100.0 * 0.4 + shared * 0.3 + engagement / 3.0 * 0.3))
    row["recovery_mean"] = float(np.take(r.recovery, pat).mean())
    row["ties_per_person"] = float(r.active_ties.mean())
    row["ties_total"] = model.ties.count()

    partners = coaching_role(r.role)
    in_role = np.bincount(r.role, minlength=len(ROLES))
    row["patient_partners"] = int(in_role[PATIENT_PARTNER])
    row["carer_partners"] = int(in_role[CARER_PARTNER])
    row["citizen_partners"] = int(in_role[CITIZEN_PARTNER])
    row["caseload_mean"] = float(model.caseload[partners].mean()) if partners.any() else 0.0
    row["waiting_list"] = int((r.waiting_since >= 0).sum())
    row["in_peer_support"] = int(model.in_peer_support.sum())
    row["partner_distress_mean"] = float(r.distress[partners].mean()) if partners.any() else 0.0
    row["partner_burnout_share"] = float((r.distress[partners] >= BURNOUT_DISTRESS).mean()) if partners.any() else 0.0
    row["governance_seats_filled"] = int(r.governance_seat.sum())
    row["partners_left"] = float(sum(ev.get(f"{ROLES[k]}s_left", 0) for k in (1, 2, 3)))
    row["volunteers_left"] = float(ev.get("volunteers_left", 0))
    volunteer_roles = [k for k in (PATIENT_PARTNER, CARER_PARTNER, CITIZEN_PARTNER)
                       if model.funding.compensation_mode(ROLES[k]) == "volunteer"]
    row["volunteers"] = int(sum(in_role[k] for k in volunteer_roles))
    row["partners_total"] = int(in_role.sum() - in_role[NO_ROLE])

    for key in ("ed_visits", "admissions", "incidents", "escalations", "introductions", "pairings",
                "partners_trained", "help_hours", "timebank_hours", "organization_closures", "brokered_ties",
                "activity_ties", "ties_formed", "ties_dissolved", "encounters", "partnership_encounters",
                "referrals_unserved"):
        row[key] = float(ev.get(key, 0))
    b = model.budget
    for line in BUDGET_LINES:
        row[f"spending_{line}"] = float(b.spent[line])
    row["spending_total"] = float(sum(b.spent.values()))
    row["spending_cumulative"] = float(sum(b.total_spent.values()))
    row["income"] = float(b.income)
    row["pool"] = float(b.pool)
    row["organizations_open"] = sum(o.open for o in model.organizations)
    row["organization_capacity"] = sum(o.capacity for o in model.organizations)
    buy_in = np.array([c.buy_in for c in model.clinicians]) if model.clinicians else np.zeros(1)
    row["clinician_buy_in_mean"] = float(buy_in.mean())
    row["partnership_clinicians"] = int((buy_in >= 0.5).sum())
    row["tokenism"] = float(model.stewardship.tokenism) if model.stewardship else 1.0
    row["timebank_balance_total"] = float(r.timebank.sum())
    return row


def _spread(values: list[float]) -> float:
    """Largest minus smallest of the groups' values (empty groups, NaN, left out); 0 with no groups."""
    if not values:
        return 0.0
    known = [v for v in values if v == v]
    return max(known) - min(known) if known else float("nan")


class OutcomeCollector(mesa.DataCollector):
    """Mesa's ``DataCollector`` holding the weekly outcome rows: one model reporter per outcome.

    ``model_vars``, ``get_model_vars_dataframe()`` and the reporters are Mesa's own. Only
    ``collect`` differs: it appends the row that ``measure`` already computed this week. The
    row's values are plain numbers, so Mesa's defensive deep copy of each value is skipped.
    """

    def __init__(self, first_row: dict[str, float]):
        super().__init__(model_reporters={k: (lambda m, k=k: m._last_row[k]) for k in first_row})

    def collect(self, model) -> None:
        if hasattr(self, "_collection_steps"):   # Mesa >= 3.4 records when each row was collected
            self._collection_steps.append(model.time)
        row, columns = model._last_row, self.model_vars
        for key in self.model_reporters:
            columns[key].append(row[key])


def summarise(outcomes: pd.DataFrame, last_weeks: int = 52) -> dict[str, float]:
    """Final-year summary: levels averaged and flows summed over the last ``last_weeks`` weeks."""
    tail = outcomes[outcomes["week"] > outcomes["week"].max() - last_weeks]
    tail = tail[tail["week"] > 0]
    if tail.empty:
        tail = outcomes
    out = {}
    for col in outcomes.columns:
        if col in ("week", "year"):
            continue
        series = tail[col]
        out[col] = float(series.sum() if col in FLOW_OUTCOMES or col in ("partners_left", "volunteers_left",
                                                                           "referrals_unserved") else series.mean())
    out["weeks"] = int(outcomes["week"].max())
    first = outcomes.iloc[0]
    for col in ("isolated_share_all", "isolated_share_65_alone", "lonely_share_65plus", "competency_mean"):
        out[f"{col}_start"] = float(first[col])
    return out


def resident_snapshot(model) -> pd.DataFrame:
    """One row per resident: attributes, role, ties by kind, states, the support they receive (accompaniment
    by a partner or a citizen partner, mutual-aid hours), timebank balance, crises.

    Counts and hours (``ed_visits``, ``admissions``, ``support_received_hours``) are cumulative since week 0,
    or since the resident moved in; weeks the model does not know (no clinician, no role, not waiting,
    never supported, lived here before the simulation) are missing (NA). Week stamps are the model's week
    while the step ran, so what happened in the week recorded in outcome row N is stamped N - 1.
    """
    r, ties = model.residents, model.ties
    s = ties.live()
    kinds = {}
    for k, name in enumerate(TIE_KINDS):
        sk = s[ties.kind[s] == k]
        kinds[f"ties_{name}"] = ties.per_node(sk, n=r.n).astype(np.int32)
    return pd.DataFrame({
        "week": model.week, "resident": np.arange(r.n),
        "patient": r.is_patient, "neighbourhood": np.asarray(model.neighbourhood_names)[r.neighbourhood],
        "household": r.household, "age_group": np.asarray(AGE_GROUPS)[r.age_group], "woman": r.woman,
        "lives_alone": r.lives_alone, "single_parent": r.single_parent,
        "equity_group": np.asarray(model.equity_group_names)[r.equity_group],
        "chronic": r.chronic, "mental_health": r.mental_health, "end_of_life": r.end_of_life,
        "role": np.asarray(ROLES)[r.role], "clinician": _missing_where(r.clinician, r.clinician < 0),
        "partner_since": _missing_where(r.partner_since, r.role == NO_ROLE),
        "waiting_since": _missing_where(r.waiting_since, r.waiting_since < 0),
        **kinds, "active_ties": r.active_ties, "isolated": r.isolated, "loneliness": r.loneliness,
        "competency": r.competency, "shared_decisions": r.shared_decisions, "engagement_level": r.engagement,
        "recovery": r.recovery, "in_peer_support": model.in_peer_support, "peer_support_sessions": r.sessions,
        "citizen_accompanied": model.activities.accompanied_by >= 0,
        "support_received_hours": r.support_received, "timebank_balance": r.timebank,
        "ed_visits": r.ed_visits, "admissions": r.admissions, "partner_distress": r.distress,
        "caseload": model.caseload,
        "first_support_week": _missing_where(r.first_support_week, r.first_support_week < 0),
        "arrived_week": _missing_where(r.arrived_week, r.arrived_week == ORIGINAL_RESIDENT),
    })


def _missing_where(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    """``values`` as a nullable integer column, missing (NA) where ``missing``: the model's sentinels
    (-1 for "none", or "before the simulation") would pass for real weeks and ids (week -1 is in the burn-in)."""
    column = pd.array(values, dtype="Int32")
    column[missing] = pd.NA
    return column


def edge_list(model) -> pd.DataFrame:
    """The network's living ties as an edge list (node ids: residents, then clinicians, then organizations)."""
    df = pd.DataFrame(model.ties.edges())
    df.insert(0, "week", model.week)
    return df


def new_event_counter() -> defaultdict:
    return defaultdict(float)
