"""Passages without an answer: what retrieval found for a question, each as a citation
of the article's exact words (for tools that read the passages themselves: MCP's
``search_news``), and the publishers in the archive."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from rag.contract import Article, Citation, SourceCount
from rag.search import ChunkCatalogue, Hit


def as_citations(hits: Sequence[Hit], articles: Mapping[str, Article]) -> list[Citation]:
    """One citation per hit whose article is stored: the quote is the article's own text
    over the chunk's span (``quote == text[start:end]``); support is not judged (0)."""
    out: list[Citation] = []
    for hit in hits:
        article = articles.get(hit.chunk.doc_id)
        if article is not None:
            span = (hit.chunk.start, hit.chunk.end)
            out.append(Citation.of(article, len(out) + 1, hit.chunk.chunk_id, span, hit.score, 0.0))
    return out


def source_counts(catalogue: ChunkCatalogue) -> list[SourceCount]:
    """Publishers by number of stored articles, most first ("" is left out)."""
    counts = Counter(str(s) for s in catalogue.article_sources if s)
    return [SourceCount(source=s, articles=n) for s, n in counts.most_common()]
