"""Answers to questions of fact, second step: which of the shortlisted sentences answer.

Each shortlisted sentence has five signals: its *support* (the question's key-term weight
it holds, :mod:`rag.answering.facts`), its *similarity* (MiniLM cosine to the question),
its *kind* (1 when it holds an entity of the kind asked for that the question does not
name, 0.5 when only the next sentence does), its *position* in its article (news leads
with the answer) and its article's *rank* in retrieval; a sentence that only *restates*
the question loses a little. The score is their weighted sum (``answer.weights``,
calibrated on part of the dev sets and checked on the rest: BENCHMARKS.md).

Refusals: a question that wants a kind the tagger finds reliably (a person, a place, a
date, a number...) is refused when no shortlisted sentence holds a new one: a passage
about the same event that does not name the winner does not answer "who won". Any
question is refused when the best score is below ``answer.min_score``. When some
shortlisted sentences hold the kind asked for, only they are ranked; further sentences
are cited only when they score near the best (``answer.keep_ratio``) and say something
not cited already (the same words in two articles are cited once, from the better).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.answering.analysis import Asked
from rag.answering.facts import Passage, Supported, overlaps
from rag.config import AnswerSettings, RankWeights


@dataclass(frozen=True)
class Candidate:
    """A shortlisted sentence and what close reading found in it."""

    supported: Supported
    similarity: float
    kind: float  # 1.0: it holds the kind asked for; 0.5: only the next sentence; else 0.0

    def signals(self) -> dict[str, float]:
        """The signals the score weighs, by name (as in ``answer.weights``)."""
        s = self.supported
        return {
            "support": s.support,
            "similarity": self.similarity,
            "kind": self.kind,
            "position": 1.0 / (1 + s.sentence.index),
            "rank": 1.0 / (1 + s.sentence.rank),
            "restates": -1.0 if s.restates else 0.0,
        }

    def score(self, weights: RankWeights) -> float:
        return sum(float(getattr(weights, name)) * v for name, v in self.signals().items())

    @property
    def words(self) -> str:
        """The words the passage cites, spacing aside (a wire story's sentence may stand in
        two articles: cited once)."""
        s = self.supported.sentence
        after = s.next.text if self.kind == 0.5 and s.next is not None else ""
        return " ".join(f"{s.text} {after}".split())

    def passage(self, score: float) -> Passage:
        """The span to cite: the sentence, run on into the next when only that holds the
        kind asked for."""
        s = self.supported.sentence
        end = s.next.end if self.kind == 0.5 and s.next is not None else s.end
        return Passage(s.doc_id, s.start, end, score, self.supported.support)


def rankable(asked: Asked, kinds: Sequence[float], settings: AnswerSettings) -> list[bool]:
    """Which shortlisted sentences (by the ``kind`` of each) the ranking may choose: none
    when the question is refused for want of the kind it asks for; only those holding it
    when some do (the kind asked for is met only so); else all. Known before any sentence
    is compared with the question, so the others are never encoded."""
    held = any(kinds)
    if settings.refuse_without_kind and asked.wants.strict and not held:
        return [False] * len(kinds)
    if asked.wants and held:
        return [kind > 0 for kind in kinds]
    return [True] * len(kinds)


def _runs_on(asked: Asked, candidate: Candidate) -> bool:
    """A passage that runs on into the next sentence (only that one holds the kind asked
    for) cites it for the answer: it too must be about the question's years."""
    after = candidate.supported.sentence.next
    return candidate.kind != 0.5 or after is None or asked.about_its_years(after.text)


def choose(
    asked: Asked, candidates: Sequence[Candidate], settings: AnswerSettings
) -> list[Passage]:
    """The passages that answer, best first; [] (nothing found) when none does."""
    chosen = rankable(asked, [c.kind for c in candidates], settings)
    candidates = [c for c, ok in zip(candidates, chosen, strict=True) if ok and _runs_on(asked, c)]
    if not candidates:
        return []
    scored = sorted(
        ((c.score(settings.weights), c) for c in candidates),
        key=lambda pair: (-pair[0], pair[1].supported.sentence.doc_id),
    )
    best = scored[0][0]
    if best < settings.min_score:
        return []
    kept: list[Passage] = []
    said: set[str] = set()
    for value, candidate in scored:
        if value < best * settings.keep_ratio or len(kept) >= settings.max_sentences:
            break
        passage = candidate.passage(value)
        if candidate.words not in said and not any(overlaps(passage, k) for k in kept):
            kept.append(passage)
            said.add(candidate.words)
    return kept
