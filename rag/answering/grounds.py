"""What retrieval hands an answerer, gathered in one read view of the corpus and valid
after it closed: the passages, their articles, a way to name the stored chunk holding a
cited offset, and the term weights of that same state of the corpus."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rag.contract import Article
from rag.search import Hit

ChunkLocator = Callable[[str, int], str]  # (doc_id, offset) -> chunk_id


@dataclass(frozen=True)
class Grounds:
    hits: Sequence[Hit]
    articles: Mapping[str, Article]
    locate: ChunkLocator
    idf: Callable[[str], float]  # a term's inverse document frequency

    def order(self) -> list[str]:
        """The retrieved articles that are stored, best first."""
        return list(
            dict.fromkeys(h.chunk.doc_id for h in self.hits if h.chunk.doc_id in self.articles)
        )
