"""What is measured (MODEL.md §4): the weekly outcome row, the final-year summary, and the
per-resident snapshot and edge list for researchers who study individuals.

The weekly row is computed once per week with vectorised group means, and kept by Mesa's
``DataCollector`` (one model reporter per outcome); nothing per agent is collected, so data
collection stays small at 100,000 residents.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from typing import NamedTuple

import mesa
import numpy as np
import pandas as pd

from .money import unit_in
from .network import TIE_KINDS
from .population import (AGE_GROUPS, CARER_PARTNER, CITIZEN_PARTNER, NO_ROLE, ORIGINAL_RESIDENT, PATIENT_PARTNER, ROLES,
                         SENIOR, coaching_role)
from .submodels.funding import BUDGET_LINES

#: Outcomes that are weekly counts or amounts (summed over a year in the summary); others are levels (averaged).
FLOW_OUTCOMES = ("ed_visits", "admissions", "incidents", "escalations", "introductions", "pairings",
                 "partners_trained", "partners_left", "help_hours", "timebank_hours", "income",
                 "organization_closures", "brokered_ties", "activity_ties", "ties_formed", "ties_dissolved",
                 "encounters", "partnership_encounters", "spending_total") + tuple(f"spending_{l}" for l in BUDGET_LINES)
#: Weekly outcomes summed over the final year in the summary (:func:`summarise`); every other outcome is averaged,
#: except the running totals of :data:`LAST_IN_SUMMARY`.
SUMMED_IN_SUMMARY = FLOW_OUTCOMES + ("volunteers_left", "referrals_unserved")
#: Running totals, which the summary gives at the run's last week (the whole run's total).
LAST_IN_SUMMARY = ("spending_cumulative",)
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


#: Outcomes whose week-0 value the summary also gives, as ``<outcome>_start``.
START_VALUES = ("isolated_share_all", "isolated_share_65_alone", "lonely_share_65plus", "competency_mean")


def summarise(outcomes: pd.DataFrame, last_weeks: int = 52) -> dict[str, float]:
    """Final-year summary: levels averaged and flows summed over the last ``last_weeks`` weeks; running
    totals (``spending_cumulative``) at the last week."""
    tail = outcomes[outcomes["week"] > outcomes["week"].max() - last_weeks]
    tail = tail[tail["week"] > 0]
    if tail.empty:
        tail = outcomes
    out = {}
    for col in outcomes.columns:
        if col in ("week", "year"):
            continue
        series = tail[col]
        out[col] = float(series.sum() if col in SUMMED_IN_SUMMARY
                         else series.iloc[-1] if col in LAST_IN_SUMMARY else series.mean())
    out["weeks"] = int(outcomes["week"].max())
    first = outcomes.iloc[0]
    for col in START_VALUES:
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


# ----------------------------------------------------------------------------- codebook
# What every column of the outputs means, next to the code that computes it: ``run`` and ``sweep`` write
# it as ``codebook.csv`` beside the data (:func:`codebook`), so that a reader with pandas alone can tell
# what a column holds, in what unit and over what range. A name with ``{G}`` (a group of
# :func:`breakdown_groups`), ``{line}`` (a budget line), ``{level}`` (an engagement level) or ``{kind}`` (a
# tie kind) stands for the columns it expands to. Entries: (name, unit, range, meaning).

#: The weekly outcome row (:func:`measure`): ``outcomes.parquet``, ``sim.run``, a sweep's ``weekly/``.
OUTCOME_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("week", "week", "0 to the horizon", "the week this row measures (0: the initial state, before any step)"),
    ("year", "years", "0 to the horizon", "week / 52"),
    ("isolated_share_{G}", "share", "0-1, NaN when the group is empty",
     "share of {G} who are isolated (fewer active social ties than states.isolation_threshold)"),
    ("lonely_share_{G}", "share", "0-1, NaN when the group is empty",
     "share of {G} who are lonely (loneliness above states.lonely_threshold)"),
    ("loneliness_mean_{G}", "index", "0-1, NaN when the group is empty", "mean loneliness of {G}"),
    ("isolated_count", "residents", "0 or more", "residents isolated"),
    ("isolation_gap_groups", "share difference", "0-1, 0 with no equity group",
     "most minus least isolated equity group (isolated_share_group_*; empty groups left out)"),
    ("loneliness_gap_groups", "index difference", "0-1, 0 with no equity group",
     "highest minus lowest mean loneliness of the equity groups (loneliness_mean_group_*; empty groups left out)"),
    ("competency_mean", "PAM points", "0-100", "mean care competency (patient activation) of patients"),
    ("shared_decisions_mean", "share", "0-1", "mean share of care decisions patients take jointly with clinicians"),
    ("engagement_level_{level}_share", "share", "0-1", "share of patients at engagement level {level} "
     "(0 none, 1 partner in own care, 2 trained partner, 3 co-leader)"),
    ("empowerment_index", "index", "0-1",
     "mean over patients of 0.4 * competency/100 + 0.3 * shared decisions + 0.3 * engagement level/3"),
    ("recovery_mean", "index", "0-1", "mean recovery / citizenship of patients"),
    ("ties_per_person", "ties per resident", "0 or more", "mean number of active social ties per resident"),
    ("ties_total", "ties", "0 or more", "living ties of all kinds in the network"),
    ("patient_partners", "residents", "0 or more", "patient partners on the roster"),
    ("carer_partners", "residents", "0 or more", "carer partners on the roster"),
    ("citizen_partners", "residents", "0 or more", "citizen partners on the roster"),
    ("partners_total", "residents", "0 or more", "partners of every role on the roster"),
    ("caseload_mean", "patients per partner", "0 or more, 0 with no coaching partner",
     "mean caseload of coaching (patient and carer) partners"),
    ("waiting_list", "patients", "0 or more", "patients waiting for a partner"),
    ("in_peer_support", "patients", "0 or more", "patients accompanied by a partner now"),
    ("partner_distress_mean", "index", "0-1, 0 with no coaching partner", "mean distress of coaching partners"),
    ("partner_burnout_share", "share", "0-1, 0 with no coaching partner",
     f"share of coaching partners with distress >= {BURNOUT_DISTRESS} (high emotional exhaustion)"),
    ("governance_seats_filled", "seats", "0 or more", "patient seats held on the stewardship group"),
    ("partners_left", "partners a week", "0 or more", "partners of every role who left this week"),
    ("volunteers_left", "partners a week", "0 or more", "partners in a volunteer-compensated role who left this week"),
    ("volunteers", "residents", "0 or more", "partners in volunteer-compensated roles now"),
    ("ed_visits", "visits a week", "0 or more", "emergency visits of patients this week"),
    ("admissions", "admissions a week", "0 or more", "hospital admissions of patients this week"),
    ("incidents", "incidents a week", "0 or more", "peer-support incidents this week"),
    ("escalations", "escalations a week", "0 or more", "legal-duty escalations to a clinician this week"),
    ("introductions", "introductions a week", "0 or more", "introductions made this week (programme flow)"),
    ("pairings", "pairings a week", "0 or more", "patients paired with a partner this week"),
    ("partners_trained", "partners a week", "0 or more", "partners trained this week"),
    ("help_hours", "hours a week", "0 or more", "mutual-aid help given this week"),
    ("timebank_hours", "hours a week", "0 or more", "hours exchanged through the timebank this week"),
    ("organization_closures", "organizations a week", "0 or more", "community organizations that closed this week"),
    ("brokered_ties", "ties a week", "0 or more", "ties made by brokering this week"),
    ("activity_ties", "ties a week", "0 or more", "ties made by co-attendance of activities this week"),
    ("ties_formed", "ties a week", "0 or more", "ties made this week to replace lost friends"),
    ("ties_dissolved", "ties a week", "0 or more", "ties that faded below ties.dissolve_below this week "
     "(ties removed because someone moved out, an organization closed or an accompaniment ended are not counted)"),
    ("encounters", "encounters a week", "0 or more", "clinical encounters this week"),
    ("partnership_encounters", "encounters a week", "0 or more", "clinical encounters in partnership this week"),
    ("referrals_unserved", "referrals a week", "0 or more", "referrals to community activities not served this week"),
    ("spending_{line}", "funding.currency a week", "0 or more", "money spent this week on {line}"),
    ("spending_total", "funding.currency a week", "0 or more", "money spent this week, all budget lines"),
    ("spending_cumulative", "funding.currency", "0 or more", "money spent since week 0, all budget lines"),
    ("income", "funding.currency a week", "0 or more", "funding received this week"),
    ("pool", "funding.currency", "0 or more", "money left in the pool"),
    ("organizations_open", "organizations", "0 or more", "community organizations open"),
    ("organization_capacity", "places", "0 or more", "summed capacity of the open organizations"),
    ("clinician_buy_in_mean", "index", "0-1", "mean partnership buy-in of clinicians"),
    ("partnership_clinicians", "clinicians", "0 or more", "clinicians with buy-in >= 0.5"),
    ("tokenism", "index", "0-1, 1 with no stewardship group", "tokenism of the stewardship group"),
    ("timebank_balance_total", "hours", "any sign",
     "sum of residents' timebank balances (the community account, MutualAid.community_account, holds the "
     "opposite: hours owed to partners paid in hours and the balances of those who moved out)"),
)

#: Columns the final-year summary adds to the outcomes (``summary.csv``, ``summary.json``, a sweep's ``summary/``).
SUMMARY_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("scenario", "name", "", "the scenario's name"),
    ("seed", "seed", "0 or more", "the run's random seed"),
    ("weeks", "weeks", "1 or more", "the run's last week (its horizon)"),
    ("residents", "residents", "1 or more", "residents in the community (the population size)"),
)
# and ``<outcome>_start`` for each outcome of :data:`START_VALUES`: its value at week 0

#: The per-resident snapshot (:func:`resident_snapshot`, ``residents_weekN.parquet``).
SNAPSHOT_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("week", "week", "0 to the horizon", "the week of the snapshot: the state outcome row N measures"),
    ("resident", "node id", "0 to residents - 1", "the resident (their node in the edge list)"),
    ("patient", "bool", "", "registered with the clinic (a patient, not a citizen; is_patient in §2.1)"),
    ("neighbourhood", "name", "", "where the household lives"),
    ("household", "id", "0 or more", "household id; members are tied by household ties"),
    ("age_group", "category", "child, adult, 65+", "age group (under 18, 18-64, 65 and over)"),
    ("woman", "bool", "", "a woman"),
    ("lives_alone", "bool", "", "lives alone"),
    ("single_parent", "bool", "", "a single parent"),
    ("equity_group", "name", "", "the resident's equity group (shared by a household)"),
    ("chronic", "bool", "", "has a chronic condition"),
    ("mental_health", "bool", "", "has a mental-health condition"),
    ("end_of_life", "bool", "", "in the last year of life"),
    ("role", "category", ", ".join(ROLES), "partner role"),
    ("clinician", "index", "0 or more, NA for citizens",
     "the patient's primary clinician (their node is residents + clinician)"),
    ("partner_since", "week", "NA without a role", "week the role was taken"),
    ("waiting_since", "week", "NA when not waiting", "week the patient joined the waiting list for a partner"),
    ("ties_{kind}", "ties", "0 or more", "living ties of kind {kind}, any strength (degree by kind in the edge list)"),
    ("active_ties", "ties", "0 or more", "social ties of strength >= states.active_tie_strength"),
    ("isolated", "bool", "", "fewer active ties than states.isolation_threshold"),
    ("loneliness", "index", "0-1", "subjective loneliness"),
    ("competency", "PAM points", "0-100", "care competency / patient activation (for everyone)"),
    ("shared_decisions", "share", "0-1", "share of care decisions taken jointly with clinicians"),
    ("engagement_level", "level", "0-3", "engagement: 0 none, 1 partner in own care, 2 trained partner, 3 co-leader "
     "(citizen partners stay at 0: the scale is the patients')"),
    ("recovery", "index", "0-1", "recovery / citizenship"),
    ("in_peer_support", "bool", "", "accompanied by a patient or carer partner now"),
    ("peer_support_sessions", "meetings", "0 or more",
     "meetings in the current accompaniment (or the last one once it has ended)"),
    ("citizen_accompanied", "bool", "", "accompanied by a citizen partner now"),
    ("support_received_hours", "hours, cumulative", "0 or more", "mutual-aid help received since week 0 or moving in"),
    ("timebank_balance", "hours", "any sign", "timebank balance (their sum is timebank_balance_total)"),
    ("ed_visits", "visits, cumulative", "0 or more",
     "emergency visits since week 0 or moving in (every resident's; the outcome row counts patients')"),
    ("admissions", "admissions, cumulative", "0 or more",
     "hospital admissions since week 0 or moving in (every resident's; the outcome row counts patients')"),
    ("partner_distress", "index", "0-1", "partner distress / burnout (0 without a role)"),
    ("caseload", "patients", "0 or more", "patients the partner accompanies now (0 without a role)"),
    ("first_support_week", "week", "NA if never paired", "week of the first pairing with a partner"),
    ("arrived_week", "week", "NA for the initial residents; negative: in the burn-in", "week the resident moved in"),
)

#: The edge list (:func:`edge_list`, ``edges_weekN.parquet``).
EDGE_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("week", "week", "0 to the horizon", "the week of the edge list"),
    ("source", "node id", "0 or more", "one end: residents 0 to n - 1, then clinicians, then organizations"),
    ("target", "node id", "0 or more", "the other end (same numbering)"),
    ("kind", "category", ", ".join(TIE_KINDS), "the tie's kind"),
    ("strength", "index", "0-1", "the tie's strength"),
    ("formed_week", "week", "negative: in the burn-in", "week the tie was formed"),
    ("last_contact_week", "week", "negative: in the burn-in", "week of the last contact"),
)

#: The identifiers of a sweep's rows (``summary/``, ``weekly/``, ``design.parquet``, ``seeds.parquet``).
SWEEP_ID_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("run_id", "id", "", "the run: p<point>-r<replication>-<hash of values and seed>"),
    ("point", "index", "0 to n_points - 1", "the design point (join key with design.parquet)"),
    ("replication", "index", "0 to replications - 1", "the replication (join key with seeds.parquet); "
     "replication i has the same seed at every point"),
    ("seed", "seed", "0 or more", "the run's random seed"),
)

#: The columns the workshop page's downloads add before a run's outcome columns (:mod:`sim.viz.session`).
WORKSHOP_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("scenario", "name", "",
     "the scenario the room ran, its levers applied (the name of the scenario file the page offers)"),
    ("seed", "seed", "0 or more", "the random seed of the page's two runs, the community and its baseline"),
    ("series", "category", "community, baseline",
     "which run the row is from: the caring community or its hospital-centred baseline (the same "
     "population with no partners, no brokering, no stewardship group)"),
)

CODEBOOK_FIELDS = ("file", "column", "dtype", "unit", "range", "final_year", "meaning")


#: Who each fixed group of :func:`breakdown_groups` is (a ``{G}`` of the column names); equity groups are
#: ``group_<name>`` and, with several neighbourhoods, neighbourhoods ``nb_<name>``.
GROUP_MEANINGS = {"all": "all residents", "65plus": "residents 65+", "65_alone": "residents 65+ living alone",
                  "65_with_others": "residents 65+ living with others", "single_parents": "single parents",
                  "65_women": "women 65+", "65_men": "men 65+", "patients": "patients"}

#: The tables of column entries by name, as :func:`describe_column` reads them.
COLUMN_TABLES = {"outcomes": OUTCOME_COLUMNS, "summary": SUMMARY_COLUMNS, "snapshot": SNAPSHOT_COLUMNS,
                 "edges": EDGE_COLUMNS, "sweep_ids": SWEEP_ID_COLUMNS, "workshop": WORKSHOP_COLUMNS}
CODEBOOK_LANGUAGES = ("en", "fr")


class _Words(NamedTuple):
    """The codebook's words in one language: the column entries by table, who the groups of a
    breakdown are, and how a summary rewords a column."""
    tables: dict[str, tuple[tuple[str, str, str, str], ...]]
    groups: dict[str, str]
    equity_group: str        # {} the group's name
    neighbourhood: str       # {} the neighbourhood's name
    other_group: str
    at_week_0: str           # a summary's <outcome>_start
    week_to_year: tuple[str, str]              # a weekly flow's unit, once summed over the final year
    this_week_to_final_year: tuple[str, str]   # and its meaning


_ENGLISH = _Words(COLUMN_TABLES, GROUP_MEANINGS, "residents of equity group '{}'", "residents of neighbourhood '{}'",
                  "group '{}'", "{outcome} at week 0 (the initial state): {meaning}", (" a week", " a year"),
                  (" this week", " over the final year"))


@functools.cache
def _words(lang: str) -> _Words:
    """The codebook's words in ``lang``: English here, French from :mod:`sim.outcomes_fr`."""
    if lang not in CODEBOOK_LANGUAGES:
        raise ValueError(f"expected a codebook language, one of {', '.join(CODEBOOK_LANGUAGES)}; found {lang!r}")
    if lang == "en":
        return _ENGLISH
    from . import outcomes_fr as fr
    tables = {table: tuple((name, fr.UNITS[unit], fr.RANGES[rng], fr.MEANINGS[table][name])
                           for name, unit, rng, _ in entries) for table, entries in COLUMN_TABLES.items()}
    return _Words(tables, fr.GROUPS, fr.EQUITY_GROUP, fr.NEIGHBOURHOOD, fr.OTHER_GROUP, fr.AT_WEEK_0,
                  fr.WEEK_TO_YEAR, fr.THIS_WEEK_TO_FINAL_YEAR)


def _group_text(group: str, words: _Words) -> str:
    if group in words.groups:
        return words.groups[group]
    if group.startswith("group_"):
        return words.equity_group.format(group[6:])
    if group.startswith("nb_"):
        return words.neighbourhood.format(group[3:])
    return words.other_group.format(group)


def _match(entries, column: str, words: _Words) -> tuple[str, str, str] | None:
    """(unit, range, meaning) of ``column``: the entry of that name, else the first pattern it fits
    (``spending_total`` is its own entry, not ``spending_{line}``)."""
    for name, unit, rng, meaning in entries:
        if name == column:
            return unit, rng, meaning
    for name, unit, rng, meaning in entries:
        if "{" not in name:
            continue
        field = name[name.index("{") + 1:name.index("}")]
        pattern = "^" + re.escape(name).replace(re.escape("{" + field + "}"), "(.+)") + "$"
        found = re.match(pattern, column)
        if found:
            value = found.group(1)
            text = _group_text(value, words) if field == "G" else value
            return tuple(s.replace("{" + field + "}", text) for s in (unit, rng, meaning))
    return None


def describe_column(column: str, table: str = "outcomes", lang: str = "en") -> dict[str, str]:
    """Unit, range and meaning of one column of ``table`` (``outcomes``, ``summary``, ``snapshot``,
    ``edges``, ``workshop`` for the workshop page's downloads, or ``sweep`` for a sweep's ``weekly/``),
    in English or French (``lang``); empty strings for a column this module does not define (a sweep's
    custom ``simulate``). In ``summary`` an outcome is its final-year mean or sum, as ``final_year`` says."""
    words = _words(lang)
    sweep_tables = ("summary", "sweep")   # identifiers and run facts first, then the outcomes
    looked_up = {"snapshot": ["snapshot"], "edges": ["edges"], "outcomes": ["outcomes"],
                 "workshop": ["workshop", "outcomes"]}.get(table, ["sweep_ids", "summary"])
    found = next((hit for name in looked_up if (hit := _match(words.tables[name], column, words)) is not None), None)
    outcomes = words.tables["outcomes"]
    final_year = ""
    if found is None and table in sweep_tables and column.endswith("_start"):
        outcome = column.removesuffix("_start")
        if (inner := _match(outcomes, outcome, words)) is not None:
            found = (inner[0], inner[1], words.at_week_0.format(outcome=outcome, meaning=inner[2]))
    if found is None and table in sweep_tables:
        found = _match(outcomes, column, words)
        if found is not None and table == "summary" and column not in ("week", "year"):
            final_year = "sum" if column in SUMMED_IN_SUMMARY else "last" if column in LAST_IN_SUMMARY else "mean"
            if final_year == "sum":   # a flow: the final year's total
                unit, rng, meaning = found
                found = (unit.replace(*words.week_to_year), rng, meaning.replace(*words.this_week_to_final_year))
    unit, rng, meaning = found or ("", "", "")
    return {"unit": unit, "range": rng, "final_year": final_year, "meaning": meaning}


def codebook(tables: "dict[str, tuple[str, pd.DataFrame | list[tuple[str, str]]]]",
             currency: str | None = None, lang: str = "en") -> pd.DataFrame:
    """The codebook of the files written: one row per file and column, ``CODEBOOK_FIELDS``.

    ``tables`` maps a file name (or pattern, ``residents_week*.parquet``) to ``(table, frame)``, ``table``
    as in :func:`describe_column` and ``frame`` the data written (or its ``[(column, dtype), ...]``).
    Amounts are in ``currency``, the scenario's ``funding.currency`` (``EUR a week``); without it a unit
    names that key (``funding.currency a week``). Units, ranges and meanings are in ``lang``, English or
    French (the field names and the columns' names are the files' own, in every language).
    """
    rows = []
    for file, (table, frame) in tables.items():
        columns = list(frame.dtypes.astype(str).items()) if isinstance(frame, pd.DataFrame) else list(frame)
        for column, dtype in columns:
            described = describe_column(column, table, lang)
            if currency is not None:
                described["unit"] = unit_in(described["unit"], currency)
            rows.append({"file": file, "column": column, "dtype": str(dtype), **described})
    return pd.DataFrame(rows, columns=list(CODEBOOK_FIELDS))
