"""Every word of the workshop page, in French and English.

The page never writes a visible string itself: it asks :func:`t` for one by key, so switching
language (on the page or with ``--lang``) changes every label, legend, slider name and help text.
Numbers follow the language too (:func:`number`: ``0,25`` and ``12 345`` in French, ``0.25`` and
``12,345`` in English), and so does the colon of a label (:func:`labelled`): French puts a no-break
space before ``:`` ``;`` ``!`` ``?`` and inside « », which the French strings get automatically.
``tests/test_viz_units.py`` checks that both languages define exactly the same keys.
"""

from __future__ import annotations

import re

from ..typography import NBSP, french_spacing

NNBSP = "\u202f"   # narrow no-break space: the French thousands separator

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        # page and controls
        "title": "Communauté soignante — simulation en direct",
        "language": "Langue",
        "language.fr": "Français",
        "language.en": "English",
        "menu": "Afficher ou masquer les commandes et les leviers",
        "controls": "Commandes",
        "reset": "Réinitialiser",
        "play": "Lecture",
        "pause": "Pause",
        "step": "Avancer d'une semaine",
        "week": "Semaine {week}",
        "year": "année {year:.1f}",
        "speed": "Vitesse (semaines par seconde)",
        "speed_help": "Vitesse maximale de la lecture ; l'affichage peut aller moins vite.",
        "levers": "Leviers (appliqués à la réinitialisation)",
        "levers_help": "Changez un levier, puis cliquez sur « Réinitialiser » pour relancer la communauté avec ce choix.",
        "pending": "Des leviers ont changé : cliquez sur « Réinitialiser » pour les appliquer.",
        "group_funding": "Financement",
        "group_governance": "Gouvernance",
        "group_partners": "Partenaires",
        "group_clinic": "Clinique",
        "group_run": "Simulation",
        "information": "Information",
        "scenario": "Scénario : {name}",
        "scaled": "Préréglage « {name} » ramené à {n:,} résidents (facteur {factor:.3g}) pour l'atelier.",
        "scaled_file": "Scénario « {name} » ramené à {n:,} résidents (facteur {factor:.3g}) pour l'atelier.",
        "population": "{residents:,} résidents, {clinicians:,} cliniciens, {orgs:,} organismes communautaires.",
        "applied": "En cours (semaine {week})",
        "seed_now": "Graine aléatoire : {seed}",
        "keep": "Garder cette simulation",
        "keep_help": "Les résultats semaine par semaine de la communauté et du scénario de référence jusqu'ici "
                     "(CSV pour pandas ou R, ou classeur Excel avec le sens de chaque colonne), et le "
                     "scénario avec ses leviers (YAML) : « caring-community run FICHIER --seed {seed} » refait "
                     "la même simulation.",
        "download_outcomes": "Résultats jusqu'ici (CSV)",
        "download_workbook": "Résultats jusqu'ici (Excel)",
        "download_scenario": "Scénario avec ses leviers (YAML)",
        # the Excel download: its sheets, the codebook's columns (as in a run's codebook.csv in English), the
        # levers sheet's columns
        "keep.sheet.outcomes": "résultats",
        "keep.sheet.codebook": "dictionnaire",
        "keep.sheet.levers": "leviers",
        "keep.codebook.column": "colonne",
        "keep.codebook.dtype": "type",
        "keep.codebook.unit": "unité",
        "keep.codebook.range": "plage",
        "keep.codebook.meaning": "signification",
        "keep.lever": "Levier",
        "keep.value": "Valeur dans cette simulation",
        "keep.own_value": "Valeur du scénario",
        # levers
        "lever.funding_level": "Niveau de financement (× montants prévus)",
        "lever.funding_level.help": "Multiplie le montant annuel de toutes les sources de financement.",
        "lever.grant_end_week": "Fin du premier financement (semaine)",
        "lever.grant_end_week.help": "Semaine où « {source} » cesse de payer ({horizon} = la fin du scénario : "
                                     "il ne cesse pas).",
        "lever.inert": "Sans objet dans ce scénario.",
        "end_of_run": "Fin du scénario ({duration}) : cliquez sur « Réinitialiser » pour recommencer.",
        "years.one": "{years:g} an",
        "years.many": "{years:g} ans",
        "lever.comp_patient": "Rétribution des patients partenaires",
        "lever.comp_patient.help": "Rémunérés, bénévoles, banque de temps ou reconnaissance.",
        "lever.comp_citizen": "Rétribution des citoyens partenaires",
        "lever.comp_citizen.help": "Rémunérés, bénévoles, banque de temps ou reconnaissance.",
        "lever.seats_health_institution": "Sièges de l'établissement de santé",
        "lever.seats_city": "Sièges de la ville",
        "lever.seats_community": "Sièges du milieu communautaire",
        "lever.seats_research": "Sièges de la recherche et de la coordination",
        "lever.seats_patients": "Sièges des patients",
        "lever.seats_citizens": "Sièges des citoyens",
        "lever.seats.help": "Nombre de sièges de ce secteur au comité de pilotage.",
        "lever.seats_patients.help": "Sièges des patients au comité de pilotage : seuls des patients partenaires "
                                     "devenus co-leaders (niveau 3) les occupent, ils se remplissent donc lentement.",
        "lever.decision_rule": "Règle de décision du comité",
        "lever.decision_rule.help": "Qui décide du budget chaque trimestre.",
        "lever.official_status": "Statut officiel des patients partenaires",
        "lever.official_status.help": "Reconnus officiellement par l'établissement : moins d'obstacles pour les cliniciens.",
        "lever.patient_partners": "Patients partenaires au départ",
        "lever.patient_partners.help": "Patients formés pour accompagner d'autres patients.",
        "lever.citizen_partners": "Citoyens partenaires au départ",
        "lever.citizen_partners.help": "Bénévoles formés qui créent des liens d'entraide.",
        "lever.buy_in": "Adhésion des cliniciens au partenariat (0–1)",
        "lever.buy_in.help": "Part moyenne des rencontres cliniques menées en partenariat au départ.",
        "lever.seed": "Graine aléatoire",
        "lever.seed.help": "La même graine donne la même communauté et le même scénario de référence.",
        "choice.paid": "rémunérés",
        "choice.volunteer": "bénévoles",
        "choice.timebank": "banque de temps",
        "choice.recognition": "reconnaissance",
        "choice.institution_led": "décision de l'établissement",
        "choice.majority": "majorité",
        "choice.consensus": "consensus",
        "yes": "oui",
        "no": "non",
        # network
        "network": "Le réseau d'entraide",
        "network_help": "Chaque petite marque (point, carré, losange ou triangle) est un résident ; sa forme et sa couleur disent qui il est. Les liens apparaissent quand ils se forment et pâlissent quand ils s'affaiblissent.",
        "legend": "Légende",
        "network_summary": " : {residents:,} résidents, dont {isolated:,} isolés ; {partners:,} partenaires ; "
                           "{new:,} nouveaux liens cette semaine.",
        "leg.patient": "Patient",
        "leg.citizen": "Citoyen",
        "leg.isolated": "Isolé (moins de liens actifs que le seuil)",
        "leg.patient_partner": "Patient partenaire",
        "leg.carer_partner": "Proche aidant partenaire",
        "leg.citizen_partner": "Citoyen partenaire",
        "leg.clinician": "Clinicien",
        "leg.organization": "Organisme communautaire",
        "leg.tie": "Lien actif (famille, ménage, voisinage, amitié, entraide) ; plus foncé = plus fort ; long = pâle",
        "leg.peer": "Accompagnement par un patient partenaire",
        "leg.member": "Membre d'un organisme",
        "leg.team": "Partenaire intégré à l'équipe de soins d'un clinicien",
        "leg.new_tie": "Nouveau lien",
        "leg.fading": "Lien qui vient de se défaire",
        "leg.not_drawn": "Les liens faibles (sous le seuil d'un lien actif) et les liens de soins des patients avec leur clinicien ne sont pas dessinés.",
        # charts
        "charts": "Indicateurs",
        "series.community": "communauté soignante",
        "series.baseline": "référence : modèle centré sur l'hôpital (même graine)",
        "chart.isolation": "Isolement (% des résidents)",
        "chart.loneliness": "Solitude moyenne (0–1)",
        "chart.engagement": "Engagement (% des patients)",
        "chart.partners": "Partenaires (nombre)",
        "chart.burnout": "Épuisement des partenaires (%)",
        "chart.spending": "Dépenses cumulées (milliers de {unit})",
        "s.all": "tous",
        "s.65_alone": "65+ vivant seuls",
        "s.loneliness": "solitude",
        "s.level0": "niveau 0",
        "s.level1": "1 (ses soins)",
        "s.level2": "2 (pair aidant)",
        "s.level3": "3 (co-leader)",
        "s.patient_partners": "patients partenaires",
        "s.citizen_partners": "citoyens partenaires",
        "s.burnout": "épuisés",
        "s.spending": "dépenses",
        "weeks_axis": "semaines",
        "prof.physician": "médecin",
        "prof.nurse": "infirmière ou infirmier",
        "prof.nurse_practitioner": "infirmière praticienne spécialisée ou infirmier praticien spécialisé",
        "prof.social_worker": "travailleuse sociale ou travailleur social",
        "prof.psychologist": "psychologue",
        "prof.pharmacist": "pharmacienne ou pharmacien",
        "prof.community_organizer": "organisatrice ou organisateur communautaire",
    },
    "en": {
        "title": "Caring community — live simulation",
        "language": "Language",
        "language.fr": "Français",
        "language.en": "English",
        "menu": "Show or hide the controls and levers",
        "controls": "Controls",
        "reset": "Reset",
        "play": "Play",
        "pause": "Pause",
        "step": "Step one week",
        "week": "Week {week}",
        "year": "year {year:.1f}",
        "speed": "Speed (weeks per second)",
        "speed_help": "The fastest Play will go; drawing may make it slower.",
        "levers": "Levers (applied on reset)",
        "levers_help": "Change a lever, then click “Reset” to restart the community with that choice.",
        "pending": "Levers have changed: click “Reset” to apply them.",
        "group_funding": "Funding",
        "group_governance": "Governance",
        "group_partners": "Partners",
        "group_clinic": "Clinic",
        "group_run": "Run",
        "information": "Information",
        "scenario": "Scenario: {name}",
        "scaled": "Preset “{name}” scaled to {n:,} residents (factor {factor:.3g}) for the workshop.",
        "scaled_file": "Scenario “{name}” scaled to {n:,} residents (factor {factor:.3g}) for the workshop.",
        "population": "{residents:,} residents, {clinicians:,} clinicians, {orgs:,} community organizations.",
        "applied": "Running now (week {week})",
        "seed_now": "Random seed: {seed}",
        "keep": "Keep this run",
        "keep_help": "The week-by-week outcomes of the community and of the baseline so far (CSV for pandas "
                     "or R, or an Excel workbook with the meaning of each column), and the scenario with its "
                     "levers (YAML): “caring-community run FILE --seed {seed}” runs the same simulation again.",
        "download_outcomes": "Outcomes so far (CSV)",
        "download_workbook": "Outcomes so far (Excel)",
        "download_scenario": "Scenario with its levers (YAML)",
        # the Excel download: its sheets, the codebook's columns (as in a run's codebook.csv in English), the
        # levers sheet's columns
        "keep.sheet.outcomes": "outcomes",
        "keep.sheet.codebook": "codebook",
        "keep.sheet.levers": "levers",
        "keep.codebook.column": "column",
        "keep.codebook.dtype": "dtype",
        "keep.codebook.unit": "unit",
        "keep.codebook.range": "range",
        "keep.codebook.meaning": "meaning",
        "keep.lever": "Lever",
        "keep.value": "Value in this run",
        "keep.own_value": "Scenario's own value",
        "lever.funding_level": "Funding level (× planned amounts)",
        "lever.funding_level.help": "Multiplies the yearly amount of every funding source.",
        "lever.grant_end_week": "First funding source ends (week)",
        "lever.grant_end_week.help": "The week “{source}” stops paying ({horizon} = the end of the scenario: "
                                     "it does not stop).",
        "lever.inert": "Not used in this scenario.",
        "end_of_run": "End of the scenario ({duration}): click “Reset” to start again.",
        "years.one": "{years:g} year",
        "years.many": "{years:g} years",
        "lever.comp_patient": "Compensation of patient partners",
        "lever.comp_patient.help": "Paid, volunteer, timebank or recognition.",
        "lever.comp_citizen": "Compensation of citizen partners",
        "lever.comp_citizen.help": "Paid, volunteer, timebank or recognition.",
        "lever.seats_health_institution": "Health institution seats",
        "lever.seats_city": "City seats",
        "lever.seats_community": "Community sector seats",
        "lever.seats_research": "Research and coordination seats",
        "lever.seats_patients": "Patients' seats",
        "lever.seats_citizens": "Citizens' seats",
        "lever.seats.help": "Seats this sector holds on the stewardship group.",
        "lever.seats_patients.help": "Patients' seats on the stewardship group: only patient partners who have "
                                     "become co-leaders (level 3) hold them, so they fill slowly.",
        "lever.decision_rule": "Stewardship group's decision rule",
        "lever.decision_rule.help": "Who decides the budget each quarter.",
        "lever.official_status": "Official status of patient partners",
        "lever.official_status.help": "Officially recognised by the institution: fewer barriers for clinicians.",
        "lever.patient_partners": "Patient partners at the start",
        "lever.patient_partners.help": "Patients trained to coach other patients.",
        "lever.citizen_partners": "Citizen partners at the start",
        "lever.citizen_partners.help": "Trained volunteers who build mutual-aid ties.",
        "lever.buy_in": "Clinicians' partnership buy-in (0–1)",
        "lever.buy_in.help": "Mean share of encounters held in partnership at the start.",
        "lever.seed": "Random seed",
        "lever.seed.help": "The same seed gives the same community and the same baseline.",
        "choice.paid": "paid",
        "choice.volunteer": "volunteer",
        "choice.timebank": "timebank",
        "choice.recognition": "recognition",
        "choice.institution_led": "institution-led",
        "choice.majority": "majority",
        "choice.consensus": "consensus",
        "yes": "yes",
        "no": "no",
        "network": "The mutual-aid network",
        "network_help": "Each small mark (dot, square, diamond or triangle) is a resident; its shape and colour say who they are. Ties appear as they form and fade as they weaken.",
        "legend": "Legend",
        "network_summary": ": {residents:,} residents, {isolated:,} of them isolated; {partners:,} partners; "
                           "{new:,} new ties this week.",
        "leg.patient": "Patient",
        "leg.citizen": "Citizen",
        "leg.isolated": "Isolated (fewer active ties than the threshold)",
        "leg.patient_partner": "Patient partner",
        "leg.carer_partner": "Carer partner",
        "leg.citizen_partner": "Citizen partner",
        "leg.clinician": "Clinician",
        "leg.organization": "Community organization",
        "leg.tie": "Active tie (kin, household, neighbour, friend, mutual aid); darker = stronger; long = faint",
        "leg.peer": "Peer support by a patient partner",
        "leg.member": "Member of an organization",
        "leg.team": "Partner in a clinician's care team",
        "leg.new_tie": "New tie",
        "leg.fading": "Tie that just dissolved",
        "leg.not_drawn": "Weak ties (below the strength of an active tie) and patients' care-team ties to their clinician are not drawn.",
        "charts": "Outcomes",
        "series.community": "caring community",
        "series.baseline": "baseline: hospital-centred (same seed)",
        "chart.isolation": "Isolation (% of residents)",
        "chart.loneliness": "Mean loneliness (0–1)",
        "chart.engagement": "Engagement (% of patients)",
        "chart.partners": "Partners (number)",
        "chart.burnout": "Partner burnout (%)",
        "chart.spending": "Cumulative spending (thousand {unit})",
        "s.all": "all",
        "s.65_alone": "65+ living alone",
        "s.loneliness": "loneliness",
        "s.level0": "level 0",
        "s.level1": "1 (own care)",
        "s.level2": "2 (peer helper)",
        "s.level3": "3 (co-leader)",
        "s.patient_partners": "patient partners",
        "s.citizen_partners": "citizen partners",
        "s.burnout": "burnt out",
        "s.spending": "spending",
        "weeks_axis": "weeks",
        "prof.physician": "physician",
        "prof.nurse": "nurse",
        "prof.nurse_practitioner": "nurse practitioner",
        "prof.social_worker": "social worker",
        "prof.psychologist": "psychologist",
        "prof.pharmacist": "pharmacist",
        "prof.community_organizer": "community organizer",
    },
}


#: French names of the organizations and funding sources that the presets (and the default
#: organizations) name in English; the page shows them on the French page. A name followed by a
#: place in brackets ("Food bank (Ouest)") is the name translated, then the place (translated when
#: known). A scenario file's own names are shown as written.
SCENARIO_NAMES_FR = {
    "Community centre": "Centre communautaire",
    "Day shelter": "Centre de jour pour personnes en situation d'itinérance",
    "Family organization": "Organisme famille",
    "Food bank": "Banque alimentaire",
    "Home-care support network (CIUSSS SAD)": "Réseau de soutien à domicile (SAD du CIUSSS)",
    "Housing committee": "Comité logement",
    "Le Phare Enfants et Familles (paediatric palliative care)":
        "Le Phare Enfants et Familles (soins palliatifs pédiatriques)",
    "Meals on wheels": "Popote roulante",
    "Mental-health peer group": "Groupe d'entraide en santé mentale",
    "Municipal community centre": "Centre communautaire municipal",
    "Mutual-aid group (GEM-like)": "Groupe d'entraide mutuelle (type GEM)",
    "Patients' association (UNAFAM-like)": "Association de patients (type UNAFAM)",
    "Seniors' centre": "Centre pour aînés",
    "east": "est",
    "west": "ouest",
    "Start-up grant (Ville de Montréal / MESI)": "Subvention de démarrage (Ville de Montréal / MESI)",
    "Health institution (CIUSSS) in-kind coordination": "Coordination offerte par l'établissement de santé (CIUSSS)",
    "Hospital group (GHU) patient-partnership budget": "Budget du partenariat patient du groupe hospitalier (GHU)",
    "Second neighbourhood grant (city)": "Subvention du second quartier (ville)",
}


def scenario_name(name: str, lang: str) -> str:
    """An organization's or funding source's name from the scenario, in ``lang`` where the page knows it."""
    if lang != "fr":
        return name
    if name in SCENARIO_NAMES_FR:
        return SCENARIO_NAMES_FR[name]
    placed = re.fullmatch(r"(.+) \((.+)\)", name)
    if placed and placed.group(1) in SCENARIO_NAMES_FR:
        return f"{SCENARIO_NAMES_FR[placed.group(1)]} ({SCENARIO_NAMES_FR.get(placed.group(2), placed.group(2))})"
    return name


STRINGS["fr"] = {key: french_spacing(text) for key, text in STRINGS["fr"].items()}
SCENARIO_NAMES_FR = {name: french_spacing(french) for name, french in SCENARIO_NAMES_FR.items()}


def number(value: float, lang: str, spec: str = "") -> str:
    """``value`` formatted with the Python format ``spec`` (``","`` groups thousands), written the way
    ``lang`` writes numbers: ``1 234,5`` in French, ``1,234.5`` in English."""
    text = format(value, spec)
    if lang == "fr":
        text = text.translate({ord(","): NNBSP, ord("."): ","})
    return text


def labelled(label: str, value: str, lang: str) -> str:
    """``label: value`` with the colon as ``lang`` writes it (``label : value`` in French)."""
    return f"{label}{NBSP if lang == 'fr' else ''}: {value}"


class _Number:
    """A number that :meth:`str.format` writes with :func:`number` (so ``{year:.1f}`` follows the language)."""

    def __init__(self, value: float, lang: str):
        self.value, self.lang = value, lang

    def __format__(self, spec: str) -> str:
        return number(self.value, self.lang, spec)


def _localized(value, lang: str):
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return _Number(value, lang) if is_number else value


def check_language(lang: str) -> str:
    """``lang`` if it is a supported language; a :class:`~sim.errors.UserError` otherwise."""
    from ..errors import UserError

    if lang not in LANGUAGES:
        raise UserError(f"unknown language '{lang}'; expected one of: {', '.join(LANGUAGES)}", key="--lang")
    return lang


def t_or(key: str, lang: str, default: str) -> str:
    """The text for ``key`` in ``lang``, or ``default`` for names the page does not know (scenario data)."""
    return STRINGS[lang].get(key, default)


def t(key: str, lang: str, **values) -> str:
    """The text for ``key`` in ``lang``, with ``values`` filled in (numbers written as ``lang`` writes them)."""
    text = STRINGS[lang][key]
    if not values:
        return text
    return text.format(**{name: _localized(value, lang) for name, value in values.items()})


def duration_in_years(years: float, lang: str) -> str:
    """``years`` with the word for year in ``lang``, singular or plural as that language has it
    (French: « 1,5 an », « 2 ans »; English: "1 year", "1.5 years")."""
    one = years < 2 if lang == "fr" else years == 1
    return t("years.one" if one else "years.many", lang, years=years)
