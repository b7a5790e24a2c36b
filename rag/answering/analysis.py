"""What a question asks for: its key terms (weighted by rarity), the names and numbers an
answer must mention, and the kind of thing it wants (a number, a person, a time, a place:
:mod:`rag.answering.kinds`).

The answerer uses this to tell a passage that answers from one that merely shares words
with the question, and to say "nothing found" when no passage covers what is asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.answering.fitting import about, asks_win, fits, years_of
from rag.answering.kinds import Wanted, wanted
from rag.text import sentence_spans, terms

# Words that ask rather than say what is asked about; the question words themselves
# ("what", "who", "did") are stop words already.
_ASKING_TERMS = frozenset(terms("happen happened happening latest recent recently give"))
_CAPITAL = re.compile(r"\b[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)*")
_NUMBER = re.compile(r"(?<![\w-])\d[\d,.]*")  # not the "19" of "Covid-19"
# "Which English county", "what Russian city": the words that describe the answer sought.
_DESCRIBING = re.compile(r"\b(?:[Ww]hich|[Ww]hat)\s+((?:[A-Z][\w’'\-]*\s+)+)(?=[a-z])")
_POSSESSIVE = re.compile(r"['’]s?$")
_QUESTION = frozenset("what which who whom whose when where why how".split())


@dataclass(frozen=True)
class Asked:
    """A question taken apart for answering."""

    text: str
    weights: dict[str, float]  # key term -> weight (its IDF)
    entities: frozenset[str]  # names (as written, case kept) and numbers its article must hold
    wants: Wanted  # the kind of answer (a person, a place, a number, ...), or anything
    named: frozenset[str] = frozenset()  # every term of the question, asking words too
    years: frozenset[str] = frozenset()  # the years it names: an answer is not about others
    win: bool = False  # it asks who or what won: an answer says someone did

    def fits(self, text: str, after: str = "") -> bool:
        """May this sentence (``after``: the one after it) answer, by the year it is about
        and, for a win, by saying someone won? (:mod:`rag.answering.fitting`)"""
        return fits(self.years, self.win, text, after)

    def about_its_years(self, text: str) -> bool:
        """Is this text about a year the question names, or about none? (A passage that
        runs on into a sentence about another year cites that year.)"""
        return about(self.years, text)

    def names(self, words: str) -> bool:
        """Does the question already name these words (all their terms are its own)?
        "the United States" is named by "...in the US?" only if it says "United States"."""
        own = terms(words)
        return bool(own) and all(t in self.named for t in own)

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    def support(self, covered: set[str] | frozenset[str]) -> float:
        """The share of the question's key-term weight that ``covered`` holds."""
        total = self.total
        return sum(w for t, w in self.weights.items() if t in covered) / total if total else 0.0


def analyse(question: str, idf: Callable[[str], float]) -> Asked:
    """Key terms, required entities and the wanted kind of answer of a question.

    A quiz-style question sets the scene first ("Presidents' Day was celebrated on Monday.
    The observance usually falls near whose birthday?"): terms only of the scene weigh half
    as much as those of the sentence that asks."""
    text = " ".join(question.split())
    sentences = [text[s:e] for s, e in sentence_spans(text)] or [text]
    asking = {t for t in terms(sentences[-1]) if t not in _ASKING_TERMS}
    words = [t for t in terms(text) if t not in _ASKING_TERMS]
    weights = {t: idf(t) * (1.0 if t in asking else 0.5) for t in dict.fromkeys(words)}
    entities = frozenset(e for s in sentences for e in _entities(s))
    named = frozenset(terms(text))
    win = asks_win(sentences[-1])
    return Asked(text, weights, entities, wanted(sentences[-1]), named, years_of(text), win)


def _entities(sentence: str) -> set[str]:
    """Capitalised words as written and whole ("Spider-Man", "WWII-era"), but not the
    sentence's first word (capitalised anyway), acronyms of one or two letters ("US" is
    "U.S." elsewhere), nor the words that describe what is sought ("which English county":
    the answer's article may just say "Staffordshire"); and numbers standing alone (not
    the "19" of "Covid-19")."""
    describing = {w for m in _DESCRIBING.finditer(sentence) for w in m.group(1).split()}
    found: set[str] = set()
    for match in _CAPITAL.finditer(sentence):
        words = match.group().split()[1 if match.start() == 0 else 0 :]
        words = [names_of(w).strip("-") for w in words if w not in describing]
        found.update(w for w in words if len(w) > 2 and w.lower() not in _QUESTION)
    found.update(n.rstrip(".,") for n in _NUMBER.findall(sentence))
    return found


def names_of(word: str) -> str:
    """A word without its possessive: "Ukraine’s" -> "Ukraine"."""
    return _POSSESSIVE.sub("", word)
