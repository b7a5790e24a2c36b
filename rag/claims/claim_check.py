"""Is this claim true? Verdicts only on explicit evidence, and a wrong "supported" is the
worst outcome, so the rules lean to "not found":

- a passage **supports** a sentence of the claim when it holds every checkable part of it
  (the same names, numbers in the same units, dates, quoted words), is about the same
  subject (most of the sentence's other words, by weight), says "not" exactly where the
  sentence does, says no word's opposite ("reject" for "approve") and no "if", "could",
  "might" or "may" unless the sentence hedges too ("could", "reportedly", "believed to"):
  "$4 a gallon could happen" is a forecast, not a price; over two sentences, a number
  must stand in a sentence that names one of the claim's names (or opens with a pronoun
  after one that does): "Bonds set the record with 73. ... McGwire and Sosa" does not
  support "Sosa holds the record with 73"; a sentence that says "he", "it" or "they" is
  held only by a passage that also names one of the names of the sentence before it
  ("Biden designated Camp Hale. It is in Colorado." is not held by "Utah is home to ...");
- a passage **differs** when it is even more about the same subject (a contradiction is
  a strong word too), holds every part but those it
  gives another value of the same kind for: another number in the same unit, another date
  of the same precision ("claim: 15,000 tons; article: 1,500 tons");
- the article's headline is a passage of its own, never joined to its text: a headline
  states facts as plainly as the text, and sometimes alone; the text's passage is cited
  first when both support;
- an article supports the claim when it supports each of its sentences (a claim of two
  sentences is two claims); it differs when one sentence differs and it supports the rest;
- the verdict: ``supported`` (some article supports, none differs), ``contradicted`` (the
  reverse), ``mixed`` (articles disagree), else ``not_found``. A sentence without
  checkable parts is supported only by a passage holding nearly all of its words.
An article that supports the claim is not counted as differing too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rag.claims.name_finding import find_name
from rag.claims.parts import Part
from rag.claims.passage_reading import PRONOUNS, Reading, Sentence, holding, readings
from rag.contract import ClaimVerdict

ALL_WORDS = 0.95  # the context share a sentence without parts needs
DIFFER_MARGIN = 0.15  # a differing passage must be this much more about the subject


@dataclass(frozen=True)
class Rules:
    """The thresholds (``claims`` settings)."""

    min_coverage: float  # context share a supporting or differing passage needs
    window: int  # sentences a passage may span


@dataclass(frozen=True)
class Said:
    """One sentence of the claim: its parts, its words' weights, and whether it says no."""

    parts: tuple[Part, ...]
    weights: dict[str, float]
    negated: bool
    conditional: bool = False  # it says "if", "could", "reportedly" ...
    referents: tuple[Part, ...] = ()  # its "he", "it": the names of the sentence before
    years: tuple[int, int] | None = None  # "this week", "recently": the years that means


@dataclass(frozen=True)
class Judged:
    """The passages of one article that show its stance, one per sentence of the claim."""

    doc_id: str
    rank: int
    passages: tuple[tuple[Reading, tuple[Part, ...]], ...]
    stance: str  # "supports" or "differs"


@dataclass(frozen=True)
class ClaimFinding:
    verdict: ClaimVerdict
    evidence: list[Judged]
    lacking: tuple[Part, ...] = ()  # not found: the parts the closest passage lacks


@dataclass(frozen=True)
class Readable:
    """An article as the rules read it: its text's sentences and its headline's."""

    text: str
    sentences: Sequence[Sentence]
    title: str = ""
    headline: Sequence[Sentence] = ()

    def readings(self, said: Said, window: int) -> list[Reading]:
        """The text's passages, then the headline alone (never joined to the text); for a
        sentence that says "he" or "it" of what the one before names, only passages that
        name one of those names too ("Where is it located? Utah" is not held by any
        passage naming Utah)."""
        found = readings(said.parts, said.weights, self.sentences, window, self.text,
                         (self.title, self.headline))  # fmt: skip
        heads = readings(said.parts, said.weights, self.headline, 1, self.title)
        out = found + [replace(r, headline=True) for r in heads]
        if said.referents:
            out = [r for r in out if self._names_one(said.referents, r)]
        if said.years is not None:
            out = [r for r in out if not self._of_another_year(said.years, r)]
        return out

    def _of_another_year(self, years: tuple[int, int], reading: Reading) -> bool:
        """Does every sentence of the passage that holds one of the claim's parts name a
        year outside ``years``? ("Legalization had passed in South Dakota in 2020" is not
        what "this week" claims.)"""
        held = holding(reading.found, self._passage(reading)[1])
        return bool(held) and all(_another_year(s, years) for s in held)

    def _names_one(self, names: Sequence[Part], reading: Reading) -> bool:
        """Does a sentence of the passage that holds one of the claim sentence's parts
        name one of ``names`` too (or the sentence before, when it opens with "it")?"""
        text, chunk = self._passage(reading)
        for s in holding(reading.found, chunk):
            i = chunk.index(s)
            told = chunk[i - 1 : i + 1] if i and s.words and s.words[0].norm in PRONOUNS else [s]
            if any(find_name(p, text, [w for t in told for w in t.words], True) for p in names):
                return True
        return False

    def _passage(self, reading: Reading) -> tuple[str, list[Sentence]]:
        """The text a reading's offsets are into, and the reading's sentences."""
        text, sentences = (self.title, self.headline) if reading.headline else (
            self.text, self.sentences)  # fmt: skip
        return text, [s for s in sentences if reading.start <= s.start < reading.end]


def _another_year(sentence: Sentence, years: tuple[int, int]) -> bool:
    return any(m.kind == "date" and m.day[0] > 0 and not years[0] <= m.day[0] <= years[1]
               for m in sentence.mentions)  # fmt: skip


def judge_claim(
    said: Sequence[Said],
    order: Sequence[str],
    read: Callable[[str], Readable],
    rules: Rules,
) -> ClaimFinding:
    """The verdict over the articles in ``order`` (best retrieved first)."""
    supporting: list[Judged] = []
    differing: list[Judged] = []
    closest: tuple[tuple[int, float], tuple[Part, ...]] | None = None
    for rank, doc_id in enumerate(order):
        article = read(doc_id)
        support: list[tuple[Reading, tuple[Part, ...]]] = []
        differ: list[tuple[Reading, tuple[Part, ...]]] = []
        for s in said:
            found = article.readings(s, rules.window)
            yes = [r for r in found if supports(r, s, rules)]
            if yes:
                support.append((_best(yes), s.parts))
                continue
            other = [r for r in found if differs(r, s, rules)]
            if other:
                differ.append((_best(other), s.parts))
            near = max(found, key=_closeness, default=None)
            if near is not None and (closest is None or _closeness(near) > closest[0]):
                closest = (_closeness(near), tuple(p for i, p in enumerate(s.parts)
                                                   if i not in near.found))  # fmt: skip
        if len(support) == len(said):
            supporting.append(Judged(doc_id, rank, tuple(support), "supports"))
        elif differ and len(support) + len(differ) == len(said):
            differing.append(Judged(doc_id, rank, tuple(differ + support), "differs"))
    verdict = _verdict(bool(supporting), bool(differing))
    lacking = closest[1] if closest is not None and verdict == "not_found" else ()
    return ClaimFinding(verdict, supporting + differing, lacking)


def supports(reading: Reading, said: Said, rules: Rules) -> bool:
    if reading.negated != said.negated or reading.contrary or len(reading.found) < len(said.parts):
        return False
    if reading.conditional and not said.conditional:
        return False  # "would allow ... if passed" is not "allowed"
    if reading.apart or reading.asks:
        return False  # the number is said of something else; a question states nothing
    return reading.coverage >= (rules.min_coverage if said.parts else ALL_WORDS)


def differs(reading: Reading, said: Said, rules: Rules) -> bool:
    """Every part held but those with another value given, and at least one of those."""
    if not reading.other or reading.negated != said.negated or reading.asks:
        return False
    held = set(reading.found) | set(reading.other)
    about = min(1.0, rules.min_coverage + DIFFER_MARGIN)
    return len(held) == len(said.parts) and reading.coverage >= about


def _best(found: Sequence[Reading]) -> Reading:
    """The text before the headline, then the shortest passage, then the one most about
    the claim."""
    return min(found, key=lambda r: (r.headline, r.size, -r.coverage, r.start))


def _closeness(reading: Reading) -> tuple[int, float]:
    return len(reading.found), reading.coverage


def _verdict(supported: bool, differing: bool) -> ClaimVerdict:
    if supported and differing:
        return "mixed"
    if supported:
        return "supported"
    return "contradicted" if differing else "not_found"
