"""Peer support (MODEL.md §3.4): patient partners meet the patients they accompany.

A partner with free capacity takes patients from the waiting list (a partner at full caseload
takes none). Meetings raise the patient's competency with diminishing returns, lead to a needs
and life-project assessment and to a referral to a citizen partner (who may in turn connect the
patient to an organization, :mod:`.activities`). An accompaniment ends after ``episode_weeks``
and its tie becomes an ordinary mutual-aid tie.
Partner distress rises with hard cases and falls with supervision (budget line), mentoring by
coach partners (partners of *coach_after_weeks* standing or co-leaders, or the mentoring neighbourhood of
a rhizome) and access to partnership clinicians. Training fades without supervision. Rare incidents (role confusion,
confidentiality breach) fall with training and supervision; a disclosure that carries a legal
duty (e.g. suicidal ideation) is escalated to the patient's clinician.
"""

from __future__ import annotations

import numpy as np

from ..network import MUTUAL_AID, PEER_SUPPORT
from ..params import Section, param, probability, weekly_from_yearly
from ..population import coaching_role
from . import Submodel


class PeerSupportParams(Section):
    """Caseloads, meetings, coaching effects and the partners' working conditions."""

    hours_per_week: float = param(6.0, "hours a patient partner gives per week", unit="hours/week", ge=0.0, le=60.0)
    hours_per_patient: float = param(1.0, "hours of a partner's week one accompanied patient takes",
                                     unit="hours/patient/week", ge=0.05, le=40.0)
    meeting_probability: float = probability(0.6, "chance a partner meets a given patient in a week")
    competency_gain: float = param(1.0024, "competency gained at the first meeting by a patient at 0 (scaled by room to 100)",
                                   unit="PAM points", ge=0.0, le=20.0,
                                   source="fitted (docs/CALIBRATION.md): coaching gain about 0.25 SD (Hibbard et al. 2005; Cuevas et al. 2021)")
    diminishing_sessions: float = param(6.0, "sessions after which the gain per meeting has halved", unit="sessions",
                                        ge=0.1, le=200.0)
    episode_weeks: int = param(26, "length of an accompaniment; the tie then becomes an ordinary mutual-aid tie",
                               unit="weeks", ge=1, le=520)
    referral_probability: float = probability(0.08, "chance per meeting that the partner connects the patient to a citizen partner")
    meeting_tie_gain: float = probability(0.1, "how far a meeting strengthens the partner-patient tie")
    hard_case_distress: float = probability(0.0084, "distress added by a meeting with a hard case (mental health, end of life, crisis)",
                                              source="fitted (docs/CALIBRATION.md): about 40% highly exhausted at staff-like workloads")
    ordinary_distress: float = probability(0.0012, "distress added by an ordinary meeting",
                                             source="fitted (docs/CALIBRATION.md): about 40% highly exhausted at staff-like workloads")
    supervision_relief: float = probability(0.0177, "weekly distress relief at full supervision",
                                              source="fitted (docs/CALIBRATION.md): about 40% highly exhausted at staff-like workloads")
    mentoring_relief: float = probability(0.01, "weekly distress relief when coach partners are available")
    coach_after_weeks: int = param(104, "weeks in a partner role after which a partner coaches the others of their neighbourhood",
                                   unit="weeks", ge=0, le=2080)
    clinician_access_relief: float = probability(0.01, "weekly distress relief with a partnership clinician to turn to")
    natural_relief: float = probability(0.004, "weekly distress relief without any support")
    skill_fade_per_year: float = probability(0.15, "share of a partner's training lost in a year without supervision")
    incident_rate: float = probability(0.004, "chance of an incident per meeting for an untrained, unsupervised partner")
    rhizome_mentoring_hours: float = param(1.0, "hours a week each partner of a mentoring neighbourhood gives to the new one",
                                           unit="hours/week", ge=0.0, le=40.0)
    rhizome_mentoring_weeks: int = param(104, "how long a new neighbourhood is mentored after its programme starts",
                                         unit="weeks", ge=0, le=1040)
    legal_duty_rate: float = probability(0.01, "chance per meeting with a mental-health patient of a disclosure carrying a legal duty")



class PeerSupport(Submodel):
    """End finished accompaniments, pair waiting patients with partners, hold meetings, update distress."""

    name = "peer_support"

    def capacity_of(self, partners: np.ndarray) -> np.ndarray:
        """How many patients each partner can accompany (hours given / hours per patient)."""
        m, r = self.model, self.model.residents
        hours = r.capacity[partners]
        if m.n_neighbourhoods > 1:
            giving, _ = m.mentoring()
            hours = hours - self.p.rhizome_mentoring_hours * giving[r.neighbourhood[partners]]
        return np.floor(np.maximum(hours, 0.0) / self.p.hours_per_patient).astype(np.int64)

    def free_places(self) -> int:
        """Places partners have for new patients right now."""
        m, r = self.model, self.model.residents
        partners = np.flatnonzero(coaching_role(r.role))
        return int(np.maximum(0, self.capacity_of(partners) - m.caseload[partners]).sum())

    def match(self) -> int:
        """Pair waiting patients (longest-waiting first) with free places of partners of their own neighbourhood."""
        m, r = self.model, self.model.residents
        partners = np.flatnonzero(coaching_role(r.role))
        waiting = np.flatnonzero(r.waiting_since >= 0)
        if len(partners) == 0 or len(waiting) == 0:
            return 0
        free = np.maximum(0, self.capacity_of(partners) - m.caseload[partners])
        waiting = waiting[np.argsort(r.waiting_since[waiting], kind="stable")]
        pairs_p, pairs_q = [], []
        for nb in np.unique(r.neighbourhood[waiting]):
            slots = np.repeat(partners, free)
            slots = slots[r.neighbourhood[slots] == nb] if m.n_neighbourhoods > 1 else slots
            slots = self.rng.permutation(slots)
            wq = waiting[r.neighbourhood[waiting] == nb]
            if len(slots) < len(wq):   # places are short: longest-waiting first, a draw among same-week arrivals
                wq = wq[np.lexsort((self.rng.random(len(wq)), r.waiting_since[wq]))]
            k = min(len(slots), len(wq))
            pairs_p.append(slots[:k])
            pairs_q.append(wq[:k])
            used = np.bincount(slots[:k], minlength=r.n)
            free -= used[partners]
        if not pairs_p:
            return 0
        p_, q_ = np.concatenate(pairs_p), np.concatenate(pairs_q)
        if len(p_) == 0:
            return 0
        slots, _ = m.ties.add(p_, q_, PEER_SUPPORT, 0.3, m.week)
        m.ties.helper[slots] = p_
        r.waiting_since[q_] = -1
        r.sessions[q_] = 0
        first = r.first_support_week[q_] < 0
        r.first_support_week[q_[first]] = m.week
        m.events["pairings"] += len(p_)
        return len(p_)

    def accompaniments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The living peer-support ties as (slot, partner, patient); refreshes caseloads."""
        m, r, ties = self.model, self.model.residents, self.model.ties
        s = ties.live((PEER_SUPPORT,))
        # The partner is the end that holds (or held) the partner role: the tie's ``helper``.
        partner = ties.helper[s].astype(np.int64)
        patient = np.where(ties.a[s] == partner, ties.b[s], ties.a[s])
        m.caseload[:] = np.bincount(partner, minlength=r.n)
        m.in_peer_support[:] = False
        m.in_peer_support[patient] = True
        return s, partner, patient

    def step(self) -> None:
        m, r, p, rng, ties = self.model, self.model.residents, self.p, self.rng, self.model.ties
        # Episodes that ended become ordinary mutual-aid ties (a partner who leaves ends theirs at once),
        # before this week's pairing, so that the places they free take waiting patients this week.
        s, partner, patient = self.accompaniments()
        ended = (m.week - ties.formed[s]) >= p.episode_weeks
        if ended.any():
            self.end_episodes(s[ended], partner[ended], patient[ended])
        if self.match() or ended.any():   # the accompaniments changed: read them again
            s, partner, patient = self.accompaniments()

        m.support_received_week[patient] += 1.0       # accompanied this week, met or not
        meet = rng.random(len(s)) < p.meeting_probability
        s, partner, patient = s[meet], partner[meet], patient[meet]
        m.events["peer_meetings"] += len(s)
        ties.contact(s, p.meeting_tie_gain, m.week)
        # Competency: diminishing returns in the number of sessions and in the room left to 100.
        gain = p.competency_gain * (1.0 - r.competency[patient] / 100.0)
        gain = gain / (1.0 + r.sessions[patient] / p.diminishing_sessions)
        np.add.at(r.competency, patient, gain.astype(np.float32))
        r.sessions[patient] += 1

        # Referral to a citizen partner (social integration), handled by the activities submodel.
        refer = rng.random(len(patient)) < p.referral_probability * m.coordination_level
        m.referrals.extend(patient[refer].tolist())

        # Partners' distress: hard cases push it up; supervision, mentoring and clinicians relieve it.
        hard = r.mental_health[patient] | r.end_of_life[patient] | m.in_crisis[patient]
        load = np.where(hard, p.hard_case_distress, p.ordinary_distress)
        np.add.at(r.distress, partner, load.astype(np.float32))
        partners = np.flatnonzero(coaching_role(r.role))
        if len(partners):
            wanted = len(partners) * m.funding.p.supervision_cost_per_week
            supervision = m.budget.level("supervision", wanted)
            _, mentored = m.mentoring()
            nb = r.neighbourhood[partners]
            mentoring = (m.coaches()[nb] | mentored[nb]).astype(np.float32)
            buy_in = np.array([c.buy_in for c in m.clinicians]) if m.clinicians else np.zeros(1)
            relief = (p.natural_relief + p.supervision_relief * supervision + p.mentoring_relief * mentoring
                      + p.clinician_access_relief * float(buy_in.mean())).astype(np.float32)
            r.distress[partners] = np.clip(r.distress[partners] - relief, 0.0, 1.0)
            m.supervision_level = supervision
            fade = weekly_from_yearly(p.skill_fade_per_year)
            r.training[partners] *= np.float32(1.0 - fade * (1.0 - supervision))

        # Incidents and legal-duty escalations.
        risk = p.incident_rate * (1.0 - 0.7 * r.training[partner]) * (1.0 - 0.7 * m.supervision_level)
        m.events["incidents"] += int((rng.random(len(s)) < risk).sum())
        duty = r.mental_health[patient] & (rng.random(len(s)) < p.legal_duty_rate)
        m.clinical.escalated[patient[duty]] = True
        np.add.at(r.distress, partner[duty], np.float32(p.hard_case_distress))
        np.clip(r.distress, 0.0, 1.0, out=r.distress)
        m.events["escalations"] += int(duty.sum())
        # Clinicians of patients who gained from peer support have a good experience.
        improved = patient[r.sessions[patient] == 4]
        for c in r.clinician[improved]:
            if c >= 0:
                m.clinicians[c].good_experiences += 1.0

    def partners_leave(self, leaving: np.ndarray) -> None:
        """Partners ``leaving`` their role end their accompaniments at once, so that caseloads and who is in
        peer support stay true for the rest of the week (the outcome row) and the next clinic."""
        s, partner, patient = self.accompaniments()
        theirs = np.isin(partner, leaving)
        if theirs.any():
            self.end_episodes(s[theirs], partner[theirs], patient[theirs])

    def end_episodes(self, slots, partner, patient) -> None:
        """Close accompaniments: the peer tie becomes a mutual-aid tie of half its strength."""
        m, ties = self.model, self.model.ties
        strength = ties.strength[slots] * 0.5
        ties.remove(slots)
        ties.add(partner, patient, MUTUAL_AID, strength, m.week)
        np.subtract.at(m.caseload, partner, 1)
        m.in_peer_support[patient] = False
        m.events["episodes_completed"] += len(slots)
