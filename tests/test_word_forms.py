"""Question terms met by other forms of the same word (``rag.answering.facts``): the
bisection over sorted words finds exactly what comparing every pair did."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rag.answering.analysis import analyse
from rag.answering.facts import covered_terms

WORDS = st.text(alphabet="abe19", min_size=1, max_size=12)


def _pairwise(asked_terms: list[str], words: frozenset[str]) -> set[str]:
    """The definition, word against word: equal; for a number, a word it starts; else one
    a prefix of the other, the shorter of 5 letters or more, the longer at most 3 more."""

    def variant(a: str, b: str) -> bool:
        short, long = (a, b) if len(a) <= len(b) else (b, a)
        return len(short) >= 5 and len(long) - len(short) <= 3 and long.startswith(short)

    def near(t: str) -> bool:
        if t[0].isdigit():
            return any(w.startswith(t) for w in words)
        return any(variant(t, w) for w in words)

    return {t for t in asked_terms if t in words or near(t)}


@st.composite
def _forms(draw: st.DrawFn) -> tuple[list[str], frozenset[str]]:
    """Question terms, and words among which many are their prefixes and extensions."""
    asked_terms = draw(st.lists(WORDS, min_size=1, max_size=6))
    words = set(draw(st.frozensets(WORDS, max_size=20)))
    for t in asked_terms:
        cut = draw(st.integers(max(0, len(t) - 5), len(t)))  # near the lengths that matter
        words.add(t[:cut] or t)
        words.add(t + draw(st.text(alphabet="abe19", max_size=5)))
    return asked_terms, frozenset(words)


@given(_forms())
def test_forms_found_by_bisection_are_those_of_the_pairwise_definition(
    case: tuple[list[str], frozenset[str]],
) -> None:
    asked_terms, words = case
    asked = analyse("placeholder", lambda term: 1.0)
    asked = type(asked)(**{**asked.__dict__, "weights": dict.fromkeys(asked_terms, 1.0)})
    assert covered_terms(asked, words) == _pairwise(asked_terms, words)


def test_forms_of_a_word_and_of_a_number() -> None:
    asked = analyse("Did the bankrupt firm pay 50 earth movers?", lambda term: 1.0)
    found = covered_terms(asked, frozenset({"bankruptci", "50th", "earthquak", "firm"}))
    assert found == {"bankrupt", "50", "firm"}
