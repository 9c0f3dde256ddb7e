"""Funding (MODEL.md §3.2): sources with start and end weeks feed the community's pool; the
compensation mode of each partner role; organizations short of funds cut capacity and close.

The pool is spent by the stewardship group's allocation (:mod:`.governance`) along five budget
lines. An organization that closes loses its members and the mutual-aid ties formed in its
activities.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..errors import ScenarioError
from ..money import CURRENCIES, DEFAULT_CURRENCY, check_currency
from ..params import Section, param
from . import Submodel

BUDGET_LINES = ("partner_compensation", "organization_grants", "training", "coordination", "supervision")
Sector = Literal["city", "health_institution", "philanthropy", "community", "province", "research"]
Compensation = Literal["paid", "volunteer", "timebank", "recognition"]


class FundingSource(Section):
    """A funder: how much per year, from which week, until which week (``null``: no end)."""

    name: str = param("start-up grant", "name of the funding source")
    sector: Sector = param("city", "who pays")
    amount_per_year: float = param(150000.0, "amount paid per year while the source is active", unit="$/year",
                                   ge=0.0, le=1e9)
    start_week: int = param(0, "first week the source pays", unit="week", ge=0, le=5200)
    end_week: int | None = param(None, "week the source stops paying (null: never)", unit="week", ge=0, le=5200)


class CompensationModes(Section):
    """How each partner role is compensated."""

    patient_partner: Compensation = param("paid", "compensation of patient partners")
    carer_partner: Compensation = param("volunteer", "compensation of carer partners")
    citizen_partner: Compensation = param("volunteer", "compensation of citizen partners")


class FundingParams(Section):
    """Funding sources, compensation modes and unit costs."""

    sources: list[FundingSource] = param([], "funding sources of the community programme")
    currency: str = param(DEFAULT_CURRENCY, "currency of every amount in the scenario (a unit written $ is in this currency): a "
                          "label for reports and charts, never converted; one of " + ", ".join(CURRENCIES),
                          unit="ISO 4217 code", source="the Centre-Sud pilot is in Montreal (Canadian dollars)")
    compensation: CompensationModes = param({}, "compensation mode of each partner role")
    partner_hourly_rate: float = param(25.0, "pay of a paid partner", unit="$/hour", ge=0.0, le=500.0)
    recognition_cost_per_year: float = param(400.0, "cost of recognising one partner (events, gifts, expenses)",
                                             unit="$/partner/year", ge=0.0, le=1e5)
    training_cost: float = param(2000.0, "cost of training one new partner", unit="$/partner", ge=0.0, le=1e6)
    clinician_training_cost: float = param(300.0, "yearly cost of partnership training for one clinician",
                                           unit="$/clinician/year", ge=0.0, le=1e6)
    supervision_cost_per_week: float = param(30.0, "cost of supervising one partner for a week",
                                             unit="$/partner/week", ge=0.0, le=1e5)
    coordination_cost_per_year: float = param(60000.0, "cost of full coordination (liaison, brokering support, timebank)",
                                              unit="$/year", ge=0.0, le=1e8)
    org_cut_after_weeks: int = param(8, "weeks in deficit after which an organization cuts capacity by a quarter",
                                     unit="weeks", ge=1, le=520)
    org_close_after_weeks: int = param(52, "weeks in deficit after which an organization closes", unit="weeks",
                                       ge=1, le=1040)
    org_reserve_weeks: float = param(12.0, "weeks of costs an organization holds in reserve at the start",
                                     unit="weeks", ge=0.0, le=520.0)

    def model_post_init(self, __context) -> None:
        """A source cannot stop before it starts (it would silently pay nothing); the currency is a known code."""
        check_currency(self.currency)
        for i, src in enumerate(self.sources):
            if src.end_week is not None and src.end_week < src.start_week:
                raise ScenarioError(f"expected an end week at or after the source's start_week ({src.start_week}), "
                                    f"or null for no end; found {src.end_week}", key=f"funding.sources.{i}.end_week")


class Budget:
    """The community pool and this week's spending by budget line."""

    def __init__(self):
        self.pool = 0.0
        self.income = 0.0                       # this week
        self.weekly_allocation = {line: 0.0 for line in BUDGET_LINES}
        self.spent = {line: 0.0 for line in BUDGET_LINES}   # this week
        self.total_spent = {line: 0.0 for line in BUDGET_LINES}
        self.total_income = 0.0

    def new_week(self) -> None:
        self.spent = {line: 0.0 for line in BUDGET_LINES}
        self.income = 0.0

    def receive(self, amount: float) -> None:
        self.pool += amount
        self.income += amount
        self.total_income += amount

    def spend(self, line: str, wanted: float) -> float:
        """Spend up to ``wanted`` on ``line`` within this week's allocation and the pool; returns what was spent."""
        granted = max(0.0, min(wanted, self.weekly_allocation[line] - self.spent[line], self.pool))
        self.pool -= granted
        self.spent[line] += granted
        self.total_spent[line] += granted
        return granted

    def level(self, line: str, needed: float) -> float:
        """Share (0-1) of ``needed`` that this week's allocation for ``line`` covers, spending it."""
        if needed <= 0:
            return 1.0
        return self.spend(line, needed) / needed


class Funding(Submodel):
    """Weekly income from active sources; organizations book income and costs and may close."""

    name = "funding"

    def step(self) -> None:
        m = self.model
        week = m.week
        m.budget.new_week()
        income = sum(s.amount_per_year / 52.0 for s in self.p.sources
                     if s.start_week <= week and (s.end_week is None or week < s.end_week))
        m.budget.receive(income)

        open_partnered = [o for o in m.organizations if o.open and o.partnered]
        # The grants line is spent only when some open, partnered organization can receive it.
        wanted = m.budget.weekly_allocation["organization_grants"] if open_partnered else 0.0
        grant_pool = m.budget.spend("organization_grants", wanted)
        need = np.array([max(0.0, o.weekly_cost - o.own_income_per_year / 52.0) for o in open_partnered])
        shares = need / need.sum() if len(need) and need.sum() > 0 else np.full(len(need), 1.0 / max(1, len(need)))
        grants = dict(zip((o.unique_id for o in open_partnered), grant_pool * shares))
        for org in m.organizations:
            outcome = org.settle_week(grants.get(org.unique_id, 0.0), self.p.org_cut_after_weeks,
                                      self.p.org_close_after_weeks)
            if outcome == "closed":
                close_organization(m, org)
        # Coordination (liaison, brokering support): volunteers broker a little even without it.
        if m.partner_programme_exists:
            m.coordination_level = 0.3 + 0.7 * m.budget.level("coordination", self.p.coordination_cost_per_year / 52.0)
        else:
            m.coordination_level = 0.0

    def expected_income(self, week: int, weeks: int) -> float:
        """Income the sources will pay over the ``weeks`` weeks starting at ``week``."""
        total = 0.0
        for s in self.p.sources:
            end = week + weeks if s.end_week is None else min(week + weeks, s.end_week)
            total += max(0, end - max(week, s.start_week)) * s.amount_per_year / 52.0
        return total

    def compensation_mode(self, role_name: str) -> str:
        return getattr(self.p.compensation, role_name)


def close_organization(model, org) -> None:
    """An organization closes: its membership ties and the ties formed in its activities dissolve."""
    ties = model.ties
    s = ties.live()
    gone = s[(ties.a[s] == org.node) | (ties.b[s] == org.node) | (ties.origin[s] == org.node)]
    ties.remove(gone)
    model.events["organization_closures"] += 1
