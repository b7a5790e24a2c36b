"""What the core needs of a vector store: the seam between Newsdesk and Chroma.

:class:`rag.search.store.ChromaStore` is the real one; ``tests/fakes.py`` has an
in-memory one for fast tests. Every method raises :class:`rag.errors.StoreError` on
backend trouble and :class:`rag.errors.NotFoundError` for an unknown article.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from rag.contract import Article, ArticleMeta, Filters
from rag.embedding import Vectors
from rag.search.records import Chunk, Hit

if TYPE_CHECKING:
    from rag.search.hybrid import Recency


class Store(Protocol):
    """Articles (text and metadata) and their chunks (text, span, vector)."""

    model_id: str

    def generation(self) -> str:
        """Changes whenever chunks are added or removed (by any process)."""
        ...

    def identity(self) -> str:
        """Names this store wherever it is reached from, and only it (a store made again at
        the same place gets another): its cache folder is named by it."""
        ...

    def content_hashes(self, doc_ids: Sequence[str]) -> dict[str, str]: ...

    def write_articles(
        self, batch: Sequence[tuple[Article, Sequence[Chunk], Vectors]]
    ) -> list[str]:
        """Store new versions: their chunks first, then the articles; old chunks go last.
        Returns the ids of the old chunks removed."""
        ...

    def delete_article(self, doc_id: str) -> None: ...

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        """Remove chunks by id (orphans and stale versions found by a check)."""
        ...

    def get_articles(self, doc_ids: Sequence[str]) -> dict[str, Article]: ...

    def get_article(self, doc_id: str) -> Article: ...

    def list_articles(self, offset: int = 0, limit: int = 50) -> list[ArticleMeta]: ...

    def count_articles(self) -> int: ...

    def count_chunks(self) -> int: ...

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """Chunks in the order asked for (missing ones are skipped)."""
        ...

    def dense_search(
        self, vector: Vectors, k: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity), best first."""
        ...

    def article_vectors(self, doc_ids: Sequence[str]) -> dict[str, Vectors]:
        """Each article's vector: the normalised mean of its chunks'."""
        ...

    def chunk_vectors(self, chunk_ids: Sequence[str]) -> dict[str, Vectors]:
        """The vectors of those of the chunks that exist."""
        ...

    def iter_chunk_ids(self) -> Iterator[list[str]]:
        """All chunk ids, page by page: nothing else (a scan of a million stays cheap)."""
        ...

    def chunk_records(self, chunk_ids: Sequence[str]) -> list[tuple[dict[str, Any], str]]:
        """Each chunk's ``doc_id``, ``source`` and ``published_day``, and its text, in the
        order asked for (``({}, "")`` for one that is missing)."""
        ...


class Retriever(Protocol):
    """The best passages for a question, from as many articles as possible."""

    def retrieve(
        self,
        question: str,
        top_k: int,
        filters: Filters | None = None,
        recency: Recency | None = None,
    ) -> list[Hit]: ...
