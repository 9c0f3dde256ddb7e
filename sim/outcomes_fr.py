"""The codebook of :mod:`sim.outcomes` in French: each column's unit, range and meaning, for a French
room's workbook (the workshop page's *Résultats jusqu'ici (Excel)*) and ``codebook(..., lang="fr")``.

Entries are keyed by the names of :mod:`sim.outcomes`' tables (``OUTCOME_COLUMNS`` is ``outcomes``) and
their columns, placeholders included (``isolated_share_{G}``), and say exactly what the English says.
Units and ranges are translated once each (:data:`UNITS`, :data:`RANGES`); a range that lists the codes a
column holds (``child, adult, 65+``) keeps the codes, which are the data. ``tests/test_outcomes_fr.py``
checks that every English entry has its French, with the same placeholders.
"""

from __future__ import annotations

from .network import TIE_KINDS
from .outcomes import BURNOUT_DISTRESS
from .population import AGE_GROUPS, ROLES
from .typography import french_spacing

UNITS = {
    "PAM points": "points PAM", "admissions a week": "hospitalisations par semaine",
    "admissions, cumulative": "hospitalisations, cumul", "bool": "booléen", "category": "catégorie",
    "clinicians": "cliniciens", "encounters a week": "rencontres par semaine",
    "escalations a week": "signalements par semaine", "funding.currency": "funding.currency",
    "funding.currency a week": "funding.currency par semaine", "hours": "heures", "hours a week": "heures par semaine",
    "hours, cumulative": "heures, cumul", "id": "identifiant", "incidents a week": "incidents par semaine",
    "index": "indice", "index difference": "différence d'indice", "introductions a week": "mises en relation par semaine",
    "level": "niveau", "meetings": "rencontres", "name": "nom", "node id": "identifiant de nœud",
    "organizations": "organismes", "organizations a week": "organismes par semaine",
    "pairings a week": "jumelages par semaine", "partners a week": "partenaires par semaine", "patients": "patients",
    "patients per partner": "patients par partenaire", "places": "places", "referrals a week": "orientations par semaine",
    "residents": "résidents", "seats": "sièges", "seed": "graine", "share": "proportion",
    "share difference": "différence de proportions", "ties": "liens", "ties a week": "liens par semaine",
    "ties per resident": "liens par résident", "visits a week": "visites par semaine", "visits, cumulative": "visites, cumul",
    "week": "semaine", "weeks": "semaines", "years": "années",
}

RANGES = {
    "": "", "0 or more": "0 ou plus", "0 or more, 0 with no coaching partner": "0 ou plus, 0 sans partenaire qui accompagne",
    "0 or more, NA for citizens": "0 ou plus, NA pour les citoyens", "0 to n_points - 1": "0 à n_points - 1",
    "0 to replications - 1": "0 à replications - 1", "0 to residents - 1": "0 à résidents - 1",
    "0 to the horizon": "0 à l'horizon", "0-1": "0-1", "0-1, 0 with no coaching partner": "0-1, 0 sans partenaire qui accompagne",
    "0-1, 0 with no equity group": "0-1, 0 sans groupe d'équité",
    "0-1, 1 with no stewardship group": "0-1, 1 sans comité de pilotage",
    "0-1, NaN when the group is empty": "0-1, NaN quand le groupe est vide", "0-100": "0-100", "0-3": "0-3",
    "1 or more": "1 ou plus",
    "NA for the initial residents; negative: in the burn-in":
        "NA pour les résidents du début ; négative : pendant la mise en route",
    "NA if never paired": "NA si jamais jumelé", "NA when not waiting": "NA hors liste d'attente",
    "NA without a role": "NA sans rôle", "any sign": "tout signe", "negative: in the burn-in": "négative : pendant la mise en route",
    # lists of the codes a column holds: the codes are the data, and stay as they are
    **{codes: codes for codes in (", ".join(AGE_GROUPS), ", ".join(ROLES), ", ".join(TIE_KINDS), "community, baseline")},
}

#: Who each group of the breakdowns is, as the ``{G}`` of a French meaning (« parmi {G} »).
GROUPS = {"all": "tous les résidents", "65plus": "les résidents de 65 ans et plus",
          "65_alone": "les résidents de 65 ans et plus vivant seuls",
          "65_with_others": "les résidents de 65 ans et plus vivant avec d'autres", "single_parents": "les parents seuls",
          "65_women": "les femmes de 65 ans et plus", "65_men": "les hommes de 65 ans et plus", "patients": "les patients"}
EQUITY_GROUP = "les résidents du groupe d'équité « {} »"
NEIGHBOURHOOD = "les résidents du quartier « {} »"
OTHER_GROUP = "les membres du groupe « {} »"
#: A summary's ``<outcome>_start``: that outcome at week 0.
AT_WEEK_0 = "{outcome} à la semaine 0 (l'état initial) : {meaning}"
#: How a weekly flow's unit and meaning read once the summary sums it over the final year.
WEEK_TO_YEAR = (" par semaine", " par an")
THIS_WEEK_TO_FINAL_YEAR = (" cette semaine", " sur la dernière année")

MEANINGS: dict[str, dict[str, str]] = {
    "outcomes": {
        "week": "la semaine que mesure cette ligne (0 : l'état initial, avant tout pas de temps)",
        "year": "semaine / 52",
        "isolated_share_{G}": "proportion, parmi {G}, des personnes isolées (moins de liens sociaux actifs que "
                              "states.isolation_threshold)",
        "lonely_share_{G}": "proportion, parmi {G}, des personnes qui se sentent seules (solitude au-dessus de states.lonely_threshold)",
        "loneliness_mean_{G}": "solitude moyenne chez {G}",
        "isolated_count": "résidents isolés",
        "isolation_gap_groups": "écart entre le groupe d'équité le plus isolé et le moins isolé (isolated_share_group_* ; "
                                "groupes vides exclus)",
        "loneliness_gap_groups": "écart entre la plus haute et la plus basse solitude moyenne des groupes d'équité "
                                 "(loneliness_mean_group_* ; groupes vides exclus)",
        "competency_mean": "compétence de soin moyenne (activation) des patients",
        "shared_decisions_mean": "part moyenne des décisions de soin que les patients prennent avec leurs cliniciens",
        "engagement_level_{level}_share": "proportion des patients au niveau d'engagement {level} (0 aucun, 1 partenaire "
                                          "de ses soins, 2 partenaire formé, 3 co-leader)",
        "empowerment_index": "moyenne sur les patients de 0,4 * compétence/100 + 0,3 * décisions partagées + "
                             "0,3 * niveau d'engagement/3",
        "recovery_mean": "rétablissement / citoyenneté moyen des patients",
        "ties_per_person": "nombre moyen de liens sociaux actifs par résident",
        "ties_total": "liens vivants de toutes sortes dans le réseau",
        "patient_partners": "patients partenaires inscrits",
        "carer_partners": "proches aidants partenaires inscrits",
        "citizen_partners": "citoyens partenaires inscrits",
        "partners_total": "partenaires inscrits, tous rôles confondus",
        "caseload_mean": "nombre moyen de patients accompagnés par partenaire qui accompagne (patient ou proche aidant)",
        "waiting_list": "patients en attente d'un partenaire",
        "in_peer_support": "patients accompagnés par un partenaire en ce moment",
        "partner_distress_mean": "détresse moyenne des partenaires qui accompagnent",
        "partner_burnout_share": ("proportion des partenaires qui accompagnent dont la détresse est >= "
                                  f"{str(BURNOUT_DISTRESS).replace('.', ',')} (épuisement émotionnel élevé)"),
        "governance_seats_filled": "sièges de patients occupés au comité de pilotage",
        "partners_left": "partenaires, tous rôles confondus, partis cette semaine",
        "volunteers_left": "partenaires dans un rôle bénévole partis cette semaine",
        "volunteers": "partenaires dans un rôle bénévole en ce moment",
        "ed_visits": "visites des patients à l'urgence cette semaine",
        "admissions": "hospitalisations des patients cette semaine",
        "incidents": "incidents de soutien par les pairs cette semaine",
        "escalations": "signalements à un clinicien par obligation légale cette semaine",
        "introductions": "mises en relation faites cette semaine (flux du programme)",
        "pairings": "patients jumelés à un partenaire cette semaine",
        "partners_trained": "partenaires formés cette semaine",
        "help_hours": "entraide donnée cette semaine",
        "timebank_hours": "heures échangées par la banque de temps cette semaine",
        "organization_closures": "organismes communautaires fermés cette semaine",
        "brokered_ties": "liens créés par mise en relation cette semaine",
        "activity_ties": "liens créés en participant aux mêmes activités cette semaine",
        "ties_formed": "liens créés cette semaine pour remplacer des amis perdus",
        "ties_dissolved": "liens tombés sous ties.dissolve_below cette semaine (les liens retirés parce que quelqu'un "
                          "a déménagé, qu'un organisme a fermé ou qu'un accompagnement a pris fin ne sont pas comptés)",
        "encounters": "rencontres cliniques cette semaine",
        "partnership_encounters": "rencontres cliniques en partenariat cette semaine",
        "referrals_unserved": "orientations vers des activités communautaires non servies cette semaine",
        "spending_{line}": "argent dépensé cette semaine pour {line}",
        "spending_total": "argent dépensé cette semaine, tous postes budgétaires",
        "spending_cumulative": "argent dépensé depuis la semaine 0, tous postes budgétaires",
        "income": "financement reçu cette semaine",
        "pool": "argent restant dans le fonds commun",
        "organizations_open": "organismes communautaires ouverts",
        "organization_capacity": "capacité totale des organismes ouverts",
        "clinician_buy_in_mean": "adhésion moyenne des cliniciens au partenariat",
        "partnership_clinicians": "cliniciens dont l'adhésion est >= 0,5",
        "tokenism": "tokénisme (participation de façade) du comité de pilotage",
        "timebank_balance_total": "somme des soldes de banque de temps des résidents (le compte de la communauté, "
                                  "MutualAid.community_account, tient l'opposé : les heures dues aux partenaires payés en "
                                  "heures et les soldes de ceux qui ont déménagé)",
    },
    "summary": {
        "scenario": "le nom du scénario",
        "seed": "la graine aléatoire de la simulation",
        "weeks": "la dernière semaine de la simulation (son horizon)",
        "residents": "résidents de la communauté (la taille de la population)",
    },
    "snapshot": {
        "week": "la semaine de l'instantané : l'état que mesure la ligne N des résultats",
        "resident": "le résident (son nœud dans la liste des liens)",
        "patient": "inscrit à la clinique (un patient, pas un citoyen ; is_patient au §2.1)",
        "neighbourhood": "le quartier où vit le ménage",
        "household": "identifiant du ménage ; ses membres sont reliés par des liens de ménage",
        "age_group": "groupe d'âge (moins de 18 ans, 18-64 ans, 65 ans et plus)",
        "woman": "une femme",
        "lives_alone": "vit seul",
        "single_parent": "parent seul",
        "equity_group": "le groupe d'équité du résident (commun à son ménage)",
        "chronic": "a une maladie chronique",
        "mental_health": "a un problème de santé mentale",
        "end_of_life": "dans sa dernière année de vie",
        "role": "rôle de partenaire",
        "clinician": "le clinicien principal du patient (son nœud est résidents + clinicien)",
        "partner_since": "semaine où le rôle a été pris",
        "waiting_since": "semaine où le patient s'est inscrit sur la liste d'attente d'un partenaire",
        "ties_{kind}": "liens vivants de sorte {kind}, de toute force (degré par sorte dans la liste des liens)",
        "active_ties": "liens sociaux de force >= states.active_tie_strength",
        "isolated": "moins de liens actifs que states.isolation_threshold",
        "loneliness": "solitude ressentie",
        "competency": "compétence de soin / activation du patient (pour tous)",
        "shared_decisions": "part des décisions de soin prises avec les cliniciens",
        "engagement_level": "engagement : 0 aucun, 1 partenaire de ses soins, 2 partenaire formé, 3 co-leader "
                            "(les citoyens partenaires restent à 0 : l'échelle est celle des patients)",
        "recovery": "rétablissement / citoyenneté",
        "in_peer_support": "accompagné par un patient ou un proche aidant partenaire en ce moment",
        "peer_support_sessions": "rencontres de l'accompagnement en cours (ou du dernier, une fois terminé)",
        "citizen_accompanied": "accompagné par un citoyen partenaire en ce moment",
        "support_received_hours": "entraide reçue depuis la semaine 0 ou l'arrivée",
        "timebank_balance": "solde de banque de temps (leur somme est timebank_balance_total)",
        "ed_visits": "visites à l'urgence depuis la semaine 0 ou l'arrivée (de tout résident ; la ligne des "
                     "résultats compte celles des patients)",
        "admissions": "hospitalisations depuis la semaine 0 ou l'arrivée (de tout résident ; la ligne des "
                      "résultats compte celles des patients)",
        "partner_distress": "détresse / épuisement du partenaire (0 sans rôle)",
        "caseload": "patients que le partenaire accompagne en ce moment (0 sans rôle)",
        "first_support_week": "semaine du premier jumelage avec un partenaire",
        "arrived_week": "semaine d'arrivée du résident",
    },
    "edges": {
        "week": "la semaine de la liste des liens",
        "source": "une extrémité : les résidents de 0 à n - 1, puis les cliniciens, puis les organismes",
        "target": "l'autre extrémité (même numérotation)",
        "kind": "la sorte du lien",
        "strength": "la force du lien",
        "formed_week": "semaine où le lien s'est formé",
        "last_contact_week": "semaine du dernier contact",
    },
    "sweep_ids": {
        "run_id": "la simulation : p<point>-r<réplication>-<empreinte des valeurs et de la graine>",
        "point": "le point du plan d'expérience (clé de jointure avec design.parquet)",
        "replication": "la réplication (clé de jointure avec seeds.parquet) ; la réplication i a la même graine "
                       "à chaque point",
        "seed": "la graine aléatoire de la simulation",
    },
    "workshop": {
        "scenario": "le scénario que la salle a simulé, ses leviers appliqués (le nom du fichier de scénario que la "
                    "page propose)",
        "seed": "la graine aléatoire des deux simulations de la page, la communauté et sa référence",
        "series": "la simulation dont vient la ligne : la communauté soignante ou sa référence centrée sur l'hôpital "
                  "(la même population sans partenaires, sans mise en relation, sans comité de pilotage)",
    },
}
# French typography throughout (written above with plain spaces and apostrophes, to be read and edited)
MEANINGS = {table: {name: french_spacing(text) for name, text in entries.items()} for table, entries in MEANINGS.items()}
UNITS, RANGES, GROUPS = ({english: french_spacing(french) for english, french in words.items()}
                         for words in (UNITS, RANGES, GROUPS))
EQUITY_GROUP, NEIGHBOURHOOD, OTHER_GROUP, AT_WEEK_0 = map(french_spacing, (EQUITY_GROUP, NEIGHBOURHOOD, OTHER_GROUP,
                                                                           AT_WEEK_0))
