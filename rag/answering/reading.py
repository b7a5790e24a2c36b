"""Reading the shortlisted sentences closely: what they mean (MiniLM similarity to the
question) and which named entities they hold (the tagger of :mod:`rag.text.entities`).

Both are costly next to word counting (a few milliseconds a sentence on a CPU), so only
the few sentences with the most support are read, each once: vectors and entities are
kept per sentence of an article version (its doc id and text), so a question asked again,
or another about the same article, reads nothing twice. Entities come first: they decide
which sentences the ranking may still choose (``rankable``: only those holding the kind
asked for, when some do; none when the question is refused for want of it), and only
those are compared with the question (the encoder is most of an answer's time). Running
the two models side by side saved nothing on 2 cores: each keeps both busy.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable, Sequence
from itertools import compress
from typing import Generic, TypeVar

import numpy as np

from rag.answering.analysis import Asked
from rag.answering.facts import Sentence, Supported
from rag.answering.kinds import Wanted
from rag.answering.ranking import Candidate
from rag.embedding import Embedder
from rag.text import STOPWORDS, Entity, EntityTagger

_K = TypeVar("_K", bound=Hashable)
_T = TypeVar("_T")
_NUMERIC = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|dozens|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|"
    r"thousands|million|millions|billion|billions|trillion|half|quarters?|thirds?|fifths?)\b",
    re.IGNORECASE,
)
_CAPITAL = re.compile(r"\b[A-Z][\w’'\-]*")


class Bounded(Generic[_K, _T]):
    """A small cache, oldest out first, shared by questions answered in parallel (so
    every read and write of it holds a lock)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: dict[_K, _T] = {}
        self._lock = threading.Lock()

    def get(self, key: _K) -> _T | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: _K, value: _T) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.limit:
                self._items.pop(next(iter(self._items)))


class CloseReader:
    """Similarity and entities of sentences; either part may be absent (no model: that
    signal is 0 and no kind is checked)."""

    def __init__(self, embedder: Embedder | None, tagger: EntityTagger | None) -> None:
        self.embedder, self.tagger = embedder, tagger
        self._vectors: Bounded[tuple[str, str], np.ndarray] = Bounded(4096)
        self._entities: Bounded[tuple[str, str], tuple[Entity, ...]] = Bounded(4096)

    def candidates(
        self,
        question: str,
        asked: Asked,
        found: Sequence[Supported],
        rankable: Callable[[list[float]], list[bool]] | None = None,
    ) -> list[Candidate]:
        """The shortlisted sentences with whether they (or the next sentence) hold a new
        entity of the wanted kind, and their similarity: computed for those ``rankable``
        says the ranking may choose, given the kinds (all when not given), else 0.0."""
        sentences = [s.sentence for s in found]
        kinds = self.kinds(asked, sentences)
        wanted = rankable(kinds) if rankable is not None else [True] * len(kinds)
        compared = iter(self.similarities(question, list(compress(sentences, wanted))))
        similar = [next(compared) if ok else 0.0 for ok in wanted]
        return [Candidate(s, sim, kind) for s, sim, kind in zip(found, similar, kinds, strict=True)]

    def similarities(self, question: str, sentences: Sequence[Sentence]) -> list[float]:
        """Cosine of each sentence's MiniLM vector and the question's (0 without a model)."""
        if self.embedder is None or not sentences:
            return [0.0] * len(sentences)
        keys = [(s.doc_id, s.text) for s in sentences]
        missing = list(dict.fromkeys(k for k in keys if self._vectors.get(k) is None))
        if missing:
            vectors = self.embedder.embed([t for _, t in missing])
            for key, vector in zip(missing, vectors, strict=True):
                self._vectors.put(key, vector)
        question_vector = self.embedder.embed([question])[0]
        found = [self._vectors.get(k) for k in keys]
        return [float(v @ question_vector) if v is not None else 0.0 for v in found]

    def kinds(self, asked: Asked, sentences: Sequence[Sentence]) -> list[float]:
        """1.0 when the sentence holds an entity of the wanted kind that the question does
        not name, 0.5 when only the next sentence does (the passage then runs on into it),
        else 0.0; all 0.0 when no kind is wanted."""
        wants = asked.wants
        if not wants or self.tagger is None:
            return [0.0] * len(sentences)
        own = self.new_entities(asked, sentences)
        later = [s.next for s, held in zip(sentences, own, strict=True) if not held and s.next]
        after = dict(zip(map(id, later), self.new_entities(asked, later), strict=True))
        return [
            1.0 if held else 0.5 if s.next is not None and after.get(id(s.next)) else 0.0
            for s, held in zip(sentences, own, strict=True)
        ]

    def new_entities(self, asked: Asked, sentences: Sequence[Sentence]) -> list[list[Entity]]:
        """Per sentence, its entities of the wanted kind that the question does not name."""
        wants = asked.wants
        tagged = self.entities([s for s in sentences if may_hold(s.text, wants, asked)])
        out = []
        for s in sentences:
            found = tagged.get((s.doc_id, s.text), ())
            new = [e for e in found if wants.met_by(e.label, e.text) and not asked.names(e.text)]
            out.append(new)
        return out

    def entities(self, sentences: Sequence[Sentence]) -> dict[tuple[str, str], tuple[Entity, ...]]:
        """The named entities of each sentence, tagged once per sentence text."""
        keys = list(dict.fromkeys((s.doc_id, s.text) for s in sentences))
        known = {k: e for k in keys if (e := self._entities.get(k)) is not None}
        missing = [k for k in keys if k not in known]
        if missing and self.tagger is not None:
            for key, found in zip(missing, self.tagger.tag([t for _, t in missing]), strict=True):
                self._entities.put(key, found)
                known[key] = found
        return known


def may_hold(text: str, wants: Wanted, asked: Asked) -> bool:
    """Could the sentence hold an entity of the wanted kind at all? A number needs a digit
    or a number word; a name a capitalised word the question does not use. (Saves tagging
    sentences that cannot answer.)"""
    if wants.labels <= _NUMERIC:
        return bool(_NUMBER.search(text))
    if wants.labels & {"DATE", "TIME", "CARDINAL", "QUANTITY", "MONEY", "PERCENT"}:
        return True
    return any(w.lower() not in STOPWORDS and not asked.names(w) for w in _CAPITAL.findall(text))
