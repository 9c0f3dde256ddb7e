"""The codebook in French (:mod:`sim.outcomes_fr`): every column the English codebook describes is
described in French too, saying the same thing about the same column."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from sim import CaringCommunity, load_scenario, scale_scenario
from sim import outcomes_fr as fr
from sim.outcomes import COLUMN_TABLES, GROUP_MEANINGS, SUMMED_IN_SUMMARY, codebook, describe_column, summarise
from sim.typography import NBSP


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{\w+\}", text))


def test_every_entry_of_the_codebook_has_its_french_with_the_same_placeholders():
    """An outcome added to ``OUTCOME_COLUMNS`` without its French (or a French entry left behind when an
    outcome is removed) fails here, naming the entry, before a French room's workbook shows a blank."""
    for table, entries in COLUMN_TABLES.items():
        english = {name: meaning for name, _, _, meaning in entries}
        french = fr.MEANINGS[table]
        assert list(french) == list(english), f"sim.outcomes_fr.MEANINGS[{table!r}] lists other columns than " \
                                              f"sim.outcomes: {sorted(set(french) ^ set(english))}"
        for name, meaning in english.items():
            assert french[name] and french[name] != meaning, f"{table}.{name} has no French meaning"
            assert _placeholders(french[name]) == _placeholders(meaning), f"{table}.{name}: placeholders differ"
        for _, unit, rng, _ in entries:
            assert unit in fr.UNITS and rng in fr.RANGES, f"{table}: unit {unit!r} or range {rng!r} has no French"
    assert list(fr.GROUPS) == list(GROUP_MEANINGS)


@pytest.fixture(scope="module")
def two_neighbourhoods():
    """A rhizome community after 60 weeks: its weekly outcomes (neighbourhood breakdowns included) and
    its final-year summary."""
    model = CaringCommunity(scale_scenario(load_scenario("rhizomes"), 600), rng=0)
    weekly = model.run(60)
    return weekly, pd.DataFrame([summarise(weekly)])


def test_a_french_codebook_describes_every_column_a_run_writes_in_french(two_neighbourhoods):
    """Each column of a run's outcomes and summary has a French unit and meaning, other than the English
    one; amounts are in the scenario's currency; a group or neighbourhood of a breakdown is named in
    French typography; a flow the summary sums is per year in both languages."""
    weekly, summary = two_neighbourhoods
    tables = {"outcomes.parquet": ("outcomes", weekly), "summary.csv": ("summary", summary)}
    french, english = codebook(tables, "CAD", "fr"), codebook(tables, "CAD")
    assert len(french) == len(english) and (french.column == english.column).all()
    assert (french.meaning != "").all() and (french.meaning != english.meaning).all()
    assert (french.unit != "").all()
    by_column = french[french.file == "summary.csv"].set_index("column")
    assert by_column.loc["spending_total", "unit"] == "CAD par an"
    assert by_column.loc["isolated_share_all_start", "meaning"].startswith("isolated_share_all à la semaine 0")
    for column in SUMMED_IN_SUMMARY:
        assert "dernière année" in by_column.loc[column, "meaning"], column
        assert by_column.loc[column, "unit"].endswith(" par an"), column
    weekly_book = french[french.file == "outcomes.parquet"].set_index("column")
    assert weekly_book.loc["spending_total", "unit"] == "CAD par semaine"
    assert f"quartier «{NBSP}ouest{NBSP}»" in weekly_book.loc["isolated_share_nb_ouest", "meaning"]
    assert "65 ans et plus vivant seuls" in weekly_book.loc["isolated_share_65_alone", "meaning"]
    assert "0,5" in weekly_book.loc["partner_burnout_share", "meaning"]


def test_the_codebook_speaks_english_or_french_only():
    with pytest.raises(ValueError, match="one of en, fr; found 'de'"):
        describe_column("week", "outcomes", "de")
