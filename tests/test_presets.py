"""The presets are the systems of MODEL.md §5, and each switches on what its source describes.

Sources: shared/seeds/002 (Centre-Sud deck), shared/seeds/000 (Paris deck), MODEL.md §5. Each preset
names the slide behind each value in a YAML comment; these tests hold the features the code reads.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import CaringCommunity, load_scenario, scale_scenario
from sim.population import CHILD
from sim.scenario import preset_names
from sim.submodels.activities import targets_mask

TRACKS = {"centre-sud-proximity": "all", "centre-sud-palliative": "end_of_life",
          "centre-sud-homelessness": "unhoused", "centre-sud-seniors": "seniors"}


def test_every_system_of_the_brief_has_a_preset():
    assert {"centre-sud", "hospital-baseline", "paris-mental-health", "rhizomes", *TRACKS} <= set(preset_names())


def test_the_centre_sud_figures_of_the_deck():
    sc = load_scenario("centre-sud")
    pop, gov = sc.population, sc.governance
    assert pop.n_patients == 12000
    assert sum(p.count for p in sc.clinical.professions.values()) == 100
    assert (pop.share_65plus_living_alone, pop.share_single_parent_families) == (0.57, 0.5)
    assert [s.sector for s in sc.funding.sources if s.end_week is not None] == ["city"]   # the start-up grant
    assert gov.stewardship_group and gov.partner_official_status
    assert {s for s, n in gov.seats.items() if n} == {"health_institution", "city", "community", "research"}


def test_the_baseline_is_centre_sud_without_the_programme():
    base, pilot = load_scenario("hospital-baseline"), load_scenario("centre-sud")
    assert not base.governance.stewardship_group and not base.funding.sources
    ret = base.retention
    assert ret.initial_patient_partners == ret.initial_carer_partners == ret.initial_citizen_partners == 0
    assert not base.governance.partner_official_status and not base.governance.stewardship_group
    assert base.population == pilot.population and base.organizations == pilot.organizations
    assert base.clinical == pilot.clinical
    # The workshop view's baseline of any other preset is that preset with the same overrides.
    from sim.viz.session import BASELINE_OVERRIDES  # noqa: PLC0415
    same = load_scenario("centre-sud", BASELINE_OVERRIDES).model_dump(exclude={"name", "title", "description",
                                                                               "sources", "extends"})
    assert same == base.model_dump(exclude={"name", "title", "description", "sources", "extends"})


@pytest.mark.parametrize("name", sorted(TRACKS))
def test_each_track_introduces_only_its_public(name):
    sc = load_scenario(name)
    assert sc.clinical.focus == TRACKS[name]
    if TRACKS[name] != "all":    # an organization serves the track's public
        assert any(o.target == TRACKS[name] for o in sc.organizations)
    m = CaringCommunity(scale_scenario(sc, 2400), rng=2)
    r, introduced = m.residents, 0
    for _ in range(52):
        m.step()
        introduced += m.events["introductions"]
        reached = np.flatnonzero(m.in_peer_support | (r.waiting_since >= 0))
        assert targets_mask(m, TRACKS[name], reached).all()
    assert introduced > 0


def test_track_specific_populations_and_partners():
    pall, home = load_scenario("centre-sud-palliative"), load_scenario("centre-sud-homelessness")
    default = load_scenario("centre-sud")
    assert pall.population.end_of_life > default.population.end_of_life
    assert pall.retention.initial_carer_partners > 0          # carer partners accompany families
    assert pall.retention.initial_patient_partners == 1       # deck: Ghislaine in the palliative team
    unhoused = home.population.equity_groups["unhoused"]
    assert unhoused.access < 1 and unhoused.tie_factor < 1


def test_paris_carries_the_obstacles_of_its_deck():
    paris, pilot = load_scenario("paris-mental-health"), load_scenario("centre-sud")
    gov = paris.governance
    assert paris.clinical.focus == "mental_health"
    assert paris.clinical.buy_in_mean < pilot.clinical.buy_in_mean           # motivated professionals not the norm
    assert paris.clinical.barrier > pilot.clinical.barrier                   # doubts about experiential knowledge
    assert gov.decision_rule == "institution_led" and gov.seats["patients"] > 0   # patients in decision bodies; tokenism
    assert not gov.partner_official_status
    assert gov.seats["city"] == 0 and any(not o.partnered for o in paris.organizations)   # weak links with the city
    for group in ("cultural_community", "lgbti"):                           # lack of diversity
        assert paris.population.equity_groups[group].access < pilot.population.equity_groups[group].access
    assert paris.funding.compensation.patient_partner == "paid"             # peer health mediators in services


def test_paris_patients_are_the_psychiatric_public_and_their_neighbours_are_not():
    """The condition was drawn at 45% for every adult, patient or not: a compromise that gave the hospital
    group's patients half the share they have and their neighbours twice theirs."""
    paris = load_scenario("paris-mental-health").population
    assert paris.mental_health_patients == 0.9 and paris.mental_health == 0.2
    r = CaringCommunity(scale_scenario("paris-mental-health", 4000), rng=3, agent_views=False).residents
    adult = r.age_group != CHILD
    assert abs(r.mental_health[adult & r.is_patient].mean() - 0.9) < 0.03
    assert abs(r.mental_health[adult & ~r.is_patient].mean() - 0.2) < 0.03
    assert not r.mental_health[~adult].any()


def test_without_a_patient_share_patients_have_the_condition_as_often_as_their_neighbours():
    r = CaringCommunity(scale_scenario("centre-sud", 8000), rng=3, agent_views=False).residents
    adult = r.age_group != CHILD
    assert load_scenario("centre-sud").population.mental_health_patients is None
    assert abs(r.mental_health[adult & r.is_patient].mean() - r.mental_health[adult & ~r.is_patient].mean()) < 0.03


def test_rhizomes_copy_the_pilot_into_each_neighbourhood():
    rh, pilot = load_scenario("rhizomes"), load_scenario("centre-sud")
    names = [nb.name for nb in rh.population.neighbourhoods]
    assert names[0] == "centre-sud" and rh.population.n_patients == len(names) * pilot.population.n_patients
    later = rh.population.neighbourhoods[1]
    assert later.mentored_by == "centre-sud" and later.programme_start_week > 0
    assert any(s.start_week == later.programme_start_week for s in rh.funding.sources)

    def fields(o):
        return (o.kind, o.target, o.capacity, o.weekly_cost, o.own_income_per_year, o.partnered)
    for nb in names:
        mine = [fields(o) for o in rh.organizations if o.neighbourhood == nb]
        assert sorted(mine) == sorted(fields(o) for o in pilot.organizations), nb
    for prof, spec in pilot.clinical.professions.items():
        assert rh.clinical.professions[prof].count == len(names) * spec.count
