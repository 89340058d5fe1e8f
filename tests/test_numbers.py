"""Numbers read the same everywhere: one percentage format, one percentage-point format."""

from __future__ import annotations

import pytest

from assessment.scoring.numbers import counted, percent, plural, points


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (0.05, 1, "5.0%"),
        (0.825, 1, "82.5%"),
        (0.8254, 1, "82.5%"),
        (1.0, 1, "100.0%"),
        (0.0, 1, "0.0%"),
        (-0.00001, 1, "0.0%"),
        (0.05, 0, "5%"),
        (0.9, 0, "90%"),
        (0.12345, 2, "12.35%"),
        (None, 1, "—"),
        (None, 0, "—"),
    ],
)
def test_percent_keeps_its_decimals_and_no_space(value, digits, shown):
    assert percent(value, digits) == shown


def test_percent_defaults_to_one_decimal():
    assert percent(0.05) == "5.0%"


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (0.11, "+11.0 pt"),
        (-0.2222, "-22.2 pt"),
        (0.0, "+0.0 pt"),
        (-0.00001, "+0.0 pt"),
        (1.0, "+100.0 pt"),
        (None, "—"),
    ],
)
def test_points_are_signed_with_one_decimal(delta, shown):
    assert points(delta) == shown


@pytest.mark.parametrize(
    ("count", "words", "shown"),
    [
        (0, ("file",), "0 files"),
        (1, ("file",), "1 file"),
        (2, ("file record",), "2 file records"),
        (1, ("criterion", "criteria"), "1 criterion"),
        (139, ("criterion", "criteria"), "139 criteria"),
        (0, ("criterion", "criteria"), "0 criteria"),
    ],
)
def test_a_count_agrees_with_its_noun(count, words, shown):
    assert counted(count, *words) == shown


@pytest.mark.parametrize(("count", "verb"), [(0, "have"), (1, "has"), (2, "have")])
def test_plural_gives_the_verb_that_agrees(count, verb):
    assert plural(count, "has", "have") == verb
