"""What a reader may do with the corpus: retrieve, read articles and chunks, and see
stories (wire copies), all inside one :meth:`rag.corpus.Corpus.read` block.

A view is consistent: no write lands while it is open, so the passages it finds, the
articles it reads and the index figures it hands out (``catalogue``, ``idf``) are of one
state of the corpus. What it hands out stays valid after the block (the catalogue and the
term weights are snapshots), so an answer can be composed from them without the lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from rag.contract import Article, ArticleMeta, Filters, public_origin
from rag.search import Chunk, ChunkCatalogue, Hit, Recency, one_per_story

if TYPE_CHECKING:
    from rag.corpus.corpus import Corpus

MetaT = TypeVar("MetaT", bound=ArticleMeta)


class ReadView:
    """The corpus as one reader sees it; use only inside its ``read()`` block."""

    def __init__(
        self, corpus: Corpus, catalogue: ChunkCatalogue, idf: Callable[[str], float]
    ) -> None:
        self._corpus = corpus
        self.catalogue = catalogue  # a snapshot: writes replace it, never change it
        self.idf = idf  # term weights of this state (for answering after the view)

    # --- passages ----------------------------------------------------------------------

    def retrieve(
        self,
        question: str,
        k: int,
        filters: Filters | None = None,
        recency: Recency | None = None,
        story_once: bool = True,
    ) -> list[Hit]:
        """The best passages, from as many articles as possible; with ``story_once``, of
        one article per wire story (its canonical when among them)."""
        hits = self._corpus.retriever.retrieve(question, k, filters, recency)
        if not story_once:
            return hits
        keep = one_per_story(list(dict.fromkeys(h.chunk.doc_id for h in hits)),
                             self._corpus.copies)  # fmt: skip
        return [h for h in hits if h.chunk.doc_id in keep]

    def chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        return self._corpus.store.get_chunks(chunk_ids)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """The article's stored chunks (of this state's version), in order."""
        return self.chunks(self.catalogue.chunks_of.get(doc_id, []))

    # --- articles ------------------------------------------------------------------------

    def articles(self, doc_ids: Sequence[str]) -> dict[str, Article]:
        found = self._corpus.store.get_articles(doc_ids) if doc_ids else {}
        return {d: self._named(a) for d, a in found.items()}

    def article(self, doc_id: str) -> Article:
        """The article with its story: its copies, or the article it copies."""
        return self.with_story(self._named(self._corpus.store.get_article(doc_id)))

    def list_articles(self, offset: int, limit: int) -> list[ArticleMeta]:
        rows = self._corpus.store.list_articles(offset, limit)
        return [self.with_story(self._named(row)) for row in rows]

    def _named(self, article: MetaT) -> MetaT:
        """The article as of its collection (the store does not know it is one)."""
        name = self._corpus.name
        return (
            article
            if article.collection == name
            else article.model_copy(update={"collection": name})
        )

    def count_articles(self) -> int:
        return self._corpus.store.count_articles()

    def count_chunks(self) -> int:
        return self._corpus.store.count_chunks()

    def content_hashes(self, doc_ids: Sequence[str]) -> dict[str, str]:
        return self._corpus.store.content_hashes(doc_ids) if doc_ids else {}

    # --- stories -------------------------------------------------------------------------

    def with_story(self, article: MetaT) -> MetaT:
        copies = self._corpus.copies
        head = copies.canonical(article.doc_id)
        update = {
            "copies": tuple(copies.copies_of(article.doc_id)),
            "copy_of": head if head != article.doc_id else "",
        }
        return article.model_copy(update=update)

    def also_in(self, doc_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Per article, its story's other copies named as people know them: "Title
        (Publisher)", else the title or the publisher, else the file's name (never a path,
        nor the raw id while anything else is known). One store read, only when some of
        the articles have copies."""
        others = {d: self._corpus.copies.copies_of(d) for d in dict.fromkeys(doc_ids)}
        wanted = list(dict.fromkeys(d for ids in others.values() for d in ids))
        if not wanted:
            return {}
        found = self._corpus.store.get_articles(wanted)
        out: dict[str, tuple[str, ...]] = {}
        for doc_id, ids in others.items():
            named = tuple(dict.fromkeys(_name(found.get(d), d) for d in ids))
            if named:
                out[doc_id] = named
        return out


def _name(meta: ArticleMeta | None, doc_id: str) -> str:
    if meta is None:
        return doc_id
    if meta.title and meta.source:
        return f"{meta.title} ({meta.source})"
    return meta.title or meta.source or public_origin(meta.origin) or doc_id
