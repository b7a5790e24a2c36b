"""Which stored chunk holds a cited offset: the citation contract names the chunk a
passage starts in (a retrieved one if possible, else one of the article's chunks)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rag.answering import ChunkLocator
from rag.errors import NotFoundError
from rag.search import Chunk, ChunkCatalogue, Hit

Fetch = Callable[[list[str]], list[Chunk]]  # chunks by id, read through the corpus


def chunk_holding(spans: Sequence[tuple[int, int, str]], doc_id: str, offset: int) -> str:
    """The chunk whose span holds ``offset``, else the last one starting before it."""
    if not spans:
        raise NotFoundError(f"no chunks stored for article '{doc_id}'")
    before = [c for s, _, c in spans if s <= offset] or [spans[0][2]]
    return next((c for s, e, c in spans if s <= offset < e), before[-1])


def locator(hits: Sequence[Hit], catalogue: ChunkCatalogue, fetch: Fetch) -> ChunkLocator:
    """Find the chunk that holds an offset: a retrieved one if possible, else one of the
    article's chunks as the read view saw them (``catalogue``), fetched once per article.
    An article rewritten since has none of those left: its retrieved chunks stand in."""
    retrieved = {(h.chunk.doc_id, h.chunk.start, h.chunk.end): h.chunk.chunk_id for h in hits}
    stored: dict[str, list[tuple[int, int, str]]] = {}

    def locate(doc_id: str, offset: int) -> str:
        for (doc, start, end), found in retrieved.items():
            if doc == doc_id and start <= offset < end:
                return found
        if doc_id not in stored:  # by id: a Chroma filter on doc_id cost ~12 ms
            chunks = fetch(catalogue.chunks_of.get(doc_id, []))
            spans = [(c.start, c.end, c.chunk_id) for c in chunks]
            spans = spans or [(s, e, c) for (d, s, e), c in retrieved.items() if d == doc_id]
            stored[doc_id] = sorted(spans)
        return chunk_holding(stored[doc_id], doc_id, offset)

    return locate
