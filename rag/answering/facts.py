"""Answers to questions of fact, first step: the sentences that could answer at all.

Each candidate sentence gets a *support*: the share of the question's key-term weight
found in it (its paragraph and its article's title count half). A sentence can answer
only when its support reaches ``answer.min_support`` and its article mentions every name
and number of the question; the best of these by support are then read closely (their
meaning and their named entities: :mod:`rag.answering.ranking`), and when none is left
the answer is "nothing found".
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answering.analysis import Asked
from rag.text import NUMBER_WORDS

# A run of capitalised words, small linking words allowed inside ("Bank of England").
_RUN = re.compile(r"\b[A-Z][\w’']*(?:\s+(?:(?:of|and|for|the|on)\s+)?[A-Z][\w’']*)+")
_LINKING = frozenset("of and for the on".split())
_SPELT = {str(n): word for word, n in NUMBER_WORDS.items()}  # "1" -> "one"


@dataclass(frozen=True)
class Sentence:
    """A candidate sentence: its span, its terms, and those of its context."""

    doc_id: str
    start: int
    end: int
    text: str
    terms: frozenset[str]
    context: frozenset[str]  # terms of its paragraph and its article's title
    numbers: frozenset[str]  # the numbers its article (title too) writes, without commas
    names: frozenset[str]  # the words of its article as written (hyphenated ones whole), lower
    rank: int  # of its article among the retrieved ones (0 = first)
    next: Sentence | None = None  # the sentence after it, in the same article
    index: int = 0  # its place in its article's kept text (0 = the first sentence)


@dataclass(frozen=True)
class Passage:
    """A span of one article to cite, with its rank score and its support."""

    doc_id: str
    start: int
    end: int
    score: float
    support: float


@dataclass(frozen=True)
class Supported:
    """A sentence that may answer: its support, and whether it only restates the question."""

    sentence: Sentence
    support: float
    restates: bool

    @property
    def prior(self) -> float:
        """The order in which sentences are read closely: support, then article rank."""
        return self.support + 0.05 / (1 + self.sentence.rank)


def supported(asked: Asked, sentences: Sequence[Sentence], min_support: float) -> list[Supported]:
    """The sentences with enough support whose article names what the question names,
    best first."""
    if asked.total <= 0:
        return []
    found = []
    covered = _Covered(asked)
    named: dict[tuple[str, int], bool] = {}  # an article's words are shared by its sentences
    for sentence in sentences:
        in_sentence = covered(sentence.terms)
        in_context = covered(sentence.context) - in_sentence
        support = asked.support(in_sentence) + 0.5 * asked.support(in_context)
        if support < min_support:
            continue
        for entity in asked.entities:
            key = (entity, id(sentence.names))
            if key not in named:
                named[key] = _named(entity, sentence)
        if all(named[(e, id(sentence.names))] for e in asked.entities):
            found.append(Supported(sentence, support, _restates(asked, sentence.terms)))
    found.sort(key=lambda s: (-s.prior, s.sentence.doc_id, s.sentence.start))
    return found


def acronyms(text: str) -> set[str]:
    """The acronyms the text's runs of capitalised words make, lower-cased, so that a
    question's "WWII" or "IMF" is named by an article that writes "World War II" or
    "International Monetary Fund" (initials; a word in capitals counts whole: "II")."""
    out = set()
    for run in _RUN.finditer(text):
        words = [w for w in run.group().split() if w.lower() not in _LINKING]
        out.add("".join(w if w.isupper() else w[0] for w in words).lower())
    return out


def _named(entity: str, sentence: Sentence) -> bool:
    """Is the question's name or number in the sentence's article? A name must stand as a
    word of its own ("France", not the "France" of "Agence France-Presse"; "Oscars" will do
    for "Oscar"). A hyphenated name may stand as its capitalised parts: "Covid-19" as
    "Covid", "WWII-era" as "WWII" (or "WWII-era"), "Asia-Pacific" as "Asia ... Pacific"."""
    if entity[0].isdigit():
        number = entity.replace(",", "")
        spelt = _SPELT.get(number)  # "1 billion" is written "one billion" as often
        return any(_same_number(number, w) for w in sentence.numbers) or spelt in sentence.names
    names, name = sentence.names, entity.lower()
    if name in names:
        return True
    ordered = sorted(names)
    if "-" not in name:
        return _has_variant(name, names, ordered)
    parts = [p.lower() for p in entity.split("-") if p[:1].isupper()]
    return bool(parts) and all(
        p in names or _has_variant(p, names, ordered) or _starting(p + "-", ordered) for p in parts
    )


class _Covered:
    """``covered_terms`` remembered per set of words: the sentences of a paragraph share
    one context set (the same object), so its terms are matched once. (Key-term weight in
    the sentence, plus half of what only its context holds, is a sentence's support.)"""

    def __init__(self, asked: Asked) -> None:
        self.asked = asked
        self._seen: dict[int, tuple[frozenset[str], set[str]]] = {}

    def __call__(self, words: frozenset[str]) -> set[str]:
        known = self._seen.get(id(words))
        if known is None or known[0] is not words:
            known = (words, covered_terms(self.asked, words))
            self._seen[id(words)] = known
        return known[1]


def covered_terms(asked: Asked, words: frozenset[str]) -> set[str]:
    """The question's key terms found among ``words``: equal, or one a long-enough prefix
    of the other ("bankrupt" / "bankruptci")."""
    missing = [t for t in asked.weights if t not in words]
    found = {t for t in asked.weights if t in words}
    if missing:
        ordered = sorted(words)  # words sharing a prefix stand together: found by bisection
        found.update(t for t in missing if _near(t, words, ordered))
    return found


def _near(term: str, words: frozenset[str], ordered: list[str]) -> bool:
    """A form of the same word: "bankrupt" / "bankruptci", "50" / "50th"; not a word that
    merely starts another ("earth" / "earthquak")."""
    if term[0].isdigit():
        return bool(_starting(term, ordered))  # loosely: "1" is near "1.4" (billion)
    return _has_variant(term, words, ordered)


def _same_number(number: str, word: str) -> bool:
    """Is the word that number, perhaps with a suffix ("50th", "2.9m")? Not a longer
    number: "2" is not "2020", "5" is not "5.5" nor "5,000"."""
    if not word.startswith(number):
        return False
    rest = word[len(number) :]
    return not rest or not (rest[0].isdigit() or (rest[0] in ".," and rest[1:2].isdigit()))


def _has_variant(term: str, words: frozenset[str], ordered: list[str]) -> bool:
    """Is a word of ``words`` (``ordered``: the same, sorted) a longer or shorter form of
    ``term``: one a prefix of the other, the shorter at least 5 letters, at most 3 more?"""
    if len(term) < 5:
        return False
    if any(len(w) - len(term) <= 3 for w in _starting(term, ordered)):
        return True
    return any(term[:n] in words for n in range(max(5, len(term) - 3), len(term)))


def _starting(prefix: str, ordered: list[str]) -> list[str]:
    """The words of ``ordered`` (sorted) that start with ``prefix``."""
    out = []
    for word in ordered[bisect_left(ordered, prefix) :]:
        if not word.startswith(prefix):
            break
        out.append(word)
    return out


def _restates(asked: Asked, own: frozenset[str]) -> bool:
    """Mostly the question's own words: a sentence that asks rather than answers."""
    new = [w for w in own if w not in asked.weights]
    return len(new) < max(2, len(own) // 4)


def overlaps(a: Passage, b: Passage) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end
