"""words_match, a feed's word filter: whole words, any case, accents folded, phrases across any
spacing; and linear time on hostile input."""

from __future__ import annotations

import time

import pytest

from incidents.webread import words_match
from incidents.webread.words import phrases, word_list


@pytest.mark.parametrize(
    ("words", "texts", "expected"),
    [
        ("", (), True),
        ("", ("anything",), True),
        (" , \n ,", ("anything",), True),  # separators only: no filter
        ("attack", ("Attack!",), True),
        ("attack", ("Gunmen ATTACK a convoy",), True),
        ("attack", ("The attacker fled",), False),
        ("attack", ("counterattack repelled",), False),
        ("attack", ("the attack's toll rose",), True),
        ("car bomb", ("A car  bomb exploded",), True),
        ("car bomb", ("a car-bomb exploded",), True),
        ("car bomb", ("a car\n\tbomb exploded",), True),
        ("car bomb", ("a carbomb exploded",), False),
        ("car bomb", ("car bombing in the capital",), False),
        ("car bomb", ("a car", "bomb"), False),  # a phrase does not run from one text into the next
        ("attaque", ("Une ATTAQUÉ ... attaqué",), True),
        ("tués", ("Quinze civils TUES",), True),
        ("tues", ("Quinze civils tués",), True),
        ("attack", ("ＡＴＴＡＣＫ in full-width letters",), True),
        ("strasse", ("Anschlag in der Hauptstraße",), False),  # whole words only
        ("hauptstrasse", ("Anschlag in der HAUPTSTRAẞE",), True),
        ("ambush", ("Title without it", "Summary: an ambush on a patrol"), True),
        ("kidnap, ambush", ("Summary: an ambush on a patrol",), True),
        ("kidnap\nambush", ("Summary: an ambush on a patrol",), True),
        ("kidnap\r\n  raid , ", ("Summary: an ambush on a patrol",), False),
        ("al-Shabaab", ("Al Shabaab claimed the attack",), True),
        ("24", ("24 killed",), True),
        ("24", ("240 killed",), False),
        ("attack", ("", ""), False),
    ],
)
def test_words_match(words, texts, expected):
    assert words_match(words, *texts) is expected


def test_phrases_and_words():
    assert phrases("Car  Bomb, ATTAQUÉ\n\n suicide-bomber ,") == ["car bomb", "attaque", "suicide bomber"]
    assert word_list("It's a car-bomb!") == ["it", "s", "a", "car", "bomb"]


def _timed(words: str, *texts: str) -> tuple[bool, float]:
    started = time.perf_counter()
    result = words_match(words, *texts)
    return result, time.perf_counter() - started


def test_linear_time_on_a_near_miss_phrase():
    text = "a " * 200_000  # a phrase that almost matches at every word
    words = " ".join(["a"] * 5_000 + ["b"])
    result, seconds = _timed(words, text)
    assert result is False and seconds < 2.0


def test_linear_time_on_one_giant_word():
    result, seconds = _timed("x" * 199_999, "x" * 200_000)
    assert result is False and seconds < 2.0


def test_linear_time_on_separators_and_many_phrases():
    text = ", .;-!\n" * 100_000 + " attack"
    words = ",".join(f"word{i}" for i in range(2_000)) + ",attack"
    result, seconds = _timed(words, text)
    assert result is True and seconds < 2.0


def test_four_times_the_input_takes_about_four_times_as_long():
    """Linear, not quadratic: four times the text takes about 4x as long, never the 16x of a
    quadratic match (the wide gap keeps a loaded machine from failing it)."""

    def cost(n: int) -> float:
        text, words = "ab " * n, " ".join(["ab"] * (n // 100) + ["ac"])
        return min(_timed(words, text)[1] for _ in range(3))

    small, large = cost(25_000), cost(100_000)
    assert large < small * 8
