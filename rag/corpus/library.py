"""Collections: every article belongs to one (``default`` unless named), and each
collection is a corpus of its own: its own Chroma collections, BM25 index, article
vectors, wire copies and write journal. One desk's sources never mix with another's, not
even in term statistics, and a question reads only the collections it names.

Measured against the other layout (one store, a collection field filtered at query
time): BENCHMARKS.md "Collections".
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable

from rag.corpus.corpus import Corpus
from rag.errors import NotFoundError, QueryError

DEFAULT = "default"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,23}$")


def collection_name(name: str) -> str:
    """The name if it is a valid collection name, else QueryError saying what is valid."""
    if not NAME.fullmatch(name):
        raise QueryError(
            f"'{name}' is not a collection name: 1 to 24 lower-case letters, digits, '-' "
            "or '_', starting with a letter or digit"
        )
    return name


class Library:
    """The collections of one store, each opened (as a :class:`Corpus`) on first use."""

    def __init__(self, open_corpus: Callable[[str], Corpus], stored: Callable[[], Iterable[str]]):
        self._open, self._stored = open_corpus, stored
        self._corpora: dict[str, Corpus] = {}
        self._lock = threading.Lock()

    def corpus(self, name: str = DEFAULT, create: bool = False) -> Corpus:
        """The collection's corpus; NotFoundError for one that does not exist (``create``:
        make it, for an ingest)."""
        name = collection_name(name)
        with self._lock:
            found = self._corpora.get(name)
            if found is not None:
                return found
            if not create and name != DEFAULT and name not in set(self._stored()):
                raise NotFoundError(f"no collection '{name}'")
            found = self._corpora[name] = self._open(name)
            return found

    def names(self) -> list[str]:
        """Every collection: stored ones, ones opened here, and the default."""
        with self._lock:
            opened = set(self._corpora)
        return sorted({DEFAULT, *self._stored(), *opened})

    def corpora(self) -> list[tuple[str, Corpus]]:
        """Every collection with its corpus (opening those not opened yet)."""
        return [(name, self.corpus(name)) for name in self.names()]
