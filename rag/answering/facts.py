"""Answers to questions of fact: the sentences that hold what is asked, or nothing.

Each candidate sentence gets a *support*: the share of the question's key-term weight
found in it (its paragraph and its article's title count half). A sentence is an answer
when its support reaches ``answer.min_support`` and its article mentions every name and
number of the question; when no sentence is, the answer is "nothing found". Among the
answers, a sentence that holds the kind of thing asked for (a number for "how many", a
name for "who", a time for "when", a place for "where") ranks above one that restates the
question; when only the next sentence holds it, the passage runs on into that sentence.
Sentences clearly weaker than the best (``answer.keep_ratio``) are dropped, not appended.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answering.analysis import Asked
from rag.config import AnswerSettings

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|"
    r"dozen|dozens|half|quarter|percent"
)
_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
)
_KINDS = {
    "number": re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I),
    "time": re.compile(
        rf"\b(?:{_MONTHS}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
        r"(?:1[89]|20)\d\d|yesterday|today|tonight|ago|last (?:week|month|year|night)|"
        r"earlier this (?:week|month|year)|this (?:week|month|year))\b"
    ),
    "person": re.compile(
        r"\b(?!(?:The|A|An|In|On|At|But|And|For|As|If|When|While|After|Before)\b)"
        r"[A-Z][a-z]+(?:\s+[A-Z][a-z’'\-]+)+"
    ),
    "place": re.compile(r"\b(?:in|at|from|to|near)\s+(?:the\s+)?[A-Z][\w\-]+"),
    "name": re.compile(r"(?<=\s)[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)*"),
}


@dataclass(frozen=True)
class Sentence:
    """A candidate sentence: its span, its terms, and those of its context."""

    doc_id: str
    start: int
    end: int
    text: str
    terms: frozenset[str]
    context: frozenset[str]  # terms of its paragraph and its article's title
    article: frozenset[str]  # terms of its whole article
    names: frozenset[str]  # the words of its article as written (hyphenated ones whole), lower
    rank: int  # of its article among the retrieved ones (0 = first)
    next: Sentence | None = None  # the sentence after it, in the same article


@dataclass(frozen=True)
class Passage:
    """A span of one article to cite, with its rank score and its support."""

    doc_id: str
    start: int
    end: int
    score: float
    support: float


def fact_passages(
    asked: Asked, sentences: Sequence[Sentence], settings: AnswerSettings
) -> list[Passage]:
    """The passages that answer, best first; [] when none does."""
    if asked.total <= 0:
        return []
    memo = _Memo(asked)
    scored = [p for s in sentences if (p := _passage(asked, s, settings, memo)) is not None]
    if not scored:
        return []
    scored.sort(key=lambda p: -p.score)
    best = scored[0].score
    kept: list[Passage] = []
    for passage in scored:
        if passage.score < best * settings.keep_ratio or len(kept) >= settings.max_sentences:
            break
        if not any(_overlaps(passage, k) for k in kept):
            kept.append(passage)
    return kept


class _Memo:
    """What one question's check would compute again for every sentence, computed once:
    per article, whether it names what is asked; per article and per paragraph (a
    sentence's context), the key terms it covers, which bound the support of every
    sentence in it (a sentence's terms are among its context's, and those among its
    article's). Sentences share these sets (the same objects), so the lookups hash
    nothing anew. Whole articles are read for followed questions: this keeps that cheap."""

    def __init__(self, asked: Asked) -> None:
        self.asked = asked
        self._named: dict[frozenset[str], bool] = {}
        self._covered: dict[frozenset[str], set[str]] = {}

    def named(self, sentence: Sentence) -> bool:
        found = self._named.get(sentence.names)
        if found is None:
            found = all(_named(e, sentence) for e in self.asked.entities)
            self._named[sentence.names] = found
        return found

    def covered(self, words: frozenset[str], among: set[str] | None = None) -> set[str]:
        """The key terms ``words`` covers (only ``among`` can be: those of a superset)."""
        found = self._covered.get(words)
        if found is None:
            terms = self.asked.weights if among is None else among
            found = self._covered[words] = {t for t in terms if t in words or _near(t, words)}
        return found

    def support(self, sentence: Sentence, min_support: float) -> float:
        """Key-term weight in the sentence, plus half of what only its context holds (0
        when its article or its context cannot reach ``min_support``)."""
        article = self.covered(sentence.article)
        if self.asked.support(article) < min_support:
            return 0.0
        context = self.covered(sentence.context, article)
        if self.asked.support(context) < min_support:
            return 0.0
        own = {t for t in context if t in sentence.terms or _near(t, sentence.terms)}
        return self.asked.support(own) + 0.5 * self.asked.support(context - own)


def _passage(
    asked: Asked, sentence: Sentence, settings: AnswerSettings, memo: _Memo
) -> Passage | None:
    support = memo.support(sentence, settings.min_support)
    if support < settings.min_support or not memo.named(sentence):
        return None
    end, kind = sentence.end, _holds(asked, sentence)
    score = support + 0.05 / (1 + sentence.rank)
    follower = sentence.next
    if asked.wants and not kind and follower is not None and _holds(asked, follower):
        end, kind = follower.end, True  # the answer is in the next sentence,
        score -= 0.1  # but a sentence holding it itself ranks first
    if kind:
        score += 0.2
    if _restates(asked, sentence.terms):
        score -= 0.1
    return Passage(sentence.doc_id, sentence.start, end, score, support)


def _named(entity: str, sentence: Sentence) -> bool:
    """Is the question's name or number in the sentence's article? A name must stand as a
    word of its own ("France", not the "France" of "Agence France-Presse"; "Oscars" will do
    for "Oscar")."""
    if entity[0].isdigit():
        return _near(entity.replace(",", ""), sentence.article)
    return entity in sentence.names or _near(entity, sentence.names)


def covered_terms(asked: Asked, words: frozenset[str]) -> set[str]:
    """The question's key terms found among ``words``: equal, or one a long-enough prefix
    of the other ("bankrupt" / "bankruptci")."""
    return {t for t in asked.weights if t in words or _near(t, words)}


def _near(term: str, words: frozenset[str]) -> bool:
    """A form of the same word: "bankrupt" / "bankruptci", "50" / "50th"; not a word that
    merely starts another ("earth" / "earthquak"). For a number, any word starting with
    it; else one a prefix of the other, the shorter of at least 5 letters and the longer
    at most 3 letters longer: ``term`` cut by up to 3 letters (a set lookup each), or
    ``term`` and up to 3 more (one search of the words joined, made once per set)."""
    if term[0].isdigit():
        return f"\n{term}" in _joined(words)
    if len(term) < 5:
        return False  # the shorter word would be under 5 letters
    if any(term[:k] in words for k in range(max(5, len(term) - 3), len(term))):
        return True
    return re.search(f"\n{re.escape(term)}[^\n]{{0,3}}\n", _joined(words)) is not None


_JOINED: dict[frozenset[str], str] = {}
_JOINED_LIMIT = 4096  # word sets of recent articles and paragraphs (then forgotten at once)


def _joined(words: frozenset[str]) -> str:
    """The words one a line, "\n" before and after each: one C-speed search finds a word
    by its start (sets of one article and its paragraphs are met again and again; a set's
    hash is cached, so the lookup costs nothing)."""
    found = _JOINED.get(words)
    if found is None:
        if len(_JOINED) >= _JOINED_LIMIT:
            _JOINED.clear()
        found = _JOINED[words] = "\n" + "\n".join(words) + "\n"
    return found


def _holds(asked: Asked, sentence: Sentence) -> bool:
    """Does the sentence hold the kind of thing asked for (beyond the question's words)?"""
    pattern = _KINDS.get(asked.wants)
    if pattern is None:
        return False
    lowered = asked.text.lower()
    return any(m.group().lower() not in lowered for m in pattern.finditer(sentence.text))


def _restates(asked: Asked, own: frozenset[str]) -> bool:
    """Mostly the question's own words: a sentence that asks rather than answers."""
    new = [w for w in own if w not in asked.weights]
    return len(new) < max(2, len(own) // 4)


def _overlaps(a: Passage, b: Passage) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end
